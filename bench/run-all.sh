#!/usr/bin/env bash
# run-all.sh — runs every bench script in bench/ (*.sh except this one), one after another,
# and exits non-zero if any of them failed. `make bench` builds build/release/hotline and
# calls this; the scripts build nothing themselves.
set -uo pipefail
cd "$(dirname "$0")"
status=0
for script in ./*.sh; do
  [ "$(basename "$script")" = run-all.sh ] && continue
  echo "== $(basename "$script")"
  if ! bash "$script"; then
    echo "== $(basename "$script") FAILED" >&2
    status=1
  fi
  echo
done
exit $status
