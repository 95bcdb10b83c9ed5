package pods

import (
	"context"
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/compose"
	"github.com/podiumdev/podium/backend/pods"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// apply brings up exactly the services that drifted from their files (creating new ones, and
// removing orphans: containers whose service left the files): every one in the workspace,
// or, while rows are marked, those of the marked pods and services. It asks
// nothing, as it only recreates what the files say. auto is --watch's apply after a file
// change: silent when nothing drifted, and queued behind an operation on the same services.
func (m Model) apply(auto bool) (Model, tea.Cmd) {
	if m.pb == nil || m.ws == nil {
		return m, nil
	}
	targets := m.applyScope(pods.ApplyTargets(m.states))
	if len(targets) == 0 {
		if !auto {
			m.status = views.Status{Text: "nothing to apply: every service's containers match its files"}
		}
		return m, nil
	}
	rows := make([]string, len(targets))
	for i, s := range targets {
		rows[i] = s.Pod + "/" + s.Service
	}
	if auto && m.overlaps(rows) {
		m.applyDue = true // when the operation in the way ends (opDone)
		return m, nil
	}
	pb, ws := m.pb, m.ws
	return m.startOp(verbs[keymap.Apply], strings.Join(rows, ", "), rows, func(ctx context.Context, progress func(compose.Event)) error {
		var errs []error
		for _, s := range targets {
			if s.Orphan {
				if err := pb.RemoveOrphans(ctx, ws, s.Pod, s.Service, progress); err != nil {
					errs = append(errs, fmt.Errorf("remove %s/%s: %w", s.Pod, s.Service, err))
				}
				continue
			}
			if err := pb.Up(ctx, ws, s.Pod, s.Service, progress); err != nil {
				errs = append(errs, fmt.Errorf("up %s/%s: %w", s.Pod, s.Service, err))
			}
		}
		return errors.Join(errs...)
	})
}

// overlaps says an operation under way acts on one of rows.
func (m Model) overlaps(rows []string) bool {
	for _, op := range m.ops {
		for _, row := range rows {
			if op.touches(row) {
				return true
			}
		}
	}
	return false
}

// applyScope keeps the targets under the marked rows, when some are marked.
func (m Model) applyScope(targets []pods.ServiceState) []pods.ServiceState {
	if !m.list.Marking() {
		return targets
	}
	var out []pods.ServiceState
	for _, s := range targets {
		for _, r := range m.list.Marked() {
			if r.Pod.Name == s.Pod && (r.Kind == views.PodLevel || r.Service.Service == s.Service) {
				out = append(out, s)
				break
			}
		}
	}
	return out
}

// driftsOf are the drifted services a row shows changes for: a service's own, or every one of
// a pod's; none for a container row, which shows its log.
func (m Model) driftsOf(r views.PodTreeRow) []pods.Drift {
	switch r.Kind {
	case views.ServiceLevel:
		if d, ok := m.drifts[r.Pod.Name+"/"+r.Service.Service]; ok {
			return []pods.Drift{d}
		}
	case views.PodLevel:
		var out []pods.Drift
		for _, ps := range m.states {
			if ps.Pod != r.Pod {
				continue
			}
			for _, s := range ps.Services {
				if d, ok := m.drifts[s.Pod+"/"+s.Service]; ok {
					out = append(out, d)
				}
			}
		}
		return out
	}
	return nil
}
