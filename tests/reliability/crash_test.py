#!/usr/bin/python3
"""Crash safety (issue 8): several clients register requests at full speed while the server is
killed with SIGKILL at random moments and restarted each time. Afterwards every request that was
answered 201 must be in the database with its number and content, numbers must be unique, and
`hotline check` (SQLite integrity check + every row against the fold of its event log) must pass.

    tests/reliability/crash_test.py [--bin build/release/hotline] [--kills 20] [--clients 8]

`make crash-test` runs it with 20 kills; tests/api/test_crash.py runs a short version (5 kills)
in `make test`. Standard library only."""
import argparse
import http.client
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ENV = {"ASAN_OPTIONS": "detect_leaks=0:abort_on_error=0",  # SIGKILL leaves no leak report
       "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1"}
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "runtime error:", "LeakSanitizer")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(port, method, path, body=None, headers=None, timeout=10):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        hdrs = {"Content-Type": "application/json"} if data else {}
        hdrs.update(headers or {})
        conn.request(method, path, body=data, headers=hdrs)
        r = conn.getresponse()
        raw = r.read()
        return r.status, (json.loads(raw) if raw and r.getheader("Content-Type", "").startswith(
            "application/json") else raw)
    finally:
        conn.close()


class Server:
    def __init__(self, binary, db, port, log):
        self.binary, self.db, self.port, self.log = binary, db, port, log
        self.proc = None

    def start(self, timeout=30):
        env = dict(os.environ, **ENV)
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--db", self.db, "--port", str(self.port), "--web", "/nonexistent",
             "--log-level", "warn", "--rate-public", "0", "--threads", "16"],
            stdout=subprocess.DEVNULL, stderr=self.log, env=env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited {self.proc.returncode} at start")
            try:
                if call(self.port, "GET", "/healthz", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.02)
        raise RuntimeError("server did not become healthy")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=60)


class Clients:
    """K threads registering requests as fast as the server answers; each 201 is recorded with
    what was sent. A request whose connection breaks has an unknown outcome."""

    def __init__(self, port, token, categories, k):
        self.port, self.token, self.categories = port, token, categories
        self.acked = []      # (number, id, phone, text)
        self.unknown = 0     # sent, no answer (the server died)
        self.refused = {}    # other statuses seen (503 while shutting down, ...)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True)
                        for i in range(k)]

    def _run(self, i):
        n = 0
        rnd = random.Random(i)
        while not self.stop.is_set():
            n += 1
            phone = f"139{i:02d}{n % 1000000:06d}"
            text = f"崩溃测试 client {i} seq {n} {rnd.getrandbits(48):012x}"
            body = {"caller_name": f"测试{i}", "caller_phone": phone,
                    "category_id": rnd.choice(self.categories), "text": text}
            try:
                status, resp = call(self.port, "POST", "/api/cases", body,
                                    {"Authorization": f"Bearer {self.token}"}, timeout=10)
            except (OSError, http.client.HTTPException):
                with self.lock:
                    self.unknown += 1
                time.sleep(0.01)  # the server is down: wait for the restart
                continue
            with self.lock:
                if status == 201:
                    self.acked.append((resp["number"], resp["id"], phone, text))
                else:
                    self.refused[status] = self.refused.get(status, 0) + 1

    def start(self):
        for t in self.threads:
            t.start()

    def join(self):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=30)


def hotline_check(binary, db):
    p = subprocess.run([binary, "check", "--db", db], capture_output=True, text=True,
                       env=dict(os.environ, **ENV), timeout=600)
    return p.returncode == 0, (p.stdout + p.stderr).strip()


def run(binary, kills=20, clients=8, min_gap=0.3, max_gap=1.5, seed=None, out=print):
    rnd = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="hotline-crash-") as tmp:
        db = str(Path(tmp) / "crash.db")
        env = dict(os.environ, **ENV)
        p = subprocess.run([binary, "init", "--demo", "--db", db, "--data", str(REPO / "data")],
                           capture_output=True, text=True, env=env, timeout=300)
        if p.returncode:
            raise RuntimeError(p.stderr)
        port = free_port()
        logpath = Path(tmp) / "server.stderr"
        with open(logpath, "wb") as log:
            srv = Server(binary, db, port, log)
            srv.start()
            cookie, csrf = login(port, "admin", "demo-admin")
            # a bearer token: no CSRF, and no password hashing on every restart
            s, tok = call(port, "POST", "/api/admin/tokens",
                          {"username": "calltaker-wang", "name": "crash test"},
                          {"X-CSRF-Token": csrf, "Cookie": cookie})
            if s != 201:
                raise RuntimeError(f"token: {s} {tok}")
            s, cats = call(port, "GET", "/api/categories",
                           headers={"Authorization": f"Bearer {tok['token']}"})
            leaves = [c["id"] for c in cats["categories"] if c["level"] == 3 and c["active"]]
            cl = Clients(port, tok["token"], leaves[:20], clients)
            cl.start()
            t0 = time.monotonic()
            for k in range(kills):
                time.sleep(rnd.uniform(min_gap, max_gap))
                srv.kill()
                srv.start()
                out(f"crash-test: kill {k + 1}/{kills}: {len(cl.acked)} acknowledged so far")
            time.sleep(rnd.uniform(min_gap, max_gap))
            cl.join()
            rc = srv.stop()
            elapsed = time.monotonic() - t0
        err = logpath.read_text(errors="replace")
        ok_check, check_out = hotline_check(binary, db)
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        rows = {n: (i, ph, tx) for n, i, ph, tx in
                conn.execute("SELECT number, id, caller_phone, text FROM cases")}
        dup_rows = conn.execute("SELECT count(*) - count(DISTINCT number) FROM cases").fetchone()[0]
        conn.close()
        acked_numbers = [a[0] for a in cl.acked]
        missing = [a for a in cl.acked if a[0] not in rows]
        mismatched = [a for a in cl.acked if a[0] in rows and rows[a[0]] != (a[1], a[2], a[3])]
        dup_acks = len(acked_numbers) - len(set(acked_numbers))
        ours = sum(1 for (_, ph, tx) in rows.values() if tx.startswith("崩溃测试"))
        result = {
            "kills": kills, "clients": clients, "seconds": round(elapsed, 1),
            "acknowledged": len(cl.acked), "found": len(cl.acked) - len(missing),
            "missing": len(missing), "mismatched": len(mismatched),
            "duplicate_numbers": dup_acks + dup_rows,
            "unanswered": cl.unknown,
            "stored_not_acknowledged": ours - (len(cl.acked) - len(missing)),
            "other_statuses": dict(cl.refused), "check_ok": ok_check, "check": check_out,
            "clean_stop": rc == 0,
            "sanitizer": [m for m in SANITIZER_MARKS if m in err],
        }
        result["ok"] = (result["missing"] == 0 and result["mismatched"] == 0 and
                        result["duplicate_numbers"] == 0 and ok_check and rc == 0 and
                        not result["sanitizer"] and result["acknowledged"] > 0)
        return result


def login(port, username, password):
    """(cookie, csrf token) of a new session."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", "/api/auth/login",
                     body=json.dumps({"username": username, "password": password}),
                     headers={"Content-Type": "application/json"})
        r = conn.getresponse()
        body = json.loads(r.read())
        return r.getheader("Set-Cookie").split(";", 1)[0], body["csrf_token"]
    finally:
        conn.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=str(REPO / "build" / "release" / "hotline"))
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seed", type=int, default=None)
    a = ap.parse_args()
    res = run(a.bin, a.kills, a.clients, seed=a.seed)
    print(json.dumps({k: v for k, v in res.items() if k != "check"}, ensure_ascii=False))
    print("crash-test: hotline check:", res["check"].replace("\n", "; "))
    print(f"crash-test: {'PASS' if res['ok'] else 'FAIL'}: {res['kills']} kills, "
          f"{res['acknowledged']} acknowledged, {res['found']} found, {res['missing']} missing, "
          f"{res['mismatched']} mismatched, {res['duplicate_numbers']} duplicate numbers")
    sys.exit(0 if res["ok"] else 1)


if __name__ == "__main__":
    main()
