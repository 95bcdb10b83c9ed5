package pods

import (
	"github.com/podiumdev/podium/model/list"

	"fmt"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/podiumdev/podium/backend/pods"
	"github.com/podiumdev/podium/backend/secret"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/detail"
	"github.com/podiumdev/podium/views"
)

// podDetail is the Pods tab's detail pane beyond its logs: the sub-tabs, and the selected
// service's compose config and environment as the loaded workspace resolves them for its
// target (environment layered, config/secrets.yml included).
type podDetail struct {
	tabs  detail.Tabs
	key   string // what the text was made for: the workspace load and the service
	title string // pod/service
	yaml  []string
	env   []views.EnvVar
	mask  secret.Masker // what of env and yaml is secret: the workspace's rule for the service
	err   string        // why there is no text: a broken pod, a pod of several services
}

// syncDetail makes the Config and Env text of the selection while one of them is on screen;
// it costs nothing while the selection and the workspace stay the same.
func (m *Model) syncDetail() {
	d := &m.detail
	if !d.tabs.Is(detail.Config, detail.Env) || m.ws == nil {
		return
	}
	r, ok := m.Selected()
	if !ok {
		*d = podDetail{tabs: d.tabs}
		return
	}
	s, why := m.service(r)
	if r.Pod.Err != nil {
		why = "pod " + r.Pod.Name + " is broken: " + views.PodError(r.Pod)
	}
	key := fmt.Sprintf("%p %s/%s", m.ws, r.Pod.Name, s.Service)
	if why != "" {
		key = fmt.Sprintf("%p %s", m.ws, r.Pod.Name)
	}
	if key == d.key {
		return
	}
	*d = podDetail{tabs: d.tabs, key: key, title: r.Pod.Name}
	if why != "" {
		d.err = why
		return
	}
	d.title += "/" + s.Service
	svc, err := r.Pod.Service(s.Service)
	if err != nil {
		d.err = fmt.Sprintf("pod %s: %v", r.Pod.Name, err)
		return
	}
	d.mask = m.ws.Masker(r.Pod.Name, s.Service)
	d.env = serviceEnv(svc)
	text, err := pods.ShownProjectYAML(svc, d.mask)
	if err != nil {
		d.err = fmt.Sprintf("config of %s: %v", d.title, err)
		return
	}
	d.yaml = strings.Split(strings.TrimRight(text, "\n"), "\n")
}

// serviceEnv is a service's environment after layering.
func serviceEnv(svc types.ServiceConfig) []views.EnvVar {
	out := make([]views.EnvVar, 0, len(svc.Environment))
	for k, v := range svc.Environment {
		if v == nil {
			out = append(out, views.EnvVar{Key: k, Unset: true})
			continue
		}
		out = append(out, views.EnvVar{Key: k, Value: *v})
	}
	return out
}

// detailKey switches sub-tabs (from anywhere in the tab) and scrolls a text sub-tab while the
// detail pane has focus; false leaves the key to the list and the logs.
func (m *Model) detailKey(a keymap.Action) bool {
	if m.detail.tabs.SwitchKey(a) {
		m.syncDetail()
		return true
	}
	if m.list.Focus != list.FocusLogs || m.detail.tabs.Is(detail.Logs) {
		return false
	}
	l := m.layout()
	if m.detail.tabs.ScrollKey(a, len(m.detailText(true).Lines), l.LogLines()) {
		return true
	}
	return detail.LogOnly(a)
}

// detailView is the detail pane: what the tab drew for Logs (the logs, or a broken pod's
// error), or the text sub-tab on screen, with the sub-tab bar in its title rule.
func (m Model) detailView(lower string, width, height int, focused bool) string {
	pane := lower
	if !m.detail.tabs.Is(detail.Logs) {
		pane = views.DetailPane(m.Theme, m.detailText(focused), width, height)
	}
	return views.WithTabs(m.Theme, pane, m.detail.tabs.Bar(), width)
}

// detailText is the Config or Env text of the selection.
func (m Model) detailText(focused bool) views.DetailText {
	d := m.detail
	if d.tabs.Is(detail.Diff) {
		return m.diffText(focused)
	}
	t := views.DetailText{Title: d.title, Top: d.tabs.Top(), Focused: focused, Err: d.err}
	if _, ok := m.Selected(); !ok {
		t.Empty = "nothing selected"
		return t
	}
	if m.ws != nil {
		t.Note = m.Theme.Dim.Render("target " + m.ws.Target)
	}
	if d.tabs.Is(detail.Env) {
		t.Lines = views.EnvLines(m.Theme, d.mask, d.env)
		t.Empty = d.title + " has no environment"
		return t
	}
	for _, l := range d.yaml {
		t.Lines = append(t.Lines, "  "+m.Theme.Text.Render(views.Clean(l, 2000)))
	}
	return t
}
