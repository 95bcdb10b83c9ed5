package pods

import (
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v3"

	"github.com/podiumdev/podium/backend/secret"
)

// Masker is the masking rule for one service's values: secret-looking names, and the
// variables config/secrets.yml gives it for the current target, whatever their names.
func (w *Workspace) Masker(pod, service string) secret.Masker {
	return secret.Masker{Keys: w.SecretKeys(pod, service)}
}

// MaskEnv is svc with the values mask says are secret replaced by secret.Masked: the
// service as a screen may show it (the screen may be shared).
func MaskEnv(svc types.ServiceConfig, mask secret.Masker) types.ServiceConfig {
	env := make(types.MappingWithEquals, len(svc.Environment))
	for k, v := range svc.Environment {
		if v != nil && mask.Mask(k, *v) != *v {
			masked := secret.Masked
			v = &masked
		}
		env[k] = v
	}
	svc.Environment = env
	return svc
}

// ShownYAML is a service's config as the drift diff shows it: the service alone as YAML,
// masked. A config that cannot be encoded says so in a comment, so the diff still shows.
func ShownYAML(svc types.ServiceConfig, mask secret.Masker) string {
	svc = MaskEnv(svc, mask)
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(svc); err != nil {
		return "# the config of " + svc.Name + " cannot be shown: " + err.Error() + "\n"
	}
	return b.String()
}

// ShownProjectYAML is a service as compose YAML (under services:, as in a pod file), masked:
// the Config view's text.
func ShownProjectYAML(svc types.ServiceConfig, mask secret.Masker) (string, error) {
	svc = MaskEnv(svc, mask)
	p := &types.Project{Services: types.Services{svc.Name: svc}}
	out, err := p.MarshalYAML()
	if err != nil {
		return "", err
	}
	return string(out), nil
}
