"""Calls (来电记录): the phone switch (an integrator's API token) reports each call's events to
POST /api/calls; the answering call-taker gets the caller on their live stream alone and from
GET /api/calls/current; requests a call-taker registers during a call are linked to it; the
centre lists calls (GET /api/calls, callers masked for roles that do not see them in full) and
gets the GB/T 33358 figures (GET /api/analytics/calls)."""
import json
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest

from conftest import assert_error, server_now
from test_events import announce, open_stream

CST = timezone(timedelta(hours=8))
PROPERTY = "010101"  # a leaf category


def iso(dt):
    return dt.astimezone(CST).isoformat(timespec="seconds")


def cid(prefix="sw"):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def phone():
    """A caller of its own for each test: 11 digits starting 13."""
    return "13" + str(uuid.uuid4().int)[:9]


@pytest.fixture(scope="module")
def token(client, admin):
    r = client.post("/api/admin/tokens", {"username": "integrator", "name": "phone switch"},
                    session=admin)
    assert r.status == 201, r
    return r.body["token"]


@pytest.fixture(scope="module")
def switch(client, token):
    """post(body) as the phone switch."""
    def post(body):
        return client.post("/api/calls", body, token=token)
    return post


def report(switch, call_id, event, status=None, **fields):
    r = switch({"call_id": call_id, "event": event, **fields})
    if status is not None:
        assert r.status == status, r
    return r


def register(client, who, caller_phone, **extra):
    """Registers a request as who (a demo username or a session)."""
    body = {"caller_name": "张三", "caller_phone": caller_phone,
            "category_id": client.category_id(PROPERTY), "text": "楼道灯坏了，来电登记测试"}
    body.update(extra)
    s = client.login(who) if isinstance(who, str) else who
    r = client.post("/api/cases", body, session=s)
    assert r.status == 201, r
    return r.body


def case_calls(client, case_id, username="dispatcher-zhang"):
    r = client.get(f"/api/cases/{case_id}", session=client.login(username))
    assert r.status == 200, r
    return r.body["calls"]


# ---- the event flow -------------------------------------------------------------------------

def test_offered_answered_ended(client, switch):
    c, caller = cid(), phone()
    t0 = server_now(CST).replace(microsecond=0) - timedelta(minutes=10)
    r = report(switch, c, "offered", 201, caller=f"{caller[:3]}-{caller[3:7]} {caller[7:]}",
               at=iso(t0))
    call = r.body
    assert set(call) == {"id", "call_id", "caller", "agent", "offered_at", "answered_at",
                         "ended_at", "wait_seconds", "talk_seconds", "abandoned", "cases"}, call
    assert call["call_id"] == c and call["id"] > 0
    assert call["offered_at"] == iso(t0)
    assert call["answered_at"] is None and call["ended_at"] is None
    assert call["wait_seconds"] is None and call["talk_seconds"] is None
    assert call["agent"] is None and call["abandoned"] is False and call["cases"] == []

    r = report(switch, c, "answered", 200, agent="calltaker-wang", at=iso(t0 + timedelta(seconds=12)))
    wang = client.login("calltaker-wang").user
    assert r.body["id"] == call["id"]
    assert r.body["agent"] == {"id": wang["id"], "username": "calltaker-wang",
                               "display_name": wang["display_name"]}
    assert r.body["answered_at"] == iso(t0 + timedelta(seconds=12))
    assert r.body["wait_seconds"] == 12 and r.body["talk_seconds"] is None

    r = report(switch, c, "ended", 200, at=iso(t0 + timedelta(seconds=192)))
    assert r.body["ended_at"] == iso(t0 + timedelta(seconds=192))
    assert r.body["wait_seconds"] == 12 and r.body["talk_seconds"] == 180
    assert r.body["abandoned"] is False

    # the centre's list has it, as the switch left it
    frm = quote(iso(t0 - timedelta(seconds=1)))
    to = quote(iso(t0 + timedelta(seconds=1)))
    r = client.get(f"/api/calls?from={frm}&to={to}", session=client.login("supervisor-chen"))
    assert r.status == 200, r
    mine = [x for x in r.body["items"] if x["call_id"] == c]
    assert len(mine) == 1 and mine[0]["talk_seconds"] == 180 and mine[0]["wait_seconds"] == 12


def test_default_time_is_now(client, switch):
    c = cid()
    before = server_now(CST).replace(microsecond=0)
    r = report(switch, c, "offered", 201, caller=phone())
    after = server_now(CST) + timedelta(seconds=1)
    at = datetime.fromisoformat(r.body["offered_at"])
    assert before <= at <= after, r
    # today's list (the default) has it
    r = client.get("/api/calls?page_size=200", session=client.admin())
    assert r.status == 200 and any(x["call_id"] == c for x in r.body["items"]), r


def test_events_are_idempotent(client, switch):
    c, caller = cid(), phone()
    t0 = server_now(CST).replace(microsecond=0) - timedelta(minutes=30)
    first = report(switch, c, "offered", 201, caller=caller, at=iso(t0)).body
    again = report(switch, c, "offered", 200, caller=caller, at=iso(t0 + timedelta(seconds=5)))
    assert again.body == first
    ans = report(switch, c, "answered", 200, agent="calltaker-wang",
                 at=iso(t0 + timedelta(seconds=8))).body
    # the same answer again — even naming another call-taker — changes nothing
    r = report(switch, c, "answered", 200, agent="calltaker-li", at=iso(t0 + timedelta(seconds=9)))
    assert r.body == ans
    end = report(switch, c, "ended", 200, at=iso(t0 + timedelta(seconds=60))).body
    r = report(switch, c, "ended", 200, at=iso(t0 + timedelta(seconds=90)))
    assert r.body == end and r.body["talk_seconds"] == 52
    r = report(switch, c, "offered", 200, caller=caller, at=iso(t0 - timedelta(seconds=90)))
    assert r.body == end


def test_a_switch_that_reports_only_the_end(switch):
    t0 = server_now(CST).replace(microsecond=0) - timedelta(hours=1)
    r = report(switch, cid(), "ended", 201, caller="+86 139 0000 1111", at=iso(t0))
    assert r.body["offered_at"] is None and r.body["answered_at"] is None
    assert r.body["ended_at"] == iso(t0)
    assert r.body["abandoned"] is True and r.body["wait_seconds"] is None
    r = report(switch, cid(), "answered", 201, caller="13900001111", agent="calltaker-li",
               at=iso(t0))
    assert r.body["answered_at"] == iso(t0) and r.body["offered_at"] is None
    assert r.body["wait_seconds"] is None and r.body["agent"]["username"] == "calltaker-li"


# ---- every refusal ----------------------------------------------------------------------------

def test_bad_bodies_are_400_with_their_field(switch):
    c = cid()
    cases = [
        ({"event": "offered", "caller": "110"}, "missing_field", "call_id"),
        ({"call_id": c, "caller": "110"}, "missing_field", "event"),
        ({"call_id": c, "event": "offered", "caller": "110", "line": 3}, "unknown_field", "line"),
        ({"call_id": 7, "event": "offered", "caller": "110"}, "invalid_type", "call_id"),
        ({"call_id": "", "event": "offered", "caller": "110"}, "out_of_range", "call_id"),
        ({"call_id": "x" * 65, "event": "offered", "caller": "110"}, "out_of_range", "call_id"),
        ({"call_id": c, "event": "ringing", "caller": "110"}, "invalid_field", "event"),
        ({"call_id": c, "event": "offered", "caller": "110", "at": "yesterday"},
         "invalid_field", "at"),
        ({"call_id": c, "event": "offered", "caller": "110", "at": None}, "invalid_type", "at"),
        ({"call_id": c, "event": "offered", "caller": "12"}, "invalid_field", "caller"),
        ({"call_id": c, "event": "offered", "caller": "1380000111x"}, "invalid_field", "caller"),
        ({"call_id": c, "event": "offered", "caller": "(010) 1234 5678"}, "invalid_field",
         "caller"),
        ({"call_id": c, "event": "offered", "caller": "1" * 21}, "invalid_field", "caller"),
        ({"call_id": c, "event": "offered"}, "missing_field", "caller"),
        ({"call_id": c, "event": "answered", "caller": "110"}, "missing_field", "agent"),
    ]
    for body, code, field in cases:
        assert_error(switch(body), 400, code, field)
    # none of them made the call
    assert_error(report(switch, c, "ended"), 404, "not_found")


def test_unknown_call_is_404(switch):
    assert_error(report(switch, cid(), "answered", agent="calltaker-wang"), 404, "not_found")
    assert_error(report(switch, cid(), "ended"), 404, "not_found")


def test_agent_must_be_an_active_calltaker(client, admin, switch):
    c = cid()
    report(switch, c, "offered", 201, caller=phone())
    for who in ("nobody-here", "dispatcher-zhang", "integrator"):
        assert_error(report(switch, c, "answered", agent=who), 422, "invalid_field", "agent")
    # a call-taker who has left
    username = f"ct-{uuid.uuid4().hex[:8]}"
    r = client.post("/api/admin/users", {"username": username, "display_name": "离职接线员",
                                         "role": "calltaker",
                                         "unit_id": client.unit_id("centre"),
                                         "password": "a-long-password"}, session=admin)
    assert r.status == 201, r
    r = client.patch(f"/api/admin/users/{r.body['id']}", {"active": False}, session=admin)
    assert r.status == 200, r
    assert_error(report(switch, c, "answered", agent=username), 422, "invalid_field", "agent")
    r = report(switch, c, "answered", 200, agent="calltaker-wang")
    assert r.body["agent"]["username"] == "calltaker-wang"


def test_events_out_of_order_are_422(switch):
    t0 = server_now(CST).replace(microsecond=0) - timedelta(hours=2)
    c = cid()
    report(switch, c, "offered", 201, caller=phone(), at=iso(t0))
    assert_error(report(switch, c, "answered", agent="calltaker-wang",
                        at=iso(t0 - timedelta(seconds=1))), 422, "invalid_field", "at")
    report(switch, c, "answered", 200, agent="calltaker-wang", at=iso(t0 + timedelta(seconds=5)))
    assert_error(report(switch, c, "ended", at=iso(t0 + timedelta(seconds=4))), 422,
                 "invalid_field", "at")
    # abandoned: it cannot be answered afterwards
    a = cid()
    report(switch, a, "offered", 201, caller=phone(), at=iso(t0))
    r = report(switch, a, "ended", 200, at=iso(t0 + timedelta(seconds=40)))
    assert r.body["abandoned"] is True
    assert_error(report(switch, a, "answered", agent="calltaker-wang",
                        at=iso(t0 + timedelta(seconds=50))), 422, "invalid_field", "event")
    r = report(switch, a, "ended", 200)
    assert r.body["answered_at"] is None and r.body["agent"] is None


# ---- roles ------------------------------------------------------------------------------------

def test_roles(client, switch):
    c = cid()
    report(switch, c, "offered", 201, caller=phone())
    for who in ("calltaker-wang", "dispatcher-zhang", "supervisor-chen", "admin"):
        r = client.post("/api/calls", {"call_id": c, "event": "ended"}, session=client.login(who))
        assert_error(r, 403, "forbidden")
    for who in ("visitor-liu", "handler-donghu", "integrator"):
        assert_error(client.get("/api/calls", session=client.login(who)), 403, "forbidden")
        assert_error(client.get("/api/analytics/calls", session=client.login(who)), 403,
                     "forbidden")
    for who in ("dispatcher-zhang", "supervisor-chen", "admin", "visitor-liu"):
        assert_error(client.get("/api/calls/current", session=client.login(who)), 403,
                     "forbidden")
    assert_error(client.get("/api/analytics/calls", session=client.login("calltaker-wang")), 403,
                 "forbidden")
    assert_error(client.get("/api/calls"), 401, "unauthenticated")


def test_a_calltaker_lists_only_their_own(client, switch):
    t0 = datetime(2025, 2, 10, 10, 0, tzinfo=CST)
    a, b = cid("own"), cid("own")
    report(switch, a, "offered", 201, caller=phone(), at=iso(t0))
    report(switch, a, "answered", 200, agent="calltaker-wang", at=iso(t0 + timedelta(seconds=3)))
    report(switch, b, "offered", 201, caller=phone(), at=iso(t0 + timedelta(minutes=1)))
    report(switch, b, "answered", 200, agent="calltaker-li",
           at=iso(t0 + timedelta(minutes=1, seconds=3)))
    q = "/api/calls?from=2025-02-10&to=2025-02-11"
    for who, want in (("calltaker-wang", [a]), ("calltaker-li", [b])):
        s = client.login(who)
        for path in (q, q + "&agent=calltaker-wang", q + "&agent=calltaker-li"):
            r = client.get(path, session=s)
            assert r.status == 200, r
            assert [x["call_id"] for x in r.body["items"]] == want, (who, path, r)
    d = client.login("dispatcher-zhang")
    assert [x["call_id"] for x in client.get(q, session=d).body["items"]] == [b, a]
    r = client.get(q + "&agent=calltaker-li", session=d)
    assert [x["call_id"] for x in r.body["items"]] == [b] and r.body["total"] == 1
    assert_error(client.get(q + "&agent=no-such-user", session=d), 400, "invalid_field", "agent")


def test_list_paging_and_bad_queries(client, switch):
    t0 = datetime(2025, 1, 20, 8, 0, tzinfo=CST)
    ids = [cid("page") for _ in range(5)]
    for i, c in enumerate(ids):
        report(switch, c, "offered", 201, caller=phone(), at=iso(t0 + timedelta(minutes=i)))
    s = client.login("supervisor-chen")
    base = "/api/calls?from=2025-01-20&to=2025-01-21&page_size=2"
    r = client.get(base, session=s)
    assert r.status == 200, r
    assert r.body["total"] == 5 and r.body["page"] == 1 and r.body["page_size"] == 2
    assert [x["call_id"] for x in r.body["items"]] == [ids[4], ids[3]]  # newest first
    r = client.get(base + "&page=3", session=s)
    assert [x["call_id"] for x in r.body["items"]] == [ids[0]]
    # [from, to): a call offered exactly at `to` is not in
    r = client.get("/api/calls?from=2025-01-20&to=" + quote(iso(t0 + timedelta(minutes=4))),
                   session=s)
    assert r.body["total"] == 4, r
    for q, field in (("page=0", "page"), ("page_size=201", "page_size"), ("from=soon", "from"),
                     ("to=2025-13-01", "to")):
        assert_error(client.get(f"/api/calls?{q}", session=s), 400, "invalid_field", field)


# ---- the live event ---------------------------------------------------------------------------

def test_call_event_reaches_only_the_answering_calltaker(client, switch):
    c, caller = cid(), phone()
    others = {u: client.login(u) for u in ("calltaker-li", "supervisor-chen", "dispatcher-zhang",
                                           "admin", "visitor-liu", "handler-donghu")}
    with open_stream(client, client.login("calltaker-wang")) as wang:
        streams = {u: open_stream(client, s) for u, s in others.items()}
        try:
            r = report(switch, c, "offered", 201, caller=caller)
            assert wang.next_event(0.5) is None  # ringing is nobody's yet
            r = report(switch, c, "answered", 200, agent="calltaker-wang")
            ev = wang.next_event(2.0)
            assert ev is not None and ev["event"] == "call", ev
            assert int(ev["id"]) > 0
            assert json.loads(ev["data"]) == {"id": r.body["id"], "call_id": c, "caller": caller,
                                              "answered_at": r.body["answered_at"]}
            # the same answer again is no new event; nor is the end
            report(switch, c, "answered", 200, agent="calltaker-wang")
            report(switch, c, "ended", 200)
            msg = f"calls test {c}"
            seq = announce(client, client.login("supervisor-chen"), msg)
            # every stream's next event is the announcement: the call went to none of them
            for u, s in list(streams.items()) + [("calltaker-wang", wang)]:
                ev = s.next_event(2.0)
                assert ev is not None and ev["event"] == "announcement", (u, ev)
                assert int(ev["id"]) == seq, (u, ev)
            # resuming from before the call: still not theirs
            before = int(seq) - 3
            with open_stream(client, others["supervisor-chen"],
                             path=f"/api/events/stream?after={before}") as again:
                ev = again.next_event(2.0)
                assert ev is not None and ev["event"] != "call", ev
                while ev is not None:
                    assert ev.get("event") != "call" and caller not in ev.get("data", ""), ev
                    ev = again.next_event(0.3)
        finally:
            for s in streams.values():
                s.close()


# ---- the call in progress and linking -----------------------------------------------------

@pytest.fixture
def new_calltaker(client):
    """A call-taker of their own (no calls of other tests): (username, session)."""
    username = f"ct-{uuid.uuid4().hex[:8]}"
    r = client.post("/api/admin/users", {"username": username, "display_name": "接线员 赵",
                                         "role": "calltaker",
                                         "unit_id": client.unit_id("centre"),
                                         "password": "a-long-password"}, session=client.admin())
    assert r.status == 201, r
    return username, client.login(username, password="a-long-password")


def test_current_call(client, switch, new_calltaker):
    username, s = new_calltaker
    assert client.get("/api/calls/current", session=s).body == {"call": None}
    c, caller = cid(), phone()
    report(switch, c, "offered", 201, caller=caller)
    assert client.get("/api/calls/current", session=s).body == {"call": None}  # still ringing
    report(switch, c, "answered", 200, agent=username)
    r = client.get("/api/calls/current", session=s)
    assert r.status == 200, r
    assert set(r.body) == {"call"}
    assert r.body["call"]["call_id"] == c and r.body["call"]["caller"] == caller
    assert r.body["call"]["ended_at"] is None
    # just hung up: still shown (a console reloaded right after the call)
    report(switch, c, "ended", 200)
    r = client.get("/api/calls/current", session=s)
    assert r.body["call"]["call_id"] == c and r.body["call"]["ended_at"] is not None
    # the next call answered is the current one
    n = cid()
    report(switch, n, "answered", 201, caller=phone(), agent=username)
    assert client.get("/api/calls/current", session=s).body["call"]["call_id"] == n
    # another call-taker's current call is theirs, not this one
    r = client.get("/api/calls/current", session=client.login("calltaker-li"))
    assert r.body["call"] is None or r.body["call"]["call_id"] not in (c, n)


def test_current_call_is_none_two_minutes_after_the_end(client, switch, new_calltaker):
    username, s = new_calltaker
    now = server_now(CST).replace(microsecond=0)
    c = cid()
    report(switch, c, "answered", 201, caller=phone(), agent=username,
           at=iso(now - timedelta(minutes=6)))
    r = client.get("/api/calls/current", session=s)
    assert r.body["call"]["call_id"] == c  # no end reported: still on the line
    report(switch, c, "ended", 200, at=iso(now - timedelta(seconds=125)))
    assert client.get("/api/calls/current", session=s).body == {"call": None}


def test_registration_links_the_call(client, switch):
    # answered now (the server's time): wang's latest call, whatever other tests left
    now = server_now(CST).replace(microsecond=0)
    c, caller = cid(), phone()
    call = report(switch, c, "offered", 201, caller=caller, at=iso(now - timedelta(seconds=9))).body
    call = report(switch, c, "answered", 200, agent="calltaker-wang").body
    assert call["wait_seconds"] >= 9
    # typed with separators: the digits are the caller's
    k = register(client, "calltaker-wang", f"{caller[:3]}-{caller[3:7]}-{caller[7:]}")
    k2 = register(client, "calltaker-wang", caller)  # a second matter in the same call
    # not linked: another caller; another call-taker (not their call); not a call-taker
    other_phone = register(client, "calltaker-wang", phone())
    li = register(client, "calltaker-li", caller)
    web = client.post("/api/public/cases", {"caller_name": "张三", "caller_phone": caller,
                                            "category_id": client.category_id(PROPERTY),
                                            "text": "网上反映，来电登记测试"})
    assert web.status == 201, web
    web_id = client.get(f"/api/cases?number={web.body['number']}",
                        session=client.login("dispatcher-zhang")).body["items"][0]["id"]

    calls = case_calls(client, k["id"])
    assert calls == [{"id": call["id"], "call_id": c, "offered_at": iso(now - timedelta(seconds=9)),
                      "answered_at": call["answered_at"], "ended_at": None,
                      "wait_seconds": call["wait_seconds"], "talk_seconds": None,
                      "agent": {"id": client.login("calltaker-wang").user["id"],
                                "username": "calltaker-wang",
                                "display_name": client.login("calltaker-wang").user["display_name"]}}]
    assert [x["call_id"] for x in case_calls(client, k2["id"])] == [c]
    for case_id in (other_phone["id"], li["id"], web_id):
        assert case_calls(client, case_id) == [], case_id
    # the call lists its requests
    r = client.get("/api/calls/current", session=client.login("calltaker-wang"))
    assert r.body["call"]["call_id"] == c
    assert r.body["call"]["cases"] == [{"id": k["id"], "number": k["number"]},
                                       {"id": k2["id"], "number": k2["number"]}]
    # after the end, the detail shows the talk time; a unit that has the request sees the
    # calls but no caller in them
    ended = report(switch, c, "ended", 200).body
    talk = (datetime.fromisoformat(ended["ended_at"])
            - datetime.fromisoformat(ended["answered_at"])).total_seconds()
    r = client.post(f"/api/cases/{k['id']}/dispatch", {"unit_id": client.unit_id("d-donghu")},
                    session=client.login("dispatcher-zhang"))
    assert r.status == 200, r
    calls = case_calls(client, k["id"], "handler-donghu")
    assert calls[0]["talk_seconds"] == talk == ended["talk_seconds"]
    assert calls[0]["ended_at"] == ended["ended_at"] and "caller" not in calls[0]
    assert caller not in str(calls)


def test_a_call_ended_long_ago_links_nothing(client, switch, new_calltaker):
    username, session = new_calltaker
    now = server_now(CST).replace(microsecond=0)
    c, caller = cid(), phone()
    report(switch, c, "answered", 201, caller=caller, agent=username,
           at=iso(now - timedelta(minutes=10)))
    report(switch, c, "ended", 200, at=iso(now - timedelta(minutes=5)))
    k = register(client, session, caller)
    assert case_calls(client, k["id"]) == []


# ---- masking ----------------------------------------------------------------------------------

def test_callers_are_masked_as_in_requests(client, switch):
    t0 = datetime(2025, 2, 11, 9, 0, tzinfo=CST)
    c = cid("mask")
    caller = "13812345678"
    r = report(switch, c, "offered", 201, caller=caller, at=iso(t0))
    assert r.body["caller"] == "138****5678"  # the switch is no call-taker either
    report(switch, c, "answered", 200, agent="calltaker-wang", at=iso(t0 + timedelta(seconds=2)))
    q = "/api/calls?from=2025-02-11&to=2025-02-12"
    seen = {}
    for who in ("calltaker-wang", "dispatcher-zhang", "supervisor-chen", "admin"):
        r = client.get(q, session=client.login(who))
        assert r.status == 200, r
        seen[who] = [x["caller"] for x in r.body["items"] if x["call_id"] == c]
    assert seen == {"calltaker-wang": [caller], "dispatcher-zhang": ["138****5678"],
                    "supervisor-chen": ["138****5678"], "admin": ["138****5678"]}
    # the same rule as the requests': a dispatcher sees a request's caller masked as well
    k = register(client, "calltaker-wang", caller)
    r = client.get(f"/api/cases/{k['id']}", session=client.login("dispatcher-zhang"))
    assert r.body["caller"]["phone"] == "138****5678"
    r = client.get(f"/api/cases/{k['id']}", session=client.login("calltaker-li"))
    assert r.body["caller"]["phone"] == caller


# ---- figures ----------------------------------------------------------------------------------

def test_analytics_on_a_hand_made_day(client, switch):
    day = datetime(2025, 3, 4, tzinfo=CST)

    def call(offered, answered=None, ended=None, agent="calltaker-wang"):
        c = cid("fig")
        report(switch, c, "offered", 201, caller=phone(), at=iso(day + offered))
        if answered is not None:
            report(switch, c, "answered", 200, agent=agent, at=iso(day + answered))
        if ended is not None:
            report(switch, c, "ended", 200, at=iso(day + ended))

    s = timedelta(seconds=1)
    h = timedelta(hours=1)
    call(9 * h, 9 * h + 10 * s, 9 * h + 190 * s)            # answered in 10 s, 180 s talk
    call(9.5 * h, 9.5 * h + 20 * s, 9.5 * h + 320 * s)      # answered in 20 s, 300 s talk
    call(14 * h, None, 14 * h + 30 * s)                      # abandoned after 30 s
    call(24 * h - 10 * s, 24 * h + 5 * s, 24 * h + 65 * s)   # 23:59:50, in 15 s, 60 s talk
    call(24 * h + 30 * s, 24 * h + 31 * s)                   # the next day: not counted
    call(-1 * s, 0 * s, 60 * s)                              # the day before: not counted
    s_chen = client.login("supervisor-chen")
    for q in ("from=2025-03-04&to=2025-03-04", ):
        r = client.get(f"/api/analytics/calls?{q}", session=s_chen)
        assert r.status == 200, r
        b = r.body
        assert b["period"] == {"label": "2025-03-04..2025-03-04", "from": "2025-03-04",
                               "to": "2025-03-04"}, b
        assert (b["offered"], b["answered"], b["abandoned"], b["answered_15s"]) == (4, 3, 1, 2), b
        assert b["answer_rate"] == 0.75 and b["answer_15s_rate"] == 0.5, b
        assert b["avg_wait_seconds"] == 15.0 and b["avg_talk_seconds"] == 180.0, b
        assert [x["hour"] for x in b["by_hour"]] == list(range(24))
        hours = {x["hour"]: (x["offered"], x["answered"]) for x in b["by_hour"]
                 if x["offered"] or x["answered"]}
        assert hours == {9: (2, 2), 14: (1, 0), 23: (1, 1)}, b
    # two days: the figures add up, and a rate that does not divide evenly is rounded
    r = client.get("/api/analytics/calls?from=2025-03-04&to=2025-03-05", session=s_chen)
    b = r.body
    assert (b["offered"], b["answered"], b["answered_15s"]) == (5, 4, 3), b
    assert b["answer_rate"] == 0.8 and b["answer_15s_rate"] == 0.6
    assert b["avg_wait_seconds"] == round((10 + 20 + 15 + 1) / 4, 1)
    r = client.get("/api/analytics/calls?from=2025-03-03&to=2025-03-05", session=s_chen)
    assert r.body["offered"] == 6 and r.body["answer_rate"] == round(5 / 6, 4)


def test_analytics_with_nothing_to_count(client):
    r = client.get("/api/analytics/calls?from=1999-01-01&to=1999-01-31",
                   session=client.login("dispatcher-zhang"))
    assert r.status == 200, r
    b = r.body
    assert (b["offered"], b["answered"], b["abandoned"], b["answered_15s"]) == (0, 0, 0, 0)
    assert b["answer_rate"] is None and b["answer_15s_rate"] is None
    assert b["avg_wait_seconds"] is None and b["avg_talk_seconds"] is None
    assert len(b["by_hour"]) == 24 and all(x["offered"] == 0 for x in b["by_hour"])


def test_analytics_default_is_today(client, switch):
    today = server_now(CST).date().isoformat()
    r = client.get("/api/analytics/calls", session=client.admin())
    assert r.status == 200, r
    assert r.body["period"]["from"] == today and r.body["period"]["to"] == today
    before = r.body["offered"]
    report(switch, cid(), "offered", 201, caller=phone())
    r = client.get("/api/analytics/calls", session=client.admin())
    # a call offered now counts today (unless the day turned over in between)
    if server_now(CST).date().isoformat() == today:
        assert r.body["offered"] == before + 1, r
    for q, field in (("period=2025-13", "period"), ("from=2025-01-02", "from"),
                     ("from=2025-02-01&to=2025-01-01", "from")):
        assert_error(client.get(f"/api/analytics/calls?{q}", session=client.admin()), 400,
                     "invalid_field", field)
