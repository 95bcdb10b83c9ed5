package compose

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/podiumdev/podium/backend/docker"
)

// ComposeVersion is what Podium writes in com.docker.compose.version: the Docker Compose release
// whose labels and config hash it reproduces, so that Compose reads Podium's containers as
// written by a Compose it knows.
const ComposeVersion = "5.6.0"

// Values of com.docker.compose.oneoff, as Compose spells them.
const (
	oneoffFalse = "False"
	oneoffTrue  = "True"
)

// containerLabels is the label set of one container: the service's labels, Podium's extra
// labels, then Compose's own, which always win so that Compose and Podium agree on ownership.
func containerLabels(p *types.Project, s types.ServiceConfig, number int, hash string, opts SpecOptions) map[string]string {
	out := map[string]string{}
	for k, v := range s.Labels {
		out[k] = v
	}
	for k, v := range s.CustomLabels {
		out[k] = v
	}
	for k, v := range opts.ExtraLabels {
		out[k] = v
	}
	out[docker.LabelComposeProject] = p.Name
	out[docker.LabelComposeService] = s.Name
	out[docker.LabelComposeConfigHash] = hash
	out[docker.LabelComposeDependsOn] = dependsOnLabel(s.DependsOn)
	out[docker.LabelComposeConfigFiles] = strings.Join(p.ComposeFiles, ",")
	out[docker.LabelComposeWorkingDir] = p.WorkingDir
	out[docker.LabelComposeVersion] = ComposeVersion
	out[docker.LabelComposeOneoff] = oneoffFalse
	if opts.OneOff {
		out[docker.LabelComposeOneoff] = oneoffTrue
	}
	if number > 0 { // one-off containers are not numbered
		out[docker.LabelComposeNumber] = strconv.Itoa(number)
	}
	if opts.ImageID != "" {
		out[docker.LabelComposeImage] = opts.ImageID
	}
	return out
}

// dependsOnLabel renders depends_on as Compose does ("web:service_healthy:false", comma
// separated), sorted so that the label does not change between runs.
func dependsOnLabel(deps types.DependsOnConfig) string {
	out := make([]string, 0, len(deps))
	for name, d := range deps {
		out = append(out, fmt.Sprintf("%s:%s:%t", name, d.Condition, d.Restart))
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// projectFilter selects what belongs to project p: its containers, networks and volumes.
func projectFilter(project string) string { return docker.LabelComposeProject + "=" + project }

// serviceFilters select the non-one-off containers of one service of a project.
func serviceFilters(project, service string) []string {
	return []string{
		projectFilter(project),
		docker.LabelComposeService + "=" + service,
		docker.LabelComposeOneoff + "=" + oneoffFalse,
	}
}
