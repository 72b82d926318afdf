"""Operations: health, metrics, security headers, the command line, graceful shutdown, backup."""
import os
import re
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import (BIN, DATA, SANITIZER_ENV, SOURCE_ROUTES, Server, init_db,
                      sanitizer_problems, uniq)

ROUTE_PATTERNS = {p for (_, p, _) in SOURCE_ROUTES} | {"-", "/*"}


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status == 200
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.body["status"] == "ok"
    assert isinstance(r.body["schema"], int) and r.body["schema"] >= 1


def _metrics(client):
    r = client.get("/metrics")
    assert r.status == 200
    assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    assert isinstance(r.body, str)
    return r.body


def _series(text, name):
    out = []
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            labels = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0])) if "{" in line else {}
            out.append((labels, float(line.rsplit(" ", 1)[1])))
    return out


def test_metrics_route_labels_are_patterns(client, admin):
    # ids, an unknown path with a number, a static path: none may become a label
    for code in ("d-donghu", "s-xishan-fenglin", "util-gas"):
        assert client.get(f"/api/units/{client.unit_id(code)}", session=admin).status == 200
    assert client.get("/api/units/424242", session=admin).status == 404
    assert client.get("/api/nothing/13800138000").status == 404
    assert client.get("/people/13800138000.html").status == 404
    assert client.get("/api/categories?phone=13800138000", session=admin).status == 200
    text = _metrics(client)
    reqs = _series(text, "http_requests_total")
    assert reqs, text[:500]
    routes = {lbl["route"] for lbl, _ in reqs}
    assert routes <= ROUTE_PATTERNS, routes - ROUTE_PATTERNS
    assert "13800138000" not in text
    for lbl, v in reqs:
        assert not re.search(r"/\d+(/|$)", lbl["route"]), lbl
        assert lbl["method"] in {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
                                 "TRACE", "CONNECT", "OTHER"}, lbl
        assert re.fullmatch(r"[1-5]\d\d", lbl["status"]), lbl
        assert v >= 1
    ok = [v for lbl, v in reqs
          if lbl == {"method": "GET", "route": "/api/units/:id", "status": "200"}]
    assert ok and ok[0] >= 3
    assert any(lbl == {"method": "GET", "route": "/api/units/:id", "status": "404"}
               for lbl, _ in reqs)
    assert any(lbl["route"] == "-" and lbl["status"] == "404" for lbl, _ in reqs)


def test_metrics_histograms_and_store(client, admin):
    # a write, so the batch histogram has something in it
    for _ in range(2):
        r = client.post("/api/admin/categories", {"code": uniq("m"), "name_zh": "指标",
                                                  "name_en": "Metrics", "parent_id": None},
                        session=admin)
        assert r.status == 201, r
    text = _metrics(client)
    assert "# TYPE http_requests_total counter" in text
    assert "# TYPE http_request_duration_seconds histogram" in text
    buckets = _series(text, "http_request_duration_seconds_bucket")
    assert len(buckets) == 13
    values = [v for _, v in buckets]
    assert values == sorted(values) and values[-1] >= 10
    assert buckets[-1][0] == {"le": "+Inf"}
    count = _series(text, "http_request_duration_seconds_count")[0][1]
    assert count == values[-1]
    wb = _series(text, "store_write_batch_size_bucket")
    assert [lbl["le"] for lbl, _ in wb] == ["1", "3", "7", "15", "31", "63", "127", "+Inf"]
    assert wb[-1][1] >= 2
    assert _series(text, "store_write_batch_size_count")[0][1] >= 2
    size = _series(text, "store_database_bytes")
    assert len(size) == 1 and size[0][1] > 100_000
    assert _series(text, "store_failed_commits_total")[0][1] == 0


def test_metrics_unknown_method_is_one_series(client):
    for m in ("BREW", "FOO", "PROPFIND"):
        status, _, _ = client.raw(f"{m} /healthz HTTP/1.1\r\nHost: x\r\nConnection: close"
                                  f"\r\n\r\n".encode())
        assert status == 405
    text = _metrics(client)
    methods = {lbl["method"] for lbl, _ in _series(text, "http_requests_total")}
    assert "OTHER" in methods
    assert not methods & {"BREW", "FOO", "PROPFIND"}


CSP = re.compile(r"frame-ancestors 'none'")


@pytest.mark.parametrize("method,path,auth,status", [
    ("GET", "/healthz", False, 200),
    ("GET", "/metrics", False, 200),
    ("GET", "/api/units", True, 200),
    ("GET", "/api/units", False, 401),
    ("GET", "/api/nothing", False, 404),
    ("GET", "/no-such-page.html", False, 404),
    ("DELETE", "/api/units", True, 405),
    ("POST", "/api/auth/login", False, 400),
])
def test_security_headers(client, admin, method, path, auth, status):
    r = client.request(method, path, session=admin if auth else None)
    assert r.status == status, r
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    csp = r.headers["Content-Security-Policy"]
    assert CSP.search(csp), csp
    assert "default-src 'self'" in csp
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Referrer-Policy"] == "same-origin"
    if path.startswith("/api/") or path == "/metrics":
        assert r.headers["Cache-Control"] == "no-store"


def test_security_headers_on_login(client):
    r = client.login_raw("admin")
    assert r.status == 200
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert CSP.search(r.headers["Content-Security-Policy"])
    assert r.headers["Cache-Control"] == "no-store"


# ---- the command line ------------------------------------------------------------------------

def run(*args, env_extra=None, timeout=60):
    env = dict(os.environ)
    env.update(SANITIZER_ENV)
    for k in list(env):
        if k.startswith("HOTLINE_") and k != "HOTLINE_BIN":
            del env[k]
    env.update(env_extra or {})
    p = subprocess.run([BIN, *args], capture_output=True, text=True, env=env, timeout=timeout)
    assert not sanitizer_problems(0, p.stderr), p.stderr
    return p


@pytest.mark.parametrize("args,needle", [
    (["--help"], "usage: hotline <command>"),
    (["-h"], "usage: hotline <command>"),
    (["help"], "usage: hotline <command>"),
    (["serve", "--help"], "usage: hotline serve"),
    (["init", "--help"], "usage: hotline init"),
    (["backup", "--help"], "usage: hotline backup"),
])
def test_cli_help(args, needle):
    p = run(*args)
    assert p.returncode == 0, p.stderr
    assert needle in p.stdout
    assert p.stderr == ""


def test_cli_help_lists_commands():
    out = run("--help").stdout
    for cmd in ("serve", "init", "backup"):
        assert re.search(rf"^\s+{cmd}\s", out, re.M), out
    assert "--port" in run("serve", "--help").stdout
    assert "--demo" in run("init", "--help").stdout


def test_cli_unknown_command():
    p = run("frobnicate")
    assert p.returncode == 2
    assert "unknown command 'frobnicate'" in p.stderr
    assert p.stdout == ""


def test_cli_no_command():
    p = run()
    assert p.returncode == 2
    assert "usage: hotline" in p.stdout


@pytest.mark.parametrize("args", [
    ["serve", "--bogus"],
    ["serve", "--port", "99999"],
    ["serve", "--port", "http"],
    ["serve", "--log-level", "loud"],
    ["init", "--bogus"],
    ["backup"],
    ["backup", "--bogus", "x"],
])
def test_cli_bad_options_exit_2(args):
    p = run(*args)
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert "usage: hotline" in (p.stderr + p.stdout)


def test_cli_serve_without_database(tmp_path):
    p = run("serve", "--db", str(tmp_path / "none.db"), "--port", "0")
    assert p.returncode == 1
    assert "no database" in p.stderr
    assert not (tmp_path / "none.db").exists()


def test_cli_init_refuses_existing(tmp_path):
    db = tmp_path / "x.db"
    db.write_bytes(b"keep me")
    p = run("init", "--demo", "--db", str(db), "--data", str(DATA))
    assert p.returncode == 1
    assert "already exists" in p.stderr
    assert db.read_bytes() == b"keep me"


def test_cli_init_without_demo_needs_password(tmp_path):
    p = run("init", "--db", str(tmp_path / "a.db"))
    assert p.returncode == 2
    assert "HOTLINE_ADMIN_PASSWORD" in p.stderr
    assert not (tmp_path / "a.db").exists()


# ---- graceful shutdown and backup on a second server ------------------------------------------

@pytest.fixture(scope="module")
def tmpdir_ops():
    with tempfile.TemporaryDirectory(prefix="hotline-ops-") as d:
        yield Path(d)


def stop_clean(srv):
    rc, err = srv.stop()
    problems = sanitizer_problems(rc, err)
    assert not problems, f"{problems}\n{err[-5000:]}"


def test_graceful_shutdown_keeps_writes_and_backup(tmpdir_ops):
    db = tmpdir_ops / "ops.db"
    init_db(db)
    srv = Server(db)
    try:
        c = srv.client
        admin = c.admin()
        code = uniq("keep")
        r = c.post("/api/admin/units", {"code": code, "name_zh": "关机测试", "name_en": "Shutdown",
                                        "kind": "department", "parent_id": 1}, session=admin)
        assert r.status == 201, r
        n_units = len(c.units())

        # online backup while the server runs
        copy = tmpdir_ops / "copy.db"
        p = run("backup", "--db", str(db), str(copy))
        assert p.returncode == 0, p.stderr
        assert "backup of" in p.stdout
        assert copy.stat().st_size > 100_000
        # the server is unaffected
        assert c.get("/healthz").status == 200
    except BaseException:
        srv.stop()
        raise
    stop_clean(srv)

    # restart on the same database: the unit is there
    srv = Server(db)
    try:
        c = srv.client
        units = c.units()
        assert code in {u["code"] for u in units}
        assert len(units) == n_units
        # sessions survive a restart (they are in the database)
        assert c.get("/api/auth/me", session=admin).status == 200
    finally:
        stop_clean(srv)

    # the backup opens and holds the same units
    srv = Server(copy)
    try:
        c = srv.client
        units = c.units()
        assert len(units) == n_units
        assert code in {u["code"] for u in units}
        assert c.login_raw("handler-gas").status == 200
    finally:
        stop_clean(srv)


def test_shutdown_with_idle_keepalive_connection(tmpdir_ops):
    """SIGTERM with a client connection still open: the server still exits 0 promptly."""
    import http.client
    db = tmpdir_ops / "idle.db"
    init_db(db)
    srv = Server(db)
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
    try:
        conn.request("GET", "/healthz")
        assert conn.getresponse().read()
    finally:
        stop_clean(srv)
        conn.close()


def test_backup_of_missing_database(tmpdir_ops):
    p = run("backup", "--db", str(tmpdir_ops / "absent.db"), str(tmpdir_ops / "out.db"))
    assert p.returncode == 2
    assert "no database" in p.stderr
    assert not (tmpdir_ops / "out.db").exists()
