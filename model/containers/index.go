package containers

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/model/engine"
)

// watchIndex waits for the next change of the index and reads it. The model issues it again
// after each message, so exactly one waits at a time and nothing runs while nothing changes.
func watchIndex(ctx context.Context, b engine.Backend, sub *docker.Subscription) tea.Cmd {
	if sub == nil {
		return nil
	}
	return func() tea.Msg {
		select {
		case <-sub.C:
			return common.ContainersChangedMsg{Snap: b.Snapshot()}
		case <-ctx.Done():
			return nil
		}
	}
}
