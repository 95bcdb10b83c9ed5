#!/usr/bin/env bash
# pipeline_vs_cli.sh: a pipeline of 100 trivial exec nodes (`true` in busybox) measured side by
# side, in one run, with the docker CLI doing the same 100 commands:
#
#   * the Go benchmarks (in-process, timed inside): BenchmarkPipeline100{Parallel,Serial}{Pool,
#     Isolated}, run once each as `-run '^$' -bench 'Pipeline100' -benchtime 1x`, with their
#     ns/op parsed from the output, plus the serial pool run's exec-ms/node and
#     overhead-ms/node;
#   * the docker CLI: `docker run --rm busybox true` ×100, one after the other, and the same
#     through xargs -P 4.
#
# Only the local engine is used: DOCKER_HOST must be unset or a unix:// socket, and it is exported
# so the CLI and the Go benchmarks talk to the same daemon (ignoring any docker context). Nothing
# is pulled; busybox:latest must be present. The CLI's containers and the Go benchmarks'
# containers carry dev.podium.bench=1 and a per-run dev.podium.bench.run label, and the EXIT
# trap removes exactly those, on failure and on Ctrl-C too.
#
# Usage: bench/pipeline_vs_cli.sh
set -euo pipefail

cd "$(dirname "$0")/.."

N=100
PAR=4
IMAGE=busybox:latest

. bench/lib.sh
bench_local_engine pipeline_vs_cli.sh

RUN="plcli-$$-$(date +%s)"
export PODIUM_BENCH_RUN=$RUN
LABELS=(--label dev.podium.bench=1 --label "dev.podium.bench.run=$RUN")

sweep() { bench_sweep "label=dev.podium.bench.run=$RUN"; }

cleanup() {
	local killed=
	if [ -n "${BENCHPID:-}" ] && kill -0 "$BENCHPID" 2>/dev/null; then
		kill -TERM "$BENCHPID" 2>/dev/null || true
		wait "$BENCHPID" 2>/dev/null || true
		killed=1
	fi
	if [ -n "${XPID:-}" ] && kill -0 "$XPID" 2>/dev/null; then
		kill -TERM "$XPID" 2>/dev/null || true
		wait "$XPID" 2>/dev/null || true
		killed=1
	fi
	sweep
	if [ -n "$killed" ]; then
		# A create the killed process had in flight still completes in the engine: sweep again.
		sleep 2
		sweep
	fi
	rm -rf "${WORK:-}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

docker info >/dev/null 2>&1 || { echo "pipeline_vs_cli.sh: no Docker engine at $DOCKER_HOST (scripts/engine.sh starts one)" >&2; exit 1; }
docker image inspect "$IMAGE" >/dev/null 2>&1 || { echo "pipeline_vs_cli.sh: $IMAGE is not present locally (no pulls here)" >&2; exit 1; }

WORK=$(mktemp -d)
GOOUT=$WORK/go.out
BIN=$WORK/bench.test

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", b - a }'; }

echo "engine: $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})') at $DOCKER_HOST; $(nproc) CPUs" >&2

echo "docker CLI: run --rm $IMAGE true x$N, sequential ..." >&2
t0=$(now)
for _ in $(seq "$N"); do
	docker run --rm "${LABELS[@]}" "$IMAGE" true
done
cli_seq=$(elapsed "$t0" "$(now)")

echo "docker CLI: run --rm $IMAGE true x$N, xargs -P $PAR ..." >&2
t0=$(now)
seq "$N" | xargs -P "$PAR" -I{} docker run --rm "${LABELS[@]}" "$IMAGE" true &
XPID=$!
wait "$XPID"
XPID=
cli_par=$(elapsed "$t0" "$(now)")

BENCHRE='Pipeline100'
echo "go benchmarks (go test -run '^\$' -bench '$BENCHRE' -benchtime 1x) ..." >&2
# Build first, then run the test binary in the background: `wait` lets the traps run at once,
# and on a signal the cleanup stops the binary and removes its containers by the run label.
go test -c -o "$BIN" ./bench/
t0=$(now)
(cd bench && exec "$BIN" -test.count 1 -test.run '^$' -test.bench "$BENCHRE" -test.benchtime 1x) >"$GOOUT" 2>&1 &
BENCHPID=$!
rc=0
wait "$BENCHPID" || rc=$?
BENCHPID=
t1=$(now)
if [ "$rc" -ne 0 ]; then
	cat "$GOOUT" >&2
	echo "pipeline_vs_cli.sh: go benchmark failed" >&2
	exit 1
fi
# go_metric NAME UNIT: the value before UNIT on NAME's result line (ns/op is converted to s).
go_metric() {
	awk -v name="$1" -v unit="$2" '$1 ~ "^Benchmark" name "(-[0-9]+)?$" { for (i = 2; i < NF; i++) if ($(i+1) == unit) { v = $i; if (unit == "ns/op") v = v / 1e9; printf "%.6f", v; exit } }' "$GOOUT"
}
par_pool=$(go_metric Pipeline100ParallelPool ns/op)
par_iso=$(go_metric Pipeline100ParallelIsolated ns/op)
ser_pool=$(go_metric Pipeline100SerialPool ns/op)
ser_iso=$(go_metric Pipeline100SerialIsolated ns/op)
exec_ms=$(go_metric Pipeline100SerialPool exec-ms/node)
over_ms=$(go_metric Pipeline100SerialPool overhead-ms/node)
if [ -z "$par_pool" ] || [ -z "$par_iso" ] || [ -z "$ser_pool" ] || [ -z "$ser_iso" ] || [ -z "$exec_ms" ]; then
	cat "$GOOUT" >&2
	echo "pipeline_vs_cli.sh: no result lines in the benchmark output (skipped? it skips silently without an engine)" >&2
	exit 1
fi
echo "(benchmark binary wall time incl. setup and teardown: $(elapsed "$t0" "$t1") s)" >&2

echo
echo "$N trivial commands (busybox true): one run each; $(date -u +%Y-%m-%dT%H:%MZ)"
printf '%-46s %10s %10s %10s\n' method "total s" ms/node "x CLI seq"
row() { awk -v m="$1" -v s="$2" -v n="$N" -v base="$cli_seq" 'BEGIN { printf "%-46s %10.3f %10.1f %10.2f\n", m, s, s * 1000 / n, s / base }'; }
row "docker CLI: run --rm x$N sequential" "$cli_seq"
row "docker CLI: run --rm x$N, xargs -P $PAR" "$cli_par"
row "pipeline: serial, container_reuse pool" "$ser_pool"
row "pipeline: serial, container_reuse isolated" "$ser_iso"
row "pipeline: parallel, container_reuse pool" "$par_pool"
row "pipeline: parallel, container_reuse isolated" "$par_iso"
echo "(x CLI seq is time relative to the sequential docker run loop: below 1 is faster)"
awk -v e="$exec_ms" -v o="$over_ms" 'BEGIN { printf "serial pool: engine exec of `true` %.1f ms/node measured directly; scheduler overhead %.1f ms/node\n", e, o }'
