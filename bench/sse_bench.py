#!/usr/bin/env python3
"""sse_bench.py — cost of idle live-event streams on a running `hotline serve`.

Opens N (default 1000) SSE connections to GET /api/events/stream as one supervisor session,
waits until each has its first block ("retry: 2000"), then:
  - idle: the server's CPU over --idle seconds (utime+stime from /proc/<pid>/stat) and its RSS
    (VmRSS) with the streams idle, and RSS growth per stream;
  - fan-out: posts --events announcements one at a time and measures, for each, the time from
    sending the POST until every stream has received the event (p50 / p99 / max over streams,
    then the median over events).
Needs the server's pid (same machine) and the demo users. Bounded: every wait has a deadline;
loopback only. Usage: sse_bench.py --port P --pid PID [-n 1000] [--idle 5] [--events 5]
"""
import argparse
import http.client
import json
import os
import selectors
import socket
import statistics
import sys
import time


def proc_cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime (fields 14, 15)


def proc_status_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def login(port, username):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("POST", "/api/auth/login",
              body=json.dumps({"username": username, "password": f"demo-{username}"}),
              headers={"Content-Type": "application/json"})
    r = c.getresponse()
    body = r.read()
    if r.status != 200:
        sys.exit(f"login {username}: {r.status} {body[:200]!r}")
    cookie = None
    for k, v in r.getheaders():
        if k.lower() == "set-cookie" and v.startswith("hotline_session="):
            cookie = v.split(";", 1)[0].split("=", 1)[1]
    c.close()
    return cookie, json.loads(body)["csrf_token"]


def announce(port, cookie, csrf, message):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("POST", "/api/events/announce", body=json.dumps({"message": message}),
              headers={"Content-Type": "application/json", "X-CSRF-Token": csrf,
                       "Cookie": f"hotline_session={cookie}"})
    r = c.getresponse()
    body = r.read()
    c.close()
    if r.status != 201:
        sys.exit(f"announce: {r.status} {body[:200]!r}")
    return json.loads(body)["id"]


def wait_all(sel, socks, needle, deadline):
    """Reads from every socket until each has received needle; returns arrival times."""
    arrived = {}
    bufs = {s: b"" for s in socks}
    while len(arrived) < len(socks):
        left = deadline - time.monotonic()
        if left <= 0:
            break
        for key, _ in sel.select(min(left, 1.0)):
            s = key.fileobj
            data = s.recv(65536)
            if not data:
                sys.exit("a stream was closed by the server")
            if s in arrived:
                continue
            bufs[s] = (bufs[s] + data)[-4096:]
            if needle in bufs[s]:
                arrived[s] = time.monotonic()
    return arrived


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("-n", type=int, default=1000, help="streams (default 1000)")
    ap.add_argument("--idle", type=float, default=5.0, help="idle measurement, seconds")
    ap.add_argument("--events", type=int, default=5, help="announcements to time")
    a = ap.parse_args()
    hz = os.sysconf("SC_CLK_TCK")

    cookie, csrf = login(a.port, "supervisor-chen")
    rss_before = proc_status_kb(a.pid, "VmRSS")
    sel = selectors.DefaultSelector()
    socks = []
    req = (f"GET /api/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
           f"Cookie: hotline_session={cookie}\r\n\r\n").encode()
    t_open = time.monotonic()
    for _ in range(a.n):
        s = socket.create_connection(("127.0.0.1", a.port), timeout=10)
        s.sendall(req)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
        socks.append(s)
    opened = wait_all(sel, socks, b"retry: 2000", time.monotonic() + 60)
    if len(opened) < a.n:
        sys.exit(f"only {len(opened)} of {a.n} streams answered within 60 s")
    t_ready = time.monotonic() - t_open
    time.sleep(1.0)  # let the last ones suspend

    c0, w0 = proc_cpu_ticks(a.pid), time.monotonic()
    time.sleep(a.idle)
    c1, w1 = proc_cpu_ticks(a.pid), time.monotonic()
    cpu_pct = 100.0 * (c1 - c0) / hz / (w1 - w0)
    rss = proc_status_kb(a.pid, "VmRSS")

    results = []
    for i in range(a.events):
        t0 = time.monotonic()
        seq = announce(a.port, cookie, csrf, f"bench {i}")
        arrived = wait_all(sel, socks, f"id: {seq}\n".encode(), t0 + 30)
        if len(arrived) < a.n:
            sys.exit(f"event {seq}: only {len(arrived)} of {a.n} streams got it within 30 s")
        lat = [(t - t0) * 1000 for t in arrived.values()]
        results.append((pct(lat, 50), pct(lat, 99), max(lat)))
        time.sleep(0.2)

    for s in socks:
        sel.unregister(s)
        s.close()
    med = [statistics.median(r[k] for r in results) for k in range(3)]
    print(f"sse_bench: {a.n} streams opened and answered in {t_ready:.2f} s")
    print(f"idle {a.n} streams: server CPU {cpu_pct:.2f} % of one core over {w1 - w0:.1f} s "
          f"({c1 - c0} ticks), RSS {rss} kB ({(rss - rss_before) / a.n:.1f} kB per stream)")
    print(f"one event to all {a.n} streams (median of {a.events}): p50 {med[0]:.1f} ms, "
          f"p99 {med[1]:.1f} ms, all {med[2]:.1f} ms")


if __name__ == "__main__":
    main()
