#!/usr/bin/env bash
# pg_bench.sh — the PostgreSQL backend's figures, each next to SQLite's from the same run (the
# machine is shared: only figures of one run compare). On a throwaway cluster
# (scripts/pg-test-cluster.sh, removed on exit):
#   1. import (COPY): Boston 2015 when ../shared/data has it, and PG_BENCH_ROWS synthetic
#      requests (default 1000000), on SQLite and on PostgreSQL (import_bench.sh);
#   2. the month's appraisal and the dashboard aggregates on those PG_BENCH_ROWS requests, on
#      both backends (appraisal_bench.sh);
#   3. registration at 1 and 64 connections and reads at 64 (cases_bench.sh): SQLite, one
#      server on PostgreSQL, and two servers on one PostgreSQL database, the load split evenly
#      (a session made on one server is used on both);
#   4. the peak RSS of each server (VmHWM) and of PostgreSQL (its processes' RssAnon summed,
#      sampled every 0.2 s, plus shared_buffers, which every process maps).
# Environment: HOTLINE_BIN, PG_BENCH_ROWS, PG_BENCH_SKIP (space-separated: import appraisal
# cases two), BENCH_DURATION (10s).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

ROWS=${PG_BENCH_ROWS:-1000000}
SKIP=" ${PG_BENCH_SKIP:-} "
bench_setup
bench_machine
here=$(dirname "$0")
cluster=$(mktemp -u /tmp/hotline-bench-pg-XXXXXX) # outside BENCH_TMP: the cluster belongs to postgres
URL=$("$BENCH_ROOT/scripts/pg-test-cluster.sh" start "$cluster")
stop_cluster() { "$BENCH_ROOT/scripts/pg-test-cluster.sh" stop "$cluster" >/dev/null 2>&1 || true; }
trap 'stop_cluster; bench_cleanup' EXIT
echo "PostgreSQL $(psql -Atq "$URL" -c 'SHOW server_version'), shared_buffers $(psql -Atq "$URL" -c 'SHOW shared_buffers')"

# PostgreSQL's memory now: the RssAnon of every process of the cluster, summed (kB).
pg_rss_anon_kb() {
  local pm sum=0 kb
  pm=$(head -1 "$cluster/data/postmaster.pid")
  for p in "$pm" $(pgrep -P "$pm"); do
    kb=$(awk '/^RssAnon:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
    sum=$((sum + ${kb:-0}))
  done
  echo "$sum"
}
PEAK_FILE="$BENCH_TMP/pg-peak"
echo 0 >"$PEAK_FILE"
( while sleep 0.2; do
    now=$(pg_rss_anon_kb 2>/dev/null || echo 0)
    [ "$now" -gt "$(cat "$PEAK_FILE")" ] && echo "$now" >"$PEAK_FILE"
  done ) &
SAMPLER=$!
trap 'kill $SAMPLER 2>/dev/null; stop_cluster; bench_cleanup' EXIT

section() { printf '\n== %s\n' "$*"; }

if [ "${SKIP#* import }" = "$SKIP" ]; then
  section "import: SQLite"
  IMPORT_ROWS=$ROWS IMPORT_RUNS=1 IMPORT_KEEP="$BENCH_TMP/big.db" "$here/import_bench.sh" |
    grep -v '^machine:' | tee "$BENCH_TMP/import-sqlite.txt"
  section "import: PostgreSQL (COPY)"
  IMPORT_ROWS=$ROWS IMPORT_RUNS=1 IMPORT_PG="$URL" IMPORT_KEEP=1 "$here/import_bench.sh" |
    grep -v '^machine:' | tee "$BENCH_TMP/import-pg.txt"
  BIG_PG=$(sed -n 's/^kept: //p' "$BENCH_TMP/import-pg.txt")
  if [ "${SKIP#* appraisal }" = "$SKIP" ]; then
    section "appraisal on $ROWS requests: SQLite"
    BENCH_DB="$BENCH_TMP/big.db" "$here/appraisal_bench.sh" | grep -v '^machine:'
    section "appraisal on $ROWS requests: PostgreSQL"
    BENCH_DB="$BIG_PG" "$here/appraisal_bench.sh" | grep -v '^machine:'
  fi
  rm -f "$BENCH_TMP/big.db"*
fi

if [ "${SKIP#* cases }" = "$SKIP" ]; then
  section "registration and reads: SQLite"
  "$here/cases_bench.sh" | grep -v '^machine:'
  section "registration and reads: PostgreSQL, one server"
  BENCH_DB=$(bench_pg_demo_db "$URL" hotline_cases_one) "$here/cases_bench.sh" | grep -v '^machine:'
fi

if [ "${SKIP#* two }" = "$SKIP" ]; then
  section "registration and reads: PostgreSQL, two servers on one database"
  db=$(bench_pg_demo_db "$URL" hotline_cases_two)
  ports=() pids=()
  for i in 1 2; do
    port=$(bench_free_port)
    "$HOTLINE_BIN" serve --db "$db" --address 127.0.0.1 --port "$port" --log-level warn \
      --threads 8 >"$BENCH_TMP/server$i.log" 2>&1 &
    pids+=($!) ports+=("$port")
  done
  trap 'kill ${pids[*]} 2>/dev/null; kill $SAMPLER 2>/dev/null; stop_cluster; bench_cleanup' EXIT
  for port in "${ports[@]}"; do
    for _ in $(seq 100); do curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break; sleep 0.1; done
  done
  BENCH_PORT=${ports[0]}
  login=$(curl -sS -D "$BENCH_TMP/login.h" -H 'Content-Type: application/json' \
    --data '{"username":"calltaker-wang","password":"demo-calltaker-wang"}' "$(bench_url /api/auth/login)")
  export HL_CSRF=$(printf '%s' "$login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
  export HL_COOKIE=$(tr -d '\r' <"$BENCH_TMP/login.h" | sed -n 's/^[Ss]et-[Cc]ookie: hotline_session=\([0-9a-f]*\);.*/\1/p')
  H="Cookie: hotline_session=$HL_COOKIE"
  export HL_CATEGORIES=$(curl -sS -H "$H" "$(bench_url /api/categories)" | python3 -c '
import json, sys
cats = json.load(sys.stdin)["categories"]
print(",".join(str(c["id"]) for c in cats if c["active"] and "request_type" in c))')
  export HL_DISTRICT=$(curl -sS -H "$H" "$(bench_url /api/units)" | python3 -c '
import json, sys
print(next(u["id"] for u in json.load(sys.stdin)["units"] if u["code"] == "d-donghu"))')
  # the load on both at once: one wrk per server, half the connections each
  both() { # label connections lua
    local label=$1 conns=$2 lua=$3 i w=()
    for i in 0 1; do
      BENCH_PORT=${ports[$i]} BENCH_PID=${pids[$i]} BENCH_THREADS=1 BENCH_CONNECTIONS=$conns \
        bench_wrk "$label (server $((i + 1)))" /api/cases -s "$here/lua/$lua" >"$BENCH_TMP/both$i.txt" &
      w+=($!)
    done
    wait "${w[@]}" || true
    cat "$BENCH_TMP/both0.txt" "$BENCH_TMP/both1.txt"
    awk -v label="$label" '{ for (i = 1; i <= NF; i++) if ($i == "req/s") r += $(i - 1);
        for (i = 1; i <= NF; i++) if ($i == "p99" && $(i + 1) > p) p = $(i + 1) }
      END { printf "%-28s %10.0f req/s   p99 (worse server) %7.2f ms\n", label " both", r, p }' \
      "$BENCH_TMP/both0.txt" "$BENCH_TMP/both1.txt"
  }
  both "POST /api/cases  c=2x32" 32 post_case.lua
  export HL_MAX_ID=$(curl -sS -H "$H" "$(bench_url '/api/cases?page_size=1')" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
  both "GET /api/cases/:id c=2x32" 32 get_case.lua
  for i in 0 1; do
    echo "server $((i + 1)) peak RSS (VmHWM): $(awk '/^VmHWM:/ {print $2}' "/proc/${pids[$i]}/status") kB"
  done
fi

echo
echo "PostgreSQL peak RSS: $(cat "$PEAK_FILE") kB RssAnon over its processes, plus shared_buffers $(psql -Atq "$URL" -c 'SHOW shared_buffers') mapped by each"
