"""`hotline generate`: a fortnight of history in a fresh demo database — every row agrees with
its event log, the work lists have content in every state, events are in order and in the
past, actors have the roles the lifecycle asks for, due times are the API's, and the same
seed gives the same history."""
import os
import re
import subprocess
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from conftest import BIN, DATA, SANITIZER_ENV, Server, init_db, sanitizer_problems

CST = timezone(timedelta(hours=8))
DAYS, PER_DAY, SEED = 14, 50, 7

# Who may take each action (core/lifecycle.c); "system" is the automatic close after a
# valid visit that found the matter solved.
ROLES = {
    "register": {"calltaker", "integrator", "resident"},
    "answer": {"calltaker"},
    "invalidate": {"calltaker", "dispatcher"},
    "merge": {"calltaker", "dispatcher"},
    "dispatch": {"dispatcher"},
    "redispatch": {"handler"},
    "sign": {"handler"},
    "request_return": {"handler"},
    "approve_return": {"dispatcher"},
    "reject_return": {"dispatcher"},
    "request_extension": {"handler"},
    "approve_extension": {"dispatcher"},
    "reject_extension": {"dispatcher"},
    "urge": {"dispatcher", "supervisor"},
    "supervise": {"supervisor"},
    "progress": {"handler"},
    "reply": {"handler"},
    "visit": {"visitor"},
    "reopen": {"visitor", "dispatcher"},
    "close": {"dispatcher", "system"},
}


def run(*args):
    env = dict(os.environ)
    env.update(SANITIZER_ENV)
    p = subprocess.run([BIN, *args], capture_output=True, text=True, env=env, timeout=300)
    assert not sanitizer_problems(0, p.stderr), p.stderr
    return p


def generate(db, *extra):
    p = run("generate", "--db", str(db), "--data", str(DATA), "--days", str(DAYS),
            "--per-day", str(PER_DAY), "--seed", str(SEED), *extra)
    assert p.returncode == 0, p.stdout + p.stderr
    m = re.search(r"generated (\d+) requests and (\d+) events", p.stdout)
    assert m, p.stdout
    return int(m.group(1)), int(m.group(2))


def parse(ts):
    return datetime.fromisoformat(ts)


@pytest.fixture(scope="module")
def gen():
    with tempfile.TemporaryDirectory(prefix="hotline-gen-") as tmp:
        db = Path(tmp) / "g.db"
        init_db(db)
        requests, events = generate(db)
        check = run("check", "--db", str(db))
        srv = Server(db)
        try:
            yield {"tmp": Path(tmp), "requests": requests, "events": events, "check": check,
                   "client": srv.client}
        finally:
            rc, err = srv.stop()
            problems = sanitizer_problems(rc, err)
            if problems:
                pytest.fail("server: " + "; ".join(problems) + "\n" + err[-20000:],
                            pytrace=False)


def get(gen, path):
    c = gen["client"]
    r = c.get(path, session=c.login("dispatcher-zhang"))
    assert r.status == 200, r
    return r.body


def sample(gen, state, n=5, sort="newest"):
    items = get(gen, f"/api/cases?state={state}&page_size={n}&sort={sort}")["items"]
    return [get(gen, f"/api/cases/{k['id']}") for k in items]


def test_every_row_agrees_with_its_event_log(gen):
    p = gen["check"]
    assert p.returncode == 0, p.stdout + p.stderr
    assert " 0 differ" in p.stdout, p.stdout
    assert f"requests: {gen['requests']} checked" in p.stdout, p.stdout


def test_volume_is_about_days_times_per_day(gen):
    total = get(gen, "/api/cases?page_size=1")["total"]
    assert total == gen["requests"]
    assert 0.6 * DAYS * PER_DAY <= total <= 1.4 * DAYS * PER_DAY, total


@pytest.mark.parametrize("state", ["registered", "dispatched", "signed", "replied", "closed",
                                   "merged"])
def test_requests_in_each_state(gen, state):
    assert get(gen, f"/api/cases?state={state}&page_size=1")["total"] > 0, state


def test_the_overdue_queue_has_work(gen):
    body = get(gen, "/api/queues/overdue?page_size=5")
    assert body["total"] > 0
    assert all(k["overdue"] for k in body["items"]), body["items"]


def test_events_are_in_order_in_the_past_and_by_the_right_roles(gen):
    now = datetime.now(CST)
    seen = set()
    for state, sort in (("closed", "oldest"), ("closed", "newest"), ("signed", "newest"),
                        ("replied", "newest"), ("merged", "newest"), ("dispatched", "oldest")):
        for k in sample(gen, state, 8, sort):
            hist = k["history"]
            assert hist[0]["action"] == "register", hist
            for prev, ev in zip(hist, hist[1:]):
                if ev["actor_role"] == "system":  # the automatic close shares the visit's second
                    assert ev["action"] == "close" and ev["at"] == prev["at"], ev
                else:
                    assert parse(ev["at"]) > parse(prev["at"]), (prev, ev)
            for ev in hist:
                assert parse(ev["at"]) <= now, ev
                assert ev["actor_role"] in ROLES[ev["action"]], ev
                seen.add(ev["action"])
    assert {"register", "dispatch", "sign", "reply", "visit"} <= seen, seen


def api_due(gen, k, stage, start):
    """The due time the API would set for a stage started at `start`."""
    lim = get(gen, f"/api/time-limits/resolve?stage={stage}&urgency={k['urgency']}"
                   f"&request_type={k['request_type']}&category={k['category_id']}")
    frm = start.replace("+", "%2B")
    return get(gen, f"/api/calendar/due?from={frm}&amount={lim['amount']}&unit={lim['unit']}")["due"]


def test_due_times_are_the_apis(gen):
    starts = {"register": "dispatch", "dispatch": "sign", "sign": "reply", "reply": "visit"}
    checked = 0
    for k in sample(gen, "replied", 4) + sample(gen, "signed", 4):
        for ev in k["history"]:
            stage = starts.get(ev["action"])
            if stage:
                assert ev["dues"][stage] == api_due(gen, k, stage, ev["at"]), (k["number"], ev)
                checked += 1
    assert checked >= 20


def test_phone_requests_come_with_their_calls(gen):
    """Each phone request a call-taker registered is linked to the call it came in on: offered
    before the registration, answered by the registering call-taker, ended after it; a few
    callers hung up in the queue; so the call figures of the history are a centre's."""
    now = datetime.now(CST)
    first = (now - timedelta(days=DAYS - 1)).strftime("%Y-%m-%d")
    linked = 0
    for k in get(gen, "/api/cases?channel=phone&page_size=40&sort=oldest")["items"] + \
            get(gen, "/api/cases?channel=phone&page_size=40")["items"]:
        full = get(gen, f"/api/cases/{k['id']}")
        reg = full["history"][0]
        if reg["actor_role"] != "calltaker":
            continue
        calls = full["calls"]
        assert len(calls) == 1, (k["number"], calls)
        c = calls[0]
        assert c["call_id"] == f"demo-{k['number']}"
        assert c["agent"]["display_name"] == reg["actor_name"], (c, reg)
        assert parse(c["offered_at"]) < parse(c["answered_at"]) < parse(reg["at"]), (c, reg)
        assert parse(reg["at"]) < parse(c["ended_at"]) < now, (c, reg)
        assert 2 <= c["wait_seconds"] <= 90 and c["talk_seconds"] > 0, c
        linked += 1
    assert linked >= 40
    for k in get(gen, "/api/cases?channel=web&page_size=5")["items"]:
        assert get(gen, f"/api/cases/{k['id']}")["calls"] == []
    b = get(gen, f"/api/analytics/calls?from={first}&to={now.strftime('%Y-%m-%d')}")
    assert b["offered"] >= linked and b["answered"] + b["abandoned"] == b["offered"], b
    assert 0.005 <= b["abandoned"] / b["offered"] <= 0.1, b
    assert 0.9 <= b["answer_rate"] < 1 and 0.75 <= b["answer_15s_rate"] < b["answer_rate"], b
    assert 60 <= b["avg_talk_seconds"] <= 600, b
    assert sum(h["offered"] for h in b["by_hour"]) == b["offered"]
    busy = max(b["by_hour"], key=lambda h: h["offered"])["hour"]
    assert 8 <= busy <= 17, b["by_hour"]  # the day's peaks, in local hours


def test_the_same_seed_gives_the_same_history(gen):
    # a past --until, so the end of the history does not move with the clock between runs
    until = (datetime.now(CST) - timedelta(days=1)).strftime("%Y-%m-%d")
    runs = []
    for name in ("s1.db", "s2.db"):
        db = gen["tmp"] / name
        init_db(db)
        runs.append(generate(db, "--until", until, "--threads", "3" if name == "s1.db" else "11"))
    assert runs[0] == runs[1], runs
