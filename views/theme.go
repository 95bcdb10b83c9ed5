// Package views turns Podium's state into strings: pure functions of their arguments (the
// current time included), styled with lipgloss. Nothing here does I/O or keeps state.
package views

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Glyphs are the symbols the views draw with, kept together so every view uses the same ones.
type Glyphs struct {
	Running  string // a process is up
	Stopped  string // cleanly stopped or never started
	Partial  string // paused, restarting, starting; a group with some up
	Failed   string // exited non-zero, dead, unhealthy, disconnected
	Pending  string // connecting; a node not yet scheduled
	Queued   string // a node waiting for a slot
	Done     string // a node or run that succeeded
	Skipped  string // a node the user skipped
	Killed   string // a node or run that was killed
	Unknown  string // not confirmed: a state read from disk or from a supervisor that is gone
	Cursor   string // left edge of the selected row
	Mark     string // gutter mark of a row marked for a bulk action, beside the cursor's cell
	Stderr   string // gutter mark of a stderr log line
	Sep      string // between header items
	Ellipsis string
	Rule     string // horizontal separator
	VRule    string // vertical separator
}

// The one vocabulary of state glyphs, the same on every tab (containers, pods, deploys,
// pipeline nodes): the meaning survives without colour.
const (
	GlyphRunning = "●" // running, healthy, stable, connected
	GlyphPartial = "◐" // starting, deploying, paused, some of a group up
	GlyphFailed  = "✖" // unhealthy, exited non-zero, error, disconnected
	GlyphStopped = "○" // stopped, exited 0, not created
	GlyphPending = "◌" // pending, connecting
	GlyphQueued  = "◔" // queued for a slot
	GlyphDone    = "✓" // done
	GlyphSkipped = "↷" // skipped
	GlyphKilled  = "⊘" // killed
	GlyphUnknown = "?" // unknown, not confirmed with the engine
)

// Theme holds every style the views use. With NoColor the styles carry no colour at all, and
// meaning rests on glyphs, words, bold and reverse video.
type Theme struct {
	NoColor bool
	G       Glyphs

	Brand        lipgloss.Style // the app name
	Text         lipgloss.Style
	Dim          lipgloss.Style // secondary text
	Rule         lipgloss.Style // separators
	Title        lipgloss.Style // pane titles inside rules
	TitleFocused lipgloss.Style
	ColumnHeader lipgloss.Style
	Project      lipgloss.Style
	Service      lipgloss.Style
	Selected     lipgloss.Style // the selected row while its pane has focus
	SelectedBlur lipgloss.Style // the selected row while the other pane has focus
	Cursor       lipgloss.Style
	OK           lipgloss.Style // running, healthy, connected
	Warn         lipgloss.Style // starting, paused, created, connecting
	Bad          lipgloss.Style // unhealthy, failed, disconnected, errors
	Muted        lipgloss.Style // stopped cleanly
	Stderr       lipgloss.Style // stderr gutter
	Key          lipgloss.Style // key names in hints and help
	Prompt       lipgloss.Style // the filter prompt
	Box          lipgloss.Style // dialogs
	BoxTitle     lipgloss.Style
	TabActive    lipgloss.Style // the current tab in the header's tab bar
	Drift        lipgloss.Style // ≠: what `up` would recreate
	Match        lipgloss.Style // a log search's match (reverse video without colour)
	MatchCurrent lipgloss.Style // the matches in the line n and N went to
}

// NewTheme builds the theme. noColor comes from the caller (NO_COLOR, a flag); this package
// reads no environment.
func NewTheme(noColor bool) Theme { return NewThemeFor(noColor, true) }

// NewThemeFor builds the theme for a dark or a light terminal background: the few colours
// that would fade on one of them (the accent, names, dim text, the blurred selection) get a
// darker or lighter variant; the state colours are the terminal's own ANSI ones.
func NewThemeFor(noColor, dark bool) Theme {
	g := Glyphs{
		Running: GlyphRunning, Stopped: GlyphStopped, Partial: GlyphPartial, Failed: GlyphFailed, Pending: GlyphPending,
		Queued: GlyphQueued, Done: GlyphDone, Skipped: GlyphSkipped, Killed: GlyphKilled, Unknown: GlyphUnknown,
		Cursor: "▌", Mark: "◆", Stderr: "▌", Sep: " · ", Ellipsis: "…", Rule: "─", VRule: "│",
	}
	s := lipgloss.NewStyle
	if noColor {
		return Theme{
			NoColor: true, G: g,
			Brand: s().Bold(true), Text: s(), Dim: s(), Rule: s(), Title: s(),
			TitleFocused: s().Bold(true), ColumnHeader: s(), Project: s().Bold(true), Service: s(),
			Selected: s().Reverse(true).Bold(true), SelectedBlur: s().Reverse(true),
			Cursor: s().Reverse(true).Bold(true), OK: s(), Warn: s(), Bad: s().Bold(true), Muted: s(),
			Stderr: s().Bold(true), Key: s().Bold(true), Prompt: s().Bold(true),
			Box:       s().Border(lipgloss.RoundedBorder()).Padding(0, 1),
			BoxTitle:  s().Bold(true),
			TabActive: s().Bold(true).Reverse(true),
			Drift:     s().Bold(true),
			Match:     s().Reverse(true), MatchCurrent: s().Reverse(true).Bold(true).Underline(true),
		}
	}
	c := func(v string) color.Color { return lipgloss.Color(v) }
	pick := lipgloss.LightDark(dark)
	var (
		accent  = pick(c("92"), c("141")) // purple on light, lavender on dark
		green   = c("2")
		yellow  = c("3")
		red     = c("1")
		grey    = pick(c("242"), c("245"))
		rule    = pick(c("250"), c("240"))
		selBg   = c("24") // deep blue: readable on dark and light terminals, with an explicit fg
		blurBg  = pick(c("252"), c("238"))
		blurFg  = pick(c("235"), c("252"))
		white   = c("231")
		project = pick(c("25"), c("75"))
		service = pick(c("31"), c("110"))
		orange  = pick(c("166"), c("214"))
	)
	return Theme{
		G:            g,
		Brand:        s().Bold(true).Foreground(accent),
		Text:         s(),
		Dim:          s().Foreground(grey),
		Rule:         s().Foreground(rule),
		Title:        s().Foreground(grey),
		TitleFocused: s().Bold(true).Foreground(accent),
		ColumnHeader: s().Foreground(grey),
		Project:      s().Bold(true).Foreground(project),
		Service:      s().Foreground(service),
		Selected:     s().Background(selBg).Foreground(white).Bold(true),
		SelectedBlur: s().Background(blurBg).Foreground(blurFg),
		Cursor:       s().Background(selBg).Foreground(accent).Bold(true),
		OK:           s().Foreground(green),
		Warn:         s().Foreground(yellow),
		Bad:          s().Foreground(red),
		Muted:        s().Foreground(grey),
		Stderr:       s().Foreground(red),
		Key:          s().Bold(true).Foreground(accent),
		Prompt:       s().Bold(true).Foreground(accent),
		Box:          s().Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(0, 1),
		BoxTitle:     s().Bold(true),
		TabActive:    s().Bold(true).Foreground(accent),
		Drift:        s().Foreground(orange), // not an error, not fine either
		Match:        s().Background(yellow).Foreground(c("0")),
		MatchCurrent: s().Background(orange).Foreground(c("0")).Bold(true),
	}
}

// StateStyle picks the colour of a container state, refined by its health.
func (t Theme) StateStyle(state, health string, exitCode int) lipgloss.Style {
	switch {
	case health == "unhealthy":
		return t.Bad
	case state == "running" && health == "starting":
		return t.Warn
	case state == "running":
		return t.OK
	case state == "paused", state == "restarting", state == "created", state == "removing":
		return t.Warn
	case state == "dead", state == "exited" && exitCode != 0:
		return t.Bad
	}
	return t.Muted
}

// StateGlyph is the symbol in front of a state word.
func (t Theme) StateGlyph(state string, exitCode int) string {
	switch state {
	case "running":
		return t.G.Running
	case "paused", "restarting", "removing":
		return t.G.Partial
	case "dead":
		return t.G.Failed
	case "exited":
		if exitCode != 0 {
			return t.G.Failed
		}
	}
	return t.G.Stopped
}

// HealthStyle colours a health word.
func (t Theme) HealthStyle(health string) lipgloss.Style {
	switch health {
	case "healthy":
		return t.OK
	case "unhealthy":
		return t.Bad
	case "starting":
		return t.Warn
	}
	return t.Dim
}
