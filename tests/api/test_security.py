"""Sessions and abuse (issue 8): CSRF on every state-changing cookie request, login throttling
and lockout, per-client rate limits on the resident portal and Open311 POST (429 with
Retry-After), X-Forwarded-For only behind a trusted proxy, and no secret in clear in the
database file. The limits are tried on a dedicated server with low limits."""
import sqlite3
import tempfile
from pathlib import Path

import pytest

from access_matrix import SOURCE
from conftest import (BACKEND, ROLE_USER, Server, assert_error, concrete, init_db, pg_dump_text,
                      pg_sql)

PROPERTY = "010101"


# ---- CSRF ----------------------------------------------------------------------------------

WRITES = sorted((m, p, roles) for (m, p), roles in SOURCE.items() if m != "GET")


@pytest.mark.parametrize("method,pattern,roles", WRITES, ids=[f"{m} {p}" for m, p, _ in WRITES])
def test_every_cookie_write_needs_the_csrf_token(client, method, pattern, roles):
    """Every write route, called with a session cookie of a role that may call it (any role for
    public routes) and no X-CSRF-Token: 403 csrf, before anything else happens."""
    role = "admin" if not roles or "admin" in roles else sorted(roles)[0]
    s = client.login(ROLE_USER[role])
    r = client.request(method, concrete(pattern), body={"x": 1}, session=s, csrf=False)
    assert_error(r, 403, "csrf")
    r = client.request(method, concrete(pattern), body={"x": 1}, session=s, csrf=False,
                       headers={"X-CSRF-Token": "0" * 32})
    assert_error(r, 403, "csrf")


# ---- secrets at rest -------------------------------------------------------------------------

def test_no_secret_in_clear_in_the_database(client, server, admin):
    """Reads the SQLite file (and its WAL) directly: no password, session cookie, API token or
    CSRF token appears in clear — only hashes."""
    sess = [client.login(u, fresh=True) for u in ("dispatcher-zhang", "handler-donghu", "admin")]
    r = client.post("/api/admin/tokens", {"username": "integrator", "name": "at-rest"},
                    session=admin)
    assert r.status == 201
    token = r.body["token"]
    secrets = [s.cookie for s in sess] + [s.csrf for s in sess] + [token, token[4:]]
    secrets += [f"demo-{u}" for u in ROLE_USER.values()]
    if BACKEND == "postgres":
        blob = pg_dump_text(server.db)
        for secret in secrets:
            assert secret not in blob, secret[:8]
        hashes = pg_sql(server.db, "SELECT password_hash FROM users").splitlines()
        assert hashes and all(h.startswith("$argon2id$") for h in hashes)
        return
    db = sqlite3.connect(f"file:{server.db}?mode=ro", uri=True, timeout=10)
    try:
        texts = []
        # FTS tables need hotline's tokenizer; their shadow tables hold the same text
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'"
                                   " AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'"):
            for row in db.execute(f'SELECT * FROM "{table}"'):
                texts.extend(str(v) for v in row if v is not None)
        hashes = [h for (h,) in db.execute("SELECT password_hash FROM users")]
    finally:
        db.close()
    blob = "\n".join(texts)
    raw = b"".join(Path(p).read_bytes() for p in (server.db, server.db + "-wal")
                   if Path(p).exists())
    for secret in secrets:
        assert secret not in blob, secret[:8]
        assert secret.encode() not in raw, secret[:8]
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)


# ---- a server with low limits ----------------------------------------------------------------

@pytest.fixture(scope="module")
def limited_server():
    """5 portal/Open311 requests a minute per client, 3 failed logins per address and account
    (12 per address), client addresses from X-Forwarded-For."""
    with tempfile.TemporaryDirectory(prefix="hotline-limits-") as tmp:
        db = Path(tmp) / "h.db"
        init_db(db)
        srv = Server(db, extra_env={"HOTLINE_RATE_PUBLIC": "5"},
                     extra_args=("--login-failures", "3", "--trust-proxy"))
        try:
            yield srv
        finally:
            rc, err = srv.stop()
            assert rc == 0 and "ERROR: AddressSanitizer" not in err, err[-3000:]


@pytest.fixture(scope="module")
def limited(limited_server):
    return limited_server.client


def xff(ip):
    return {"X-Forwarded-For": ip}


def login(c, user, password=None, ip="10.9.9.9"):
    return c.request("POST", "/api/auth/login", body={
        "username": user, "password": password or f"demo-{user}"}, headers=xff(ip))


def test_login_lockout_per_address_and_account(limited):
    """3 failures lock the pair of address and account: from that address even the right
    password is refused, from another it is accepted (the account's own, slower lock is in
    test_login_limits.py)."""
    c = limited
    for _ in range(3):
        assert_error(login(c, "dispatcher-zhang", "wrong-password", "10.0.0.1"), 401,
                     "bad_credentials")
    r = login(c, "dispatcher-zhang", None, "10.0.0.1")
    assert_error(r, 429, "login_locked")
    assert 890 <= int(r.headers["Retry-After"]) <= 900
    assert login(c, "dispatcher-zhang", None, "10.0.0.99").status == 200
    # another user from the same address is not affected
    assert login(c, "supervisor-chen", None, "10.0.0.1").status == 200
    audit = c.get("/api/admin/audit?actor=dispatcher-zhang&page_size=20",
                  session=c.login("admin")).body["items"]
    actions = [e["action"] for e in audit]
    assert actions.count("auth.login_failed") == 3 and actions.count("auth.locked") == 1
    assert actions.count("auth.login") == 1  # the refused login is not a success
    assert {e["client"] for e in audit if e["action"] != "auth.login"} == {"10.0.0.1"}


def test_a_success_clears_the_count(limited):
    c = limited
    for _ in range(2):
        assert login(c, "visitor-liu", "wrong-password", "10.0.1.1").status == 401
    assert login(c, "visitor-liu", None, "10.0.1.1").status == 200
    for _ in range(2):
        assert login(c, "visitor-liu", "wrong-password", "10.0.1.1").status == 401
    assert login(c, "visitor-liu", None, "10.0.1.1").status == 200


def test_login_lockout_per_address(limited):
    """12 failures from one address (any usernames, known or not) lock the address."""
    c = limited
    for i in range(12):
        r = login(c, f"nobody-{i}", "wrong-password", "10.0.2.1")
        assert_error(r, 401, "bad_credentials")
    assert_error(login(c, "calltaker-li", None, "10.0.2.1"), 429, "login_locked")
    assert login(c, "calltaker-li", None, "10.0.2.2").status == 200


def test_portal_rate_limit(limited):
    c = limited
    body = {"x": 1}
    for _ in range(5):
        assert c.request("POST", "/api/public/cases", body=body, headers=xff("10.1.0.1")).status == 400
    r = c.request("POST", "/api/public/cases", body=body, headers=xff("10.1.0.1"))
    err = assert_error(r, 429, "rate_limited")
    assert "try again" in err["message"]
    assert r.headers["Retry-After"] == "12"  # 5 a minute: one every 12 s
    # the tracking page shares the client's allowance
    assert_error(c.get("/api/public/cases/20260101-00001?phone=1", headers=xff("10.1.0.1")), 429,
                 "rate_limited")
    # other clients, and other routes, are not limited
    assert c.request("POST", "/api/public/cases", body=body, headers=xff("10.1.0.2")).status == 400
    assert c.get("/healthz", headers=xff("10.1.0.1")).status == 200
    assert c.get("/api/categories", session=c.login("calltaker-wang"),
                 headers=xff("10.1.0.1")).status == 200


def test_open311_post_rate_limit(limited):
    c = limited
    hdrs = dict(xff("10.1.1.1"), **{"Content-Type": "application/x-www-form-urlencoded"})
    for path in ["/open311/v2/requests.json"] * 3 + ["/open311/v2/requests.xml"] * 2:
        r = c.request("POST", path, raw=b"service_code=010101", headers=hdrs)
        assert r.status in (400, 403), r  # no api_key: the spec's error, not a limit
    r = c.request("POST", "/open311/v2/requests.xml", raw=b"service_code=010101", headers=hdrs)
    assert_error(r, 429, "rate_limited")
    assert int(r.headers["Retry-After"]) >= 1
    # reading Open311 is not limited
    assert c.get("/open311/v2/services.json", headers=xff("10.1.1.1")).status == 200


def test_forwarded_for_takes_the_proxys_address(limited):
    """Behind --trust-proxy the last X-Forwarded-For address counts: a client cannot escape its
    limit by sending its own X-Forwarded-For in front of the proxy's."""
    c = limited
    for i in range(5):
        r = c.request("POST", "/api/public/cases", body={"x": 1},
                      headers=xff(f"203.0.113.{i}, 10.1.2.1"))
        assert r.status == 400
    r = c.request("POST", "/api/public/cases", body={"x": 1},
                  headers=xff("198.51.100.7,10.1.2.1"))
    assert_error(r, 429, "rate_limited")
    # garbage in the header: the socket's address is used
    r = c.request("POST", "/api/public/cases", body={"x": 1}, headers=xff("not-an-address"))
    assert r.status in (400, 429)


def test_lockouts_and_allowances_end_on_the_servers_clock(limited_server):
    """A lockout lasts 15 minutes and an allowance refills at 5 a minute: moving the server's
    clock ends them, as waiting would."""
    c, clock = limited_server.client, limited_server.clock
    for _ in range(3):
        assert_error(login(c, "handler-xishan", "wrong-password", "10.0.3.1"), 401,
                     "bad_credentials")
    r = login(c, "handler-xishan", None, "10.0.3.1")
    assert_error(r, 429, "login_locked")
    clock.advance(int(r.headers["Retry-After"]) - 5)
    r = login(c, "handler-xishan", None, "10.0.3.1")
    assert_error(r, 429, "login_locked")
    assert 1 <= int(r.headers["Retry-After"]) <= 5
    clock.advance(5)
    assert login(c, "handler-xishan", None, "10.0.3.1").status == 200

    def post():
        return c.request("POST", "/api/public/cases", body={"x": 1}, headers=xff("10.1.3.1"))
    for _ in range(5):
        assert post().status == 400
    r = post()
    assert_error(r, 429, "rate_limited")
    clock.advance(int(r.headers["Retry-After"]))
    assert post().status == 400  # one token back
    assert_error(post(), 429, "rate_limited")


def test_forwarded_for_ignored_without_trust_proxy(client):
    """The shared server runs without --trust-proxy: X-Forwarded-For changes nothing."""
    r = client.request("POST", "/api/auth/login", body={"username": "calltaker-li",
                                                         "password": "wrong-password"},
                       headers=xff("192.0.2.55"))
    assert r.status == 401
    items = client.get("/api/admin/audit?actor=calltaker-li&action=auth.login_failed",
                       session=client.admin()).body["items"]
    assert items and items[0]["client"] == "127.0.0.1"


def test_limits_can_be_switched_off_and_bad_values_refused():
    import subprocess
    from conftest import BIN
    for args in (["--rate-public", "-1"], ["--rate-public", "x"], ["--login-failures", "1001"]):
        p = subprocess.run([BIN, "serve", "--db", "/nonexistent.db", *args], capture_output=True,
                           text=True, timeout=30)
        assert p.returncode == 2 and "bad option value" in p.stderr, (args, p.stderr)
    p = subprocess.run([BIN, "serve", "--help"], capture_output=True, text=True, timeout=30)
    assert "--rate-public" in p.stdout and "--trust-proxy" in p.stdout
