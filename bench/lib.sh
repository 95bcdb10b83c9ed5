# Shared by the bench/*.sh scripts: source it after `set -euo pipefail`.
#
# bench_local_engine NAME: only the local engine is used. DOCKER_HOST must be unset or a
# unix:// socket; it is exported so every docker and podium command the script runs talks to
# that one engine, and DOCKER_CONTEXT is dropped so no context can point elsewhere.
bench_local_engine() {
	export DOCKER_HOST=${DOCKER_HOST:-unix:///var/run/docker.sock}
	case $DOCKER_HOST in
	unix://*) ;;
	*) echo "$1: DOCKER_HOST=$DOCKER_HOST is not a local unix socket; refusing" >&2; exit 2 ;;
	esac
	unset DOCKER_CONTEXT
}

# bench_sweep FILTER [PAR]: removes the containers (and with networks=1 in the environment, the
# networks) that match a `docker ps --filter`, PAR removals at a time; never fails, so it is
# safe in an EXIT trap.
bench_sweep() {
	local filter=$1 par=${2:-1} ids
	ids=$(docker ps -aq --filter "$filter" 2>/dev/null || true)
	if [ -n "$ids" ]; then
		echo "cleanup: removing $(echo "$ids" | wc -l) leftover container(s) ($filter)" >&2
		echo "$ids" | xargs -P "$par" -n 25 docker rm -f >/dev/null 2>&1 || true
	fi
	if [ "${networks:-0}" = 1 ]; then
		ids=$(docker network ls -q --filter "$filter" 2>/dev/null || true)
		if [ -n "$ids" ]; then
			echo "cleanup: removing $(echo "$ids" | wc -l) leftover network(s) ($filter)" >&2
			echo "$ids" | xargs docker network rm >/dev/null 2>&1 || true
		fi
	fi
}

# ticks PID: utime+stime in clock ticks (fields 14 and 15 of /proc/PID/stat, counted after the
# command name's closing parenthesis, since the name may hold spaces).
ticks() {
	local s
	s=$(<"/proc/$1/stat")
	s=${s##*) }
	# shellcheck disable=SC2086
	set -- $s
	echo $((${12} + ${13}))
}
# switches PID: context switches so far, summed over the process's threads.
switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/^(non)?voluntary_ctxt_switches:/ { s += $2 } END { print s + 0 }'; }
# status_kb PID KEY: a /proc/PID/status field in kB (VmRSS, VmHWM).
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
