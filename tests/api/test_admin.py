"""Every administrator resource end to end: units, categories, routing, calendar, time limits,
users. Each test makes its own objects (unique codes and usernames) on the shared demo DB."""
import json
from urllib.parse import quote

import pytest

from conftest import DATA, assert_error, uniq


# ---- helpers ---------------------------------------------------------------------------------

def mk_unit(client, admin, kind, parent_id, code=None, **extra):
    body = {"code": code or uniq(kind[:4]), "name_zh": f"测试{kind}", "name_en": f"Test {kind}",
            "kind": kind, "parent_id": parent_id, **extra}
    return client.post("/api/admin/units", body, session=admin)


def new_unit(client, admin, kind, parent_id, **extra):
    r = mk_unit(client, admin, kind, parent_id, **extra)
    assert r.status == 201, r
    return r.body


def mk_cat(client, admin, parent_id, request_type=None, urgency=None, code=None, **extra):
    body = {"code": code or uniq("c"), "name_zh": "测试类别", "name_en": "Test category",
            "parent_id": parent_id, **extra}
    if request_type is not None:
        body["request_type"] = request_type
    if urgency is not None:
        body["urgency"] = urgency
    return client.post("/api/admin/categories", body, session=admin)


def new_cat(client, admin, parent_id, request_type=None, urgency=None, **extra):
    r = mk_cat(client, admin, parent_id, request_type, urgency, **extra)
    assert r.status == 201, r
    return r.body


def new_tree(client, admin):
    """A fresh level-1 › level-2 › two leaves."""
    l1 = new_cat(client, admin, None)
    l2 = new_cat(client, admin, l1["id"])
    a = new_cat(client, admin, l2["id"], "complaint", "normal")
    b = new_cat(client, admin, l2["id"], "help", "urgent")
    return l1, l2, a, b


def new_user(client, admin, role="calltaker", unit_code="centre", password=None, **extra):
    username = uniq("u")
    body = {"username": username, "display_name": "测试用户", "role": role,
            "unit_id": client.unit_id(unit_code), "password": password or f"pw-{username}",
            **extra}
    r = client.post("/api/admin/users", body, session=admin)
    assert r.status == 201, r
    return r.body, body["password"]


def unit_count(client):
    return len(client.units())


# ---- units -----------------------------------------------------------------------------------

def test_unit_create_district_and_street(client, admin):
    centre = client.unit_id("centre")
    code = uniq("d")
    r = mk_unit(client, admin, "district", centre, code=code)
    assert r.status == 201, r
    d = r.body
    assert set(d) == {"id", "parent_id", "code", "name_zh", "name_en", "kind", "active"}
    assert (d["code"], d["kind"], d["parent_id"], d["active"]) == (code, "district", centre, True)
    assert d["name_zh"] == "测试district"
    s = new_unit(client, admin, "street", d["id"])
    assert s["parent_id"] == d["id"] and s["kind"] == "street"
    r = client.get(f"/api/units/{s['id']}", session=admin)
    assert r.status == 200 and r.body == s
    codes = {u["code"] for u in client.units()}
    assert {d["code"], s["code"]} <= codes


def test_unit_department_and_utility_nesting(client, admin):
    centre = client.unit_id("centre")
    dept = new_unit(client, admin, "department", centre)
    sub = new_unit(client, admin, "department", dept["id"])
    assert sub["parent_id"] == dept["id"]
    util = new_unit(client, admin, "utility", centre)
    branch = new_unit(client, admin, "utility", util["id"])
    assert branch["parent_id"] == util["id"]


@pytest.mark.parametrize("kind,parent", [
    ("street", "centre"),               # streets go under a district
    ("street", "dept-housing"),
    ("street", "s-donghu-xinhua"),
    ("district", "d-donghu"),           # districts go under the centre
    ("district", "dept-housing"),
    ("department", "d-donghu"),         # departments under the centre or a department
    ("department", "util-water"),
    ("utility", "dept-housing"),        # utilities under the centre or a utility
    ("utility", "d-xishan"),
    ("centre", "centre"),               # the centre is the root
    ("district", None),                 # only a centre may have no parent
    ("street", None),
])
def test_unit_kind_rules(client, admin, kind, parent):
    before = unit_count(client)
    r = mk_unit(client, admin, kind, client.unit_id(parent) if parent else None)
    assert_error(r, 422, "invalid_field", "parent_id")
    assert unit_count(client) == before


def test_unit_bad_kind_and_code(client, admin):
    centre = client.unit_id("centre")
    before = unit_count(client)
    assert_error(mk_unit(client, admin, "province", centre), 422, "invalid_field", "kind")
    assert_error(mk_unit(client, admin, "district", centre, code="has space"), 422,
                 "invalid_field", "code")
    assert_error(mk_unit(client, admin, "district", centre, code="中文"), 422, "invalid_field",
                 "code")
    assert_error(mk_unit(client, admin, "district", 999999), 422, "invalid_field", "parent_id")
    assert unit_count(client) == before


def test_unit_duplicate_code(client, admin):
    centre = client.unit_id("centre")
    before = unit_count(client)
    assert_error(mk_unit(client, admin, "district", centre, code="d-donghu"), 409, "conflict",
                 "code")
    d = new_unit(client, admin, "district", centre)
    assert_error(mk_unit(client, admin, "department", centre, code=d["code"]), 409, "conflict",
                 "code")
    assert unit_count(client) == before + 1


def test_second_centre_refused(client, admin):
    before = unit_count(client)
    assert_error(mk_unit(client, admin, "centre", None), 409, "conflict")
    assert unit_count(client) == before


def test_unit_patch_names(client, admin):
    d = new_unit(client, admin, "district", client.unit_id("centre"))
    r = client.patch(f"/api/admin/units/{d['id']}", {"name_zh": "新名字", "name_en": "New name"},
                     session=admin)
    assert r.status == 200, r
    assert r.body == {**d, "name_zh": "新名字", "name_en": "New name"}
    r = client.patch(f"/api/admin/units/{d['id']}", {"name_en": "Only English"}, session=admin)
    assert r.status == 200
    assert (r.body["name_zh"], r.body["name_en"]) == ("新名字", "Only English")
    assert client.get(f"/api/units/{d['id']}", session=admin).body == r.body


def test_unit_patch_unknown_and_immutable(client, admin):
    assert_error(client.patch("/api/admin/units/999999", {"name_en": "x"}, session=admin), 404,
                 "not_found")
    d = new_unit(client, admin, "district", client.unit_id("centre"))
    # code and kind cannot be changed
    assert_error(client.patch(f"/api/admin/units/{d['id']}", {"code": "x"}, session=admin), 400,
                 "unknown_field", "code")
    assert_error(client.patch(f"/api/admin/units/{d['id']}", {"kind": "street"}, session=admin),
                 400, "unknown_field", "kind")
    assert client.get(f"/api/units/{d['id']}", session=admin).body == d


def test_unit_move(client, admin):
    centre = client.unit_id("centre")
    d1 = new_unit(client, admin, "district", centre)
    d2 = new_unit(client, admin, "district", centre)
    s = new_unit(client, admin, "street", d1["id"])
    # a street moves to another district
    r = client.patch(f"/api/admin/units/{s['id']}", {"parent_id": d2["id"]}, session=admin)
    assert r.status == 200, r
    assert r.body["parent_id"] == d2["id"]
    # but not under the centre, a department or another street
    for bad in (centre, client.unit_id("dept-housing"), client.unit_id("s-donghu-xinhua")):
        r = client.patch(f"/api/admin/units/{s['id']}", {"parent_id": bad}, session=admin)
        assert_error(r, 422, "invalid_field", "parent_id")
    # a district cannot go under a district or lose its parent
    assert_error(client.patch(f"/api/admin/units/{d1['id']}", {"parent_id": d2["id"]},
                              session=admin), 422, "invalid_field", "parent_id")
    # null parent_id keeps the parent (nullable = absent)
    r = client.patch(f"/api/admin/units/{d1['id']}", {"parent_id": None}, session=admin)
    assert r.status == 200 and r.body["parent_id"] == centre
    # a missing parent
    assert_error(client.patch(f"/api/admin/units/{s['id']}", {"parent_id": 999999},
                              session=admin), 422, "invalid_field", "parent_id")
    assert client.get(f"/api/units/{s['id']}", session=admin).body["parent_id"] == d2["id"]


def test_unit_move_no_cycle(client, admin):
    centre = client.unit_id("centre")
    a = new_unit(client, admin, "department", centre)
    b = new_unit(client, admin, "department", a["id"])
    c = new_unit(client, admin, "department", b["id"])
    for target in (a["id"], b["id"], c["id"]):
        r = client.patch(f"/api/admin/units/{a['id']}", {"parent_id": target}, session=admin)
        assert_error(r, 422, "invalid_field", "parent_id")
    assert client.get(f"/api/units/{a['id']}", session=admin).body["parent_id"] == centre
    # a legal move inside departments
    r = client.patch(f"/api/admin/units/{c['id']}", {"parent_id": a["id"]}, session=admin)
    assert r.status == 200 and r.body["parent_id"] == a["id"]


def test_unit_deactivate_rules(client, admin):
    centre = client.unit_id("centre")
    d = new_unit(client, admin, "district", centre)
    s = new_unit(client, admin, "street", d["id"])
    # a unit with an active sub-unit stays active
    r = client.patch(f"/api/admin/units/{d['id']}", {"active": False}, session=admin)
    assert_error(r, 422, "invalid_field", "active")
    assert client.get(f"/api/units/{d['id']}", session=admin).body["active"] is True
    # a unit with an active user stays active
    u, _ = new_user(client, admin, "handler", s["code"])
    assert_error(client.patch(f"/api/admin/units/{s['id']}", {"active": False}, session=admin),
                 422, "invalid_field", "active")
    r = client.patch(f"/api/admin/users/{u['id']}", {"active": False}, session=admin)
    assert r.status == 200 and r.body["active"] is False
    # now the street, then the district
    r = client.patch(f"/api/admin/units/{s['id']}", {"active": False}, session=admin)
    assert r.status == 200 and r.body["active"] is False
    r = client.patch(f"/api/admin/units/{d['id']}", {"active": False}, session=admin)
    assert r.status == 200 and r.body["active"] is False
    # nothing new under an inactive unit; no user in it
    assert_error(mk_unit(client, admin, "street", d["id"]), 422, "invalid_field", "parent_id")
    r = client.post("/api/admin/users", {"username": uniq("u"), "display_name": "x",
                                         "role": "handler", "unit_id": s["id"],
                                         "password": "long-enough-pw"}, session=admin)
    assert_error(r, 422, "invalid_field", "unit_id")
    # reactivate
    r = client.patch(f"/api/admin/units/{d['id']}", {"active": True}, session=admin)
    assert r.status == 200 and r.body["active"] is True


def test_unit_create_inactive(client, admin):
    d = new_unit(client, admin, "district", client.unit_id("centre"), active=False)
    assert d["active"] is False


# ---- categories ------------------------------------------------------------------------------

def test_category_three_levels(client, admin):
    l1 = new_cat(client, admin, None, keywords="测试 类别")
    assert (l1["level"], l1["parent_id"], l1["keywords"]) == (1, None, "测试 类别")
    assert "request_type" not in l1 and "urgency" not in l1
    l2 = new_cat(client, admin, l1["id"])
    assert (l2["level"], l2["parent_id"]) == (2, l1["id"])
    assert "request_type" not in l2
    l3 = new_cat(client, admin, l2["id"], "report", "urgent")
    assert (l3["level"], l3["parent_id"]) == (3, l2["id"])
    assert (l3["request_type"], l3["urgency"]) == ("report", "urgent")
    r = client.get(f"/api/categories/{l3['id']}", session=client.login("calltaker-wang"))
    assert r.status == 200 and r.body == l3
    listed = {c["id"]: c for c in client.categories()}
    assert listed[l1["id"]] == l1 and listed[l2["id"]] == l2 and listed[l3["id"]] == l3


def test_category_leaf_needs_type_and_urgency(client, admin):
    l1, l2, _, _ = new_tree(client, admin)
    before = len(client.categories())
    assert_error(mk_cat(client, admin, l2["id"]), 422, "invalid_field", "request_type")
    assert_error(mk_cat(client, admin, l2["id"], "help"), 422, "invalid_field", "urgency")
    assert_error(mk_cat(client, admin, l2["id"], None, "normal"), 422, "invalid_field",
                 "request_type")
    assert_error(mk_cat(client, admin, l2["id"], "gossip", "normal"), 422, "invalid_field",
                 "request_type")
    assert_error(mk_cat(client, admin, l2["id"], "help", "asap"), 422, "invalid_field",
                 "urgency")
    assert len(client.categories()) == before


def test_category_non_leaf_must_not_have_type(client, admin):
    l1, l2, _, _ = new_tree(client, admin)
    before = len(client.categories())
    assert_error(mk_cat(client, admin, None, "help", "normal"), 422, "invalid_field",
                 "request_type")
    assert_error(mk_cat(client, admin, l1["id"], "help", "normal"), 422, "invalid_field",
                 "request_type")
    assert len(client.categories()) == before


def test_category_fourth_level_refused(client, admin):
    _, _, leaf, _ = new_tree(client, admin)
    before = len(client.categories())
    assert_error(mk_cat(client, admin, leaf["id"]), 422, "invalid_field")
    assert_error(mk_cat(client, admin, leaf["id"], "help", "normal"), 422, "invalid_field")
    # under a demo leaf too
    assert_error(mk_cat(client, admin, client.category_id("010101"), "help", "normal"), 422,
                 "invalid_field")
    assert len(client.categories()) == before


def test_category_duplicate_code_and_missing_parent(client, admin):
    before = len(client.categories())
    assert_error(mk_cat(client, admin, None, code="01"), 409, "conflict", "code")
    assert_error(mk_cat(client, admin, 999999), 422, "invalid_field", "parent_id")
    assert_error(mk_cat(client, admin, None, code="bad code"), 422, "invalid_field", "code")
    assert len(client.categories()) == before


def test_category_patch(client, admin):
    l1, l2, leaf, _ = new_tree(client, admin)
    r = client.patch(f"/api/admin/categories/{leaf['id']}",
                     {"urgency": "urgent", "request_type": "report", "name_en": "Renamed"},
                     session=admin)
    assert r.status == 200, r
    assert (r.body["urgency"], r.body["request_type"], r.body["name_en"]) == \
        ("urgent", "report", "Renamed")
    assert r.body["name_zh"] == leaf["name_zh"]
    # a non-leaf cannot get leaf fields
    r = client.patch(f"/api/admin/categories/{l2['id']}",
                     {"urgency": "urgent", "request_type": "report"}, session=admin)
    assert_error(r, 422, "invalid_field", "request_type")
    assert "urgency" not in client.get(f"/api/categories/{l2['id']}", session=admin).body
    # one without the other
    assert_error(client.patch(f"/api/admin/categories/{leaf['id']}", {"urgency": "normal"},
                              session=admin), 422, "invalid_field", "request_type")
    # deactivate
    r = client.patch(f"/api/admin/categories/{l1['id']}", {"active": False}, session=admin)
    assert r.status == 200 and r.body["active"] is False
    # nothing new under an inactive category
    assert_error(mk_cat(client, admin, l1["id"]), 422, "invalid_field", "parent_id")
    assert_error(client.patch("/api/admin/categories/999999", {"name_en": "x"}, session=admin),
                 404, "not_found")
    assert_error(client.get("/api/categories/999999", session=admin), 404, "not_found")


# ---- routing ---------------------------------------------------------------------------------

def put_rule(client, admin, category_id, unit_id, district_id=None):
    body = {"category_id": category_id, "unit_id": unit_id}
    if district_id is not None:
        body["district_id"] = district_id
    return client.put("/api/admin/routing", body, session=admin)


def resolve(client, category_id, district_id=None, session=None):
    q = f"category={category_id}" + (f"&district={district_id}" if district_id else "")
    return client.get(f"/api/routing/resolve?{q}", session=session or client.admin())


def resolved_unit(client, category_id, district_id=None):
    r = resolve(client, category_id, district_id)
    assert r.status == 200, r
    return r.body["unit"]["code"], r.body["rule_id"]


def test_routing_most_specific_wins(client, admin):
    l1, l2, leaf, sibling = new_tree(client, admin)
    uid = client.unit_id
    donghu, xishan = uid("d-donghu"), uid("d-xishan")
    # no rule at all
    assert_error(resolve(client, leaf["id"]), 404, "not_found")

    r = put_rule(client, admin, l1["id"], uid("dept-housing"))
    assert r.status == 200, r
    assert r.body["category_id"] == l1["id"] and r.body["district_id"] is None
    r1 = r.body["id"]
    assert resolved_unit(client, leaf["id"]) == ("dept-housing", r1)
    assert resolved_unit(client, leaf["id"], donghu) == ("dept-housing", r1)

    # the level-2 rule beats the level-1 rule
    r2 = put_rule(client, admin, l2["id"], uid("dept-urban")).body["id"]
    assert resolved_unit(client, leaf["id"]) == ("dept-urban", r2)
    assert resolved_unit(client, sibling["id"]) == ("dept-urban", r2)

    # a leaf rule beats its parent's
    r3 = put_rule(client, admin, leaf["id"], uid("dept-market")).body["id"]
    assert resolved_unit(client, leaf["id"]) == ("dept-market", r3)
    assert resolved_unit(client, sibling["id"]) == ("dept-urban", r2)

    # a district rule beats the citywide one at the same level
    r4 = put_rule(client, admin, leaf["id"], donghu, district_id=donghu).body["id"]
    assert resolved_unit(client, leaf["id"], donghu) == ("d-donghu", r4)
    assert resolved_unit(client, leaf["id"], xishan) == ("dept-market", r3)
    assert resolved_unit(client, leaf["id"]) == ("dept-market", r3)

    # a district rule on the parent does not beat a citywide rule on the leaf
    r5 = put_rule(client, admin, l2["id"], xishan, district_id=xishan).body["id"]
    assert resolved_unit(client, leaf["id"], xishan) == ("dept-market", r3)
    assert resolved_unit(client, sibling["id"], xishan) == ("d-xishan", r5)

    # PUT replaces the rule for the same (category, district)
    r = put_rule(client, admin, leaf["id"], uid("dept-hrss"))
    assert r.status == 200
    assert resolved_unit(client, leaf["id"])[0] == "dept-hrss"
    rules = client.get("/api/routing", session=admin).body["rules"]
    mine = [x for x in rules if x["category_id"] == leaf["id"] and x["district_id"] is None]
    assert len(mine) == 1 and mine[0]["unit_id"] == uid("dept-hrss")
    r3 = mine[0]["id"]

    # DELETE falls back to the parent's rule
    assert client.delete(f"/api/admin/routing/{r3}", session=admin).status == 204
    assert resolved_unit(client, leaf["id"]) == ("dept-urban", r2)
    assert resolved_unit(client, leaf["id"], donghu) == ("d-donghu", r4)
    assert_error(client.delete(f"/api/admin/routing/{r3}", session=admin), 404, "not_found")
    for rid in (r4, r5, r2, r1):
        assert client.delete(f"/api/admin/routing/{rid}", session=admin).status == 204
    assert_error(resolve(client, leaf["id"]), 404, "not_found")


def test_routing_demo_district_override(client):
    """Water supply goes to the water company, except in Jiangbei (its branch)."""
    leaf = client.category_id("090103")
    assert resolved_unit(client, leaf)[0] == "util-water"
    assert resolved_unit(client, leaf, client.unit_id("d-donghu"))[0] == "util-water"
    assert resolved_unit(client, leaf, client.unit_id("d-jiangbei"))[0] == "util-water-jiangbei"
    # an integrator may resolve too
    s = client.login("integrator")
    r = resolve(client, leaf, session=s)
    assert r.status == 200 and r.body["unit"]["code"] == "util-water"


def test_routing_put_refusals(client, admin):
    _, _, leaf, _ = new_tree(client, admin)
    uid = client.unit_id
    before = client.get("/api/routing", session=admin).body["rules"]
    for not_district in ("s-donghu-xinhua", "dept-housing", "centre", "util-water"):
        r = put_rule(client, admin, leaf["id"], uid("dept-housing"), district_id=uid(not_district))
        assert_error(r, 422, "invalid_field", "district_id")
    # the centre is never the responsible unit
    assert_error(put_rule(client, admin, leaf["id"], uid("centre")), 422, "invalid_field")
    assert_error(put_rule(client, admin, 999999, uid("dept-housing")), 422, "invalid_field",
                 "category_id")
    assert_error(put_rule(client, admin, leaf["id"], 999999), 422, "invalid_field")
    assert_error(put_rule(client, admin, leaf["id"], uid("dept-housing"), district_id=999999),
                 422, "invalid_field")
    r = client.put("/api/admin/routing", {"unit_id": uid("dept-housing")}, session=admin)
    assert_error(r, 400, "missing_field", "category_id")
    assert client.get("/api/routing", session=admin).body["rules"] == before
    assert_error(client.delete("/api/admin/routing/999999", session=admin), 404, "not_found")


def test_routing_resolve_bad_query(client, admin):
    assert_error(client.get("/api/routing/resolve", session=admin), 400, "missing_field",
                 "category")
    assert_error(client.get("/api/routing/resolve?category=abc", session=admin), 400,
                 "invalid_type", "category")
    assert_error(client.get("/api/routing/resolve?category=1&district=-3", session=admin), 400,
                 "invalid_type", "district")


# ---- calendar --------------------------------------------------------------------------------

def cal_days(client, year):
    r = client.get(f"/api/calendar?year={year}", session=client.admin())
    assert r.status == 200, r
    assert r.body["year"] == year
    return r.body["days"]


def due(client, frm, amount, unit="working_days", session=None):
    r = client.get(f"/api/calendar/due?from={quote(frm)}&amount={amount}&unit={unit}",
                   session=session or client.admin())
    assert r.status == 200, r
    assert (r.body["amount"], r.body["unit"]) == (amount, unit)
    return r.body["due"]


def cal_delete(client, admin, date):
    """DELETE an exception: the amendment answers 200 with how many open requests moved."""
    r = client.delete(f"/api/admin/calendar/{date}", session=admin)
    assert r.status == 200, r
    assert r.body["deleted"] is True
    assert isinstance(r.body["recalculated_requests"], int)
    assert r.body["recalculated_requests"] >= 0
    return r


def day_of(body):
    """The calendar day in a PUT answer, without the amendment's count."""
    assert isinstance(body.get("recalculated_requests"), int), body
    return {k: v for k, v in body.items() if k != "recalculated_requests"}


def test_calendar_2026(client):
    days = cal_days(client, 2026)
    off = [d for d in days if d["kind"] == "off"]
    work = [d for d in days if d["kind"] == "work"]
    assert (len(off), len(work)) == (33, 6)
    assert len(days) == 39
    assert [d["date"] for d in days] == sorted(d["date"] for d in days)
    assert all(d["date"].startswith("2026-") for d in days)
    assert {"date": "2026-01-01", "kind": "off", "name": "元旦"} in days
    assert {"date": "2026-01-04", "kind": "work", "name": "元旦调休上班"} in days
    src = json.loads((DATA / "calendar" / "cn-2026.json").read_text())["days"]
    assert sorted((d["date"], d["kind"], d["name"]) for d in src) == \
        [(d["date"], d["kind"], d["name"]) for d in days]


def test_calendar_list_bad_year(client, admin):
    assert_error(client.get("/api/calendar?year=abc", session=admin), 400, "invalid_type",
                 "year")
    assert_error(client.get("/api/calendar?year=1800", session=admin), 400, "invalid_type",
                 "year")


def test_calendar_due_across_national_day(client):
    # Mid-Autumn (Fri 25 Sep) then National Day: working days are 28, 29, 30 Sep, 8, 9 Oct
    s = client.login("calltaker-wang")
    assert due(client, "2026-09-25T10:00:00+08:00", 5, session=s) == "2026-10-10T00:00:00+08:00"
    assert due(client, "2026-09-25T10:00:00+08:00", 1) == "2026-09-29T00:00:00+08:00"
    # other units
    # natural days also start the next day and end at 24:00
    assert due(client, "2026-09-25T10:00:00+08:00", 3, "natural_days") == \
        "2026-09-29T00:00:00+08:00"
    assert due(client, "2026-09-25T10:00:00+08:00", 24, "hours") == \
        "2026-09-26T10:00:00+08:00"
    assert due(client, "2026-09-25T10:00:00+08:00", 90, "minutes") == \
        "2026-09-25T11:30:00+08:00"


def test_calendar_holiday_put_moves_due_and_delete_restores(client, admin):
    # 2027 has no exceptions loaded: Mon 7 June 2027 + 1 working day = end of Tue 8 June
    frm = "2027-06-07T10:00:00+08:00"
    assert due(client, frm, 1) == "2027-06-09T00:00:00+08:00"
    assert cal_days(client, 2027) == []
    r = client.put("/api/admin/calendar/2027-06-08", {"kind": "off", "name": "测试假日"},
                   session=admin)
    assert r.status == 200, r
    assert day_of(r.body) == {"date": "2027-06-08", "kind": "off", "name": "测试假日"}
    try:
        assert cal_days(client, 2027) == [day_of(r.body)]
        assert due(client, frm, 1) == "2027-06-10T00:00:00+08:00"
        # PUT again replaces
        r = client.put("/api/admin/calendar/2027-06-08", {"kind": "off"}, session=admin)
        assert r.status == 200 and r.body["name"] == ""
        assert len(cal_days(client, 2027)) == 1
    finally:
        cal_delete(client, admin, "2027-06-08")
    assert cal_days(client, 2027) == []
    assert due(client, frm, 1) == "2027-06-09T00:00:00+08:00"
    assert_error(client.delete("/api/admin/calendar/2027-06-08", session=admin), 404,
                 "not_found")


def test_calendar_makeup_workday(client, admin):
    # Fri 11 June 2027 + 1 working day = end of Mon 14 June; with Sat 12 June worked: end of 12
    frm = "2027-06-11T10:00:00+08:00"
    assert due(client, frm, 1) == "2027-06-15T00:00:00+08:00"
    r = client.put("/api/admin/calendar/2027-06-12", {"kind": "work", "name": "调休"},
                   session=admin)
    assert r.status == 200, r
    try:
        assert due(client, frm, 1) == "2027-06-13T00:00:00+08:00"
    finally:
        cal_delete(client, admin, "2027-06-12")
    assert due(client, frm, 1) == "2027-06-15T00:00:00+08:00"


def test_calendar_put_refusals(client, admin):
    before = cal_days(client, 2027)
    # a make-up workday on a weekday (Wed 9 June 2027)
    r = client.put("/api/admin/calendar/2027-06-09", {"kind": "work"}, session=admin)
    assert_error(r, 422, "invalid_field", "kind")
    r = client.put("/api/admin/calendar/2027-06-09", {"kind": "holiday"}, session=admin)
    assert_error(r, 422, "invalid_field", "kind")
    for bad in ("2027-13-01", "2027-02-30", "tomorrow", "2027-6-9"):
        r = client.put(f"/api/admin/calendar/{bad}", {"kind": "off"}, session=admin)
        assert_error(r, 400, "invalid_field", "date")
    r = client.put("/api/admin/calendar/2027-06-09", {"name": "x"}, session=admin)
    assert_error(r, 400, "missing_field", "kind")
    assert cal_days(client, 2027) == before


@pytest.mark.parametrize("query,field", [
    ("amount=1&unit=working_days", "from"),
    ("from=yesterday&amount=1&unit=working_days", "from"),
    ("from=2026-03-02T09:00:00%2B08:00&unit=working_days", "amount"),
    ("from=2026-03-02T09:00:00%2B08:00&amount=0&unit=working_days", "amount"),
    ("from=2026-03-02T09:00:00%2B08:00&amount=x&unit=working_days", "amount"),
    ("from=2026-03-02T09:00:00%2B08:00&amount=1&unit=weeks", "unit"),
    ("from=2026-03-02T09:00:00%2B08:00&amount=1", "unit"),
])
def test_calendar_due_bad_query(client, admin, query, field):
    r = client.get(f"/api/calendar/due?{query}", session=admin)
    assert_error(r, 400, "invalid_field", field)


def test_calendar_due_amount_too_large_for_unit(client, admin):
    r = client.get("/api/calendar/due?from=2026-03-02T09:00:00%2B08:00&amount=9000&unit=hours",
                   session=admin)
    assert_error(r, 400, "out_of_range", "amount")


# ---- time limits -----------------------------------------------------------------------------

def tl_resolve(client, stage, urgency, request_type, category=None, session=None):
    q = f"stage={stage}&urgency={urgency}&request_type={request_type}"
    if category is not None:
        q += f"&category={category}"
    r = client.get(f"/api/time-limits/resolve?{q}", session=session or client.admin())
    assert r.status == 200, r
    return (r.body["amount"], r.body["unit"])


def test_time_limits_list_has_demo_defaults(client, admin):
    r = client.get("/api/time-limits", session=admin)
    assert r.status == 200
    got = {(t["stage"], t["urgency"], t["request_type"], t["category_id"], t["amount"], t["unit"])
           for t in r.body["time_limits"]}
    src = json.loads((DATA / "demo" / "time_limits.json").read_text())
    want = set()
    for t in src:
        cat = client.category_id(t["category"]) if t["category"] else None
        want.add((t["stage"], t["urgency"], t["request_type"], cat, t["amount"], t["unit"]))
    assert len(want) == 19
    assert want <= got
    assert ("reply", "normal", "complaint", None, 13, "working_days") in got
    assert ("dispatch", "urgent", None, None, 30, "minutes") in got


@pytest.mark.parametrize("stage,urgency,rtype,want", [
    ("reply", "normal", "complaint", (13, "working_days")),
    ("reply", "normal", "report", (13, "working_days")),
    ("reply", "normal", "consultation", (3, "working_days")),
    ("reply", "normal", "help", (5, "working_days")),
    ("reply", "urgent", "complaint", (24, "hours")),
    ("dispatch", "urgent", "help", (30, "minutes")),
    ("dispatch", "normal", "help", (2, "hours")),
    ("sign", "normal", "help", (1, "working_days")),
    ("visit", "normal", "praise", (2, "working_days")),
])
def test_time_limit_resolve_defaults(client, stage, urgency, rtype, want):
    assert tl_resolve(client, stage, urgency, rtype,
                      session=client.login("integrator")) == want


def test_time_limit_category_override_wins(client):
    wages = client.category_id("050101")   # unpaid wages: 5 working days
    water = client.category_id("090101")   # water outage: 24 hours
    assert tl_resolve(client, "reply", "normal", "complaint", wages) == (5, "working_days")
    assert tl_resolve(client, "reply", "normal", "help", water) == (24, "hours")
    # the override is for reply/normal only
    assert tl_resolve(client, "reply", "urgent", "complaint", wages) == (24, "hours")
    assert tl_resolve(client, "visit", "normal", "complaint", wages) == (2, "working_days")
    # a category without an override
    assert tl_resolve(client, "reply", "normal", "complaint",
                      client.category_id("050102")) == (13, "working_days")


def test_time_limit_put_and_delete(client, admin):
    l1, l2, leaf, sibling = new_tree(client, admin)
    base = tl_resolve(client, "visit", "normal", "complaint", leaf["id"])
    assert base == (2, "working_days")
    # on the parent: applies to both leaves (nearest ancestor)
    r = client.put("/api/admin/time-limits",
                   {"stage": "visit", "urgency": "normal", "category_id": l2["id"],
                    "amount": 7, "unit": "natural_days"}, session=admin)
    assert r.status == 200, r
    parent_rule = r.body
    assert parent_rule["category_id"] == l2["id"] and parent_rule["request_type"] is None
    assert tl_resolve(client, "visit", "normal", "complaint", leaf["id"]) == (7, "natural_days")
    assert tl_resolve(client, "visit", "normal", "complaint", sibling["id"]) == (7, "natural_days")
    # on the leaf: beats the parent
    r = client.put("/api/admin/time-limits",
                   {"stage": "visit", "urgency": "normal", "category_id": leaf["id"],
                    "request_type": None, "amount": 36, "unit": "hours"}, session=admin)
    assert r.status == 200, r
    assert r.body["category_id"] == leaf["id"] and r.body["unit"] == "hours"
    assert tl_resolve(client, "visit", "normal", "complaint", leaf["id"]) == (36, "hours")
    assert tl_resolve(client, "visit", "normal", "complaint", sibling["id"]) == (7, "natural_days")
    # PUT the same key replaces
    r = client.put("/api/admin/time-limits",
                   {"stage": "visit", "urgency": "normal", "category_id": leaf["id"],
                    "amount": 48, "unit": "hours"}, session=admin)
    assert r.status == 200
    assert tl_resolve(client, "visit", "normal", "complaint", leaf["id"]) == (48, "hours")
    listed = [t for t in client.get("/api/time-limits", session=admin).body["time_limits"]
              if t["category_id"] == leaf["id"]]
    assert len(listed) == 1 and listed[0]["amount"] == 48
    # DELETE restores
    assert client.delete(f"/api/admin/time-limits/{listed[0]['id']}",
                         session=admin).status == 204
    assert tl_resolve(client, "visit", "normal", "complaint", leaf["id"]) == (7, "natural_days")
    assert client.delete(f"/api/admin/time-limits/{parent_rule['id']}",
                         session=admin).status == 204
    assert tl_resolve(client, "visit", "normal", "complaint", leaf["id"]) == base
    assert_error(client.delete(f"/api/admin/time-limits/{parent_rule['id']}", session=admin),
                 404, "not_found")


def test_time_limit_by_request_type(client, admin):
    """A new (stage, urgency, type) policy; deleting it falls back to the default."""
    assert tl_resolve(client, "sign", "normal", "praise") == (1, "working_days")
    r = client.put("/api/admin/time-limits",
                   {"stage": "sign", "urgency": "normal", "request_type": "praise",
                    "amount": 3, "unit": "working_days"}, session=admin)
    assert r.status == 200, r
    try:
        assert r.body["request_type"] == "praise" and r.body["category_id"] is None
        assert tl_resolve(client, "sign", "normal", "praise") == (3, "working_days")
        assert tl_resolve(client, "sign", "normal", "help") == (1, "working_days")
    finally:
        assert client.delete(f"/api/admin/time-limits/{r.body['id']}", session=admin).status == 204
    assert tl_resolve(client, "sign", "normal", "praise") == (1, "working_days")


@pytest.mark.parametrize("patch,status,code,field", [
    ({"stage": "lunch"}, 422, "invalid_field", "stage"),
    ({"urgency": "whenever"}, 422, "invalid_field", "urgency"),
    ({"request_type": "gossip"}, 422, "invalid_field", "request_type"),
    ({"unit": "weeks"}, 422, "invalid_field", "unit"),
    ({"unit": "hours", "amount": 9000}, 422, "invalid_field", "amount"),
    ({"amount": 0}, 400, "out_of_range", "amount"),
    ({"amount": "3"}, 400, "invalid_type", "amount"),
    ({"category_id": 999999}, 422, "invalid_field", "category_id"),
])
def test_time_limit_put_refusals(client, admin, patch, status, code, field):
    before = client.get("/api/time-limits", session=admin).body
    body = {"stage": "reply", "urgency": "normal", "request_type": "complaint", "amount": 4,
            "unit": "working_days", **patch}
    assert_error(client.put("/api/admin/time-limits", body, session=admin), status, code, field)
    assert client.get("/api/time-limits", session=admin).body == before
    assert tl_resolve(client, "reply", "normal", "complaint") == (13, "working_days")


@pytest.mark.parametrize("query,code,field", [
    ("urgency=normal&request_type=help", "invalid_field", "stage"),
    ("stage=nap&urgency=normal&request_type=help", "invalid_field", "stage"),
    ("stage=reply&request_type=help", "invalid_field", "urgency"),
    ("stage=reply&urgency=normal", "invalid_field", "request_type"),
    ("stage=reply&urgency=normal&request_type=help&category=x", "invalid_type", "category"),
])
def test_time_limit_resolve_bad_query(client, admin, query, code, field):
    assert_error(client.get(f"/api/time-limits/resolve?{query}", session=admin), 400, code,
                 field)


# ---- users -----------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["calltaker", "dispatcher", "handler", "visitor", "supervisor",
                                  "admin", "integrator"])
def test_user_create_each_role(client, admin, role):
    unit = "d-nanjiang" if role == "handler" else "centre"
    u, pw = new_user(client, admin, role, unit)
    assert set(u) == {"id", "username", "display_name", "role", "unit_id", "active", "unit"}
    assert (u["role"], u["unit"]["code"], u["active"]) == (role, unit, True)
    assert u["unit_id"] == client.unit_id(unit)
    r = client.get(f"/api/admin/users/{u['id']}", session=admin)
    assert r.status == 200 and r.body == u
    s = client.login(u["username"], pw)
    assert s.user["role"] == role
    assert client.get("/api/auth/me", session=s).body["user"]["id"] == u["id"]


def test_user_duplicate_username(client, admin):
    u, _ = new_user(client, admin)
    before = len(client.users())
    body = {"username": u["username"], "display_name": "重名", "role": "visitor",
            "unit_id": client.unit_id("centre"), "password": "another-password"}
    assert_error(client.post("/api/admin/users", body, session=admin), 409, "conflict",
                 "username")
    body["username"] = "admin"
    assert_error(client.post("/api/admin/users", body, session=admin), 409, "conflict",
                 "username")
    assert len(client.users()) == before


@pytest.mark.parametrize("patch,status,code,field", [
    ({"password": "short7!"}, 422, "invalid_field", "password"),
    ({"password": "x" * 129}, 400, "out_of_range", "password"),
    ({"role": "mayor"}, 422, "invalid_field", "role"),
    ({"role": "Admin"}, 422, "invalid_field", "role"),
    ({"unit_id": 999999}, 422, "invalid_field", "unit_id"),
    ({"unit_id": None}, 400, "invalid_type", "unit_id"),
    ({"username": "Upper-Case"}, 422, "invalid_field", "username"),
    ({"username": "has space"}, 422, "invalid_field", "username"),
    ({"username": "x"}, 400, "out_of_range", "username"),
    ({"display_name": ""}, 400, "out_of_range", "display_name"),
    ({"password_hash": "$argon2id$..."}, 400, "unknown_field", "password_hash"),
])
def test_user_create_refusals(client, admin, patch, status, code, field):
    before = len(client.users())
    body = {"username": uniq("u"), "display_name": "测试", "role": "calltaker",
            "unit_id": client.unit_id("centre"), "password": "long-enough-pw", **patch}
    assert_error(client.post("/api/admin/users", body, session=admin), status, code, field)
    assert len(client.users()) == before


def test_user_create_missing_unit(client, admin):
    body = {"username": uniq("u"), "display_name": "测试", "role": "calltaker",
            "password": "long-enough-pw"}
    assert_error(client.post("/api/admin/users", body, session=admin), 400, "missing_field",
                 "unit_id")


def test_user_password_change_ends_sessions(client, admin):
    u, old = new_user(client, admin, "dispatcher")
    s1 = client.login(u["username"], old)
    s2 = client.login(u["username"], old)
    assert client.get("/api/auth/me", session=s1).status == 200
    r = client.patch(f"/api/admin/users/{u['id']}", {"password": "brand-new-password"},
                     session=admin)
    assert r.status == 200, r
    assert r.body == u
    for s in (s1, s2):
        assert_error(client.get("/api/auth/me", session=s), 401, "unauthenticated")
    assert_error(client.login_raw(u["username"], old), 401, "bad_credentials")
    s3 = client.login(u["username"], "brand-new-password")
    assert client.get("/api/auth/me", session=s3).status == 200
    # the administrator's own session is untouched
    assert client.get("/api/auth/me", session=admin).status == 200


def test_user_role_change_ends_sessions(client, admin):
    u, pw = new_user(client, admin, "calltaker")
    s = client.login(u["username"], pw)
    r = client.patch(f"/api/admin/users/{u['id']}", {"role": "visitor"}, session=admin)
    assert r.status == 200 and r.body["role"] == "visitor"
    assert_error(client.get("/api/auth/me", session=s), 401, "unauthenticated")
    s = client.login(u["username"], pw)
    assert s.user["role"] == "visitor"


def test_user_patch_unit_and_name(client, admin):
    u, pw = new_user(client, admin, "handler", "d-gaoxin")
    r = client.patch(f"/api/admin/users/{u['id']}",
                     {"display_name": "新名字", "unit_id": client.unit_id("d-beicheng")},
                     session=admin)
    assert r.status == 200, r
    assert (r.body["display_name"], r.body["unit"]["code"]) == ("新名字", "d-beicheng")
    assert_error(client.patch(f"/api/admin/users/{u['id']}", {"unit_id": 999999}, session=admin),
                 422, "invalid_field", "unit_id")
    assert_error(client.patch(f"/api/admin/users/{u['id']}", {"role": "king"}, session=admin),
                 422, "invalid_field", "role")
    assert_error(client.patch(f"/api/admin/users/{u['id']}", {"password": "short"},
                              session=admin), 422, "invalid_field", "password")
    assert_error(client.patch(f"/api/admin/users/{u['id']}", {"username": "renamed"},
                              session=admin), 400, "unknown_field", "username")
    assert client.get(f"/api/admin/users/{u['id']}", session=admin).body == r.body
    assert_error(client.patch("/api/admin/users/999999", {"display_name": "x"}, session=admin),
                 404, "not_found")
    assert_error(client.get("/api/admin/users/999999", session=admin), 404, "not_found")


def test_user_deactivate(client, admin):
    u, pw = new_user(client, admin, "integrator")
    s = client.login(u["username"], pw)
    r = client.post("/api/admin/tokens", {"username": u["username"], "name": "soon revoked"},
                    session=admin)
    assert r.status == 201
    tok = r.body["token"]
    assert client.get("/api/auth/me", token=tok).status == 200
    r = client.patch(f"/api/admin/users/{u['id']}", {"active": False}, session=admin)
    assert r.status == 200 and r.body["active"] is False
    assert_error(client.login_raw(u["username"], pw), 401, "bad_credentials")
    assert_error(client.get("/api/auth/me", session=s), 401, "unauthenticated")
    assert_error(client.get("/api/auth/me", token=tok), 401, "unauthenticated")
    # reactivated: the password works again, the token stays revoked
    r = client.patch(f"/api/admin/users/{u['id']}", {"active": True}, session=admin)
    assert r.status == 200 and r.body["active"] is True
    assert client.login_raw(u["username"], pw).status == 200
    assert_error(client.get("/api/auth/me", token=tok), 401, "unauthenticated")


def test_admin_cannot_deactivate_self(client):
    u, pw = new_user(client, client.admin(), "admin")
    s = client.login(u["username"], pw)
    r = client.patch(f"/api/admin/users/{u['id']}", {"active": False}, session=s)
    assert_error(r, 422, "invalid_field", "active")
    assert client.get("/api/auth/me", session=s).status == 200


def test_users_list(client, admin):
    r = client.get("/api/admin/users", session=admin)
    assert r.status == 200
    names = [u["username"] for u in r.body["users"]]
    assert names == sorted(names)
    assert {"admin", "integrator", "handler-donghu", "calltaker-wang"} <= set(names)
