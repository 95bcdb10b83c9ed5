package pods

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/dotenv"
	"github.com/compose-spec/compose-go/v2/types"
)

const (
	// dotEnvFile is the project's env file Compose reads for interpolation: pods/.env, the
	// directory of the pod files being Compose's project directory.
	dotEnvFile = ".env"
	// composeEnvFilesVar lists env files (comma-separated) in place of pods/.env, as in Compose.
	composeEnvFilesVar = "COMPOSE_ENV_FILES"
	// disableEnvFileVar, true, makes Compose skip the default .env (not --env-file).
	disableEnvFileVar = "COMPOSE_DISABLE_ENV_FILE"
	// composeProfilesVar lists the active profiles (comma-separated) when --profile is not given.
	composeProfilesVar = "COMPOSE_PROFILES"
	// defaultPlatformVar is the platform Compose gives services built without one.
	defaultPlatformVar = "DOCKER_DEFAULT_PLATFORM"
)

// profiles are the active compose profiles: --profile, else COMPOSE_PROFILES.
func (w *Workspace) profiles() []string {
	if len(w.opts.Profiles) > 0 {
		return w.opts.Profiles
	}
	var out []string
	for _, p := range strings.Split(w.interp[composeProfilesVar], ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// applyDefaultPlatform gives services with build: and no platform: DOCKER_DEFAULT_PLATFORM, as
// Compose does before it builds or creates them (so the platform is part of their config
// hash). A build.platforms list that does not hold the platform is an error, as in Compose.
func applyDefaultPlatform(p *types.Project, platform string) error {
	for _, name := range p.ServiceNames() {
		s := p.Services[name]
		if s.Build == nil {
			continue
		}
		if platform != "" && s.Platform == "" {
			if len(s.Build.Platforms) > 0 && !slices.Contains(s.Build.Platforms, platform) {
				return fmt.Errorf("service %s: build.platforms %v does not hold %s=%s", name, s.Build.Platforms, defaultPlatformVar, platform)
			}
			s.Platform = platform
		}
		if s.Platform != "" && len(s.Build.Platforms) == 0 {
			b := *s.Build
			b.Platforms = []string{s.Platform}
			s.Build = &b
		}
		p.Services[name] = s
	}
	return nil
}

// projectEnvironment is the environment compose-go interpolates pod files with, built as
// Docker Compose builds it: the shell's environment, plus the variables of the project's env
// files that the shell does not set. The env files are LoadOptions.EnvFiles (--env-file), else
// those COMPOSE_ENV_FILES lists, else pods/.env when there is one (and COMPOSE_DISABLE_ENV_FILE
// is not true); relative paths are taken
// from the current directory, as Compose takes them. Every file is read with the size limit.
// cage's common.env layering is not this: it goes into containers, this only interpolates.
func (w *Workspace) projectEnvironment() (types.Mapping, error) {
	env := types.Mapping{}
	for _, kv := range w.environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	files := w.opts.EnvFiles
	if len(files) == 0 {
		if v := env[composeEnvFilesVar]; v != "" {
			files = strings.Split(v, ",")
		}
	}
	if len(files) == 0 {
		if v, ok := env[disableEnvFileVar]; ok {
			off, err := strconv.ParseBool(v)
			if err != nil {
				return nil, fmt.Errorf("%s=%q: not a boolean: %w", disableEnvFileVar, v, err)
			}
			if off {
				return env, nil
			}
		}
		def := filepath.Join(w.Root, podsDir, dotEnvFile)
		if fi, err := os.Stat(def); err != nil || fi.IsDir() {
			return env, nil // no pods/.env: nothing to add, as in Compose
		}
		files = []string{def}
	}
	fromFiles := map[string]string{}
	for _, f := range files {
		path, err := filepath.Abs(f)
		if err != nil {
			return nil, fmt.Errorf("env file %s: %w", f, err)
		}
		rel := w.rel(path)
		data, err := readFile(path, rel)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("env file %s: not found", rel)
		}
		if err != nil {
			return nil, fmt.Errorf("env file %s: %w", rel, err)
		}
		vars, err := dotenv.ParseWithLookup(bytes.NewReader(data), func(k string) (string, bool) {
			if v, ok := env[k]; ok {
				return v, true
			}
			v, ok := fromFiles[k]
			return v, ok
		})
		if err != nil {
			return nil, fmt.Errorf("env file %s: %w", rel, err)
		}
		for k, v := range vars {
			fromFiles[k] = v // a later file wins over an earlier one
		}
	}
	for k, v := range fromFiles {
		if _, set := env[k]; !set {
			env[k] = v // the shell's environment wins
		}
	}
	return env, nil
}
