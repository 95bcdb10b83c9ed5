package supervisor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A state file that cannot be saved is shown, not only logged: Health carries the error (which
// backend/deployapi's /v1/state shows, tested there) while saves fail, the services keep being supervised, and the
// error goes once a save succeeds again.
func TestSupervisorSaveFailureIsShown(t *testing.T) {
	t.Parallel()
	r := supNewRig(t, 1)
	r.start()
	r.write(0, "keeper", supSpec("busybox:latest", "1"))
	r.waitStable("keeper", 1, 30*time.Second)
	if h := r.sup.Health(); h.SaveError != "" {
		t.Fatalf("a save error before anything failed: %+v", h)
	}

	// The state's directory becomes a file: every save fails (root ignores permission bits,
	// so a read-only directory would not do).
	dir := filepath.Dir(r.state)
	aside := dir + ".aside"
	if err := os.Rename(dir, aside); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, []byte("not a directory"), 0o600); err != nil {
		t.Fatal(err)
	}
	r.write(0, "keeper", supSpec("busybox:latest", "2"))
	r.waitStable("keeper", 2, 30*time.Second)
	h := r.sup.Health()
	if h.SaveError == "" || !strings.Contains(h.SaveError, r.state) || h.SaveErrorAt.IsZero() {
		t.Fatalf("saves fail but Health says %+v", h)
	}

	// Saves work again: the next transition clears the error.
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(aside, dir); err != nil {
		t.Fatal(err)
	}
	r.write(0, "keeper", supSpec("busybox:latest", "3"))
	r.waitStable("keeper", 3, 30*time.Second)
	if h := r.sup.Health(); h.SaveError != "" {
		t.Errorf("saves work again but Health still says %q", h.SaveError)
	}
}
