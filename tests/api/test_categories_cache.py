"""The category tree is cached by its catalogue version: an ETag, 304 when unchanged, and a
change made by the administrator is seen at once."""
from conftest import uniq


def test_etag_and_304(client, admin):
    s = client.login("calltaker-wang")
    r = client.get("/api/categories", session=s)
    assert r.status == 200 and r.headers["ETag"].startswith('"c')
    etag = r.headers["ETag"]
    r2 = client.get("/api/categories", session=s, headers={"If-None-Match": etag})
    assert r2.status == 304 and r2.raw == b""
    r3 = client.get("/api/categories", session=s)  # from the cache: the same bytes
    assert r3.status == 200 and r3.raw == r.raw and r3.headers["ETag"] == etag


def test_a_change_is_seen_at_once(client, admin):
    s = client.login("calltaker-wang")
    before = client.get("/api/categories", session=s)
    leaf = next(c for c in before.body["categories"] if c["level"] == 3)
    new_name = "测试名称" + uniq("")[-4:]
    r = client.patch(f"/api/admin/categories/{leaf['id']}", {"name_en": new_name}, session=admin)
    assert r.status == 200, r
    after = client.get("/api/categories", session=s, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status == 200 and after.headers["ETag"] != before.headers["ETag"]
    assert any(c["id"] == leaf["id"] and c["name_en"] == new_name for c in after.body["categories"])
    client.patch(f"/api/admin/categories/{leaf['id']}", {"name_en": leaf["name_en"]}, session=admin)
