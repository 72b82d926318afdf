"""Crash safety, short version (issue 8): 5 SIGKILLs of a server under load from 4 clients;
every acknowledged request survives with its number and content, numbers stay unique, and
`hotline check` passes. `make crash-test` runs the full version (20 kills, release build)."""
import sys
from pathlib import Path

from conftest import BIN

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reliability"))
import crash_test  # noqa: E402


def test_sigkill_under_load_loses_no_acknowledged_request():
    res = crash_test.run(BIN, kills=5, clients=4, seed=8, out=lambda *_: None)
    assert res["acknowledged"] > 0, res
    assert res["missing"] == 0 and res["mismatched"] == 0, res
    assert res["duplicate_numbers"] == 0, res
    assert res["check_ok"], res["check"]
    assert res["clean_stop"] and not res["sanitizer"], res
    assert res["ok"], res
