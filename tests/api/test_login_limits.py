"""Login lockouts and public rate limits kept in the store (issue 14, "Several servers on one
database"; issue 20, "Brute force"): wrong passwords lock the pair of address and account, the
account alone only after ten times as many from many addresses, so an attacker's five wrong
passwords never lock the administrator out of their own desk; two servers on one PostgreSQL
database count the same failures and the same requests.

The module's server runs on the suite's backend (HOTLINE_TEST_BACKEND): an SQLite file, or a
database on the throwaway PostgreSQL cluster. The two-server tests need PostgreSQL."""
import shutil
import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import BACKEND, Server, assert_error, init_db, pg_sql
from pgcluster import pg_cluster, pg_db  # noqa: F401  (fixtures)

FAILS = 3  # --login-failures: the pair locks at 3, the address at 12, the account at 30
RATE = 5   # public requests a minute


def have_pg():
    return shutil.which("pg_config") is not None or any(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"))


def limited(db, port=None, errpath=None):
    return Server(db, port=port, errpath=errpath, extra_env={"HOTLINE_RATE_PUBLIC": str(RATE)},
                  extra_args=("--login-failures", str(FAILS), "--trust-proxy"))


def stop_clean(srv):
    rc, err = srv.stop()
    assert rc == 0 and "ERROR: AddressSanitizer" not in err, err[-3000:]


@contextmanager
def made_store(request, tmp):
    """A store with the demo city on the suite's backend: a file in tmp or a libpq URL."""
    if BACKEND == "postgres":
        cluster = request.getfixturevalue("pg_cluster")
        with cluster.database() as url:
            init_db(url)
            yield url
    else:
        db = Path(tmp) / "h.db"
        init_db(db)
        yield str(db)


@pytest.fixture(scope="module")
def store_where(request):
    with tempfile.TemporaryDirectory(prefix="hotline-login-limits-") as tmp, \
            made_store(request, tmp) as where:
        yield where, tmp


@pytest.fixture(scope="module")
def srv(store_where):
    where, tmp = store_where
    s = limited(where, errpath=str(Path(tmp) / "server.stderr"))
    try:
        yield s
    finally:
        stop_clean(s)


def login(c, user, password=None, ip="10.9.9.9"):
    return c.request("POST", "/api/auth/login", body={
        "username": user, "password": password or f"demo-{user}"},
        headers={"X-Forwarded-For": ip})


def wrong(c, user, ip):
    assert_error(login(c, user, "wrong-password", ip), 401, "bad_credentials")


def test_five_wrong_passwords_do_not_lock_the_administrator_out(srv):
    """An attacker's wrong passwords lock the attacker's pair; the administrator at their own
    desk logs in all the same."""
    c = srv.client
    for _ in range(FAILS):
        wrong(c, "admin", "10.20.0.66")
    r = login(c, "admin", None, "10.20.0.66")  # even the right password, from there
    assert_error(r, 429, "login_locked")
    assert 890 <= int(r.headers["Retry-After"]) <= 900
    assert login(c, "admin", None, "10.20.0.1").status == 200
    # and the attacker's address may still try other accounts (its own limit is 4x)
    assert login(c, "calltaker-li", None, "10.20.0.66").status == 200


def test_the_account_locks_only_after_many_failures_from_many_addresses(srv):
    c = srv.client
    user = "dispatcher-zhang"
    for i in range(10 * FAILS - 1):  # each address's pair locks at FAILS
        wrong(c, user, f"10.21.{i // FAILS}.1")
    assert login(c, user, None, "10.21.99.1").status == 200  # one short of the account's count
    # a success forgets only its own pair's count: the account's goes on
    wrong(c, user, "10.21.98.1")
    r = login(c, user, None, "10.21.99.1")
    assert_error(r, 429, "login_locked")
    assert 890 <= int(r.headers["Retry-After"]) <= 900
    audit = c.get(f"/api/admin/audit?actor={user}&action=auth.locked&page_size=50",
                  session=c.login("admin")).body["items"]
    # one lock per address's pair (10), and the account's with the last failure
    assert len(audit) == 10
    srv.clock.advance(900)
    assert login(c, user, None, "10.21.99.1").status == 200


def test_a_success_forgets_the_pairs_count(srv):
    c = srv.client
    for _ in range(FAILS - 1):
        wrong(c, "visitor-liu", "10.22.0.1")
    assert login(c, "visitor-liu", None, "10.22.0.1").status == 200
    for _ in range(FAILS - 1):
        wrong(c, "visitor-liu", "10.22.0.1")
    assert login(c, "visitor-liu", None, "10.22.0.1").status == 200


def test_an_address_guessing_many_accounts_is_locked(srv):
    c = srv.client
    for i in range(4 * FAILS):
        wrong(c, f"nobody-{i}", "10.23.0.1")
    assert_error(login(c, "supervisor-chen", None, "10.23.0.1"), 429, "login_locked")
    assert login(c, "supervisor-chen", None, "10.23.0.2").status == 200


def rows(where, table):
    if BACKEND == "postgres":
        return int(pg_sql(where, f"SELECT count(*) FROM {table}"))
    db = sqlite3.connect(f"file:{where}?mode=ro", uri=True, timeout=10)
    try:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        db.close()


def test_the_counters_are_hashed_and_pruned(request, tmp_path):
    """No address or username in clear, and rows that mean nothing any more are removed by
    later writes: the tables hold the clients of the last minutes, not every client ever. On a
    server of its own, whose tables only this test fills."""
    with made_store(request, tmp_path) as where:
        srv = limited(where, errpath=str(tmp_path / "server.stderr"))
        try:
            c = srv.client

            def post(ip):
                return c.request("POST", "/api/public/cases", body={"x": 1},
                                 headers={"X-Forwarded-For": ip})
            for i in range(40):
                assert post(f"10.24.0.{i}").status == 400
            wrong(c, "handler-xishan", "10.24.1.1")
            assert rows(where, "limit_buckets") == 40
            assert rows(where, "login_failures") == 3  # the pair, the account, the address
            keys = all_keys(where)
            assert "xishan" not in keys and "10.24" not in keys
            assert all(len(k) == 34 and k[1] == ":" for k in keys.split())
            srv.clock.advance(3601)  # past every window and lock
            for i in range(5):  # each write removes 8 meaningless rows
                assert post(f"10.24.2.{i}").status == 400
            assert rows(where, "limit_buckets") == 5
            wrong(c, "handler-xishan", "10.24.3.1")
            assert rows(where, "login_failures") == 3  # the new ones only
        finally:
            stop_clean(srv)


def all_keys(where):
    sql = "SELECT key FROM login_failures UNION ALL SELECT key FROM limit_buckets"
    if BACKEND == "postgres":
        return pg_sql(where, sql)
    db = sqlite3.connect(f"file:{where}?mode=ro", uri=True, timeout=10)
    try:
        return "\n".join(k for (k,) in db.execute(sql))
    finally:
        db.close()


# ---- two servers on one PostgreSQL database ----------------------------------------------------

@pytest.fixture
def two_servers(pg_db, tmp_path):
    if not have_pg():
        pytest.skip("PostgreSQL tools are not installed")
    init_db(pg_db)
    a = limited(pg_db, errpath=str(tmp_path / "a.stderr"))
    try:
        b = limited(pg_db, errpath=str(tmp_path / "b.stderr"))
        try:
            yield a, b
        finally:
            stop_clean(b)
    finally:
        stop_clean(a)


def test_failures_spread_over_two_servers_lock_the_pair_on_both(two_servers):
    a, b = two_servers
    wrong(a.client, "calltaker-wang", "10.30.0.1")
    wrong(b.client, "calltaker-wang", "10.30.0.1")
    wrong(a.client, "calltaker-wang", "10.30.0.1")  # the third, counted with the other two
    for s in (a, b):
        assert_error(login(s.client, "calltaker-wang", None, "10.30.0.1"), 429, "login_locked")
    # the account itself is not locked, on either server
    assert login(b.client, "calltaker-wang", None, "10.30.0.2").status == 200
    assert login(a.client, "calltaker-wang", None, "10.30.0.3").status == 200


def test_the_public_rate_counts_requests_to_both_servers(two_servers):
    a, b = two_servers

    def post(s):
        return s.client.request("POST", "/api/public/cases", body={"x": 1},
                                headers={"X-Forwarded-For": "10.31.0.1"})
    for i in range(RATE):
        assert post((a, b)[i % 2]).status == 400
    for s in (a, b):
        r = post(s)
        assert_error(r, 429, "rate_limited")
        assert 1 <= int(r.headers["Retry-After"]) <= 60 // RATE
