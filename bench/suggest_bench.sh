#!/usr/bin/env bash
# suggest_bench.sh — how fast routing suggestions are (the issue asks under 5 ms): fills a
# temporary demo database with `hotline generate` (30 days, 200 requests a day), trains the
# models with `hotline train`, starts the release server, and measures
#   GET /api/suggest?text=&district=       (a call-taker typing: categories + units)
#   GET /api/cases/:id/suggestions          (the dispatcher's view of a registered request)
# one request at a time over a keep-alive connection (round trip and the server's own
# Server-Timing figure, p50 / p99 / max over 500 requests each), then with wrk at 8
# connections. Loopback only, bounded; cleans up on exit. Environment: HOTLINE_BIN.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

bench_setup
db="$BENCH_TMP/suggest.db"
"$HOTLINE_BIN" init --demo --db "$db" --data "$BENCH_ROOT/data" >"$BENCH_TMP/init.log" 2>&1 ||
  bench_die "hotline init failed"
"$HOTLINE_BIN" generate --db "$db" --data "$BENCH_ROOT/data" --days 30 --per-day 200 --seed 11 \
  >"$BENCH_TMP/generate.log" 2>&1 || bench_die "hotline generate failed"
"$HOTLINE_BIN" train --db "$db" | sed 's/^/train: /'
BENCH_PORT=$(bench_free_port)
"$HOTLINE_BIN" serve --db "$db" --address 127.0.0.1 --port "$BENCH_PORT" --log-level warn \
  --threads 8 >"$BENCH_TMP/server.log" 2>&1 &
BENCH_PID=$!
for _ in $(seq 100); do
  curl -fsS -o /dev/null "$(bench_url /healthz)" 2>/dev/null && break
  sleep 0.1
done
cookie=$(bench_login dispatcher-zhang demo-dispatcher-zhang)
[ -n "$cookie" ] || bench_die "login failed"
echo "suggest_bench: release server --threads 8, 127.0.0.1:$BENCH_PORT"
python3 - "$BENCH_PORT" "$cookie" <<'PY'
import http.client, json, sys, time, urllib.parse
port, cookie = int(sys.argv[1]), sys.argv[2]
hdr = {"Cookie": f"hotline_session={cookie}"}
texts = ["建设路128号门口的路灯已经三天不亮了，晚上很黑", "小区从早上开始停水，也没有任何通知",
         "楼下饭店油烟太大，呛得没法开窗", "公司拖欠工资三个月了，老板联系不上",
         "楼道里闻到很重的煤气味", "暖气一点都不热，室温只有十二度", "小区门口有人占道摆摊",
         "医保报销比例是多少", "晚上十一点还在施工，噪音很大", "共享单车堵在盲道上"]
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
def get(path):
    conn.request("GET", path, headers=hdr)
    r = conn.getresponse()
    body = r.read()
    if r.status != 200:
        sys.exit(f"suggest_bench: {path} answered {r.status}: {body[:200]!r}")
    return r.getheader("Server-Timing"), json.loads(body)
_, page = get("/api/cases?page_size=50&state=registered")
ids = [c["id"] for c in page["items"]] or [1]
def measure(label, paths):
    rt, srv = [], []
    for p in paths:
        t0 = time.perf_counter()
        timing, _ = get(p)
        rt.append((time.perf_counter() - t0) * 1000)
        srv.append(float(timing.split("dur=")[1]))
    for name, xs in (("round trip", rt), ("server", srv)):
        xs.sort()
        print(f"{label:34s} {name:10s} p50 {xs[len(xs)//2]:6.3f} ms  p99 "
              f"{xs[int(len(xs)*0.99)-1]:6.3f} ms  max {xs[-1]:6.3f} ms  (n={len(xs)})")
get("/api/suggest?text=" + urllib.parse.quote(texts[0]))  # loads the model
conn.request("GET", "/healthz")
conn.getresponse().read()
rt = []
for _ in range(500):  # the floor: the same connection, an endpoint that does nothing
    t0 = time.perf_counter()
    conn.request("GET", "/healthz")
    conn.getresponse().read()
    rt.append((time.perf_counter() - t0) * 1000)
rt.sort()
print(f"{'GET /healthz (baseline)':34s} {'round trip':10s} p50 {rt[250]:6.3f} ms  p99 "
      f"{rt[494]:6.3f} ms  max {rt[-1]:6.3f} ms  (n=500)")
measure("GET /api/suggest", ["/api/suggest?district=2&text=" + urllib.parse.quote(texts[i % len(texts)])
                             for i in range(500)])
measure("GET /api/cases/:id/suggestions", [f"/api/cases/{ids[i % len(ids)]}/suggestions"
                                           for i in range(500)])
PY
path=$(python3 -c 'import urllib.parse; print("/api/suggest?district=2&text=" + urllib.parse.quote("小区从早上开始停水，也没有任何通知"))')
BENCH_THREADS=2 BENCH_CONNECTIONS=8 BENCH_DURATION=${BENCH_DURATION:-5s} \
  bench_wrk "GET /api/suggest c=8" "$path" -H "Cookie: hotline_session=$cookie"
echo "server peak RSS (VmHWM): $(bench_peak_rss_kb) kB"
bench_machine
