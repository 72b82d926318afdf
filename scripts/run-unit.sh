#!/usr/bin/env bash
# Runs every cmocka binary once, shows its output, and closes with one line over all of them:
# "unit: N passed, N failed" (RUN_UNIT_LABEL names it otherwise). Exits non-zero if any binary
# failed or crashed.
set -uo pipefail
pass=0; fail=0; status=0
for t in "$@"; do
  out=$("$t" 2>&1); rc=$?
  printf '%s\n' "$out"
  p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
  f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
  pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0}))
  if [ $rc -ne 0 ]; then status=1; [ -z "$f" ] && fail=$((fail + 1)) && echo "$t: exited $rc"; fi
done
echo "${RUN_UNIT_LABEL:-unit}: $pass passed, $fail failed"
exit $status
