"""Two servers on one PostgreSQL database behave as one hotline (issue 14, "Several servers on
one database"): a live event published on server A reaches a dashboard stream on server B
within one second (LISTEN/NOTIFY, src/store/pg/pg_listen.c), event ids are the database's so
Last-Event-ID resumes on either server, a stream survives a PostgreSQL restart and misses
nothing, and administrative changes made through A (calendar, time limit, routing rule,
category, model) are what B answers with within seconds.

The cluster is the module's own (pgcluster.Cluster, never the one $HOTLINE_TEST_PG names: it is
restarted here). Skipped where the PostgreSQL tools are not installed."""
import json
import os
import statistics
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

import pgcluster
from conftest import BIN, DATA, SANITIZER_ENV, Server, init_db, poll, sanitizer_problems
from test_events import announce, open_stream
from test_pg_faults import _have_pg, pg_ctl, start_again

pytestmark = pytest.mark.skipif(not _have_pg(), reason="PostgreSQL tools are not installed")

PROPERTY = "010101"  # a demo leaf category
MODEL_POLL_SECONDS = 3  # src/api/suggest.c's POLL_SECONDS


@pytest.fixture(scope="module")
def two():
    """A and B: two servers on one database of the module's own cluster."""
    mp = pytest.MonkeyPatch()
    mp.delenv(pgcluster.ENV, raising=False)  # ours to restart, not a shared one
    with tempfile.TemporaryDirectory(prefix="hotline-2srv-") as tmp, \
            pgcluster.Cluster() as cluster, cluster.database() as url:
        init_db(url)
        a = Server(url, errpath=str(Path(tmp) / "a.stderr"))
        b = Server(url, errpath=str(Path(tmp) / "b.stderr"))
        try:
            yield {"a": a, "b": b, "url": url, "cluster": cluster}
        finally:
            problems = []
            for name, srv in (("A", a), ("B", b)):
                rc, err = srv.stop()
                p = sanitizer_problems(rc, err)
                if p:
                    problems.append(f"server {name}: " + "; ".join(p) + "\n" + err[-10000:])
            mp.undo()
            if problems:
                pytest.fail("\n".join(problems), pytrace=False)


def register(c, s, text):
    r = c.post("/api/cases", {"caller_phone": "13500004444", "caller_name": "两台",
                              "category_id": c.category_id(PROPERTY), "text": text}, session=s)
    assert r.status == 201, r
    return r.body


def next_of_type(stream, type_, timeout):
    deadline = time.monotonic() + timeout
    while True:
        ev = stream.next_event(max(0.0, deadline - time.monotonic()))
        if ev is None or ev.get("event") == type_:
            return ev


# ---- live events -------------------------------------------------------------------------------

def test_registration_on_a_reaches_a_stream_on_b_within_a_second(two):
    a, b = two["a"].client, two["b"].client
    calltaker = a.login("calltaker-wang")
    a.category_id(PROPERTY)  # looked up before the clock starts
    latencies = []
    with open_stream(b, b.login("supervisor-chen")) as s:
        for i in range(5):
            t0 = time.monotonic()
            case = register(a, calltaker, f"两台服务器 {i} {uuid.uuid4().hex}")
            ev = next_of_type(s, "case", 1.0)
            latency = time.monotonic() - t0
            assert ev is not None, f"no case event on B within 1 s of registering on A (#{i})"
            data = json.loads(ev["data"])
            assert data["id"] == case["id"] and data["action"] == "register", data
            latencies.append(latency)
    print(f"\nA register -> B stream: median {statistics.median(latencies) * 1000:.1f} ms, "
          f"max {max(latencies) * 1000:.1f} ms (including the registration itself)")
    assert max(latencies) < 1.0


def test_event_ids_are_one_sequence_across_servers(two):
    a, b = two["a"].client, two["b"].client
    sa, sb = a.login("supervisor-chen"), b.login("supervisor-chen")
    with open_stream(a, sa) as on_a, open_stream(b, sb) as on_b:
        ids = [announce(a, sa, "甲 1"), announce(b, sb, "乙 1"), announce(a, sa, "甲 2")]
        assert ids == sorted(ids) and len(set(ids)) == 3, ids
        for s in (on_a, on_b):  # each server's stream carries both servers' events, in order
            got = [int(next_of_type(s, "announcement", 2.0)["id"]) for _ in ids]
            assert got == ids


def test_last_event_id_on_b_resumes_events_published_on_a(two):
    a, b = two["a"].client, two["b"].client
    sa = a.login("supervisor-chen")
    first = announce(a, sa, "断开之前")
    later = [announce(a, sa, f"断开期间 {i}") for i in range(5)]
    # a dashboard that was on A reconnects to B (a load balancer's choice) with its last id
    with open_stream(b, b.login("supervisor-chen"), headers={"Last-Event-ID": str(first)}) as s:
        got = [next_of_type(s, "announcement", 2.0) for _ in later]
        assert [int(e["id"]) for e in got] == later
        assert [json.loads(e["data"])["message"] for e in got] == \
            [f"断开期间 {i}" for i in range(5)]


def test_stream_survives_a_postgres_restart_and_misses_nothing(two):
    a, b, cluster = two["a"].client, two["b"].client, two["cluster"]
    sa = a.login("supervisor-chen")
    with open_stream(b, b.login("supervisor-chen")) as s:
        acked = [announce(a, sa, "重启之前")]
        assert int(next_of_type(s, "announcement", 2.0)["id"]) == acked[0]
        pg_ctl(cluster, "-m", "fast", "-w", "stop")  # a restart: stop, then start
        start_again(cluster)
        # at once, before B's listener has necessarily connected again: what A acknowledges
        # now must still reach B (B reads by id when its listener is back)
        deadline = time.monotonic() + 30
        while len(acked) < 6 and time.monotonic() < deadline:
            r = a.post("/api/events/announce", {"message": f"重启之后 {len(acked)}"}, session=sa)
            if r.status == 201:
                acked.append(r.body["id"])
            else:
                assert r.status == 503, r
                time.sleep(0.05)
        assert len(acked) == 6, "A did not recover within 30 s"
        got = []
        for _ in acked[1:]:
            ev = next_of_type(s, "announcement", 5.0)
            assert ev is not None, (got, acked, two["b"].stderr()[-3000:])
            got.append(int(ev["id"]))
        assert got == acked[1:]
        assert not s.eof  # the same stream all along


# ---- administrative changes ------------------------------------------------------------------

def within(seconds, fn, what):
    """fn() polled until it is truthy, for at most `seconds` (short: never a long sleep)."""
    return poll(fn, timeout=seconds, what=what)


def test_calendar_change_reaches_b(two):
    a, b = two["a"].client, two["b"].client
    frm = quote("2031-06-09T10:00:00+08:00")  # a Monday; 2031 has no exceptions loaded

    def due_on_b():
        r = b.get(f"/api/calendar/due?from={frm}&amount=1&unit=working_days", session=b.admin())
        assert r.status == 200, r
        return r.body["due"]
    assert due_on_b() == "2031-06-11T00:00:00+08:00"
    r = a.put("/api/admin/calendar/2031-06-10", {"kind": "off", "name": "两台测试"},
              session=a.admin())
    assert r.status == 200, r
    within(3, lambda: due_on_b() == "2031-06-12T00:00:00+08:00", "B's due date past the new day off")


def new_leaf(a):
    """A new active leaf category made through A, under the demo's PROPERTY's parent."""
    cats = a.categories()
    parent = next(c for c in cats if c["code"] == PROPERTY)["parent_id"]
    r = a.post("/api/admin/categories",
               {"code": "two" + uuid.uuid4().hex[:8], "name_zh": "两台类别",
                "name_en": "Two servers", "parent_id": parent, "request_type": "complaint",
                "urgency": "normal"}, session=a.admin())
    assert r.status == 201, r
    return r.body


def test_category_change_reaches_b(two):
    a, b = two["a"].client, two["b"].client
    assert b.get("/api/categories", session=b.admin()).status == 200  # B's cached tree
    cat = new_leaf(a)
    within(3, lambda: any(c["id"] == cat["id"] for c in b.categories()), "the new category on B")
    r = a.patch(f"/api/admin/categories/{cat['id']}", {"name_zh": "两台类别改名"},
                session=a.admin())
    assert r.status == 200, r
    within(3, lambda: next(c for c in b.categories() if c["id"] == cat["id"])["name_zh"] ==
           "两台类别改名", "the renamed category on B")


def test_routing_rule_change_reaches_b(two):
    a, b = two["a"].client, two["b"].client
    cat = new_leaf(a)
    unit = a.unit_id("dept-housing")
    r = a.put("/api/admin/routing", {"category_id": cat["id"], "unit_id": unit},
              session=a.admin())
    assert r.status in (200, 201), r

    def resolved_on_b():
        r = b.get(f"/api/routing/resolve?category={cat['id']}", session=b.admin())
        return r.status == 200 and r.body["unit"]["id"] == unit
    within(3, resolved_on_b, "B routing the new category by A's rule")


def test_time_limit_change_reaches_b(two):
    a, b = two["a"].client, two["b"].client
    cat = new_leaf(a)
    q = f"stage=reply&urgency=normal&request_type=complaint&category={cat['id']}"

    def on_b():
        r = b.get(f"/api/time-limits/resolve?{q}", session=b.admin())
        assert r.status == 200, r
        return (r.body["amount"], r.body["unit"])
    assert on_b() != (17, "natural_days")
    r = a.put("/api/admin/time-limits",
              {"stage": "reply", "urgency": "normal", "request_type": "complaint",
               "category_id": cat["id"], "amount": 17, "unit": "natural_days"},
              session=a.admin())
    assert r.status in (200, 201), r
    within(3, lambda: on_b() == (17, "natural_days"), "B resolving A's new time limit")


def run(*args):
    env = dict(os.environ)
    env.update(SANITIZER_ENV)
    p = subprocess.run([BIN, *args], capture_output=True, text=True, env=env, timeout=600)
    assert not sanitizer_problems(0, p.stderr), p.stderr
    return p


def test_model_change_reaches_b(two):
    """A model trained (`hotline train`) and loaded through A's reload: B loads it within
    MODEL_POLL_SECONDS of its clock, without being told."""
    a, b, url = two["a"], two["b"], two["url"]
    p = run("generate", "--db", url, "--data", str(DATA), "--days", "20", "--per-day", "30",
            "--seed", "5")
    assert p.returncode == 0, p.stdout + p.stderr
    p = run("train", "--db", url)
    assert p.returncode == 0, p.stdout + p.stderr

    def version(srv):
        r = srv.client.get("/api/admin/model", session=srv.client.admin())
        assert r.status == 200, r
        return (r.body["model"] or {}).get("version")
    r = a.client.post("/api/admin/model/reload", session=a.client.admin())
    assert r.status == 200, r
    v = r.body["model"]["version"]
    assert version(b) in (None, v)  # B may have looked already
    b.clock.advance(MODEL_POLL_SECONDS)
    within(3, lambda: version(b) == v, "B loading the model A reloaded")
