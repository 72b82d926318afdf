#!/usr/bin/env bash
# eval_teddy.sh — how well the routing-suggestion classifier (src/core/classifier.c, the very
# code the server uses, through `hotline classify-eval`) sorts Chinese citizen messages into
# the 7 first-level labels of the Teddy Cup 2020 data (../shared/data, README §1 and §7):
#   train: teddy2020c/messages_labeled_sample.csv, minus the rows whose title is also in the
#          hold-out (in_sample495=1 there), so nothing of the hold-out is learnt;
#   test:  teddy2020c_full_valid/messages_labeled_full_valid10.csv (921 rows) — evaluation
#          only: never trained or tuned on;
# and prints top-1, top-3, per-label recall and calibration next to the reference model's
# accuracy recorded in that file (an SVM trained on the full set, about 18 times our rows).
# Skips, with a message, when the shared data is absent. Environment: HOTLINE_BIN,
# HOTLINE_SHARED_DATA (default ../shared/data from the repository).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${HOTLINE_BIN:-$ROOT/build/release/hotline}
DATA=${HOTLINE_SHARED_DATA:-$ROOT/../shared/data}
SAMPLE=$DATA/teddy2020c/messages_labeled_sample.csv
HOLDOUT=$DATA/teddy2020c_full_valid/messages_labeled_full_valid10.csv
if [ ! -f "$SAMPLE" ] || [ ! -f "$HOLDOUT" ]; then
  echo "eval_teddy: skipped: the Teddy Cup files are not in $DATA (see its README)"
  exit 0
fi
[ -x "$BIN" ] || { echo "eval_teddy: no $BIN (make build/release/hotline)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/hotline-eval-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# the training file without the hold-out's rows (kept in /tmp for the run only)
python3 - "$SAMPLE" "$HOLDOUT" "$tmp/train.csv" <<'PY'
import csv, sys
sample, holdout, out = sys.argv[1:]
with open(holdout, newline="", encoding="utf-8") as f:
    shared = {r["title"] for r in csv.DictReader(f) if r["in_sample495"] == "1"}
with open(sample, newline="", encoding="utf-8") as f:
    rd = csv.DictReader(f)
    rows = list(rd)
    fields = rd.fieldnames
keep = [r for r in rows if r["title"] not in shared]
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    w.writerows(keep)
print(f"eval_teddy: training rows {len(keep)} of {len(rows)} "
      f"({len(rows) - len(keep)} dropped: their title is in the hold-out)")
PY
echo "eval_teddy: hotline classify-eval --text-cols title,body, test on the 921-row hold-out"
"$BIN" classify-eval --train "$tmp/train.csv" --test "$HOLDOUT" --text-cols title,body \
  --label-col label_l1 --test-label-col label --reference-col baseline_svm_pred
echo "(reference: that team's TF-IDF+SVD+SVM, trained on the full file's other 8,289 rows)"
