package model

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/podiumdev/podium/views"
)

// readme is the repository's README.md.
func readme(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatalf("read the README: %v", err)
	}
	return string(data)
}

// subTabBar reads the detail pane's sub-tab bar off a screen: "─[Logs]│ Diff │ Config │ Env ─ db ─"
// gives Logs, Diff, Config, Env.
var subTabBar = regexp.MustCompile(`(?m)─(\[?[A-Z][a-z]+\]?(?:│ ?\[?[A-Z][a-z]+\]? ?)+)─ `)

func subTabsOn(t *testing.T, sc string) []string {
	t.Helper()
	m := subTabBar.FindStringSubmatch(sc)
	if m == nil {
		t.Fatalf("no sub-tab bar on screen:\n%s", sc)
	}
	var out []string
	for _, p := range strings.Split(m[1], "│") {
		out = append(out, strings.Trim(strings.TrimSpace(p), "[]"))
	}
	return out
}

// TestReadmeSubTabs checks the README's list of each tab's detail sub-tabs (in the key table's
// `]`, `[` row) against the sub-tab bars the tabs draw.
func TestReadmeSubTabs(t *testing.T) {
	row := regexp.MustCompile("(?m)^\\| anywhere \\| `\\]`, `\\[` \\|.*\\((.*)\\) \\|$").FindStringSubmatch(readme(t))
	if row == nil {
		t.Fatal("README.md's key table has no `]`, `[` row listing the sub-tabs as (Tab: A, B; …)")
	}
	documented := map[string]string{}
	for _, part := range strings.Split(row[1], "; ") {
		tab, list, ok := strings.Cut(part, ": ")
		if !ok {
			t.Fatalf("README.md's sub-tab list: %q is not \"Tab: A, B\"", part)
		}
		documented[tab] = list
	}

	fp, fb := newShop(t)
	r := newPodsRootWith(t, Config{Pods: fp, Backend: fb, Deploys: newFakeDeploys(), Pipelines: newDetailPipelines()}, 100, 30)
	for _, tab := range []struct{ key, title string }{{"1", "Pods"}, {"2", "Deploys"}, {"3", "Pipelines"}, {"4", "Containers"}} {
		r, _ = press(t, r, tab.key)
		if tab.title == "Pipelines" {
			r = openCI(t, r)
		}
		drawn := strings.Join(subTabsOn(t, screen(r)), ", ")
		if got := documented[tab.title]; got != drawn {
			t.Errorf("README.md lists the %s tab's sub-tabs as %q; the tab draws %q", tab.title, got, drawn)
		}
		delete(documented, tab.title)
	}
	for tab := range documented {
		t.Errorf("README.md lists sub-tabs of %q, which is no tab", tab)
	}
}

// TestReadmeSideBySideWidth checks the width the README says the detail moves beside the list
// at, against the screens: from that width on it is beside the list in the Pods, Deploys and
// Containers tabs, one column less it is under it; the Pipelines tab has it beside at any width.
func TestReadmeSideBySideWidth(t *testing.T) {
	text := strings.Join(strings.Fields(readme(t)), " ")
	m := regexp.MustCompile(`From (\d+) columns the detail sits beside the list; the Pipelines tab has it beside the list at any width\.`).FindStringSubmatch(text)
	if m == nil {
		t.Fatal(`README.md does not say "From N columns the detail sits beside the list; the Pipelines tab has it beside the list at any width."`)
	}
	n, _ := strconv.Atoi(m[1])
	beside := func(key string, w int) bool {
		fp, fb := newShop(t)
		r := newPodsRootWith(t, Config{Pods: fp, Backend: fb, Deploys: newFakeDeploys(), Pipelines: newDetailPipelines()}, w, 30)
		r, _ = press(t, r, key)
		if key == "3" {
			r = openCI(t, r)
		}
		return strings.Contains(screen(r), "│─[")
	}
	for _, key := range []string{"1", "2", "4"} {
		if !beside(key, n) || beside(key, n-1) {
			t.Errorf("README.md says the detail sits beside the list from %d columns; tab %s has it beside at %d: %v, at %d: %v (views.SideBySideWidth is %d)",
				n, key, n, beside(key, n), n-1, beside(key, n-1), views.SideBySideWidth)
		}
	}
	for _, w := range []int{80, n - 1, n} {
		if !beside("3", w) {
			t.Errorf("README.md says the Pipelines tab has the detail beside the list at any width; at %d it does not", w)
		}
	}
}
