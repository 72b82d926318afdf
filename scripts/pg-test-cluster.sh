#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, in a directory of its own:
#   scripts/pg-test-cluster.sh start DIR   initdb + pg_ctl start; prints the libpq URL of its
#                                          database `hotline` (postgresql:///hotline?host=DIR&...)
#   scripts/pg-test-cluster.sh stop DIR    stops it and removes DIR with everything in it
#   scripts/pg-test-cluster.sh run CMD...  a cluster in a new temporary directory for the time
#                                          CMD runs, its URL in HOTLINE_TEST_PG; CMD's status
# It listens on a Unix socket in DIR only (listen_addresses=''), so clusters of several test
# runs never meet, and nothing is reachable from the network. fsync stays on: the tests see the
# durability the servers have. initdb refuses to run as root, so as root (CI) the cluster
# belongs to the `postgres` user that Debian's package creates; otherwise to the current user.
# Superuser `hotline`, trust authentication (only whoever can reach DIR can connect), UTF8 and
# the C locale (text sorts by bytes, as in SQLite).
set -euo pipefail

bindir=$(pg_config --bindir 2>/dev/null || true)
for d in "$bindir" /usr/lib/postgresql/*/bin; do
  if [ -n "$d" ] && [ -x "$d/initdb" ]; then bindir=$d; break; fi
done
if [ ! -x "$bindir/initdb" ]; then
  echo "pg-test-cluster: initdb not found (install postgresql: scripts/install-deps.sh)" >&2
  exit 1
fi

# as_owner CMD...: runs CMD as the cluster's owner
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local dir=$1
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  # a socket path longer than this is refused by the kernel (sun_path is 108 bytes)
  if [ ${#dir} -gt 90 ]; then
    echo "pg-test-cluster: $dir: path too long for a socket" >&2; exit 1
  fi
  if [ -e "$dir/data" ]; then echo "pg-test-cluster: $dir/data exists already" >&2; exit 1; fi
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
  # --no-sync only spares initdb's own flush of the files it makes (a crash during initdb
  # just fails the test run); the running server keeps fsync on
  as_owner "$bindir/initdb" -D "$dir/data" -U hotline --auth=trust -E UTF8 --locale=C \
    --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=on" start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  "$bindir/createdb" -h "$dir" -U hotline hotline
  echo "postgresql:///hotline?host=$dir&user=hotline"
}

stop() {
  local dir=$1
  # remove only what this script made: a directory without our cluster is left alone
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    echo "pg-test-cluster: no cluster in $dir" >&2; exit 1
  fi
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 \
      || { echo "pg-test-cluster: pg_ctl stop failed in $dir" >&2; exit 1; }
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) [ $# -eq 2 ] || { echo "usage: $0 start DIR" >&2; exit 2; }; start "$2" ;;
  stop) [ $# -eq 2 ] || { echo "usage: $0 stop DIR" >&2; exit 2; }; stop "$2" ;;
  run)
    shift
    [ $# -ge 1 ] || { echo "usage: $0 run CMD..." >&2; exit 2; }
    dir=$(mktemp -d /tmp/hotline-pg-XXXXXX)
    trap 'stop "$dir"' EXIT
    trap 'exit 130' INT TERM # so that the EXIT trap removes the cluster
    HOTLINE_TEST_PG=$(start "$dir") || { rm -rf "$dir"; trap - EXIT; exit 1; }
    export HOTLINE_TEST_PG
    set +e
    "$@"
    status=$?
    set -e
    exit $status
    ;;
  *) echo "usage: $0 start DIR | stop DIR | run CMD..." >&2; exit 2 ;;
esac
