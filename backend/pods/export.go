package pods

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/types"
)

// exportTasksDir is where Export puts task pods, apart from the pods a deployment runs.
const exportTasksDir = "tasks"

// Export writes each enabled pod as a standalone compose file (cage's `export`): merged with
// its target, interpolated, environment and secrets inlined, default tags applied, but
// without local source mounts. build: is dropped where the service has an image (the output
// is for deploying pre-built images) and kept where it is the only way to get one. Task pods
// go to dir/tasks/<pod>.yml, the others to dir/<pod>.yml. dir must not exist; the files
// appear all at once (written to a temporary directory, then renamed).
func (w *Workspace) Export(dir string) error {
	if _, err := os.Lstat(dir); err == nil {
		return fmt.Errorf("export: %s already exists; remove it or choose another directory", dir)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("export: %w", err)
	}
	type file struct {
		rel  string
		data []byte
	}
	var files []file
	for _, p := range w.Pods {
		if !p.Enabled {
			continue
		}
		if p.Err != nil {
			return fmt.Errorf("export: %w", p.Err)
		}
		data, err := exportYAML(p.exported, w.PodLabels(p.Name))
		if err != nil {
			return fmt.Errorf("export pod %s: %w", p.Name, err)
		}
		rel := p.Name + podFileExt
		if p.Type == PodTask {
			rel = filepath.Join(exportTasksDir, rel)
		}
		files = append(files, file{rel, data})
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	parent := filepath.Dir(abs)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(abs)+".export-")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	for _, f := range files {
		path := filepath.Join(tmp, f.rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if err := os.WriteFile(path, f.data, 0o644); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp, abs); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// exportYAML renders a pod's project for export, with labels (the pod's, cage's among them)
// on every service, so containers made from the file are found as the pod's.
func exportYAML(p *types.Project, labels map[string]string) ([]byte, error) {
	out, err := p.WithServicesTransform(func(_ string, s types.ServiceConfig) (types.ServiceConfig, error) {
		if s.Image != "" {
			s.Build = nil
		}
		l := types.Labels{}
		for k, v := range s.Labels {
			l[k] = v
		}
		for k, v := range labels {
			l[k] = v
		}
		s.Labels = l
		return s, nil
	})
	if err != nil {
		return nil, err
	}
	return out.MarshalYAML()
}
