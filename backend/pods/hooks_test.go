package pods

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunHooks(t *testing.T) {
	root := fixture(t, "hello")
	w := load(t, root, LoadOptions{})
	var out, errb bytes.Buffer
	if err := w.RunHooks(context.Background(), "pull", &out, &errb); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "Hello from a pull hook in "+w.Root+"\n" {
		t.Fatalf("output = %q", got)
	}
	if err := w.RunHooks(context.Background(), "none", &out, &errb); err != nil {
		t.Fatalf("a hook with no directory is a no-op: %v", err)
	}

	writeTree(t, root, map[string]string{
		"config/hooks/pull.d/a.hook":       "#!/bin/sh\necho a\n",
		"config/hooks/pull.d/.hidden.hook": "#!/bin/sh\necho hidden\n",
		"config/hooks/pull.d/notes.txt":    "not a hook\n",
		"config/hooks/pull.d/z.hook":       "#!/bin/sh\necho z; echo oops >&2; exit 3\n",
	})
	out.Reset()
	err := w.RunHooks(context.Background(), "pull", &out, &errb)
	mustErr(t, err, "hook config/hooks/pull.d/z.hook failed with exit code 3")
	if got := strings.Fields(out.String()); strings.Join(got[:1], " ") != "a" || got[len(got)-1] != "z" || strings.Contains(out.String(), "hidden") {
		t.Fatalf("order/skip: %q", out.String())
	}
	if !strings.Contains(errb.String(), "oops") {
		t.Fatalf("stderr = %q", errb.String())
	}

	if err := os.Chmod(filepath.Join(root, "config/hooks/pull.d/a.hook"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustErr(t, w.RunHooks(context.Background(), "pull", &out, &errb), "config/hooks/pull.d/a.hook is not executable", "chmod +x")
}
