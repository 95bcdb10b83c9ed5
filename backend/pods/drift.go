package pods

import (
	"strconv"
	"strings"

	"github.com/aymanbagabas/go-udiff"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/podiumdev/podium/backend/compose"
	"github.com/podiumdev/podium/backend/docker"
)

// Configs are services' compose configs, masked by the rule of the load that gave them (so
// no secret value is kept), by "pod/service" then config hash: each one a session loaded that
// the files still want or a container still carries. A drifted container carries an old
// hash, so its entry here is the config it was created from, which a restart of the TUI
// forgets. The diff masks both sides again by today's rule, so a variable that
// config/secrets.yml gives now is hidden in the old config too.
type Configs map[string]map[string]types.ServiceConfig

// Drift is what bringing a drifted service up would change: the plan, and the compose config
// its containers were created from against what its files say now.
type Drift struct {
	Pod, Service string
	Recreate     []string // containers replaced: their config is outdated
	Create       []string // containers added: a replica is missing
	Remove       []string // containers removed: surplus replicas
	// Diff is the unified diff of the service's config as YAML, the containers' to the files';
	// "" when only the number of containers differs, or when the old config is Unknown.
	Diff string
	// Unknown: the containers' config was never loaded by this session (they were created
	// before it started), so there is nothing to diff against.
	Unknown bool
	// Hidden: only values the diff masks (secrets) changed.
	Hidden bool
	// New: the service was added to the files of a running pod; up creates it.
	New bool
	// Orphan: the service is no longer in the files; up removes its containers.
	Orphan bool
}

// Plan says what up does, in words: "recreate shop-web-1, shop-web-2; create shop-web-3".
func (d Drift) Plan() string {
	var parts []string
	for _, p := range []struct {
		verb  string
		names []string
	}{{"recreate", d.Recreate}, {"create", d.Create}, {"remove", d.Remove}} {
		if len(p.names) > 0 {
			parts = append(parts, p.verb+" "+strings.Join(p.names, ", "))
		}
	}
	if len(parts) == 0 {
		return "nothing to change"
	}
	return strings.Join(parts, "; ")
}

// RememberConfigs returns the entries of prev still wanted or in use, plus the configs the
// states' pods (of w) want now, masked as w's secrets say. It builds a new map, so earlier
// holders of prev keep theirs. A broken pod keeps what was known of it: its containers still
// run the old config.
func (w *Workspace) RememberConfigs(prev Configs, states []PodState) Configs {
	out := Configs{}
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
			byHash := map[string]types.ServiceConfig{}
			for _, c := range s.Containers {
				h := c.Labels[docker.LabelComposeConfigHash]
				if y, ok := prev[key][h]; ok {
					byHash[h] = y
				}
			}
			if s.Hash != "" {
				byHash[s.Hash] = MaskEnv(p.Project.Services[s.Service], w.Masker(s.Pod, s.Service))
			}
			out[key] = byHash
		}
	}
	return out
}

// Drifts computes, for every drifted service of a loaded pod of w, what up would change and
// the diff of its config, by "pod/service"; nil when nothing drifted.
func (w *Workspace) Drifts(states []PodState, configs Configs) map[string]Drift {
	var out map[string]Drift
	for _, ps := range states {
		if ps.Pod.Project == nil {
			continue
		}
		for _, s := range ps.Services {
			if !s.Drifted || s.Err != nil {
				continue
			}
			if out == nil {
				out = map[string]Drift{}
			}
			out[s.Pod+"/"+s.Service] = w.serviceDrift(ps.Pod, s, configs)
		}
	}
	return out
}

// serviceDrift plans up for one service as Compose converges it (numbers 1..replicas are kept,
// recreated when their config hash is outdated, or created; other containers are removed)
// and diffs the config its outdated containers carry against the one the files want.
func (w *Workspace) serviceDrift(p *Pod, s ServiceState, configs Configs) Drift {
	d := Drift{Pod: s.Pod, Service: s.Service, New: s.ToCreate, Orphan: s.Orphan}
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
	after, known := configs[key][s.Hash]
	if !ok || !known {
		d.Unknown = true
		return d
	}
	mask := w.Masker(s.Pod, s.Service)
	d.Diff = udiff.Unified(key+": its containers", key+": "+RelFiles(w.Root, p.Files), ShownYAML(before, mask), ShownYAML(after, mask))
	d.Hidden = d.Diff == "" // the hashes differ, so what changed is a masked value
	return d
}

// ApplyTargets are the services apply brings up: the drifted ones of every pod up may act on
// (loaded, enabled in the target, not a task), new ones to create and orphans to remove
// included. A broken pod is skipped, so nothing of it is touched.
func ApplyTargets(states []PodState) []ServiceState {
	var out []ServiceState
	for _, ps := range states {
		p := ps.Pod
		if p.Err != nil || !p.Enabled || p.Type == PodTask {
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

// RelFiles lists files relative to the workspace root, as a pod's files are named on screen.
func RelFiles(root string, files []string) string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = strings.TrimPrefix(f, strings.TrimSuffix(root, "/")+"/")
	}
	return strings.Join(out, ", ")
}
