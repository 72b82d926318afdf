"""What --db may name: a SQLite file, or a PostgreSQL URL. A location hotline cannot use is
refused before anything starts, with a message that says what is wrong (and never echoes a
password)."""
import subprocess

import pytest

from conftest import BIN, DATA
from pgcluster import pg_cluster, pg_db  # noqa: F401  (fixtures)


def run(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("cmd", ["serve", "check", "train", "generate"])
def test_a_malformed_postgresql_url_is_refused_with_the_reason(cmd):
    out = run(cmd, "--db", "postgresql://hl:secret@[::1/hotline")
    assert out.returncode != 0
    assert "not a valid PostgreSQL URL" in out.stderr, out.stderr
    assert "not a store location hotline can use" in out.stderr, out.stderr
    assert "secret" not in out.stderr


def test_a_bad_port_is_refused():
    out = run("serve", "--db", "postgresql://localhost:99999/hotline")
    assert out.returncode != 0 and "port" in out.stderr, out.stderr


def test_an_unreachable_server_is_no_database(tmp_path):
    out = run("serve", "--db", f"postgresql:///hotline?host={tmp_path}", "--port", "0")
    assert out.returncode != 0
    assert "cannot connect" in out.stderr and "no database at" in out.stderr, out.stderr


def test_a_missing_file_is_no_database(tmp_path):
    out = run("check", "--db", str(tmp_path / "none.db"))
    assert out.returncode == 2 and "no database at" in out.stderr, out.stderr


@pytest.mark.parametrize("url", ["postgresql://hl:sekret42@/hotline?host={d}",
                                 "postgresql:///hotline?host={d}&password=sekret42",
                                 "postgresql:///hotline?password=sekret42&host={d}"])
def test_a_password_is_never_echoed(tmp_path, url):
    for cmd in ("serve", "init", "check"):
        out = run(cmd, "--db", url.format(d=tmp_path))
        assert out.returncode != 0
        assert "sekret42" not in out.stderr + out.stdout, (cmd, out.stderr)
        assert "***" in out.stderr or cmd == "init", (cmd, out.stderr)


def test_init_never_touches_a_city_on_a_database_server(pg_db):
    """The database exists before init (the operator made it); a second init must refuse the
    city already there, not seed a second one or claim to remove the URL."""
    first = run("init", "--demo", "--db", pg_db, "--data", str(DATA))
    assert first.returncode == 0, first.stderr
    again = run("init", "--demo", "--db", pg_db, "--data", str(DATA))
    assert again.returncode == 1
    assert "already holds a city" in again.stderr, again.stderr
    assert "remov" not in again.stderr
    check = run("check", "--db", pg_db)
    assert check.returncode == 0, check.stderr + check.stdout
