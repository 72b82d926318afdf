#!/usr/bin/env bash
# sse_bench.sh — cost of 1000 idle live-event streams (GET /api/events/stream) and the time for
# one event to reach all of them. Starts build/release/hotline serve (--threads 8, --log-level
# warn) on a temporary demo database, then runs sse_bench.py against it: server CPU (from
# /proc/<pid>/stat over 5 s) and RSS with the streams idle, then 5 announcements timed from
# POST to arrival on every stream. Bounded, loopback only; cleans up on exit.
# Environment: HOTLINE_BIN, SSE_STREAMS (1000), SSE_IDLE (5), SSE_EVENTS (5).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

bench_setup
[ "$(ulimit -n)" -ge $((${SSE_STREAMS:-1000} + 100)) ] || ulimit -n $((${SSE_STREAMS:-1000} + 100))
bench_start_server --log-level warn --threads 8
timeout 300 python3 "$(dirname "$0")/sse_bench.py" --port "$BENCH_PORT" --pid "$BENCH_PID" \
  -n "${SSE_STREAMS:-1000}" --idle "${SSE_IDLE:-5}" --events "${SSE_EVENTS:-5}"
echo "server peak RSS (VmHWM): $(bench_peak_rss_kb) kB"
bench_machine
