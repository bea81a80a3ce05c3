#!/usr/bin/env bash
# measure.sh prints Haven's footprint: the size of the static binary, its
# cold start (exec to the first 200 from /healthz), idle memory, shutdown
# on SIGTERM, and the log-in and session benchmarks.
#
# Usage: docs/measure.sh [RUNS]   (from anywhere in the repository; RUNS
# defaults to 7). Needs bash 5, Go and Linux (/proc).
set -euo pipefail

runs=${1:-7}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
pid= elapsed= code= cpu_ms=
cleanup() {
	if [[ -n $pid ]]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

bin=$tmp/haven
CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o "$bin" ./cmd/haven
# Timings mean little on a busy machine: say how busy it was.
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
echo "binary: $(stat -c %s "$bin") bytes ($(( $(stat -c %s "$bin") / 1024 / 1024 )) MiB), $(go version | cut -d' ' -f3-4), static: $(file -b "$bin" | grep -o 'statically linked' || echo no)"

# now_us prints the wall clock in microseconds without forking.
now_us() {
	local t=${EPOCHREALTIME/./}
	echo "$t"
}

# free_port prints a TCP port nothing on 127.0.0.1 listens on.
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
}

# healthz prints the HTTP status of GET /healthz on port $1, or fails when
# nothing listens. Bash's /dev/tcp: no fork per poll.
healthz() {
	local status
	exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
	printf 'GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
	read -r _ status _ <&3 || status=
	exec 3<&- 3>&-
	[[ $status == 200 ]]
}

# start DATA PORT [FLAGS] starts serve in the background ($pid) and sets
# $elapsed to the microseconds from exec to the first 200 from /healthz,
# polling every 5 ms. (Globals, not output: $(start) would run in a
# subshell and lose $pid.)
start() {
	local data=$1 port=$2 t0 deadline
	shift 2
	t0=$(now_us)
	"$bin" serve --data "$data" --addr "127.0.0.1:$port" "$@" >"$tmp/stdout" 2>"$tmp/stderr" &
	pid=$!
	deadline=$((t0 + 30000000))
	until healthz "$port" 2>/dev/null; do
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "serve exited early:" >&2
			cat "$tmp/stderr" >&2
			exit 1
		fi
		if (($(now_us) > deadline)); then
			echo "serve did not answer /healthz within 30s" >&2
			exit 1
		fi
		sleep 0.005
	done
	elapsed=$(($(now_us) - t0))
	# CPU time spent so far (user + system), which a busy machine does not
	# inflate as it does the wall clock.
	cpu_ms=$(awk -v hz="$(getconf CLK_TCK)" '{sub(/.*\) /, ""); print ($12 + $13) * 1000 / hz}' "/proc/$pid/stat")
}

# stop sends SIGTERM, waits, and sets $elapsed (microseconds) and $code.
stop() {
	local t0
	t0=$(now_us)
	code=0
	kill -TERM "$pid"
	wait "$pid" || code=$?
	pid=
	elapsed=$(($(now_us) - t0))
}

# median of the numbers on stdin.
median() {
	sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'
}

ms() { awk -v us="$1" 'BEGIN {printf "%.1f ms", us/1000}'; }

fresh=() warm=() stops=() cpus=()
for i in $(seq "$runs"); do
	data=$tmp/data$i
	port=$(free_port)
	# First start: creates the database and applies every migration.
	start "$data" "$port" --migrate
	fresh+=("$elapsed")
	stop
	stops+=("$elapsed")
	if [[ $code != 0 ]]; then
		echo "exit code after SIGTERM: $code, want 0" >&2
		cat "$tmp/stderr" >&2
		exit 1
	fi
	grep -q 'msg=stopped' "$tmp/stderr" || { echo "no 'stopped' in the log after SIGTERM" >&2; exit 1; }
	# Restart on the migrated database: the everyday cold start.
	start "$data" "$port"
	warm+=("$elapsed")
	cpus+=("$cpu_ms")
	stop
done
echo "cold start, fresh --data (creates and migrates the database), median of $runs: $(ms "$(printf '%s\n' "${fresh[@]}" | median)")  [runs: $(printf '%s\n' "${fresh[@]}" | sort -n | awk '{printf "%.1f ", $1/1000}')ms]"
echo "cold start, migrated --data, median of $runs: $(ms "$(printf '%s\n' "${warm[@]}" | median)")  [runs: $(printf '%s\n' "${warm[@]}" | sort -n | awk '{printf "%.1f ", $1/1000}')ms]"
echo "CPU time (user+sys) of a migrated-data start to its first 200, median of $runs: $(printf '%s\n' "${cpus[@]}" | median) ms (10 ms ticks)"
echo "shutdown on SIGTERM (idle server), median of $runs: $(ms "$(printf '%s\n' "${stops[@]}" | median)"), exit code 0"

# Idle memory: a started server, one second after its first answer.
data=$tmp/idle
port=$(free_port)
start "$data" "$port" --migrate
sleep 1
echo "idle RSS 1 s after start: $(awk '/^VmRSS/ {printf "%.1f MiB", $2/1024}' "/proc/$pid/status") (VmHWM $(awk '/^VmHWM/ {printf "%.1f MiB", $2/1024}' "/proc/$pid/status"))"
for _ in $(seq 20); do healthz "$port"; done
echo "RSS after 20 more requests: $(awk '/^VmRSS/ {printf "%.1f MiB", $2/1024}' "/proc/$pid/status")"
stop

echo "load average $(cut -d' ' -f1-3 /proc/loadavg) after the server runs"

echo
go test -run='^$' -bench='LogIn|Authenticate' -benchtime=50x ./internal/app/
