"""Duplicate requests: hints in the registration response (same address, nearby, similar text;
not across districts, not when far apart), the dispatcher's list for one request and its
one-click merge, hot clusters of three or more callers (GET /api/clusters) and the "cluster"
event on the live stream when one reaches three."""
import random

from conftest import assert_error
from test_alerts import wait_for
from test_events import open_stream

STREETLIGHT = "020101"  # 路灯不亮: one spot, 150 m
NOISE = "030201"        # 噪音扰民: 500 m
PROPERTY = "010101"


def street():
    """An address no other test uses."""
    return f"测试大道{random.randint(10000, 99999)}号"


def register(client, text, category=STREETLIGHT, district="d-jiangbei", who="calltaker-wang", **extra):
    body = {"category_id": client.category_id(category), "district_id": client.unit_id(district),
            "text": text}
    body.update(extra)
    r = client.post("/api/cases", body, session=client.login(who))
    assert r.status == 201, r
    return r.body


def hint_ids(case):
    return [h["id"] for h in case["duplicate_hints"]]


def test_hints_at_registration(client):
    addr = street()
    a = register(client, f"{addr}门口的路灯不亮了，晚上很黑", address=addr)
    b = register(client, "门口路灯坏了好几天，一到晚上就很黑", address=addr)
    assert a["id"] in hint_ids(b)
    h = next(h for h in b["duplicate_hints"] if h["id"] == a["id"])
    assert h["number"] == a["number"] and h["state"] == "registered"
    assert 0.5 <= h["score"] <= 1
    assert {"same_address", "same_category", "same_district"} <= set(h["reasons"])
    assert set(h) == {"id", "number", "score", "state", "reasons"}  # nothing personal
    c = register(client, "路灯不亮，晚上很黑，请修", address=addr)
    assert {a["id"], b["id"]} <= set(hint_ids(c))
    scores = [x["score"] for x in c["duplicate_hints"]]
    assert scores == sorted(scores, reverse=True) and len(scores) <= 5
    # another problem at another address, or the same words in another district: no hint
    d = register(client, "楼下饭店油烟很大", category="030101", address=street())
    assert not {a["id"], b["id"], c["id"]} & set(hint_ids(d))
    e = register(client, f"{addr}门口的路灯不亮了，晚上很黑", district="d-gaoxin",
                 address=f"高新{addr}")
    assert not {a["id"], b["id"], c["id"]} & set(hint_ids(e))
    # the resident's portal answer carries no hints
    r = client.post("/api/public/cases", {"category_id": client.category_id(STREETLIGHT),
                                          "caller_phone": "13612340000", "address": addr,
                                          "text": "路灯不亮"})
    assert r.status == 201 and "duplicate_hints" not in r.body


def test_nearby_by_location(client):
    lat, lng = 30.75 + random.random() / 100, 114.30 + random.random() / 100
    a = register(client, "这里的路灯不亮", address=street(), lat=lat, lng=lng)
    near = register(client, "路灯不亮了", address=street(), lat=lat + 0.0003, lng=lng)  # ~33 m
    far = register(client, "路灯不亮了", address=street(), lat=lat + 0.01, lng=lng)  # ~1.1 km
    assert a["id"] in hint_ids(near)
    h = next(h for h in near["duplicate_hints"] if h["id"] == a["id"])
    assert "nearby" in h["reasons"]
    assert a["id"] not in hint_ids(far) and near["id"] not in hint_ids(far)
    # noise carries further (500 m)
    n1 = register(client, "广场舞音响太吵了", category=NOISE, lat=lat, lng=lng)
    n2 = register(client, "广场舞音响太吵", category=NOISE, lat=lat + 0.003, lng=lng)  # ~330 m
    assert n1["id"] in hint_ids(n2)


def test_dispatcher_list_and_one_click_merge(client):
    addr = street()
    a = register(client, "路灯不亮，漆黑一片", address=addr)
    b = register(client, "路灯坏了，漆黑一片", address=addr)
    disp = client.login("dispatcher-zhang")
    r = client.get(f"/api/cases/{b['id']}/duplicates", session=disp)
    assert r.status == 200, r
    assert r.body["id"] == b["id"] and r.body["number"] == b["number"]
    top = r.body["duplicates"][0]
    assert top["id"] == a["id"] and top["address"] == addr and top["title"] == ""
    assert top["category_name"] == "路灯不亮" and top["score"] >= 0.5
    # by number, for the call-taker too
    assert client.get(f"/api/cases/{b['number']}/duplicates",
                      session=client.login("calltaker-li")).status == 200
    # one click: merge the new one into the hint
    r = client.post(f"/api/cases/{b['id']}/merge", {"into": top["id"]}, session=disp)
    assert r.status == 200 and r.body["state"] == "merged", r
    # a merged request is no longer offered
    r = client.get(f"/api/cases/{a['id']}/duplicates", session=disp)
    assert b["id"] not in [d["id"] for d in r.body["duplicates"]]
    for who in ("handler-jiangbei", "visitor-liu", "integrator"):
        assert_error(client.get(f"/api/cases/{a['id']}/duplicates", session=client.login(who)), 403,
                     "forbidden")
    assert_error(client.get("/api/cases/999999/duplicates", session=disp), 404, "not_found")


def test_three_callers_make_a_hot_cluster(client):
    sup, disp = client.login("supervisor-chen"), client.login("dispatcher-zhang")
    addr = street()
    with open_stream(client, sup) as ss:
        ids = [register(client, text, address=addr)["id"] for text in
               ("路灯不亮，路口很黑", "路口路灯不亮了", "路灯不亮，路口太黑了")]
        got = wait_for(ss, lambda t, d: t == "cluster" and d["kind"] == "similar"
                       and set(ids) <= {m["id"] for m in d["members"]})
        assert got is not None, "no cluster event within 2 s"
        _, ev = got
        assert ev["size"] >= 3 and ev["category_name"] == "路灯不亮"
        assert ev["district_id"] == client.unit_id("d-jiangbei")
    r = client.get("/api/clusters", session=sup)
    assert r.status == 200, r
    mine = [c for c in r.body["clusters"] if set(ids) <= {m["id"] for m in c["members"]}]
    assert len(mine) == 1 and mine[0]["kind"] == "similar" and mine[0]["hot"] is True
    assert mine[0]["master"] is None and mine[0]["size"] == len(mine[0]["members"]) >= 3
    # merged: a master with two requests merged into it
    addr2 = street()
    m = register(client, "小区门口路灯全坏了", address=addr2)
    d1 = register(client, "门口路灯坏了", address=addr2)
    d2 = register(client, "小区门口的路灯坏了", address=addr2)
    with open_stream(client, sup) as ss:
        for d in (d1, d2):
            r = client.post(f"/api/cases/{d['id']}/merge", {"into": m["id"]}, session=disp)
            assert r.status == 200, r
        got = wait_for(ss, lambda t, d: t == "cluster" and d["kind"] == "merged"
                       and d["master_id"] == m["id"])
        assert got is not None, "no merged-cluster event within 2 s"
        assert got[1]["size"] == 3 and got[1]["master_number"] == m["number"]
    r = client.get("/api/clusters?days=1", session=client.login("visitor-liu"))
    assert r.status == 200
    c = next(c for c in r.body["clusters"] if c["master"] and c["master"]["id"] == m["id"])
    assert c["kind"] == "merged" and c["size"] == 3
    assert [x["id"] for x in c["members"]] == [m["id"], d1["id"], d2["id"]]
    sizes = [x["size"] for x in r.body["clusters"]]
    assert sizes == sorted(sizes, reverse=True)
    assert_error(client.get("/api/clusters", session=client.login("handler-jiangbei")), 403, "forbidden")
    assert_error(client.get("/api/clusters?days=0", session=sup), 400, "invalid_field", "days")


def test_a_pair_is_not_hot(client):
    sup = client.login("supervisor-chen")
    addr = street()
    with open_stream(client, sup) as ss:
        ids = [register(client, t, category=PROPERTY, address=addr)["id"]
               for t in ("物业不管楼道卫生", "物业不打扫楼道卫生")]
        got = wait_for(ss, lambda t, d: t == "cluster"
                       and set(ids) & {m["id"] for m in d.get("members", [])}, timeout=1.0)
        assert got is None
    r = client.get("/api/clusters", session=sup)
    assert not any(set(ids) & {m["id"] for m in c["members"]} for c in r.body["clusters"])
