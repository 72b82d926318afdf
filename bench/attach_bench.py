#!/usr/bin/env python3
"""attach_bench.py — upload and download throughput of request attachments against a running
hotline (attach_bench.sh starts one): a call-taker registers a request, then uploads files of
--mb MB (random bytes behind a JPEG header, each distinct so none is deduplicated) through
POST /api/cases/:id/attachments, first from one connection, then from --clients at once, and
downloads one back whole. Prints MB/s of each (payload bytes over wall time; each upload is
answered after its commit) and the p50/max latency of one upload."""
import argparse
import http.client
import json
import os
import statistics
import threading
import time


def request(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, r.getheaders(), r.read()
    finally:
        conn.close()


def login(port, user):
    st, hdrs, body = request(port, "POST", "/api/auth/login",
                             json.dumps({"username": user, "password": f"demo-{user}"}),
                             {"Content-Type": "application/json"})
    assert st == 200, body
    cookie = next(v.split(";", 1)[0] for k, v in hdrs if k.lower() == "set-cookie"
                  and v.startswith("hotline_session="))
    return {"Cookie": cookie, "X-CSRF-Token": json.loads(body)["csrf_token"]}


def photo(mb):
    head = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xda\x00\x03\x00"
    return head + os.urandom(int(mb * 1048576) - len(head) - 2) + b"\xff\xd9"


def form(data):
    b = "bench" + os.urandom(8).hex()
    head = (f"--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.jpg\"\r\n"
            "Content-Type: image/jpeg\r\n\r\n").encode()
    return f"multipart/form-data; boundary={b}", head + data + f"\r\n--{b}--\r\n".encode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--mb", type=float, default=5)
    ap.add_argument("-n", type=int, default=20, help="uploads from one connection")
    ap.add_argument("--clients", type=int, default=4)
    a = ap.parse_args()
    auth = login(a.port, "calltaker-wang")
    st, _, body = request(a.port, "GET", "/api/categories", headers=auth)
    leaf = next(c["id"] for c in json.loads(body)["categories"]
                if c["code"] == "010101")
    st, _, body = request(a.port, "POST", "/api/cases", json.dumps(
        {"caller_phone": "13900000000", "category_id": leaf, "text": "attachment bench"}),
        dict(auth, **{"Content-Type": "application/json"}))
    assert st == 201, body
    case = json.loads(body)["id"]
    path = f"/api/cases/{case}/attachments"
    bodies = [form(photo(a.mb)) for _ in range(a.n + a.clients * 5)]

    def up(i, lat):
        ct, b = bodies[i]
        t0 = time.perf_counter()
        st, _, out = request(a.port, "POST", path, b, dict(auth, **{"Content-Type": ct}))
        lat.append(time.perf_counter() - t0)
        assert st == 201, out[:300]
        return json.loads(out)["attachments"][0]["url"]

    lat = []
    t0 = time.perf_counter()
    urls = [up(i, lat) for i in range(a.n)]
    one = time.perf_counter() - t0
    print(f"upload, 1 connection: {a.n} x {a.mb:g} MB in {one:.2f} s = "
          f"{a.n * a.mb / one:.1f} MB/s; per upload p50 {statistics.median(lat) * 1000:.0f} ms,"
          f" max {max(lat) * 1000:.0f} ms")
    lat2 = []
    per = 5
    threads = [threading.Thread(target=lambda k=k: [up(a.n + k * per + j, lat2)
                                                    for j in range(per)])
               for k in range(a.clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    many = time.perf_counter() - t0
    total = a.clients * per * a.mb
    print(f"upload, {a.clients} connections: {a.clients * per} x {a.mb:g} MB in {many:.2f} s = "
          f"{total / many:.1f} MB/s; per upload p50 {statistics.median(lat2) * 1000:.0f} ms")
    t0 = time.perf_counter()
    for u in urls[:10]:
        st, _, data = request(a.port, "GET", u, headers=auth)
        assert st == 200 and len(data) == int(a.mb * 1048576)
    down = time.perf_counter() - t0
    print(f"download, 1 connection: 10 x {a.mb:g} MB in {down:.2f} s = {10 * a.mb / down:.1f} MB/s")


if __name__ == "__main__":
    main()
