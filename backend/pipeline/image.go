package pipeline

import (
	"fmt"
	"maps"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ImageDef is an image a node runs in (Conducto's co.Image): a base image,
// built from a Dockerfile or pulled, then extended with install lines and a
// copy of the code. It is declared under images: or inline as a node's
// image: mapping:
//
//	images:
//	  app:
//	    dockerfile: docker/Dockerfile   # or from: / dockerfile_text:
//	    context: .
//	    build_args: {GO_VERSION: "1.26"}
//	    install: ["apk add --no-cache make"]
//	    copy_dir: .                     # or copy_url: + copy_branch:
//	    workdir: /mnt/podium
//	    path_map: {./src: /mnt/podium/src}
type ImageDef struct {
	Name string
	// At most one of From, Dockerfile and DockerfileText is set by the file;
	// when none is, From is DefaultFrom.
	From           string
	Dockerfile     string // relative to Dir
	DockerfileText string
	// Context is the build context; for a Dockerfile it defaults to the
	// Dockerfile's directory, as in Conducto.
	Context   string
	BuildArgs map[string]string
	// Install lines run as shell commands (RUN) on top of the base image.
	Install []string
	// CopyDir (a host directory) or CopyURL at CopyBranch (a git clone) is
	// copied into the image at CopyTarget.
	CopyDir    string
	CopyURL    string
	CopyBranch string
	// Workdir defaults to CopyTarget when code is copied in.
	Workdir string
	// PathMap maps host paths to container paths, for live debug; copy_dir
	// maps itself to CopyTarget unless given.
	PathMap map[string]string
	// Dir is the directory relative paths resolve from: the pipeline file's.
	Dir  string
	Line int
}

// Image defaults.
const (
	// DefaultFrom is the base when an image names none; alpine rather than
	// Conducto's python because Podium needs no language runtime inside.
	DefaultFrom = "alpine:latest"
	// CopyTarget is where copy_dir and copy_url land (Conducto's /mnt/conducto).
	CopyTarget = "/mnt/podium"
	imageKeys  = "from dockerfile dockerfile_text context copy_dir copy_url copy_branch build_args install workdir path_map"
)

// Resolve turns a path from the definition into one usable on the host,
// relative paths being taken from the pipeline file's directory.
func (d ImageDef) Resolve(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(d.Dir, p)
}

// equal compares definitions, ignoring where they were written.
func (d ImageDef) equal(o ImageDef) bool {
	return d.From == o.From && d.Dockerfile == o.Dockerfile && d.DockerfileText == o.DockerfileText &&
		d.Context == o.Context && maps.Equal(d.BuildArgs, o.BuildArgs) && slices.Equal(d.Install, o.Install) &&
		d.CopyDir == o.CopyDir && d.CopyURL == o.CopyURL && d.CopyBranch == o.CopyBranch &&
		d.Workdir == o.Workdir && maps.Equal(d.PathMap, o.PathMap) && d.Dir == o.Dir
}

// images parses the images: mapping into out.
func (ps *parser) images(m *yaml.Node, out map[string]ImageDef) {
	if m.Kind == yaml.ScalarNode && m.Tag == "!!null" {
		return
	}
	if m.Kind != yaml.MappingNode {
		ps.errorf(m.Line, "", "images: want a mapping of name: {from: …}")
		return
	}
	for _, p := range ps.pairs(m, "images", "image name") {
		where := "images/" + p.key
		if msg := checkImageName(p.key); msg != "" {
			ps.errorf(p.line, where, "%s", msg)
			continue
		}
		if def, ok := ps.imageDef(p.v, p.key, where, p.line); ok {
			out[p.key] = def
		}
	}
}

// checkImageName keeps names usable in tags and distinct from inline names.
func checkImageName(name string) string {
	if name == "" || len(name) > maxNameSize {
		return fmt.Sprintf("image name %q must be 1 to %d characters", name, maxNameSize)
	}
	for _, r := range name {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '_' && r != '.' && r != '-' {
			return fmt.Sprintf("image name %q may use only letters, digits, '_', '.' and '-'", name)
		}
	}
	return ""
}

// imageDef parses and validates one definition, per Conducto's Image rules.
func (ps *parser) imageDef(v *yaml.Node, name, where string, line int) (ImageDef, bool) {
	d := ImageDef{Name: name, Dir: ps.dir, Line: line}
	if v.Kind == yaml.ScalarNode && v.Tag == "!!str" && name != "" && !strings.HasPrefix(name, inlinePref) {
		// images: {busybox: "busybox:latest"} is shorthand for from:.
		d.From = v.Value
		return d, ps.checkImage(&d, where, line)
	}
	if v.Kind != yaml.MappingNode {
		ps.errorf(line, where, "want an image mapping such as {from: \"busybox:latest\"}")
		return d, false
	}
	before := len(ps.errs)
	for _, p := range ps.pairs(v, where, "key") {
		switch p.key {
		case "from":
			d.From = ps.str(p, where)
		case "dockerfile":
			d.Dockerfile = ps.str(p, where)
		case "dockerfile_text":
			d.DockerfileText = ps.str(p, where)
		case "context":
			d.Context = ps.str(p, where)
		case "copy_dir":
			d.CopyDir = ps.str(p, where)
		case "copy_url":
			d.CopyURL = ps.str(p, where)
		case "copy_branch":
			d.CopyBranch = ps.str(p, where)
		case "workdir":
			d.Workdir = ps.str(p, where)
		case "build_args":
			d.BuildArgs = ps.stringMap(p, where, "build_args", func(k string) string {
				if k == "" || strings.ContainsAny(k, "= \x00") {
					return fmt.Sprintf("build_args: invalid name %q", k)
				}
				return ""
			})
		case "path_map":
			d.PathMap = ps.stringMap(p, where, "path_map", func(k string) string {
				if k == "" {
					return "path_map: empty host path"
				}
				return ""
			})
		case "install":
			d.Install = ps.lines(p, where)
		default:
			ps.errorf(p.line, where, "unknown image key %q%s", p.key, suggest(p.key, strings.Fields(imageKeys)))
		}
	}
	if len(ps.errs) != before {
		return d, false
	}
	return d, ps.checkImage(&d, where, line)
}

// checkImage applies the cross-field rules and fills defaults.
func (ps *parser) checkImage(d *ImageDef, where string, line int) bool {
	before := len(ps.errs)
	var bases []string
	for _, b := range []struct{ key, val string }{{"from", d.From}, {"dockerfile", d.Dockerfile}, {"dockerfile_text", d.DockerfileText}} {
		if b.val != "" {
			bases = append(bases, b.key)
		}
	}
	if len(bases) > 1 {
		ps.errorf(line, where, "set at most one of from, dockerfile and dockerfile_text (got %s)", strings.Join(bases, " and "))
	}
	if d.From != "" && strings.ContainsFunc(d.From, func(r rune) bool { return r <= ' ' }) {
		ps.errorf(line, where, "from: %q is not an image reference", d.From)
	}
	if d.From != "" && (d.Context != "" || len(d.BuildArgs) > 0) {
		ps.errorf(line, where, "context and build_args only apply to dockerfile or dockerfile_text")
	}
	if d.CopyDir != "" && d.CopyURL != "" {
		ps.errorf(line, where, "copy_dir and copy_url are exclusive")
	}
	if d.CopyURL != "" && d.CopyBranch == "" && !strings.HasPrefix(d.CopyURL, "s3://") {
		ps.errorf(line, where, "copy_url needs copy_branch")
	}
	if d.CopyBranch != "" && d.CopyURL == "" {
		ps.errorf(line, where, "copy_branch needs copy_url")
	}
	if d.Workdir != "" && !path.IsAbs(d.Workdir) {
		ps.errorf(line, where, "workdir %q must be an absolute container path", d.Workdir)
	}
	for _, host := range slices.Sorted(maps.Keys(d.PathMap)) {
		if ctr := d.PathMap[host]; !path.IsAbs(ctr) {
			ps.errorf(line, where, "path_map: %s: container path %q must be absolute", host, ctr)
		}
	}
	if len(ps.errs) != before {
		return false
	}
	if len(bases) == 0 {
		d.From = DefaultFrom
	}
	if d.Dockerfile != "" && d.Context == "" {
		d.Context = filepath.Dir(d.Dockerfile)
	}
	if d.CopyDir != "" && len(d.PathMap) == 0 {
		d.PathMap = map[string]string{d.CopyDir: CopyTarget}
	}
	if (d.CopyDir != "" || d.CopyURL != "") && d.Workdir == "" {
		d.Workdir = CopyTarget
	}
	return true
}

// str reads a non-empty string scalar.
func (ps *parser) str(p pair, where string) string {
	if p.v.Kind != yaml.ScalarNode || p.v.Tag == "!!null" || p.v.Value == "" {
		ps.errorf(p.line, where, "%s: want a non-empty string", p.key)
		return ""
	}
	return p.v.Value
}

// lines reads a list of shell lines; a single string is one line.
func (ps *parser) lines(p pair, where string) []string {
	if p.v.Kind == yaml.ScalarNode && p.v.Tag == "!!str" {
		return []string{p.v.Value}
	}
	if p.v.Kind != yaml.SequenceNode {
		ps.errorf(p.line, where, "%s: want a list of shell lines", p.key)
		return nil
	}
	var out []string
	for _, item := range p.v.Content {
		item = ps.deref(item)
		if item.Kind != yaml.ScalarNode || item.Tag == "!!null" || strings.TrimSpace(item.Value) == "" {
			ps.errorf(item.Line, where, "%s: each item must be a non-empty shell line", p.key)
			continue
		}
		out = append(out, item.Value)
	}
	return out
}
