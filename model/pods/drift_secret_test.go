package pods

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiffMasksSecretsFileValues: a value config/secrets.yml gives is masked in the Diff view
// as in Config and Env, whatever its name looks like (WIDGET is an innocent name).
func TestDiffMasksSecretsFileValues(t *testing.T) {
	fp, fb := newShop(t)
	fp.Disk = true
	r := newPodsRoot(t, fp, fb, 120, 40)
	r = selectRow(t, r, "search")
	if err := os.MkdirAll(filepath.Join(fp.WS.Root, "config"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, fp.WS.Root, "config/secrets.yml", "pods:\n  frontend:\n    web:\n      WIDGET: hunter2\n")
	r, _ = fileChange(t, r, "config/secrets.yml")
	writeFile(t, fp.WS.Root, "config/secrets.yml", "pods:\n  frontend:\n    web:\n      WIDGET: hunter3\n")
	r, _ = fileChange(t, r, "config/secrets.yml")
	r = selectRow(t, r, "frontend/web")
	r, _ = press(t, r, "]")
	s := screen(r)
	if !strings.Contains(s, "[Diff]") || !strings.Contains(s, "frontend/web ≠ recreate") {
		t.Fatalf("web's changes are not on screen:\n%s", s)
	}
	if strings.Contains(s, "hunter") {
		t.Fatalf("the Diff view shows a value of config/secrets.yml:\n%s", s)
	}
	if !strings.Contains(s, "WIDGET: ••••••") {
		t.Fatalf("the Diff view does not show WIDGET masked:\n%s", s)
	}
}
