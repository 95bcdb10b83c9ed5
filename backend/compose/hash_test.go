package compose

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"
)

const fixturesDir = "/work/shared/fixtures/compose-hash"

// TestServiceHashMatchesCompose: every service of every fixture hashes exactly as Docker
// Compose v5.6.0 printed with `docker compose config --hash '*'`.
func TestServiceHashMatchesCompose(t *testing.T) {
	cases := []struct {
		dir      string
		profiles []string
	}{
		{"basic", nil},
		{"multi", []string{"edge"}},
	}
	for _, c := range cases {
		t.Run(c.dir, func(t *testing.T) {
			dir := filepath.Join(fixturesDir, c.dir)
			want := readHashes(t, filepath.Join(dir, "hashes.txt"))
			p, err := LoadForHash(context.Background(), dir, nil, "", c.profiles)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Services) != len(want) {
				t.Errorf("services = %v, want %d services", p.ServiceNames(), len(want))
			}
			for name, h := range want {
				s, ok := p.Services[name]
				if !ok {
					t.Errorf("service %s not loaded", name)
					continue
				}
				got, err := ServiceHash(s)
				if err != nil {
					t.Fatal(err)
				}
				if got != h {
					t.Errorf("hash of %s = %s, want %s", name, got, h)
				}
			}
		})
	}
}

func readHashes(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if name, h, ok := strings.Cut(strings.TrimSpace(sc.Text()), " "); ok {
			out[name] = h
		}
	}
	return out
}

// TestServiceHashIgnoresAndKeeps: what Compose leaves out of the hash does not change it, what it
// keeps does, and the caller's service is untouched.
func TestServiceHashIgnoresAndKeeps(t *testing.T) {
	two, three := 2, 3
	base := types.ServiceConfig{Name: "web"}
	base.Image = "busybox:latest"
	base.Deploy = &types.DeployConfig{Replicas: &two}
	h0, err := ServiceHash(base)
	if err != nil {
		t.Fatal(err)
	}
	if *base.Deploy.Replicas != 2 {
		t.Fatalf("ServiceHash changed the caller's deploy.replicas")
	}
	ignored := base
	ignored.Deploy = &types.DeployConfig{Replicas: &three}
	ignored.Scale = &three
	ignored.Profiles = []string{"x"}
	ignored.PullPolicy = "never"
	ignored.Build = &types.BuildConfig{Context: "."}
	ignored.DependsOn = types.DependsOnConfig{"db": {Condition: "service_started"}}
	if h, _ := ServiceHash(ignored); h != h0 {
		t.Errorf("hash changed with only ignored fields: %s != %s", h, h0)
	}
	kept := base
	kept.Command = types.ShellCommand{"sleep", "1"}
	if h, _ := ServiceHash(kept); h == h0 {
		t.Errorf("hash did not change with the command")
	}
}

func TestReorderKeys(t *testing.T) {
	got, err := reorderKeys([]byte(`{"zeta":1,"image":"a<b","command":null,"alpha":[1,2]}`), []string{"command", "image"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"command":null,"image":"a<b","alpha":[1,2],"zeta":1}`; string(got) != want {
		t.Errorf("reorderKeys = %s, want %s", got, want)
	}
}
