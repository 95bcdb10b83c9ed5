package pods

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
)

// Source is a source tree a service is built from (its build context) or a library from
// config/sources.yml. When it is mounted and available locally, it is bind-mounted into every
// service built from it, so a developer edits code in src/<alias> and the containers see it.
type Source struct {
	// Alias is the short name: the repository's stem plus "_<branch>" when a branch is given,
	// or a local directory's base name.
	Alias string
	// Context is the git URL without its #fragment, or a local directory's absolute path.
	Context string
	// Branch is the git branch from the URL's fragment ("" for the default branch).
	Branch string
	// Subdirs maps "pod/service" to the subdirectory of the tree that service builds from
	// ("" for the root), for every service of the current target built from this source.
	Subdirs map[string]string
	// LocalPath is where the tree lives: src/<alias> for git, the directory itself when local.
	LocalPath string
	// Local is true when the build context is a local directory rather than a git URL.
	Local bool
	// Lib is true for a library from config/sources.yml; LibKey is its key there, which
	// io.fdy.cage.lib.<KEY> labels name.
	Lib    bool
	LibKey string
	// Mounted is the user's choice (.podium/mounted.yml); sources start unmounted.
	Mounted bool
	// Available is true when LocalPath exists.
	Available bool

	origin string // where it was first seen, for collision messages
}

// buildContext is a parsed build: context.
type buildContext struct {
	git    bool
	url    string // git: without the fragment
	branch string
	subdir string
	dir    string // local: absolute, cleaned
}

// libEntry is one library in config/sources.yml.
type libEntry struct {
	Context string `yaml:"context"`
}

// sourceSet collects sources while enforcing that one alias names one tree.
type sourceSet struct {
	root    string
	byKey   map[string]*Source
	byName  map[string]*Source
	libs    map[string]*Source // config/sources.yml key → source
	mounted map[string]bool    // .podium/mounted.yml
}

// sourcesKeys is the hint shown next to an unknown key in sources.yml.
const sourcesKeys = "<name>.context"

// isGitContext says whether a build context names a remote repository rather than a directory,
// using the same prefixes Docker and compose-go use (any scheme, git@, github.com/).
func isGitContext(s string) bool {
	return strings.Contains(s, "://") || strings.HasPrefix(s, "git@") || strings.HasPrefix(s, "github.com/")
}

// parseBuildContext splits a build context. Git contexts follow Docker's syntax: URL, then an
// optional #branch, #branch:subdir or #:subdir. Local contexts are resolved against podsDir,
// as compose-go (and cage) resolve them.
func parseBuildContext(raw, podsDir string) buildContext {
	if !isGitContext(raw) {
		dir := raw
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(podsDir, dir)
		}
		return buildContext{dir: filepath.Clean(dir)}
	}
	c := buildContext{git: true, url: raw}
	if i := strings.IndexByte(raw, '#'); i >= 0 {
		c.url = raw[:i]
		ref := raw[i+1:]
		if j := strings.IndexByte(ref, ':'); j >= 0 {
			c.branch, c.subdir = ref[:j], strings.Trim(ref[j+1:], "/")
		} else {
			c.branch = ref
		}
	}
	return c
}

// key identifies the tree a context names: the same repository and branch is one source
// whatever subdirectory each service builds from.
func (c buildContext) key() string {
	if c.git {
		return "git:" + c.url + "#" + c.branch
	}
	return "dir:" + c.dir
}

// alias is cage's short name for the tree.
func (c buildContext) alias() string {
	if !c.git {
		return filepath.Base(c.dir)
	}
	u := strings.TrimRight(c.url, "/")
	if i := strings.LastIndexAny(u, "/:"); i >= 0 {
		u = u[i+1:]
	}
	stem := strings.TrimSuffix(u, ".git")
	if c.branch == "" {
		return stem
	}
	return stem + "_" + sanitizeAliasPart(c.branch)
}

// display is how a context is quoted in messages: as the user wrote it, minus the subdir.
func (c buildContext) display() string {
	if !c.git {
		return c.dir
	}
	if c.branch != "" {
		return c.url + "#" + c.branch
	}
	return c.url
}

// sanitizeAliasPart keeps a branch usable as part of a directory name: "feature/x" → "feature_x".
func sanitizeAliasPart(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
}

// newSourceSet starts an empty set; mounted is the saved mount state new sources take.
func newSourceSet(root string, mounted map[string]bool) *sourceSet {
	return &sourceSet{root: root, byKey: map[string]*Source{}, byName: map[string]*Source{}, libs: map[string]*Source{}, mounted: mounted}
}

// add records the tree a context names; origin says where it was seen, for messages.
func (s *sourceSet) add(c buildContext, origin string) (*Source, error) {
	if src, ok := s.byKey[c.key()]; ok {
		return src, nil
	}
	alias := c.alias()
	if alias == "" || alias == "." || alias == string(filepath.Separator) {
		return nil, fmt.Errorf("%s: build context %s has no usable name for a source alias", origin, c.display())
	}
	if other, ok := s.byName[alias]; ok {
		return nil, fmt.Errorf("%s (%s) and %s (%s) would both alias to %s; give one of them a different repository or directory name",
			other.displayContext(), other.origin, c.display(), origin, alias)
	}
	src := &Source{Alias: alias, Branch: c.branch, Subdirs: map[string]string{}, origin: origin}
	if c.git {
		src.Context = c.url
		src.LocalPath = filepath.Join(s.root, srcDir, alias)
	} else {
		src.Context = c.dir
		src.LocalPath = c.dir
		src.Local = true
	}
	src.markAvailable(s.mounted)
	s.byKey[c.key()] = src
	s.byName[alias] = src
	return src, nil
}

// displayContext is the source's context as messages quote it.
func (s *Source) displayContext() string {
	if s.Branch != "" {
		return s.Context + "#" + s.Branch
	}
	return s.Context
}

// sorted returns the sources by alias.
func (s *sourceSet) sorted() []*Source {
	out := make([]*Source, 0, len(s.byName))
	for _, src := range s.byName {
		out = append(out, src)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Alias < out[j].Alias })
	return out
}

// lookup finds the source a (resolved) build context belongs to.
func (s *sourceSet) lookup(c buildContext) *Source {
	return s.byKey[c.key()]
}

// readLibraries reads config/sources.yml; a missing file has no libraries.
func readLibraries(root string) (map[string]libEntry, error) {
	libs := map[string]libEntry{}
	rel := configDir + "/" + sourcesFile
	if _, err := readStrict(filepath.Join(root, configDir, sourcesFile), rel, &libs, sourcesKeys); err != nil {
		return nil, err
	}
	return libs, nil
}

// addLibraries adds config/sources.yml's libraries; a git library must be a whole repository.
func (s *sourceSet) addLibraries(libs map[string]libEntry) error {
	rel := configDir + "/" + sourcesFile
	for _, key := range sortedKeys(libs) {
		ctx := libs[key].Context
		if ctx == "" {
			return fmt.Errorf("%s: library '%s' has no context; write `%s: {context: \"https://host/repo.git\"}`", rel, key, key)
		}
		// Beyond cage: a library may also be a local directory (relative to the workspace
		// root), which is how a service without build: declares a tree to mount.
		c := parseBuildContext(ctx, s.root)
		if c.git && c.subdir != "" {
			return fmt.Errorf("%s: library '%s' may not specify a subdirectory in its git URL (%s); mount the whole repository", rel, key, ctx)
		}
		src, err := s.add(c, rel+" library "+key)
		if err != nil {
			return err
		}
		if !src.Lib {
			src.Lib, src.LibKey = true, key
		}
		s.libs[key] = src
	}
	return nil
}

// libSource returns the library a io.fdy.cage.lib.<key> label names.
func (s *sourceSet) libSource(key string) *Source {
	return s.libs[key]
}
