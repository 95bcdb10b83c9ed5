package model

import (
	"strconv"
	"strings"

	"github.com/aymanbagabas/go-udiff"
	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v3"

	"github.com/podiumdev/podium/backend/compose"
	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/pods"
	"github.com/podiumdev/podium/views"
)

// serviceConfigs are services' compose configs as YAML, by "pod/service" then config hash:
// each one this session loaded that the files still want or a container still carries. A
// drifted container carries an old hash, so its entry here is the config it was created from,
// which a restart of the TUI forgets.
type serviceConfigs map[string]map[string]string

// rememberConfigs returns the entries of prev still wanted or in use, plus the configs the
// states' pods want now. It builds a new map, so earlier copies of the model keep theirs. A
// broken pod keeps what was known of it: its containers still run the old config.
func rememberConfigs(prev serviceConfigs, states []pods.PodState) serviceConfigs {
	out := serviceConfigs{}
	for _, ps := range states {
		p := ps.Pod
		if p.Project == nil {
			for key, byHash := range prev {
				if strings.HasPrefix(key, p.Name+"/") {
					out[key] = byHash
				}
			}
			continue
		}
		for _, s := range ps.Services {
			key := s.Pod + "/" + s.Service
			byHash := map[string]string{}
			for _, c := range s.Containers {
				h := c.Labels[docker.LabelComposeConfigHash]
				if y, ok := prev[key][h]; ok {
					byHash[h] = y
				}
			}
			if s.Hash != "" {
				byHash[s.Hash] = serviceYAML(p.Project.Services[s.Service])
			}
			out[key] = byHash
		}
	}
	return out
}

// serviceYAML is a service's config as the diff shows it: compose YAML, with the values of
// secret-looking variables masked as in the Config view (the screen may be shared).
func serviceYAML(svc types.ServiceConfig) string {
	env := types.MappingWithEquals{}
	for k, v := range svc.Environment {
		if v != nil && views.MaskValue(k, *v) != *v {
			masked := views.Masked
			v = &masked
		}
		env[k] = v
	}
	svc.Environment = env
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(svc); err != nil {
		return "# the config of " + svc.Name + " cannot be shown: " + err.Error() + "\n"
	}
	return b.String()
}

// drifts computes, for every drifted service of a loaded pod, what up would change and the
// diff of its config, by "pod/service".
func drifts(root string, states []pods.PodState, configs serviceConfigs) map[string]views.ServiceDrift {
	var out map[string]views.ServiceDrift
	for _, ps := range states {
		if ps.Pod.Project == nil {
			continue
		}
		for _, s := range ps.Services {
			if !s.Drifted || s.Err != nil {
				continue
			}
			if out == nil {
				out = map[string]views.ServiceDrift{}
			}
			out[s.Pod+"/"+s.Service] = serviceDrift(root, ps.Pod, s, configs)
		}
	}
	return out
}

// serviceDrift plans up for one service as Compose converges it (numbers 1..replicas are kept,
// recreated when their config hash is outdated, or created; other containers are removed)
// and diffs the config its outdated containers carry against the one the files want.
func serviceDrift(root string, p *pods.Pod, s pods.ServiceState, configs serviceConfigs) views.ServiceDrift {
	d := views.ServiceDrift{Pod: s.Pod, Service: s.Service}
	byNumber := map[int]docker.Container{}
	for _, c := range s.Containers {
		n, _ := strconv.Atoi(c.Labels[docker.LabelComposeNumber])
		if _, dup := byNumber[n]; dup || n < 1 || n > s.Replicas {
			d.Remove = append(d.Remove, c.Name)
			continue
		}
		byNumber[n] = c
	}
	old := ""
	for n := 1; n <= s.Replicas; n++ {
		c, ok := byNumber[n]
		switch {
		case !ok:
			d.Create = append(d.Create, compose.ContainerName(p.Project, p.Project.Services[s.Service], n))
		case c.Labels[docker.LabelComposeConfigHash] != s.Hash:
			d.Recreate = append(d.Recreate, c.Name)
			if old == "" {
				old = c.Labels[docker.LabelComposeConfigHash]
			}
		}
	}
	if old == "" {
		return d // the same config: only the number of containers differs
	}
	key := s.Pod + "/" + s.Service
	before, ok := configs[key][old]
	if !ok {
		d.Unknown = true
		return d
	}
	d.Diff = udiff.Unified(key+": its containers", key+": "+views.PodFiles(root, p.Files), before, configs[key][s.Hash])
	d.Hidden = d.Diff == "" // the hashes differ, so what changed is a masked value
	return d
}

// applyTargets are the services apply brings up: the drifted ones of every pod up may act on
// (loaded, enabled in the target, not a task). A broken pod has no services here, so nothing
// of it is touched.
func applyTargets(states []pods.PodState) []pods.ServiceState {
	var out []pods.ServiceState
	for _, ps := range states {
		p := ps.Pod
		if p.Err != nil || !p.Enabled || p.Type == pods.PodTask {
			continue
		}
		for _, s := range ps.Services {
			if s.Drifted && s.Err == nil {
				out = append(out, s)
			}
		}
	}
	return out
}
