"""What --db may name: a SQLite file, or a PostgreSQL URL. A location hotline cannot use is
refused before anything starts, with a message that says what is wrong (and never echoes a
password)."""
import subprocess

import pytest

from conftest import BIN


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
