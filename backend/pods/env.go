package pods

import (
	"bytes"
	"errors"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/dotenv"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/podiumdev/podium/backend/readlimit"
)

// envLayers are the workspace-wide variables every service starts from, lowest first.
type envLayers struct {
	common       map[string]string // pods/common.env
	targetCommon map[string]string // pods/targets/<target>/common.env
	secrets      secrets           // config/secrets.yml
}

// environLookup turns KEY=VALUE pairs into a lookup; the last pair for a key wins, as in a shell.
func environLookup(environ []string) func(string) (string, bool) {
	m := make(map[string]string, len(environ))
	for _, kv := range environ {
		for i := 0; i < len(kv); i++ {
			if kv[i] == '=' {
				m[kv[:i]] = kv[i+1:]
				break
			}
		}
	}
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

// readEnvFile parses a .env file the way Compose parses env_file entries (quotes, ${VAR}
// expansion from lookup, then from the file itself). A missing file is no variables.
func readEnvFile(path, rel string, lookup func(string) (string, bool)) (map[string]string, error) {
	data, err := readFile(path, rel)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if readlimit.IsTooLarge(err) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", rel, err)
	}
	vars, err := dotenv.ParseWithLookup(bytes.NewReader(data), lookup)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rel, err)
	}
	return vars, nil
}

// layerEnvironment replaces a service's environment with cage's layering: pods/common.env <
// the target's common.env < the service's own environment (environment: plus its env_file, as
// compose-go resolved them) < config/secrets.yml. The result is written into the service, so a
// config hash computed later covers it.
func (l envLayers) layerEnvironment(target, pod string, svc *types.ServiceConfig) {
	env := types.MappingWithEquals{}
	set := func(vars map[string]string) {
		for k, v := range vars {
			env[k] = &v
		}
	}
	set(l.common)
	set(l.targetCommon)
	for k, v := range svc.Environment {
		// `- FOO` with FOO unset in the host environment resolves to nil: it must not erase
		// a value the common files gave.
		if v == nil {
			if _, ok := env[k]; ok {
				continue
			}
		}
		env[k] = v
	}
	for _, layer := range l.secrets.layers(target, pod, svc.Name) {
		set(layer)
	}
	svc.Environment = env
	svc.EnvFiles = nil
}
