#!/usr/bin/env bash
# supervisor_idle.sh: what `podium supervise` costs while nothing happens. It starts the podium
# binary's supervisor as a subprocess over N spec files (default 50, generated into a temp dir:
# busybox idling forever, no health check, min-healthy 200ms), waits until
# `podium deploy status --remote http://127.0.0.1:PORT --json` shows every service Stable, lets
# it settle, then measures the process over IDLE seconds (default 30) in which nothing changes:
#
#   * CPU: utime+stime from /proc/<pid>/stat, delta ÷ clock ticks ÷ elapsed wall time, as % of
#     one core (resolution: one clock tick, 10 ms, over the window);
#   * wake-ups: voluntary + involuntary context switches summed over /proc/<pid>/task/*/status,
#     per second (a poll loop shows up here first);
#   * RSS: VmRSS (and the peak, VmHWM) from /proc/<pid>/status at the end of the window;
#   * as a check that the window was idle: writes of the state file and Docker events for the
#     run's containers during it (both should be 0).
#
# It also prints how long the cold start to all-Stable took and the CPU it used. Nothing is
# asserted: the design goal is near-zero idle CPU (the supervisor follows Docker's events and
# the spec directories' inotify events; it does not poll), and the script reports what it sees.
#
# Only the local engine is used: DOCKER_HOST must be unset or a unix:// socket, and it is
# exported so the CLI and the podium binary talk to the same daemon. Nothing is pulled;
# busybox:latest must be present. The podium binary is $PODIUM if set, else built from
# ./cmd/tui; if the working tree does not build (model/ or views/ mid-change), it is built from
# the last commit (git archive HEAD) instead, and the script says so. Every container the
# supervisor creates carries dev.podium.bench=<run id> (through `supervise --label`); the EXIT
# trap stops the supervisor and removes exactly those, on failure and on Ctrl-C too.
#
# Usage: bench/supervisor_idle.sh     (N=50 IDLE=30 SETTLE=2 TIMEOUT=300 by default;
#                                      PODIUM=bin/podium bench/supervisor_idle.sh uses that
#                                      binary; PORT=18123 picks the API port)
set -euo pipefail

cd "$(dirname "$0")/.."

N=${N:-50}
IDLE=${IDLE:-30}
SETTLE=${SETTLE:-2}
TIMEOUT=${TIMEOUT:-300}
IMAGE=busybox:latest
# Every service's command: idle forever, exit at once on SIGTERM.
CMD="trap 'exit 0' TERM; while :; do sleep 3600 & wait; done"

. bench/lib.sh
bench_local_engine supervisor_idle.sh

RUN="sidle-$$-$(date +%s)"
LABEL="dev.podium.bench=$RUN"
# Service names (and so container names) unique to this run.
PREFIX="idle$$x$(date +%s)"

sweep() { bench_sweep "label=$LABEL"; }

cleanup() {
	local i
	if [ -n "${SUPPID:-}" ] && kill -0 "$SUPPID" 2>/dev/null; then
		kill -TERM "$SUPPID" 2>/dev/null || true
		# SIGTERM stops it and leaves the containers running; give it 15 s, then SIGKILL.
		for i in $(seq 150); do
			kill -0 "$SUPPID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$SUPPID" 2>/dev/null || true
		wait "$SUPPID" 2>/dev/null || true
	fi
	sweep
	if [ -z "${READY:-}" ] && [ -n "${SUPPID:-}" ]; then
		# Stopped mid-start: a create it had in flight still completes in the engine.
		sleep 2
		sweep
	fi
	rm -rf "${WORK:-}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

docker info >/dev/null 2>&1 || { echo "supervisor_idle.sh: no Docker engine at $DOCKER_HOST (scripts/engine.sh starts one)" >&2; exit 1; }
docker image inspect "$IMAGE" >/dev/null 2>&1 || { echo "supervisor_idle.sh: $IMAGE is not present locally (no pulls here)" >&2; exit 1; }
[ -r /proc/self/stat ] || { echo "supervisor_idle.sh: needs Linux's /proc" >&2; exit 1; }

WORK=$(mktemp -d)
SPECS=$WORK/specs
STATE=$WORK/state/supervisor.json
LOG=$WORK/supervise.log
mkdir -p "$SPECS"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# The podium binary: $PODIUM, else ./cmd/tui built now, else the last commit's ./cmd/tui.
if [ -n "${PODIUM:-}" ]; then
	[ -x "$PODIUM" ] || { echo "supervisor_idle.sh: PODIUM=$PODIUM is not an executable" >&2; exit 1; }
	PODIUM_NOTE="podium binary: $PODIUM (given)"
elif go build -o "$WORK/podium" ./cmd/tui 2>"$WORK/build.log"; then
	PODIUM=$WORK/podium
	PODIUM_NOTE="podium binary: built from ./cmd/tui"
else
	err=$(grep -m1 -v '^#' "$WORK/build.log" || true)
	mkdir -p "$WORK/src"
	if git archive HEAD | tar -x -C "$WORK/src" && (cd "$WORK/src" && go build -o "$WORK/podium" ./cmd/tui) 2>"$WORK/build-head.log"; then
		PODIUM=$WORK/podium
		PODIUM_NOTE="podium binary: the working tree does not build ($err); built from HEAD $(git rev-parse --short HEAD) instead"
	else
		echo "supervisor_idle.sh: ./cmd/tui does not build ($err), nor does HEAD's:" >&2
		head -n 5 "$WORK/build-head.log" >&2 || true
		exit 1
	fi
fi
echo "$PODIUM_NOTE" >&2

# The spec files: s01..sN, one service each.
for i in $(seq -w 1 "$N"); do
	cat >"$SPECS/$PREFIX-$i.yml" <<EOF
spec:
  Image: $IMAGE
  Cmd: ["sh", "-c", "$CMD"]
deploy: [Before]
min-healthy: 200ms
stop-timeout: 1
EOF
done

# A free loopback port (none listening on it in /proc/net/tcp*), unless PORT is given.
port_free() {
	local hex
	hex=$(printf '%04X' "$1")
	! awk -v p=":$hex" 'toupper($2) ~ p "$" && $4 == "0A" { found = 1 } END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
if [ -z "${PORT:-}" ]; then
	for _ in $(seq 50); do
		PORT=$((20000 + RANDOM % 20000))
		port_free "$PORT" && break
	done
fi
URL="http://127.0.0.1:$PORT"

# ticks, switches and status_kb come from bench/lib.sh.
state_mtime() { stat -c %y "$STATE" 2>/dev/null || echo none; }
HZ=$(getconf CLK_TCK)

echo "engine: $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})') at $DOCKER_HOST; $(nproc) CPUs; $N services; API $URL; label $LABEL" >&2

# Run in the background straight from this shell ($! is podium itself), so the trap can stop it.
t0=$(now)
"$PODIUM" supervise --specs "$SPECS" --state "$STATE" --listen "127.0.0.1:$PORT" --label "$LABEL" -w "$WORK" >"$LOG" 2>&1 &
SUPPID=$!

# Wait until the API lists N services, all Stable. The status JSON is compact: every service
# has one "desired" key and one "state" key (containers' states are Docker's, never "Stable").
echo "waiting for $N services to be Stable (timeout ${TIMEOUT}s) ..." >&2
count() { { grep -o "$1" <<<"$2" || true; } | wc -l; }
stable=0 total=0
while :; do
	if ! kill -0 "$SUPPID" 2>/dev/null; then
		tail -n 20 "$LOG" >&2
		echo "supervisor_idle.sh: podium supervise exited (port $PORT taken?)" >&2
		exit 1
	fi
	if json=$("$PODIUM" deploy status --remote "$URL" --json 2>/dev/null); then
		total=$(count '"desired":' "$json")
		stable=$(count '"state":"Stable"' "$json")
		[ "$total" -eq "$N" ] && [ "$stable" -eq "$N" ] && break
	fi
	if [ "$(elapsed "$t0" "$(now)" | cut -d. -f1)" -ge "$TIMEOUT" ]; then
		tail -n 20 "$LOG" >&2
		echo "supervisor_idle.sh: only $stable of $total/$N services Stable after ${TIMEOUT}s" >&2
		exit 1
	fi
	sleep 0.5
done
t1=$(now)
READY=1
startup_s=$(elapsed "$t0" "$t1")
startup_cpu=$(awk -v t="$(ticks "$SUPPID")" -v hz="$HZ" 'BEGIN { printf "%.2f", t / hz }')
running=$(docker ps -q --filter "label=$LABEL" --filter status=running | wc -l)
echo "all $N Stable after ${startup_s}s (poll every 0.5s); $running running containers" >&2

sleep "$SETTLE"

echo "idle for ${IDLE}s ..." >&2
m0=$(state_mtime)
c0=$(ticks "$SUPPID")
x0=$(switches "$SUPPID")
w0=$(now)
ev_since=$(date +%s)
sleep "$IDLE"
w1=$(now)
c1=$(ticks "$SUPPID")
x1=$(switches "$SUPPID")
m1=$(state_mtime)
ev_until=$(date +%s)
rss=$(status_kb "$SUPPID" VmRSS)
hwm=$(status_kb "$SUPPID" VmHWM)
threads=$(status_kb "$SUPPID" Threads)
kill -0 "$SUPPID" 2>/dev/null || { echo "supervisor_idle.sh: podium supervise died during the window" >&2; exit 1; }
events=$({ timeout 10 docker events --since "$ev_since" --until "$ev_until" --filter "label=$LABEL" --format '{{.Action}}' 2>/dev/null || true; } | wc -l)
writes=0
[ "$m0" = "$m1" ] || writes="≥1"

window=$(elapsed "$w0" "$w1")
echo
echo "podium supervise, $N services all Stable, idle; $(date -u +%Y-%m-%dT%H:%MZ)"
echo "$PODIUM_NOTE"
echo "cold start to all Stable: ${startup_s} s (seen by polling the API every 0.5 s), ${startup_cpu} s of CPU"
awk -v d="$((c1 - c0))" -v hz="$HZ" -v w="$window" -v s="$SETTLE" 'BEGIN {
	printf "idle window: %.1f s (after %s s settling)\n", w, s
	printf "idle CPU: %.3f %% of one core (%d ms user+system in %.1f s; resolution %.0f ms)\n", d / hz / w * 100, d * 1000 / hz, w, 1000 / hz
}'
awk -v d="$((x1 - x0))" -v w="$window" -v t="$threads" 'BEGIN { printf "wake-ups: %.1f context switches/s over %d threads\n", d / w, t }'
awk -v r="$rss" -v h="$hwm" 'BEGIN { printf "RSS: %.1f MiB (peak %.1f MiB)\n", r / 1024, h / 1024 }'
echo "during the window: state file writes $writes, Docker events for the run's containers $events"
