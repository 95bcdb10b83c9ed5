package docker_test

import (
	"archive/tar"
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"

	"github.com/podiumdev/podium/backend/docker"
	"github.com/podiumdev/podium/backend/docker/enginetest"
)

// TestVolumes: create (idempotent), list by label, use from a container, remove.
func TestVolumes(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	e := h.Engine
	name := h.Name("vol")
	v, err := e.CreateVolume(h.Ctx(), name, docker.VolumeOptions{Labels: h.Labels(map[string]string{"k": "v"})})
	if err != nil {
		t.Fatal(err)
	}
	if v.Name != name || v.Driver != "local" || v.Mountpoint == "" || v.Labels["k"] != "v" {
		t.Fatalf("created volume = %+v", v)
	}
	if again, err := e.CreateVolume(h.Ctx(), name, docker.VolumeOptions{Labels: h.Labels(map[string]string{"k": "v"})}); err != nil || again.Name != name {
		t.Fatalf("creating it again = %+v, %v", again, err)
	}
	vs, err := e.Volumes(h.Ctx(), h.Label(), "k=v")
	if err != nil || len(vs) != 1 || vs[0].Name != name {
		t.Fatalf("volumes = %+v, %v", vs, err)
	}

	// Data written by one container is read by the next.
	mounts := &container.HostConfig{Mounts: []mount.Mount{{Type: mount.TypeVolume, Source: name, Target: "/data"}}}
	writer := h.Run("writer", &container.Config{Cmd: []string{"sh", "-c", "echo kept > /data/f"}}, mounts)
	if code, err := e.Wait(h.Ctx(), writer); err != nil || code != 0 {
		t.Fatalf("writer exited %d, %v", code, err)
	}
	reader := h.Run("reader", e2eSleeper(), mounts)
	if res, err := e.Exec(h.Ctx(), reader, docker.ExecOptions{Cmd: []string{"cat", "/data/f"}}); err != nil || res.Stdout != "kept\n" {
		t.Fatalf("read back = %+v, %v", res, err)
	}

	// In use: removal fails and says which volume.
	if err := e.RemoveVolume(h.Ctx(), name, false); err == nil || !strings.Contains(err.Error(), name) {
		t.Errorf("removing a volume in use: %v", err)
	}
	for _, id := range []string{writer, reader} {
		if err := e.Remove(h.Ctx(), id, docker.RemoveOptions{Force: true}); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.RemoveVolume(h.Ctx(), name, false); err != nil {
		t.Fatal(err)
	}
	if vs, err := e.Volumes(h.Ctx(), h.Label()); err != nil || len(vs) != 0 {
		t.Errorf("volumes after removal = %+v, %v", vs, err)
	}
	if err := e.RemoveVolume(h.Ctx(), name, false); err != nil {
		t.Errorf("removing a missing volume: %v", err)
	}
}

// TestConnectNetwork: a running container joins a network with an alias.
func TestConnectNetwork(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	e := h.Engine
	net := h.Name("late")
	if _, err := e.CreateNetwork(h.Ctx(), net, docker.NetworkOptions{Labels: h.Labels(nil)}); err != nil {
		t.Fatal(err)
	}
	id := h.Run("joiner", e2eSleeper(), nil)
	if err := e.ConnectNetwork(h.Ctx(), net, id, "alias1", "alias2"); err != nil {
		t.Fatal(err)
	}
	raw, err := e.InspectRaw(h.Ctx(), id)
	if err != nil {
		t.Fatal(err)
	}
	ep := raw.NetworkSettings.Networks[net]
	if ep == nil || !slices.Contains(ep.Aliases, "alias1") || !slices.Contains(ep.Aliases, "alias2") {
		t.Fatalf("endpoint on %s = %+v", net, ep)
	}
	if c, err := e.Inspect(h.Ctx(), id); err != nil || !slices.Contains(c.Networks, net) || !slices.Contains(c.Networks, "bridge") {
		t.Fatalf("networks = %v, %v", c.Networks, err)
	}
	if err := e.ConnectNetwork(h.Ctx(), h.Name("nonet"), id); err == nil || !strings.Contains(err.Error(), h.Name("nonet")) {
		t.Errorf("connecting a running container to a missing network: %v", err)
	}
}

// TestImport: an image made from a root filesystem tarball, with Dockerfile changes applied.
func TestImport(t *testing.T) {
	t.Parallel()
	h := enginetest.New(t)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	body := "imported\n"
	if err := tw.WriteHeader(&tar.Header{Name: "hello.txt", Mode: 0o644, Size: int64(len(body))}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.Write([]byte(body)); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	ref := "podium-test/imported:" + h.ID
	err := h.Engine.Import(h.Ctx(), &buf, ref, docker.ImportOptions{
		Changes: []string{"LABEL " + docker.LabelTest + "=" + h.ID, `CMD ["/nothing"]`},
		Message: "podium test import",
	})
	if err != nil {
		t.Fatal(err)
	}
	imgs, err := h.Engine.Images(h.Ctx(), h.Label())
	if err != nil || !slices.Equal(imgs, []string{ref}) {
		t.Fatalf("images with the test label = %v, %v; want [%s] (the LABEL change applied)", imgs, err, ref)
	}
	if err := h.Engine.Import(h.Ctx(), strings.NewReader("not a tarball"), "podium-test/bad:"+h.ID, docker.ImportOptions{}); err == nil {
		t.Error("importing garbage succeeded")
	}
}
