"""The city's UTC offset, which the web pages show and send every date in: the session answers
(login and GET /api/auth/me) and the resident portal's GET /api/public/catalog give it as
`utc_offset_min`, the same offset the server writes its times with."""
import re


def offset_of(iso):
    """Minutes east of UTC of a time as the API writes it ("2026-11-27T17:20:28+08:00")."""
    m = re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d([+-])(\d\d):(\d\d)", iso)
    assert m, iso
    return (1 if m[1] == "+" else -1) * (int(m[2]) * 60 + int(m[3]))


def test_login_and_me_give_the_offset_of_the_servers_times(client):
    r = client.login_raw("calltaker-wang")
    assert r.status == 200, r
    off = r.body["utc_offset_min"]
    assert isinstance(off, int) and off == offset_of(r.body["expires_at"])
    s = client.login("handler-xinhua")
    me = client.get("/api/auth/me", session=s)
    assert me.status == 200, me
    assert me.body["utc_offset_min"] == off
    # and a request's times carry the same offset
    c = client.post("/api/cases", {"category_id": client.category_id("010101"), "text": "楼道灯不亮"},
                    session=client.login("calltaker-wang"))
    assert c.status == 201, c
    assert offset_of(c.body["registered_at"]) == off


def test_public_catalog_gives_the_offset_without_a_login(client):
    r = client.get("/api/public/catalog")
    assert r.status == 200, r
    assert r.body["utc_offset_min"] == client.login_raw("admin").body["utc_offset_min"]
