package pods

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podiumdev/podium/backend/pods"
	"github.com/podiumdev/podium/model/modeltest"
)

// newSecretShop is the shop fixture with modeltest.SecretShopFiles, loaded, served and
// matched with the engine's containers as newShop does.
func newSecretShop(t *testing.T) (*fakePods, *modeltest.Containers) {
	t.Helper()
	ws := modeltest.LoadShopWith(t, modeltest.SecretShopFiles())
	return modeltest.NewPods(ws), modeltest.NewContainers(connected(shopContainers(ws)))
}

// podsSubTab presses ] until the Pods tab's detail shows the sub-tab called title.
func podsSubTab(t *testing.T, r Root, title string) Root {
	t.Helper()
	for range r.pods().detail.tabs.Len() {
		if r.pods().detail.tabs.Current().Title() == title {
			return r
		}
		r, _ = press(t, r, "]")
	}
	t.Fatalf("no sub-tab %s", title)
	return r
}

func TestPodsDetailConfigAndEnv(t *testing.T) {
	fp, fb := newSecretShop(t)
	r := newPodsRoot(t, fp, fb, 120, 40)
	r = selectRow(t, r, "db/db")
	r = podsSubTab(t, r, "Config")
	s := screen(r)
	if l := strings.Split(s, "\n")[indexOf(strings.Split(s, "\n"), "│[Config]│")]; !strings.Contains(l, "[Config]│ Env ─ db/db ─") ||
		!strings.Contains(l, "target development ─") {
		t.Errorf("Config's rule: %q", l)
	}
	for _, want := range []string{
		"  services:", "    db:", "      image: postgres:16-alpine", "      environment:",
		"        DB_PASSWORD: ••••••", "        ENV: development", "        POSTGRES_USER: ••••••",
		"          host_ip: 127.0.0.1", "          target: 5432", `          published: "5432"`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("Config lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "hunter2") {
		t.Errorf("a secret's value is in Config:\n%s", s)
	}

	// Env: the layers merged (common.env, the target's, secrets.yml with the target's last),
	// secret-looking keys and every value from secrets.yml masked.
	r = podsSubTab(t, r, "Env")
	s = screen(r)
	for _, want := range []string{
		"DB_PASSWORD    ••••••", "ENV            development", "LOG_LEVEL      info",
		"PATH           /usr/local/bin:/usr/bin:/bin", "POSTGRES_USER  ••••••",
		"SENTRY_DSN     ••••••",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("Env lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "hunter2") || strings.Contains(s, "sentry.example") {
		t.Errorf("a secret's value is on screen:\n%s", s)
	}

	// A container row shows its service's; a pod of several services asks for one; a broken
	// pod says why.
	r = selectRow(t, r, "frontend/web/frwe100000000000")
	if s := screen(r); !strings.Contains(s, "─ frontend/web ─") || !strings.Contains(s, "ENV         development") {
		t.Errorf("a container's Env:\n%s", s)
	}
	r = selectRow(t, r, "frontend")
	if s := screen(r); !strings.Contains(s, "pod frontend has 2 services (proxy, web): select one") {
		t.Errorf("a pod of two services:\n%s", s)
	}
	r = selectRow(t, r, "worker")
	if s := screen(r); !strings.Contains(s, "pod worker is broken: pods/worker.yml") {
		t.Errorf("a broken pod:\n%s", s)
	}

	// A reload takes the new files: a changed secret is read again (still masked), a new
	// variable shows.
	r = selectRow(t, r, "db/db")
	root := fp.WS.Root
	if err := os.WriteFile(filepath.Join(root, "pods", "common.env"), []byte("LOG_LEVEL=debug\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ws, err := pods.Load(context.Background(), root, pods.LoadOptions{Environ: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	fp.WS = ws
	r = update(t, r, runCmd(t, r.pods().load(true)))
	if s := screen(r); !strings.Contains(s, "LOG_LEVEL      debug") || strings.Contains(s, "PATH ") {
		t.Errorf("Env after the reload:\n%s", s)
	}
}

func TestPodsDetailScrolls(t *testing.T) {
	fp, fb := newSecretShop(t)
	r := newPodsRoot(t, fp, fb, 80, 24)
	r = selectRow(t, r, "db/db")
	r = podsSubTab(t, r, "Config")
	r, _ = press(t, r, "tab", "G")
	s := screen(r)
	if strings.Contains(s, "  services:") || !strings.Contains(s, "protocol: tcp") {
		t.Fatalf("G did not scroll Config to its end:\n%s", s)
	}
	if row, _ := r.pods().Selected(); row.Key() != "db/db" {
		t.Errorf("scrolling moved the selection to %s", row.Key())
	}
	r, _ = press(t, r, "g")
	if !strings.Contains(screen(r), "  services:") {
		t.Errorf("g did not scroll back:\n%s", screen(r))
	}
}
