package supervisor

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"github.com/podiumdev/podium/backend/deployspec"
	"maps"
	"sort"
	"strconv"
	"time"

	"github.com/moby/moby/api/types/network"
	"github.com/podiumdev/podium/backend/docker"
)

// The actions on Docker: pull, create and start, stop and remove, rename.

// create starts k new containers of revision rev. Each is saved to the state file right after
// it starts (a crash before that leaves a container the next reconcile adopts by its labels,
// or removes), and a health watcher follows it.
func (in *instance) create(ctx context.Context, rev, k int) error {
	cs, err := in.make(ctx, rev, k)
	for i, c := range cs {
		if serr := in.start(ctx, c); serr != nil {
			for _, rest := range cs[i+1:] {
				in.markStopping(rest, true)
			}
			return serr
		}
	}
	return err
}

// prepare creates k containers of revision rev without starting them, so a Before deploy
// knows the new version can be had and is accepted by the engine before it stops anything.
func (in *instance) prepare(ctx context.Context, rev, k int) error {
	cs, err := in.make(ctx, rev, k)
	for _, c := range cs {
		c.Prepared = true
	}
	if len(cs) > 0 {
		in.note(CauseRollout, fmt.Sprintf("created %s (revision %d), to start once the old containers are gone", containerNames(cs), rev))
	}
	return err
}

// startPrepared starts the prepared containers of rev; it reports whether there were any.
func (in *instance) startPrepared(ctx context.Context, rev int) (bool, error) {
	started := false
	for _, c := range in.alive(rev) {
		if !c.Prepared {
			continue
		}
		started = true
		if err := in.start(ctx, c); err != nil {
			return true, err
		}
	}
	return started, nil
}

// make creates k containers of revision rev (after making its image present) and records them.
func (in *instance) make(ctx context.Context, rev, k int) ([]*containerRecord, error) {
	sp := in.specs[rev]
	prefix := fmt.Sprintf("deploy %s revision %d", in.name, rev)
	if err := in.ensureImage(ctx, sp); err != nil {
		return nil, fmt.Errorf("%s: %w", prefix, err)
	}
	var out []*containerRecord
	for range k {
		replica := in.freeReplica(rev)
		name := sp.ContainerName
		if name == "" {
			name = fmt.Sprintf("%s-%d-%d-%s", in.name, rev, replica, containerSuffix(2))
		} else if err := in.freeName(ctx, name); err != nil {
			return out, fmt.Errorf("%s: %w", prefix, err)
		}
		id, err := in.s.eng.Create(ctx, in.createSpec(sp, rev, name))
		if err != nil {
			return out, fmt.Errorf("%s: %w", prefix, err)
		}
		now := time.Now()
		c := &containerRecord{
			ID: id, Name: name, Revision: rev, Replica: replica, Created: now,
			HealthDeadline: now.Add(healthDeadlineOf(sp)), State: "created",
		}
		in.rec.Containers = append(in.rec.Containers, c)
		out = append(out, c)
	}
	return out, nil
}

// start starts a created container and follows its health.
func (in *instance) start(ctx context.Context, c *containerRecord) error {
	sp := in.specs[c.Revision]
	if err := in.s.eng.Start(ctx, c.ID); err != nil {
		in.markStopping(c, true)
		in.note(CauseFailure, "start failed: "+c.Name)
		return fmt.Errorf("deploy %s revision %d: %w", in.name, c.Revision, err)
	}
	c.Prepared = false
	c.State, c.StartedAt = "running", time.Now()
	c.HealthDeadline = c.StartedAt.Add(healthDeadlineOf(sp))
	in.watchHealth(ctx, c)
	in.note(CauseRollout, fmt.Sprintf("started %s (revision %d), healthy by %s", c.Name, c.Revision, c.HealthDeadline.Format("15:04:05.000")))
	return nil
}

// ensureImage makes the image present per the spec's pull policy (default: pull only when the
// image is missing; condo pulled on every start).
func (in *instance) ensureImage(ctx context.Context, sp *deployspec.Spec) error {
	img := imageOf(sp)
	pull := sp.Pull == deployspec.PullAlways
	if !pull {
		ok, err := in.s.eng.ImageExists(ctx, img)
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		if sp.Pull == deployspec.PullNever {
			return fmt.Errorf("image %s is not present and pull is never", img)
		}
	}
	in.note(CauseRollout, "pulling "+img)
	return in.s.eng.Pull(ctx, img, nil)
}

// createSpec is the container's create call: the spec's own body, with Podium's labels on top.
func (in *instance) createSpec(sp *deployspec.Spec, rev int, name string) docker.CreateSpec {
	cfg := *sp.Create.Config
	labels := maps.Clone(cfg.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	maps.Copy(labels, in.s.opts.Labels)
	labels[docker.LabelDeploy] = in.name
	labels[docker.LabelSpecHash] = containerHashOf(sp)
	labels[docker.LabelRevision] = strconv.Itoa(rev)
	cfg.Labels = labels
	cs := docker.CreateSpec{Name: name, Config: &cfg, HostConfig: sp.Create.HostConfig}
	if nc := sp.Create.NetworkingConfig; nc != nil && len(nc.EndpointsConfig) > 0 {
		cs.Networks = map[string]*network.EndpointSettings{}
		for n, ep := range nc.EndpointsConfig {
			cs.Networks[n] = ep
			cs.NetworkOrder = append(cs.NetworkOrder, n)
		}
		sort.Strings(cs.NetworkOrder)
	}
	return cs
}

// freeName makes a fixed container name available: the container of ours that holds it (the
// one being replaced, start-first) is renamed <name>-old-<rev> first. condo deleted whatever
// had the name, killing the container it was about to replace.
func (in *instance) freeName(ctx context.Context, name string) error {
	for _, c := range in.rec.Containers {
		if c.Name != name {
			continue
		}
		old := fmt.Sprintf("%s-old-%d", name, c.Revision)
		if err := in.s.eng.Rename(ctx, c.ID, old); err != nil {
			return err
		}
		c.Name = old
		in.note(CauseRollout, fmt.Sprintf("renamed %s to %s to free its name", name, old))
	}
	return nil
}

// restoreNames gives a fixed container name back to the container whose spec fixes it, once
// no other container holds it (after a failed start-first deploy removed the new container).
func (in *instance) restoreNames(ctx context.Context) bool {
	for _, c := range in.rec.Containers {
		sp := in.specs[c.Revision]
		if c.Stopping || c.Draining || sp == nil || sp.ContainerName == "" || c.Name == sp.ContainerName {
			continue
		}
		taken := false
		for _, o := range in.rec.Containers {
			taken = taken || o.Name == sp.ContainerName
		}
		if taken {
			continue
		}
		if err := in.s.eng.Rename(ctx, c.ID, sp.ContainerName); err != nil {
			in.log.Warn("rename back", "container", c.Name, "err", err)
			continue
		}
		from := c.Name
		c.Name = sp.ContainerName
		in.note(CauseRollout, fmt.Sprintf("renamed %s back to %s", from, c.Name))
		return true
	}
	return false
}

// markStopping sends a container on its way out: no more health watching; the loop stops and
// removes it (kill: with no grace period).
func (in *instance) markStopping(c *containerRecord, kill bool) {
	if cancel, ok := in.watchers[c.ID]; ok {
		cancel()
		delete(in.watchers, c.ID)
	}
	if !c.Stopping {
		c.Stopping, c.Kill = true, kill
	}
	c.Draining = false
}

// startRemovals stops and removes, in the background, every container marked stopping that is
// not already being removed. Failed removals are retried with backoff.
func (in *instance) startRemovals(ctx context.Context, now time.Time) {
	if now.Before(in.removeRetry) {
		return
	}
	for _, c := range in.rec.Containers {
		if !c.Stopping || in.removing[c.ID] {
			continue
		}
		in.removing[c.ID] = true
		timeout := time.Duration(0)
		if !c.Kill {
			timeout = stopTimeoutOf(in.specs[c.Revision])
		}
		id, name := c.ID, c.Name
		in.wg.Go(func() {
			err := stopAndRemove(ctx, in.s.eng, id, name, timeout)
			select {
			case in.removed <- removal{id: id, err: err}:
			case <-ctx.Done():
			}
		})
	}
}

// stopAndRemove stops a container with its grace period, then removes it and its anonymous
// volumes. A container already gone is fine.
func stopAndRemove(ctx context.Context, eng *docker.Engine, id, name string, timeout time.Duration) error {
	if err := eng.Stop(ctx, id, timeout); err != nil && !docker.IsNotFound(err) {
		if rerr := eng.Remove(ctx, id, docker.RemoveOptions{Force: true, Volumes: true}); rerr != nil {
			return fmt.Errorf("stop container %s: %w", name, err)
		}
		return nil
	}
	if err := eng.Remove(ctx, id, docker.RemoveOptions{Force: true, Volumes: true}); err != nil {
		return fmt.Errorf("remove container %s: %w", name, err)
	}
	return nil
}

// onRemoved takes a finished removal.
func (in *instance) onRemoved(r removal) {
	delete(in.removing, r.id)
	i := in.indexOf(r.id)
	if i < 0 {
		return
	}
	c := in.rec.Containers[i]
	if r.err != nil {
		in.removeFails++
		d := retryDelay(in.removeFails, in.s.opts.MinBackoff, in.s.opts.MaxBackoff)
		in.removeRetry = time.Now().Add(d)
		in.setError(r.err.Error())
		in.note(CauseFailure, fmt.Sprintf("%v; retry in %s", r.err, d.Round(10*time.Millisecond)))
		return
	}
	in.removeFails = 0
	in.removeRetry = time.Time{}
	in.rec.Containers = append(in.rec.Containers[:i], in.rec.Containers[i+1:]...)
	in.note(CauseRemoved, "removed "+c.Name)
}

// freeReplica is the lowest replica number not used by a live container of rev.
func (in *instance) freeReplica(rev int) int {
	used := map[int]bool{}
	for _, c := range in.alive(rev) {
		used[c.Replica] = true
	}
	for n := 1; ; n++ {
		if !used[n] {
			return n
		}
	}
}

func containerSuffix(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
