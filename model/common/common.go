// Package common holds what the root and every tab share: the Common context each one embeds,
// the Tab interface the root holds its tabs by, and the typed messages that cross between
// them (the container index changed, the workspace's files changed, a mouse event).
package common

import (
	"context"
	"time"

	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/views"
)

// Common is the context every tab (and component) embeds, so none repeats the plumbing: the
// context its streams and actions run under, the theme, the key map, the clock and its size.
// The backend handles stay with each tab: each needs different ones (Pods a pods.Backend,
// Pipelines a pipelines.Backend, …), and holding them all here would tie every tab to every
// backend.
type Common struct {
	Ctx    context.Context // parent of every stream and action; cancelled on quit
	Theme  views.Theme
	Keys   keymap.Keymap
	Now    func() time.Time // the clock for ages and durations; tests fix it
	Width  int              // the tab's area: the screen below the root's header
	Height int
}

// New builds a Common; a nil ctx means context.Background, a nil now means time.Now, and a
// zero key map means keymap.Default().
func New(ctx context.Context, theme views.Theme, keys keymap.Keymap, now func() time.Time) Common {
	if ctx == nil {
		ctx = context.Background()
	}
	if now == nil {
		now = time.Now
	}
	if keys.Bindings == nil {
		keys = keymap.Default()
	}
	return Common{Ctx: ctx, Theme: theme, Keys: keys, Now: now}
}
