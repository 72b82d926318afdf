"""The tests' clock (`hotline serve --clock FILE`): the server stamps what it does with the time
the tests set, and refuses a clock file it cannot read."""
import subprocess
import time
from datetime import datetime, timedelta

import pytest

from conftest import BIN, server_now

PROPERTY = "010101"  # a leaf category


def test_the_server_stamps_with_the_tests_clock(client, clock):
    clock.set(server_now() + timedelta(minutes=2))
    r = client.post("/api/cases", {"caller_name": "张三", "caller_phone": "13812345678",
                                   "category_id": client.category_id(PROPERTY),
                                   "text": "时钟测试：楼道灯坏了"},
                    session=client.login("calltaker-wang"))
    assert r.status == 201, r
    at = datetime.fromisoformat(r.body["registered_at"])
    assert abs(at - server_now()) <= timedelta(seconds=2), (at, server_now())
    assert at.timestamp() >= time.time() + 118  # ahead of the system's clock
    with pytest.raises(AssertionError, match="does not go back"):
        clock.set(server_now() - timedelta(seconds=10))


def test_a_clock_file_without_an_offset_is_refused(tmp_path):
    bad = tmp_path / "clock"
    bad.write_text("soon\n")
    for path in (bad, tmp_path / "missing"):
        p = subprocess.run([BIN, "serve", "--db", "/nonexistent.db", "--clock", str(path)],
                           capture_output=True, text=True, timeout=30)
        assert p.returncode == 2 and "--clock" in p.stderr, p.stderr
    p = subprocess.run([BIN, "serve", "--help"], capture_output=True, text=True, timeout=30)
    assert "--clock FILE" in p.stdout and "tests only" in p.stdout, p.stdout


def test_tokens_are_stamped_with_the_tests_clock(client, admin, clock):
    # the store once stamped a token's creation and revocation with SQLite's own clock
    clock.advance(3600)
    r = client.post("/api/admin/tokens", {"username": "integrator", "name": "clock-stamp"},
                    session=admin)
    assert r.status == 201, r
    token = next(t for t in client.get("/api/admin/tokens", session=admin).body["tokens"]
                 if t["id"] == r.body["id"])
    made = datetime.fromisoformat(token["created_at"])
    assert abs(made - server_now()) <= timedelta(seconds=2), (made, server_now())
    assert client.delete(f"/api/admin/tokens/{r.body['id']}", session=admin).status == 204
    token = next(t for t in client.get("/api/admin/tokens", session=admin).body["tokens"]
                 if t["id"] == r.body["id"])
    revoked = datetime.fromisoformat(token["revoked_at"])
    assert abs(revoked - server_now()) <= timedelta(seconds=2), (revoked, server_now())
