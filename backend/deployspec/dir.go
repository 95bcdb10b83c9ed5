package deployspec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ScanDirs parses every spec file directly in each directory (not in subdirectories), like
// condo's PREFIX directories. Problems come back beside the specs, never instead of them:
//   - a file that does not parse is reported (a *ParseError naming its service) and left out;
//   - a service name defined by more than one file (the same name in two directories, or web.edn
//     beside web.yml) is reported once, naming every file, and left out;
//   - an unreadable directory is reported (Service "") and contributes no specs.
//
// A left-out service is not a removed one: the caller keeps what runs under that name (condo
// stopped everything of an unreadable directory; Podium should not). A file that vanishes between
// listing and reading is skipped silently, as condo ignored ENOENT. A directory given twice is
// read once. Specs are sorted by name.
func ScanDirs(dirs []string) (specs []Spec, problems []error) {
	seenDir := map[string]bool{}
	byName := map[string][]string{}
	for _, dir := range dirs {
		key := filepath.Clean(dir)
		if abs, err := filepath.Abs(key); err == nil {
			key = abs
		}
		if seenDir[key] {
			continue
		}
		seenDir[key] = true
		entries, err := os.ReadDir(dir)
		if err != nil {
			problems = append(problems, &ParseError{File: dir, Msg: "cannot read the spec directory: " + parseOSError(err), Err: err})
			continue
		}
		for _, e := range entries {
			path := filepath.Join(dir, e.Name())
			if !IsSpecFile(path) {
				continue
			}
			if e.Type()&fs.ModeSymlink != 0 {
				st, err := os.Stat(path)
				if err != nil {
					problems = append(problems, &ParseError{Service: parseServiceName(path), File: path, Msg: "a symbolic link to a missing or unreadable file: " + parseOSError(err), Err: err})
					continue
				}
				if !st.Mode().IsRegular() {
					continue
				}
			} else if !e.Type().IsRegular() {
				continue
			}
			name := parseServiceName(path)
			byName[name] = append(byName[name], path)
		}
	}
	for _, name := range parseSortedKeys(byName) {
		paths := byName[name]
		if len(paths) > 1 {
			problems = append(problems, &ParseError{Service: name, File: paths[0], Msg: fmt.Sprintf(
				"service %q is also defined by %s; neither file is used until only one is left",
				name, strings.Join(paths[1:], " and "))})
			continue
		}
		s, err := ParseFile(paths[0])
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				problems = append(problems, err)
			}
			continue
		}
		specs = append(specs, s)
	}
	sort.Slice(specs, func(i, j int) bool { return specs[i].Name < specs[j].Name })
	return specs, problems
}

// IsSpecFile says whether a path names a spec file by its name alone: .edn, .yml, .yaml or .json
// (any case), and not a dotfile or an editor's temporary file (`*~`, `.#*`, `#*#`, vim's `4913`).
// It is the watcher's filter as well as ScanDirs'.
func IsSpecFile(path string) bool {
	base := filepath.Base(path)
	if base == "" || base == "4913" || strings.HasPrefix(base, ".") || strings.HasPrefix(base, "#") || strings.HasSuffix(base, "~") {
		return false
	}
	switch strings.ToLower(filepath.Ext(base)) {
	case ".edn", ".yml", ".yaml", ".json":
		return true
	}
	return false
}
