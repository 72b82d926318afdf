#!/usr/bin/env bash
# cases_bench.sh — registering requests over HTTP and reading them back.
#
# Starts build/release/hotline serve (--log-level warn, --threads 8) on a temporary demo
# database — or, with BENCH_DB=PATH (or a postgresql:// URL), on a copy-free existing database such as one filled by
# `hotline generate` (it is written to) — logs in as a call-taker, then runs wrk:
#   POST /api/cases at 1 connection and at 64 connections (each answered after its commit)
#   GET /api/cases/:id (random ids, with the event history) at 64 connections
# and prints requests/s, p50 and p99 for each, the server's write batches (from /metrics) and
# its peak RSS. Loopback only, bounded durations; cleans up on exit.
# Environment: HOTLINE_BIN, BENCH_DB, BENCH_DURATION (10s).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

bench_setup
if [ -n "${BENCH_DB:-}" ]; then
  case "$BENCH_DB" in
    postgresql://*|postgres://*) ;; # the server says whether the database is there
    *) [ -f "$BENCH_DB" ] || bench_die "no database at BENCH_DB=$BENCH_DB" ;;
  esac
  BENCH_PORT=$(bench_free_port)
  "$HOTLINE_BIN" serve --db "$BENCH_DB" --address 127.0.0.1 --port "$BENCH_PORT" \
    --log-level warn --threads 8 >"$BENCH_TMP/server.log" 2>&1 &
  BENCH_PID=$!
  # a database made by an older binary is migrated first; that can take minutes at 1M
  for _ in $(seq 6000); do
    curl -fsS -o /dev/null "$(bench_url /healthz)" 2>/dev/null && break
    kill -0 "$BENCH_PID" 2>/dev/null || { cat "$BENCH_TMP/server.log" >&2; bench_die "server exited"; }
    sleep 0.1
  done
else
  bench_start_server --log-level warn --threads 8
fi

login=$(curl -sS -D "$BENCH_TMP/login.h" -H 'Content-Type: application/json' \
  --data '{"username":"calltaker-wang","password":"demo-calltaker-wang"}' "$(bench_url /api/auth/login)")
export HL_CSRF=$(printf '%s' "$login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
export HL_COOKIE=$(tr -d '\r' <"$BENCH_TMP/login.h" | sed -n 's/^[Ss]et-[Cc]ookie: hotline_session=\([0-9a-f]*\);.*/\1/p')
[ -n "$HL_COOKIE" ] || bench_die "login failed"
ids=$(curl -sS -H "Cookie: hotline_session=$HL_COOKIE" "$(bench_url /api/categories)" | python3 -c '
import json, sys
cats = json.load(sys.stdin)["categories"]
print(next(c["id"] for c in cats if c["code"] == "020101"))')
export HL_CATEGORY=$ids
export HL_DISTRICT=$(curl -sS -H "Cookie: hotline_session=$HL_COOKIE" "$(bench_url /api/units)" | python3 -c '
import json, sys
print(next(u["id"] for u in json.load(sys.stdin)["units"] if u["code"] == "d-donghu"))')
# one request by hand first: a failure must not be measured as speed
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  -H "Cookie: hotline_session=$HL_COOKIE" -H "X-CSRF-Token: $HL_CSRF" \
  --data "{\"category_id\":$HL_CATEGORY,\"text\":\"bench\"}" "$(bench_url /api/cases)")
[ "$code" = 201 ] || bench_die "POST /api/cases answered $code"

before=$(curl -sS -H "Cookie: hotline_session=$HL_COOKIE" "$(bench_url '/api/cases?page_size=1')" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
echo "cases_bench: server --threads 8, 127.0.0.1:$BENCH_PORT, ${before} requests in the store at start"
status=0
lua="$(dirname "$0")/lua"
BENCH_THREADS=1 BENCH_CONNECTIONS=1 bench_wrk "POST /api/cases  c=1" /api/cases -s "$lua/post_case.lua" || status=1
BENCH_THREADS=2 BENCH_CONNECTIONS=64 bench_wrk "POST /api/cases  c=64" /api/cases -s "$lua/post_case.lua" || status=1
export HL_MAX_ID=$(curl -sS -H "Cookie: hotline_session=$HL_COOKIE" "$(bench_url '/api/cases?page_size=1')" |
  python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["items"][0]["id"])')
BENCH_THREADS=2 BENCH_CONNECTIONS=64 bench_wrk "GET /api/cases/:id c=64" /api/cases/1 -s "$lua/get_case.lua" || status=1
curl -sS "$(bench_url /metrics)" | awk '
  /^store_write_batch_size_sum/ {w=$2} /^store_write_batch_size_count/ {c=$2}
  END { if (c) printf "writer: %d writes in %d commits (%.1f per commit)\n", w, c, w/c }'
echo "server peak RSS (VmHWM): $(bench_peak_rss_kb) kB"
bench_machine
exit $status
