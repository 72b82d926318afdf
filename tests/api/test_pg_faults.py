"""PostgreSQL stops under a running server (issue 14, "Tests"): writes answer 503
store_unavailable with Retry-After and reads answer 503, the server connects again by itself
once PostgreSQL is back (no restart), and no request acknowledged 2xx is missing — nor is any
refused one half-written.

The cluster is the test's own (pgcluster.Cluster, never the one $HOTLINE_TEST_PG names: it is
stopped and started again here), stopped with pg_ctl -m fast (the server's connections are told
"terminating connection due to administrator command") or -m immediate (they just break).
Skipped where the PostgreSQL tools are not installed."""
import os
import shutil
import subprocess
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import pgcluster
from conftest import Server, assert_error, init_db

PROPERTY = "010101"


def _have_pg():
    return shutil.which("pg_config") is not None or any(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"))


pytestmark = pytest.mark.skipif(not _have_pg(), reason="PostgreSQL tools are not installed")


def pg_ctl(cluster, *args):
    """pg_ctl on the cluster's data directory, as its owner (postgres when run as root, as
    scripts/pg-test-cluster.sh makes it)."""
    cmd = [str(pgcluster._bindir() / "pg_ctl"), "-D", str(Path(cluster.dir) / "data"), *args]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr + r.stdout


def start_again(cluster):
    d = cluster.dir
    pg_ctl(cluster, "-l", f"{d}/server.log", "-w", "-t", "30", "-o",
           f"-c listen_addresses='' -c unix_socket_directories='{d}' -c fsync=on", "start")


@pytest.fixture
def own_cluster(monkeypatch):
    monkeypatch.delenv(pgcluster.ENV, raising=False)  # ours to stop, not a shared one
    with pgcluster.Cluster() as c:
        yield c


def register(c, s, cat, text):
    return c.post("/api/cases", {"caller_phone": "13500003333", "caller_name": "断线",
                                 "category_id": cat, "text": text}, session=s)


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_postgres_stopped_gives_503_and_recovers(own_cluster, mode):
    with tempfile.TemporaryDirectory(prefix="hotline-pgf-") as tmp, \
            own_cluster.database() as url:
        init_db(url)
        srv = Server(url, errpath=str(Path(tmp) / "server.stderr"))
        acked, refused = {}, []
        try:
            c = srv.client
            s = c.login("calltaker-wang")
            cat = c.category_id(PROPERTY)  # looked up while PostgreSQL runs
            for i in range(3):
                text = f"停库之前 {i} {uuid.uuid4().hex}"
                r = register(c, s, cat, text)
                assert r.status == 201, r
                acked[r.body["number"]] = (r.body["id"], text)
            first_id = next(iter(acked.values()))[0]

            pg_ctl(own_cluster, "-m", mode, "-w", "stop")
            # every connection of the pool is dead now: each write and read finds out
            for i in range(10):
                text = f"停库期间 {i} {uuid.uuid4().hex}"
                r = register(c, s, cat, text)
                assert r.status == 503, (i, r, srv.stderr()[-2500:])
                err = assert_error(r, 503, "store_unavailable")
                assert r.headers["Retry-After"] == "5"
                assert "not acknowledged" in err["message"]
                refused.append(text)
            for _ in range(10):
                r = c.get(f"/api/cases/{first_id}", session=s)
                assert_error(r, 503, "store_unavailable")
                assert r.headers["Retry-After"] == "5"

            start_again(own_cluster)
            # no restart of hotline: the very next requests are served
            r = c.get(f"/api/cases/{first_id}", session=s)
            assert r.status == 200, (r, Path(own_cluster.dir, "server.log").read_text()[-2500:])
            # at once, more requests than the pool has connections: each of them is back
            with ThreadPoolExecutor(max_workers=16) as ex:
                got = list(ex.map(lambda _: c.get(f"/api/cases/{first_id}", session=s).status,
                                  range(32)))
            assert got == [200] * 32, got
            for i in range(10):
                text = f"恢复之后 {i} {uuid.uuid4().hex}"
                r = register(c, s, cat, text)
                assert r.status == 201, r
                acked[r.body["number"]] = (r.body["id"], text)
            for number, (cid, text) in acked.items():
                r = c.get(f"/api/cases/{cid}", session=s)
                assert r.status == 200 and r.body["text"] == text, r
        finally:
            rc, err = srv.stop()
        assert rc == 0 and "AddressSanitizer" not in err, err[-3000:]
        assert "pg:" in err  # the operator is told why
        stored = dict(line.split("|", 1) for line in own_cluster.psql(
            "SELECT number, text FROM cases", url=url).splitlines())
        for number, (_, text) in acked.items():
            assert stored.get(number) == text, number
        held = set(stored.values())
        assert not [t for t in refused if t in held]  # nothing written while it was down
