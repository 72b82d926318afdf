#!/usr/bin/python3
"""Crash safety of uploads (issue 16): several clients upload photos at full speed while the
server is killed with SIGKILL at random moments and restarted each time. Afterwards every
upload answered 201 must be there with its content, no attachment may point at a missing or
partial file, and `hotline check` (which hashes every stored file again) must pass.

    tests/reliability/attach_crash_test.py [--bin build/release/hotline] [--kills 10]

Reuses crash_test.py's server, client and check helpers. Standard library only."""
import argparse
import hashlib
import http.client
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crash_test import ENV, REPO, SANITIZER_MARKS, Server, call, free_port, hotline_check, login  # noqa: E402

HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xda\x00\x03\x00"


def photo(rnd):
    """A JPEG of 20 KB to 2 MB; one in eight is the same as an earlier one (deduplicated)."""
    seed = rnd.randrange(40) if rnd.random() < 0.125 else rnd.getrandbits(64)
    r = random.Random(seed)
    n = r.randrange(20_000, 2_000_000)
    return HEAD + r.randbytes(n) + b"\xff\xd9"


def upload(port, token, case, data, timeout=30):
    b = "crash" + os.urandom(6).hex()
    body = (f"--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.jpg\"\r\n\r\n"
            .encode() + data + f"\r\n--{b}--\r\n".encode())
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", f"/api/cases/{case}/attachments", body=body,
                     headers={"Content-Type": f"multipart/form-data; boundary={b}",
                              "Authorization": f"Bearer {token}"})
        r = conn.getresponse()
        return r.status, json.loads(r.read() or b"null")
    finally:
        conn.close()


def run(binary, kills=10, clients=4, seed=None, out=print):
    rnd = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="hotline-attcrash-") as tmp:
        db = str(Path(tmp) / "crash.db")
        p = subprocess.run([binary, "init", "--demo", "--db", db, "--data", str(REPO / "data")],
                           capture_output=True, text=True, env=dict(os.environ, **ENV), timeout=300)
        if p.returncode:
            raise RuntimeError(p.stderr)
        port = free_port()
        logpath = Path(tmp) / "server.stderr"
        acked, unknown, lock, stop = [], [0], threading.Lock(), threading.Event()
        with open(logpath, "wb") as log:
            srv = Server(binary, db, port, log)
            srv.start()
            cookie, csrf = login(port, "admin", "demo-admin")
            s, tok = call(port, "POST", "/api/admin/tokens",
                          {"username": "calltaker-wang", "name": "attach crash test"},
                          {"X-CSRF-Token": csrf, "Cookie": cookie})
            token = tok["token"]
            s, cats = call(port, "GET", "/api/categories",
                           headers={"Authorization": f"Bearer {token}"})
            leaf = next(c["id"] for c in cats["categories"] if c["level"] == 3 and c["active"])
            cases = []
            for i in range(clients):
                s, k = call(port, "POST", "/api/cases",
                            {"caller_phone": f"1390000{i:04d}", "category_id": leaf,
                             "text": f"上传崩溃测试 {i}"}, {"Authorization": f"Bearer {token}"})
                cases.append(k["id"])

            def client(i):
                r = random.Random(i)
                while not stop.is_set():
                    data = photo(r)
                    try:
                        status, body = upload(port, token, cases[i], data)
                    except (OSError, http.client.HTTPException, ValueError):
                        with lock:
                            unknown[0] += 1
                        time.sleep(0.01)
                        continue
                    if status == 201:
                        a = body["attachments"][0]
                        with lock:
                            acked.append((a["id"], hashlib.sha256(data).hexdigest(), len(data)))

            threads = [threading.Thread(target=client, args=(i,), daemon=True)
                       for i in range(clients)]
            for t in threads:
                t.start()
            t0 = time.monotonic()
            for k in range(kills):
                time.sleep(rnd.uniform(0.3, 1.5))
                srv.kill()
                srv.start()
                out(f"attach-crash-test: kill {k + 1}/{kills}: {len(acked)} acknowledged so far")
            time.sleep(rnd.uniform(0.3, 1.5))
            stop.set()
            for t in threads:
                t.join(timeout=60)
            rc = srv.stop()
            elapsed = time.monotonic() - t0
        err = logpath.read_text(errors="replace")
        ok_check, check_out = hotline_check(binary, db)
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        rows = {i: (h, n) for i, h, n in conn.execute("SELECT id, sha256, size FROM attachments")}
        dangling = conn.execute("SELECT count(*) FROM attachments a LEFT JOIN attachment_contents c"
                                " ON c.sha256 = a.sha256 WHERE c.sha256 IS NULL"
                                " OR length(c.data) <> a.size").fetchone()[0]
        contents = conn.execute("SELECT count(*) FROM attachment_contents").fetchone()[0]
        conn.close()
        missing = [a for a in acked if a[0] not in rows]
        mismatched = [a for a in acked if a[0] in rows and rows[a[0]] != (a[1], a[2])]
        result = {"kills": kills, "clients": clients, "seconds": round(elapsed, 1),
                  "acknowledged": len(acked), "missing": len(missing),
                  "mismatched": len(mismatched), "attachments": len(rows),
                  "contents": contents, "dangling_or_partial": dangling,
                  "unanswered": unknown[0], "check_ok": ok_check, "check": check_out,
                  "clean_stop": rc == 0, "sanitizer": [m for m in SANITIZER_MARKS if m in err]}
        result["ok"] = (not missing and not mismatched and dangling == 0 and ok_check and
                        rc == 0 and not result["sanitizer"] and bool(acked))
        return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=str(REPO / "build" / "release" / "hotline"))
    ap.add_argument("--kills", type=int, default=10)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--seed", type=int, default=None)
    a = ap.parse_args()
    res = run(a.bin, a.kills, a.clients, seed=a.seed)
    print(json.dumps({k: v for k, v in res.items() if k != "check"}, ensure_ascii=False))
    print("attach-crash-test: hotline check:", res["check"].replace("\n", "; "))
    print(f"attach-crash-test: {'PASS' if res['ok'] else 'FAIL'}")
    sys.exit(0 if res["ok"] else 1)


if __name__ == "__main__":
    main()
