#!/usr/bin/env bash
# engine_vs_cli.sh: 20 busybox containers created, started and force-removed, measured side by
# side in one run: through Podium's backend/docker (the Go benchmarks
# BenchmarkCreateStartRemove20{Sequential,Parallel}) and through the docker CLI (`docker run -d`
# ×20 then `docker rm -f` ×20, one after the other, and with xargs -P 8).
#
# Only the local engine is used: DOCKER_HOST must be unset or a unix:// socket, and it is exported
# so the CLI and Podium talk to the same daemon (ignoring any docker context). Nothing is pulled;
# busybox:latest must be present. Every container carries dev.podium.bench=1 and a per-run
# dev.podium.bench.run label, and the EXIT trap removes everything with this run's label, on
# failure and on Ctrl-C too.
#
# Usage: bench/engine_vs_cli.sh            (ROUNDS=3 by default; ROUNDS=5 bench/engine_vs_cli.sh)
set -euo pipefail

cd "$(dirname "$0")/.."

N=20
PAR=8
ROUNDS=${ROUNDS:-3}
IMAGE=busybox:latest

. bench/lib.sh
bench_local_engine engine_vs_cli.sh

RUN="ecli-$$-$(date +%s)"
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

docker info >/dev/null 2>&1 || { echo "engine_vs_cli.sh: no Docker engine at $DOCKER_HOST (scripts/engine.sh starts one)" >&2; exit 1; }
docker image inspect "$IMAGE" >/dev/null 2>&1 || { echo "engine_vs_cli.sh: $IMAGE is not present locally (no pulls here)" >&2; exit 1; }

WORK=$(mktemp -d)
TMP=$WORK/ids
GOOUT=$WORK/go.out
BIN=$WORK/bench.test

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", b - a }'; }

# One round of the CLI variant: run N containers, then remove them; $1 is the parallelism.
cli_round() {
	local p=$1
	: >"$TMP"
	if [ "$p" -le 1 ]; then
		for _ in $(seq "$N"); do
			docker run -d "${LABELS[@]}" "$IMAGE" sleep 300 >>"$TMP"
		done
		[ "$(wc -l <"$TMP")" -eq "$N" ] || { echo "cli: expected $N containers" >&2; return 1; }
		while read -r id; do docker rm -f "$id" >/dev/null; done <"$TMP"
	else
		seq "$N" | xargs -P "$p" -I{} docker run -d "${LABELS[@]}" "$IMAGE" sleep 300 >>"$TMP"
		[ "$(wc -l <"$TMP")" -eq "$N" ] || { echo "cli: expected $N containers" >&2; return 1; }
		xargs -P "$p" -n 1 docker rm -f <"$TMP" >/dev/null
	fi
}

# cli_measure VAR P sets VAR to the mean wall seconds of ROUNDS rounds of cli_round P. (No
# command substitution here: the signal traps must not wait for a subshell's whole run.)
cli_measure() {
	local total=0 t0 t1
	for _ in $(seq "$ROUNDS"); do
		t0=$(now)
		cli_round "$2"
		t1=$(now)
		total=$(awk -v s="$total" -v d="$(elapsed "$t0" "$t1")" 'BEGIN { printf "%.6f", s + d }')
	done
	printf -v "$1" '%s' "$(awk -v s="$total" -v r="$ROUNDS" 'BEGIN { printf "%.6f", s / r }')"
}

echo "engine: $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})') at $DOCKER_HOST; $(nproc) CPUs; $ROUNDS rounds of $N containers each" >&2

echo "docker CLI, sequential ..." >&2
cli_measure cli_seq 1
echo "docker CLI, xargs -P $PAR ..." >&2
cli_measure cli_par "$PAR"

echo "podium backend (go test -run '^\$' -bench CreateStartRemove20 -benchtime ${ROUNDS}x) ..." >&2
# Build first, then run the test binary in the background: `wait` lets the traps run at once,
# and on a signal the cleanup stops the binary and removes its containers by the run label.
go test -c -o "$BIN" ./bench/
t0=$(now)
(cd bench && exec "$BIN" -test.count 1 -test.run '^$' -test.bench 'CreateStartRemove20' -test.benchtime "${ROUNDS}x") >"$GOOUT" 2>&1 &
BENCHPID=$!
rc=0
wait "$BENCHPID" || rc=$?
BENCHPID=
t1=$(now)
if [ "$rc" -ne 0 ]; then
	cat "$GOOUT" >&2
	echo "engine_vs_cli.sh: go benchmark failed" >&2
	exit 1
fi
# ns/op is one op: 20 containers up and removed, timed inside the benchmark (no build time).
go_ns() { awk -v name="$1" '$1 ~ "^Benchmark" name "(-[0-9]+)?$" { for (i = 2; i < NF; i++) if ($(i+1) == "ns/op") { print $i; exit } }' "$GOOUT"; }
go_seq_ns=$(go_ns CreateStartRemove20Sequential)
go_par_ns=$(go_ns CreateStartRemove20Parallel)
if [ -z "$go_seq_ns" ] || [ -z "$go_par_ns" ]; then
	cat "$GOOUT" >&2
	echo "engine_vs_cli.sh: no result lines in the benchmark output (skipped? it skips silently without an engine)" >&2
	exit 1
fi
go_seq=$(awk -v n="$go_seq_ns" 'BEGIN { printf "%.6f", n / 1e9 }')
go_par=$(awk -v n="$go_par_ns" 'BEGIN { printf "%.6f", n / 1e9 }')
echo "(benchmark binary wall time incl. setup: $(elapsed "$t0" "$t1") s)" >&2

echo
echo "$N containers: create+start, then force-remove; mean of $ROUNDS rounds; $(date -u +%Y-%m-%dT%H:%MZ)"
printf '%-28s %12s %14s %14s\n' method "total s" ms/container "x CLI seq"
row() { awk -v m="$1" -v s="$2" -v n="$N" -v base="$cli_seq" 'BEGIN { printf "%-28s %12.3f %14.1f %14.2f\n", m, s, s * 1000 / n, s / base }'; }
row "docker CLI sequential" "$cli_seq"
row "docker CLI xargs -P $PAR" "$cli_par"
row "podium backend sequential" "$go_seq"
row "podium backend parallel $PAR" "$go_par"
echo "(x CLI seq is time relative to the CLI doing it one by one: below 1 is faster)"
