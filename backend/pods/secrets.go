package pods

import "path/filepath"

// secrets is config/secrets.yml: plain-text values added to services' environment last, so they
// beat everything else. The file is git-ignored.
type secrets struct {
	Common  map[string]string `yaml:"common"`
	Pods    podSecrets        `yaml:"pods"`
	Targets map[string]struct {
		Common map[string]string `yaml:"common"`
		Pods   podSecrets        `yaml:"pods"`
	} `yaml:"targets"`
}

// podSecrets maps pod → service → variables.
type podSecrets map[string]map[string]map[string]string

// secretsKeys is the hint shown next to an unknown key in secrets.yml.
const secretsKeys = "common, pods.<pod>.<service>, targets.<target>.common, targets.<target>.pods.<pod>.<service>"

// readSecrets reads config/secrets.yml; a missing file has no secrets.
func readSecrets(root string) (secrets, error) {
	var s secrets
	rel := configDir + "/" + secretsFile
	if _, err := readStrict(filepath.Join(root, configDir, secretsFile), rel, &s, secretsKeys); err != nil {
		return secrets{}, err
	}
	return s, nil
}

// layers returns a service's secrets in cage's order, later entries winning: common, the pod's
// service, the target's common, the target's pod service.
func (s secrets) layers(target, pod, service string) []map[string]string {
	t := s.Targets[target]
	return []map[string]string{s.Common, s.Pods[pod][service], t.Common, t.Pods[pod][service]}
}
