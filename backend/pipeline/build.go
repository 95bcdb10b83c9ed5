package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/readlimit"
)

// BuildEvent reports one stage of a pipeline image's build: its start, a line of the
// builder's output, or its end (cached or built).
type BuildEvent struct {
	Image  string // the image's name in images:
	Stage  string // base, install, copy
	Ref    string // the stage's image reference once known
	Line   string // a line of the builder's output
	Cached bool   // the stage's tag already existed: nothing was built
	Done   bool
}

// ImageBuilder builds pipeline images through the engine's classic builder. Each stage (the
// base, the install lines, the copied code) is tagged with a hash of its inputs (the Dockerfile,
// the lines, the copied directory's files) so an unchanged stage is never built twice, and a
// change of the code does not redo the installs.
type ImageBuilder struct {
	Engine   *docker.Engine
	Pipeline string
	// Labels go on every image built (tests mark theirs), besides dev.podium.pipeline.
	Labels   map[string]string
	Progress func(BuildEvent)
}

// imageRepo is where pipeline images are tagged: podium-image/<pipeline>-<image>:<stage>-<hash>.
const imageRepo = "podium-image/"

// Build returns a local reference to the image def describes, building what is missing.
func (b *ImageBuilder) Build(ctx context.Context, def ImageDef) (string, error) {
	ref, err := b.base(ctx, def)
	if err != nil {
		return "", fmt.Errorf("image %s: %w", def.Name, err)
	}
	if len(def.Install) > 0 {
		if ref, err = b.install(ctx, def, ref); err != nil {
			return "", fmt.Errorf("image %s: %w", def.Name, err)
		}
	}
	if def.CopyDir != "" || def.CopyURL != "" || def.Workdir != "" {
		if ref, err = b.copy(ctx, def, ref); err != nil {
			return "", fmt.Errorf("image %s: %w", def.Name, err)
		}
	}
	return ref, nil
}

// base is the image to build on: From (pulled if missing), or the user's Dockerfile built.
func (b *ImageBuilder) base(ctx context.Context, def ImageDef) (string, error) {
	if def.Dockerfile == "" && def.DockerfileText == "" {
		from := def.From
		if from == "" {
			from = DefaultFrom
		}
		ok, err := b.Engine.ImageExists(ctx, from)
		if err != nil {
			return "", err
		}
		b.emit(BuildEvent{Image: def.Name, Stage: "base", Ref: from, Cached: ok, Done: ok})
		if !ok {
			if err := b.Engine.Pull(ctx, from, nil); err != nil {
				return "", err
			}
			b.emit(BuildEvent{Image: def.Name, Stage: "base", Ref: from, Done: true})
		}
		return from, nil
	}
	text := def.DockerfileText
	ctxDir := def.Resolve(def.Context)
	if def.Dockerfile != "" {
		path := def.Resolve(def.Dockerfile)
		data, err := readlimit.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("dockerfile: %w", err)
		}
		text = string(data)
		if ctxDir == "" {
			ctxDir = filepath.Dir(path)
		}
	}
	h := sha256.New()
	fmt.Fprintf(h, "base\n%s\n", text)
	for _, k := range buildArgKeys(def.BuildArgs) {
		fmt.Fprintf(h, "arg %s=%s\n", k, def.BuildArgs[k])
	}
	if ctxDir != "" {
		if err := hashDir(h, ctxDir); err != nil {
			return "", err
		}
	}
	return b.stage(ctx, def, "base", h.Sum(nil), ctxDir, text, def.BuildArgs)
}

// install runs the install lines on top of the base, one RUN each.
func (b *ImageBuilder) install(ctx context.Context, def ImageDef, from string) (string, error) {
	id, err := b.Engine.ImageID(ctx, from)
	if err != nil {
		return "", err
	}
	var df strings.Builder
	fmt.Fprintf(&df, "FROM %s\n", from)
	for _, line := range def.Install {
		fmt.Fprintf(&df, "RUN %s\n", line)
	}
	h := sha256.New()
	fmt.Fprintf(h, "install\n%s\n%s", id, df.String())
	return b.stage(ctx, def, "install", h.Sum(nil), "", df.String(), nil)
}

// copy puts the code (copy_dir, or copy_url cloned at copy_branch) at CopyTarget and sets the
// working directory.
func (b *ImageBuilder) copy(ctx context.Context, def ImageDef, from string) (string, error) {
	id, err := b.Engine.ImageID(ctx, from)
	if err != nil {
		return "", err
	}
	dir := def.Resolve(def.CopyDir)
	if def.CopyURL != "" {
		tmp, err := os.MkdirTemp("", "podium-clone-")
		if err != nil {
			return "", err
		}
		defer os.RemoveAll(tmp)
		dir = filepath.Join(tmp, "src")
		cmd := exec.CommandContext(ctx, "git", "clone", "--depth", "1", "-b", def.CopyBranch, def.CopyURL, dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("clone %s at %s: %v: %s", def.CopyURL, def.CopyBranch, err, strings.TrimSpace(string(out)))
		}
		// The clone's history is not part of the code: hashing it would rebuild on every clone.
		if err := os.RemoveAll(filepath.Join(dir, ".git")); err != nil {
			return "", err
		}
	}
	workdir := def.Workdir
	var df strings.Builder
	fmt.Fprintf(&df, "FROM %s\n", from)
	if dir != "" {
		fmt.Fprintf(&df, "COPY . %s\n", CopyTarget)
		if workdir == "" {
			workdir = CopyTarget
		}
	}
	if workdir != "" {
		fmt.Fprintf(&df, "WORKDIR %s\n", workdir)
	}
	h := sha256.New()
	fmt.Fprintf(h, "copy\n%s\n%s", id, df.String())
	if dir != "" {
		if err := hashDir(h, dir); err != nil {
			return "", err
		}
	}
	return b.stage(ctx, def, "copy", h.Sum(nil), dir, df.String(), nil)
}

// stage builds dockerfile over ctxDir (may be empty) under a tag made of the stage's hash,
// unless that tag exists.
func (b *ImageBuilder) stage(ctx context.Context, def ImageDef, stage string, sum []byte, ctxDir, dockerfile string, args map[string]string) (string, error) {
	ref := fmt.Sprintf("%s%s-%s:%s-%s", imageRepo, tagPart(b.Pipeline), tagPart(def.Name), stage, hex.EncodeToString(sum)[:16])
	ok, err := b.Engine.ImageExists(ctx, ref)
	if err != nil {
		return "", err
	}
	if ok {
		b.emit(BuildEvent{Image: def.Name, Stage: stage, Ref: ref, Cached: true, Done: true})
		return ref, nil
	}
	b.emit(BuildEvent{Image: def.Name, Stage: stage, Ref: ref})
	var buf bytes.Buffer
	if err := buildContext(&buf, ctxDir, dockerfile); err != nil {
		return "", err
	}
	labels := map[string]string{docker.LabelPipeline: b.Pipeline}
	for k, v := range b.Labels {
		labels[k] = v
	}
	_, err = b.Engine.Build(ctx, docker.BuildSpec{Context: &buf, Dockerfile: contextDockerfile, Tags: []string{ref}, BuildArgs: args, Labels: labels},
		func(p docker.Progress) {
			if p.Status != "" {
				b.emit(BuildEvent{Image: def.Name, Stage: stage, Ref: ref, Line: p.Status})
			}
		})
	if err != nil {
		return "", fmt.Errorf("%s stage: %w", stage, err)
	}
	b.emit(BuildEvent{Image: def.Name, Stage: stage, Ref: ref, Done: true})
	return ref, nil
}

func (b *ImageBuilder) emit(e BuildEvent) {
	if b.Progress != nil {
		b.Progress(e)
	}
}

// contextDockerfile is the name the generated Dockerfile takes inside a build context, out of
// the way of a Dockerfile the copied code may have.
const contextDockerfile = ".podium.Dockerfile"

// buildContext writes a tar of dir (if any) plus the generated Dockerfile.
func buildContext(w io.Writer, dir, dockerfile string) error {
	return docker.TarContext(dir, map[string]string{contextDockerfile: dockerfile}, w)
}

// hashDir adds a directory's files (paths, modes, contents, link targets) to h, in a stable
// order, so the same code gives the same hash wherever it lies.
func hashDir(h io.Writer, dir string) error {
	var paths []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		paths = append(paths, path)
		return nil
	})
	if err != nil {
		return fmt.Errorf("hash %s: %w", dir, err)
	}
	sort.Strings(paths)
	for _, path := range paths {
		info, err := os.Lstat(path)
		if err != nil {
			return fmt.Errorf("hash %s: %w", path, err)
		}
		rel, _ := filepath.Rel(dir, path)
		fmt.Fprintf(h, "%s %o\n", filepath.ToSlash(rel), info.Mode())
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(path)
			fmt.Fprintf(h, "-> %s\n", target)
		case info.Mode().IsRegular():
			f, err := os.Open(path)
			if err != nil {
				return fmt.Errorf("hash %s: %w", path, err)
			}
			_, err = io.Copy(h, f)
			f.Close()
			if err != nil {
				return fmt.Errorf("hash %s: %w", path, err)
			}
		}
	}
	return nil
}

// tagPart makes a name safe inside an image reference (lowercase, [a-z0-9._-]).
func tagPart(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	if b.Len() == 0 {
		return "x"
	}
	return b.String()
}

func buildArgKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
