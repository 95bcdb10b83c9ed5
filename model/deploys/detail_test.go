package deploys

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/supervisor"
)

// webSpec is specs/web.yml as the user wrote it, for the Spec sub-tab.
const webSpec = `name: web
image: ghcr.io/acme/web:4.1.0
ports: ["8080:8080"]
health:
  cmd: wget -qO- http://localhost:8080/healthz
deploy: [After, 12]
`

// deploysSubTab presses ] until the Deploys tab's detail shows the sub-tab called title.
func deploysSubTab(t *testing.T, r Root, title string) Root {
	t.Helper()
	for range r.deploys().detail.tabs.Len() {
		if r.deploys().detail.tabs.Current().Title() == title {
			return r
		}
		r, _ = press(t, r, "]")
	}
	t.Fatalf("no sub-tab %s", title)
	return r
}

// specRead runs the Deploys tab's spec read under way and hands its result back.
func specRead(t *testing.T, r Root) Root {
	t.Helper()
	f := r.deploys().detail.spec.fetch
	if f == nil {
		t.Fatal("no spec read under way")
	}
	return update(t, r, runCmd(t, f.read))
}

// specWorkspace makes a directory with specs/web.yml and works in it, so the fixture's
// relative spec paths resolve.
func specWorkspace(t *testing.T) string {
	t.Helper()
	dir := specDir(t)
	t.Chdir(dir)
	return dir
}

// specDir makes a directory with specs/web.yml.
func specDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "specs"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "specs", "web.yml"), []byte(webSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// specReadIn runs the spec read under way in dir, then comes back: golden files are found
// relative to the package's directory.
func specReadIn(t *testing.T, r Root, dir string) Root {
	t.Helper()
	back, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := os.Chdir(back); err != nil {
			t.Fatal(err)
		}
	}()
	return specRead(t, r)
}

func TestDeploysDetailTimeline(t *testing.T) {
	r := newDeploysRoot(t, newFakeDeploys(), nil, nil, 120, 40)
	r = selectService(t, r, "web")
	logs := r.deploys().logs.Stream()
	if logs == nil || !strings.Contains(screen(r), "─[Status]│ Timeline │ Spec │ Logs ─ web ─") {
		t.Fatalf("Status at 120x40 (logs %v):\n%s", logs, screen(r))
	}
	r = deploysSubTab(t, r, "Timeline")
	s := screen(r)
	lines := strings.Split(s, "\n")
	for _, want := range []string{"─ Status │[Timeline]│ Spec │ Logs ─ web ─", "3 transitions ─", "WHEN          TRANSITION         REV  REASON"} {
		if !strings.Contains(s, want) {
			t.Errorf("Timeline lacks %q:\n%s", want, s)
		}
	}
	first, second, third := indexOf(lines, "11:59:35      Stable → WaitNext  r12  spec changed: image ghcr.io/acme/web:4.1.0"),
		indexOf(lines, "Nov 19 11:00  WaitNext → Stable  r11  1/1 healthy, old stopped"),
		indexOf(lines, "Nov 18 12:00  Stable → WaitNext  r11")
	if first < 0 || second != first+1 || third != second+1 {
		t.Errorf("timeline not newest first (%d %d %d):\n%s", first, second, third, s)
	}
	if strings.Contains(s, "CONTAINER  ROLE") || strings.Contains(s, "REVISION ") {
		t.Errorf("Timeline shows the Status detail:\n%s", s)
	}
	// The logs are not on screen: their readers stop.
	if logs.Err() == nil || r.deploys().logs.Stream() != nil {
		t.Error("the logs run on under Timeline")
	}
	// Logs: the logs alone, all the height, reading again.
	r = deploysSubTab(t, r, "Logs")
	if r.deploys().logs.Stream() == nil || !strings.Contains(screen(r), "─ Status │ Timeline │ Spec │[Logs]─ web ─") ||
		strings.Contains(screen(r), "After delay") {
		t.Fatalf("Logs:\n%s", screen(r))
	}
	// Round the bar back to Status: detail and logs as before.
	r, _ = press(t, r, "]")
	if !strings.Contains(screen(r), "After delay: old stops in 12s") || r.deploys().logs.Stream() == nil {
		t.Errorf("back on Status:\n%s", screen(r))
	}
}

func TestDeploysDetailTimelineScrolls(t *testing.T) {
	f := newFakeDeploys()
	base := testNow().Add(-48 * time.Hour)
	for i := range f.Services {
		if f.Services[i].Name != "api" {
			continue
		}
		for n := range 40 {
			f.Services[i].Timeline = append(f.Services[i].Timeline,
				tr(base.Add(time.Duration(n)*time.Minute), supervisor.Stable, supervisor.WaitNext, 100+n, supervisor.CauseSpecChanged, fmt.Sprintf("deploy number %d", n)))
		}
	}
	r := newDeploysRoot(t, f, nil, nil, 80, 24)
	r = selectService(t, r, "api")
	r = deploysSubTab(t, r, "Timeline")
	r, _ = press(t, r, "tab")
	if s := screen(r); !strings.Contains(s, "deploy number 39") || strings.Contains(s, "deploy number 0") {
		t.Fatalf("the newest transitions are not first:\n%s", s)
	}
	r, _ = press(t, r, "G")
	s := screen(r)
	if !strings.Contains(s, "deploy number 0") || strings.Contains(s, "deploy number 39") {
		t.Fatalf("G did not reach the oldest transition:\n%s", s)
	}
	if sel, _ := r.deploys().Selected(); sel.Name != "api" {
		t.Errorf("scrolling moved the selection to %s", sel.Name)
	}
	r, _ = press(t, r, "pgup")
	if s2 := screen(r); s2 == s || strings.Contains(s2, "deploy number 0 ") {
		t.Errorf("pgup did not scroll:\n%s", s2)
	}
}

func TestDeploysDetailSpec(t *testing.T) {
	dir := specWorkspace(t)
	r := newDeploysRoot(t, newFakeDeploys(), nil, nil, 120, 40)
	r = selectService(t, r, "web")
	if r.deploys().detail.spec.fetch != nil {
		t.Fatal("the spec is read before Spec is on screen")
	}
	r = deploysSubTab(t, r, "Spec")
	r = specRead(t, r)
	s := screen(r)
	for _, want := range []string{
		"─ Status │ Timeline │[Spec]│ Logs ─ web ─", "specs/web.yml ─",
		" 1  name: web", " 2  image: ghcr.io/acme/web:4.1.0", " 6  deploy: [After, 12]",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("Spec lacks %q:\n%s", want, s)
		}
	}
	// Another service's file that is not there says so.
	r = selectService(t, r, "billing")
	r = specRead(t, r)
	if s := screen(r); !strings.Contains(s, "read spec: open specs/billing.edn: no such file or directory") {
		t.Errorf("a missing spec:\n%s", s)
	}
	// Coming back to Spec reads the file again: an edit shows.
	r = selectService(t, r, "web")
	r = specRead(t, r)
	if err := os.WriteFile(filepath.Join(dir, "specs", "web.yml"), []byte("name: web\nimage: ghcr.io/acme/web:4.2.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, _ = press(t, r, "]", "[")
	r = specRead(t, r)
	if s := screen(r); !strings.Contains(s, " 2  image: ghcr.io/acme/web:4.2.0") || strings.Contains(s, "deploy: [After") {
		t.Errorf("Spec after the edit:\n%s", s)
	}
}
