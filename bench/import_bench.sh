#!/usr/bin/env bash
# import_bench.sh — history import speed: `hotline import --boston311` of Boston's 2015 cases
# (when ../shared/data is there) and `hotline import --csv` of a synthetic history of
# IMPORT_ROWS requests (bench/make_history_csv.py), each into a fresh demo database. Prints,
# per run, rows/s as the import reports it, wall and CPU time, the importer's peak RSS, the
# database size, and `hotline check` of the result (rows = the fold of their logs, rollups
# agree). Rows are requests, each written with its whole event log.
# Environment: HOTLINE_BIN, IMPORT_ROWS (200000), IMPORT_CSV (reuse an existing CSV of
# make_history_csv.py instead of generating one), IMPORT_RUNS (3, Boston only), BOSTON_DIR,
# IMPORT_PG (a PostgreSQL URL such as scripts/pg-test-cluster.sh prints: each run then imports
# into a fresh database of that cluster, through COPY, instead of a SQLite file),
# IMPORT_KEEP (keep the synthetic store: on SQLite moved to the path IMPORT_KEEP names, on
# PostgreSQL its database stays; either way its location is printed last, as "kept: ...").
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

IMPORT_ROWS=${IMPORT_ROWS:-200000}
IMPORT_RUNS=${IMPORT_RUNS:-3}
BOSTON_DIR=${BOSTON_DIR:-$BENCH_ROOT/../shared/data/boston311_2015}
bench_setup
bench_machine
IMPORT_PG=${IMPORT_PG:-}
if [ -z "$IMPORT_PG" ]; then
  "$HOTLINE_BIN" init --demo --db "$BENCH_TMP/demo.db" --data "$BENCH_ROOT/data" >"$BENCH_TMP/init.log" 2>&1
fi
run_n=0

# A fresh demo store for one run: a copy of the demo database, or a new database on the
# PostgreSQL cluster (created with psql, then hotline init --demo). Sets db.
fresh_store() {
  run_n=$((run_n + 1))
  if [ -n "$IMPORT_PG" ]; then
    db=$(bench_pg_demo_db "$IMPORT_PG" "hotline_import_bench_$run_n")
  else
    db="$BENCH_TMP/run-$run_n.db"
    cp "$BENCH_TMP/demo.db" "$db"
  fi
}

# The previous run's store goes (unless it is the one to keep).
drop_store() {
  if [ -n "$IMPORT_PG" ]; then
    psql -q "$IMPORT_PG" -c "DROP DATABASE IF EXISTS hotline_import_bench_$run_n" >/dev/null
  else
    rm -f "$db" "$db-wal" "$db-shm"
  fi
}

store_mb() {
  if [ -n "$IMPORT_PG" ]; then
    psql -Atq "$db" -c "SELECT pg_database_size(current_database()) / 1048576"
  else
    du -m "$db" | cut -f1
  fi
}

# Imports into a fresh demo store and prints one line; fails unless check passes.
run_import() {
  local label=$1; shift
  fresh_store
  /usr/bin/time -f '%e %U %S %M' -o "$BENCH_TMP/time.txt" \
    "$HOTLINE_BIN" import "$@" --db "$db" >"$BENCH_TMP/import.txt" 2>"$BENCH_TMP/import.err" ||
    { cat "$BENCH_TMP/import.err" >&2; bench_die "$label: import failed"; }
  local rate size check
  rate=$(sed -n 's/.*, \([0-9]*\) rows\/s.*/\1/p' "$BENCH_TMP/import.txt" | tail -1)
  size=$(store_mb)
  read -r wall user sys rss <"$BENCH_TMP/time.txt"
  check=$("$HOTLINE_BIN" check --db "$db" 2>&1 | tr '\n' ' ')
  printf '%-28s %8s rows/s   wall %6.2f s   CPU %6.2f s   peak RSS %4d MB   db %5d MB\n' \
    "$label" "$rate" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')" $((rss / 1024)) "$size"
  case "$check" in
    *"0 differ"*"rollups: agree"*) ;;
    *) bench_die "$label: hotline check: $check" ;;
  esac
  [ -n "${IMPORT_KEEP:-}" ] && [ "$label" != "${label#csv}" ] || drop_store
}

files=$(ls "$BOSTON_DIR"/boston311_2015_H*.csv 2>/dev/null || true)
if [ -n "$files" ]; then
  for i in $(seq "$IMPORT_RUNS"); do
    # shellcheck disable=SC2086
    run_import "boston311 2015 (run $i)" --boston311 $files
  done
else
  echo "import_bench: Boston skipped: no data in $BOSTON_DIR"
fi

csv=${IMPORT_CSV:-}
if [ -z "$csv" ]; then
  csv="$BENCH_TMP/history.csv"
  python3 "$BENCH_ROOT/bench/make_history_csv.py" --rows "$IMPORT_ROWS" --days 365 \
    --until 2026-11-01 --data "$BENCH_ROOT/data" >"$csv"
fi
rows=$(($(wc -l <"$csv") - 1))
run_import "csv ${rows} synthetic rows" --csv "$csv" --map "$BENCH_ROOT/bench/history_map.json"
echo "all checks passed (rows equal the fold of their logs, rollups agree)"
if [ -n "${IMPORT_KEEP:-}" ]; then
  if [ -z "$IMPORT_PG" ]; then mv "$db" "$IMPORT_KEEP"; db=$IMPORT_KEEP; fi
  echo "kept: $db"
fi
