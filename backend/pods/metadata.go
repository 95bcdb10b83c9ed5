package pods

import (
	"fmt"
	"slices"
)

// PodType says how a pod is started: placeholders (stand-ins for external dependencies such as
// a database) first, then services; tasks are one-shot and only run on demand.
type PodType string

// The pod types, in start order.
const (
	PodPlaceholder PodType = "placeholder"
	PodService     PodType = "service"
	PodTask        PodType = "task"
)

// metadata is pods/<pod>.metadata.yml (cage's pod Config, deny_unknown_fields).
type metadata struct {
	PodType          PodType                    `yaml:"pod_type"`
	EnableInTargets  []string                   `yaml:"enable_in_targets"`
	EnableInOverride []string                   `yaml:"enable_in_overrides"` // conductor's name
	RunOnInit        [][]string                 `yaml:"run_on_init"`
	Services         map[string]serviceMetadata `yaml:"services"`
}

// serviceMetadata is one entry of metadata's services:.
type serviceMetadata struct {
	Scripts map[string][][]string `yaml:"scripts"`
}

// metadataKeys is the hint shown next to an unknown key in a metadata file.
const metadataKeys = "pod_type, enable_in_targets, run_on_init, services.<service>.scripts"

// rank orders pod types for sorting; an unknown type (only possible on a broken pod) sorts
// with services.
func (t PodType) rank() int {
	switch t {
	case PodPlaceholder:
		return 0
	case PodTask:
		return 2
	default:
		return 1
	}
}

// readMetadata reads a pod's metadata file (rel names it in errors); a missing file gives the
// defaults.
func readMetadata(path, rel string) (metadata, error) {
	var m metadata
	if _, err := readStrict(path, rel, &m, metadataKeys); err != nil {
		return metadata{}, err
	}
	if m.PodType == "" {
		m.PodType = PodService
	}
	switch m.PodType {
	case PodPlaceholder, PodService, PodTask:
	default:
		return metadata{}, fmt.Errorf("%s: pod_type '%s' is not one of placeholder, service, task", rel, m.PodType)
	}
	if m.EnableInOverride != nil {
		if m.EnableInTargets != nil {
			return metadata{}, fmt.Errorf("%s: enable_in_targets and enable_in_overrides (its old name) are both set; keep enable_in_targets", rel)
		}
		m.EnableInTargets, m.EnableInOverride = m.EnableInOverride, nil
	}
	for i, argv := range m.RunOnInit {
		if len(argv) == 0 {
			return metadata{}, fmt.Errorf("%s: run_on_init[%d] is empty; each entry is [service, command...]", rel, i)
		}
	}
	for svc, sm := range m.Services {
		for name, script := range sm.Scripts {
			for i, argv := range script {
				if len(argv) == 0 {
					return metadata{}, fmt.Errorf("%s: services.%s.scripts.%s[%d] is empty; each entry is a command line [program, args...]", rel, svc, name, i)
				}
			}
		}
	}
	return m, nil
}

// enabledTargets is enable_in_targets, defaulting (like cage) to every target except test.
func (m metadata) enabledTargets(all []string) []string {
	if m.EnableInTargets != nil {
		return slices.Clone(m.EnableInTargets)
	}
	out := make([]string, 0, len(all))
	for _, t := range all {
		if t != TestTarget {
			out = append(out, t)
		}
	}
	return out
}

// scripts flattens services.<svc>.scripts into service → name → command lines.
func (m metadata) scripts() map[string]map[string][][]string {
	out := map[string]map[string][][]string{}
	for svc, sm := range m.Services {
		if len(sm.Scripts) > 0 {
			out[svc] = sm.Scripts
		}
	}
	return out
}
