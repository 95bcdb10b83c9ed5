package model

import (
	"cmp"
	"context"
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/model/errs"
	"github.com/podiumdev/podium/views"
)

// How long a footer message stays: what an action did is read at a glance; an error stays
// longer, and after it expires the recent errors (`!`) keep it.
const (
	StatusTTL      = 6 * time.Second
	ErrorStatusTTL = 20 * time.Second
)

// statusClock times the footer messages out off the UI loop: each new message starts a timer
// whose end comes back through fired, which one command at a time waits on (Init starts it,
// each expiry starts the next). No timer runs while no message is shown, and a key's reply
// carries no timer.
type statusClock struct {
	fired chan statusExpiredMsg
}

func newStatusClock() *statusClock { return &statusClock{fired: make(chan statusExpiredMsg, 16)} }

// after sends msg through fired once d has passed, unless ctx ends first.
func (c *statusClock) after(ctx context.Context, d time.Duration, msg statusExpiredMsg) {
	go func() {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return
		}
		select {
		case c.fired <- msg:
		case <-ctx.Done():
		}
	}()
}

// wait is the command that delivers the next expiry.
func (c *statusClock) wait(ctx context.Context) tea.Cmd {
	return func() tea.Msg {
		select {
		case msg := <-c.fired:
			return msg
		case <-ctx.Done():
			return nil
		}
	}
}

// shownStatus is a tab's footer message as the root last saw it, and its turn: a message
// expires only if it is still the one whose time ran out.
type shownStatus struct {
	st  views.Status
	seq int
}

// statusExpiredMsg says a footer message's time on screen is over.
type statusExpiredMsg struct {
	tab int
	seq int
}

// watchStatus notices the tabs' new footer messages after an update: it lists the errors
// among the recent ones and times each message out.
func (r *Root) watchStatus() {
	for i, t := range r.tabs {
		st := t.Status()
		st.Busy = ""
		if i < len(r.shown) && r.shown[i].st == st {
			continue
		}
		if len(r.shown) != len(r.tabs) {
			r.shown = make([]shownStatus, len(r.tabs))
		} else {
			r.shown = slices.Clone(r.shown)
		}
		r.statusSeq++
		r.shown[i] = shownStatus{st: st, seq: r.statusSeq}
		if st.Text == "" {
			continue
		}
		ttl := cmp.Or(r.cfg.StatusTTL, StatusTTL)
		if st.Err {
			ttl = cmp.Or(r.cfg.ErrorStatusTTL, ErrorStatusTTL)
			r.errs.Add(errs.Entry{At: r.now(), Origin: t.Title(), Text: st.Text})
		}
		r.clock.after(r.ctx, ttl, statusExpiredMsg{tab: i, seq: r.statusSeq})
	}
	r.watchFileErrors()
}

// watchFileErrors lists the errors of the files the tabs loaded, once per load.
func (r *Root) watchFileErrors() {
	for i, t := range r.tabs {
		fe, ok := t.(common.FileErrorer)
		if !ok {
			continue
		}
		var seen, newest time.Time
		if i < len(r.filesErrAt) {
			seen = r.filesErrAt[i]
		}
		for _, e := range fe.FileErrors() {
			if e.At.After(seen) {
				r.errs.Add(errs.Entry{At: e.At, Origin: e.Origin, Text: e.Text})
				if e.At.After(newest) {
					newest = e.At
				}
			}
		}
		if newest.IsZero() {
			continue
		}
		if len(r.filesErrAt) != len(r.tabs) {
			r.filesErrAt = make([]time.Time, len(r.tabs))
		} else {
			r.filesErrAt = slices.Clone(r.filesErrAt)
		}
		r.filesErrAt[i] = newest
	}
}

// expireStatus clears a tab's footer message whose time is over, if it is still on screen.
func (r *Root) expireStatus(msg statusExpiredMsg) {
	if msg.tab >= len(r.shown) || r.shown[msg.tab].seq != msg.seq {
		return
	}
	st := r.shown[msg.tab].st
	tabs := slices.Clone(r.tabs)
	tabs[msg.tab] = tabs[msg.tab].ExpireStatus(st)
	r.tabs = tabs
}

// errorsKey performs a key of the errors screen.
func (r Root) errorsKey(a keymap.Action) (tea.Model, tea.Cmd) {
	if a == keymap.Quit {
		return r.quit()
	}
	h := max(r.height-headerHeight, 0)
	cmd := r.errs.Key(a, errs.Rows(h), r.errs.Lines(r.width))
	return r, cmd
}

// onError lists an error a tab reported.
func (r *Root) onError(msg common.ErrorMsg) {
	at := msg.At
	if at.IsZero() {
		at = r.now()
	}
	r.errs.Add(errs.Entry{At: at, Origin: msg.Origin, Text: msg.Text})
}

// showText opens a text in full.
func (r *Root) showText(msg common.ShowTextMsg) {
	r.help = false
	r.errs.OpenText(errs.Entry{At: msg.At, Origin: msg.Origin, Text: msg.Text, Title: msg.Title})
}
