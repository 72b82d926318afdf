#!/usr/bin/env bash
# import_bench.sh — history import speed: `hotline import --boston311` of Boston's 2015 cases
# (when ../shared/data is there) and `hotline import --csv` of a synthetic history of
# IMPORT_ROWS requests (bench/make_history_csv.py), each into a fresh demo database. Prints,
# per run, rows/s as the import reports it, wall and CPU time, the importer's peak RSS, the
# database size, and `hotline check` of the result (rows = the fold of their logs, rollups
# agree). Rows are requests, each written with its whole event log.
# Environment: HOTLINE_BIN, IMPORT_ROWS (200000), IMPORT_CSV (reuse an existing CSV of
# make_history_csv.py instead of generating one), IMPORT_RUNS (3, Boston only), BOSTON_DIR.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

IMPORT_ROWS=${IMPORT_ROWS:-200000}
IMPORT_RUNS=${IMPORT_RUNS:-3}
BOSTON_DIR=${BOSTON_DIR:-$BENCH_ROOT/../shared/data/boston311_2015}
bench_setup
bench_machine
"$HOTLINE_BIN" init --demo --db "$BENCH_TMP/demo.db" --data "$BENCH_ROOT/data" >"$BENCH_TMP/init.log" 2>&1

# Imports into a fresh copy of the demo database and prints one line; fails unless check passes.
run_import() {
  local label=$1; shift
  local db="$BENCH_TMP/run.db"
  rm -f "$db" "$db-wal" "$db-shm"
  cp "$BENCH_TMP/demo.db" "$db"
  /usr/bin/time -f '%e %U %S %M' -o "$BENCH_TMP/time.txt" \
    "$HOTLINE_BIN" import "$@" --db "$db" >"$BENCH_TMP/import.txt" 2>"$BENCH_TMP/import.err" ||
    { cat "$BENCH_TMP/import.err" >&2; bench_die "$label: import failed"; }
  local rate size check
  rate=$(sed -n 's/.*, \([0-9]*\) rows\/s.*/\1/p' "$BENCH_TMP/import.txt" | tail -1)
  size=$(du -m "$db" | cut -f1)
  read -r wall user sys rss <"$BENCH_TMP/time.txt"
  check=$("$HOTLINE_BIN" check --db "$db" 2>&1 | tr '\n' ' ')
  printf '%-28s %8s rows/s   wall %6.2f s   CPU %6.2f s   peak RSS %4d MB   db %5d MB\n' \
    "$label" "$rate" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')" $((rss / 1024)) "$size"
  case "$check" in
    *"0 differ"*"rollups: agree"*) ;;
    *) bench_die "$label: hotline check: $check" ;;
  esac
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
