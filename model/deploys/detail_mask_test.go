package deploys

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDeploysDetailSpecMasksEnv: the Spec sub-tab masks secret env values as every other view
// of env does (the screen may be shared); other values and the rest of the file show.
func TestDeploysDetailSpecMasksEnv(t *testing.T) {
	dir := specWorkspace(t)
	spec := "spec:\n  Image: ghcr.io/acme/web:4.1.0\n  Env:\n    - DB_PASSWORD=hunter2\n    - PORT=8080\ndeploy: [After, 12]\n"
	if err := os.WriteFile(filepath.Join(dir, "specs", "web.yml"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	r := newDeploysRoot(t, newFakeDeploys(), nil, nil, 120, 40)
	r = selectService(t, r, "web")
	r = deploysSubTab(t, r, "Spec")
	r = specRead(t, r)
	s := screen(r)
	if strings.Contains(s, "hunter2") {
		t.Fatalf("the Spec view shows a secret value:\n%s", s)
	}
	for _, want := range []string{" 4      - DB_PASSWORD=••••••", " 5      - PORT=8080", " 6  deploy: [After, 12]"} {
		if !strings.Contains(s, want) {
			t.Errorf("Spec lacks %q:\n%s", want, s)
		}
	}
}
