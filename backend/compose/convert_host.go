package compose

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/blkiodev"
	"github.com/moby/moby/api/types/container"

	"github.com/podiumdev/podium/backend/readlimit"
)

// hostConfig maps everything of HostConfig but ports, volumes and networks.
func hostConfig(p *types.Project, s types.ServiceConfig, opts SpecOptions) (*container.HostConfig, error) {
	h := &container.HostConfig{
		CapAdd:         s.CapAdd,
		CapDrop:        s.CapDrop,
		Init:           s.Init,
		CgroupnsMode:   container.CgroupnsMode(s.Cgroup),
		ReadonlyRootfs: s.ReadOnly,
		RestartPolicy:  restartPolicy(s),
		ShmSize:        int64(s.ShmSize),
		Sysctls:        s.Sysctls,
		Resources:      resources(s),
		VolumeDriver:   s.VolumeDriver,
		DNSSearch:      s.DNSSearch,
		DNSOptions:     s.DNSOpts,
		StorageOpt:     s.StorageOpt,
		UsernsMode:     container.UsernsMode(s.UserNSMode),
		Privileged:     s.Privileged,
		Isolation:      container.Isolation(s.Isolation),
		Runtime:        s.Runtime,
		LogConfig:      logConfig(s),
		GroupAdd:       s.GroupAdd,
		OomScoreAdj:    int(s.OomScoreAdj),
		Annotations:    s.Annotations,
	}
	var err error
	if h.IpcMode, err = namespaceMode[container.IpcMode](s.Ipc, "ipc", opts); err != nil {
		return nil, err
	}
	if h.PidMode, err = namespaceMode[container.PidMode](s.Pid, "pid", opts); err != nil {
		return nil, err
	}
	if h.UTSMode, err = namespaceMode[container.UTSMode](s.Uts, "uts", opts); err != nil {
		return nil, err
	}
	for _, d := range s.DNS {
		a, err := netip.ParseAddr(d)
		if err != nil {
			return nil, fmt.Errorf("dns %q: %w", d, err)
		}
		h.DNS = append(h.DNS, a)
	}
	h.ExtraHosts = s.ExtraHosts.AsList(":")
	sort.Strings(h.ExtraHosts)
	for _, from := range s.VolumesFrom {
		ref, err := volumesFrom(from, opts)
		if err != nil {
			return nil, err
		}
		h.VolumesFrom = append(h.VolumesFrom, ref)
	}
	if len(s.Tmpfs) > 0 {
		h.Tmpfs = map[string]string{}
		for _, t := range s.Tmpfs {
			path, options, _ := strings.Cut(t, ":")
			h.Tmpfs[path] = options
		}
	}
	unconfined := false
	if h.SecurityOpt, unconfined, err = securityOpts(p, s.SecurityOpt); err != nil {
		return nil, err
	}
	if unconfined {
		h.MaskedPaths, h.ReadonlyPaths = []string{}, []string{}
	}
	return h, nil
}

// namespaceMode maps ipc/pid, where "service:x" names a container of service x.
func namespaceMode[T ~string](v, key string, opts SpecOptions) (T, error) {
	svc, ok := strings.CutPrefix(v, types.ServicePrefix)
	if !ok {
		return T(v), nil
	}
	id := opts.Containers[svc]
	if id == "" {
		return "", fmt.Errorf("%s: service:%s has no container", key, svc)
	}
	return T(types.ContainerPrefix + id), nil
}

// volumesFrom maps "service[:ro|rw]" and "container:name[:ro|rw]" to the engine's
// "container[:mode]".
func volumesFrom(v string, opts SpecOptions) (string, error) {
	if rest, ok := strings.CutPrefix(v, types.ContainerPrefix); ok {
		return rest, nil
	}
	svc, mode, _ := strings.Cut(v, ":")
	id := opts.Containers[svc]
	if id == "" {
		return "", fmt.Errorf("volumes_from: service %s has no container", svc)
	}
	if mode != "" {
		return id + ":" + mode, nil
	}
	return id, nil
}

// restartPolicy maps restart:, overridden by deploy.restart_policy, as Compose does.
func restartPolicy(s types.ServiceConfig) container.RestartPolicy {
	var out container.RestartPolicy
	if s.Restart != "" {
		name, count, _ := strings.Cut(s.Restart, ":")
		n, _ := strconv.Atoi(count)
		out = container.RestartPolicy{Name: restartMode(name), MaximumRetryCount: n}
	}
	if s.Deploy != nil && s.Deploy.RestartPolicy != nil {
		rp := s.Deploy.RestartPolicy
		n := 0
		if rp.MaxAttempts != nil {
			n = int(*rp.MaxAttempts)
		}
		out = container.RestartPolicy{Name: restartMode(rp.Condition), MaximumRetryCount: n}
	}
	return out
}

func restartMode(c string) container.RestartPolicyMode {
	switch c {
	case "none", "no":
		return container.RestartPolicyDisabled
	case "any", "always":
		return container.RestartPolicyAlways
	}
	return container.RestartPolicyMode(c)
}

// resources maps limits: the service's own keys, then deploy.resources, which win.
func resources(s types.ServiceConfig) container.Resources {
	r := container.Resources{
		CgroupParent:       s.CgroupParent,
		Memory:             int64(s.MemLimit),
		MemorySwap:         int64(s.MemSwapLimit),
		MemoryReservation:  int64(s.MemReservation),
		CPUCount:           s.CPUCount,
		CPUPeriod:          s.CPUPeriod,
		CPUQuota:           s.CPUQuota,
		CPURealtimePeriod:  s.CPURTPeriod,
		CPURealtimeRuntime: s.CPURTRuntime,
		CPUShares:          s.CPUShares,
		NanoCPUs:           int64(s.CPUS * 1e9),
		CPUPercent:         int64(s.CPUPercent * 100),
		CpusetCpus:         s.CPUSet,
		DeviceCgroupRules:  s.DeviceCgroupRules,
	}
	if s.OomKillDisable {
		t := true
		r.OomKillDisable = &t
	}
	if s.MemSwappiness != 0 {
		v := int64(s.MemSwappiness)
		r.MemorySwappiness = &v
	}
	if s.PidsLimit != 0 {
		v := s.PidsLimit
		r.PidsLimit = &v
	}
	if b := s.BlkioConfig; b != nil {
		r.BlkioWeight = b.Weight
		for _, w := range b.WeightDevice {
			r.BlkioWeightDevice = append(r.BlkioWeightDevice, &blkiodev.WeightDevice{Path: w.Path, Weight: w.Weight})
		}
		throttle := func(in []types.ThrottleDevice) []*blkiodev.ThrottleDevice {
			var out []*blkiodev.ThrottleDevice
			for _, t := range in {
				out = append(out, &blkiodev.ThrottleDevice{Path: t.Path, Rate: uint64(t.Rate)})
			}
			return out
		}
		r.BlkioDeviceReadBps = throttle(b.DeviceReadBps)
		r.BlkioDeviceWriteBps = throttle(b.DeviceWriteBps)
		r.BlkioDeviceReadIOps = throttle(b.DeviceReadIOps)
		r.BlkioDeviceWriteIOps = throttle(b.DeviceWriteIOps)
	}
	if s.Deploy != nil {
		if l := s.Deploy.Resources.Limits; l != nil {
			if l.MemoryBytes != 0 {
				r.Memory = int64(l.MemoryBytes)
			}
			if l.NanoCPUs != 0 {
				r.NanoCPUs = int64(l.NanoCPUs * 1e9)
			}
			if l.Pids > 0 {
				v := l.Pids
				r.PidsLimit = &v
			}
		}
		if res := s.Deploy.Resources.Reservations; res != nil && res.MemoryBytes != 0 {
			r.MemoryReservation = int64(res.MemoryBytes)
		}
	}
	for _, d := range s.Devices {
		target, perms := d.Target, d.Permissions
		if target == "" {
			target = d.Source
		}
		if perms == "" {
			perms = "rwm"
		}
		r.Devices = append(r.Devices, container.DeviceMapping{PathOnHost: d.Source, PathInContainer: target, CgroupPermissions: perms})
	}
	names := make([]string, 0, len(s.Ulimits))
	for n := range s.Ulimits {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		u := s.Ulimits[n]
		if u == nil {
			continue
		}
		soft, hard := int64(u.Soft), int64(u.Hard)
		if u.Single != 0 {
			soft, hard = int64(u.Single), int64(u.Single)
		}
		r.Ulimits = append(r.Ulimits, &container.Ulimit{Name: n, Soft: soft, Hard: hard})
	}
	return r
}

// logConfig maps logging:, or the legacy log_driver/log_opt.
func logConfig(s types.ServiceConfig) container.LogConfig {
	lc := container.LogConfig{Type: s.LogDriver, Config: s.LogOpt}
	if s.Logging != nil {
		if s.Logging.Driver != "" {
			lc.Type = s.Logging.Driver
		}
		if len(s.Logging.Options) > 0 {
			lc.Config = map[string]string(s.Logging.Options)
		}
	}
	return lc
}

// securityOpts passes security_opt through, reading a seccomp profile file into its JSON as
// the engine wants it, and reports systempaths=unconfined, which is a HostConfig setting.
func securityOpts(p *types.Project, in []string) ([]string, bool, error) {
	var out []string
	unconfined := false
	for _, opt := range in {
		if opt == "systempaths=unconfined" {
			unconfined = true
			continue
		}
		key, val, ok := strings.Cut(opt, "=")
		if !ok && opt != "no-new-privileges" {
			key, val, ok = strings.Cut(opt, ":")
			if !ok {
				return nil, false, fmt.Errorf("security_opt %q: want key=value", opt)
			}
		}
		if key != "seccomp" || val == "unconfined" || val == "builtin" {
			out = append(out, opt)
			continue
		}
		path := val
		if !filepath.IsAbs(path) {
			path = filepath.Join(p.WorkingDir, path)
		}
		raw, err := readlimit.ReadFile(path)
		if err != nil {
			return nil, false, fmt.Errorf("security_opt seccomp profile: %w", err)
		}
		var b bytes.Buffer
		if err := json.Compact(&b, raw); err != nil {
			return nil, false, fmt.Errorf("security_opt seccomp profile %s: %w", path, err)
		}
		out = append(out, "seccomp="+b.String())
	}
	return out, unconfined, nil
}
