package model

import (
	"github.com/podiumdev/podium/model/palette"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/views"
)

// paletteKey handles a key while the palette is open: moving, running the selected action,
// closing; any other key edits the query.
func (r Root) paletteKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch r.km.Resolve(keymap.CtxPalette, msg.String()) {
	case keymap.Quit:
		return r.quit()
	case keymap.Cancel:
		r.palette = palette.Palette{}
	case keymap.Up:
		r.palette.Move(-1, r.paletteRows())
	case keymap.Down:
		r.palette.Move(1, r.paletteRows())
	case keymap.Confirm:
		a, ok := r.palette.Selected()
		ctx := r.palette.Ctx
		r.palette = palette.Palette{}
		if !ok || ctx != r.context() {
			return r, nil
		}
		return r.run(a)
	default:
		if q := common.EditLine(r.palette.Query, msg); q != r.palette.Query {
			r.palette.SetQuery(q)
		}
	}
	return r, nil
}

// run performs an action chosen in the palette exactly as its key would: the root's own
// actions here, the others by the tab on screen, through the method its keys go through.
func (r Root) run(a keymap.Action) (tea.Model, tea.Cmd) {
	if m, cmd, ok := r.global(a); ok {
		return m, cmd
	}
	cmd := r.on(func(t common.Tab) (common.Tab, tea.Cmd) { return t.Do(a) })
	return r, cmd
}

// paletteRows is how many actions the palette lists at the current size.
func (r Root) paletteRows() int { return views.PaletteRows(max(r.height-headerHeight, 0)) }

// paletteBox draws the open palette, for the root to lay over the tab.
func (r Root) paletteBox() string {
	d := r.palette.Data(r.paletteRows(), r.km.Hints(keymap.CtxPalette))
	return views.Palette(r.theme, d, r.width, max(r.height-headerHeight, 0))
}
