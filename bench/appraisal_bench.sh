#!/usr/bin/env bash
# appraisal_bench.sh — how fast the month's appraisal and every dashboard aggregate answer on a
# big store. Serves BENCH_DB (a file or a postgresql:// URL; default the file /tmp/hotline-1m.db; when
# that file does not exist, one is made
# with `hotline generate --days 365 --per-day 3000`, which takes a while), logs in as the
# supervisor and times each endpoint with curl (time_total; BENCH_RUNS runs after one warm-up,
# the median and the slowest printed, and the server's CPU time per request — on a shared
# machine the wall time includes waiting for a CPU), then prints the database size, the server's peak RSS,
# and — with the sqlite3 shell — the same appraisal computed by scanning the month's request
# rows instead of the rollups (the alternative the rollups were measured against).
# The database is opened read-write (migrations are applied on first open).
# Environment: HOTLINE_BIN, BENCH_DB, BENCH_RUNS (7), BENCH_PERIOD (the last full month of data).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

bench_setup
bench_machine
DB=${BENCH_DB:-/tmp/hotline-1m.db}
case "$DB" in postgres*://*) is_url=1 ;; *) is_url="" ;; esac
if [ -z "$is_url" ] && [ ! -f "$DB" ]; then
  echo "no $DB: generating 1.1M requests (hotline generate --days 365 --per-day 3000)"
  "$HOTLINE_BIN" init --demo --db "$DB" --data "$BENCH_ROOT/data" >/dev/null 2>&1
  "$HOTLINE_BIN" generate --db "$DB" --data "$BENCH_ROOT/data" --days 365 --per-day 3000 | tail -3
fi
RUNS=${BENCH_RUNS:-7}
BENCH_PORT=$(bench_free_port)
t0=$(date +%s.%N)
"$HOTLINE_BIN" serve --db "$DB" --address 127.0.0.1 --port "$BENCH_PORT" --log-level warn \
  >"$BENCH_TMP/server.log" 2>&1 &
BENCH_PID=$!
for _ in $(seq 36000); do
  curl -fsS -o /dev/null "$(bench_url /healthz)" 2>/dev/null && break
  kill -0 "$BENCH_PID" 2>/dev/null || { cat "$BENCH_TMP/server.log" >&2; bench_die "server exited"; }
  sleep 0.1
done
printf 'server up (migrations included) in %.1f s\n' "$(echo "$(date +%s.%N) - $t0" | bc)"
cookie=$(bench_login supervisor-chen demo-supervisor-chen)
[ -n "$cookie" ] || bench_die "login failed"
H="Cookie: hotline_session=$cookie"
requests=$(curl -fsS -H "$H" "$(bench_url '/api/cases?page_size=1')" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
PERIOD=${BENCH_PERIOD:-$(curl -fsS -H "$H" "$(bench_url '/api/cases?page_size=1&sort=newest')" |
  python3 -c '
import json, sys, datetime
t = json.load(sys.stdin)["items"][0]["registered_at"][:7]
y, m = map(int, t.split("-"))
y, m = (y, m - 1) if m > 1 else (y - 1, 12)
print(f"{y:04d}-{m:02d}")')}
YEAR=${PERIOD%-*}
if [ -n "$is_url" ]; then
  size="$(psql -Atq "$DB" -c "SELECT pg_size_pretty(pg_database_size(current_database()))")"
else
  size="$(du -h "$DB" | cut -f1)"
fi
echo "database: $DB, $requests requests, $size; period $PERIOD"

# Server CPU time (utime + stime, ms): on a busy machine wall time includes waiting for a CPU.
server_cpu_ms() { awk -v t="$(getconf CLK_TCK)" '{print ($14 + $15) * 1000 / t}' "/proc/$BENCH_PID/stat"; }

timeit() { # label path
  local label=$1 path=$2 t times=() code c0 c1
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "$H" "$(bench_url "$path")")
  [ "$code" = 200 ] || bench_die "$path answered $code"
  c0=$(server_cpu_ms)
  for _ in $(seq "$RUNS"); do
    t=$(curl -s -o /dev/null -w '%{time_total}' -H "$H" "$(bench_url "$path")")
    times+=("$t")
  done
  c1=$(server_cpu_ms)
  printf '%s\n' "${times[@]}" | sort -n | awk -v label="$label" -v n="$RUNS" -v cpu="$(echo "($c1 - $c0) / $RUNS" | bc -l)" '
    { v[NR] = $1 * 1000 } END { printf "%-36s median %8.1f ms   max %8.1f ms   server CPU %7.1f ms\n", label, v[int((n + 1) / 2)], v[n], cpu }'
}

timeit "appraisal (month)" "/api/appraisal?period=$PERIOD"
timeit "appraisal (year)" "/api/appraisal?period=$YEAR"
timeit "volume by day (month)" "/api/analytics/volume?period=$PERIOD&by=day"
timeit "volume by month (year)" "/api/analytics/volume?period=$YEAR&by=month"
timeit "volume of one district (month)" "/api/analytics/volume?period=$PERIOD&by=day&district=2"
timeit "volume of a category subtree" "/api/analytics/volume?period=$PERIOD&by=day&category=1"
timeit "breakdown by category (month)" "/api/analytics/breakdown?period=$PERIOD&by=category&level=2"
timeit "breakdown by district (month)" "/api/analytics/breakdown?period=$PERIOD&by=district"
timeit "breakdown by street (month)" "/api/analytics/breakdown?period=$PERIOD&by=street"
timeit "breakdown by channel (month)" "/api/analytics/breakdown?period=$PERIOD&by=channel"
timeit "breakdown by type (month)" "/api/analytics/breakdown?period=$PERIOD&by=type"
timeit "hot topics (month vs previous)" "/api/analytics/hot-topics?period=$PERIOD&level=3"
timeit "hot places (month vs previous)" "/api/analytics/hot-places?period=$PERIOD&by=street"
timeit "durations by unit (month)" "/api/analytics/durations?period=$PERIOD&by=unit"
timeit "durations by category (month)" "/api/analytics/durations?period=$PERIOD&by=category"
timeit "overdue now" "/api/analytics/overdue"
timeit "drill: a district's response costs" "/api/appraisal/2/drill?indicator=response&part=cost&period=$PERIOD"
timeit "drill: returns of a district" "/api/appraisal/2/drill?indicator=return&part=numerator&period=$PERIOD"
timeit "export appraisal.xlsx (month)" "/api/export/appraisal.xlsx?period=$PERIOD"
echo "server peak RSS: $(bench_peak_rss_kb) kB"

if [ -z "$is_url" ] && command -v sqlite3 >/dev/null; then
  # the alternative to the rollups: the month's appraisal by scanning request rows
  read -r from to < <(python3 -c "
import datetime, sys
y, m = map(int, '$PERIOD'.split('-'))
a = datetime.date(y, m, 1); b = datetime.date(y + (m == 12), m % 12 + 1, 1)
e = datetime.date(1970, 1, 1)
print((a - e).days, (b - e).days - 1)")
  scan="SELECT unit_id, count(*), sum(signed_at IS NOT NULL AND state<>'dispatched' AND (sign_due IS NULL OR signed_at<=sign_due)), sum(visit_valid), sum(solved), sum(satisfaction IN ('satisfied','basic')), sum(replied_at IS NOT NULL), sum(replied_at<=reply_due) FROM cases WHERE reg_day BETWEEN $from AND $to AND unit_id IS NOT NULL GROUP BY unit_id;"
  roll="SELECT unit_id, sum(dispatched), sum(signed_ontime), sum(visits_valid), sum(solved), sum(satisfied+basic), sum(replies), sum(replied_ontime) FROM rollup_unit_day WHERE day BETWEEN $from AND $to GROUP BY unit_id;"
  for q in "$roll" "$scan"; do
    label="sql: month from rollups"
    [ "$q" = "$scan" ] && label="sql: month by scanning rows"
    for _ in 1 2 3; do
      echo "$q" | sqlite3 -readonly -cmd ".timer on" "$DB" | sed -n 's/^Run Time: real \([0-9.]*\).*/\1/p'
    done | sort -n | sed -n 2p | awk -v l="$label" '{printf "%-36s median %8.1f ms\n", l, $1 * 1000}'
  done
fi
