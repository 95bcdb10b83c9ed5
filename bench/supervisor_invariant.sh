#!/usr/bin/env bash
# supervisor_invariant.sh: how far below its availability invariant a 3-replica rolling service
# goes, seen from outside the supervisor (a sampler lists the service's containers through the
# engine every 100 ms and counts the running, healthy ones), for three runs:
#
#   * single save: one spec change, rolled one container at a time, stop-first
#     (TestInvariantSingleSaveRolling; invariant: ≥ 2 healthy);
#   * double save: a second change while the first rolls out, in three phases: the first new
#     container starting, healthy, and the second batch stopping its old container
#     (TestInvariantDoubleSaveRolling/*; invariant ≥ 2);
#   * chaos: CYCLES (default 5) cycles of "change every spec, wait 0–3 s, SIGKILL the supervisor
#     process, start a new one" (TestChaosKillRestart, service "roll": 3 replicas, start-first,
#     invariant ≥ 3; the After 1 and Before services of that test are reported too).
#
# For each it prints the fewest healthy containers seen, the total time spent below the
# invariant (gap), the longest run below it, and the time to converge (the last save, or for
# chaos the last supervisor's start, to Stable on the last spec with exactly its replicas).
# It asserts nothing: the tests fail when the invariant is broken; this collects their figures
# (the tests print them with PODIUM_INV_METRICS=1).
#
# The tests use the local engine through the test harness (every container labelled, swept at
# the end); nothing is pulled; busybox:latest must be present.
#
# Usage: bench/supervisor_invariant.sh     (CYCLES=5 RACE= by default; RACE=-race adds the race
#                                          detector, as the tests are usually run)
set -euo pipefail

cd "$(dirname "$0")/.."

CYCLES=${CYCLES:-5}
RACE=${RACE:-}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# shellcheck disable=SC2086
PODIUM_INV_METRICS=1 PODIUM_CHAOS_CYCLES=$CYCLES go test $RACE -count=1 -timeout 20m -v \
	-run '^(TestInvariantSingleSaveRolling|TestInvariantDoubleSaveRolling|TestChaosKillRestart)$' \
	./backend/supervisor/ >"$log" 2>&1 || true

# invariant-metrics test=T service=S what="…" invariant=I min=M below=B gap_ms=G longest_ms=L span_ms=X
# invariant-converge test=T service=S converge_ms=C
awk '
function field(line, key,   re, m) {
	re = key "=[^ ]+"
	if (match(line, re)) { m = substr(line, RSTART + length(key) + 1, RLENGTH - length(key) - 1); return m }
	return "?"
}
/invariant-metrics/ {
	k = field($0, "test") " " field($0, "service")
	inv[k] = field($0, "invariant"); mn[k] = field($0, "min"); gap[k] = field($0, "gap_ms")
	lon[k] = field($0, "longest_ms"); below[k] = field($0, "below"); order[++n] = k
}
/invariant-converge/ { conv[field($0, "test") " " field($0, "service")] = field($0, "converge_ms") }
/^ *--- (PASS|FAIL)/ { r = $2; sub(":", "", r); res[$3] = r }
END {
	printf "%-52s %-7s %9s %8s %7s %8s %11s %12s %s\n", "run", "service", "invariant", "min seen", "below", "gap ms", "longest ms", "converge ms", "test"
	for (i = 1; i <= n; i++) {
		k = order[i]; split(k, p, " ")
		printf "%-52s %-7s %9s %8s %7s %8s %11s %12s %s\n", p[1], p[2], inv[k], mn[k], below[k], gap[k], lon[k], (k in conv ? conv[k] : "-"), (p[1] in res ? res[p[1]] : "?")
	}
}' "$log"

if ! grep -q invariant-metrics "$log"; then
	echo "no figures; the test output was:" >&2
	tail -50 "$log" >&2
	exit 1
fi
