#!/usr/bin/env bash
# Opens Podium's TUI on the demo workspace (examples/demo, or $DEMO_WORKSPACE): starts the
# engine if needed and brings the demo's pods up first, so there is something live to look at.
# Every container the demo starts (pods, supervised services, pipeline steps) carries the label
# dev.podium.demo=<the workspace's absolute path>; the leftovers of an earlier demo of the same
# workspace are removed first, and nobody else's. Arguments after the binary are global flags
# for every podium command the demo runs (-H HOST, -p NAME, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-bin/podium}
shift || true
ws=$(cd "${DEMO_WORKSPACE:-examples/demo}" && pwd -P)
label="dev.podium.demo=$ws"

echo "demo: checking the engine (scripts/engine.sh)"
bash scripts/engine.sh

old=$(docker ps -aq --filter "label=$label")
if [ -n "$old" ]; then
	echo "demo: removing $(echo "$old" | wc -w) containers an earlier demo of $ws left"
	docker rm -f $old >/dev/null
fi

echo "demo: bringing up the pods of $ws (podium up --init --wait)"
"$bin" --label "$label" -w "$ws" "$@" up --init --wait

echo "demo: opening the TUI on $ws"
exec "$bin" --label "$label" -w "$ws" "$@"
