package pods

import (
	"github.com/podiumdev/podium/model/common"

	"github.com/podiumdev/podium/model/list"

	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/mattn/go-shellwords"

	"github.com/podiumdev/podium/backend/pods"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// commandPrompt is the one-line command prompt of exec (e) and run (o), and the script name
// prompt of run-script (O).
type commandPrompt struct {
	action       keymap.Action // keymap.Exec, keymap.Run or keymap.RunScript
	pod, service string        // service is "" for run-script on a whole pod
	text         string
	scripts      []string // run-script: the names there are, for the label
}

// label is what the prompt line says before the text.
func (p commandPrompt) label() string {
	if p.action == keymap.RunScript {
		return "run-script on " + pods.Address(p.pod, p.service) + " (" + strings.Join(p.scripts, ", ") + ")"
	}
	if p.action == keymap.Run {
		return "run " + p.pod + "/" + p.service + " (empty: its command)"
	}
	return "exec in " + p.pod + "/" + p.service
}

// handleKey routes a key press by the tab's context.
func (m Model) handleKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	key := msg.String()
	switch ctx := m.Context(); ctx {
	case keymap.CtxConfirm:
		return m.confirmKey(m.Keys.Resolve(ctx, key))
	case keymap.CtxPrompt:
		return m.promptKey(msg, m.Keys.Resolve(ctx, key))
	case keymap.CtxFilter:
		return m.filterKey(msg, m.Keys.Resolve(ctx, key))
	case keymap.CtxSearch:
		m.logs.SearchKey(msg, m.Keys.Resolve(ctx, key), m.layout().LogLines())
		return m, nil
	default:
		return m.do(m.Keys.Resolve(ctx, key))
	}
}

func (m Model) filterKey(msg tea.KeyPressMsg, a keymap.Action) (Model, tea.Cmd) {
	f, ok := m.list.FilterKey(msg, a)
	if !ok {
		return m, nil
	}
	m.setFilter(f)
	return m, m.syncLogs()
}

func (m Model) promptKey(msg tea.KeyPressMsg, a keymap.Action) (Model, tea.Cmd) {
	p := *m.prompt
	switch a {
	case keymap.Confirm:
		m.prompt = nil
		if p.action == keymap.RunScript {
			return m.runScript(p.pod, p.service, strings.TrimSpace(p.text))
		}
		args, err := splitCommand(p.text)
		switch {
		case err != nil:
			m.status = views.Status{Text: err.Error(), Err: true}
			return m, nil
		case p.action == keymap.Exec && len(args) == 0:
			m.status = views.Status{Text: "exec needs a command", Err: true}
			return m, nil
		}
		return m.interactive(p.action, p.pod, p.service, args)
	case keymap.Cancel:
		m.prompt = nil
		m.status = views.Status{}
		return m, nil
	}
	p.text = common.EditLine(p.text, msg)
	m.prompt = &p
	return m, nil
}

// splitCommand splits a typed command line with shell-word rules, no variable expansion.
func splitCommand(line string) ([]string, error) {
	p := shellwords.NewParser()
	p.ParseEnv, p.ParseBacktick = false, false
	args, err := p.Parse(line)
	if err != nil {
		return nil, fmt.Errorf("command %q: %w", line, err)
	}
	if p.Position >= 0 {
		return nil, fmt.Errorf("command %q has a shell operator: wrap it in sh -c '…'", line)
	}
	return args, nil
}

// do performs an action in the tree or its logs pane, from a key or the command palette.
func (m Model) do(a keymap.Action) (Model, tea.Cmd) {
	if m.ws == nil {
		// Nothing to move over: the tree's focus never left it.
		switch a {
		case keymap.Reload:
			return m.reload()
		case keymap.OpenError:
			return m.openError()
		case keymap.Cancel:
			m.status = views.Status{}
		}
		return m, nil
	}
	if m.detailKey(a) {
		return m, nil
	}
	switch m.list.Key(a, &m.logs, m.layout().LogLines(), &m.status, func() { m.setFilter("") }) {
	case list.Done:
		return m, m.logs.TakeCmd() // reading older lines, saving the whole log
	case list.Moved:
		return m, m.syncLogs()
	}
	if m, cmd, ok := m.markKey(a); ok {
		return m, cmd
	}
	switch a {
	case keymap.Reload:
		return m.reload()
	case keymap.OpenError:
		return m.openError()
	case keymap.BringUp, keymap.Stop, keymap.Restart, keymap.Build, keymap.Pull:
		return m.lifecycle(a)
	case keymap.Apply:
		return m.apply(false)
	case keymap.Remove:
		return m.askRemove()
	case keymap.PodsDown:
		return m.askDown()
	case keymap.Shell, keymap.Test, keymap.Exec, keymap.Run:
		return m.serviceAction(a)
	case keymap.RunScript:
		return m.askScript()
	case keymap.Mount:
		return m.toggleMount()
	}
	return m, nil
}

func (m Model) reload() (Model, tea.Cmd) {
	if m.pb == nil {
		m.status = views.Status{Text: "no workspace to reload: start podium in one, or with -w DIR", Err: true}
		return m, nil
	}
	if m.loading {
		return m, nil
	}
	m.loading = true
	m.status = views.Status{Text: "reloading the workspace…"}
	return m, m.load(true)
}

// keyName is how the first key of a Pods action is shown ("u"), for messages that teach it.
func (m Model) keyName(a keymap.Action) string {
	if ks := m.Keys.Keys(keymap.CtxPods, a); len(ks) > 0 {
		return keymap.KeyName(ks[0])
	}
	return string(a)
}

// refusal says why action a cannot apply to row r ("" when it can): a broken pod, a pod not
// enabled in the target, up on a task.
func (m Model) refusal(a keymap.Action, r views.PodTreeRow) string {
	p := r.Pod
	switch {
	case p.Err != nil:
		return fmt.Sprintf("pod %s is broken: %s", p.Name, views.PodError(p))
	case !p.Enabled && a != keymap.Test && a != keymap.Run:
		// Like cage, run may use a disabled pod's services, and test uses its own target.
		return fmt.Sprintf("pod %s is not enabled in target %s", p.Name, m.ws.Target)
	case a == keymap.BringUp && p.Type == pods.PodTask:
		return fmt.Sprintf("%s is a task pod: tasks are not brought up, %s runs one", p.Name, m.keyName(keymap.Run))
	case a == keymap.Build && !buildable(r):
		if r.Kind == views.PodLevel {
			return "nothing to build: no service of " + p.Name + " has a build: section"
		}
		return "nothing to build: " + p.Name + "/" + r.Service.Service + " has no build: section"
	}
	return ""
}

// buildable says a row's service (or one of its pod's) builds its image.
func buildable(r views.PodTreeRow) bool {
	for name, svc := range r.Pod.Project.Services {
		if svc.Build != nil && (r.Kind == views.PodLevel || name == r.Service.Service) {
			return true
		}
	}
	return false
}

// service is the service a row stands for: its own, or a pod's only one.
func (m Model) service(r views.PodTreeRow) (pods.ServiceState, string) {
	if r.Kind != views.PodLevel {
		return r.Service, ""
	}
	for _, ps := range m.states {
		if ps.Pod != r.Pod {
			continue
		}
		if len(ps.Services) == 1 {
			return ps.Services[0], ""
		}
		names := make([]string, len(ps.Services))
		for i, s := range ps.Services {
			names[i] = s.Service
		}
		return pods.ServiceState{}, fmt.Sprintf("pod %s has %d services (%s): select one", r.Pod.Name, len(names), strings.Join(names, ", "))
	}
	return pods.ServiceState{}, "pod " + r.Pod.Name + " has no services"
}

// serviceAction starts shell, test, or the prompt of exec and run, on the selected service.
func (m Model) serviceAction(a keymap.Action) (Model, tea.Cmd) {
	r, why := m.actionRow(a)
	if why != "" {
		m.status = views.Status{Text: why, Err: true}
		return m, nil
	}
	s, why := m.service(r)
	if why != "" {
		m.status = views.Status{Text: why, Err: true}
		return m, nil
	}
	if (a == keymap.Shell || a == keymap.Exec) && s.Running() == 0 {
		m.status = views.Status{Text: fmt.Sprintf("%s/%s is not running: %s brings it up", s.Pod, s.Service, m.keyName(keymap.BringUp)), Err: true}
		return m, nil
	}
	switch a {
	case keymap.Exec, keymap.Run:
		m.prompt = &commandPrompt{action: a, pod: s.Pod, service: s.Service}
		m.status = views.Status{}
		return m, nil
	}
	return m.interactive(a, s.Pod, s.Service, nil)
}
