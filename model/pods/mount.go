package pods

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/podiumdev/podium/backend/pods"
	"github.com/podiumdev/podium/keymap"
	"github.com/podiumdev/podium/model/tasks"
	"github.com/podiumdev/podium/views"
)

// mountedFile is the file a mount change writes, relative to the workspace. The live-files
// watcher does not follow .podium/, so the tab reloads after a change itself.
const mountedFile = ".podium/mounted.yml"

// sourcesMountedMsg says a mount or unmount of source trees ended, with the workspace loaded
// after it; err is the change's or the load's.
type sourcesMountedMsg struct {
	aliases []string
	mount   bool
	users   []string // the services built from them: "frontend/web"
	ws      *pods.Workspace
	err     error
}

// serviceSources are the source trees a service is built from (its build context's) or has
// mounted as a library (io.fdy.cage.lib.<KEY> labels), by alias.
func serviceSources(ws *pods.Workspace, p *pods.Pod, service string) []*pods.Source {
	var libs []string
	if p.Project != nil {
		for label := range p.Project.Services[service].Labels {
			if key, ok := strings.CutPrefix(label, pods.LabelLibPrefix); ok {
				libs = append(libs, key)
			}
		}
	}
	var out []*pods.Source
	for _, src := range ws.Sources {
		_, built := src.Subdirs[p.Name+"/"+service]
		if built || (src.Lib && slices.Contains(libs, src.LibKey)) {
			out = append(out, src)
		}
	}
	return out
}

// rowSources are the source trees of a row's services, each once, by alias.
func (m Model) rowSources(r views.PodTreeRow) []*pods.Source {
	var out []*pods.Source
	for _, svc := range rowServices(r) {
		for _, src := range serviceSources(m.ws, r.Pod, svc) {
			if !slices.Contains(out, src) {
				out = append(out, src)
			}
		}
	}
	slices.SortFunc(out, func(a, b *pods.Source) int { return strings.Compare(a.Alias, b.Alias) })
	return out
}

// sourceUsers are the services of every loaded pod built from (or mounting) one of the
// aliases, as "pod/service", sorted.
func sourceUsers(ws *pods.Workspace, aliases []string) []string {
	var out []string
	for _, p := range ws.Pods {
		if p.Err != nil {
			continue
		}
		for _, svc := range p.ServiceNames() {
			for _, src := range serviceSources(ws, p, svc) {
				if slices.Contains(aliases, src.Alias) {
					out = append(out, p.Name+"/"+svc)
					break
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// toggleMount mounts the source trees the selected service (or pod) is built from, or, when
// every one of them is mounted, unmounts them: `podium source mount/unmount` on the row. A git
// source not cloned yet is cloned first; a local one that does not exist is refused.
func (m Model) toggleMount() (Model, tea.Cmd) {
	r, ok := m.Selected()
	if !ok {
		m.status = views.Status{Text: "no pod selected", Err: true}
		return m, nil
	}
	if r.Pod.Err != nil {
		m.status = views.Status{Text: fmt.Sprintf("pod %s is broken: %s", r.Pod.Name, views.PodError(r.Pod)), Err: true}
		return m, nil
	}
	srcs := m.rowSources(r)
	if len(srcs) == 0 {
		text := podTarget(r) + " is not built from a source tree"
		if r.Kind == views.PodLevel {
			text = "no service of " + r.Pod.Name + " is built from a source tree"
		}
		m.status = views.Status{Text: text, Err: true}
		return m, nil
	}
	// A source marked mounted whose tree is missing is not mounted into anything: m mounts it.
	inUse := func(s *pods.Source) bool { return s.Mounted && s.Available }
	mount := slices.ContainsFunc(srcs, func(s *pods.Source) bool { return !inUse(s) })
	var aliases, clones []string
	for _, src := range srcs {
		if inUse(src) == mount {
			continue // already as asked
		}
		if mount && !src.Available {
			if src.Local {
				m.status = views.Status{Text: fmt.Sprintf("source %s is the directory %s, which does not exist: create it to mount it",
					src.Alias, relToWorkspace(m.ws.Root, src.LocalPath)), Err: true}
				return m, nil
			}
			clones = append(clones, src.Alias)
		}
		aliases = append(aliases, src.Alias)
	}
	users := sourceUsers(m.ws, aliases)
	what := "mount " + strings.Join(aliases, ", ")
	switch {
	case !mount:
		what = "unmount " + strings.Join(aliases, ", ")
	case len(clones) > 0:
		what = "clone " + strings.Join(clones, ", ") + " and mount it"
	}
	m.status = views.Status{Text: what + "…"}
	pb, ctx := m.pb, m.Ctx
	return m, tasks.Run(what, m.Now(), func() tea.Msg {
		call := pb.Unmount
		if mount {
			call = pb.Mount
		}
		msg := sourcesMountedMsg{aliases: aliases, mount: mount, users: users}
		if msg.err = call(ctx, aliases); msg.err == nil {
			msg.ws, msg.err = pb.Load(ctx)
		}
		if msg.err != nil && ctx.Err() != nil {
			return nil // quitting
		}
		return msg
	})
}

// mounted takes a mount change's result: the workspace it loaded goes in as a reload for the
// changed mounted.yml (so the tree and the Diff show what drifted, and --watch applies it),
// then the status says what changed and how to apply it.
func (m Model) mounted(msg sourcesMountedMsg) (Model, tea.Cmd) {
	verb, prep := "mounted", "into"
	if !msg.mount {
		verb, prep = "unmounted", "from"
	}
	if msg.err != nil {
		// The backend's errors name the sources (and the git error of a failed clone).
		m.status = views.Status{Text: msg.err.Error(), Err: true}
		return m, nil
	}
	inFlight := m.loading
	m, cmd := m.loaded(workspaceLoadedMsg{ws: msg.ws, reload: true, changed: []string{mountedFile}})
	if inFlight && !m.loading {
		// A load that began before the change is still on its way: load again after it.
		m.loading, m.reloadDue = true, true
	}
	if m.autoApply {
		return m, cmd // the apply's own status says what it does
	}
	text := fmt.Sprintf("%s %s %s %s", verb, strings.Join(msg.aliases, ", "), prep, strings.Join(msg.users, ", "))
	// Services whose containers already run with the change need nothing more.
	drifted, running := m.usersState(msg.users)
	switch {
	case drifted:
		text += ": " + m.keyName(keymap.Apply) + " applies"
	case !running && len(msg.users) == 1:
		text += ": it takes effect when " + m.keyName(keymap.BringUp) + " brings it up"
	case !running:
		text += ": it takes effect when " + m.keyName(keymap.BringUp) + " brings them up"
	}
	m.status = views.Status{Text: text}
	return m, cmd
}

// usersState says whether any of the services (by "pod/service") drifted, and whether any has
// containers at all.
func (m Model) usersState(users []string) (drifted, running bool) {
	for _, ps := range m.states {
		for _, s := range ps.Services {
			if !slices.Contains(users, s.Pod+"/"+s.Service) {
				continue
			}
			drifted = drifted || (s.Drifted && s.Err == nil)
			running = running || len(s.Containers) > 0
		}
	}
	return drifted, running
}

// relToWorkspace shows a path under the workspace relative to it, others as they are.
func relToWorkspace(root, path string) string {
	if rel, err := filepath.Rel(root, path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}
