#!/usr/bin/env bash
# Makes a Docker engine available on this machine: installs what is missing (docker.io,
# busybox-static, tmux), starts dockerd in the background when `docker info` fails, waits for it,
# and seeds busybox:latest from the host's static busybox when the engine has none.
# Idempotent: on a machine with a running engine it only checks.
set -euo pipefail

log_dir=${PODIUM_ENGINE_LOG_DIR:-/tmp/podium-engine}
mkdir -p "$log_dir"

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v docker >/dev/null 2>&1 || need+=(docker.io)
[ -x /bin/busybox ] || [ -x /usr/bin/busybox ] || need+=(busybox-static)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
command -v git >/dev/null 2>&1 || need+=(git)
if [ ${#need[@]} -gt 0 ]; then
  echo "engine.sh: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >"$log_dir/apt.log" 2>&1
  apt-get install -y -qq "${need[@]}" >>"$log_dir/apt.log" 2>&1 || {
    echo "engine.sh: apt-get install failed; see $log_dir/apt.log" >&2
    tail -n 20 "$log_dir/apt.log" >&2
    exit 1
  }
fi

if ! docker info >/dev/null 2>&1; then
  if [ -n "${DOCKER_HOST:-}" ] && [ "${DOCKER_HOST#unix://}" = "$DOCKER_HOST" ]; then
    echo "engine.sh: DOCKER_HOST=$DOCKER_HOST does not answer and is not local; cannot start it" >&2
    exit 1
  fi
  echo "engine.sh: starting dockerd (log: $log_dir/dockerd.log)"
  # A stale pid file from a killed daemon stops a new one from starting.
  if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
    rm -f /var/run/docker.pid
  fi
  nohup dockerd >"$log_dir/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 1 120); do
    docker info >/dev/null 2>&1 && break
    sleep 0.5
  done
  if ! docker info >/dev/null 2>&1; then
    echo "engine.sh: dockerd did not answer within 60s; last lines of its log:" >&2
    tail -n 30 "$log_dir/dockerd.log" >&2
    exit 1
  fi
fi

if ! docker image inspect busybox:latest >/dev/null 2>&1; then
  bb=$(command -v busybox || true)
  [ -n "$bb" ] || bb=/bin/busybox
  echo "engine.sh: importing busybox:latest from $bb"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/root/bin" "$tmp/root/tmp" "$tmp/root/etc"
  cp "$bb" "$tmp/root/bin/busybox"
  # One link per applet, so `sh`, `sleep`, `httpd`, `wget` resolve as in the real image.
  for applet in $("$bb" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$tmp/root/bin/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$tmp/root/etc/passwd"
  echo 'root:x:0:' >"$tmp/root/etc/group"
  chmod 1777 "$tmp/root/tmp"
  tar -C "$tmp/root" -c . | docker import \
    -c 'CMD ["sh"]' -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    - busybox:latest >/dev/null
fi

docker version --format 'engine.sh: engine {{.Server.Version}} (API {{.Server.APIVersion}}) ready'
