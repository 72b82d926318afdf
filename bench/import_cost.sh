#!/usr/bin/env bash
# import_cost.sh — where the history import's time goes, in CPU instructions per request
# (valgrind's cachegrind counts them exactly; wall time on this shared VM drifts by half).
# Imports IMPORT_COST_ROWS synthetic requests (bench/make_history_csv.py) into a fresh demo
# database as it is, with all secondary indexes of `cases` and `case_events` dropped, and
# with each one of them dropped alone: the difference is what that index costs the import
# (and every live registration). Then builds the dropped indexes afterwards with CREATE INDEX
# and prints that time, for the question "import without indexes, index at the end?".
# Environment: HOTLINE_BIN, IMPORT_COST_ROWS (20000).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

ROWS=${IMPORT_COST_ROWS:-20000}
command -v valgrind >/dev/null || bench_die "valgrind is not installed"
command -v sqlite3 >/dev/null || bench_die "sqlite3 is not installed"
bench_setup
bench_machine
"$HOTLINE_BIN" init --demo --db "$BENCH_TMP/demo.db" --data "$BENCH_ROOT/data" >"$BENCH_TMP/init.log" 2>&1
python3 "$BENCH_ROOT/bench/make_history_csv.py" --rows "$ROWS" --days 30 --until 2026-11-01 \
  --data "$BENCH_ROOT/data" >"$BENCH_TMP/history.csv"
indexes=$(sqlite3 "$BENCH_TMP/demo.db" "SELECT name FROM sqlite_master WHERE type='index'
  AND tbl_name IN ('cases','case_events') AND sql IS NOT NULL ORDER BY tbl_name, name")

# Prints the instructions per request of importing into demo.db after running $2 on a copy.
cost() {
  local label=$1 sql=$2 db="$BENCH_TMP/run.db"
  rm -f "$db" "$db-wal" "$db-shm"
  cp "$BENCH_TMP/demo.db" "$db"
  [ -z "$sql" ] || sqlite3 "$db" "$sql"
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
    "$HOTLINE_BIN" import --csv "$BENCH_TMP/history.csv" --map "$BENCH_ROOT/bench/history_map.json" \
    --db "$db" >"$BENCH_TMP/import.txt" 2>&1 || { cat "$BENCH_TMP/import.txt" >&2; bench_die "$label: import failed"; }
  grep -q "$ROWS imported" "$BENCH_TMP/import.txt" || bench_die "$label: not every row was imported"
  local n
  n=$(grep -o 'I *refs: *[0-9,]*' "$BENCH_TMP/import.txt" | tr -dc 0-9)
  echo $((n / ROWS))
}

all=$(cost "all indexes" "")
drop_all=""
for i in $indexes; do drop_all="$drop_all DROP INDEX $i;"; done
none=$(cost "no index" "$drop_all")
printf 'import_cost: %d requests, instructions per request (cachegrind)\n' "$ROWS"
printf '%-40s %8d\n' "with every index" "$all" "no secondary index" "$none"
for i in $indexes; do
  without=$(cost "$i" "DROP INDEX $i;")
  printf '%-40s %8d   (the index costs %d)\n' "without $i" "$without" "$((all - without))"
done

# The same indexes built afterwards, on the import without them (wall time, not instructions).
db="$BENCH_TMP/run.db"
rm -f "$db" "$db-wal" "$db-shm"
cp "$BENCH_TMP/demo.db" "$db"
sqlite3 "$db" "$drop_all"
"$HOTLINE_BIN" import --csv "$BENCH_TMP/history.csv" --map "$BENCH_ROOT/bench/history_map.json" \
  --db "$db" >"$BENCH_TMP/import.txt" 2>&1
sqlite3 "$BENCH_TMP/demo.db" "SELECT sql || ';' FROM sqlite_master WHERE type='index'
  AND tbl_name IN ('cases','case_events') AND sql IS NOT NULL" >"$BENCH_TMP/create.sql"
start=$(date +%s%N)
sqlite3 "$db" "PRAGMA cache_size=-262144;" ".read $BENCH_TMP/create.sql"
printf 'import without indexes: %s; CREATE INDEX of all of them afterwards: %d ms\n' \
  "$(sed -n 's/.*: \([0-9.]* s, [0-9]* rows\/s\).*/\1/p' "$BENCH_TMP/import.txt" | tail -1)" \
  "$((($(date +%s%N) - start) / 1000000))"
