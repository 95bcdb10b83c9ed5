package pipeline

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks Parse never panics, and that a parsed pipeline prints the
// same twice and survives walking, lookup and a graft.
func FuzzParse(f *testing.F) {
	for _, dir := range []string{fixtures, filepath.Join(fixtures, "broken")} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.yml"))
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(data)
			}
		}
	}
	f.Add([]byte(lazySrc))
	f.Add([]byte("exec: x\nenv: &e {A: b}\nimage: {from: x, copy_url: s3://b}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("fuzz", "fuzz.yml", data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		first := Pretty(p)
		if first == "" || Pretty(p) != first {
			t.Fatalf("Pretty unstable or empty:\n%s", first)
		}
		var lazies []*Node
		_ = p.Walk(func(n *Node) error {
			if got, ok := p.Node(n.Path); !ok || got != n {
				t.Fatalf("Node(%q) did not find the walked node", n.Path)
			}
			if n.Params.Env == nil || n.Params.CPU <= 0 || n.Params.MaxTime <= 0 {
				t.Fatalf("%s: bad effective params %+v", n.Path, n.Params)
			}
			if n.Kind == Lazy {
				lazies = append(lazies, n)
			}
			return nil
		})
		// Graft after walking: grafting during the walk would walk into the
		// graft and graft again forever.
		for _, n := range lazies {
			if Graft(n, data) == nil && Pretty(p) != Pretty(p) {
				t.Fatal("Pretty unstable after a graft")
			}
		}
	})
}
