"""`hotline copy --from DB --to DB` (issue 14): a demo city with a history (requests, events,
calls, suggestion models, knowledge base, Open311 requests, API tokens, audit entries) copied
from SQLite to a new PostgreSQL database and from there to a new SQLite file. `hotline check`
passes on each copy, and servers on the copies answer the same as the original: the requests
list, every request's view with its events, users, calls, the month's appraisal, knowledge-base
searches, Open311 requests and the audit log. New rows get new ids on the copy (PostgreSQL's
sequences were moved past the copied ids). A target that holds data, or a location no backend
serves, is refused with exit status 2 and leaves the target as it was."""
import os
import subprocess
import urllib.parse
from datetime import timedelta, timezone

import pytest

from conftest import BIN, SANITIZER_ENV, Server, init_db, sanitizer_problems
from pgcluster import pg_cluster  # noqa: F401  (fixture)

CITY_TZ = timezone(timedelta(hours=8))


def hotline(*args, timeout=600):
    env = dict(os.environ, **SANITIZER_ENV)
    p = subprocess.run([BIN, *args], capture_output=True, text=True, env=env, timeout=timeout)
    assert not sanitizer_problems(0, p.stderr), p.stderr
    return p


def ok(r, status=200):
    assert r.status == status, r
    return r.body


def make_city(db):
    """The demo city with three days of history, trained models and a few API actions."""
    init_db(db)
    p = hotline("generate", "--db", str(db), "--days", "3", "--per-day", "40")
    assert p.returncode == 0, p.stderr
    p = hotline("train", "--db", str(db))
    assert p.returncode == 0, p.stderr
    srv = Server(db)
    try:
        c = srv.client
        admin = c.admin()
        token = ok(c.post("/api/admin/tokens", {"username": "integrator", "name": "copy test"},
                          session=admin), 201)["token"]
        form = urllib.parse.urlencode({
            "api_key": token, "service_code": "010101", "lat": "30.55", "long": "114.15",
            "description": "复制测试：楼道灯坏了\t制表符\n换行", "email": "a@example.org",
            "device_id": "dev-1"}).encode()
        r = c.request("POST", "/open311/v2/requests.json", raw=form,
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status == 201, r
        assert c.login_raw("admin", "wrong password").status == 401  # an audit entry
        return snapshot(srv)
    finally:
        rc, err = srv.stop()
        assert not sanitizer_problems(rc, err), err


def snapshot(srv):
    """What the server answers about the city, through the API."""
    c = srv.client
    sup, admin = c.login("supervisor-chen"), c.admin()
    out = {}
    cases = ok(c.get("/api/cases?page_size=200&sort=oldest", session=sup))
    out["cases"] = cases
    out["case_views"] = {k["id"]: ok(c.get(f"/api/cases/{k['id']}", session=sup))
                         for k in cases["items"]}
    out["users"] = ok(c.get("/api/admin/users", session=admin))
    out["calls"] = ok(c.get("/api/calls?page_size=200", session=sup))
    month = srv.clock.datetime(CITY_TZ).strftime("%Y-%m")
    out["appraisal"] = ok(c.get(f"/api/appraisal?period={month}", session=sup))
    for q in ("停水", "路灯", "社保 医保"):
        out["kb " + q] = ok(c.get("/api/kb/search?q=" + urllib.parse.quote(q), session=sup))
    out["open311"] = ok(c.get("/open311/v2/requests.json"))
    out["audit"] = ok(c.get("/api/admin/audit?page_size=200", session=admin))
    return out


def items_of(listing):
    return listing["items"] if isinstance(listing, dict) and "items" in listing else listing


def assert_same_city(before, after):
    assert len(before["cases"]["items"]) > 50
    for key in before:
        if key == "audit":
            # the copy's servers log their own logins afterwards: the original's entries are
            # all there, unchanged
            theirs = {e["id"]: e for e in items_of(after["audit"])}
            for e in items_of(before["audit"]):
                assert theirs.get(e["id"]) == e, e
            continue
        assert after[key] == before[key], key


def copy(src, dst):
    p = hotline("copy", "--from", str(src), "--to", str(dst))
    assert p.returncode == 0, p.stderr
    assert "case_events" in p.stdout and "rows/s" in p.stdout, p.stdout
    print(p.stdout.splitlines()[-1])
    check = hotline("check", "--db", str(dst))
    assert check.returncode == 0, check.stdout + check.stderr
    assert "0 differ" in check.stdout and "rollups: agree" in check.stdout, check.stdout
    return p


def serve_snapshot(db, errdir, after_snapshot=None):
    srv = Server(db, errpath=str(errdir / "copy-server.stderr"))
    try:
        snap = snapshot(srv)
        if after_snapshot:
            after_snapshot(srv)
        return snap
    finally:
        rc, err = srv.stop()
        assert not sanitizer_problems(rc, err), err


def new_rows_get_new_ids(srv):
    """Writes after the copy: identities continue past the copied ids."""
    c = srv.client
    admin = c.admin()
    r = ok(c.post("/api/admin/tokens", {"username": "integrator", "name": "after copy"},
                  session=admin), 201)
    assert r["token"]


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    d = tmp_path_factory.mktemp("copy")
    db = d / "city.db"
    return db, make_city(db)


def test_sqlite_to_postgres_and_back(city, pg_cluster, tmp_path):  # noqa: F811
    db, before = city
    with pg_cluster.database() as url:
        copy(db, url)
        assert_same_city(before, serve_snapshot(url, tmp_path, new_rows_get_new_ids))
        back = tmp_path / "back.db"
        copy(url, back)
    assert_same_city(before, serve_snapshot(back, tmp_path))


def test_target_with_data_is_refused(city, tmp_path):
    db, _ = city
    other = tmp_path / "other.db"
    init_db(other)  # the demo city: not empty
    size = other.stat().st_size
    p = hotline("copy", "--from", str(db), "--to", str(other))
    assert p.returncode == 2, p.stdout + p.stderr
    assert "not empty" in p.stderr, p.stderr
    assert other.stat().st_size == size
    check = hotline("check", "--db", str(other))
    assert check.returncode == 0, check.stdout


def test_usage_and_bad_locations(city, tmp_path):
    db, _ = city
    assert hotline("copy", "--help").returncode == 0
    p = hotline("copy", "--from", str(db))
    assert p.returncode == 2 and "--to" in p.stderr, p.stderr
    p = hotline("copy", "--from", str(tmp_path / "absent.db"), "--to", str(tmp_path / "x.db"))
    assert p.returncode == 2 and "no database" in p.stderr, p.stderr
    assert not (tmp_path / "x.db").exists()
    p = hotline("copy", "--from", str(db), "--to", "postgresql://[bad")
    assert p.returncode == 2 and "not a store location" in p.stderr, p.stderr
