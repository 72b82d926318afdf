#!/usr/bin/env bash
# cases_bench.sh — registering requests over HTTP, reading them back, searching them and the
# work lists: the figures of issue 22.
#
# Starts build/release/hotline serve (--log-level warn, its default --threads) on a temporary demo
# database — or, with BENCH_DB=PATH (or a postgresql:// URL), on a copy-free existing database such as one filled by
# `hotline generate` or `hotline import` (it is written to) — logs in, then runs wrk:
#   POST /api/cases at 1 connection and at 64 (each answered after its commit; each request
#     with its own text, category, address and phone: bench/lua/post_case.lua)
#   GET /api/cases/:id (random ids, with the event history) at 64 connections
#   GET /api/cases?q=路灯&page_size=20 (full-text search) at 16 connections
#   GET /api/queues/to_dispatch?page_size=20 (a dispatcher's work list) at 16 connections
#   GET /api/queues/to_sign?page_size=20 (a district handler's, unit-scoped) at 16 connections
# and prints requests/s, p50 and p99 for each, the server's write batches (from /metrics), its
# peak RssAnon and RssFile (sampled every 50 ms) and its peak RSS (VmHWM).
# Loopback only, bounded durations; cleans up on exit.
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
    --log-level warn >"$BENCH_TMP/server.log" 2>&1 &
  BENCH_PID=$!
  # a database made by an older binary is migrated first; that can take minutes at 1M
  for _ in $(seq 6000); do
    curl -fsS -o /dev/null "$(bench_url /healthz)" 2>/dev/null && break
    kill -0 "$BENCH_PID" 2>/dev/null || { cat "$BENCH_TMP/server.log" >&2; bench_die "server exited"; }
    sleep 0.1
  done
else
  bench_start_server --log-level warn
fi

login=$(curl -sS -D "$BENCH_TMP/login.h" -H 'Content-Type: application/json' \
  --data '{"username":"calltaker-wang","password":"demo-calltaker-wang"}' "$(bench_url /api/auth/login)")
export HL_CSRF=$(printf '%s' "$login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
export HL_COOKIE=$(tr -d '\r' <"$BENCH_TMP/login.h" | sed -n 's/^[Ss]et-[Cc]ookie: hotline_session=\([0-9a-f]*\);.*/\1/p')
[ -n "$HL_COOKIE" ] || bench_die "login failed"
export HL_CATEGORIES=$(curl -sS -H "Cookie: hotline_session=$HL_COOKIE" "$(bench_url /api/categories)" | python3 -c '
import json, sys
cats = json.load(sys.stdin)["categories"]
print(",".join(str(c["id"]) for c in cats if c["active"] and "request_type" in c))')
[ -n "$HL_CATEGORIES" ] || bench_die "no active leaf category"
export HL_DISTRICT=$(curl -sS -H "Cookie: hotline_session=$HL_COOKIE" "$(bench_url /api/units)" | python3 -c '
import json, sys
print(next(u["id"] for u in json.load(sys.stdin)["units"] if u["code"] == "d-donghu"))')
# one request by hand first: a failure must not be measured as speed
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  -H "Cookie: hotline_session=$HL_COOKIE" -H "X-CSRF-Token: $HL_CSRF" \
  --data "{\"category_id\":${HL_CATEGORIES%%,*},\"text\":\"bench\"}" "$(bench_url /api/cases)")
[ "$code" = 201 ] || bench_die "POST /api/cases answered $code"

before=$(curl -sS -H "Cookie: hotline_session=$HL_COOKIE" "$(bench_url '/api/cases?page_size=1')" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
echo "cases_bench: server (default --threads), 127.0.0.1:$BENCH_PORT, ${before} requests in the store at start"
dispatcher=$(bench_login dispatcher-zhang demo-dispatcher-zhang)
handler=$(bench_login handler-donghu demo-handler-donghu)
[ -n "$dispatcher" ] && [ -n "$handler" ] || bench_die "login as dispatcher or handler failed"
bench_mem_watch
status=0
lua="$(dirname "$0")/lua"
BENCH_THREADS=1 BENCH_CONNECTIONS=1 bench_wrk "POST /api/cases  c=1" /api/cases -s "$lua/post_case.lua" || status=1
BENCH_THREADS=2 BENCH_CONNECTIONS=64 bench_wrk "POST /api/cases  c=64" /api/cases -s "$lua/post_case.lua" || status=1
export HL_MAX_ID=$(curl -sS -H "Cookie: hotline_session=$HL_COOKIE" "$(bench_url '/api/cases?page_size=1')" |
  python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["items"][0]["id"])')
BENCH_THREADS=2 BENCH_CONNECTIONS=64 bench_wrk "GET /api/cases/:id c=64" /api/cases/1 -s "$lua/get_case.lua" || status=1
BENCH_THREADS=2 BENCH_CONNECTIONS=16 bench_wrk "GET /api/cases?q=路灯 c=16" "/api/cases?q=%E8%B7%AF%E7%81%AF&page_size=20" \
  -H "Cookie: hotline_session=$HL_COOKIE" || status=1
BENCH_THREADS=2 BENCH_CONNECTIONS=16 bench_wrk "GET to_dispatch c=16" "/api/queues/to_dispatch?page_size=20" \
  -H "Cookie: hotline_session=$dispatcher" || status=1
BENCH_THREADS=2 BENCH_CONNECTIONS=16 bench_wrk "GET to_sign (unit) c=16" "/api/queues/to_sign?page_size=20" \
  -H "Cookie: hotline_session=$handler" || status=1
curl -sS "$(bench_url /metrics)" | awk '
  /^store_write_batch_size_sum/ {w=$2} /^store_write_batch_size_count/ {c=$2}
  END { if (c) printf "writer: %d writes in %d commits (%.1f per commit)\n", w, c, w/c }'
echo "server peak $(bench_mem_peak); VmHWM $(bench_peak_rss_kb) kB"
bench_machine
exit $status
