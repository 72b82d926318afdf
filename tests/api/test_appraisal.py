"""Appraisal (考核) through the API on a hand-computed fixture: a district of our own with two
streets and a department, ten requests walked through the lifecycle with known outcomes (in
time and late, re-dispatched, returned, reopened, answered, invalid), then every rate, the
composite, the ranking, the drill-down lists, a handler's scope, and a scheme change with an
effective date. Late sign-for and late replies need time to pass: the fixture's category has
1-minute limits and the fixture moves the shared server's clock 62 s forward. The on-time rates
count a request once its clock has run out, replied (signed) or not: 6, never signed, has a
sign-for limit of the ordinary category that still runs, so it is not counted yet."""
from datetime import timedelta, timezone

import pytest

from conftest import uniq

CST = timezone(timedelta(hours=8))
PW = "appraisal-pw-1"


def ok(r, status=200):
    assert r.status == status, r
    return r.body


@pytest.fixture(scope="module")
def city(client, clock):
    """Creates the units, users, categories and the ten requests; returns their ids."""
    admin = client.admin()
    centre = client.unit_id("centre")
    tag = uniq("ap")

    def unit(code, kind, parent):
        return ok(client.post("/api/admin/units", {"code": f"{tag}-{code}", "name_zh": code,
                                                  "name_en": code, "kind": kind,
                                                  "parent_id": parent}, session=admin), 201)["id"]

    D = unit("d", "district", centre)
    S1 = unit("s1", "street", D)
    S2 = unit("s2", "street", D)
    P = unit("p", "department", centre)
    users = {}
    for name, u in (("d", D), ("s1", S1), ("s2", S2), ("p", P)):
        username = f"{tag}-h{name}"
        ok(client.post("/api/admin/users", {"username": username, "display_name": username,
                                            "role": "handler", "unit_id": u, "password": PW},
                       session=admin), 201)
        users[name] = client.login(username, PW)

    def category(code, parent, leaf):
        body = {"code": f"{tag}-{code}", "name_zh": code, "name_en": code, "parent_id": parent}
        if leaf:
            body.update(request_type="complaint", urgency="normal")
        return ok(client.post("/api/admin/categories", body, session=admin), 201)["id"]

    l1 = category("c1", None, False)
    l2 = category("c2", l1, False)
    OK = category("ok", l2, True)
    LATE = category("late", l2, True)
    for stage in ("sign", "reply"):
        ok(client.put("/api/admin/time-limits", {"stage": stage, "urgency": "normal",
                                                 "category_id": LATE, "amount": 1,
                                                 "unit": "minutes"}, session=admin))

    calltaker, dispatcher = client.login("calltaker-wang"), client.login("dispatcher-zhang")
    visitor = client.login("visitor-liu")

    def reg(cat):
        return ok(client.post("/api/cases", {"category_id": cat, "caller_name": "李四",
                                             "caller_phone": "13912345678",
                                             "text": "appraisal fixture"}, session=calltaker),
                  201)["id"]

    def act(who, cid, action, body=None):
        return ok(client.post(f"/api/cases/{cid}/{action}", body or {}, session=who))

    def visit(cid, solved, sat):
        return act(visitor, cid, "visit", {"reachable": True, "solved": solved, "satisfaction": sat})

    c = {i: reg(LATE if i in (2, 9, 10) else OK) for i in range(1, 11)}
    # 1: S1, all in time, solved and satisfied (closes itself)
    act(dispatcher, c[1], "dispatch", {"unit_id": S1})
    act(users["s1"], c[1], "sign")
    act(users["s1"], c[1], "reply", {"reply": "已修复"})
    assert visit(c[1], True, "satisfied")["state"] == "closed"
    # 2: S1, signed late (after the wait)
    act(dispatcher, c[2], "dispatch", {"unit_id": S1})
    # 3: the district signs, re-dispatches to S2, which signs in time: solved, basic
    act(dispatcher, c[3], "dispatch", {"unit_id": D})
    act(users["d"], c[3], "sign")
    act(users["d"], c[3], "redispatch", {"unit_id": S2})
    act(users["s2"], c[3], "sign")
    act(users["s2"], c[3], "reply", {"reply": "已处理"})
    visit(c[3], True, "basic")
    # 4: the district returns it (approved); the department signs in time
    act(dispatcher, c[4], "dispatch", {"unit_id": D})
    act(users["d"], c[4], "request_return", {"reason": "非我区职责", "basis": "三定方案"})
    act(dispatcher, c[4], "approve_return")
    act(dispatcher, c[4], "dispatch", {"unit_id": P})
    act(users["p"], c[4], "sign")
    # 5: the department, unsatisfied, reopened, signed again in time
    act(dispatcher, c[5], "dispatch", {"unit_id": P})
    act(users["p"], c[5], "sign")
    act(users["p"], c[5], "reply", {"reply": "已答复"})
    visit(c[5], False, "unsatisfied")
    act(visitor, c[5], "reopen", {"reason": "问题仍在"})
    act(users["p"], c[5], "sign")
    # 6: S2, never signed
    act(dispatcher, c[6], "dispatch", {"unit_id": S2})
    # 7: answered directly; 8: invalid
    act(calltaker, c[7], "answer", {"answer": "已直接答复"})
    act(calltaker, c[8], "invalidate", {"reason": "骚扰电话"})
    # 9: S1 asks to return it, refused; signs late (after the wait)
    act(dispatcher, c[9], "dispatch", {"unit_id": S1})
    act(users["s1"], c[9], "request_return", {"reason": "不属本街道", "basis": "属地"})
    act(dispatcher, c[9], "reject_return", {"reason": "属本街道"})
    # 10: S2 signs in time; replies late (after the wait)
    act(dispatcher, c[10], "dispatch", {"unit_id": S2})
    act(users["s2"], c[10], "sign")

    clock.advance(62)  # the 1-minute sign-for and reply limits of the fixture's category expire

    act(users["s1"], c[2], "sign")
    act(users["s1"], c[2], "reply", {"reply": "已处理"})  # its reply clock starts at sign-for
    visit(c[2], False, "unsatisfied")
    act(users["s1"], c[9], "sign")
    act(users["s2"], c[10], "reply", {"reply": "已处理"})
    visit(c[10], True, "satisfied")
    today = clock.datetime(CST).date()
    return {"D": D, "S1": S1, "S2": S2, "P": P, "c": c, "users": users, "tag": tag,
            "today": today, "month": today.strftime("%Y-%m")}


def session_of(client, who):
    """A demo username, or a Session of a fixture user (logged in with its own password)."""
    return client.login(who) if isinstance(who, str) else who


def appraisal(client, query, who="supervisor-chen"):
    return ok(client.get(f"/api/appraisal?{query}", session=session_of(client, who)))


def units_of(body):
    out = {}
    for tier, items in body["tiers"].items():
        for u in items:
            out[u["unit_id"]] = dict(u, tier=tier)
    for u in body["other"]:
        out[u["unit_id"]] = u
    return out


def test_every_rate_and_the_composite(client, city):
    body = appraisal(client, f"period={city['month']}")
    assert body["period"]["label"] == city["month"]
    assert body["scheme"]["weights"]["response"] == 30
    u = units_of(body)
    d, s1, s2, p = u[city["D"]], u[city["S1"]], u[city["S2"]], u[city["P"]]
    # the district includes its streets: 6 dispatched (1,2,9 at S1; 3,6,10 at S2); 6 waits for
    # its sign-for (and has no reply clock), 9 for its reply (signed at the 62 s)
    assert d["counts"] == {"volume": 7, "dispatched": 6, "signed_ontime": 3, "visits_valid": 4,
                           "solved": 3, "satisfied": 2, "basic": 1, "unsatisfied": 1,
                           "replies": 4, "replied_ontime": 3, "reopened": 0,
                           "returns_requested": 2, "returns_approved": 1,
                           "sign_pending": 1, "sign_overdue": 0, "sign_unclocked": 0,
                           "reply_pending": 1, "reply_overdue": 0, "reply_unclocked": 1}
    r = d["rates"]
    assert (r["response"]["num"], r["response"]["den"]) == (3, 5)
    assert r["response"]["rate"] == pytest.approx(0.6)
    assert r["resolution"]["rate"] == pytest.approx(0.75)
    assert r["satisfaction"]["rate"] == pytest.approx(0.75)
    assert (r["ontime_reply"]["num"], r["ontime_reply"]["den"]) == (4, 5)  # 6: no clock
    assert (r["return"]["num"], r["return"]["den"]) == (2, 7)
    assert r["reopen"]["rate"] == pytest.approx(0.0)
    assert d["composite"] == pytest.approx(70.5)  # 30·0.6 + 35·0.75 + 35·0.75
    assert s1["counts"]["dispatched"] == 3 and s1["counts"]["signed_ontime"] == 1
    assert s1["composite"] == pytest.approx(45.0)  # 30/3 + 35/2 + 35/2
    assert s2["counts"]["replied_ontime"] == 1 and s2["counts"]["replies"] == 2
    assert s2["composite"] == pytest.approx(100.0)  # 30·2/2 + 35 + 35
    # the department: only the response rate is measured yet; its weight carries the score
    assert p["counts"]["dispatched"] == 2 and p["counts"]["reopened"] == 1
    assert p["rates"]["resolution"]["rate"] is None
    assert p["rates"]["reopen"]["rate"] == pytest.approx(0.5)
    assert p["composite"] == pytest.approx(100.0)
    assert d["tier"] == "districts" and s1["tier"] == "streets" and p["tier"] == "departments"


def test_ranking_within_each_tier(client, city):
    body = appraisal(client, f"period={city['month']}")
    for tier, items in body["tiers"].items():
        scored = [u for u in items if u["composite"] is not None]
        # ranked first, by composite (ties share the rank), then the unranked
        assert items[:len(scored)] == scored, tier
        for u in scored:
            higher = sum(1 for v in scored if v["composite"] > u["composite"])
            assert u["rank"] == higher + 1, (tier, u["code"])
        comps = [u["composite"] for u in scored]
        assert comps == sorted(comps, reverse=True), tier
        assert all(u["rank"] is None for u in items[len(scored):])
    u = units_of(body)
    assert u[city["S2"]]["rank"] < u[city["S1"]]["rank"]


def drill(client, city, unit, indicator, part, who="supervisor-chen", **q):
    query = "&".join(f"{k}={v}" for k, v in dict(indicator=indicator, part=part,
                                                  period=city["month"], **q).items())
    return client.get(f"/api/appraisal/{unit}/drill?{query}", session=session_of(client, who))


def ids(client, city, unit, indicator, part, **q):
    body = ok(drill(client, city, unit, indicator, part, **q))
    got = [x["id"] for x in body["items"]]
    assert body["total"] == len(got) or "page_size" in q
    return got


def test_drill_down_lists_the_requests_behind_each_figure(client, city):
    c, D = city["c"], city["D"]
    assert ids(client, city, D, "response", "numerator") == [c[1], c[3], c[10]]
    assert ids(client, city, D, "response", "denominator") == [c[i] for i in (1, 2, 3, 9, 10)]
    assert ids(client, city, D, "response", "cost") == [c[2], c[9]]
    assert ids(client, city, D, "resolution", "denominator") == [c[1], c[2], c[3], c[10]]
    assert ids(client, city, D, "resolution", "cost") == [c[2]]
    assert ids(client, city, D, "satisfaction", "numerator") == [c[1], c[3], c[10]]
    assert ids(client, city, D, "ontime_reply", "cost") == [c[10]]
    # returns are events: the district's (4, approved) and S1's (9, refused)
    assert ids(client, city, D, "return", "numerator") == [c[4], c[9]]
    assert sorted(ids(client, city, D, "return", "denominator")) == sorted(
        [c[i] for i in (1, 2, 3, 4, 6, 9, 10)])
    assert ids(client, city, city["P"], "reopen", "numerator") == [c[5]]
    assert ids(client, city, city["S2"], "response", "denominator") == [c[3], c[10]]
    # paging: the figure stays the total
    body = ok(drill(client, city, D, "response", "denominator", page=2, page_size=3))
    assert body["total"] == 5 and [x["id"] for x in body["items"]] == [c[9], c[10]]
    # the requests come as the caller may see them: the handler sees the phone masked
    body = ok(drill(client, city, D, "response", "cost", who=city["users"]["d"]))
    assert body["items"][0]["caller"]["phone"] == "139****5678"
    # errors
    r = drill(client, city, D, "speed", "numerator")
    assert r.status == 400 and r.error["field"] == "indicator"
    r = drill(client, city, D, "response", "half")
    assert r.status == 400 and r.error["field"] == "part"
    assert drill(client, city, 999999, "response", "numerator").status == 404


def test_a_handler_sees_its_own_subtree(client, city):
    hd, hs1 = city["users"]["d"], city["users"]["s1"]
    body = appraisal(client, f"period={city['month']}", who=hd)
    seen = set(units_of(body))
    assert seen == {city["D"], city["S1"], city["S2"]}
    body = appraisal(client, f"period={city['month']}", who=hs1)
    assert set(units_of(body)) == {city["S1"]}
    # drill-down outside the subtree is refused
    assert drill(client, city, city["D"], "response", "numerator", who=hs1).status == 403
    assert drill(client, city, city["S1"], "response", "numerator", who=hs1).status == 200
    # call-takers and visitors do not appraise
    r = client.get(f"/api/appraisal?period={city['month']}", session=client.login("visitor-liu"))
    assert r.status == 403


def test_periods(client, city):
    y, m = city["today"].year, city["today"].month
    q = (m - 1) // 3 + 1
    for period in (f"{y}-Q{q}", f"{y}"):
        u = units_of(appraisal(client, f"period={period}"))
        assert u[city["D"]]["counts"]["dispatched"] == 6, period
    day = city["today"].isoformat()
    u = units_of(appraisal(client, f"from={day}&to={day}"))
    assert u[city["D"]]["composite"] == pytest.approx(70.5)
    # a month with nothing: no composite, no rank
    u = units_of(appraisal(client, f"period={y - 3}-01"))
    assert u[city["D"]]["composite"] is None and u[city["D"]]["rank"] is None
    for bad in ("period=2026-13", "period=soon", "from=2026-11-09&to=2026-11-01", ""):
        r = client.get(f"/api/appraisal?{bad}", session=client.login("supervisor-chen"))
        assert r.status == 400, bad


def test_scheme_change_from_its_effective_date(client, city):
    """A scheme stored with an effective date applies to periods from that date on; the same
    requests in a period starting before it keep the old scheme's result."""
    admin = client.admin()
    day = city["today"].isoformat()
    before = (city["today"] - timedelta(days=1)).isoformat()
    old = units_of(appraisal(client, f"from={before}&to={day}"))[city["D"]]["composite"]
    assert old == pytest.approx(70.5)
    r = client.post("/api/admin/appraisal/schemes", {
        "name": f"{city['tag']} response only", "effective_from": day, "effective_to": day,
        "weights": {"response": 60, "ontime_reply": 40},
        "scores": {"basic": 0.5}}, session=admin)
    assert r.status == 201, r
    assert r.body["effective_from"] == day and r.body["weights"]["resolution"] == 0
    new = appraisal(client, f"from={day}&to={day}")
    assert new["scheme"]["id"] == r.body["id"]
    d = units_of(new)[city["D"]]
    assert d["composite"] == pytest.approx(60 * 0.6 + 40 * 0.8)  # 68
    # satisfaction with basic scored 0.5: (2 + 0.5) / 4
    assert d["rates"]["satisfaction"]["rate"] == pytest.approx(2.5 / 4)
    assert d["rates"]["satisfaction"]["num"] == 3
    # the period that starts the day before is still scored under the old scheme
    again = units_of(appraisal(client, f"from={before}&to={day}"))[city["D"]]
    assert again["composite"] == pytest.approx(70.5)
    schemes = ok(client.get("/api/appraisal/schemes", session=client.login("supervisor-chen")))
    assert any(s["id"] == r.body["id"] for s in schemes["schemes"])
    # refused: bad weights, an end before the start, unknown indicator; admin only
    for bad in ({"weights": {"response": -1}}, {"weights": {"speed": 10}},
                {"effective_to": before}, {"weights": {}}):
        body = dict({"name": "x", "effective_from": day, "weights": {"response": 10}}, **bad)
        r = client.post("/api/admin/appraisal/schemes", body, session=admin)
        assert r.status in (400, 422), (bad, r)
    # a scheme may not start in the past: the months already appraised keep their scheme
    r = client.post("/api/admin/appraisal/schemes", {"name": "x", "effective_from": before,
                                                     "weights": {"response": 1}}, session=admin)
    assert r.status == 422 and r.body["error"]["field"] == "effective_from", r
    assert "today or later" in r.body["error"]["message"]
    r = client.post("/api/admin/appraisal/schemes", {"name": "x", "effective_from": day,
                                                     "effective_to": before,
                                                     "weights": {"response": 1}}, session=admin)
    assert r.status == 422 and r.body["error"]["field"] == "effective_to", r
    assert "not before effective_from" in r.body["error"]["message"]
    r = client.post("/api/admin/appraisal/schemes", {"name": "x", "effective_from": day,
                                                     "weights": {"response": 1}},
                    session=client.login("supervisor-chen"))
    assert r.status == 403


def test_analytics_see_the_fixture(client, city):
    sup = client.login("supervisor-chen")
    month = city["month"]
    vol = ok(client.get(f"/api/analytics/volume?period={month}&by=day", session=sup))
    assert vol["total"] >= 10 and sum(p["n"] for p in vol["series"]) == vol["total"]
    cat = ok(client.get(f"/api/analytics/volume?period={month}&by=month&category="
                        f"{client.category_id(city['tag'] + '-c1')}", session=sup))
    assert cat["total"] == 10
    br = ok(client.get(f"/api/analytics/breakdown?period={month}&by=category&category="
                       f"{client.category_id(city['tag'] + '-c2')}", session=sup))
    assert {i["code"]: i["n"] for i in br["items"]} == {f"{city['tag']}-ok": 7,
                                                        f"{city['tag']}-late": 3}
    for by in ("channel", "type", "district", "street"):
        b = ok(client.get(f"/api/analytics/breakdown?period={month}&by={by}", session=sup))
        assert sum(i["n"] for i in b["items"]) == b["total"], by
    hot = ok(client.get(f"/api/analytics/hot-topics?period={month}&level=3&min=3", session=sup))
    codes = [i["code"] for i in hot["items"]]
    assert f"{city['tag']}-ok" in codes  # new this month: rising
    assert all(i["n"] > i["previous"] for i in hot["items"])
    ok(client.get(f"/api/analytics/hot-places?period={month}&by=street", session=sup))
    dur = ok(client.get(f"/api/analytics/durations?period={month}&by=unit", session=sup))
    d = next(i for i in dur["items"] if i["key"] == city["D"])
    # signed: 1, 2, 9 (S1), 3 and 10 (S2; 3 counts where it is now); 6 never signed
    assert d["sign"]["n"] == 5
    assert d["close"]["n"] == 3 and d["close"]["p90_hours"] >= d["close"]["median_hours"] >= 0
    # a handler's durations and overdue are its own subtree
    hs2 = city["users"]["s2"]
    mine = ok(client.get(f"/api/analytics/durations?period={month}&by=unit",
                         session=hs2))
    assert [i["key"] for i in mine["items"]] == [city["S2"]]
    od = ok(client.get("/api/analytics/overdue", session=hs2))
    assert all(u["unit_id"] == city["S2"] for u in od["units"])
    assert client.get(f"/api/analytics/volume?period={month}",
                      session=hs2).status == 403
    r = client.get(f"/api/analytics/volume?period={month}&district=1&channel=phone", session=sup)
    assert r.status == 400


def test_the_on_time_rates_count_what_is_late(client, city, clock):
    """Runs last: it moves the clock past 9's reply due time and adds a request. A request
    whose clock has run out counts as late, replied (signed) or not; the drill-down lists it."""
    c, S1, D = city["c"], city["S1"], city["D"]
    sup = client.login("supervisor-chen")
    s1 = units_of(appraisal(client, f"period={city['month']}"))[S1]
    assert (s1["rates"]["ontime_reply"]["num"], s1["rates"]["ontime_reply"]["den"]) == (2, 2)
    # 11: the 1-minute category, dispatched to S1 and never signed
    late_cat = client.category_id(city["tag"] + "-late")
    c11 = ok(client.post("/api/cases", {"category_id": late_cat, "caller_name": "王五",
                                        "caller_phone": "13912345679", "text": "appraisal late"},
                         session=client.login("calltaker-wang")), 201)["id"]
    ok(client.post(f"/api/cases/{c11}/dispatch", {"unit_id": S1},
                   session=client.login("dispatcher-zhang")))
    s1 = units_of(appraisal(client, f"period={city['month']}"))[S1]
    assert s1["counts"]["sign_pending"] == 1
    assert (s1["rates"]["response"]["num"], s1["rates"]["response"]["den"]) == (1, 3)
    assert c11 not in ids(client, city, S1, "response", "denominator")

    clock.advance(62)  # 9's reply and 11's sign-for fall due, neither done
    s1 = units_of(appraisal(client, f"period={city['month']}"))[S1]
    k = s1["counts"]
    assert (k["sign_overdue"], k["reply_overdue"], k["reply_unclocked"]) == (1, 1, 1)
    # response: 1 on time; 2 and 9 signed late, 11 never signed
    assert (s1["rates"]["response"]["num"], s1["rates"]["response"]["den"]) == (1, 4)
    # reply: 1 and 2 on time, 11 has no reply clock (not signed); 9 never replied: late
    assert (s1["rates"]["ontime_reply"]["num"], s1["rates"]["ontime_reply"]["den"]) == (3, 4)
    assert s1["rates"]["ontime_reply"]["rate"] == pytest.approx(0.75)
    assert ids(client, city, S1, "ontime_reply", "cost") == [c[9]]
    assert ids(client, city, S1, "response", "cost") == [c[2], c[9], c11]
    assert ids(client, city, D, "ontime_reply", "cost") == [c[9], c[10]]
    assert ids(client, city, D, "ontime_reply", "denominator") == [
        c[i] for i in (1, 2, 3, 6, 9, 10)] + [c11]
    # the report's sheet of what cost points agrees (export_appraisal)
    r = client.get(f"/api/export/appraisal.xlsx?period={city['month']}", session=sup)
    assert r.status == 200
    # the unit scope and the roles: S2's handler may not drill S1, a call-taker nothing
    assert drill(client, city, S1, "ontime_reply", "cost", who=city["users"]["s2"]).status == 403
    assert drill(client, city, S1, "ontime_reply", "cost", who="calltaker-wang").status == 403
    assert drill(client, city, S1, "ontime_reply", "cost", who=city["users"]["s1"]).status == 200
