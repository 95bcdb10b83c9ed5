package views

import (
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/podiumdev/podium/backend/supervisor"
)

// DeployBannerData is what the Deploys tab knows of the supervisor itself, beside its
// services: its health, and whether the one it follows in another process is still there.
type DeployBannerData struct {
	Health supervisor.Health
	// Gone says the followed supervisor at URL stopped answering (GoneErr says how).
	Gone    bool
	URL     string
	GoneErr string
	// TakeOverKey is the key that starts a supervisor in this process in place of a gone one;
	// "" when that is not possible.
	TakeOverKey string
}

// Trusted says what the supervisor reports has been checked against a reachable engine, so
// its containers' states may be shown as facts.
func (d DeployBannerData) Trusted() bool {
	return !d.Gone && d.Health.Engine == supervisor.EngineConnected && d.Health.Reconciled
}

// Shown says the banner has something to say.
func (d DeployBannerData) Shown() bool { return !d.Trusted() || d.Health.SaveError != "" }

// DeployBanner is the Deploys tab's one-line warning about the supervisor, most serious
// first: the followed supervisor is gone, the engine is unreachable or not yet reached, the
// first reconcile has not finished, the state file does not save. "" when all is well.
func DeployBanner(t Theme, d DeployBannerData, width int) string {
	if width <= 0 || !d.Shown() {
		return ""
	}
	type part struct {
		text  string
		style lipgloss.Style
	}
	var parts []part
	h := d.Health
	switch {
	case d.Gone:
		text := t.G.Failed + " supervisor at " + Clean(d.URL, 200) + " stopped"
		if d.TakeOverKey != "" {
			text += " — press " + d.TakeOverKey + " to take over"
		} else {
			text += " — states not confirmed"
		}
		parts = append(parts, part{text, t.Bad})
		if d.GoneErr != "" {
			parts = append(parts, part{d.GoneErr, t.Dim})
		}
	case h.Engine == supervisor.EngineUnreachable:
		text := t.G.Failed + " engine unreachable"
		if h.EngineError != "" {
			text += ": " + h.EngineError
		}
		parts = append(parts, part{text + " — states not confirmed", t.Bad})
	case h.Engine != supervisor.EngineConnected:
		parts = append(parts, part{t.G.Pending + " connecting to the engine — states not confirmed", t.Warn})
	case !h.Reconciled:
		parts = append(parts, part{t.G.Pending + " reconciling with the engine…", t.Warn})
	}
	if h.SaveError != "" {
		text := "state not saved"
		if !h.SaveErrorAt.IsZero() {
			text += " since " + h.SaveErrorAt.Format(time.TimeOnly)
		}
		text += ": " + h.SaveError
		if len(parts) == 0 {
			text = t.G.Failed + " " + text
		}
		parts = append(parts, part{text, t.Bad})
	}
	styled := make([]string, len(parts))
	for i, p := range parts {
		styled[i] = p.style.Render(oneLine(p.text, 400))
	}
	return Fit(" "+strings.Join(styled, t.Dim.Render(t.G.Sep)), width)
}
