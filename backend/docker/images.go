package docker

import (
	"archive/tar"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/client"
)

// Progress is one line of a pull or build: a layer's status, a build step's output, or an error.
type Progress struct {
	ID      string // layer id for pulls, "" for build output
	Status  string // "Downloading", "Pull complete", or a build output line
	Current int64
	Total   int64
}

// ImageExists reports whether the engine has ref locally.
func (e *Engine) ImageExists(ctx context.Context, ref string) (bool, error) {
	_, err := e.cli.ImageInspect(ctx, ref)
	if err == nil {
		return true, nil
	}
	if IsNotFound(err) {
		return false, nil
	}
	return false, fmt.Errorf("inspect image %s: %w", ref, err)
}

// ImageID returns the local image's id (sha256:…).
func (e *Engine) ImageID(ctx context.Context, ref string) (string, error) {
	res, err := e.cli.ImageInspect(ctx, ref)
	if err != nil {
		return "", fmt.Errorf("inspect image %s: %w", ref, err)
	}
	return res.ID, nil
}

// Pull fetches ref from its registry, reporting each progress message to progress (may be nil).
// When no registry can be reached the error says so and names the image.
func (e *Engine) Pull(ctx context.Context, ref string, progress func(Progress)) error {
	resp, err := e.cli.ImagePull(ctx, ref, client.ImagePullOptions{})
	if err != nil {
		return pullError(ref, err)
	}
	defer resp.Close()
	for m, err := range resp.JSONMessages(ctx) {
		if err != nil {
			return pullError(ref, err)
		}
		if m.Error != nil {
			return pullError(ref, errors.New(m.Error.Message))
		}
		if progress != nil {
			progress(toProgress(m))
		}
	}
	return nil
}

// pullError names the image, and says plainly when the engine could not reach the registry at
// all. The engine words that as, for example:
//
//	Get "http://localhost:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused
//	Get "https://registry.invalid.example/v2/": dial tcp: lookup registry.invalid.example on 10.0.0.53:53: no such host
func pullError(ref string, err error) error {
	msg := strings.ToLower(err.Error())
	for _, s := range []string{
		"dial tcp", "dial udp", "no such host", "i/o timeout", "connection refused", "connection reset",
		"tls handshake", "network is unreachable", "no route to host", "server misbehaving",
		"temporary failure in name resolution", "request canceled while waiting",
		"client.timeout exceeded", "proxyconnect",
	} {
		if strings.Contains(msg, s) {
			return fmt.Errorf("pull image %s: registry unreachable (no network access to the registry; build or load the image locally): %w", ref, err)
		}
	}
	return fmt.Errorf("pull image %s: %w", ref, err)
}

func toProgress(m jsonstream.Message) Progress {
	p := Progress{ID: m.ID, Status: strings.TrimRight(m.Status+m.Stream, "\n")}
	if m.Progress != nil {
		p.Current, p.Total = m.Progress.Current, m.Progress.Total
	}
	return p
}

// BuildSpec describes an image build with the engine's classic builder.
type BuildSpec struct {
	// ContextDir is a directory sent as the build context. Either it or Context is set.
	ContextDir string
	// Context is a tar stream of the build context.
	Context io.Reader
	// Dockerfile is the path of the Dockerfile inside the context (default "Dockerfile").
	Dockerfile string
	Tags       []string
	BuildArgs  map[string]string
	Labels     map[string]string
	Target     string
	NoCache    bool
}

// Build builds an image through the Engine API and returns its id. Each output line of the
// build goes to progress (may be nil); a failing step's message is in the error.
func (e *Engine) Build(ctx context.Context, spec BuildSpec, progress func(Progress)) (string, error) {
	name := strings.Join(spec.Tags, ",")
	if name == "" {
		name = spec.ContextDir
	}
	ctxReader := spec.Context
	if ctxReader == nil {
		if spec.ContextDir == "" {
			return "", fmt.Errorf("build image %s: no build context", name)
		}
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(TarDir(spec.ContextDir, pw)) }()
		defer pr.Close()
		ctxReader = pr
	}
	args := map[string]*string{}
	for k, v := range spec.BuildArgs {
		args[k] = &v
	}
	res, err := e.cli.ImageBuild(ctx, ctxReader, client.ImageBuildOptions{
		Tags: spec.Tags, Dockerfile: spec.Dockerfile, BuildArgs: args, Labels: spec.Labels,
		Target: spec.Target, NoCache: spec.NoCache, Remove: true, ForceRemove: true,
		Version: build.BuilderV1,
	})
	if err != nil {
		return "", fmt.Errorf("build image %s: %w", name, err)
	}
	defer res.Body.Close()
	var id string
	dec := json.NewDecoder(res.Body)
	for {
		var m jsonstream.Message
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return "", fmt.Errorf("build image %s: read progress: %w", name, err)
		}
		if m.Error != nil {
			return "", fmt.Errorf("build image %s: %s", name, strings.TrimSpace(m.Error.Message))
		}
		if m.Aux != nil {
			var aux struct{ ID string }
			if json.Unmarshal(*m.Aux, &aux) == nil && aux.ID != "" {
				id = aux.ID
			}
		}
		if progress != nil && (m.Stream != "" || m.Status != "") {
			for _, line := range strings.Split(strings.TrimRight(m.Stream+m.Status, "\n"), "\n") {
				progress(Progress{ID: m.ID, Status: line})
			}
		}
	}
	if id == "" && len(spec.Tags) > 0 {
		return e.ImageID(ctx, spec.Tags[0])
	}
	if id == "" {
		return "", fmt.Errorf("build image %s: the engine reported no image id", name)
	}
	return id, nil
}

// ImportOptions describe an image made from a root filesystem tarball.
type ImportOptions struct {
	Changes []string // Dockerfile instructions applied on import, e.g. `CMD ["sh"]`
	Message string
}

// Import creates image ref from a tarball of a root filesystem (docker import).
func (e *Engine) Import(ctx context.Context, rootfs io.Reader, ref string, opts ImportOptions) error {
	res, err := e.cli.ImageImport(ctx, client.ImageImportSource{Source: rootfs, SourceName: "-"}, ref,
		client.ImageImportOptions{Changes: opts.Changes, Message: opts.Message})
	if err != nil {
		return fmt.Errorf("import image %s: %w", ref, err)
	}
	defer res.Close()
	dec := json.NewDecoder(res)
	for {
		var m jsonstream.Message
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("import image %s: %w", ref, err)
		}
		if m.Error != nil {
			return fmt.Errorf("import image %s: %s", ref, m.Error.Message)
		}
	}
}

// RemoveImage deletes a local image. A missing image is not an error.
func (e *Engine) RemoveImage(ctx context.Context, ref string, force bool) error {
	if _, err := e.cli.ImageRemove(ctx, ref, client.ImageRemoveOptions{Force: force, PruneChildren: true}); err != nil && !IsNotFound(err) {
		return fmt.Errorf("remove image %s: %w", ref, err)
	}
	return nil
}

// TarDir writes dir as a tar stream, with paths relative to dir, for a build context.
// Symlinks are stored as links; modes and modification times are kept; sockets are skipped.
// A .dockerignore file is not applied.
func TarDir(dir string, w io.Writer) error { return TarContext(dir, nil, w) }

// TarContext is TarDir (dir may be "" for none) with extra files added after it, by name: a
// generated Dockerfile, say.
func TarContext(dir string, extra map[string]string, w io.Writer) error {
	tw := tar.NewWriter(w)
	err := walkContext(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil || rel == "." {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Mode()&fs.ModeSocket != 0 {
			return nil // tar has no sockets; the docker CLI skips them too
		}
		link := ""
		if info.Mode()&fs.ModeSymlink != 0 {
			if link, err = os.Readlink(path); err != nil {
				return err
			}
		}
		hdr, err := tar.FileInfoHeader(info, link)
		if err != nil {
			return err
		}
		hdr.Name = filepath.ToSlash(rel)
		if d.IsDir() {
			hdr.Name += "/"
		}
		hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = 0, 0, "", ""
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if info.Mode().IsRegular() {
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			_, err = io.Copy(tw, f)
			f.Close()
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("tar build context %s: %w", dir, err)
	}
	names := make([]string, 0, len(extra))
	for name := range extra {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		body := extra[name]
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), ModTime: time.Unix(0, 0)}); err != nil {
			return fmt.Errorf("tar build context: %s: %w", name, err)
		}
		if _, err := io.WriteString(tw, body); err != nil {
			return fmt.Errorf("tar build context: %s: %w", name, err)
		}
	}
	return tw.Close()
}

// walkContext walks dir, or nothing when dir is "" (a context of generated files only).
func walkContext(dir string, fn fs.WalkDirFunc) error {
	if dir == "" {
		return nil
	}
	return filepath.WalkDir(dir, fn)
}

// Images lists local image references (tags, or ids for untagged images) carrying every label filter.
func (e *Engine) Images(ctx context.Context, labels ...string) ([]string, error) {
	f := labelFilters(labels)
	res, err := e.cli.ImageList(ctx, client.ImageListOptions{Filters: f})
	if err != nil {
		return nil, fmt.Errorf("list images (labels %v): %w", labels, err)
	}
	var out []string
	for _, im := range res.Items {
		// API 1.41 lists an untagged image with the placeholder tag "<none>:<none>", which
		// names nothing; the id does.
		tagged := false
		for _, t := range im.RepoTags {
			if t != "" && t != "<none>:<none>" {
				out = append(out, t)
				tagged = true
			}
		}
		if !tagged {
			out = append(out, im.ID)
		}
	}
	return out, nil
}
