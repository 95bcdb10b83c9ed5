package pods

import (
	"fmt"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/mattn/go-shellwords"

	"github.com/podiumdev/podium/backend/docker"
)

// The io.fdy.cage.* service labels: each service's small API, so `shell` and `test` work
// without knowing the image.
const (
	LabelSrcDir    = "io.fdy.cage.srcdir"
	LabelShell     = "io.fdy.cage.shell"
	LabelTest      = "io.fdy.cage.test"
	LabelLibPrefix = "io.fdy.cage.lib."

	defaultSrcDir = "/app"
	defaultShell  = "sh"
)

// Lookup resolves what a command names: "pod/service", a pod name, or a bare service name
// that is unique across pods. A pod name is tried first where both fit (cage's
// pod_or_service). service is "" when name is a pod. When the pod failed to load, the pod is
// returned with its Err.
func (w *Workspace) Lookup(name string) (pod *Pod, service string, err error) {
	if strings.Contains(name, "/") {
		return w.lookupQualified(name)
	}
	if p := w.Pod(name); p != nil {
		return p, "", p.Err
	}
	return w.lookupBare(name, true)
}

// LookupService resolves a name that must be a service: "pod/service" or a bare service name
// unique across pods (for run, exec, shell, test).
func (w *Workspace) LookupService(name string) (pod *Pod, service string, err error) {
	if strings.Contains(name, "/") {
		return w.lookupQualified(name)
	}
	return w.lookupBare(name, false)
}

// lookupQualified resolves "pod/service".
func (w *Workspace) lookupQualified(name string) (*Pod, string, error) {
	podName, svc, _ := strings.Cut(name, "/")
	p := w.Pod(podName)
	if p == nil {
		return nil, "", fmt.Errorf("unknown pod '%s' in '%s' (pods: %s)", podName, name, strings.Join(w.podNamesSorted(), ", "))
	}
	for _, s := range p.ServiceNames() {
		if s == svc {
			return p, svc, p.Err
		}
	}
	if p.Err != nil {
		return p, svc, p.Err
	}
	return nil, "", fmt.Errorf("pod '%s' has no service '%s' (services: %s)", podName, svc, strings.Join(p.ServiceNames(), ", "))
}

// lookupBare resolves a service name across pods.
func (w *Workspace) lookupBare(name string, podsToo bool) (*Pod, string, error) {
	var hits []*Pod
	for _, p := range w.Pods {
		for _, s := range p.ServiceNames() {
			if s == name {
				hits = append(hits, p)
			}
		}
	}
	switch len(hits) {
	case 1:
		return hits[0], name, hits[0].Err
	case 0:
		what := "service"
		if podsToo {
			what = "pod or service"
		}
		msg := fmt.Sprintf("unknown %s '%s' (pods: %s; services: %s)", what, name,
			strings.Join(w.podNamesSorted(), ", "), strings.Join(w.qualifiedServices(), ", "))
		for _, p := range w.Pods {
			if p.Err != nil && len(p.services) == 0 {
				msg += fmt.Sprintf("; pod %s failed to load and may define it", p.Name)
			}
		}
		if !podsToo && w.Pod(name) != nil {
			msg = fmt.Sprintf("'%s' is a pod; name one of its services (%s)", name, strings.Join(qualify(name, w.Pod(name).ServiceNames()), ", "))
		}
		return nil, "", fmt.Errorf("%s", msg)
	default:
		cands := make([]string, len(hits))
		for i, p := range hits {
			cands[i] = p.Name + "/" + name
		}
		sort.Strings(cands)
		return nil, "", fmt.Errorf("'%s' is ambiguous: %s; name it as pod/service", name, strings.Join(cands, ", "))
	}
}

// podNamesSorted lists pod names alphabetically, for messages.
func (w *Workspace) podNamesSorted() []string {
	names := w.PodNames()
	sort.Strings(names)
	return names
}

// qualifiedServices lists every pod/service, for messages.
func (w *Workspace) qualifiedServices() []string {
	var out []string
	for _, p := range w.Pods {
		out = append(out, qualify(p.Name, p.ServiceNames())...)
	}
	sort.Strings(out)
	return out
}

func qualify(pod string, services []string) []string {
	out := make([]string, len(services))
	for i, s := range services {
		out[i] = pod + "/" + s
	}
	return out
}

// PodLabels are the labels Podium adds to every container of a pod (not part of the config
// hash): which pod and which target it belongs to.
func (w *Workspace) PodLabels(pod string) map[string]string {
	return map[string]string{
		docker.LabelPod: pod, docker.LabelTarget: w.Target,
		docker.LabelCagePod: pod, docker.LabelCageTarget: w.Target,
	}
}

// Shell is the shell `podium shell` runs in a service: io.fdy.cage.shell, default sh.
func Shell(svc types.ServiceConfig) string {
	if s := svc.Labels[LabelShell]; s != "" {
		return s
	}
	return defaultShell
}

// SrcDir is where a service's own source tree is mounted: io.fdy.cage.srcdir, default /app.
func SrcDir(svc types.ServiceConfig) string {
	if s := svc.Labels[LabelSrcDir]; s != "" {
		return s
	}
	return defaultSrcDir
}

// TestCommand is the command `podium test` runs: io.fdy.cage.test split with shell-word rules
// and no variable expansion. Shell operators (&&, |, ;) are refused rather than passed on as
// words, since no shell would run them: wrap such a command in sh -c '...'.
func TestCommand(pod string, svc types.ServiceConfig) ([]string, error) {
	label, ok := svc.Labels[LabelTest]
	if !ok || strings.TrimSpace(label) == "" {
		return nil, fmt.Errorf("specify a value for the label %s on service %s/%s to run tests", LabelTest, pod, svc.Name)
	}
	p := shellwords.NewParser()
	p.ParseEnv = false
	p.ParseBacktick = false
	args, err := p.Parse(label)
	if err != nil {
		return nil, fmt.Errorf("label %s on service %s/%s: %w", LabelTest, pod, svc.Name, err)
	}
	if p.Position >= 0 {
		return nil, fmt.Errorf("label %s on service %s/%s: %q contains a shell operator; wrap the command in sh -c '...'", LabelTest, pod, svc.Name, label)
	}
	if len(args) == 0 {
		return nil, fmt.Errorf("specify a value for the label %s on service %s/%s to run tests", LabelTest, pod, svc.Name)
	}
	return args, nil
}

// Address is the CLI's name for a pod, or for one of its services: pod/service.
func Address(pod, service string) string {
	if service == "" {
		return pod
	}
	return pod + "/" + service
}
