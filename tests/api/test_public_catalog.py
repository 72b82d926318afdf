"""The resident portal's catalogue: GET /api/public/catalog, without a login, lists the active
categories and the active districts with their active streets from the store, so an
administrator's change shows at once, and says nothing about other units."""
from conftest import uniq


def test_catalog_without_login(client):
    r = client.get("/api/public/catalog")
    assert r.status == 200, r
    cats, districts = r.body["categories"], r.body["districts"]
    staff = client.get("/api/categories", session=client.login("calltaker-wang")).body["categories"]
    assert {c["id"] for c in cats} == {c["id"] for c in staff if c["active"]}
    leaf = next(c for c in cats if c["level"] == 3)
    assert {"request_type", "urgency", "name_zh", "name_en", "parent_id"} <= set(leaf)
    units = client.units()
    kinds = {u["id"]: u["kind"] for u in units}
    assert districts and all(kinds[d["id"]] == "district" for d in districts)
    assert sorted(d["id"] for d in districts) == sorted(u["id"] for u in units
                                                        if u["kind"] == "district" and u["active"])
    by_id = {u["id"]: u for u in units}
    for d in districts:  # other tests add districts of their own, some without streets
        assert set(d) == {"id", "code", "name_zh", "name_en", "streets"}
        assert all(kinds[s["id"]] == "street" and by_id[s["id"]]["parent_id"] == d["id"]
                   and by_id[s["id"]]["active"] for s in d["streets"])
        assert sorted(s["id"] for s in d["streets"]) == sorted(
            u["id"] for u in units if u["kind"] == "street" and u["parent_id"] == d["id"] and u["active"])
    assert all(d["streets"] for d in districts if d["code"] == "d-donghu")


def test_admin_changes_show_at_once(client, admin):
    code = uniq("pcat")[:30]  # not "s-": other tests count the demo streets by that prefix
    district = client.get("/api/public/catalog").body["districts"][0]
    r = client.post("/api/admin/units", {"code": code, "name_zh": "测试街道", "name_en": "Test street",
                                         "kind": "street", "parent_id": district["id"]}, session=admin)
    assert r.status == 201, r
    street = r.body["id"]
    streets = lambda: [s["id"] for d in client.get("/api/public/catalog").body["districts"]
                       for s in d["streets"]]
    assert street in streets()
    assert client.patch(f"/api/admin/units/{street}", {"active": False}, session=admin).status == 200
    assert street not in streets()
    leaf = next(c for c in client.get("/api/public/catalog").body["categories"] if c["level"] == 3)
    assert client.patch(f"/api/admin/categories/{leaf['id']}", {"active": False},
                        session=admin).status == 200
    assert leaf["id"] not in [c["id"] for c in client.get("/api/public/catalog").body["categories"]]
    client.patch(f"/api/admin/categories/{leaf['id']}", {"active": True}, session=admin)
