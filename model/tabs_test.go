package model

import (
	"github.com/podiumdev/podium/model/common"
	podtab "github.com/podiumdev/podium/model/pods"
)

// The tabs' places in the root's tab bar, and typed copies of them, for tests that look inside
// a tab (a change to a copy goes nowhere: withTab changes one).
const (
	tabPods = iota
	tabDeploys
	tabPipelines
	tabContainers
)

func (r Root) pods() *podtab.Model     { t := r.tabs[tabPods].(podtab.Model); return &t }
func (r Root) deploys() *Deploys       { t := r.tabs[tabDeploys].(Deploys); return &t }
func (r Root) pipelines() *Pipelines   { t := r.tabs[tabPipelines].(Pipelines); return &t }
func (r Root) containers() *Containers { t := r.tabs[tabContainers].(Containers); return &t }

// withTab is r with the tab at i changed by f (a test's setup reaching into a tab).
func withTab[T any](r Root, i int, f func(*T)) Root {
	t := r.tabs[i].(T)
	f(&t)
	r.tabs = append(r.tabs[:0:0], r.tabs...)
	r.tabs[i] = any(t).(common.Tab)
	return r
}
