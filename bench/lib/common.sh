# bench/lib/common.sh — helpers shared by the bench scripts (sourced, not run).
# A bench starts its own server on a temporary demo database, on 127.0.0.1 only, and removes
# both on exit: call bench_setup first, then bench_start_server; the EXIT trap cleans up.

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HOTLINE_BIN=${HOTLINE_BIN:-$BENCH_ROOT/build/release/hotline}
BENCH_TMP=""
BENCH_PID=""
BENCH_PORT=""
# every load generator here is one client address: the server's per-address connection
# limit (64 by default, against one client holding the server) would cap the bench instead
export HOTLINE_MAX_CONN_PER_ADDRESS=0

bench_die() { echo "$(basename "$0"): $*" >&2; exit 1; }

bench_cleanup() {
  if [ -n "$BENCH_MEM_PID" ]; then kill "$BENCH_MEM_PID" 2>/dev/null || true; wait "$BENCH_MEM_PID" 2>/dev/null || true; fi
  BENCH_MEM_PID=""
  if [ -n "$BENCH_PID" ] && kill -0 "$BENCH_PID" 2>/dev/null; then
    kill -TERM "$BENCH_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$BENCH_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$BENCH_PID" 2>/dev/null || true
    wait "$BENCH_PID" 2>/dev/null || true
  fi
  BENCH_PID=""
  [ -n "$BENCH_TMP" ] && rm -rf "$BENCH_TMP"
  BENCH_TMP=""
}

# Checks the tools and the binary, makes the temporary directory, installs the cleanup trap.
bench_setup() {
  [ -x "$HOTLINE_BIN" ] || bench_die "no $HOTLINE_BIN (build it first: make build/release/hotline; 'make bench' does)"
  for tool in wrk curl python3; do
    command -v "$tool" >/dev/null || bench_die "$tool is not installed"
  done
  BENCH_TMP=$(mktemp -d /tmp/hotline-bench-XXXXXX)
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

# A free TCP port on 127.0.0.1 (the kernel's choice; closed again before the server binds it).
bench_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Creates the demo database and starts `hotline serve` on it; extra arguments go to serve.
bench_start_server() {
  local db="$BENCH_TMP/bench.db"
  "$HOTLINE_BIN" init --demo --db "$db" --data "$BENCH_ROOT/data" >"$BENCH_TMP/init.log" 2>&1 ||
    { cat "$BENCH_TMP/init.log" >&2; bench_die "hotline init failed"; }
  BENCH_PORT=$(bench_free_port)
  "$HOTLINE_BIN" serve --db "$db" --address 127.0.0.1 --port "$BENCH_PORT" "$@" \
    >"$BENCH_TMP/server.log" 2>&1 &
  BENCH_PID=$!
  for _ in $(seq 100); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$BENCH_PORT/healthz" 2>/dev/null; then return 0; fi
    kill -0 "$BENCH_PID" 2>/dev/null || { cat "$BENCH_TMP/server.log" >&2; bench_die "server exited"; }
    sleep 0.1
  done
  bench_die "server did not answer /healthz within 10 s"
}

# A new database NAME on the PostgreSQL cluster whose URL is CLUSTER_URL (as
# scripts/pg-test-cluster.sh prints it), made a demo city with hotline init --demo; prints its
# URL. Usage: bench_pg_demo_db CLUSTER_URL NAME.
bench_pg_demo_db() {
  local url
  psql -q "$1" -c "CREATE DATABASE $2" >/dev/null || bench_die "cannot create the database $2"
  url=$(printf '%s' "$1" | sed "s#^\(postgres[a-z]*://[^/]*\)/[^?]*#\1/$2#")
  "$HOTLINE_BIN" init --demo --db "$url" --data "$BENCH_ROOT/data" >"$BENCH_TMP/init.log" 2>&1 ||
    { cat "$BENCH_TMP/init.log" >&2; bench_die "hotline init on PostgreSQL failed"; }
  printf '%s' "$url"
}

bench_url() { echo "http://127.0.0.1:$BENCH_PORT$1"; }

# Logs in through the API and prints the value of the hotline_session cookie.
bench_login() {
  local user=$1 password=$2 headers
  headers=$(curl -sS -D - -o /dev/null -H 'Content-Type: application/json' \
    --data "{\"username\":\"$user\",\"password\":\"$password\"}" "$(bench_url /api/auth/login)")
  printf '%s\n' "$headers" | tr -d '\r' |
    sed -n 's/^[Ss]et-[Cc]ookie: hotline_session=\([0-9a-f]*\);.*/\1/p' | head -1
}

# Peak resident set size of the server in kB (VmHWM).
bench_peak_rss_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$BENCH_PID/status"; }

# The kernel keeps no peak of RssAnon and RssFile apart (VmHWM is their sum), so a background
# loop samples the server's /proc status every 50 ms and keeps the largest of each.
# bench_mem_watch starts it; bench_mem_peak prints "RssAnon N kB, RssFile N kB" (peaks).
BENCH_MEM_PID=""
bench_mem_watch() {
  local status="/proc/$BENCH_PID/status" out="$BENCH_TMP/mem-peak"
  echo "0 0" >"$out"
  (
    anon=0 file=0
    while [ -r "$status" ]; do
      read -r a f < <(awk '/^RssAnon:/ {a=$2} /^RssFile:/ {f=$2} END {print a+0, f+0}' "$status")
      [ "$a" -gt "$anon" ] && anon=$a
      [ "$f" -gt "$file" ] && file=$f
      echo "$anon $file" >"$out.tmp" && mv "$out.tmp" "$out"
      sleep 0.05
    done
  ) &
  BENCH_MEM_PID=$!
}
bench_mem_peak() {
  local anon file
  read -r anon file <"$BENCH_TMP/mem-peak"
  echo "RssAnon ${anon} kB, RssFile ${file} kB"
}

bench_machine() {
  local model
  model=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo)
  echo "machine: $(nproc) CPUs, ${model:-unknown CPU}, $(uname -sr)"
}

# Runs wrk against one path and prints one line: requests/s, p50 and p99 in milliseconds, and
# the server's CPU time per request (user + system, from /proc).
# Usage: bench_wrk LABEL PATH [wrk options such as -H 'Cookie: ...'].
# Environment: BENCH_THREADS (2), BENCH_CONNECTIONS (64), BENCH_DURATION (10s).
bench_wrk() {
  local label=$1 path=$2 out
  shift 2
  local dur=${BENCH_DURATION:-10s} cpu0 cpu1
  # the server's CPU time (clock ticks), to give its CPU per request: on a shared machine a
  # steadier figure than requests/s, which follows what the other processes leave it
  cpu0=$(awk '{print $14+$15}' "/proc/$BENCH_PID/stat" 2>/dev/null || echo 0)
  out=$(timeout 120 wrk -t"${BENCH_THREADS:-2}" -c"${BENCH_CONNECTIONS:-64}" -d"$dur" --latency \
    "$@" "$(bench_url "$path")") || bench_die "wrk failed on $path"
  cpu1=$(awk '{print $14+$15}' "/proc/$BENCH_PID/stat" 2>/dev/null || echo 0)
  printf '%s\n' "$out" >"$BENCH_TMP/wrk-$(echo "$label" | tr -c 'A-Za-z0-9' '_').txt"
  printf '%s\n' "$out" | awk -v label="$label" -v ticks=$((cpu1 - cpu0)) -v hz="$(getconf CLK_TCK)" '
    function ms(v) {
      if (v ~ /us$/) return v / 1000;
      if (v ~ /ms$/) return v + 0;
      if (v ~ /m$/) return v * 60000;
      if (v ~ /s$/) return v * 1000;
      return v + 0;
    }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /^Requests\/sec:/ { rps = $2 }
    /requests in / { total = $1 }
    /Non-2xx or 3xx responses:/ { bad = $NF }
    /Socket errors:/ { sub(/^ *Socket errors: */, ""); errs = $0 }
    END {
      printf "%-28s %10.0f req/s   p50 %7.2f ms   p99 %7.2f ms", label, rps, p50, p99;
      if (total > 0 && ticks > 0) printf "   server CPU %5.0f us/req", ticks * 1e6 / hz / total;
      if (bad) printf "   NON-2XX %s", bad;
      if (errs) printf "   socket errors: %s", errs;
      printf "\n";
      if (bad || rps == 0) exit 1;
    }' || return 1
}
