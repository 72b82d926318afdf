#!/usr/bin/env bash
# Installs what hotline needs from Debian and npm, only what is missing, so `make run` and
# `make test` work on a fresh Debian 12.  `--test` adds what only the tests need: Debian's
# chromium (driven by playwright-core in tests/e2e/) and a CJK font for its screenshots;
# `--bench` what only `make bench` needs: valgrind (bench/import_cost.sh counts instructions);
# `--ha` what the failover test needs (`make ha-test`, tests/ha/run.py): Patroni, etcd and
# Patroni's etcd client — `--test` includes it, since `make test` runs `make ha-test`.
# PostgreSQL is in the base list: the binary links libpq (libpq-dev), and the tests start a
# throwaway cluster of their own with its initdb and pg_ctl (scripts/pg-test-cluster.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=(build-essential pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev
      libsodium-dev libxlsxwriter-dev libcmocka-dev python3 python3-pytest
      clang libclang-rt-14-dev wrk sqlite3 curl libpq-dev postgresql)
# Node.js and npm serve the web pages' packages (ECharts); a Node.js already installed from
# elsewhere (e.g. NodeSource, which bundles npm) is used as it is.
command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
command -v npm >/dev/null 2>&1 || pkgs+=(npm)
case "${1:-}" in
  --test) pkgs+=(chromium fonts-wqy-microhei patroni etcd-server python3-etcd) ;;
  --bench) pkgs+=(valgrind) ;;
  --ha) pkgs+=(patroni etcd-server python3-etcd) ;;
esac
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ "${1:-}" = "--test" ] && [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "install-deps: warning: playwright-core (tests/e2e) wants Node.js 20 or newer; this is $(node --version)" >&2
fi
# npm packages (package-lock.json): again when the lock file is newer than the install; the
# failover test (--ha) needs none
if [ "${1:-}" != "--ha" ] && { [ ! -f node_modules/.package-lock.json ] ||
   [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  echo "install-deps: npm ci"
  npm ci --no-audit --no-fund
fi
