// Package pipeline defines Podium pipelines: Conducto's tree of serial,
// parallel and exec nodes, read from YAML files (pipelines/<name>.yml).
//
// # File shape
//
// A file is one YAML mapping. Its optional images: key declares named images;
// every other key belongs to the root node "/". A node is a mapping with
// exactly one kind key plus any parameter keys:
//
//	images:
//	  tools: {from: "busybox:latest", install: ["echo hi > /etc/tool"]}
//	image: tools              # root parameters sit beside the root kind key
//	env: {CI: "1"}
//	serial:                   # kind key; its value holds the children
//	  build: make build       # a bare string is an exec node
//	  test:
//	    parallel:             # children are "name: node"; file order is kept
//	      unit: {exec: "go test ./...", retries: 2}
//	      lint: {exec: "go vet ./..."}
//	    max_concurrent: 2
//	  fanout:
//	    lazy: ./gen-shards.sh # stdout is a YAML subtree, grafted with Graft
//	  deploy:
//	    exec: ./deploy.sh
//	    container_reuse: new
//
// Kind keys: serial and parallel take a mapping of children (null or {} is an
// empty group, which is allowed and finishes at once, like Conducto's empty
// Parallel under a Lazy); exec and lazy take the shell command. A bare string
// in a child position is shorthand for {exec: string}.
//
// Parameter keys: image, env, skip, stop_on_error, suppress_errors, max_time,
// max_concurrent, container_reuse, requires_docker, cpu, mem, retries, doc.
// See Params for what each means and which ones inherit.
//
// Children are mappings rather than lists because a name must be unique among
// its siblings anyway, and "name: node" reads best; the parser walks yaml.Node
// so the file's order is kept. Anchors and aliases work; merge keys (<<) do
// not.
package pipeline

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/podiumdev/podium/backend/readlimit"
)

// Kind is what a node does: run children in order or at once, run a command,
// or run a command whose output becomes more tree.
type Kind string

// Node kinds.
const (
	Serial   Kind = "serial"
	Parallel Kind = "parallel"
	Exec     Kind = "exec"
	// Lazy runs its command, then Graft attaches the YAML subtree it printed
	// as its one child (named GraftName), which then runs. It behaves like a
	// Conducto Lazy: Serial{Generate, Execute}.
	Lazy Kind = "lazy"
)

// Reuse says which container an exec node runs in (Conducto's
// container_reuse_context).
type Reuse string

// Container reuse modes.
const (
	// ReusePool runs the node in any pooled container with the same image and
	// resources; files may leak between unrelated nodes (Conducto's default
	// "global" reuse). Declaring it under a "new" node escapes that container.
	ReusePool Reuse = "pool"
	// ReuseNew gives the declaring node's subtree one fresh container that
	// all its execs share, one at a time even under a parallel (Conducto's
	// NEW). Node.ReuseScope finds the node that owns it.
	ReuseNew Reuse = "new"
	// ReuseIsolated runs every exec in its own fresh container.
	ReuseIsolated Reuse = "isolated"
)

// Defaults, from Conducto's node parameters.
const (
	DefaultMaxTime = 4 * time.Hour
	DefaultCPU     = 1.0
	DefaultMem     = 2.0 // GB
	DefaultReuse   = ReusePool
	// GraftName names the child a lazy node gets from Graft.
	GraftName = "execute"
	// maxDuration bounds max_time so conversions cannot overflow.
	maxDuration = 1000 * 24 * time.Hour
)

// Pipeline is one parsed pipeline file.
type Pipeline struct {
	Name string // from the file name: pipelines/ci.yml is "ci"
	File string // as given to Parse, used in error messages
	// Images holds the images: entries plus inline image definitions, which
	// are stored under "inline@<node path>" (a name users cannot write).
	Images map[string]ImageDef
	Root   *Node
}

// Node is one node of the tree. Declared holds what the file wrote; Params
// holds the effective values after defaults and inheritance, which is what a
// runner uses.
type Node struct {
	Name     string // "/" for the root
	Path     string // "/", "/test", "/test/unit"
	Kind     Kind
	Command  string // exec and lazy
	Children []*Node
	Parent   *Node // nil for the root
	// Line is the line of the node's name (of the kind key for the root);
	// for grafted nodes it is a line of the lazy command's output.
	Line     int
	Declared Declared
	Params   Params

	pipe *Pipeline
}

// Declared is the parameters a node sets itself; nil means unset.
type Declared struct {
	Image          *string
	Env            map[string]string // nil when env: is absent
	Skip           *bool
	StopOnError    *bool
	SuppressErrors *bool
	RequiresDocker *bool
	MaxTime        *time.Duration
	MaxConcurrent  *int
	Retries        *int
	Reuse          *Reuse
	CPU            *float64
	Mem            *float64
	Doc            *string
}

// Params is a node's effective parameters. Following Conducto, values that
// describe where and how an exec runs are defaults for the subtree: Image,
// Env (merged, the child's keys win), CPU, Mem, RequiresDocker, MaxTime,
// Reuse and Retries inherit. Values about the node itself do not: Skip
// (skipping a parent skips its subtree at run time, and unskipping it must
// bring the subtree back), StopOnError (serial only, default true),
// SuppressErrors, MaxConcurrent (a cap on the node's own descendants) and Doc.
type Params struct {
	Image          string // a key of Pipeline.Images; "" when nothing set one
	Env            map[string]string
	Skip           bool
	StopOnError    bool
	SuppressErrors bool
	RequiresDocker bool
	MaxTime        time.Duration
	MaxConcurrent  int // 0: no limit
	Retries        int // extra attempts after a failure
	Reuse          Reuse
	CPU            float64
	Mem            float64 // GB
	Doc            string
}

// Error is one problem in a pipeline file, located by line and node path.
type Error struct {
	File string
	Line int    // 0 when unknown
	Path string // node path, or "images/<name>"; may be empty
	Msg  string
}

// Errors is every problem found in a file, in line order.
type Errors []*Error

// walkSignal is a constant error type so SkipChildren can be a constant.
type walkSignal string

// SkipChildren, returned by a Walk callback, skips the node's children.
const SkipChildren = walkSignal("skip children")

func (e walkSignal) Error() string { return string(e) }

// Error formats as "file:line: path: msg", like a compiler.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Error joins the messages one per line.
func (es Errors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap lets errors.As find each *Error.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// ParseFile reads and parses a pipeline file; its name is the file's base
// name without the extension.
func ParseFile(path string) (*Pipeline, error) {
	data, err := readlimit.ReadFile(path)
	if err != nil {
		return nil, err
	}
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	return Parse(name, path, data)
}

// Parse parses a pipeline named name from data; file is used in error
// messages and as the base for relative image paths. The error, if any, is
// an Errors listing every problem found.
func Parse(name, file string, data []byte) (*Pipeline, error) {
	p := &Pipeline{Name: name, File: file, Images: map[string]ImageDef{}}
	ps := &parser{file: file, dir: filepath.Dir(file)}
	doc := ps.document(data)
	if doc != nil {
		images, root := ps.topLevel(doc)
		if images != nil {
			ps.images(images, p.Images)
		}
		if root != nil {
			p.Root = ps.node(root, nil, "/", "/", doc.Line, true)
		}
	}
	if p.Root == nil && len(ps.errs) == 0 {
		ps.errorf(1, "", "empty pipeline: want serial:, parallel:, exec: or lazy:")
	}
	if len(ps.errs) == 0 {
		ps.resolve(p, p.Root, nil)
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return p, nil
}

// Node finds a node by path. "/" is the root; empty segments are ignored,
// so "a//b" and "/a/b" are the same node.
func (p *Pipeline) Node(path string) (*Node, bool) {
	if p == nil || p.Root == nil {
		return nil, false
	}
	n := p.Root
	for seg := range strings.SplitSeq(path, "/") {
		if seg == "" {
			continue
		}
		i := slices.IndexFunc(n.Children, func(c *Node) bool { return c.Name == seg })
		if i < 0 {
			return nil, false
		}
		n = n.Children[i]
	}
	return n, true
}

// Walk calls fn on every node, parents before children, in file order. fn
// may return SkipChildren to prune, or any other error to stop; Walk returns
// that error.
func (p *Pipeline) Walk(fn func(n *Node) error) error {
	if p == nil || p.Root == nil {
		return nil
	}
	return walk(p.Root, fn)
}

func walk(n *Node, fn func(*Node) error) error {
	err := fn(n)
	if errors.Is(err, SkipChildren) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, c := range n.Children {
		if err := walk(c, fn); err != nil {
			return err
		}
	}
	return nil
}

// ReuseScope returns the node whose container this node runs in when its
// effective Reuse is ReuseNew: the nearest ancestor-or-self that declared
// container_reuse: new. It returns nil for pool and isolated nodes.
func (n *Node) ReuseScope() *Node {
	if n.Params.Reuse != ReuseNew {
		return nil
	}
	for m := n; m != nil; m = m.Parent {
		if m.Declared.Reuse != nil {
			return m
		}
	}
	return nil
}

// Graft parses yamlSubtree, the standard output of lazy node parent, and
// attaches it as parent's only child, named GraftName, replacing any earlier
// graft. The subtree has the shape of a pipeline file (images: allowed and
// merged into the pipeline; reusing a name with a different definition is an
// error). It inherits parameters from parent. On error nothing changes, and
// the messages name parent's path. Graft is not safe to call concurrently
// with anything else reading the pipeline.
func Graft(parent *Node, yamlSubtree []byte) error {
	if parent == nil || parent.pipe == nil {
		return errors.New("graft: node does not belong to a parsed pipeline")
	}
	if parent.Kind != Lazy {
		return &Error{File: parent.pipe.File, Line: parent.Line, Path: parent.Path,
			Msg: fmt.Sprintf("graft: a %s node cannot take a generated subtree, only a lazy one", parent.Kind)}
	}
	p := parent.pipe
	src := fmt.Sprintf("%s: output of lazy %s", p.File, parent.Path)
	ps := &parser{file: src, dir: filepath.Dir(p.File)}
	var root *Node
	images := map[string]ImageDef{}
	doc := ps.document(yamlSubtree)
	if doc != nil {
		img, rootMap := ps.topLevel(doc)
		if img != nil {
			ps.images(img, images)
		}
		for name, def := range images {
			if old, ok := p.Images[name]; ok && !old.equal(def) {
				ps.errorf(def.Line, "images/"+name, "image %q is already defined differently (line %d of %s)", name, old.Line, p.File)
			}
		}
		if rootMap != nil {
			root = ps.node(rootMap, parent, GraftName, childPath(parent.Path, GraftName), doc.Line, true)
		}
	}
	if root == nil && len(ps.errs) == 0 {
		ps.errorf(1, parent.Path, "empty output: want serial:, parallel:, exec: or lazy:")
	}
	if len(ps.errs) == 0 {
		// Resolve against a scratch pipeline so a failure leaves p alone.
		scratch := &Pipeline{Name: p.Name, File: p.File, Images: map[string]ImageDef{}}
		for k, v := range p.Images {
			scratch.Images[k] = v
		}
		for k, v := range images {
			scratch.Images[k] = v
		}
		ps.resolve(scratch, root, &parent.Params)
		if len(ps.errs) == 0 {
			p.Images = scratch.Images
			_ = walk(root, func(n *Node) error { n.pipe = p; return nil })
			parent.Children = []*Node{root}
		}
	}
	return ps.err()
}

// childPath joins a parent path and a child name.
func childPath(parent, name string) string {
	if parent == "/" {
		return "/" + name
	}
	return parent + "/" + name
}
