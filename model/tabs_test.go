package model

import (
	"github.com/podiumdev/podium/model/common"
	"github.com/podiumdev/podium/model/containers"
	"github.com/podiumdev/podium/model/deploys"
	"github.com/podiumdev/podium/model/pipelines"
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
func (r Root) deploys() *deploys.Model { t := r.tabs[tabDeploys].(deploys.Model); return &t }
func (r Root) pipelines() *pipelines.Model {
	t := r.tabs[tabPipelines].(pipelines.Model)
	return &t
}
func (r Root) containers() *containers.Model {
	t := r.tabs[tabContainers].(containers.Model)
	return &t
}

// withTab is r with the tab at i changed by f (a test's setup reaching into a tab).
func withTab[T any](r Root, i int, f func(*T)) Root {
	t := r.tabs[i].(T)
	f(&t)
	r.tabs = append(r.tabs[:0:0], r.tabs...)
	r.tabs[i] = any(t).(common.Tab)
	return r
}
