#!/usr/bin/python3
"""tests/ha/run.py — the failover test of issue 15, run by `make ha-test`.

On this one machine, in a temporary directory and on ports of its own, it starts:
  - etcd (the consensus store), one member;
  - two PostgreSQL 15 nodes managed by Patroni, with a synchronous standby required
    (synchronous_mode_strict: no COMMIT returns before the standby has its WAL), pg_rewind,
    and primary_start_timeout 0 (a primary whose postmaster dies fails over at once instead of
    being restarted where it was);
  - `hotline init --demo` on the primary, then two `hotline serve` on the multi-host URL
    postgresql://127.0.0.1:P1,127.0.0.1:P2/hotline?target_session_attrs=read-write;
  - a registration load of 16 connections (call-takers' sessions, both servers), each request
    with a unique text and an Idempotency-Key, tried again with the same key after a 503 or a
    broken connection, every acknowledged number recorded.
Then, --kills times (10 by default): SIGKILL to the primary's postmaster; the time from the
kill to the first acknowledged write sent after it; the old node back as synchronous standby
(Patroni: crash recovery, pg_rewind, streaming); and the checks of AFTER_FAILOVER (every
acknowledged number present exactly once, by number and by its unique text; `hotline check`).
At the end, a point-in-time restore: the base backup taken before the load, replayed from the
WAL archive both nodes share to a moment noted after the middle kill (every request
acknowledged before it present, none first sent after it, `hotline check` passing).
It prints the kills, acknowledged requests, requests found, lost, duplicates, and the failover
time's median and max, and exits 1 when anything was lost or duplicated, a check failed, or the
median failover time is 15 s or more (or the restore's checks fail). Everything it started is stopped and the directory
removed, on failure or Ctrl-C too.

Runs as root (CI) or as any user: PostgreSQL and Patroni run as `postgres` when root.
Needs Debian's patroni, etcd-server and postgresql (scripts/install-deps.sh --ha).
Environment: HOTLINE_BIN (default build/asan/hotline). Standard library only."""
import argparse
import http.client
import json
import os
import pwd
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = os.environ.get("HOTLINE_BIN") or str(REPO / "build" / "asan" / "hotline")
PG_BIN = Path("/usr/lib/postgresql/15/bin")
CLIENTS = 16
CATEGORY = "010101"  # a leaf category of the demo catalogue
FAILOVER_LIMIT_S = 15.0  # the bound on the median
SANITIZER_ENV = {"ASAN_OPTIONS": "detect_leaks=1:abort_on_error=0",
                 "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1"}
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "runtime error:", "LeakSanitizer")


def log(msg):
    print(f"[ha {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(cond, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(0.1)
    raise RuntimeError(f"timed out after {timeout} s waiting for {what}")


class Stack:
    """Every process this run started, and the directory they live in."""

    def __init__(self):
        self.root = os.geteuid() == 0
        self.owner = pwd.getpwnam("postgres") if self.root else pwd.getpwuid(os.geteuid())
        self.dir = Path(tempfile.mkdtemp(prefix="hotline-ha-"))
        os.chmod(self.dir, 0o755)
        self.procs = []  # (name, Popen) in start order
        self.nodes = []
        self.data_dirs = []  # PostgreSQL data directories started outside Patroni (the restore)
        self.etcd_port = free_port()
        self.archive = self.owned_dir("archive")

    def owned_dir(self, name):
        d = self.dir / name
        d.mkdir(mode=0o700)
        os.chown(d, self.owner.pw_uid, self.owner.pw_gid)
        return d

    def spawn(self, name, args, as_owner=False, env=None, cwd=None):
        logf = open(self.dir / f"{name}.log", "ab")
        kw = {}
        if as_owner and self.root:
            kw = {"user": self.owner.pw_uid, "group": self.owner.pw_gid, "extra_groups": []}
        e = dict(os.environ)
        e.update(env or {})
        if as_owner:
            e["HOME"] = str(cwd or self.dir)
        p = subprocess.Popen(args, stdout=logf, stderr=subprocess.STDOUT, env=e, cwd=cwd, **kw)
        logf.close()
        self.procs.append((name, p))
        return p

    def stop(self):
        """hotline first (so no client is left), then Patroni (it stops its PostgreSQL), then
        whatever PostgreSQL is still up (a Patroni that did not stop it), then etcd."""
        for name, p in reversed(self.procs):
            if name.startswith("hotline") and p.poll() is None:
                p.terminate()
        for name, p in reversed(self.procs):
            if name.startswith("hotline"):
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()
        for name, p in self.procs:
            if name.startswith("patroni") and p.poll() is None:
                p.terminate()
        for name, p in self.procs:
            if name.startswith("patroni"):
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        for data in [n.data for n in self.nodes] + self.data_dirs:
            if (data / "postmaster.pid").exists():
                self.run_as_owner([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate",
                                   "-w", "stop"], check=False)
        for name, p in self.procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def run_as_owner(self, args, check=True, timeout=120):
        if self.root:
            args = ["runuser", "-u", "postgres", "--", *args]
        r = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise RuntimeError(f"{args[-1]}: {r.stderr.strip()}")
        return r


class Node:
    """One PostgreSQL node under Patroni: its data directory, ports and REST API."""

    def __init__(self, stack, name):
        self.stack, self.name = stack, name
        self.dir = stack.owned_dir(name)
        self.data = self.dir / "data"
        self.pg_port, self.api_port = free_port(), free_port()
        self.proc = None
        stack.nodes.append(self)

    def config(self):
        s = self.stack
        return {
            "scope": "hotline-ha", "namespace": "/hotline-ha/", "name": self.name,
            "restapi": {"listen": f"127.0.0.1:{self.api_port}",
                        "connect_address": f"127.0.0.1:{self.api_port}"},
            "etcd3": {"hosts": [f"127.0.0.1:{s.etcd_port}"]},
            "watchdog": {"mode": "off"},
            "bootstrap": {
                "dcs": {
                    # a short loop and lock: the failover is found within a second or two
                    "ttl": 10, "loop_wait": 1, "retry_timeout": 3,
                    "primary_start_timeout": 0,
                    "synchronous_mode": True, "synchronous_mode_strict": True,
                    "maximum_lag_on_failover": 16 * 1024 * 1024,
                    "postgresql": {
                        "use_pg_rewind": True, "use_slots": True,
                        # a node that crashed flushes its data directory before recovery
                        # (and again after pg_rewind): one syncfs() instead of an fsync per
                        # file, 0.6 s instead of 4 s for this cluster's 1,500 files here
                        "parameters": {"synchronous_commit": "on", "wal_log_hints": "on",
                                       "recovery_init_sync_method": "syncfs",
                                       "max_connections": 60, "max_wal_senders": 5,
                                       "max_replication_slots": 5, "wal_keep_size": "256MB",
                                       "hot_standby": "on"},
                    },
                },
                "initdb": [{"encoding": "UTF8"}, {"locale": "C"}],
            },
            "postgresql": {
                "listen": f"127.0.0.1:{self.pg_port}",
                "connect_address": f"127.0.0.1:{self.pg_port}",
                "data_dir": str(self.data), "bin_dir": str(PG_BIN),
                "pgpass": str(self.dir / "pgpass"),
                "authentication": {
                    "superuser": {"username": "postgres", "password": "ha-test"},
                    "replication": {"username": "replicator", "password": "ha-test"},
                },
                # only this machine's loopback reaches it, and only for the test's lifetime
                "pg_hba": ["local all all trust", "host all all 127.0.0.1/32 trust",
                           "host replication all 127.0.0.1/32 trust"],
                "parameters": {"unix_socket_directories": str(self.dir), "fsync": "on",
                               "shared_buffers": "32MB",
                               # one WAL archive for both nodes: whichever is primary archives,
                               # every timeline's history file included (the restore below)
                               "archive_mode": "on",
                               "archive_command": f"test ! -f {s.archive}/%f && cp %p "
                                                  f"{s.archive}/%f"},
            },
        }

    def start(self):
        cfg = self.dir / "patroni.yml"  # JSON is YAML
        cfg.write_text(json.dumps(self.config(), indent=1))
        os.chown(cfg, self.stack.owner.pw_uid, self.stack.owner.pw_gid)
        self.proc = self.stack.spawn(f"patroni-{self.name}", ["patroni", str(cfg)],
                                     as_owner=True, cwd=str(self.dir))

    def cluster(self):
        """Patroni's GET /cluster from this node, or None when it does not answer."""
        try:
            c = http.client.HTTPConnection("127.0.0.1", self.api_port, timeout=2)
            c.request("GET", "/cluster")
            r = c.getresponse()
            body = r.read()
            c.close()
            return json.loads(body) if r.status == 200 else None
        except (OSError, ValueError, http.client.HTTPException):
            return None

    def postmaster_pid(self):
        return int((self.data / "postmaster.pid").read_text().split("\n", 1)[0])

    def psql(self, sql, db="hotline"):
        r = subprocess.run([str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.pg_port),
                            "-U", "postgres", "-d", db, "-XAtq", "-v", "ON_ERROR_STOP=1",
                            "-c", sql], capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise RuntimeError(f"psql on {self.name}: {r.stderr.strip()}")
        return r.stdout


def members(nodes):
    """{name: member} of Patroni's view of the cluster, asked of any node that answers."""
    for n in nodes:
        c = n.cluster()
        if c:
            return {m["name"]: m for m in c.get("members", [])}
    return {}


def leader(nodes):
    ms = members(nodes)
    for m in ms.values():
        if m.get("role") == "leader" and m.get("state") == "running":
            return next(n for n in nodes if n.name == m["name"])
    return None


def standby_in_sync(nodes, name):
    """The node is back: a running synchronous standby on the leader's timeline."""
    ms = members(nodes)
    lead = next((m for m in ms.values() if m.get("role") == "leader"), None)
    m = ms.get(name)
    return (lead and m and m.get("role") == "sync_standby"
            and m.get("state") in ("running", "streaming")
            and m.get("timeline") == lead.get("timeline"))


class Load:
    """CLIENTS threads registering requests on both servers until stopped."""

    def __init__(self, ports, category_id, sessions, pause):
        self.ports, self.category_id, self.sessions, self.pause = ports, category_id, sessions, pause
        self.lock = threading.Lock()
        self.acked = {}  # number -> unique text
        self.acks = []  # (monotonic time the acknowledged attempt was sent, acknowledged at)
        self.first_sent = {}  # unique text -> wall-clock time of its first try
        self.unavailable = self.broken = self.replays = 0
        self.unexpected = []  # answers other than 2xx and 503: the test fails
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.worker, args=(i,), daemon=True)
                        for i in range(CLIENTS)]

    def start(self):
        for t in self.threads:
            t.start()

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join(timeout=60)

    def post(self, port, session, body, key):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=40)
        try:
            c.request("POST", "/api/cases", body=body, headers={
                "Content-Type": "application/json", "Idempotency-Key": key,
                "Cookie": f"hotline_session={session[0]}", "X-CSRF-Token": session[1]})
            r = c.getresponse()
            return r.status, r.read()
        finally:
            c.close()

    def worker(self, i):
        rnd = random.Random(i)
        session = self.sessions[i % len(self.sessions)]
        attempt = 0
        while not self.stopping.is_set():
            text = f"ha-{uuid.uuid4().hex}"
            key = str(uuid.uuid4())
            body = json.dumps({"caller_phone": "13900001500", "caller_name": "切换",
                               "category_id": self.category_id, "text": text}).encode()
            with self.lock:
                self.first_sent[text] = time.time()
            while not self.stopping.is_set():
                port = self.ports[(i + attempt) % len(self.ports)]
                sent = time.monotonic()
                try:
                    status, raw = self.post(port, session, body, key)
                except (OSError, http.client.HTTPException):
                    status, raw = None, b""
                if status in (200, 201):
                    number = json.loads(raw)["number"]
                    with self.lock:
                        if self.acked.setdefault(number, text) != text:
                            self.unexpected.append(f"number {number} acknowledged for 2 texts")
                        self.acks.append((sent, time.monotonic()))
                        self.replays += status == 200
                    break
                if status not in (None, 503):
                    with self.lock:
                        self.unexpected.append(f"{status} {raw[:200]!r}")
                    break
                with self.lock:
                    if status == 503:
                        self.unavailable += 1
                    else:
                        self.broken += 1
                attempt += 1  # the other server next time
                time.sleep(0.1 + rnd.random() * 0.2)
            time.sleep(self.pause * (0.5 + rnd.random()))

    def first_ack_after(self, t):
        with self.lock:
            done = [a for s, a in self.acks if s >= t]
        return min(done) if done else None

    def snapshot(self):
        with self.lock:
            return dict(self.acked)


def login(port, username):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("POST", "/api/auth/login", body=json.dumps(
        {"username": username, "password": f"demo-{username}"}).encode(),
        headers={"Content-Type": "application/json"})
    r = c.getresponse()
    body = json.loads(r.read())
    cookie = None
    for k, v in r.getheaders():
        if k.lower() == "set-cookie" and v.startswith("hotline_session="):
            cookie = v.split("=", 1)[1].split(";", 1)[0]
    c.close()
    if r.status != 200 or not cookie:
        raise RuntimeError(f"login {username}: {r.status} {body}")
    return cookie, body["csrf_token"]


def category_id(port, session):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", "/api/categories", headers={"Cookie": f"hotline_session={session[0]}"})
    r = c.getresponse()
    body = json.loads(r.read())
    c.close()
    items = body["categories"] if isinstance(body, dict) else body
    return next(x["id"] for x in items if x["code"] == CATEGORY)


# ---- the checks after each failover: each takes (run) and returns a list of problems ----------
# (a check of the live event streams, resuming with Last-Event-ID, belongs here too)

def check_requests(run):
    """Every acknowledged number exactly once on the new primary, with its unique text; no
    unique text stored twice (a retry that became a second request)."""
    acked = run.load.snapshot()
    rows = run.primary.psql("SELECT number, text FROM cases WHERE text LIKE 'ha-%'")
    by_number, by_text, stored = {}, {}, {}
    for line in rows.splitlines():
        number, text = line.split("|", 1)
        by_number[number] = by_number.get(number, 0) + 1
        by_text[text] = by_text.get(text, 0) + 1
        stored[number] = text
    run.found = sum(1 for n, t in acked.items() if stored.get(n) == t)
    run.acked_n = len(acked)
    lost = [n for n, t in acked.items() if stored.get(n) != t]
    dups = sum(c - 1 for c in by_text.values() if c > 1) + \
        sum(c - 1 for c in by_number.values() if c > 1)
    run.lost, run.duplicates = max(run.lost, len(lost)), max(run.duplicates, dups)
    problems = []
    if lost:
        problems.append(f"{len(lost)} acknowledged requests lost, e.g. {lost[:5]}")
    if dups:
        problems.append(f"{dups} requests stored twice")
    return problems


def check_store(run):
    """`hotline check` passes, given the nodes in libpq's keyword/value form (the servers have
    the URL form)."""
    r = subprocess.run([BIN, "check", "--db", run.keywords], capture_output=True, text=True,
                       timeout=600, env=dict(os.environ, **SANITIZER_ENV))
    if r.returncode != 0:
        return [f"hotline check failed ({r.returncode}): {r.stderr.strip()[-800:]}"]
    return []


AFTER_FAILOVER = [check_requests, check_store]


class Run:
    def __init__(self, stack, args):
        self.stack, self.args = stack, args
        self.load = None
        self.primary = None
        self.url = self.keywords = None
        self.found = self.acked_n = self.lost = self.duplicates = 0
        self.failover_s = []
        self.problems = []
        self.base = None  # the base backup, taken before the load
        self.restore_point = None  # (wall-clock time T, requests acknowledged before it, kill)

    def setup(self):
        st = self.stack
        edir = st.owned_dir("etcd")
        peer = free_port()
        st.spawn("etcd", ["etcd", "--name", "ha", "--data-dir", str(edir / "data"),
                          "--listen-client-urls", f"http://127.0.0.1:{st.etcd_port}",
                          "--advertise-client-urls", f"http://127.0.0.1:{st.etcd_port}",
                          "--listen-peer-urls", f"http://127.0.0.1:{peer}",
                          "--initial-advertise-peer-urls", f"http://127.0.0.1:{peer}",
                          "--initial-cluster", f"ha=http://127.0.0.1:{peer}",
                          "--logger", "zap", "--log-level", "warn"], as_owner=True, cwd=str(edir))
        n1, n2 = Node(st, "pg1"), Node(st, "pg2")
        n1.start()
        self.primary = wait_for(lambda: leader(st.nodes), 120, "the first primary")
        n2.start()
        wait_for(lambda: standby_in_sync(st.nodes, "pg2"), 120, "the synchronous standby")
        log(f"Patroni: primary {self.primary.name} :{self.primary.pg_port}, "
            f"synchronous standby pg2; etcd :{st.etcd_port}")
        self.primary.psql("CREATE DATABASE hotline", db="postgres")
        self.url = (f"postgresql://postgres@127.0.0.1:{n1.pg_port},127.0.0.1:{n2.pg_port}"
                    "/hotline?target_session_attrs=read-write&connect_timeout=3")
        self.keywords = (f"host=127.0.0.1,127.0.0.1 port={n1.pg_port},{n2.pg_port} user=postgres"
                         " dbname=hotline target_session_attrs=read-write connect_timeout=3")
        env = dict(os.environ, **SANITIZER_ENV)
        r = subprocess.run([BIN, "init", "--demo", "--db", self.url, "--data",
                            str(REPO / "data")], capture_output=True, text=True, env=env,
                           timeout=300)
        if r.returncode != 0:
            raise RuntimeError("hotline init: " + r.stderr[-2000:])
        self.base = st.owned_dir("base")
        st.run_as_owner([str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p",
                         str(self.primary.pg_port), "-U", "postgres", "-D", str(self.base),
                         "-X", "stream", "-c", "fast"])
        ports = []
        for i in (1, 2):
            port = free_port()
            st.spawn(f"hotline{i}", [BIN, "serve", "--db", self.url, "--port", str(port),
                                     "--web", str(REPO / "web"), "--log-level", "warn"],
                     env=SANITIZER_ENV)
            ports.append(port)
        for port in ports:
            wait_for(lambda p=port: self.healthy(p), 60, f"hotline on :{port}")
        sessions = [login(ports[0], u) for u in ("calltaker-wang", "calltaker-li")]
        cat = category_id(ports[0], sessions[0])
        log(f"hotline: two servers :{ports[0]} :{ports[1]} on {self.url}")
        self.load = Load(ports, cat, sessions, self.args.pause)
        self.load.start()

    @staticmethod
    def healthy(port):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/healthz")
            ok = c.getresponse().status == 200
            c.close()
            return ok
        except (OSError, http.client.HTTPException):
            return False

    def one_kill(self, k):
        st = self.stack
        old = wait_for(lambda: leader(st.nodes), 60, "a primary")
        # writes are flowing before the kill: some in flight when it lands
        t = time.monotonic()
        wait_for(lambda: self.load.first_ack_after(t), 60, "writes before the kill")
        pid = old.postmaster_pid()
        killed = time.monotonic()
        os.kill(pid, signal.SIGKILL)
        new = wait_for(lambda: (lambda n: n if n and n is not old else None)(leader(st.nodes)),
                       120, "the new primary")
        first = wait_for(lambda: self.load.first_ack_after(killed), 120,
                         "the first acknowledged write after the kill")
        took = first - killed
        self.failover_s.append(took)
        wait_for(lambda: standby_in_sync(st.nodes, old.name), 180,
                 f"{old.name} back as synchronous standby")
        back = time.monotonic() - killed
        self.primary = new
        problems = []
        for check in AFTER_FAILOVER:
            problems += check(self)
        self.problems += [f"kill {k}: {p}" for p in problems]
        if k == max(1, self.args.kills // 2):
            t = time.time()
            self.restore_point = (t, self.load.snapshot(), k)
        log(f"kill {k}: postmaster {pid} of {old.name}; primary now {new.name}; first write "
            f"acknowledged after {took:.1f} s; {old.name} synchronous standby after {back:.1f} s; "
            f"{self.acked_n} acknowledged, {self.found} found"
            + (f"; PROBLEMS: {problems}" if problems else ""))

    def restore(self):
        """Point-in-time recovery from the WAL archive: the base backup taken before the load,
        replayed across every failover's timeline to the moment noted after the middle kill.
        Every request acknowledged before that moment is in it; none first sent after it."""
        st = self.stack
        t, before, k = self.restore_point
        seg = self.primary.psql("SELECT pg_walfile_name(pg_switch_wal())", db="postgres").strip()
        wait_for(lambda: (st.archive / seg).exists(), 60, f"{seg} in the archive")
        data = st.owned_dir("restored")
        st.run_as_owner(["cp", "-a", f"{self.base}/.", str(data)])
        st.run_as_owner(["touch", str(data / "recovery.signal")])
        st.data_dirs.append(data)
        port = free_port()
        target = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t)) + f".{int(t % 1 * 1e6):06d}+00"
        opts = (f"-c port={port} -c listen_addresses='' -c unix_socket_directories='{data}' "
                f"-c 'restore_command=cp {st.archive}/%f %p' "
                f"-c 'recovery_target_time={target}' -c recovery_target_timeline=latest "
                f"-c recovery_target_action=promote -c archive_mode=off "
                f"-c synchronous_standby_names=''")
        st.run_as_owner([str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(data / "restore.log"),
                         "-w", "-t", "120", "-o", opts, "start"])
        url = f"postgresql:///hotline?host={data}&port={port}&user=postgres"

        def sql(q):
            r = subprocess.run([str(PG_BIN / "psql"), url, "-XAtq", "-c", q], capture_output=True,
                               text=True, timeout=60)
            return r.stdout.strip() if r.returncode == 0 else None

        wait_for(lambda: sql("SELECT pg_is_in_recovery()") == "f", 120, "the restore to finish")
        stored = dict(line.split("|", 1) for line in
                      sql("SELECT number, text FROM cases WHERE text LIKE 'ha-%'").splitlines())
        with self.load.lock:
            late = {x for x, sent in self.load.first_sent.items() if sent > t}
        missing = [n for n, x in before.items() if stored.get(n) != x]
        too_new = [x for x in stored.values() if x in late]
        r = subprocess.run([BIN, "check", "--db", url], capture_output=True, text=True,
                           timeout=600, env=dict(os.environ, **SANITIZER_ENV))
        timeline = int(sql("SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)"), 16)
        log(f"point-in-time restore to {target} (after kill {k}): base backup + WAL archive, "
            f"now on timeline {timeline}; {len(before)} requests acknowledged before it, "
            f"{len(before) - len(missing)} of them present; {len(stored)} requests in it; "
            f"{len(too_new)} of the {len(late)} first sent after it; hotline check exit "
            f"{r.returncode}")
        if missing:
            self.problems.append(f"restore: {len(missing)} acknowledged before T missing")
        if too_new:
            self.problems.append(f"restore: {len(too_new)} requests sent after T present")
        if r.returncode != 0:
            self.problems.append(f"restore: hotline check failed: {r.stderr[-500:]}")

    def report(self):
        load = self.load
        med = statistics.median(self.failover_s) if self.failover_s else float("nan")
        mx = max(self.failover_s) if self.failover_s else float("nan")
        print(f"kills: {len(self.failover_s)}")
        print(f"acknowledged requests: {self.acked_n}")
        print(f"requests found: {self.found}")
        print(f"lost: {self.lost}")
        print(f"duplicates: {self.duplicates}")
        if load:
            print(f"tried again: {load.unavailable} answered 503, {load.broken} without an answer; "
                  f"acknowledged as the replay of an earlier try (200): {load.replays}")
        print(f"failover time (kill to first acknowledged write): median {med:.1f} s, "
              f"max {mx:.1f} s")
        if len(self.failover_s) < self.args.kills:
            self.problems.append(f"only {len(self.failover_s)} of {self.args.kills} kills done")
        if self.failover_s and med >= FAILOVER_LIMIT_S:
            self.problems.append(f"median failover time {med:.1f} s is not under "
                                 f"{FAILOVER_LIMIT_S:.0f} s")
        if load and load.unexpected:
            self.problems.append(f"unexpected answers: {load.unexpected[:5]}")
        for p in self.problems:
            print(f"FAIL: {p}")
        print("ha-test: " + ("FAILED" if self.problems else "passed"))
        return not self.problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--kills", type=int, default=10)
    ap.add_argument("--pause", type=float, default=0.25,
                    help="mean seconds each client waits between registrations (the bound)")
    ap.add_argument("--keep", action="store_true", help="keep the directory (logs) on failure")
    args = ap.parse_args()
    for tool in ("patroni", "etcd"):
        if not shutil.which(tool):
            sys.exit(f"ha-test: {tool} is not installed (scripts/install-deps.sh --ha)")
    if not os.access(BIN, os.X_OK):
        sys.exit(f"ha-test: {BIN} is not built")
    # SIGTERM and SIGHUP end the run the way Ctrl-C does: through the cleanup below
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    stack = Stack()
    run = Run(stack, args)
    ok = False
    started = time.monotonic()
    try:
        log(f"directory {stack.dir}")
        run.setup()
        for k in range(1, args.kills + 1):
            run.one_kill(k)
        run.load.stop()
        run.problems += [f"final: {p}" for check in AFTER_FAILOVER for p in check(run)]
        if run.restore_point:
            run.restore()
        for name, p in stack.procs:
            if name.startswith("hotline") and p.poll() is not None:
                run.problems.append(f"{name} exited with {p.returncode}")
    except (Exception, KeyboardInterrupt) as e:  # noqa: BLE001 — reported, then cleaned up
        run.problems.append(f"{type(e).__name__}: {e}")
    finally:
        if run.load:
            run.load.stop()
        logs = {name: (stack.dir / f"{name}.log") for name, _ in stack.procs}
        ok = run.report()
        for name, path in logs.items():
            text = path.read_text(errors="replace") if path.exists() else ""
            if name.startswith("hotline") and any(m in text for m in SANITIZER_MARKS):
                ok = False
                print(f"FAIL: sanitizer report in {name}:\n{text[-3000:]}")
        if not ok and args.keep:
            print(f"ha-test: logs kept in {stack.dir}")
            stack.dir = Path(tempfile.mkdtemp(prefix="hotline-ha-gone-"))  # stop() removes this
        elif not ok:
            for name, path in logs.items():
                if path.exists():
                    print(f"---- last lines of {name}.log")
                    print("\n".join(path.read_text(errors="replace").splitlines()[-15:]))
        stack.stop()
        print(f"ha-test: {time.monotonic() - started:.0f} s")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
