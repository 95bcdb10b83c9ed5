package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/readlimit"
	"github.com/podiumdev/podium/keymap"
)

// keymapInvalid is the exit code of a refused keymap file, for the TUI and `keys --check`
// alike, so a script can tell it from other failures.
const keymapInvalid = 2

// newKeysCmd is `podium keys`: the bindings in effect, printed as a config file one can edit.
func newKeysCmd() *cobra.Command {
	var check bool
	cmd := &cobra.Command{
		Use:   "keys [file]",
		Short: "Print the key bindings in effect, or check a keymap file",
		Long: `Print the key bindings in effect per context, in the format of the config file that
changes them: $XDG_CONFIG_HOME/podium/config.yml (default ~/.config/podium/config.yml), or the
file given. With --check, only validate the file: print "ok", or every problem with its line
and exit with status 2.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			file := ""
			if len(args) == 1 {
				file = args[0]
			}
			km, path, err := loadKeymap(file)
			if err != nil {
				reportKeymapErrors(cmd.ErrOrStderr(), err)
				return docker.ExitError{Code: keymapInvalid}
			}
			if !check {
				return printKeymap(cmd.OutOrStdout(), km)
			}
			if _, err := os.Stat(path); err != nil {
				fmt.Fprintf(cmd.OutOrStdout(), "ok (no %s: the defaults apply)\n", path)
				return nil
			}
			fmt.Fprintln(cmd.OutOrStdout(), "ok")
			return nil
		},
	}
	cmd.Flags().BoolVar(&check, "check", false, "validate the file and print ok, or its errors (exit status 2)")
	return cmd
}

// loadKeymap reads the keymap file named, which must exist, or else the user's config file,
// which may not. It returns the path it read.
func loadKeymap(file string) (keymap.Keymap, string, error) {
	if file != "" {
		data, err := readlimit.ReadFile(file)
		if readlimit.IsTooLarge(err) {
			return keymap.Keymap{}, file, fmt.Errorf("keymap %w", err)
		}
		if err != nil {
			return keymap.Keymap{}, file, fmt.Errorf("read keymap: %w", err)
		}
		km, err := keymap.Parse(file, data)
		return km, file, err
	}
	path, err := keymap.ConfigPath()
	if err != nil {
		return keymap.Keymap{}, "", err
	}
	km, err := keymap.Load(path)
	return km, path, err
}

// tuiKeymap is the keymap the TUI starts with. A bad file stops it before the screen opens,
// every problem printed, rather than running with a keymap the user did not write.
func tuiKeymap(stderr io.Writer, file string) (keymap.Keymap, error) {
	km, _, err := loadKeymap(file)
	if err != nil {
		fmt.Fprintln(stderr, "podium: not starting: the keymap has errors ('podium keys --check' checks it)")
		reportKeymapErrors(stderr, err)
		return keymap.Keymap{}, docker.ExitError{Code: keymapInvalid}
	}
	return km, nil
}

// reportKeymapErrors prints one problem per line, each starting with file:line as compilers
// print them, so editors can jump to them.
func reportKeymapErrors(w io.Writer, err error) {
	for line := range strings.SplitSeq(err.Error(), "\n") {
		fmt.Fprintln(w, line)
	}
}

// printKeymap writes km as a config file: every action of every context with its keys and,
// as a comment, what it does. Unbound actions show as [].
func printKeymap(w io.Writer, km keymap.Keymap) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "keys:")
	for _, c := range keymap.Contexts() {
		fmt.Fprintf(tw, "  %s:\t\t# %s\n", c, c.Title())
		for _, b := range km.Bindings[c] {
			quoted := make([]string, len(b.Keys))
			for i, k := range b.Keys {
				quoted[i] = strconv.Quote(k)
			}
			fmt.Fprintf(tw, "    %s:\t[%s]\t# %s\n", b.Action, strings.Join(quoted, ", "), b.Help)
		}
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("print keymap: %w", err)
	}
	return nil
}
