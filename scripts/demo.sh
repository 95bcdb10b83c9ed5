#!/usr/bin/env bash
# Opens Podium's TUI on a live engine: starts the engine if needed and, when the engine has none
# of the demo's own containers, starts two small busybox services to look at.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-bin/podium}

bash scripts/engine.sh

if [ -z "$(docker ps -aq --filter label=dev.podium.demo=1)" ]; then
  echo "demo: starting two busybox containers (label dev.podium.demo=1)"
  docker run -d --name podium-demo-web \
    --label dev.podium.demo=1 \
    --label com.docker.compose.project=podium-demo --label com.docker.compose.service=web \
    --label com.docker.compose.container-number=1 --label com.docker.compose.oneoff=False \
    -p 127.0.0.1:18080:8080 \
    --health-cmd 'wget -q -O- http://127.0.0.1:8080/ >/dev/null' --health-interval 5s --health-timeout 2s \
    busybox:latest sh -c 'mkdir -p /www && echo "hello from podium demo" > /www/index.html && echo "web: serving on :8080" && httpd -f -p 8080 -h /www' >/dev/null
  docker run -d --name podium-demo-ticker \
    --label dev.podium.demo=1 \
    busybox:latest sh -c 'i=0; while true; do i=$((i+1)); echo "tick $i"; [ $((i % 5)) -eq 0 ] && echo "warning: tick $i is a multiple of five" >&2; sleep 2; done' >/dev/null
fi

exec "$bin" "${@:2}"
