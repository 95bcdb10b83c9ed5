package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/moby/moby/api/types/container"

	"github.com/podiumdev/podium/backend/docker"
)

// DebugOptions shape a debugging session.
type DebugOptions struct {
	// Live bind-mounts the image's code (copy_dir, or path_map) from the host, so edits on the
	// host show inside and persist after the session.
	Live bool
	// Labels go on the debugging container (tests mark theirs).
	Labels map[string]string
}

// DebugSession is a shell in a fresh container with a node's image, env and command, the
// command ready in /podium/cmd.sh. It has tea.ExecCommand's method set; the container is
// created when it runs and removed when the shell ends.
type DebugSession struct {
	eng    *docker.Engine
	ctx    context.Context
	cfg    *container.Config
	host   *container.HostConfig
	script string
	node   string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// debugScript is where the node's command waits in the debugging container.
const debugScript = "/podium/cmd.sh"

// Debug prepares a session for node path of run: the image the node ran with (or, when the run
// did not record one, the image its definition builds now), its environment, and the command
// as this run has it (a command modified for the run included).
func Debug(ctx context.Context, e *docker.Engine, run *Run, nodePath string, opts DebugOptions) (*DebugSession, error) {
	what := fmt.Sprintf("debug %s in run %s", nodePath, run.ID)
	nr, err := run.Node(nodePath)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	p, err := Parse(run.Pipeline, run.File, run.Definition)
	if err != nil {
		return nil, fmt.Errorf("%s: the run's pipeline: %w", what, err)
	}
	n := definedAncestor(p, nodePath)
	if n == nil {
		return nil, fmt.Errorf("%s: no such node in the run's pipeline", what)
	}
	command := nr.Command
	if command == "" {
		command = n.Command
	}
	if command == "" {
		return nil, fmt.Errorf("%s: it is a %s node; debug one of its exec nodes", what, nr.Kind)
	}
	def, ok := p.Images[n.Params.Image]
	if !ok {
		def = ImageDef{Name: "default", From: DefaultFrom}
	}
	// The exact image the node ran with, when the run recorded it and it still exists; else
	// the image as its definition builds now.
	ref := nr.Image
	if ref != "" {
		if ok, err := e.ImageExists(ctx, ref); err != nil || !ok {
			ref = ""
		}
	}
	if ref == "" {
		b := &ImageBuilder{Engine: e, Pipeline: run.Pipeline}
		if ref, err = b.Build(ctx, def); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
	}
	env := map[string]string{}
	for k, v := range n.Params.Env {
		env[k] = v
	}
	for k, v := range nr.Env {
		env[k] = v
	}
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var envList []string
	for _, k := range keys {
		envList = append(envList, k+"="+env[k])
	}
	labels := map[string]string{docker.LabelPipeline: run.Pipeline, docker.LabelRun: run.ID, docker.LabelNode: nodePath}
	for k, v := range opts.Labels {
		labels[k] = v
	}
	host := &container.HostConfig{Init: boolPtr(true)}
	if opts.Live {
		binds, err := liveBinds(def)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		host.Binds = binds
	}
	return &DebugSession{
		eng: e, ctx: ctx, node: nodePath, script: "#!/bin/sh\n" + command + "\n", host: host,
		cfg: &container.Config{
			Image: ref, Env: envList, Labels: labels, Tty: false,
			Cmd: []string{"sh", "-c", "trap 'exit 0' TERM; while :; do sleep 3600; done"},
		},
	}, nil
}

// definedAncestor is the node at nodePath, or for a node grafted by a lazy node (absent from
// the file) the nearest ancestor the file defines, whose image and env it inherited.
func definedAncestor(p *Pipeline, nodePath string) *Node {
	for q := nodePath; ; q = path.Dir(q) {
		if n, ok := p.Node(q); ok {
			return n
		}
		if q == "/" || q == "." {
			return nil
		}
	}
}

// liveBinds mounts the image's code from the host: path_map, or copy_dir at CopyTarget.
func liveBinds(def ImageDef) ([]string, error) {
	var binds []string
	for hostPath, ctrPath := range def.PathMap {
		binds = append(binds, def.Resolve(hostPath)+":"+ctrPath)
	}
	if len(binds) == 0 && def.CopyDir != "" {
		binds = append(binds, def.Resolve(def.CopyDir)+":"+CopyTarget)
	}
	if len(binds) == 0 {
		return nil, fmt.Errorf("cannot live-debug: image %s has neither copy_dir nor path_map", def.Name)
	}
	sort.Strings(binds)
	return binds, nil
}

func boolPtr(b bool) *bool { return &b }

func (s *DebugSession) SetStdin(r io.Reader)  { s.stdin = r }
func (s *DebugSession) SetStdout(w io.Writer) { s.stdout = w }
func (s *DebugSession) SetStderr(w io.Writer) { s.stderr = w }

// Run creates the container, writes the command to /podium/cmd.sh, opens a shell (bash when
// the image has it, else sh) and removes the container when the shell ends.
func (s *DebugSession) Run() error {
	what := "debug " + s.node
	id, err := s.eng.Create(s.ctx, docker.CreateSpec{Config: s.cfg, HostConfig: s.host})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer func() { _ = s.eng.Remove(context.WithoutCancel(s.ctx), id, docker.RemoveOptions{Force: true}) }()
	if err := s.eng.Start(s.ctx, id); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	res, err := s.eng.Exec(s.ctx, id, docker.ExecOptions{
		Cmd:   []string{"sh", "-c", "mkdir -p /podium && cat > " + debugScript + " && chmod +x " + debugScript},
		Stdin: strings.NewReader(s.script),
	})
	if err != nil || res.ExitCode != 0 {
		return fmt.Errorf("%s: write %s: %v %s", what, debugScript, err, strings.TrimSpace(res.Stderr))
	}
	if s.stdout != nil {
		fmt.Fprintf(s.stdout, "Debugging %s: its command is in %s (run it with %s). Exit the shell to end.\r\n", s.node, debugScript, debugScript)
	}
	x := s.eng.Interactive(s.ctx, id, docker.InteractiveOptions{Env: s.cfg.Env})
	x.SetStdin(s.stdin)
	x.SetStdout(s.stdout)
	x.SetStderr(s.stderr)
	err = x.Run()
	var exit docker.ExitError
	if errors.As(err, &exit) {
		return nil // the shell's own exit code is the user's business, not a debugging failure
	}
	return err
}
