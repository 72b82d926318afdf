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
