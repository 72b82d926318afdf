"""A throwaway PostgreSQL cluster for the pytest suites (scripts/pg-test-cluster.sh underneath).

One cluster per test session, started on first use and removed at the end; a fresh database per
test module or per test, dropped afterwards. When $HOTLINE_TEST_PG names a cluster already (the
run is wrapped in `scripts/pg-test-cluster.sh run`), that one is used and left to its owner.

    from pgcluster import pg_cluster, pg_module_db, pg_db  # noqa: F401  (fixtures)

    def test_x(pg_db):              # a database of its own: its libpq URL
        ...
    def test_y(pg_module_db):       # one database shared by the module's tests
        ...
    def test_z(pg_cluster):         # the Cluster: .url, .psql(sql, url=None), .database()
        ...

Outside pytest: `with Cluster() as c, c.database() as url: ...`. Standard library only; SQL
goes through the cluster's psql.
"""
import os
import shutil
import subprocess
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "pg-test-cluster.sh"
ENV = "HOTLINE_TEST_PG"


def _bindir():
    try:
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True)
        return Path(out.stdout.strip())
    except (OSError, subprocess.CalledProcessError):
        return Path("/usr/lib/postgresql/15/bin")


class Cluster:
    """A cluster: started by start() (or `with`), or the one $HOTLINE_TEST_PG names."""

    def __init__(self):
        self.dir = None  # the directory this object started a cluster in (None: not ours)
        self.url = None  # libpq URL of its maintenance database `hotline`

    def start(self):
        if os.environ.get(ENV):
            self.url = os.environ[ENV]
            return self
        self.dir = tempfile.mkdtemp(prefix="hotline-pg-")
        r = subprocess.run([str(SCRIPT), "start", self.dir], capture_output=True, text=True)
        if r.returncode != 0:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None
            raise RuntimeError("pg-test-cluster.sh start failed: " + r.stderr.strip())
        self.url = r.stdout.strip().splitlines()[-1]
        return self

    def stop(self):
        if self.dir:
            r = subprocess.run([str(SCRIPT), "stop", self.dir], capture_output=True, text=True)
            self.dir = None
            if r.returncode != 0:
                raise RuntimeError("pg-test-cluster.sh stop failed: " + r.stderr.strip())
        self.url = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def url_of(self, name):
        """The URL of database `name` in this cluster (host, port, user kept)."""
        u = urlsplit(self.url)  # (urlunsplit would drop the "//" of an empty host)
        return f"{u.scheme}://{u.netloc}/{name}" + (f"?{u.query}" if u.query else "")

    def psql(self, sql, url=None):
        """Runs sql (stopping at the first error) and returns psql's unaligned output."""
        r = subprocess.run([str(_bindir() / "psql"), url or self.url, "-X", "-q", "-A", "-t",
                            "-v", "ON_ERROR_STOP=1", "-c", sql],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError("psql: " + r.stderr.strip())
        return r.stdout.strip()

    def create_database(self, name=None):
        """A new empty UTF8 database (named, or hotline_t_<random>); its URL."""
        name = name or "hotline_t_" + uuid.uuid4().hex[:12]
        self.psql(f'CREATE DATABASE "{name}"')
        return self.url_of(name)

    def drop_database(self, url):
        """Drops the database of url, closing whatever is still connected to it."""
        name = urlsplit(url).path.lstrip("/")
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    @contextmanager
    def database(self, name=None):
        url = self.create_database(name)
        try:
            yield url
        finally:
            self.drop_database(url)


@pytest.fixture(scope="session")
def pg_cluster():
    with Cluster() as c:
        yield c


@pytest.fixture(scope="module")
def pg_module_db(pg_cluster):
    with pg_cluster.database() as url:
        yield url


@pytest.fixture
def pg_db(pg_cluster):
    with pg_cluster.database() as url:
        yield url
