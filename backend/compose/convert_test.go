package compose

import (
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"

	"github.com/podiumdev/podium/backend/docker"
)

const convertYAML = `
services:
  web:
    image: busybox:latest
    command: ["httpd", "-f", "-p", "8080"]
    entrypoint: /bin/sh -c
    environment:
      B: two
      A: one
      UNSET:
    env_file: [web.env]
    labels:
      io.fdy.cage.shell: /bin/sh
      com.docker.compose.project: spoofed
    working_dir: /srv
    user: "1000:1000"
    hostname: webhost
    domainname: example.test
    tty: true
    stdin_open: true
    stop_signal: SIGINT
    stop_grace_period: 3s
    healthcheck:
      test: ["CMD", "true"]
      interval: 500ms
      timeout: 1s
      retries: 4
      start_period: 2s
      start_interval: 100ms
    ports:
      - "127.0.0.1:18080:8080"
      - "9000-9001:9000-9001/udp"
      - "8000-8005:80"
      - "7000"
    expose: ["3000", "4000-4001/udp"]
    volumes:
      - ./data:/data:ro
      - cache:/cache
      - /anon
      - type: tmpfs
        target: /scratch
        tmpfs: {size: 1048576}
      - type: volume
        source: cache
        target: /sub
        volume: {subpath: x, nocopy: true}
    tmpfs: ["/run:size=1m"]
    restart: on-failure:3
    extra_hosts: ["host.docker.internal:host-gateway", "db=10.0.0.5"]
    dns: [1.1.1.1]
    dns_search: [example.test]
    dns_opt: ["ndots:2"]
    cap_add: [NET_ADMIN]
    cap_drop: [ALL]
    privileged: true
    init: true
    read_only: true
    shm_size: 64m
    sysctls: {net.core.somaxconn: "1024"}
    ulimits:
      nofile: {soft: 1024, hard: 2048}
      nproc: 512
    devices: ["/dev/null:/dev/mynull:r"]
    security_opt: ["no-new-privileges:true"]
    group_add: ["100"]
    pid: host
    ipc: shareable
    cpus: 1.5
    mem_limit: 256m
    mem_reservation: 128m
    pids_limit: 100
    cpu_shares: 512
    logging:
      driver: json-file
      options: {max-size: 1m}
    networks:
      front:
        aliases: [www]
        priority: 10
      back: {}
    depends_on:
      db:
        condition: service_healthy
        restart: true
      init:
        condition: service_completed_successfully
  db:
    image: busybox:latest
    networks: [back]
    deploy:
      replicas: 2
      restart_policy: {condition: any, max_attempts: 5}
      resources:
        limits: {cpus: "0.5", memory: 64m, pids: 50}
        reservations: {memory: 32m}
  init:
    image: busybox:latest
    network_mode: host
  side:
    image: busybox:latest
    network_mode: service:web
    volumes_from: [db:ro, "container:other"]
    container_name: the-side
networks:
  front: {}
  back: {}
volumes:
  cache: {}
`

func convertProject(t *testing.T) *types.Project {
	t.Helper()
	return loadYAML(t, "shop", convertYAML, map[string]string{"web.env": "A=fromfile\nC=three\n"})
}

func TestContainerSpecConfig(t *testing.T) {
	p := convertProject(t)
	spec, err := ContainerSpec(p, p.Services["web"], 1, SpecOptions{APIVersion: "1.41", ImageID: "sha256:abc",
		ExtraLabels: map[string]string{docker.LabelPod: "shop", docker.LabelComposeService: "spoofed"}})
	if err != nil {
		t.Fatal(err)
	}
	c := spec.Config
	if spec.Name != "shop-web-1" {
		t.Errorf("name = %q", spec.Name)
	}
	if c.Image != "busybox:latest" || c.WorkingDir != "/srv" || c.User != "1000:1000" || c.Hostname != "webhost" ||
		c.Domainname != "example.test" || !c.Tty || !c.OpenStdin || c.StopSignal != "SIGINT" {
		t.Errorf("config basics = %+v", c)
	}
	if c.StopTimeout == nil || *c.StopTimeout != 3 {
		t.Errorf("StopTimeout = %v, want 3", c.StopTimeout)
	}
	if want := []string{"httpd", "-f", "-p", "8080"}; !reflect.DeepEqual(c.Cmd, want) {
		t.Errorf("Cmd = %q, want %q", c.Cmd, want)
	}
	if want := []string{"/bin/sh", "-c"}; !reflect.DeepEqual(c.Entrypoint, want) {
		t.Errorf("Entrypoint = %q, want %q", c.Entrypoint, want)
	}
	// environment: wins over env_file; sorted; a key without a value is left out.
	if want := []string{"A=one", "B=two", "C=three"}; !reflect.DeepEqual(c.Env, want) {
		t.Errorf("Env = %q, want %q", c.Env, want)
	}
	hc := c.Healthcheck
	if hc == nil || !reflect.DeepEqual(hc.Test, []string{"CMD", "true"}) || hc.Interval != 500*time.Millisecond ||
		hc.Timeout != time.Second || hc.Retries != 4 || hc.StartPeriod != 2*time.Second || hc.StartInterval != 0 {
		t.Errorf("Healthcheck = %+v (StartInterval must be dropped below API 1.44)", hc)
	}
	spec44, err := ContainerSpec(p, p.Services["web"], 1, SpecOptions{APIVersion: "1.44"})
	if err != nil {
		t.Fatal(err)
	}
	if spec44.Config.Healthcheck.StartInterval != 100*time.Millisecond {
		t.Errorf("StartInterval at API 1.44 = %v", spec44.Config.Healthcheck.StartInterval)
	}
}

func TestContainerSpecLabels(t *testing.T) {
	p := convertProject(t)
	web := p.Services["web"]
	spec, err := ContainerSpec(p, web, 2, SpecOptions{ImageID: "sha256:abc",
		ExtraLabels: map[string]string{docker.LabelPod: "shop", docker.LabelComposeService: "spoofed"}})
	if err != nil {
		t.Fatal(err)
	}
	hash, err := ServiceHash(web)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"io.fdy.cage.shell":            "/bin/sh",
		docker.LabelPod:                "shop",
		docker.LabelComposeProject:     "shop",
		docker.LabelComposeService:     "web",
		docker.LabelComposeNumber:      "2",
		docker.LabelComposeOneoff:      "False",
		docker.LabelComposeConfigHash:  hash,
		docker.LabelComposeDependsOn:   "db:service_healthy:true,init:service_completed_successfully:false",
		docker.LabelComposeImage:       "sha256:abc",
		docker.LabelComposeConfigFiles: strings.Join(p.ComposeFiles, ","),
		docker.LabelComposeWorkingDir:  p.WorkingDir,
		docker.LabelComposeVersion:     ComposeVersion,
	}
	if !reflect.DeepEqual(spec.Config.Labels, want) {
		t.Errorf("labels =\n%v\nwant\n%v", spec.Config.Labels, want)
	}
	if !strings.HasSuffix(p.ComposeFiles[0], "/compose.yaml") || p.WorkingDir == "" {
		t.Errorf("project files %v, dir %q", p.ComposeFiles, p.WorkingDir)
	}
	// Without an image id the label is left out; a one-off says so and has no number.
	one, err := ContainerSpec(p, web, 0, SpecOptions{OneOff: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := one.Config.Labels[docker.LabelComposeImage]; ok {
		t.Errorf("image label without an image id: %v", one.Config.Labels)
	}
	if one.Config.Labels[docker.LabelComposeOneoff] != "True" || one.Config.Labels[docker.LabelComposeNumber] != "" {
		t.Errorf("one-off labels = %v", one.Config.Labels)
	}
	// The hash does not depend on Podium's labels.
	if one.Config.Labels[docker.LabelComposeConfigHash] != hash {
		t.Errorf("hash changed with options")
	}
}

func TestContainerSpecPorts(t *testing.T) {
	p := convertProject(t)
	spec, err := ContainerSpec(p, p.Services["web"], 1, SpecOptions{})
	if err != nil {
		t.Fatal(err)
	}
	exposed := []string{}
	for port := range spec.Config.ExposedPorts {
		exposed = append(exposed, port.String())
	}
	slices.Sort(exposed)
	if want := []string{"3000/tcp", "4000/udp", "4001/udp", "7000/tcp", "80/tcp", "8080/tcp", "9000/udp", "9001/udp"}; !reflect.DeepEqual(exposed, want) {
		t.Errorf("exposed = %v, want %v", exposed, want)
	}
	b := spec.HostConfig.PortBindings
	want := map[string][]network.PortBinding{
		"8080/tcp": {{HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: "18080"}},
		"9000/udp": {{HostPort: "9000"}},
		"9001/udp": {{HostPort: "9001"}},
		"80/tcp":   {{HostPort: "8000-8005"}},
		"7000/tcp": {{HostPort: ""}},
	}
	if len(b) != len(want) {
		t.Errorf("bindings = %v", b)
	}
	for port, w := range want {
		if got := b[network.MustParsePort(port)]; !reflect.DeepEqual(got, w) {
			t.Errorf("binding %s = %+v, want %+v", port, got, w)
		}
	}
}

func TestContainerSpecVolumes(t *testing.T) {
	p := convertProject(t)
	spec, err := ContainerSpec(p, p.Services["web"], 1, SpecOptions{})
	if err != nil {
		t.Fatal(err)
	}
	h := spec.HostConfig
	if want := []string{p.WorkingDir + "/data:/data:ro", "shop_cache:/cache:rw"}; !reflect.DeepEqual(h.Binds, want) {
		t.Errorf("Binds = %q, want %q", h.Binds, want)
	}
	if _, ok := spec.Config.Volumes["/anon"]; !ok || len(spec.Config.Volumes) != 1 {
		t.Errorf("anonymous volumes = %v", spec.Config.Volumes)
	}
	wantMounts := []mount.Mount{
		{Type: mount.TypeTmpfs, Target: "/scratch", TmpfsOptions: &mount.TmpfsOptions{SizeBytes: 1048576}},
		{Type: mount.TypeVolume, Source: "shop_cache", Target: "/sub", VolumeOptions: &mount.VolumeOptions{NoCopy: true, Subpath: "x"}},
	}
	if !reflect.DeepEqual(h.Mounts, wantMounts) {
		t.Errorf("Mounts = %+v, want %+v", h.Mounts, wantMounts)
	}
	if !reflect.DeepEqual(h.Tmpfs, map[string]string{"/run": "size=1m"}) {
		t.Errorf("Tmpfs = %v", h.Tmpfs)
	}
	// A recreated container keeps its anonymous volume.
	spec, err = ContainerSpec(p, p.Services["web"], 1, SpecOptions{InheritVolumes: map[string]string{"/anon": "0123abcd"}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(spec.HostConfig.Binds, "0123abcd:/anon:rw") || len(spec.Config.Volumes) != 0 {
		t.Errorf("inherited: Binds %q, Volumes %v", spec.HostConfig.Binds, spec.Config.Volumes)
	}
}

func TestContainerSpecHost(t *testing.T) {
	p := convertProject(t)
	spec, err := ContainerSpec(p, p.Services["web"], 1, SpecOptions{})
	if err != nil {
		t.Fatal(err)
	}
	h := spec.HostConfig
	if h.RestartPolicy != (container.RestartPolicy{Name: container.RestartPolicyOnFailure, MaximumRetryCount: 3}) {
		t.Errorf("RestartPolicy = %+v", h.RestartPolicy)
	}
	if want := []string{"db:10.0.0.5", "host.docker.internal:host-gateway"}; !reflect.DeepEqual(h.ExtraHosts, want) {
		t.Errorf("ExtraHosts = %q, want %q", h.ExtraHosts, want)
	}
	if !reflect.DeepEqual(h.DNS, []netip.Addr{netip.MustParseAddr("1.1.1.1")}) || !reflect.DeepEqual(h.DNSSearch, []string{"example.test"}) ||
		!reflect.DeepEqual(h.DNSOptions, []string{"ndots:2"}) {
		t.Errorf("DNS = %v %v %v", h.DNS, h.DNSSearch, h.DNSOptions)
	}
	if !reflect.DeepEqual(h.CapAdd, []string{"NET_ADMIN"}) || !reflect.DeepEqual(h.CapDrop, []string{"ALL"}) || !h.Privileged ||
		h.Init == nil || !*h.Init || !h.ReadonlyRootfs || h.ShmSize != 64<<20 || h.PidMode != "host" || h.IpcMode != "shareable" {
		t.Errorf("host basics = %+v", h)
	}
	if h.Sysctls["net.core.somaxconn"] != "1024" || !reflect.DeepEqual(h.GroupAdd, []string{"100"}) ||
		!reflect.DeepEqual(h.SecurityOpt, []string{"no-new-privileges:true"}) {
		t.Errorf("sysctls/group_add/security_opt = %v %v %v", h.Sysctls, h.GroupAdd, h.SecurityOpt)
	}
	r := h.Resources
	if r.NanoCPUs != 1_500_000_000 || r.Memory != 256<<20 || r.MemoryReservation != 128<<20 || r.PidsLimit == nil || *r.PidsLimit != 100 || r.CPUShares != 512 {
		t.Errorf("resources = %+v", r)
	}
	wantUlimits := []*container.Ulimit{{Name: "nofile", Soft: 1024, Hard: 2048}, {Name: "nproc", Soft: 512, Hard: 512}}
	if !reflect.DeepEqual(r.Ulimits, wantUlimits) {
		t.Errorf("ulimits = %+v", r.Ulimits)
	}
	if want := []container.DeviceMapping{{PathOnHost: "/dev/null", PathInContainer: "/dev/mynull", CgroupPermissions: "r"}}; !reflect.DeepEqual(r.Devices, want) {
		t.Errorf("devices = %+v", r.Devices)
	}
	if h.LogConfig.Type != "json-file" || h.LogConfig.Config["max-size"] != "1m" {
		t.Errorf("LogConfig = %+v", h.LogConfig)
	}

	db, err := ContainerSpec(p, p.Services["db"], 2, SpecOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dr := db.HostConfig.Resources
	if db.HostConfig.RestartPolicy != (container.RestartPolicy{Name: container.RestartPolicyAlways, MaximumRetryCount: 5}) ||
		dr.NanoCPUs != 500_000_000 || dr.Memory != 64<<20 || dr.MemoryReservation != 32<<20 || dr.PidsLimit == nil || *dr.PidsLimit != 50 {
		t.Errorf("deploy mapping: restart %+v resources %+v", db.HostConfig.RestartPolicy, dr)
	}
}

func TestContainerSpecNetworks(t *testing.T) {
	p := convertProject(t)
	spec, err := ContainerSpec(p, p.Services["web"], 1, SpecOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if spec.HostConfig.NetworkMode != "shop_front" || !reflect.DeepEqual(spec.NetworkOrder, []string{"shop_front", "shop_back"}) {
		t.Errorf("NetworkMode %q, order %v: want the priority network first", spec.HostConfig.NetworkMode, spec.NetworkOrder)
	}
	if got := spec.Networks["shop_front"].Aliases; !reflect.DeepEqual(got, []string{"shop-web-1", "web", "www"}) {
		t.Errorf("front aliases = %q", got)
	}
	if got := spec.Networks["shop_back"].Aliases; !reflect.DeepEqual(got, []string{"shop-web-1", "web"}) {
		t.Errorf("back aliases = %q", got)
	}

	initSpec, err := ContainerSpec(p, p.Services["init"], 1, SpecOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if initSpec.HostConfig.NetworkMode != "host" || len(initSpec.Networks) != 0 {
		t.Errorf("network_mode host: %q %v", initSpec.HostConfig.NetworkMode, initSpec.Networks)
	}

	side := p.Services["side"]
	if _, err := ContainerSpec(p, side, 1, SpecOptions{Containers: map[string]string{"db": "def456"}}); err == nil ||
		!strings.Contains(err.Error(), "service side") || !strings.Contains(err.Error(), "service:web has no container") {
		t.Errorf("network_mode service:web without a container: err = %v", err)
	}
	sideSpec, err := ContainerSpec(p, side, 1, SpecOptions{Containers: map[string]string{"web": "abc123", "db": "def456"}})
	if err != nil {
		t.Fatal(err)
	}
	if sideSpec.Name != "the-side" || sideSpec.HostConfig.NetworkMode != "container:abc123" ||
		!reflect.DeepEqual(sideSpec.HostConfig.VolumesFrom, []string{"def456:ro", "other"}) {
		t.Errorf("side: name %q mode %q volumes_from %q", sideSpec.Name, sideSpec.HostConfig.NetworkMode, sideSpec.HostConfig.VolumesFrom)
	}
}

func TestContainerSpecUnsupported(t *testing.T) {
	p := loadYAML(t, "bad", `
services:
  gpu:
    image: busybox
    gpus: all
  sec:
    image: busybox
    secrets: [token, envtoken]
secrets:
  token: {file: ./token.txt}
  envtoken: {environment: HOME}
`, map[string]string{"token.txt": "s3cret"})
	_, err := ContainerSpec(p, p.Services["gpu"], 1, SpecOptions{})
	if err == nil || !strings.Contains(err.Error(), "service gpu") || !strings.Contains(err.Error(), "gpus") {
		t.Errorf("gpus: err = %v", err)
	}
	_, err = ContainerSpec(p, p.Services["sec"], 1, SpecOptions{})
	if err == nil || !strings.Contains(err.Error(), "secrets.envtoken") || strings.Contains(err.Error(), "secrets.token ") {
		t.Errorf("environment secret: err = %v", err)
	}
	// A file secret alone is a read-only bind at /run/secrets/<name>.
	s := p.Services["sec"]
	s.Secrets = s.Secrets[:1]
	spec, err := ContainerSpec(p, s, 1, SpecOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := mount.Mount{Type: mount.TypeBind, Source: p.WorkingDir + "/token.txt", Target: "/run/secrets/token", ReadOnly: true}
	if !slices.Contains(spec.HostConfig.Mounts, want) {
		t.Errorf("secret mount: %+v", spec.HostConfig.Mounts)
	}
}
