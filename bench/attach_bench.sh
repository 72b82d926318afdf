#!/usr/bin/env bash
# attach_bench.sh — throughput of attachments (issue 16): uploads of distinct 5 MB photos through
# POST /api/cases/:id/attachments from one connection and from four, and downloads back, each
# answered after its commit; MB/s and latency, the database's size after, the server's peak
# RSS. Starts build/release/hotline serve (--threads 8, --log-level warn) on a temporary demo
# database. Bounded, loopback only; cleans up on exit.
# Environment: HOTLINE_BIN, ATTACH_MB (5), ATTACH_N (20), ATTACH_CLIENTS (4).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

bench_setup
bench_start_server --log-level warn --threads 8
timeout 600 python3 "$(dirname "$0")/attach_bench.py" --port "$BENCH_PORT" \
  --mb "${ATTACH_MB:-5}" -n "${ATTACH_N:-20}" --clients "${ATTACH_CLIENTS:-4}"
echo "database after: $(du -m "$BENCH_TMP/bench.db" | cut -f1) MB (+ WAL $(du -m "$BENCH_TMP/bench.db-wal" 2>/dev/null | cut -f1) MB)"
echo "server peak RSS (VmHWM): $(bench_peak_rss_kb) kB"
bench_machine
