#!/usr/bin/env bash
# Fails the build when unbounded string functions appear in our C sources
# (docs/internals.md, Bounded memory).
set -euo pipefail
cd "$(dirname "$0")/.."
if grep -rnE '\b(sprintf|vsprintf|strcpy|strcat|gets|strtok)\s*\(' src tests/unit tests/store --include='*.c' --include='*.h'; then
  echo "check-banned: use the bounded helpers instead (snprintf, buf_*, arena_*)" >&2
  exit 1
fi
echo "check-banned: ok"
