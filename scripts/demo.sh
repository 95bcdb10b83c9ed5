#!/usr/bin/env bash
# Opens Podium's TUI on the demo workspace (examples/demo): starts the engine if needed and
# brings the demo's pods up first, so there is something live to look at.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-bin/podium}
ws=examples/demo

bash scripts/engine.sh

# Containers of the first demo (before the demo workspace existed) are Podium's own: retire them.
old=$(docker ps -aq --filter label=dev.podium.demo=1)
[ -z "$old" ] || docker rm -f $old >/dev/null

echo "demo: bringing up the pods of $ws"
"$bin" -w "$ws" up --init --wait

exec "$bin" -w "$ws" "${@:2}"
