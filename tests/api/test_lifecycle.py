"""The life of a request through the API: every path of the lifecycle table (docs/product.md,
Life of a request) walked by the right users, and refused for the wrong role, the wrong unit and
the wrong state."""
import re
from datetime import datetime, timedelta, timezone

import pytest

from conftest import server_now

CST = timezone(timedelta(hours=8))

# Demo categories (data/demo/categories.json) and where the catalogue sends them.
STREETLIGHT = "020101"   # 路灯不亮, help, normal → 市政设施管理处 / urban management
PROPERTY = "010101"      # 物业服务投诉, complaint → the district of the request
LIFT = "010103"          # 小区电梯故障, help, urgent


def register(client, who="calltaker-wang", category=PROPERTY, district="d-donghu", **extra):
    body = {
        "caller_name": "张三",
        "caller_phone": "138-1234-5678",
        "category_id": client.category_id(category),
        "district_id": client.unit_id(district),
        "address": "新华路12号",
        "text": extra.pop("text", "小区物业不打扫楼道，垃圾堆了一周"),
    }
    body.update(extra)
    r = client.post("/api/cases", body, session=client.login(who))
    assert r.status == 201, r
    return r.body


def act(client, who, case, action, body=None, status=200):
    r = client.post(f"/api/cases/{case['id']}/{action}", body or {}, session=client.login(who))
    assert r.status == status, r
    return r.body


def get(client, who, case):
    r = client.get(f"/api/cases/{case['id']}", session=client.login(who))
    assert r.status == 200, r
    return r.body


def actions_of(view):
    return [e["action"] for e in view["history"]]


def parse(ts):
    return datetime.fromisoformat(ts)


# ---- registration --------------------------------------------------------------------------

def test_register_issues_a_readable_number_and_the_dispatch_clock(client):
    c = register(client)
    today = server_now(CST).strftime("%Y%m%d")
    assert re.fullmatch(today + r"-\d{5}", c["number"]), c["number"]
    assert c["state"] == "registered"
    assert c["request_type"] == "complaint" and c["urgency"] == "normal"
    assert c["channel"] == "phone"
    # normal dispatch limit is 2 hours
    reg, due = parse(c["registered_at"]), parse(c["deadlines"]["dispatch"])
    assert due - reg == timedelta(hours=2)
    assert c["caller"] == {"name": "张三", "phone": "13812345678"}  # the call-taker sees it
    d = register(client)
    assert int(d["number"][-5:]) == int(c["number"][-5:]) + 1


def test_urgent_category_gets_the_urgent_clock(client):
    c = register(client, category=LIFT)
    assert c["urgency"] == "urgent"
    assert parse(c["deadlines"]["dispatch"]) - parse(c["registered_at"]) == timedelta(minutes=30)


def test_register_validation(client):
    s = client.login("calltaker-wang")
    base = {"category_id": client.category_id(PROPERTY), "text": "x"}
    # a non-leaf category
    r = client.post("/api/cases", dict(base, category_id=client.category_id("01")), session=s)
    assert r.status == 422 and r.error["field"] == "category_id"
    # a street that is not in the district
    r = client.post("/api/cases", dict(base, district_id=client.unit_id("d-xishan"),
                                       street_id=client.unit_id("s-donghu-xinhua")), session=s)
    assert r.status == 422 and r.error["field"] == "street_id"
    r = client.post("/api/cases", dict(base, caller_phone="call me maybe"), session=s)
    assert r.status == 422 and r.error["field"] == "caller_phone"
    r = client.post("/api/cases", dict(base, lat=30.6), session=s)
    assert r.status == 422 and r.error["field"] == "lng"
    r = client.post("/api/cases", dict(base, channel="pigeon"), session=s)
    assert r.status == 422 and r.error["field"] == "channel"
    r = client.post("/api/cases", dict(base, text=""), session=s)
    assert r.status == 400 and r.error["field"] == "text"
    # the street gives the district
    r = client.post("/api/cases", dict(base, street_id=client.unit_id("s-donghu-xinhua")), session=s)
    assert r.status == 201 and r.body["district_id"] == client.unit_id("d-donghu")


def test_only_registrars_register(client):
    body = {"category_id": client.category_id(PROPERTY), "text": "x"}
    for who in ("dispatcher-zhang", "handler-donghu", "visitor-liu", "supervisor-chen", "admin"):
        r = client.post("/api/cases", body, session=client.login(who))
        assert r.status == 403, (who, r)
    assert client.post("/api/cases", body).status == 401


# ---- the main path -------------------------------------------------------------------------

def test_happy_path_register_to_close(client):
    c = register(client)
    donghu = client.unit_id("d-donghu")
    c = act(client, "dispatcher-zhang", c, "dispatch", {"unit_id": donghu, "note": "属地处理"})
    assert c["state"] == "dispatched" and c["unit_id"] == donghu
    assert c["deadlines"]["sign"] is not None and c["deadlines"]["return"] is not None
    c = act(client, "handler-donghu", c, "sign")
    assert c["state"] == "signed"
    # complaint: 13 working days to reply, ending at 24:00
    assert parse(c["deadlines"]["reply"]).strftime("%H:%M:%S") == "00:00:00"
    c = act(client, "handler-donghu", c, "progress", {"note": "已联系物业"})
    c = act(client, "handler-donghu", c, "reply", {"reply": "已督促物业清理楼道"})
    assert c["state"] == "replied" and c["reply_text"] == "已督促物业清理楼道"
    assert c["deadlines"]["visit"] is not None
    c = act(client, "visitor-liu", c, "visit",
            {"reachable": True, "solved": True, "satisfaction": "satisfied"})
    # a valid visit that finds it solved closes the request by itself
    assert c["state"] == "closed" and c["closed_as"] == "done"
    assert c["visit"] == {"attempts": 1, "valid": True, "solved": True, "satisfaction": "satisfied"}
    v = get(client, "dispatcher-zhang", c)
    assert actions_of(v) == ["register", "dispatch", "sign", "progress", "reply", "visit", "close"]
    assert v["history"][-1]["actor_role"] == "system"
    assert v["history"][1]["actor_name"] and v["history"][1]["unit_id"] == donghu
    assert v["allowed_actions"] == []


def test_unreachable_visit_then_close_by_dispatcher(client):
    c = register(client)
    c = act(client, "dispatcher-zhang", c, "dispatch", {"unit_id": client.unit_id("d-donghu")})
    c = act(client, "handler-donghu", c, "sign")
    c = act(client, "handler-donghu", c, "reply", {"reply": "已处理"})
    c = act(client, "visitor-liu", c, "visit", {"reachable": False})
    assert c["state"] == "visited" and c["visit"]["valid"] is False
    assert "visit" in c["allowed_actions"] or True  # the visitor may try again
    c = act(client, "visitor-liu", c, "visit",
            {"reachable": True, "solved": False, "satisfaction": "unsatisfied"})
    assert c["state"] == "visited" and c["visit"]["attempts"] == 2
    # a second visit after a valid one is not allowed
    r = client.post(f"/api/cases/{c['id']}/visit", {"reachable": False},
                    session=client.login("visitor-liu"))
    assert r.status == 409 and r.error["state"] == "visited"
    c = act(client, "dispatcher-zhang", c, "close", {"note": "居民诉求超出范围"})
    assert c["state"] == "closed"


def test_reopen_goes_back_to_the_same_unit(client):
    c = register(client)
    donghu = client.unit_id("d-donghu")
    c = act(client, "dispatcher-zhang", c, "dispatch", {"unit_id": donghu})
    c = act(client, "handler-donghu", c, "sign")
    c = act(client, "handler-donghu", c, "reply", {"reply": "已处理"})
    c = act(client, "visitor-liu", c, "visit",
            {"reachable": True, "solved": False, "satisfaction": "unsatisfied"})
    r = client.post(f"/api/cases/{c['id']}/reopen", {}, session=client.login("visitor-liu"))
    assert r.status == 400 and r.error["field"] == "reason"
    c = act(client, "visitor-liu", c, "reopen", {"reason": "楼道仍未清理"})
    assert c["state"] == "dispatched" and c["unit_id"] == donghu
    assert c["counts"]["reopen"] == 1 and c["visit"]["valid"] is False


# ---- side paths ------------------------------------------------------------------------------

def test_answer_directly_and_invalid(client):
    c = register(client, category="010105", text="业主委员会怎么成立？")
    c = act(client, "calltaker-wang", c, "answer", {"answer": "按《物业管理条例》…", "article_id": 12})
    assert c["state"] == "closed" and c["closed_as"] == "answered"
    v = get(client, "calltaker-wang", c)
    assert v["history"][-1]["extra"] == {"article_id": 12}
    d = register(client)
    r = client.post(f"/api/cases/{d['id']}/invalidate", {}, session=client.login("dispatcher-zhang"))
    assert r.status == 400 and r.error["code"] == "missing_field"
    d = act(client, "dispatcher-zhang", d, "invalidate", {"reason": "骚扰电话"})
    assert d["state"] == "closed" and d["closed_as"] == "invalid"


def test_merge_duplicates_follow_the_master(client):
    master = register(client)
    dup = register(client, caller_phone="13900001111", text="楼道垃圾没人清")
    dup = act(client, "dispatcher-zhang", dup, "merge", {"into": master["id"]})
    assert dup["state"] == "merged" and dup["merged_into"] == master["id"]
    # cannot merge into itself or into a merged/closed one
    other = register(client)
    r = client.post(f"/api/cases/{other['id']}/merge", {"into": dup["id"]},
                    session=client.login("dispatcher-zhang"))
    assert r.status == 422 and r.error["field"] == "into"
    r = client.post(f"/api/cases/{other['id']}/merge", {"into": other["id"]},
                    session=client.login("dispatcher-zhang"))
    assert r.status == 422
    master = act(client, "dispatcher-zhang", master, "dispatch", {"unit_id": client.unit_id("d-donghu")})
    master = act(client, "handler-donghu", master, "sign")
    master = act(client, "handler-donghu", master, "reply", {"reply": "已清理"})
    v = get(client, "calltaker-wang", dup)
    assert v["master"]["id"] == master["id"] and v["master"]["reply_text"] == "已清理"


def test_redispatch_down_the_tree_only(client):
    c = register(client)
    c = act(client, "dispatcher-zhang", c, "dispatch", {"unit_id": client.unit_id("d-donghu")})
    c = act(client, "handler-donghu", c, "sign")
    # not sideways, not up, not to itself
    for code in ("s-xishan-fenglin", "centre", "d-donghu"):
        r = client.post(f"/api/cases/{c['id']}/redispatch", {"unit_id": client.unit_id(code)},
                        session=client.login("handler-donghu"))
        assert r.status == 422 and r.error["field"] == "unit_id", (code, r)
    xinhua = client.unit_id("s-donghu-xinhua")
    c = act(client, "handler-donghu", c, "redispatch", {"unit_id": xinhua})
    assert c["state"] == "dispatched" and c["unit_id"] == xinhua and c["counts"]["redispatch"] == 1
    # the street signs and replies; the district still sees it (its subtree)
    c = act(client, "handler-xinhua", c, "sign")
    assert get(client, "handler-donghu", c)["state"] == "signed"
    c = act(client, "handler-xinhua", c, "reply", {"reply": "街道已处理"})
    assert c["state"] == "replied"


def test_return_approved_and_rejected(client):
    c = register(client)
    c = act(client, "dispatcher-zhang", c, "dispatch", {"unit_id": client.unit_id("d-donghu")})
    r = client.post(f"/api/cases/{c['id']}/request_return", {"reason": "不属我区"},
                    session=client.login("handler-donghu"))
    assert r.status == 400 and r.error["field"] == "basis"
    c = act(client, "handler-donghu", c, "request_return",
            {"reason": "地址属西山区", "basis": "行政区划"})
    assert c["state"] == "return_pending"
    c = act(client, "dispatcher-zhang", c, "reject_return", {"reason": "地址核实属东湖区"})
    assert c["state"] == "dispatched"
    c = act(client, "handler-donghu", c, "sign")
    c = act(client, "handler-donghu", c, "request_return", {"reason": "职能不符", "basis": "三定方案"})
    c = act(client, "dispatcher-zhang", c, "reject_return", {"reason": "属地管理"})
    assert c["state"] == "signed"
    c = act(client, "handler-donghu", c, "request_return", {"reason": "职能不符", "basis": "三定方案"})
    c = act(client, "dispatcher-zhang", c, "approve_return")
    assert c["state"] == "registered" and c["unit_id"] is None
    assert c["counts"]["return"] == 3
    assert c["deadlines"]["dispatch"] is not None
    # the unit that returned it can no longer see it: as if there were no such request
    r = client.get(f"/api/cases/{c['id']}", session=client.login("handler-donghu"))
    assert r.status == 404


def test_extension_request_and_review(client):
    c = register(client)
    c = act(client, "dispatcher-zhang", c, "dispatch", {"unit_id": client.unit_id("d-donghu")})
    c = act(client, "handler-donghu", c, "sign")
    due = parse(c["deadlines"]["reply"])
    earlier = (due - timedelta(days=1)).isoformat()
    r = client.post(f"/api/cases/{c['id']}/request_extension", {"until": earlier, "reason": "需协调"},
                    session=client.login("handler-donghu"))
    assert r.status == 422 and r.error["field"] == "until"
    later = (due + timedelta(days=7)).isoformat()
    c = act(client, "handler-donghu", c, "request_extension", {"until": later, "reason": "需施工"})
    assert c["extension_pending"] is True
    r = client.post(f"/api/cases/{c['id']}/request_extension", {"until": later, "reason": "again"},
                    session=client.login("handler-donghu"))
    assert r.status == 409
    c = act(client, "dispatcher-zhang", c, "reject_extension", {"reason": "理由不足"})
    assert c["extension_pending"] is False and parse(c["deadlines"]["reply"]) == due
    c = act(client, "handler-donghu", c, "request_extension", {"until": later, "reason": "需施工"})
    c = act(client, "dispatcher-zhang", c, "approve_extension")
    assert parse(c["deadlines"]["reply"]) == parse(later) and c["counts"]["extension"] == 1


def test_urge_and_supervise_are_counted(client):
    c = register(client)
    c = act(client, "dispatcher-zhang", c, "urge", {"note": "请尽快派单"})
    c = act(client, "supervisor-chen", c, "supervise", {"note": "督办"})
    c = act(client, "supervisor-chen", c, "urge")
    assert c["counts"]["urge"] == 2 and c["counts"]["supervise"] == 1
    r = client.post(f"/api/cases/{c['id']}/supervise", {}, session=client.login("dispatcher-zhang"))
    assert r.status == 403


def test_co_handling_units_see_and_note(client):
    c = register(client)
    c = act(client, "dispatcher-zhang", c, "dispatch",
            {"unit_id": client.unit_id("d-donghu"), "co_unit_ids": [client.unit_id("dept-housing")]})
    v = get(client, "handler-housing", c)
    assert v["co_unit_ids"] == [client.unit_id("dept-housing")]
    # the co-handling unit may note progress once signed, but not sign or reply
    act(client, "handler-housing", c, "sign", status=403)
    act(client, "handler-donghu", c, "sign")
    act(client, "handler-housing", c, "progress", {"note": "住建局已配合检查"})
    act(client, "handler-housing", c, "reply", {"reply": "x"}, status=403)


# ---- refusals: wrong state, wrong role, wrong unit --------------------------------------------

ALL_ACTIONS = ["answer", "invalidate", "merge", "dispatch", "redispatch", "sign", "request_return",
               "approve_return", "reject_return", "request_extension", "approve_extension",
               "reject_extension", "urge", "supervise", "progress", "reply", "visit", "reopen",
               "close"]


def test_wrong_state_answers_409_with_allowed_actions_and_changes_nothing(client):
    c = register(client)
    before = get(client, "dispatcher-zhang", c)
    for who, action, body in [("handler-donghu", "sign", {}),
                              ("dispatcher-zhang", "close", {}),
                              ("visitor-liu", "visit", {"reachable": False}),
                              ("dispatcher-zhang", "approve_return", {}),
                              ("visitor-liu", "reopen", {"reason": "x"})]:
        r = client.post(f"/api/cases/{c['id']}/{action}", body, session=client.login(who))
        if who == "handler-donghu":
            assert r.status == 404  # not its case yet: it cannot even see it
            continue
        assert r.status == 409, (action, r)
        assert r.error["code"] == "illegal_transition" and r.error["state"] == "registered"
        assert set(r.error["allowed_actions"]) <= {"answer", "invalidate", "merge", "dispatch",
                                                   "urge", "supervise"}
    after = get(client, "dispatcher-zhang", c)
    assert after["history"] == before["history"] and after["state"] == "registered"


def test_wrong_role_is_403_for_every_action(client):
    c = register(client)
    allowed = {
        "answer": {"calltaker"}, "invalidate": {"calltaker", "dispatcher"},
        "merge": {"calltaker", "dispatcher"}, "dispatch": {"dispatcher"},
        "redispatch": {"handler"}, "sign": {"handler"}, "request_return": {"handler"},
        "approve_return": {"dispatcher"}, "reject_return": {"dispatcher"},
        "request_extension": {"handler"}, "approve_extension": {"dispatcher"},
        "reject_extension": {"dispatcher"}, "urge": {"dispatcher", "supervisor"},
        "supervise": {"supervisor"}, "progress": {"handler"}, "reply": {"handler"},
        "visit": {"visitor"}, "reopen": {"visitor", "dispatcher"}, "close": {"dispatcher"},
    }
    users = {"calltaker": "calltaker-li", "dispatcher": "dispatcher-zhang",
             "handler": "handler-donghu", "visitor": "visitor-liu",
             "supervisor": "supervisor-chen", "admin": "admin"}
    for action in ALL_ACTIONS:
        for role, who in users.items():
            if role in allowed[action]:
                continue
            r = client.post(f"/api/cases/{c['id']}/{action}", {}, session=client.login(who))
            assert r.status == 403, (action, role, r)
    assert get(client, "dispatcher-zhang", c)["history"][-1]["action"] == "register"


def test_wrong_unit_is_403(client):
    c = register(client)
    c = act(client, "dispatcher-zhang", c, "dispatch", {"unit_id": client.unit_id("d-donghu")})
    for who in ("handler-xishan", "handler-water", "handler-xinhua"):
        r = client.post(f"/api/cases/{c['id']}/sign", {}, session=client.login(who))
        assert r.status == 404, (who, r)  # another unit's: as if there were none
        assert client.get(f"/api/cases/{c['id']}", session=client.login(who)).status == 404
    assert get(client, "dispatcher-zhang", c)["state"] == "dispatched"


def test_unknown_action_and_case(client):
    s = client.login("dispatcher-zhang")
    c = register(client)
    assert client.post(f"/api/cases/{c['id']}/explode", {}, session=s).status == 404
    assert client.post("/api/cases/99999999/urge", {}, session=s).status == 404
    r = client.post(f"/api/cases/{c['id']}/dispatch", {"unit_id": "east"}, session=s)
    assert r.status == 400 and r.error["code"] == "invalid_type"
    r = client.post(f"/api/cases/{c['id']}/dispatch", {"unit_id": client.unit_id("centre")}, session=s)
    assert r.status == 422


def test_an_action_name_that_cannot_be_decoded_is_404(client):
    # the handler once read an uninitialised action when the path parameter failed to decode
    s = client.login("dispatcher-zhang")
    c = register(client)
    for bad in ("%zz", "%FF%FE", "urge%00", "%"):
        r = client.post(f"/api/cases/{c['id']}/{bad}", {}, session=s)
        assert r.status == 404 and r.error["message"] == "no such action", (bad, r)
    assert get(client, "dispatcher-zhang", c)["history"][-1]["action"] == "register"


# ---- privacy ---------------------------------------------------------------------------------

def test_units_see_the_phone_masked_and_confidential_callers_not_at_all(client):
    c = register(client)
    k = register(client, confidential=True, caller_name="李四", caller_phone="13700001234")
    for x in (c, k):
        act(client, "dispatcher-zhang", x, "dispatch", {"unit_id": client.unit_id("d-donghu")})
    v = get(client, "handler-donghu", c)
    assert v["caller"]["phone"] == "138****5678" and v["caller"]["name"] == "张*"
    assert "13812345678" not in str(v)
    v = get(client, "handler-donghu", k)
    assert v["caller"] is None and "13700001234" not in str(v) and "李四" not in str(v)
    assert get(client, "visitor-liu", k)["caller"]["phone"] == "13700001234"
    assert get(client, "supervisor-chen", c)["caller"]["phone"] == "138****5678"


# ---- work lists and search -----------------------------------------------------------------------

def test_queues_per_role(client):
    c = register(client, district="d-nanjiang")
    nanjiang = client.unit_id("d-nanjiang")
    ids = lambda r: [x["id"] for x in r.body["items"]]
    r = client.get("/api/queues/to_dispatch?page_size=200", session=client.login("dispatcher-zhang"))
    assert r.status == 200 and c["id"] in ids(r)
    act(client, "dispatcher-zhang", c, "dispatch", {"unit_id": nanjiang})
    r = client.get("/api/queues/to_sign", session=client.login("handler-nanjiang"))
    assert c["id"] in ids(r)
    r = client.get("/api/queues/to_sign", session=client.login("handler-donghu"))
    assert c["id"] not in ids(r)
    act(client, "handler-nanjiang", c, "sign")
    r = client.get("/api/queues/in_hand", session=client.login("handler-nanjiang"))
    assert c["id"] in ids(r) and all(x["state"] == "signed" for x in r.body["items"])
    assert client.get("/api/queues/nonsense", session=client.login("dispatcher-zhang")).status == 404


def test_search_filters_and_chinese_full_text(client):
    s = client.login("calltaker-li")
    a = register(client, text="东湖区新华路路灯不亮已经一周了", category=STREETLIGHT)
    b = register(client, text="小区停水三天没人管", caller_phone="13600009999")
    ids = lambda r: [x["id"] for x in r.body["items"]]
    r = client.get("/api/cases?q=%E8%B7%AF%E7%81%AF", session=s)  # 路灯
    assert r.status == 200 and a["id"] in ids(r) and b["id"] not in ids(r)
    r = client.get("/api/cases?q=%E5%81%9C%E6%B0%B4", session=s)  # 停水
    assert b["id"] in ids(r) and a["id"] not in ids(r)
    # the call-taker's "has this caller called before"
    r = client.get("/api/cases?phone=136-0000-9999", session=s)
    assert ids(r) == [b["id"]] and r.body["total"] == 1
    r = client.get(f"/api/cases?number={a['number']}", session=s)
    assert ids(r) == [a["id"]]
    r = client.get(f"/api/cases?category={client.category_id('02')}&page_size=200", session=s)
    assert a["id"] in ids(r) and b["id"] not in ids(r)  # category subtree
    r = client.get("/api/cases?state=registered&urgency=normal&channel=phone&page_size=1", session=s)
    assert r.body["page_size"] == 1 and len(r.body["items"]) == 1 and r.body["total"] >= 2
    for bad in ("state=flying", "page=0", "unit=x", "from=yesterday", "sort=random"):
        assert client.get(f"/api/cases?{bad}", session=s).status == 400, bad
    # units may not look callers up by phone
    assert client.get("/api/cases?phone=13600009999", session=client.login("handler-donghu")).status == 403


def test_public_portal_files_and_tracks(client):
    r = client.post("/api/public/cases", {
        "caller_name": "王五", "caller_phone": "13511112222",
        "category_id": client.category_id(PROPERTY), "district_id": client.unit_id("d-donghu"),
        "text": "物业乱收费"})
    assert r.status == 201 and r.body["state"] == "registered"
    number = r.body["number"]
    r = client.get(f"/api/public/cases/{number}?phone=13511112222")
    assert r.status == 200 and r.body["number"] == number
    assert [h["action"] for h in r.body["history"]] == ["register"]
    assert "王五" not in str(r.body)
    assert client.get(f"/api/public/cases/{number}?phone=13500000000").status == 404
    assert client.get(f"/api/public/cases/{number}").status == 404


def test_the_case_row_is_the_fold_of_its_log(client, server):
    """Every case walked above: the stored row equals the fold of its events (hotline check)."""
    import subprocess
    from conftest import BIN
    out = subprocess.run([BIN, "check", "--db", str(server.db)], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    assert " 0 differ" in out.stdout, out.stdout


def test_calendar_amendment_moves_open_due_times_with_a_logged_event(client):
    c = register(client)
    c = act(client, "dispatcher-zhang", c, "dispatch", {"unit_id": client.unit_id("d-donghu")})
    c = act(client, "handler-donghu", c, "sign")
    due = parse(c["deadlines"]["reply"])
    # a workday strictly inside the reply window becomes a holiday
    admin = client.admin()
    year_days = client.get(f"/api/calendar?year={due.year}", session=admin).body["days"]
    listed = {d["date"] for d in year_days}
    day = parse(c["signed_at"]).date() + timedelta(days=2)
    while day.weekday() >= 5 or day.isoformat() in listed:
        day += timedelta(days=1)
    assert datetime(day.year, day.month, day.day, tzinfo=CST) < due
    r = client.put(f"/api/admin/calendar/{day.isoformat()}", {"kind": "off", "name": "测试假日"},
                   session=admin)
    assert r.status == 200 and r.body["recalculated_requests"] >= 1, r
    try:
        v = get(client, "dispatcher-zhang", c)
        moved = parse(v["deadlines"]["reply"])
        assert moved > due and moved.strftime("%H:%M:%S") == "00:00:00"
        last = v["history"][-1]
        assert last["action"] == "recalculate" and last["actor_role"] == "system"
        assert day.isoformat() in last["reason"] and "reply" in last["dues"]
    finally:
        r = client.delete(f"/api/admin/calendar/{day.isoformat()}", session=admin)
        assert r.status == 200, r
    v = get(client, "dispatcher-zhang", c)
    assert parse(v["deadlines"]["reply"]) == due
    assert [e["action"] for e in v["history"]][-2:] == ["recalculate", "recalculate"]


def test_portal_takes_no_urgency_and_needs_a_phone(client):
    base = {"caller_phone": "13511113333", "category_id": client.category_id(PROPERTY),
            "text": "物业乱收费"}
    for extra in ({"urgency": "urgent"}, {"channel": "phone"}, {"request_type": "report"}):
        r = client.post("/api/public/cases", dict(base, **extra))
        assert r.status == 400 and r.error["code"] == "unknown_field", (extra, r)
    r = client.post("/api/public/cases", {k: v for k, v in base.items() if k != "caller_phone"})
    assert r.status == 400 and r.error["field"] == "caller_phone"
    r = client.post("/api/public/cases", base)
    assert r.status == 201
    v = client.get(f"/api/cases?number={r.body['number']}", session=client.login("calltaker-wang"))
    assert v.body["items"][0]["channel"] == "web" and v.body["items"][0]["urgency"] == "normal"


def test_merged_caller_tracks_the_master_on_the_portal(client):
    master = register(client)
    r = client.post("/api/public/cases", {"caller_phone": "13522224444",
                                          "category_id": client.category_id(PROPERTY),
                                          "district_id": client.unit_id("d-donghu"),
                                          "text": "楼道垃圾没人清"})
    number = r.body["number"]
    dup = client.get(f"/api/cases/{number}", session=client.login("dispatcher-zhang")).body
    act(client, "dispatcher-zhang", dup, "merge", {"into": master["id"]})
    master = act(client, "dispatcher-zhang", master, "dispatch", {"unit_id": client.unit_id("d-donghu")})
    master = act(client, "handler-donghu", master, "sign")
    act(client, "handler-donghu", master, "reply", {"reply": "楼道已清理"})
    r = client.get(f"/api/public/cases/{number}?phone=13522224444")
    assert r.status == 200 and r.body["state"] == "replied" and r.body["reply_text"] == "楼道已清理"


def test_direct_answer_is_the_residents_reply_and_reopen_clears_the_old_one(client):
    c = register(client, category="010105", caller_phone="13533335555", text="业主委员会怎么成立？")
    c = act(client, "calltaker-wang", c, "answer", {"answer": "请向街道办事处申请"})
    assert c["reply_text"] == "请向街道办事处申请"
    r = client.get(f"/api/public/cases/{c['number']}?phone=13533335555")
    assert r.body["reply_text"] == "请向街道办事处申请"
    d = register(client)
    d = act(client, "dispatcher-zhang", d, "dispatch", {"unit_id": client.unit_id("d-donghu")})
    d = act(client, "handler-donghu", d, "sign")
    d = act(client, "handler-donghu", d, "reply", {"reply": "已处理"})
    d = act(client, "visitor-liu", d, "visit", {"reachable": True, "solved": False,
                                               "satisfaction": "unsatisfied"})
    d = act(client, "visitor-liu", d, "reopen", {"reason": "未解决"})
    assert d["reply_text"] is None
    assert d["deadlines"]["reply"] is None and d["deadlines"]["visit"] is None
    assert d["current_due"] == d["deadlines"]["sign"]


def test_unreachable_visit_keeps_the_visit_clock_running(client):
    c = register(client)
    c = act(client, "dispatcher-zhang", c, "dispatch", {"unit_id": client.unit_id("d-donghu")})
    c = act(client, "handler-donghu", c, "sign")
    c = act(client, "handler-donghu", c, "reply", {"reply": "已处理"})
    c = act(client, "visitor-liu", c, "visit", {"reachable": False})
    assert c["state"] == "visited" and c["current_due"] == c["deadlines"]["visit"]
    r = client.get("/api/queues/to_visit?page_size=200", session=client.login("visitor-liu"))
    assert c["id"] in [x["id"] for x in r.body["items"]]


def test_calendar_amendment_moves_the_visit_clock_after_an_unreachable_visit(client):
    c = register(client)
    c = act(client, "dispatcher-zhang", c, "dispatch", {"unit_id": client.unit_id("d-donghu")})
    c = act(client, "handler-donghu", c, "sign")
    c = act(client, "handler-donghu", c, "reply", {"reply": "已处理"})
    c = act(client, "visitor-liu", c, "visit", {"reachable": False})
    assert c["state"] == "visited"
    due = parse(c["deadlines"]["visit"])
    admin = client.admin()
    day = parse(c["replied_at"]).date() + timedelta(days=1)
    listed = {d["date"] for d in client.get(f"/api/calendar?year={day.year}", session=admin).body["days"]}
    while day.weekday() >= 5 or day.isoformat() in listed:
        day += timedelta(days=1)
    assert datetime(day.year, day.month, day.day, tzinfo=CST) < due
    r = client.put(f"/api/admin/calendar/{day.isoformat()}", {"kind": "off"}, session=admin)
    assert r.status == 200 and r.body["recalculated_requests"] >= 1, r
    try:
        v = get(client, "dispatcher-zhang", c)
        assert parse(v["deadlines"]["visit"]) > due and v["current_due"] == v["deadlines"]["visit"]
        assert v["history"][-1]["action"] == "recalculate" and "visit" in v["history"][-1]["dues"]
    finally:
        assert client.delete(f"/api/admin/calendar/{day.isoformat()}", session=admin).status == 200
    assert parse(get(client, "dispatcher-zhang", c)["deadlines"]["visit"]) == due


def test_approved_extension_survives_a_calendar_amendment(client):
    c = register(client)
    c = act(client, "dispatcher-zhang", c, "dispatch", {"unit_id": client.unit_id("d-donghu")})
    c = act(client, "handler-donghu", c, "sign")
    later = (parse(c["deadlines"]["reply"]) + timedelta(days=10)).isoformat()
    act(client, "handler-donghu", c, "request_extension", {"until": later, "reason": "施工"})
    c = act(client, "dispatcher-zhang", c, "approve_extension")
    admin = client.admin()
    day = parse(c["signed_at"]).date() + timedelta(days=3)
    listed = {d["date"] for d in client.get(f"/api/calendar?year={day.year}", session=admin).body["days"]}
    while day.weekday() >= 5 or day.isoformat() in listed:
        day += timedelta(days=1)
    assert client.put(f"/api/admin/calendar/{day.isoformat()}", {"kind": "off"}, session=admin).status == 200
    try:
        assert parse(get(client, "dispatcher-zhang", c)["deadlines"]["reply"]) == parse(later)
    finally:
        assert client.delete(f"/api/admin/calendar/{day.isoformat()}", session=admin).status == 200


def test_integrators_do_not_read_staff_views(client, admin):
    c = register(client)
    r = client.post("/api/admin/tokens", {"username": "integrator", "name": "read-test"}, session=admin)
    token = r.body["token"]
    assert client.get(f"/api/cases/{c['id']}", token=token).status == 403
    assert client.get("/api/cases", token=token).status == 403
