package pods

import (
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/detail"
	"github.com/podiumdev/podium/views"
)

// diffText is the Diff sub-tab of the Pods tab's detail: what up would change for the
// selected pod or service, and the diff of its config; or why there is nothing to show.
func (m Model) diffText(focused bool) views.DetailText {
	t := views.DetailText{Top: m.detail.tabs.Top(), Focused: focused}
	r, ok := m.Selected()
	if !ok {
		t.Empty = "nothing selected"
		return t
	}
	t.Title = r.Key()
	switch {
	case r.Pod.Err != nil:
		t.Title = r.Pod.Name
		t.Err = "pod " + r.Pod.Name + " is broken; its containers are kept as they are: " + views.PodError(r.Pod)
		return t
	case r.Kind == views.ContainerLevel:
		t.Title = r.Pod.Name + "/" + r.Service.Service
		r.Kind = views.ServiceLevel // a container stands for its service
	}
	ds := m.driftsOf(r)
	if len(ds) == 0 {
		t.Empty = "no changes: the containers match the files"
		return t
	}
	t.Note = m.Theme.Dim.Render(m.keyName(keymap.Apply) + " applies")
	t.Lines = views.DriftLines(m.Theme, ds)
	return t
}

// showDiff puts the Diff sub-tab on screen when the Logs one is and the selection drifted: a
// file change just made it so, and the diff is what the user wants to see.
func (m *Model) showDiff() {
	r, ok := m.Selected()
	if !ok || !m.detail.tabs.Is(detail.Logs) || len(m.driftsOf(r)) == 0 {
		return
	}
	m.detail.tabs.Show(detail.Diff)
}
