#!/usr/bin/env bash
# pods_vs_cli.sh: `podium up` of a 10-service pod measured side by side, in one run, with the
# raw floor and the docker CLI:
#
#   * the Go benchmarks (in-process, timed inside): BenchmarkRawFloor10 (the 10 containers
#     created and started in parallel straight through backend/docker), BenchmarkPodUp10 (cold
#     up through pods.Runner), BenchmarkPodUp10Healthy (the same, health-gated with Wait) and
#     BenchmarkPodUp10NoOp (a second up that changes nothing);
#   * the podium binary (`podium -w WS -p NAME up`, cold, then again as a no-op; `down -t 0`
#     untimed), when ./cmd/tui builds (or PODIUM=/path/to/podium names one). cmd/ may not build
#     while model/ and views/ are mid-change: the script then says so and leaves those rows
#     out, and the Go benchmarks stand for `podium up`;
#   * the docker CLI: `docker run -d` of the same container ×10, one after the other, and with
#     xargs -P 10 (removal untimed).
#
# Only the local engine is used: DOCKER_HOST must be unset or a unix:// socket, and it is exported
# so the CLI, the podium binary and the Go benchmarks talk to the same daemon (ignoring any
# docker context). Nothing is pulled; busybox:latest must be present. The docker CLI's containers
# and the Go benchmarks' containers and networks carry dev.podium.bench=1 and a per-run
# dev.podium.bench.run label; the podium binary's belong to a compose project named for this run.
# The EXIT trap removes exactly those, on failure and on Ctrl-C too.
#
# Usage: bench/pods_vs_cli.sh     (ROUNDS=3 by default; ROUNDS=5 bench/pods_vs_cli.sh;
#                                  PODIUM=bin/podium bench/pods_vs_cli.sh uses that binary)
set -euo pipefail

cd "$(dirname "$0")/.."

N=10
PAR=10
ROUNDS=${ROUNDS:-3}
IMAGE=busybox:latest
# The pod's command: sleep 300, exiting at once on SIGTERM.
CMD="trap 'exit 0' TERM; sleep 300 & wait"

. bench/lib.sh
bench_local_engine pods_vs_cli.sh

RUN="pcli-$$-$(date +%s)"
export PODIUM_BENCH_RUN=$RUN
LABELS=(--label dev.podium.bench=1 --label "dev.podium.bench.run=$RUN")
# The podium binary's compose project (lowercase letters and digits only, as Podium makes it).
PROJ="podbench$$x$(date +%s)"

sweep() {
	networks=1 bench_sweep "label=dev.podium.bench.run=$RUN"
	networks=1 bench_sweep "label=com.docker.compose.project=$PROJ"
}

cleanup() {
	local killed=
	if [ -n "${BENCHPID:-}" ] && kill -0 "$BENCHPID" 2>/dev/null; then
		kill -TERM "$BENCHPID" 2>/dev/null || true
		wait "$BENCHPID" 2>/dev/null || true
		killed=1
	fi
	sweep
	if [ -n "$killed" ]; then
		# A create the killed binary had in flight still completes in the engine: sweep again.
		sleep 2
		sweep
	fi
	rm -rf "${WORK:-}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

docker info >/dev/null 2>&1 || { echo "pods_vs_cli.sh: no Docker engine at $DOCKER_HOST (scripts/engine.sh starts one)" >&2; exit 1; }
docker image inspect "$IMAGE" >/dev/null 2>&1 || { echo "pods_vs_cli.sh: $IMAGE is not present locally (no pulls here)" >&2; exit 1; }

WORK=$(mktemp -d)
TMP=$WORK/ids
GOOUT=$WORK/go.out
BIN=$WORK/bench.test
WS=$WORK/ws
PLOG=$WORK/podium.log

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", b - a }'; }
add() { awk -v s="$1" -v d="$2" 'BEGIN { printf "%.6f", s + d }'; }
mean() { awk -v s="$1" -v r="$ROUNDS" 'BEGIN { printf "%.6f", s / r }'; }

# The workspace of the podium binary: the Go benchmarks' pod (pods/app.yml, s01..s10).
mkdir -p "$WS/pods/targets/development"
{
	echo "services:"
	for i in $(seq -w 1 "$N"); do
		printf '  s%s:\n    image: %s\n    command: ["sh", "-c", "%s"]\n' "$i" "$IMAGE" "$CMD"
	done
} >"$WS/pods/app.yml"

# podium_bin: $PODIUM when given, else a fresh build of ./cmd/tui; empty (with a note on stderr)
# when it does not build.
PODIUM_NOTE=
if [ -n "${PODIUM:-}" ]; then
	[ -x "$PODIUM" ] || { echo "pods_vs_cli.sh: PODIUM=$PODIUM is not an executable" >&2; exit 1; }
	PODIUM_NOTE="podium binary: $PODIUM (given)"
elif go build -o "$WORK/podium" ./cmd/tui 2>"$WORK/build.log"; then
	PODIUM=$WORK/podium
	PODIUM_NOTE="podium binary: built from ./cmd/tui"
else
	PODIUM=
	PODIUM_NOTE="podium binary: ./cmd/tui does not build ($(grep -m1 -v '^#' "$WORK/build.log" || true)); the podium CLI rows are left out and the Go benchmarks stand for podium up"
fi
echo "$PODIUM_NOTE" >&2

# cli_round P: N containers started with `docker run -d` ($1 is the parallelism), timed; then
# removed, untimed. Sets ROUND_S.
cli_round() {
	local p=$1 t0 t1
	: >"$TMP"
	t0=$(now)
	if [ "$p" -le 1 ]; then
		for _ in $(seq "$N"); do
			docker run -d "${LABELS[@]}" "$IMAGE" sh -c "$CMD" >>"$TMP"
		done
	else
		seq "$N" | xargs -P "$p" -I{} docker run -d "${LABELS[@]}" "$IMAGE" sh -c "$CMD" >>"$TMP"
	fi
	t1=$(now)
	[ "$(wc -l <"$TMP")" -eq "$N" ] || { echo "cli: expected $N containers" >&2; return 1; }
	xargs -P "$PAR" -n 1 docker rm -f <"$TMP" >/dev/null
	ROUND_S=$(elapsed "$t0" "$t1")
}

# cli_measure VAR P sets VAR to the mean seconds of ROUNDS rounds of cli_round P. (No command
# substitution around a round: the signal traps must not wait for a subshell's whole run.)
cli_measure() {
	local total=0
	for _ in $(seq "$ROUNDS"); do
		cli_round "$2"
		total=$(add "$total" "$ROUND_S")
	done
	printf -v "$1" '%s' "$(mean "$total")"
}

podium() { "$PODIUM" -w "$WS" -p "$PROJ" "$@" >"$PLOG" 2>&1 || { tail -n 20 "$PLOG" >&2; echo "pods_vs_cli.sh: podium $* failed" >&2; return 1; }; }
running() { docker ps -q --filter "label=com.docker.compose.project=$PROJ" | wc -l; }

# podium_measure sets pod_cold and pod_noop to the mean seconds of ROUNDS rounds of: `podium up`
# from cold (timed), `podium up` again (timed, a no-op), `podium down -t 0` (untimed).
podium_measure() {
	local cold=0 noop=0 t0 t1 t2
	for _ in $(seq "$ROUNDS"); do
		t0=$(now)
		podium up
		t1=$(now)
		podium up
		t2=$(now)
		[ "$(running)" -eq "$N" ] || { echo "podium: expected $N running containers, got $(running)" >&2; return 1; }
		podium down -t 0
		cold=$(add "$cold" "$(elapsed "$t0" "$t1")")
		noop=$(add "$noop" "$(elapsed "$t1" "$t2")")
	done
	pod_cold=$(mean "$cold")
	pod_noop=$(mean "$noop")
}

echo "engine: $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})') at $DOCKER_HOST; $(nproc) CPUs; $ROUNDS rounds of $N containers each" >&2

echo "docker CLI, sequential ..." >&2
cli_measure cli_seq 1
echo "docker CLI, xargs -P $PAR ..." >&2
cli_measure cli_par "$PAR"

if [ -n "$PODIUM" ]; then
	echo "podium binary: up (cold), up (no-op), down -t 0 ..." >&2
	podium_measure
fi

BENCHRE='^Benchmark(RawFloor10|PodUp10|PodUp10Healthy|PodUp10NoOp)$'
echo "go benchmarks (go test -run '^\$' -bench '$BENCHRE' -benchtime ${ROUNDS}x) ..." >&2
# Build first, then run the test binary in the background: `wait` lets the traps run at once,
# and on a signal the cleanup stops the binary and removes its containers by the run label.
go test -c -o "$BIN" ./bench/
t0=$(now)
(cd bench && exec "$BIN" -test.count 1 -test.run '^$' -test.bench "$BENCHRE" -test.benchtime "${ROUNDS}x") >"$GOOUT" 2>&1 &
BENCHPID=$!
rc=0
wait "$BENCHPID" || rc=$?
BENCHPID=
t1=$(now)
if [ "$rc" -ne 0 ]; then
	cat "$GOOUT" >&2
	echo "pods_vs_cli.sh: go benchmark failed" >&2
	exit 1
fi
# ns/op is one timed op (teardown excluded), measured inside the benchmark: no build, no setup.
go_s() {
	awk -v name="$1" '$1 ~ "^Benchmark" name "(-[0-9]+)?$" { for (i = 2; i < NF; i++) if ($(i+1) == "ns/op") { printf "%.6f", $i / 1e9; exit } }' "$GOOUT"
}
raw=$(go_s RawFloor10)
go_cold=$(go_s PodUp10)
go_health=$(go_s PodUp10Healthy)
go_noop=$(go_s PodUp10NoOp)
if [ -z "$raw" ] || [ -z "$go_cold" ] || [ -z "$go_health" ] || [ -z "$go_noop" ]; then
	cat "$GOOUT" >&2
	echo "pods_vs_cli.sh: no result lines in the benchmark output (skipped? it skips silently without an engine)" >&2
	exit 1
fi
echo "(benchmark binary wall time incl. setup and teardown: $(elapsed "$t0" "$t1") s)" >&2

echo
echo "$N-service pod vs $N containers: time to up (teardown untimed); mean of $ROUNDS rounds; $(date -u +%Y-%m-%dT%H:%MZ)"
echo "$PODIUM_NOTE"
printf '%-42s %10s %12s %12s\n' method "total s" ms/service "x raw floor"
row() { awk -v m="$1" -v s="$2" -v n="$N" -v base="$raw" 'BEGIN { printf "%-42s %10.3f %12.1f %12.2f\n", m, s, s * 1000 / n, s / base }'; }
row "raw floor: backend/docker, $N in parallel" "$raw"
row "podium up, cold (pods.Runner)" "$go_cold"
row "podium up, cold, healthy + wait" "$go_health"
row "podium up, no-op (pods.Runner)" "$go_noop"
if [ -n "$PODIUM" ]; then
	row "podium binary: up, cold" "$pod_cold"
	row "podium binary: up, no-op" "$pod_noop"
fi
row "docker CLI: run -d x$N sequential" "$cli_seq"
row "docker CLI: run -d x$N, xargs -P $PAR" "$cli_par"
echo "(x raw floor is time relative to creating and starting the $N containers in parallel through backend/docker: 1 is the floor)"
