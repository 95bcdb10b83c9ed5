package pods

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/podiumdev/podium/backend/readlimit"
)

// maxReferenceDepth bounds how deep include and extends chains are followed for the check.
const maxReferenceDepth = 16

// referencingFile is what a compose file names of other files that compose-go opens itself:
// `include` entries (a path, or a mapping with path and env_file) and `extends.file`.
type referencingFile struct {
	Include  []yaml.Node `yaml:"include"`
	Services map[string]struct {
		Extends yaml.Node `yaml:"extends"`
	} `yaml:"services"`
}

// checkReferencedFiles reads, with the workspace's size limit, every local file that data (a
// compose file whose relative references resolve against dir) includes or extends, and theirs
// in turn, so that compose-go, which opens those itself without a limit, never meets a file
// that never ends (a link to /dev/zero): that is an error naming the file. Files that do not
// exist, remote references and paths with variables are left to compose-go's own errors.
func (w *Workspace) checkReferencedFiles(dir string, data []byte, seen map[string]bool, depth int) error {
	if depth > maxReferenceDepth {
		return nil
	}
	var f referencingFile
	if yaml.Unmarshal(data, &f) != nil {
		return nil // compose-go reports the file's own syntax
	}
	for _, ref := range f.references() {
		if strings.Contains(ref, "$") || strings.Contains(ref, "://") || strings.HasPrefix(ref, "git@") {
			continue
		}
		path := ref
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, path)
		}
		if seen[path] {
			continue
		}
		seen[path] = true
		rel, err := filepath.Rel(w.Root, path)
		if err != nil || strings.HasPrefix(rel, "..") {
			rel = path
		}
		content, err := readFile(path, rel)
		switch {
		case errors.Is(err, os.ErrNotExist):
			continue
		case readlimit.IsTooLarge(err):
			return err
		case err != nil:
			return fmt.Errorf("read %s: %w", rel, err)
		}
		if err := w.checkReferencedFiles(filepath.Dir(path), content, seen, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// references are the local paths f names: its includes' paths and env files, and its
// services' extends files.
func (f referencingFile) references() []string {
	var out []string
	scalars := func(n *yaml.Node) {
		switch n.Kind {
		case yaml.ScalarNode:
			out = append(out, n.Value)
		case yaml.SequenceNode:
			for _, c := range n.Content {
				if c.Kind == yaml.ScalarNode {
					out = append(out, c.Value)
				}
			}
		}
	}
	field := func(n *yaml.Node, key string) *yaml.Node {
		if n.Kind != yaml.MappingNode {
			return nil
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1]
			}
		}
		return nil
	}
	for i := range f.Include {
		n := &f.Include[i]
		if n.Kind == yaml.ScalarNode {
			out = append(out, n.Value)
			continue
		}
		for _, key := range []string{"path", "env_file"} {
			if v := field(n, key); v != nil {
				scalars(v)
			}
		}
	}
	for _, name := range sortedKeys(f.Services) {
		ext := f.Services[name].Extends
		if v := field(&ext, "file"); v != nil && v.Kind == yaml.ScalarNode {
			out = append(out, v.Value)
		}
	}
	return out
}
