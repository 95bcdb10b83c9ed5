package keymap

// Default is the built-in keymap: arrows and vim keys, lazydocker's letters for container
// actions, cage's verbs for pods (u up, s stop, R or r restart, x shell, e exec, t test, o run),
// kubectl rollout's for supervised services (r restart, b roll back, p pause or resume).
func Default() Keymap {
	nav := func(what string) []Binding {
		return []Binding{
			{Action: Up, Keys: []string{"up", "k"}, Help: "move " + what + " up", Hint: "move"},
			{Action: Down, Keys: []string{"down", "j"}, Help: "move " + what + " down", Hint: "move"},
			{Action: Top, Keys: []string{"home", "g"}, Help: "go to the top"},
			{Action: Bottom, Keys: []string{"end", "G"}, Help: "go to the bottom"},
			{Action: PageUp, Keys: []string{"pgup", "ctrl+u"}, Help: "page up"},
			{Action: PageDown, Keys: []string{"pgdown", "ctrl+d"}, Help: "page down"},
		}
	}
	containers := append(nav("the selection"),
		Binding{Action: Shell, Keys: []string{"enter", "x"}, Help: "open a shell in the container", Hint: "shell"},
		Binding{Action: Stop, Keys: []string{"s"}, Help: "stop the container", Hint: "stop"},
		Binding{Action: Restart, Keys: []string{"r"}, Help: "restart the container", Hint: "restart"},
		Binding{Action: Remove, Keys: []string{"d"}, Help: "remove the container (asks first)", Hint: "remove"},
		Binding{Action: Filter, Keys: []string{"/"}, Help: "filter by name, image, project or service", Hint: "filter"},
		Binding{Action: Cancel, Keys: []string{"esc"}, Help: "clear the filter"},
		Binding{Action: LogsFollow, Keys: []string{"f"}, Help: "pause or resume following the logs"},
		Binding{Action: Focus, Keys: []string{"tab", "l"}, Help: "switch focus between list and logs"},
	)
	pods := append(nav("the selection"),
		Binding{Action: BringUp, Keys: []string{"u"}, Help: "bring up (recreates what drifted)", Hint: "up"},
		Binding{Action: Stop, Keys: []string{"s"}, Help: "stop the pod or service", Hint: "stop"},
		Binding{Action: Restart, Keys: []string{"R", "r"}, Help: "restart the pod or service", Hint: "restart"},
		Binding{Action: Shell, Keys: []string{"enter", "x"}, Help: "open a shell in the service", Hint: "shell"},
		Binding{Action: Exec, Keys: []string{"e"}, Help: "run a command in the service", Hint: "exec"},
		Binding{Action: Test, Keys: []string{"t"}, Help: "run the service's tests", Hint: "test"},
		Binding{Action: Run, Keys: []string{"o"}, Help: "run a one-off container (asks)", Hint: "run"},
		Binding{Action: Reload, Keys: []string{"ctrl+r"}, Help: "reload the workspace from disk"},
		Binding{Action: Filter, Keys: []string{"/"}, Help: "filter by pod, service, container", Hint: "filter"},
		Binding{Action: Cancel, Keys: []string{"esc"}, Help: "clear the filter"},
		Binding{Action: LogsFollow, Keys: []string{"f"}, Help: "pause or resume following the logs"},
		Binding{Action: Focus, Keys: []string{"tab", "l"}, Help: "focus the logs pane or the tree"},
	)
	deploys := append(nav("the selection"),
		Binding{Action: Restart, Keys: []string{"r"}, Help: "restart: redeploy (asks first)", Hint: "restart"},
		Binding{Action: Rollback, Keys: []string{"b"}, Help: "roll back a revision (asks first)", Hint: "rollback"},
		Binding{Action: PauseResume, Keys: []string{"p"}, Help: "pause or resume its deploys", Hint: "pause"},
		Binding{Action: Shell, Keys: []string{"enter", "x"}, Help: "shell in its first container", Hint: "shell"},
		Binding{Action: Filter, Keys: []string{"/"}, Help: "filter by name, state or image", Hint: "filter"},
		Binding{Action: Cancel, Keys: []string{"esc"}, Help: "clear the filter"},
		Binding{Action: LogsFollow, Keys: []string{"f"}, Help: "pause or resume following the logs"},
		Binding{Action: Focus, Keys: []string{"tab", "l"}, Help: "focus the logs pane or the list"},
	)
	pipelines := append(nav("the selection"),
		Binding{Action: Select, Keys: []string{"enter"}, Help: "run the pipeline file; show the run or node", Hint: "run/open"},
		Binding{Action: Rerun, Keys: []string{"R"}, Help: "rerun the node (or the whole run)", Hint: "rerun"},
		Binding{Action: Skip, Keys: []string{"s"}, Help: "skip or unskip the node", Hint: "skip"},
		Binding{Action: Kill, Keys: []string{"K"}, Help: "kill the run (asks first)", Hint: "kill"},
		Binding{Action: Debug, Keys: []string{"d"}, Help: "debug the node in a shell", Hint: "debug"},
		Binding{Action: DebugLive, Keys: []string{"D"}, Help: "debug the node with the code bind-mounted"},
		Binding{Action: NextError, Keys: []string{"n"}, Help: "jump to the next node in error", Hint: "next error"},
		Binding{Action: Filter, Keys: []string{"/"}, Help: "filter by pipeline or run", Hint: "filter"},
		Binding{Action: Cancel, Keys: []string{"esc"}, Help: "back to the runs; clear the filter"},
		Binding{Action: Focus, Keys: []string{"tab", "l"}, Help: "focus the output pane or the list"},
	)
	logs := []Binding{
		{Action: Up, Keys: []string{"up", "k"}, Help: "scroll up (pauses following)", Hint: "scroll"},
		{Action: Down, Keys: []string{"down", "j"}, Help: "scroll down", Hint: "scroll"},
		{Action: Top, Keys: []string{"home", "g"}, Help: "go to the oldest line"},
		{Action: Bottom, Keys: []string{"end", "G"}, Help: "go to the newest line and follow"},
		{Action: PageUp, Keys: []string{"pgup", "ctrl+u"}, Help: "page up"},
		{Action: PageDown, Keys: []string{"pgdown", "ctrl+d"}, Help: "page down"},
		{Action: LogsFollow, Keys: []string{"f"}, Help: "pause or resume following", Hint: "follow"},
		{Action: Focus, Keys: []string{"tab", "l"}, Help: "back to the list", Hint: "list"},
	}
	return Keymap{Bindings: map[Context][]Binding{
		CtxGlobal: {
			{Action: Help, Keys: []string{"?"}, Help: "show or hide this help", Hint: "help"},
			{Action: Quit, Keys: []string{"q", "ctrl+c"}, Help: "quit (containers keep running)", Hint: "quit"},
			{Action: TabPods, Keys: []string{"1"}, Help: "Pods tab"},
			{Action: TabDeploys, Keys: []string{"2"}, Help: "Deploys tab"},
			{Action: TabPipelines, Keys: []string{"3"}, Help: "Pipelines tab"},
			{Action: TabContainers, Keys: []string{"4"}, Help: "Containers tab"},
		},
		CtxPods:       pods,
		CtxDeploys:    deploys,
		CtxContainers: containers,
		CtxPipelines:  pipelines,
		CtxLogs:       logs,
		CtxFilter: {
			{Action: Confirm, Keys: []string{"enter"}, Help: "keep the filter, back to the list", Hint: "keep"},
			{Action: Cancel, Keys: []string{"esc"}, Help: "clear the filter", Hint: "clear"},
			{Action: Quit, Keys: []string{"ctrl+c"}, Help: "quit"},
		},
		CtxPrompt: {
			{Action: Confirm, Keys: []string{"enter"}, Help: "run the command", Hint: "run"},
			{Action: Cancel, Keys: []string{"esc"}, Help: "cancel", Hint: "cancel"},
			{Action: Quit, Keys: []string{"ctrl+c"}, Help: "quit"},
		},
		CtxConfirm: {
			{Action: Confirm, Keys: []string{"y", "Y"}, Help: "yes, do it", Hint: "yes"},
			{Action: Cancel, Keys: []string{"n", "N", "esc"}, Help: "no, keep it", Hint: "no"},
			{Action: Quit, Keys: []string{"ctrl+c"}, Help: "quit"},
		},
		CtxHelp: {
			{Action: Up, Keys: []string{"up", "k"}, Help: "scroll up", Hint: "scroll"},
			{Action: Down, Keys: []string{"down", "j"}, Help: "scroll down", Hint: "scroll"},
			{Action: Cancel, Keys: []string{"esc", "?"}, Help: "close the help", Hint: "close"},
		},
	}}
}
