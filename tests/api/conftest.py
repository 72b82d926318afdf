"""Black-box API tests of hotline: one demo server for the whole session.

The server is the ASan/UBSan build ($HOTLINE_BIN); at the end of the session it is stopped with
SIGTERM and the session fails if it exited non-zero or a sanitizer said anything.

Helpers (all standard library):
  client.request(method, path, body=None, headers=None, raw=None, session=None, token=None)
      -> Resp(status, headers, body)   body: parsed JSON, text, or None when empty
  client.login(username, fresh=False) -> Session(username, cookie, csrf, user)
      cached per username; fresh=True makes a new session (for tests that end it)

Time: every server runs on a Clock of its own (`hotline serve --clock FILE`): the system's time
plus an offset that only grows. No test sleeps for time to pass: it moves the server's time
forward with clock.advance(seconds) (the `clock` fixture is the shared server's; Server.clock a
server's of its own), and reads "now" as the server sees it with server_now(tz) or clock.now(),
never with datetime.now() or time.time(), which fall behind the server at the first advance.
"""
import http.client
import json
import math
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = os.environ.get("HOTLINE_BIN") or str(REPO / "build" / "asan" / "hotline")
DATA = REPO / "data"
WEB = REPO / "web"

SANITIZER_ENV = {
    "ASAN_OPTIONS": "detect_leaks=1:abort_on_error=0",
    "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1",
}
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "runtime error:", "LeakSanitizer")

# Every demo user logs in with "demo-<username>".
DEMO_USERS = {
    "calltaker-wang": ("calltaker", "centre"),
    "calltaker-li": ("calltaker", "centre"),
    "dispatcher-zhang": ("dispatcher", "centre"),
    "visitor-liu": ("visitor", "centre"),
    "supervisor-chen": ("supervisor", "centre"),
    "admin": ("admin", "centre"),
    "integrator": ("integrator", "centre"),
    "handler-donghu": ("handler", "d-donghu"),
    "handler-xinhua": ("handler", "s-donghu-xinhua"),
    "handler-xishan": ("handler", "d-xishan"),
    "handler-nanjiang": ("handler", "d-nanjiang"),
    "handler-beicheng": ("handler", "d-beicheng"),
    "handler-gaoxin": ("handler", "d-gaoxin"),
    "handler-jiangbei": ("handler", "d-jiangbei"),
    "handler-housing": ("handler", "dept-housing"),
    "handler-urban": ("handler", "dept-urban"),
    "handler-facilities": ("handler", "dept-urban-facilities"),
    "handler-hrss": ("handler", "dept-hrss"),
    "handler-market": ("handler", "dept-market"),
    "handler-water": ("handler", "util-water"),
    "handler-power": ("handler", "util-power"),
    "handler-gas": ("handler", "util-gas"),
}

# One demo user per role.
ROLE_USER = {
    "calltaker": "calltaker-wang",
    "dispatcher": "dispatcher-zhang",
    "handler": "handler-donghu",
    "visitor": "visitor-liu",
    "supervisor": "supervisor-chen",
    "admin": "admin",
    "integrator": "integrator",
}
ALL_ROLES = tuple(ROLE_USER)
STAFF = ("calltaker", "dispatcher", "handler", "visitor", "supervisor", "admin")
PEOPLE = ("admin", "supervisor", "dispatcher", "handler")
ADMIN = ("admin",)
PUBLIC = ()

# The route tables of src/api/*.c: (method, pattern, roles that may call it). PUBLIC = anyone.
ROUTES = [
    ("POST", "/api/auth/login", PUBLIC),
    ("POST", "/api/auth/logout", ALL_ROLES),
    ("GET", "/api/auth/me", ALL_ROLES),
    ("GET", "/api/admin/tokens", ADMIN),
    ("POST", "/api/admin/tokens", ADMIN),
    ("DELETE", "/api/admin/tokens/:id", ADMIN),
    ("GET", "/healthz", PUBLIC),
    ("GET", "/metrics", PUBLIC),
    ("GET", "/api/units", ALL_ROLES),
    ("GET", "/api/units/:id", STAFF),
    ("GET", "/api/units/:id/users", PEOPLE),
    ("POST", "/api/admin/units", ADMIN),
    ("PATCH", "/api/admin/units/:id", ADMIN),
    ("GET", "/api/categories", ALL_ROLES),
    ("GET", "/api/categories/:id", ALL_ROLES),
    ("POST", "/api/admin/categories", ADMIN),
    ("PATCH", "/api/admin/categories/:id", ADMIN),
    ("GET", "/api/routing", STAFF),
    ("GET", "/api/routing/resolve", ALL_ROLES),
    ("PUT", "/api/admin/routing", ADMIN),
    ("DELETE", "/api/admin/routing/:id", ADMIN),
    ("GET", "/api/calendar", ALL_ROLES),
    ("GET", "/api/calendar/due", ALL_ROLES),
    ("PUT", "/api/admin/calendar/:date", ADMIN),
    ("DELETE", "/api/admin/calendar/:date", ADMIN),
    ("GET", "/api/time-limits", STAFF),
    ("GET", "/api/time-limits/resolve", ALL_ROLES),
    ("PUT", "/api/admin/time-limits", ADMIN),
    ("DELETE", "/api/admin/time-limits/:id", ADMIN),
    ("GET", "/api/admin/users", ADMIN),
    ("GET", "/api/admin/users/:id", ADMIN),
    ("POST", "/api/admin/users", ADMIN),
    ("PATCH", "/api/admin/users/:id", ADMIN),
    # Open311 GeoReport v2: public; POST checks its api_key itself (the spec's 403)
    ("GET", "/open311/v2/discovery.json", PUBLIC),
    ("GET", "/open311/v2/discovery.xml", PUBLIC),
    ("GET", "/open311/v2/services.json", PUBLIC),
    ("GET", "/open311/v2/services.xml", PUBLIC),
    ("GET", "/open311/v2/services/:file", PUBLIC),
    ("GET", "/open311/v2/requests.json", PUBLIC),
    ("GET", "/open311/v2/requests.xml", PUBLIC),
    ("POST", "/open311/v2/requests.json", PUBLIC),
    ("POST", "/open311/v2/requests.xml", PUBLIC),
    ("GET", "/open311/v2/requests/:file", PUBLIC),
    ("GET", "/open311/v2/tokens/:file", PUBLIC),
    ("GET", "/open311/v2/servicerequestupdates.json", PUBLIC),
    ("GET", "/open311/v2/servicerequestupdates.xml", PUBLIC),
]


def source_routes():
    """(method, pattern, public) of every route the dispatcher registers, read from the route
    tables in src/api/*.c (only the tables listed in api.c's tables[]), so routes added later
    are covered by the 401/403 sweeps without editing ROUTES."""
    api_dir = REPO / "src" / "api"
    api_c = (api_dir / "api.c").read_text()
    m = re.search(r"tables\[\]\s*=\s*\{(.*?)\};", api_c, re.S)
    registered = set(re.findall(r"\b(api_\w+_routes)\b", m.group(1))) if m else set()
    out = []
    for f in sorted(api_dir.glob("*.c")):
        text = f.read_text()
        for name, body in re.findall(r"const api_route (api_\w+_routes)\[\]\s*=\s*\{(.*?)\};",
                                     text, re.S):
            if name not in registered:
                continue
            for method, pattern, roles in re.findall(
                    r'\{\s*"([A-Z]+)"\s*,\s*"([^"]+)"\s*,\s*\w+\s*,\s*([^}]*?)\s*\}', body):
                out.append((method, pattern, roles.strip() == "API_PUBLIC"))
    return out


SOURCE_ROUTES = source_routes()


def concrete(pattern):
    """A path for a pattern, with ids that do not exist (so a write that slips through the
    role check still changes nothing)."""
    path = pattern.replace(":id", "999999").replace(":date", "2031-01-06")
    return re.sub(r":\w+", "x", path)


def uniq(prefix="t"):
    """A short unique code / username: lower-case letters, digits and '-'."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def poll(cond, timeout=30.0, what="the condition"):
    """Waits until cond() is true, looking every 10 ms (a short poll for something that
    happens, never a sleep for time to pass); fails after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, f"{what}: not within {timeout} s"
        time.sleep(0.01)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Resp:
    def __init__(self, status, headers, body, raw):
        self.status = status
        self.headers = headers  # http.client.HTTPMessage (case-insensitive, get_all)
        self.body = body
        self.raw = raw

    @property
    def error(self):
        return self.body["error"] if isinstance(self.body, dict) and "error" in self.body else None

    def __repr__(self):
        return f"<Resp {self.status} {self.raw[:300]!r}>"


class Session:
    def __init__(self, username, cookie, csrf, user):
        self.username = username
        self.cookie = cookie
        self.csrf = csrf
        self.user = user


class Client:
    def __init__(self, host, port):
        self.host = host
        self.port = port
        self._sessions = {}

    def request(self, method, path, body=None, headers=None, raw=None, session=None, token=None,
                csrf=True, timeout=30):
        hdrs = {}
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            hdrs["Content-Type"] = "application/json"
        if raw is not None:
            data = raw
            hdrs.setdefault("Content-Type", "application/json")
        if session is not None:
            hdrs["Cookie"] = f"hotline_session={session.cookie}"
            if csrf and method not in ("GET", "HEAD"):
                hdrs["X-CSRF-Token"] = session.csrf
        if token is not None:
            hdrs["Authorization"] = f"Bearer {token}"
        for k, v in (headers or {}).items():
            if v is None:
                hdrs.pop(k, None)
            else:
                hdrs[k] = v
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, path, body=data, headers=hdrs)
            resp = conn.getresponse()
            payload = resp.read()
            status, rh = resp.status, resp.headers
        finally:
            conn.close()
        parsed = None
        if payload:
            ctype = rh.get("Content-Type", "")
            text = payload.decode("utf-8", "replace")
            if ctype.startswith("application/json"):
                parsed = json.loads(text)
            else:
                parsed = text
        return Resp(status, rh, parsed, payload)

    # shorthands
    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body=body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def raw(self, data, then=None, timeout=10):
        """Sends raw bytes on a fresh socket (then `then`, ignoring a reset: the server may
        answer and close before reading it all) and reads the response until the server
        closes. Returns (status, headers dict with lower-case names, body bytes)."""
        sock = socket.create_connection((self.host, self.port), timeout=timeout)
        try:
            sock.sendall(data)
            if then is not None:
                try:
                    for piece in then:
                        sock.sendall(piece)
                except (BrokenPipeError, ConnectionResetError):
                    pass
            out = b""
            try:
                while True:
                    chunk = sock.recv(65536)
                    if not chunk:
                        break
                    out += chunk
                    head, sep, body = out.partition(b"\r\n\r\n")
                    if sep:
                        cl = [ln for ln in head.split(b"\r\n")
                              if ln.lower().startswith(b"content-length:")]
                        if cl and len(body) >= int(cl[0].split(b":", 1)[1]):
                            break
            except ConnectionResetError:
                pass
        finally:
            sock.close()
        head, _, body = out.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        assert lines[0].startswith("HTTP/1."), out[:200]
        status = int(lines[0].split()[1])
        headers = {}
        for ln in lines[1:]:
            k, _, v = ln.partition(":")
            headers[k.strip().lower()] = v.strip()
        return status, headers, body

    def login_raw(self, username, password=None):
        return self.post("/api/auth/login", {
            "username": username,
            "password": password if password is not None else f"demo-{username}",
        })

    def login(self, username, password=None, fresh=False):
        if not fresh and password is None and username in self._sessions:
            return self._sessions[username]
        r = self.login_raw(username, password)
        assert r.status == 200, f"login {username}: {r!r}"
        cookie = None
        for sc in r.headers.get_all("Set-Cookie") or []:
            name, _, rest = sc.partition("=")
            if name.strip() == "hotline_session":
                cookie = rest.split(";", 1)[0]
        assert cookie, r.headers
        s = Session(username, cookie, r.body["csrf_token"], r.body["user"])
        if not fresh and password is None:
            self._sessions[username] = s
        return s

    def admin(self):
        return self.login("admin")

    # demo lookups (through the admin)
    def units(self):
        r = self.get("/api/units", session=self.admin())
        assert r.status == 200, r
        return r.body["units"]

    def unit_by_code(self, code):
        for u in self.units():
            if u["code"] == code:
                return u
        raise KeyError(code)

    def unit_id(self, code):
        return self.unit_by_code(code)["id"]

    def categories(self):
        r = self.get("/api/categories", session=self.admin())
        assert r.status == 200, r
        return r.body["categories"]

    def category_id(self, code):
        for c in self.categories():
            if c["code"] == code:
                return c["id"]
        raise KeyError(code)

    def users(self):
        r = self.get("/api/admin/users", session=self.admin())
        assert r.status == 200, r
        return r.body["users"]

    def user_id(self, username):
        for u in self.users():
            if u["username"] == username:
                return u["id"]
        raise KeyError(username)


class Clock:
    """A server's time: the system's clock plus `offset` whole seconds, in a file the server
    reads at every use (`hotline serve --clock FILE`). The offset only grows, so the server
    never sees time go back."""

    def __init__(self, path):
        self.path = Path(path)
        self.offset = 0
        self._write()

    def _write(self):
        # a new file renamed over the old one: the server reads the old offset or the new one
        tmp = self.path.with_name(self.path.name + ".new")
        tmp.write_text(f"{self.offset}\n")
        os.replace(tmp, self.path)

    def advance(self, seconds):
        """Moves the server's time forward by whole seconds, at once."""
        assert seconds >= 0 and int(seconds) == seconds, seconds
        self.offset += int(seconds)
        self._write()

    def set(self, when):
        """Moves the server's time forward to `when` (an aware datetime or Unix seconds), to
        the next whole second."""
        t = when.timestamp() if isinstance(when, datetime) else float(when)
        ahead = t - self.now()
        assert ahead >= 0, f"the clock does not go back ({ahead:.1f} s)"
        self.advance(math.ceil(ahead))

    def now(self):
        """The server's Unix time, in seconds (a float)."""
        return time.time() + self.offset

    def datetime(self, tz=timezone.utc):
        return datetime.fromtimestamp(self.now(), tz)


class Server:
    """One `hotline serve` process with its stderr in a file, on a Clock of its own."""

    def __init__(self, db, port=None, extra_env=None, extra_args=(), errpath=None):
        self.db = str(db)
        self.port = port or free_port()
        self.errpath = errpath or f"{self.db}.{self.port}.stderr"
        # beside the stderr file: the database's directory may be read-only
        self.clock = Clock(os.path.splitext(self.errpath)[0] + ".clock")
        env = dict(os.environ)
        env.update(SANITIZER_ENV)
        env.update(extra_env or {})
        self.errf = open(self.errpath, "wb")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--db", self.db, "--port", str(self.port), "--web", str(WEB),
             "--log-level", "warn", "--clock", str(self.clock.path), *extra_args],
            stdout=subprocess.DEVNULL, stderr=self.errf, env=env)
        self.client = Client("127.0.0.1", self.port)
        self._wait_healthy()

    def _wait_healthy(self, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited {self.proc.returncode}: {self.stderr()}")
            try:
                r = self.client.get("/healthz", timeout=2)
                if r.status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        self.proc.kill()
        raise RuntimeError(f"server did not become healthy: {self.stderr()}")

    def stderr(self):
        try:
            self.errf.flush()
        except ValueError:
            pass
        return Path(self.errpath).read_text(errors="replace")

    def stop(self, timeout=30):
        """SIGTERM, wait; returns (exit code, stderr)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.errf.close()
        return self.proc.returncode, Path(self.errpath).read_text(errors="replace")


def sanitizer_problems(rc, err):
    problems = []
    if rc != 0:
        problems.append(f"exit code {rc}")
    for mark in SANITIZER_MARKS:
        if mark in err:
            problems.append(f"stderr contains {mark!r}")
    return problems


def init_db(db, demo=True):
    env = dict(os.environ)
    env.update(SANITIZER_ENV)
    args = [BIN, "init", "--db", str(db), "--data", str(DATA)]
    if demo:
        args.insert(2, "--demo")
    p = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0, p.stderr
    assert not sanitizer_problems(0, p.stderr), p.stderr
    return p


_shared = {}  # the shared server's Clock, for server_now


# Which backend the shared server runs on: SQLite (the default), or with
# HOTLINE_TEST_BACKEND=postgres a fresh database on a throwaway PostgreSQL cluster (the one
# $HOTLINE_TEST_PG names, or one started for the session). Tests that start servers of their
# own on files stay on SQLite.
BACKEND = os.environ.get("HOTLINE_TEST_BACKEND", "sqlite")


@contextmanager
def _shared_store(tmp):
    if BACKEND == "sqlite":
        yield Path(tmp) / "h.db"
        return
    assert BACKEND == "postgres", f"HOTLINE_TEST_BACKEND={BACKEND}: sqlite or postgres"
    from pgcluster import Cluster
    cluster = Cluster()
    cluster.start()
    try:
        with cluster.database() as url:
            yield url
    finally:
        cluster.stop()


def pg_sql(url, sql):
    """Runs sql on a PostgreSQL store (the shared server's, with HOTLINE_TEST_BACKEND=postgres)
    and returns psql's unaligned output; raises RuntimeError with psql's message on an error."""
    from pgcluster import Cluster
    return Cluster.psql(None, sql, url)


def pg_dump_text(url):
    """The whole PostgreSQL store as SQL text (what an attacker with the files would read)."""
    from pgcluster import _bindir
    r = subprocess.run([str(_bindir() / "pg_dump"), "--data-only", url], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.fixture(scope="session")
def server():
    assert os.access(BIN, os.X_OK), f"no hotline binary at {BIN} (make build/asan/hotline)"
    with tempfile.TemporaryDirectory(prefix="hotline-api-") as tmp, _shared_store(tmp) as db:
        init_db(db)
        srv = Server(db, errpath=str(Path(tmp) / "server.stderr"))
        _shared["clock"] = srv.clock
        try:
            yield srv
        finally:
            _shared.clear()
            rc, err = srv.stop()
            problems = sanitizer_problems(rc, err)
            if problems:
                pytest.fail("server: " + "; ".join(problems) + "\n" + err[-20000:],
                            pytrace=False)


@pytest.fixture(scope="session")
def client(server):
    return server.client


@pytest.fixture(scope="session")
def clock(server):
    """The shared server's Clock: clock.advance(seconds) instead of sleeping."""
    return server.clock


def server_now(tz=timezone.utc):
    """Now on the shared server's clock, as an aware datetime (for tests of the shared server,
    which has started by the time a test that uses `client` runs)."""
    assert "clock" in _shared, "the shared server is not running"
    return _shared["clock"].datetime(tz)


@pytest.fixture(scope="session")
def admin(client):
    return client.admin()


def assert_error(r, status, code, field=None):
    """The one error shape: {"error": {"code", "message"[, "field"[, "index"]]}}."""
    assert r.status == status, r
    assert isinstance(r.body, dict), r
    assert set(r.body) == {"error"}, r
    err = r.body["error"]
    assert err["code"] == code, r
    assert isinstance(err["message"], str) and err["message"], r
    assert set(err) <= {"code", "message", "field", "index"}, r
    if field is not None:
        assert err.get("field") == field, r
    return err
