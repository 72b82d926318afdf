"""The throwaway PostgreSQL cluster of the tests (tests/api/pgcluster.py over
scripts/pg-test-cluster.sh): reachable only on its Unix socket, fsync on, UTF8 with the C
collation; a fresh database per test or per module, dropped afterwards; a cluster started by
hand leaves nothing behind when stopped."""
import os
import subprocess
from pathlib import Path


from pgcluster import ENV, SCRIPT, Cluster, pg_cluster, pg_db, pg_module_db  # noqa: F401

seen = {}


def test_cluster_settings(pg_cluster):
    settings = pg_cluster.psql("SELECT current_setting('listen_addresses') || '|' ||"
                               " current_setting('fsync') || '|' ||"
                               " current_setting('server_encoding') || '|' ||"
                               " current_setting('lc_collate')")
    assert settings == "|on|UTF8|C"
    host = dict(p.split("=", 1) for p in pg_cluster.url.split("?", 1)[1].split("&"))["host"]
    assert Path(host, ".s.PGSQL.5432").is_socket()


def test_fresh_database_per_test(pg_cluster, pg_db, pg_module_db):
    assert pg_db != pg_module_db
    assert pg_cluster.psql("SELECT count(*) FROM pg_tables WHERE schemaname='public'",
                           url=pg_db) == "0"
    pg_cluster.psql("CREATE TABLE t (a int); INSERT INTO t VALUES (1)", url=pg_db)
    pg_cluster.psql("CREATE TABLE shared (a int)", url=pg_module_db)
    seen["per_test"] = pg_db
    seen["module"] = pg_module_db


def test_databases_dropped_or_kept(pg_cluster, pg_db, pg_module_db):
    assert pg_db != seen["per_test"]
    names = pg_cluster.psql("SELECT datname FROM pg_database").split()
    assert seen["per_test"].split("?")[0].rsplit("/", 1)[1] not in names  # dropped after its test
    assert pg_module_db == seen["module"]  # the module's database stays for the module
    assert pg_cluster.psql("SELECT count(*) FROM shared", url=pg_module_db) == "0"


def test_started_by_hand_leaves_nothing(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    with Cluster() as c:
        d = c.dir
        assert c.psql("SELECT 1") == "1"
        with c.database("hand_made") as url:
            assert c.psql("SELECT current_database()", url=url) == "hand_made"
    assert not Path(d).exists()


def test_script_refuses_to_remove_what_it_did_not_make(tmp_path):
    keep = tmp_path / "keep.txt"
    keep.write_text("x")
    r = subprocess.run([str(SCRIPT), "stop", str(tmp_path)], capture_output=True, text=True)
    assert r.returncode != 0 and "no cluster" in r.stderr
    assert keep.exists()


def test_run_wraps_a_command():
    env = {k: v for k, v in os.environ.items() if k != ENV}
    r = subprocess.run([str(SCRIPT), "run", "sh", "-c", f'echo "${ENV}"; exit 3'],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 3  # the command's status
    url = r.stdout.strip()
    assert url.startswith("postgresql:///hotline?host=/tmp/hotline-pg-")
    assert not Path(url.split("host=")[1].split("&")[0]).exists()  # removed afterwards
