#!/usr/bin/env bash
# boston_compare.sh — imports Boston's 2015 311 cases (../shared/data/boston311_2015) into a
# temporary demo database with `hotline import --boston311`, then prints, per department, the
# median and p90 open-to-close hours and the on-time share from hotline's API (durations and
# appraisal) next to the same figures computed independently from the CSV by
# bench/boston_stats.py. They must agree; the script exits non-zero when they do not.
# The on-time share counts what is late, replied (closed) or not (docs/product.md, Appraisal):
# the server runs on a clock set to the moment of Boston's export (2016-01-13 00:00, between
# the last OVERDUE and the first still-ONTIME target of an open case), so Boston's own
# ontime_status column, printed last, is a third opinion on the same cases.
# Also prints the import's rows/s. Skips (exit 0) when the data is absent.
# Environment: HOTLINE_BIN, BOSTON_DIR.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

BOSTON_DIR=${BOSTON_DIR:-$BENCH_ROOT/../shared/data/boston311_2015}
files=$(ls "$BOSTON_DIR"/boston311_2015_H*.csv 2>/dev/null || true)
if [ -z "$files" ]; then
  echo "boston_compare: skipped: no Boston 311 data in $BOSTON_DIR"
  exit 0
fi
bench_setup
bench_machine
db="$BENCH_TMP/boston.db"
"$HOTLINE_BIN" init --demo --db "$db" --data "$BENCH_ROOT/data" >"$BENCH_TMP/init.log" 2>&1
# shellcheck disable=SC2086
"$HOTLINE_BIN" import --boston311 $files --db "$db" 2>/dev/null | tee "$BENCH_TMP/import.txt"
BENCH_PORT=$(bench_free_port)
# the import read Boston's wall times as the city's (UTC+8); so is the moment of the export
AT=2016-01-13T00:00:00
python3 -c "import datetime, time; t = datetime.datetime.fromisoformat('$AT+08:00').timestamp()
print(int(t - time.time()))" >"$BENCH_TMP/clock"
"$HOTLINE_BIN" serve --db "$db" --address 127.0.0.1 --port "$BENCH_PORT" --log-level warn \
  --clock "$BENCH_TMP/clock" >"$BENCH_TMP/server.log" 2>&1 &
BENCH_PID=$!
for _ in $(seq 100); do
  curl -fsS -o /dev/null "$(bench_url /healthz)" 2>/dev/null && break
  sleep 0.1
done
cookie=$(bench_login supervisor-chen demo-supervisor-chen)
[ -n "$cookie" ] || bench_die "login failed"
q="from=2015-01-01&to=2015-12-31"
curl -fsS -H "Cookie: hotline_session=$cookie" "$(bench_url "/api/analytics/durations?$q&by=unit")" \
  >"$BENCH_TMP/durations.json"
curl -fsS -H "Cookie: hotline_session=$cookie" "$(bench_url "/api/appraisal?$q")" \
  >"$BENCH_TMP/appraisal.json"
# shellcheck disable=SC2086
python3 "$BENCH_ROOT/bench/boston_stats.py" $files --at "$AT" --json >"$BENCH_TMP/csv.json"
python3 - "$BENCH_TMP" <<'PY'
import json, sys
tmp = sys.argv[1]
csv = json.load(open(f"{tmp}/csv.json"))
dur = json.load(open(f"{tmp}/durations.json"))
app = json.load(open(f"{tmp}/appraisal.json"))
api = {i["name_en"]: i for i in dur["items"]}
ontime = {}
for tier in list(app["tiers"].values()) + [app["other"]]:
    for u in tier:
        ontime[u["name_en"]] = u["rates"]["ontime_reply"]
api["__all__"] = dict(dur["all"], name_en="__all__")
tot = {"num": 0, "den": 0}
for name in csv:
    if name != "__all__" and name in ontime:
        tot["num"] += ontime[name]["num"]; tot["den"] += ontime[name]["den"]
ontime["__all__"] = dict(tot, rate=tot["num"] / tot["den"] if tot["den"] else None)
print(f"{'department':34} {'closed csv/api':>15} {'median h csv/api':>19} {'p90 h csv/api':>21}"
      f" {'counted csv/api':>15} {'on time csv/api':>17} {'Boston':>7}")
bad = 0
for name in sorted(csv, key=lambda k: (k == "__all__", -csv[k]["n"])):
    c, o = csv[name], ontime.get(name)
    a = api.get(name) or {"close": {"n": 0, "median_hours": None, "p90_hours": None}}
    if not o:
        print(f"{name[:34]:34} missing in the API"); bad += 1; continue
    cl = a["close"]
    agree = (c["n"] == cl["n"] and o["den"] == c["ontime_den"] and o["num"] == c["ontime"]
             and (not c["n"] or (abs(c["median_hours"] - cl["median_hours"]) < 1e-6
                                 and abs(c["p90_hours"] - cl["p90_hours"]) < 1e-6)))
    bad += not agree
    h = lambda x, w: f"{x:{w}.2f}" if x is not None else f"{'-':>{w}}"
    own = f"{100 * c['boston_ontime'] / c['boston_den']:6.2f}%" if c["boston_den"] else ""
    print(f"{name[:34]:34} {c['n']:7d}/{cl['n']:<7d} {h(c['median_hours'], 9)}/{h(cl['median_hours'], 9)} "
          f"{h(c['p90_hours'], 10)}/{h(cl['p90_hours'], 10)} {c['ontime_den']:7d}/{o['den']:<7d} "
          f"{100*c['ontime_share']:7.2f}/{100*o['rate']:<7.2f}% {own:>7}"
          f"{'' if agree else '  DIFFER'}")
print("boston_compare: " + ("all figures agree" if not bad else f"{bad} departments DIFFER"))
sys.exit(1 if bad else 0)
PY
echo "server peak RSS: $(bench_peak_rss_kb) kB; database: $(du -h "$db" | cut -f1)"
