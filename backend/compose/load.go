package compose

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// LoadForHash loads a project exactly as `docker compose config --hash` does, so that
// ServiceHash of its services equals Compose's: the usual option order (OS environment, the
// project's .env, default file discovery when files is empty, COMPOSE_PROFILES when profiles
// is empty), without environment resolution at load time, then env_file contents merged into
// environment and env_file dropped. Relative files are taken from dir; an empty name means
// Compose's default (name: in the file, COMPOSE_PROJECT_NAME, or the directory's base name).
func LoadForHash(ctx context.Context, dir string, files []string, name string, profiles []string) (*types.Project, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("load compose project in %s: %w", dir, err)
	}
	paths := make([]string, len(files))
	for i, f := range files {
		if !filepath.IsAbs(f) {
			f = filepath.Join(abs, f)
		}
		paths[i] = f
	}
	opts, err := cli.NewProjectOptions(paths,
		cli.WithoutEnvironmentResolution,
		cli.WithWorkingDirectory(abs),
		cli.WithOsEnv,
		cli.WithEnv([]string{"PWD=" + pwd(abs)}),
		cli.WithEnvFiles(),
		cli.WithDotEnv,
		cli.WithConfigFileEnv,
		cli.WithDefaultConfigPath,
		cli.WithEnvFiles(),
		cli.WithDotEnv,
		cli.WithDefaultProfiles(profiles...),
		cli.WithName(name),
	)
	if err != nil {
		return nil, fmt.Errorf("load compose project in %s: %w", abs, err)
	}
	p, err := opts.LoadProject(ctx)
	if err != nil {
		return nil, fmt.Errorf("load compose project in %s: %w", abs, err)
	}
	p, err = p.WithServicesEnvironmentResolved(true)
	if err != nil {
		return nil, fmt.Errorf("load compose project %s: resolve env_file: %w", p.Name, err)
	}
	return p, nil
}

// pwd is what Compose puts in PWD for interpolation: the process's working directory.
func pwd(fallback string) string {
	if wd, err := os.Getwd(); err == nil {
		return wd
	}
	return fallback
}
