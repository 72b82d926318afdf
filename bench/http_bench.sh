#!/usr/bin/env bash
# http_bench.sh — HTTP read throughput and latency of `hotline serve` on this machine.
#
# Creates a temporary demo database, starts build/release/hotline serve on a free 127.0.0.1
# port (--log-level warn, so no access log; --threads 8), logs in as a unit handler through the
# API, then runs wrk (2 threads, 64 connections, 10 s each, --latency) against:
#   GET /healthz          public, one read of the schema version
#   GET /api/units        authenticated by the session cookie; unit-scoped list
#   GET /api/categories   authenticated; the whole category tree
# and prints one line per endpoint (requests/s, p50, p99), the server's peak RSS (VmHWM) and
# the machine. Builds nothing: `make bench` builds build/release/hotline first.
# Bounded (each wrk run has a fixed duration and a timeout), loopback only; the server and the
# temporary files are removed on exit, also on Ctrl-C.
# Environment: HOTLINE_BIN, BENCH_DURATION (10s), BENCH_CONNECTIONS (64), BENCH_THREADS (2).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

bench_setup
bench_start_server --log-level warn --threads 8

cookie=$(bench_login handler-donghu demo-handler-donghu)
[ -n "$cookie" ] || bench_die "login as handler-donghu failed"
# the cookie must work before it is measured: a 401 is fast and would flatter the figures
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: hotline_session=$cookie" \
  "$(bench_url /api/units)")
[ "$code" = 200 ] || bench_die "GET /api/units with the session cookie answered $code"

echo "http_bench: wrk -t${BENCH_THREADS:-2} -c${BENCH_CONNECTIONS:-64} -d${BENCH_DURATION:-10s} --latency, server --threads 8, 127.0.0.1:$BENCH_PORT"
status=0
bench_wrk "GET /healthz" /healthz || status=1
bench_wrk "GET /api/units (cookie)" /api/units -H "Cookie: hotline_session=$cookie" || status=1
bench_wrk "GET /api/categories (cookie)" /api/categories -H "Cookie: hotline_session=$cookie" ||
  status=1
echo "server peak RSS (VmHWM): $(bench_peak_rss_kb) kB"
bench_machine
exit $status
