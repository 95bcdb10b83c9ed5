package compose

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
)

// applyVolumes maps volumes:, and file-based secrets and configs, as Compose does: bind mounts
// and plain named volumes as Binds (the engine creates a missing bind source only this way),
// the rest as Mounts; anonymous volumes as Config.Volumes unless a replaced container's volume
// is inherited.
func applyVolumes(p *types.Project, s types.ServiceConfig, opts SpecOptions, cfg *container.Config, h *container.HostConfig) error {
	for _, v := range s.Volumes {
		switch v.Type {
		case types.VolumeTypeBind:
			src := v.Source
			if !filepath.IsAbs(src) {
				src = filepath.Join(p.WorkingDir, src)
			}
			if !bindNeedsMountAPI(v.Bind) {
				h.Binds = append(h.Binds, bindString(src, v))
				continue
			}
			h.Mounts = append(h.Mounts, bindMount(src, v))
		case types.VolumeTypeVolume, "":
			if v.Source == "" {
				if name := opts.InheritVolumes[v.Target]; name != "" {
					h.Binds = append(h.Binds, bindString(name, v))
					continue
				}
				if cfg.Volumes == nil {
					cfg.Volumes = map[string]struct{}{}
				}
				cfg.Volumes[v.Target] = struct{}{}
				continue
			}
			def, ok := p.Volumes[v.Source]
			if !ok {
				return fmt.Errorf("volumes: %s is not a volume of project %s", v.Source, p.Name)
			}
			name := def.Name
			if name == "" {
				name = p.Name + "_" + v.Source
			}
			if !volumeNeedsMountAPI(v.Volume) {
				h.Binds = append(h.Binds, bindString(name, v))
				continue
			}
			m := mount.Mount{Type: mount.TypeVolume, Source: name, Target: v.Target, ReadOnly: v.ReadOnly,
				VolumeOptions: &mount.VolumeOptions{NoCopy: v.Volume.NoCopy, Labels: v.Volume.Labels, Subpath: v.Volume.Subpath}}
			h.Mounts = append(h.Mounts, m)
		case types.VolumeTypeTmpfs:
			m := mount.Mount{Type: mount.TypeTmpfs, Target: v.Target, ReadOnly: v.ReadOnly}
			if v.Tmpfs != nil {
				m.TmpfsOptions = &mount.TmpfsOptions{SizeBytes: int64(v.Tmpfs.Size), Mode: os.FileMode(v.Tmpfs.Mode)}
			}
			h.Mounts = append(h.Mounts, m)
		default:
			return fmt.Errorf("volumes: %s: volume type %q is not supported", v.Target, v.Type)
		}
	}
	for _, sec := range s.Secrets {
		target := sec.Target
		if target == "" {
			target = sec.Source
		}
		if !path.IsAbs(target) {
			target = "/run/secrets/" + target
		}
		h.Mounts = append(h.Mounts, fileMount(p, p.Secrets[sec.Source].File, target))
	}
	for _, c := range s.Configs {
		target := c.Target
		if target == "" {
			target = "/" + c.Source
		}
		h.Mounts = append(h.Mounts, fileMount(p, p.Configs[c.Source].File, target))
	}
	return nil
}

// bindNeedsMountAPI: the Binds string cannot say "do not create the source", a propagation mode
// Compose passes through the mount API, or recursive read-only options.
func bindNeedsMountAPI(b *types.ServiceVolumeBind) bool {
	return b != nil && (!bool(b.CreateHostPath) || b.Propagation != "" || b.Recursive != "")
}

// volumeNeedsMountAPI: labels, a subpath and nocopy need the mount API.
func volumeNeedsMountAPI(v *types.ServiceVolumeVolume) bool {
	return v != nil && (len(v.Labels) > 0 || v.Subpath != "" || v.NoCopy)
}

// bindString is the engine's "source:target:options" volume syntax, as Compose writes it.
func bindString(source string, v types.ServiceVolumeConfig) string {
	opts := []string{"rw"}
	if v.ReadOnly {
		opts[0] = "ro"
	}
	if v.Bind != nil && v.Bind.SELinux != "" {
		opts = append(opts, v.Bind.SELinux)
	}
	if v.Bind != nil && v.Bind.Propagation != "" {
		opts = append(opts, v.Bind.Propagation)
	}
	if v.Volume != nil && v.Volume.NoCopy {
		opts = append(opts, "nocopy")
	}
	return source + ":" + v.Target + ":" + strings.Join(opts, ",")
}

func bindMount(src string, v types.ServiceVolumeConfig) mount.Mount {
	m := mount.Mount{Type: mount.TypeBind, Source: src, Target: v.Target, ReadOnly: v.ReadOnly}
	if b := v.Bind; b != nil {
		m.BindOptions = &mount.BindOptions{
			Propagation:            mount.Propagation(b.Propagation),
			CreateMountpoint:       bool(b.CreateHostPath),
			NonRecursive:           b.Recursive == "disabled",
			ReadOnlyNonRecursive:   b.Recursive == "writable",
			ReadOnlyForceRecursive: b.Recursive == "readonly",
		}
	}
	return m
}

// fileMount mounts a file-based secret or config read-only, as Compose does.
func fileMount(p *types.Project, file, target string) mount.Mount {
	if !filepath.IsAbs(file) {
		file = filepath.Join(p.WorkingDir, file)
	}
	return mount.Mount{Type: mount.TypeBind, Source: file, Target: target, ReadOnly: true}
}
