// Package keymap holds Podium's key bindings as data: which key does what in which context,
// the help text shown for it, and the checks a user-supplied keymap must pass. The TUI looks
// keys up here instead of hard-coding them, so a config file can rebind any action.
package keymap

import (
	"slices"
)

// Action is what a key does. Actions are named, not numbered, so a config file can refer to them.
type Action string

// The actions of the tabs and of the global layer. Actions are shared between tabs where they
// mean the same thing (stop, restart, shell, filter); each tab applies them to its own selection.
const (
	None       Action = ""
	Quit       Action = "quit"
	Help       Action = "help"
	Up         Action = "up"
	Down       Action = "down"
	Top        Action = "top"
	Bottom     Action = "bottom"
	PageUp     Action = "pageup"
	PageDown   Action = "pagedown"
	Focus      Action = "focus"
	Filter     Action = "filter"
	Shell      Action = "shell"
	Stop       Action = "stop"
	Restart    Action = "restart"
	Remove     Action = "remove"
	Confirm    Action = "confirm"
	Cancel     Action = "cancel"
	LogsFollow Action = "logs-follow"

	// Tabs. Their default keys are their places in the tab bar: 1 Pods, 2 Deploys, 3 Pipelines,
	// 4 Containers.
	TabPods       Action = "tab-pods"
	TabDeploys    Action = "tab-deploys"
	TabContainers Action = "tab-containers"
	TabPipelines  Action = "tab-pipelines"

	// Pods.
	BringUp Action = "bring-up" // `up` of a pod or service ("up" is the cursor's)
	Exec    Action = "exec"
	Test    Action = "test"
	Run     Action = "run"
	Reload  Action = "reload"
	// Deploys.
	Rollback    Action = "rollback"
	PauseResume Action = "pause-resume"
	TakeOver    Action = "take-over" // start a supervisor in-process in place of a followed one that stopped
	// Pipelines.
	Select    Action = "select" // run the selected pipeline file, or show the selected run or node
	Rerun     Action = "rerun"
	Skip      Action = "skip"
	Kill      Action = "kill"
	Debug     Action = "debug"
	DebugLive Action = "debug-live"
	NextError Action = "next-error"

	// The workstation: panes, palette, marks.
	Palette     Action = "palette"      // the command palette: every action by name
	Zoom        Action = "zoom"         // the detail pane full screen, and back
	SplitGrow   Action = "split-grow"   // give the detail pane more room
	SplitShrink Action = "split-shrink" // give the list more room
	DetailNext  Action = "detail-next"  // the detail's next sub-tab (logs, config, env, …)
	DetailPrev  Action = "detail-prev"
	Mark        Action = "mark"       // mark or unmark the selection for a bulk action
	MarkClear   Action = "mark-clear" // unmark everything
	// Pods: what the issues of pods added beyond the cursor keys.
	Apply     Action = "apply" // bring up what a file change made drift
	Build     Action = "build"
	Pull      Action = "pull"
	PodsDown  Action = "pods-down"  // remove every pod's containers and networks (asks first)
	Mount     Action = "mount"      // toggle the source tree a service is built from (the CLI's source mount/unmount)
	RunScript Action = "run-script" // asks for the script's name, as the CLI takes it
	// Pipelines, beyond the controls above: what the CLI can do to a run.
	Modify Action = "modify" // a node's command or env, for the shown run only
	// Logs.
	Search     Action = "search"      // search the log; matches are highlighted
	SearchNext Action = "search-next" // the next match (older lines are above)
	SearchPrev Action = "search-prev"
	OnlyMatch  Action = "only-matching" // show only the lines that match the search
	Timestamps Action = "timestamps"
	Wrap       Action = "wrap"
	Save       Action = "save" // write the whole log to a file
	// Errors: every error in full.
	Errors    Action = "errors"     // the recent errors, newest first, from every tab and action
	OpenError Action = "open-error" // the selection's error (or story) in full: wrapped, scrollable
	Copy      Action = "copy"       // copy the text on screen to the clipboard (OSC 52)
)

// Context is where the user is: the bindings that apply depend on it.
type Context string

// The contexts of the screens. A context falls back to others as Chain says.
const (
	CtxGlobal     Context = "global"
	CtxPods       Context = "pods"
	CtxDeploys    Context = "deploys"
	CtxContainers Context = "containers"
	CtxPipelines  Context = "pipelines"
	CtxLogs       Context = "logs"
	CtxFilter     Context = "filter"
	CtxPrompt     Context = "prompt"
	CtxConfirm    Context = "confirm"
	CtxHelp       Context = "help"
	// CtxPalette is the command palette while it is open: typing filters the actions.
	CtxPalette Context = "palette"
	// CtxSearch is typing a log search: keys type text, enter keeps it, esc drops it.
	CtxSearch Context = "search"
	// CtxPodsLogs is the logs pane of the Pods tab. It has no bindings of its own: it is the
	// logs pane's keys falling back to the Pods tab's instead of the Containers tab's.
	CtxPodsLogs Context = "pods-logs"
	// CtxDeploysLogs is the logs pane of the Deploys tab, falling back to the Deploys tab's keys.
	CtxDeploysLogs Context = "deploys-logs"
	// CtxPipelinesOutput is the output pane of the Pipelines tab, falling back to its keys.
	CtxPipelinesOutput Context = "pipelines-output"
	// CtxErrors is the errors screen: the recent errors (!), or one error or text opened in
	// full (E, enter on a timeline).
	CtxErrors Context = "errors"
	// CtxDeploysTimeline is the Deploys tab's Timeline sub-tab with the keys: enter opens the
	// timeline in full instead of the list's shell; the rest falls back to the logs pane's.
	CtxDeploysTimeline Context = "deploys-timeline"
)

// Binding ties keys to an action in one context.
type Binding struct {
	Action Action
	// Keys are Bubble Tea key strings: "j", "G", "up", "ctrl+d", "enter", "esc", "space".
	Keys []string
	// Help describes the action on the help screen.
	Help string
	// Hint is the short label in the footer; empty keeps the binding out of the footer.
	// Adjacent bindings with the same Hint share one footer entry ("↑↓ move").
	Hint string
}

// Keymap holds the bindings of every context. It is a value: With returns a changed copy, so a
// config loader can start from Default and apply a user's overrides without touching the original.
type Keymap struct {
	Bindings map[Context][]Binding
}

// Contexts lists the contexts in the order the help screen shows them.
func Contexts() []Context {
	return []Context{CtxGlobal, CtxPods, CtxDeploys, CtxContainers, CtxPipelines, CtxLogs, CtxFilter, CtxSearch, CtxPrompt, CtxConfirm, CtxPalette, CtxDeploysTimeline, CtxErrors, CtxHelp}
}

// Title is a context's heading on the help screen.
func (c Context) Title() string {
	switch c {
	case CtxGlobal:
		return "Global"
	case CtxPods:
		return "Pods"
	case CtxDeploys:
		return "Deploys"
	case CtxContainers:
		return "Containers"
	case CtxPipelines:
		return "Pipelines"
	case CtxLogs, CtxPodsLogs, CtxDeploysLogs, CtxPipelinesOutput:
		return "Logs pane (tab)"
	case CtxFilter:
		return "Filter (/)"
	case CtxPrompt:
		return "Command line (e, o, O, m)"
	case CtxConfirm:
		return "Confirm"
	case CtxHelp:
		return "Help"
	case CtxErrors:
		return "Errors (!) and full texts (E)"
	case CtxDeploysTimeline:
		return "Deploys timeline (tab on Timeline)"
	case CtxPalette:
		return "Command palette (:)"
	case CtxSearch:
		return "Log search (/ in a log)"
	}
	return string(c)
}

// Chain is the order in which contexts are searched for a key pressed in c. Text entry and
// dialogs do not fall back to the global layer, so typing "q" in the filter types a q.
func Chain(c Context) []Context {
	switch c {
	case CtxPods:
		return []Context{CtxPods, CtxGlobal}
	case CtxDeploys:
		return []Context{CtxDeploys, CtxGlobal}
	case CtxContainers:
		return []Context{CtxContainers, CtxGlobal}
	case CtxPipelines:
		return []Context{CtxPipelines, CtxGlobal}
	case CtxPipelinesOutput:
		return []Context{CtxLogs, CtxPipelines, CtxGlobal}
	case CtxLogs:
		return []Context{CtxLogs, CtxContainers, CtxGlobal}
	case CtxPodsLogs:
		return []Context{CtxLogs, CtxPods, CtxGlobal}
	case CtxDeploysLogs:
		return []Context{CtxLogs, CtxDeploys, CtxGlobal}
	case CtxHelp:
		return []Context{CtxHelp, CtxGlobal}
	case CtxErrors:
		return []Context{CtxErrors}
	case CtxDeploysTimeline:
		return []Context{CtxDeploysTimeline, CtxLogs, CtxDeploys, CtxGlobal}
	case CtxGlobal:
		return []Context{CtxGlobal}
	}
	return []Context{c}
}

// Lookup returns the action key has in exactly ctx, or None.
func (k Keymap) Lookup(ctx Context, key string) Action {
	for _, b := range k.Bindings[ctx] {
		if slices.Contains(b.Keys, key) {
			return b.Action
		}
	}
	return None
}

// Resolve returns the action key has in ctx, falling back along Chain(ctx).
func (k Keymap) Resolve(ctx Context, key string) Action {
	for _, c := range Chain(ctx) {
		if a := k.Lookup(c, key); a != None {
			return a
		}
	}
	return None
}

// Keys returns the keys bound to action in ctx.
func (k Keymap) Keys(ctx Context, action Action) []string {
	for _, b := range k.Bindings[ctx] {
		if b.Action == action {
			return slices.Clone(b.Keys)
		}
	}
	return nil
}

// With returns a copy of k where action in ctx is bound to keys (replacing its old keys, or
// adding a binding). Bindings of other contexts are shared, never modified.
func (k Keymap) With(ctx Context, action Action, keys ...string) Keymap {
	out := Keymap{Bindings: make(map[Context][]Binding, len(k.Bindings)+1)}
	for c, bs := range k.Bindings {
		out.Bindings[c] = bs
	}
	bs := slices.Clone(k.Bindings[ctx])
	i := slices.IndexFunc(bs, func(b Binding) bool { return b.Action == action })
	if i < 0 {
		bs = append(bs, Binding{Action: action, Keys: slices.Clone(keys), Help: string(action)})
	} else {
		bs[i].Keys = slices.Clone(keys)
	}
	out.Bindings[ctx] = bs
	return out
}
