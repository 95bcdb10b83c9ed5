#!/usr/bin/env bash
# tui_vs_cli.sh: the real podium binary's TUI, measured from the outside in a detached tmux
# session at 200x60 against the local engine, next to the docker CLI where there is one to
# compare with. It creates N busybox `sleep 3600` containers (default 50, running), then:
#
#   (i)   first frame: from asking tmux for a new session running `podium -w <empty dir>` until
#         the pane shows the header (the tab bar), and until it shows the engine's containers
#         (the list's title "Containers <n>"), STARTS times (default 10). The lower bound of the
#         method is measured the same way with `sh` printing the same tab bar (FLOORS times);
#   (ii)  idle CPU over IDLE seconds (default 30) with the N containers on screen (filtered to
#         this run's names) and nothing changing: utime+stime from /proc/<pid>/stat as % of one
#         core, context switches per second (the wake-ups a poll loop or a timer would add),
#         and, to show the window really was idle, the engine's events during it;
#   (iii) event to screen: EVENTS times (default 40), `docker rename` of a container on screen,
#         timed from just before the CLI is started until the pane shows the new name. The same
#         rename is timed until `docker events` (the CLI following the engine's stream, started
#         beforehand) prints it, and until `docker rename` itself returns: the Podium figure
#         includes both the CLI's own start and the engine's work, so it only means something
#         next to those. The per-rename difference, pane minus docker events, is Podium's share
#         (the index's inspect, Update and View, the renderer's next frame tick, tmux);
#   (iv)  RSS: VmRSS and VmHWM from /proc/<pid>/status with N containers, then after BIG - N
#         more (default 500 in all; created, not started) have arrived in the running TUI, and
#         for a fresh podium started with BIG present; with BIG in the running TUI, the idle
#         measure is repeated over IDLE_BIG seconds (default 10). The docker CLI has no long-running
#         counterpart of the TUI; `docker events` is the closest (a Go process following the
#         same stream), so its VmRSS is printed beside ours. (`docker ps` is a one-shot listing,
#         not comparable.)
#
# The pane is read through one tmux control-mode client (`tmux -C`), which runs capture-pane
# (first lines only) without a fork per poll; a poll costs about 1 ms, and the loop waits ~1 ms
# between polls (bash's read -t on a FIFO, no sleep process). The mean interval is measured and
# printed: every latency below includes, on average, half of it.
#
# Nothing is asserted. Only the local engine is used: DOCKER_HOST must be unset or a unix://
# socket (it is exported so the CLI and podium use the same daemon). Nothing is pulled;
# busybox:latest must be present. Every container carries dev.podium.test=bench-tui-<run>;
# the EXIT trap kills the private tmux server (and with it every podium it started), stops the
# `docker events` reader and removes exactly the run's containers, on failure and Ctrl-C too.
# podium gets XDG_STATE_HOME and XDG_CONFIG_HOME under the temp dir, so it neither writes to
# nor reads from the user's own (log file, key overrides). The podium binary is $PODIUM if
# set, else bin/podium built now from ./cmd/tui, else (when the working tree does not build)
# the last commit's ./cmd/tui built from `git archive HEAD`, and the script says which.
#
# Usage: bench/tui_vs_cli.sh     (N=50 BIG=500 STARTS=10 FLOORS=5 IDLE=30 IDLE_BIG=10 EVENTS=40 SETTLE=2;
#                                 PODIUM=bin/podium bench/tui_vs_cli.sh uses that binary)
set -euo pipefail

cd "$(dirname "$0")/.."

N=${N:-50}
BIG=${BIG:-500}
STARTS=${STARTS:-10}
FLOORS=${FLOORS:-5}
IDLE=${IDLE:-30}
IDLE_BIG=${IDLE_BIG:-10}
EVENTS=${EVENTS:-40}
SETTLE=${SETTLE:-2}
W=200
H=60
PAR=8
IMAGE=busybox:latest

. bench/lib.sh
bench_local_engine tui_vs_cli.sh

RUN="tui-$$-$(date +%s)"
LABEL="dev.podium.test=bench-$RUN"
# Container names unique to this run; the TUI's filter is set to this prefix.
PFX="tuib$$x$(date +%s)"

sweep() { bench_sweep "label=$LABEL" "$PAR"; }

cleanup() {
	if [ -n "${TMC_PID:-}" ]; then
		kill "$TMC_PID" 2>/dev/null || true
	fi
	if [ -n "${TSOCK:-}" ] && [ -S "$TSOCK" ]; then
		tmux -S "$TSOCK" kill-server 2>/dev/null || true
	fi
	if [ -n "${EVPID:-}" ]; then
		kill "$EVPID" 2>/dev/null || true
	fi
	sweep
	if [ -n "${CREATING:-}" ]; then
		# Interrupted mid-create: a create in flight still completes in the engine.
		sleep 2
		sweep
	fi
	rm -rf "${WORK:-}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "tui_vs_cli.sh: $*" >&2; exit 1; }

docker info >/dev/null 2>&1 || die "no Docker engine at $DOCKER_HOST (scripts/engine.sh starts one)"
docker image inspect "$IMAGE" >/dev/null 2>&1 || die "$IMAGE is not present locally (no pulls here)"
command -v tmux >/dev/null || die "needs tmux"
[ -r /proc/self/stat ] || die "needs Linux's /proc"
[ -n "${EPOCHREALTIME:-}" ] || die "needs bash 5 (EPOCHREALTIME)"

WORK=$(mktemp -d)
EMPTY=$WORK/ws
mkdir -p "$EMPTY" "$WORK/state" "$WORK/config"
TSOCK=$WORK/tmux.sock
EVLOG=$WORK/events.log
mkfifo "$WORK/never"
# A descriptor nothing is ever written to: `read -t` on it is a sleep without a process.
exec {NEVER}<>"$WORK/never"
pause() { read -r -t "$1" -u "$NEVER" _ || true; }

# The podium binary: $PODIUM, else bin/podium built now, else the last commit's ./cmd/tui.
if [ -n "${PODIUM:-}" ]; then
	[ -x "$PODIUM" ] || die "PODIUM=$PODIUM is not an executable"
	PODIUM_NOTE="podium binary: $PODIUM (given)"
elif mkdir -p bin && go build -o bin/podium ./cmd/tui 2>"$WORK/build.log"; then
	PODIUM=$PWD/bin/podium
	PODIUM_NOTE="podium binary: bin/podium, built from ./cmd/tui"
else
	err=$(grep -m1 -v '^#' "$WORK/build.log" || true)
	mkdir -p "$WORK/src"
	if git archive HEAD | tar -x -C "$WORK/src" && (cd "$WORK/src" && go build -o "$WORK/podium" ./cmd/tui) 2>"$WORK/build-head.log"; then
		PODIUM=$WORK/podium
		PODIUM_NOTE="podium binary: the working tree does not build ($err); built from HEAD $(git rev-parse --short HEAD) instead"
	else
		head -n 5 "$WORK/build-head.log" >&2 || true
		die "./cmd/tui does not build ($err), nor does HEAD's"
	fi
fi
echo "$PODIUM_NOTE" >&2

# Times are microseconds, read as ${EPOCHREALTIME/./} in place (a $(…) would fork first).
# ms A B: B - A in ms.
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f\n", (b - a) / 1000 }'; }
# ticks, switches and status_kb come from bench/lib.sh.
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
HZ=$(getconf CLK_TCK)

# stats FILE: "p50 p95 max n" of the numbers in FILE, one a line (nearest-rank percentiles).
stats() {
	sort -g "$1" | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "- - - 0"; exit }
		i50 = int(NR * 0.50); if (i50 < NR * 0.50) i50++
		i95 = int(NR * 0.95); if (i95 < NR * 0.95) i95++
		printf "%.1f %.1f %.1f %d\n", v[i50], v[i95], v[NR], NR
	}'
}

# --- the containers -------------------------------------------------------------------------
# create COUNT FIRST KIND: COUNT containers named $PFX-<KIND><n>, from FIRST, 8 at a time;
# KIND a is run (running), b is created only.
create() {
	local count=$1 first=$2 kind=$3 verb=(run -d)
	[ "$kind" = b ] && verb=(create)
	CREATING=1
	seq -f '%03g' "$first" $((first + count - 1)) |
		xargs -P "$PAR" -I{} docker "${verb[@]}" --label "$LABEL" --name "$PFX-$kind{}" "$IMAGE" sleep 3600 >/dev/null
	CREATING=
}
t=${EPOCHREALTIME/./}
echo "creating $N running containers ..." >&2
create "$N" 0 a
echo "  done in $(ms "$t" "${EPOCHREALTIME/./}") ms" >&2
others=$(($(docker ps -aq | wc -l) - N))

# --- tmux, driven through one control-mode client ------------------------------------------
# The server starts with a keeper session the control client attaches to; every measured
# session is made by a command on that client, so no tmux process is started per launch or
# per poll. The measured sessions are detached (no client ever shows them), so they keep
# exactly W x H. (window-size manual would say so too, but tmux 3.3a's server crashes when a
# control client makes a session with it set.)
tmux -S "$TSOCK" new-session -d -s keeper -x "$W" -y "$H" "exec sleep 86400"
tmux -S "$TSOCK" set-option -g default-size "${W}x${H}" >/dev/null
coproc TMC { exec tmux -S "$TSOCK" -C attach -t keeper -f no-output 2>&1; }
# tmc CMD...: run a tmux command; its output lines are in OUT. Fails on %error. An answer is a
# block "%begin TIME NUMBER FLAGS" ... "%end"/"%error"; FLAGS is 1 for the client's own
# commands, so blocks tmux sends on its own (the attach's) are skipped, as are notifications.
tmc() {
	printf '%s\n' "$*" >&"${TMC[1]}"
	OUT=""
	local line inblock=0
	while IFS= read -r line <&"${TMC[0]}"; do
		case $line in
		%begin*" 1") inblock=1; continue ;;
		%begin*) inblock=2; continue ;;
		%end* | %error*)
			case $inblock in
			1) [[ $line == %end* ]] && return 0 || return 1 ;;
			2) inblock=0; continue ;;
			esac ;;
		%*) [ "$inblock" != 0 ] || continue ;;
		esac
		[ "$inblock" = 1 ] && OUT+=$line$'\n'
	done
	die "the tmux control client went away"
}
# Get in step: the attach itself answers with a block of its own, so read up to the answer of
# a marker command before anything is timed; from here on every answer is the last command's.
printf 'display-message -p tmc-sync-%s\n' "$RUN" >&"${TMC[1]}"
while IFS= read -r line <&"${TMC[0]}"; do
	[ "$line" = "tmc-sync-$RUN" ] && break
done
while IFS= read -r line <&"${TMC[0]}"; do
	case $line in %end* | %error*) break ;; esac
done
# The programs the sessions run, as scripts, so no quoting passes through tmux's parser. Both
# end in exec: the pane's pid is the program's.
cat >"$WORK/podium.sh" <<EOF
#!/bin/sh
XDG_STATE_HOME='$WORK/state' XDG_CONFIG_HOME='$WORK/config' exec '$PODIUM' -w '$EMPTY'
EOF
cat >"$WORK/floor.sh" <<'EOF'
#!/bin/sh
printf ' podium  [1 Pods]  2 Deploys   3 Pipelines   4 Containers\n'
exec sleep 600
EOF
chmod +x "$WORK/podium.sh" "$WORK/floor.sh"
# launch SESSION SCRIPT: a new detached session of W x H running SCRIPT.
launch() { tmc new-session -d -s "$1" -x "$W" -y "$H" "'$2'"; }
# panepid SESSION: PANE is the pid of the session's program (the pane's command runs `exec`).
panepid() {
	tmc display-message -p -t "$1" "'#{pane_pid}'" || die "no pane $1"
	PANE=${OUT%$'\n'}
	[[ $PANE =~ ^[0-9]+$ ]] || die "pane $1 has no pid ($PANE)"
}
# stop SESSION PID: kill the session and wait until its program has exited.
stop() {
	tmc kill-session -t "$1" || true
	local i
	for i in $(seq 500); do
		kill -0 "$2" 2>/dev/null || return 0
		pause 0.01
	done
}

POLLS=0 POLL_US=0
# poll SESSION LAST_LINE PATTERN TIMEOUT_S: capture lines 0..LAST_LINE until they match the
# bash regex PATTERN; SEEN is the time (us) of the matching capture. Fails on timeout.
poll() {
	local start end
	start=${EPOCHREALTIME/./}
	end=$((start + $4 * 1000000))
	while :; do
		tmc capture-pane -p -t "$1" -S 0 -E "$2" || return 1
		SEEN=${EPOCHREALTIME/./}
		POLLS=$((POLLS + 1))
		if [[ $OUT =~ $3 ]]; then
			POLL_US=$((POLL_US + SEEN - start))
			return 0
		fi
		[ "$SEEN" -lt "$end" ] || return 1
		pause 0.001
	done
}

HEADER='Pods.*Deploys.*Pipelines.*Containers'
LISTED='Containers [1-9][0-9]*'

# --- (i) first frame -----------------------------------------------------------------------
echo "first frame: method floor x$FLOORS, podium x$STARTS ..." >&2
: >"$WORK/floor" && : >"$WORK/header" && : >"$WORK/listed"
for i in $(seq "$FLOORS"); do
	t0=${EPOCHREALTIME/./}
	launch "floor$i" "$WORK/floor.sh"
	poll "floor$i" 0 "$HEADER" 10 || die "the floor session never showed its line"
	ms "$t0" "$SEEN" >>"$WORK/floor"
	panepid "floor$i"
	stop "floor$i" "$PANE"
done
for i in $(seq "$STARTS"); do
	t0=${EPOCHREALTIME/./}
	launch "start$i" "$WORK/podium.sh"
	poll "start$i" 0 "$HEADER" 30 || die "podium never showed its header; log: $WORK/state/podium/podium.log"
	ms "$t0" "$SEEN" >>"$WORK/header"
	poll "start$i" 2 "$LISTED" 30 || die "podium never listed the containers"
	ms "$t0" "$SEEN" >>"$WORK/listed"
	panepid "start$i"
	stop "start$i" "$PANE"
	pause 0.2
done
FIRST_POLL_MS=$(awk -v t="$POLL_US" -v n="$POLLS" 'BEGIN { printf "%.2f", n ? t / n / 1000 : 0 }')

# --- (ii) idle with N on screen ------------------------------------------------------------
echo "idle: $N containers on screen, ${IDLE}s ..." >&2
launch main "$WORK/podium.sh"
poll main 2 "$LISTED" 30 || die "podium never listed the containers"
panepid main
PID=$PANE
# The filter (the Containers tab's "/") shows exactly this run's containers.
tmc send-keys -t main /
tmc send-keys -t main -l "$PFX"
tmc send-keys -t main Enter
poll main 2 "Containers $N of" 30 || die "the filter never showed the run's $N containers"
pause "$SETTLE"

# idle SECONDS: measures the podium process over a window in which the script does nothing;
# sets CPU (% of a core), WAKE (switches/s), EV (engine events during the window), WIN (s).
idle() {
	local c0 x0 w0 w1 since until
	since=$(date +%s)
	c0=$(ticks "$PID")
	x0=$(switches "$PID")
	w0=${EPOCHREALTIME/./}
	pause "$1"
	w1=${EPOCHREALTIME/./}
	CPU=$(awk -v d="$(($(ticks "$PID") - c0))" -v hz="$HZ" -v w="$((w1 - w0))" 'BEGIN { printf "%.3f", d / hz / (w / 1e6) * 100 }')
	WAKE=$(awk -v d="$(($(switches "$PID") - x0))" -v w="$((w1 - w0))" 'BEGIN { printf "%.1f", d / (w / 1e6) }')
	WIN=$(awk -v w="$((w1 - w0))" 'BEGIN { printf "%.1f", w / 1e6 }')
	until=$(($(date +%s) + 1))
	EV=$({ timeout 10 docker events --since "$since" --until "$until" --format '{{.Type}}' 2>/dev/null || true; } | wc -l)
}
idle "$IDLE"
CPU50=$CPU WAKE50=$WAKE EV50=$EV WIN50=$WIN
THREADS50=$(status_kb "$PID" Threads)
RSS50=$(status_kb "$PID" VmRSS)
HWM50=$(status_kb "$PID" VmHWM)

# --- (iii) event to screen -----------------------------------------------------------------
echo "event to screen: $EVENTS renames ..." >&2
# The CLI side: `docker events` for this run's renames, each line stamped when bash reads it.
# --since replays what happened before it connected, so the warm-up rename is never missed.
docker events --since "$(date +%s)" --filter "label=$LABEL" --filter event=rename --format '{{.Actor.Attributes.name}}' \
	> >(while IFS= read -r name; do printf '%s %s\n' "${EPOCHREALTIME/./}" "$name"; done >"$EVLOG") &
EVPID=$!
evseen() { # evseen NAME: the stamp of NAME's rename event, waiting for it (10 s at most)
	local i line
	for i in $(seq 1000); do
		line=$(grep -m1 " $1\$" "$EVLOG" || true)
		[ -n "$line" ] && { echo "${line%% *}"; return 0; }
		pause 0.01
	done
	return 1
}
: >"$WORK/lat-podium" && : >"$WORK/lat-events" && : >"$WORK/lat-cli" && : >"$WORK/lat-after"
POLLS=0 POLL_US=0
cur="$PFX-a001"
for k in $(seq 0 "$EVENTS"); do
	new=$(printf '%s-a001-r%02d' "$PFX" "$k")
	t0=${EPOCHREALTIME/./}
	docker rename "$cur" "$new"
	t1=${EPOCHREALTIME/./}
	poll main 12 "$new" 30 || die "the pane never showed $new"
	te=$(evseen "$new") || die "docker events never printed the rename to $new"
	# Rename 0 is a warm-up (the events reader's connection, first caches): not counted.
	if [ "$k" -gt 0 ]; then
		ms "$t0" "$SEEN" >>"$WORK/lat-podium"
		ms "$t0" "$te" >>"$WORK/lat-events"
		ms "$t0" "$t1" >>"$WORK/lat-cli"
		ms "$te" "$SEEN" >>"$WORK/lat-after"
	fi
	cur=$new
	pause 0.1
done
EVENT_POLL_MS=$(awk -v t="$POLL_US" -v n="$POLLS" 'BEGIN { printf "%.2f", n ? t / n / 1000 : 0 }')
EVRSS=$(status_kb "$EVPID" VmRSS || echo 0)
kill "$EVPID" 2>/dev/null || true
EVPID=

# --- (iv) 500 containers -------------------------------------------------------------------
echo "growing to $BIG containers ($((BIG - N)) created, not started) ..." >&2
t=${EPOCHREALTIME/./}
create $((BIG - N)) 0 b
CREATE_S=$(awk -v d="$((${EPOCHREALTIME/./} - t))" 'BEGIN { printf "%.1f", d / 1e6 }')
poll main 2 "Containers $BIG of" 120 || die "the TUI never showed $BIG containers"
pause "$SETTLE"
idle "$IDLE_BIG"
CPU500=$CPU WAKE500=$WAKE EV500=$EV WIN500=$WIN
RSS500=$(status_kb "$PID" VmRSS)
HWM500=$(status_kb "$PID" VmHWM)
stop main "$PID"

echo "fresh start with $BIG ..." >&2
t0=${EPOCHREALTIME/./}
launch big "$WORK/podium.sh"
poll big 0 "$HEADER" 30 || die "podium never showed its header"
BIG_HEADER=$(ms "$t0" "$SEEN")
poll big 2 "$LISTED" 60 || die "podium never listed the containers"
BIG_LISTED=$(ms "$t0" "$SEEN")
panepid big
BPID=$PANE
pause "$SETTLE"
RSSB=$(status_kb "$BPID" VmRSS)
HWMB=$(status_kb "$BPID" VmHWM)
stop big "$BPID"

# --- the table -----------------------------------------------------------------------------
read -r f50 f95 fmax fn < <(stats "$WORK/floor")
read -r h50 h95 hmax hn < <(stats "$WORK/header")
read -r l50 l95 lmax ln < <(stats "$WORK/listed")
read -r p50 p95 pmax pn < <(stats "$WORK/lat-podium")
read -r e50 e95 emax en < <(stats "$WORK/lat-events")
read -r c50 c95 cmax cn < <(stats "$WORK/lat-cli")
read -r a50 a95 amax an < <(stats "$WORK/lat-after")
hmin=$(sort -g "$WORK/header" | head -1)
fmin=$(sort -g "$WORK/floor" | head -1)

echo
echo "podium TUI in tmux at ${W}x${H}, against the docker CLI; $(date -u +%Y-%m-%dT%H:%MZ)"
echo "$PODIUM_NOTE"
echo "engine: $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})'); $(nproc) CPUs; $others other container(s) on the engine; load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-44s %-28s %s\n' "measure" "podium" "reference"
printf '%-44s %-28s %s\n' "first frame: header, p50 [min, max] (n=$hn)" "$h50 ms [$hmin, $hmax]" "method floor (sh prints it): $f50 ms [$fmin, $fmax]"
printf '%-44s %-28s %s\n' "first frame with the list, p50 [max]" "$l50 ms [$lmax]" ""
printf '%-44s %-28s %s\n' "idle CPU, $N on screen, ${WIN50} s" "$CPU50 % of a core" "resolution $(awk -v hz="$HZ" -v w="$WIN50" 'BEGIN { printf "%.3f", 100 / hz / w }') %"
printf '%-44s %-28s %s\n' "  wake-ups (context switches)" "$WAKE50 /s, $THREADS50 threads" "engine events in the window: $EV50"
printf '%-44s %-28s %s\n' "event to screen (rename), p50/p95/max" "$p50/$p95/$pmax ms (n=$pn)" "docker events: $e50/$e95/$emax ms"
printf '%-44s %-28s %s\n' "  docker rename returns after, p50/p95/max" "" "$c50/$c95/$cmax ms"
printf '%-44s %-28s %s\n' "  podium after docker events, p50/p95/max" "$a50/$a95/$amax ms" "(per rename: pane seen - events line read)"
printf '%-44s %-28s %s\n' "RSS, $N containers (VmRSS / VmHWM)" "$(mib "$RSS50") / $(mib "$HWM50") MiB" "docker events (CLI): $(mib "$EVRSS") MiB"
printf '%-44s %-28s %s\n' "RSS, grown to $BIG in the running TUI" "$(mib "$RSS500") / $(mib "$HWM500") MiB" "($((BIG - N)) docker create, 8 at a time: $CREATE_S s)"
printf '%-44s %-28s %s\n' "RSS, fresh start with $BIG" "$(mib "$RSSB") / $(mib "$HWMB") MiB" "header $BIG_HEADER ms, list $BIG_LISTED ms"
printf '%-44s %-28s %s\n' "idle CPU, $BIG in the TUI, ${WIN500} s" "$CPU500 % of a core" "$WAKE500 wake-ups/s; engine events: $EV500"
echo "polling: capture-pane through a tmux control client, mean interval ${FIRST_POLL_MS} ms (first frames), ${EVENT_POLL_MS} ms (events); each latency includes half of it on average"
