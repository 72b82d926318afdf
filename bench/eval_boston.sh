#!/usr/bin/env bash
# eval_boston.sh — the routing-suggestion classifier (src/core/classifier.c through `hotline
# classify-eval`) on English: Boston 311 cases of 2015 (../shared/data, README §2), trained
# on the first half-year and measured on the second — case title and type text → department,
# and → work queue (also with the public-works district as a tag, as the product tags a
# request's district). Skips, with a message, when the shared data is absent.
# Environment: HOTLINE_BIN, HOTLINE_SHARED_DATA (default ../shared/data).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${HOTLINE_BIN:-$ROOT/build/release/hotline}
DATA=${HOTLINE_SHARED_DATA:-$ROOT/../shared/data}
H1=$DATA/boston311_2015/boston311_2015_H1.csv
H2=$DATA/boston311_2015/boston311_2015_H2.csv
if [ ! -f "$H1" ] || [ ! -f "$H2" ]; then
  echo "eval_boston: skipped: the Boston 2015 files are not in $DATA (see its README)"
  exit 0
fi
[ -x "$BIN" ] || { echo "eval_boston: no $BIN (make build/release/hotline)" >&2; exit 1; }
# run LINES OPTIONS...: the first LINES lines of the figures (queues have 140 labels)
run() {
  local lines=$1
  shift
  echo "== eval_boston: $*"
  "$BIN" classify-eval --train "$H1" --test "$H2" --text-cols case_title,type "$@" |
    sed -n "1,${lines}p"
}
run 30 --label-col department
run 8 --label-col queue
run 8 --label-col queue --tag-cols pwd_district
