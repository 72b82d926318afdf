"""Idempotent registration (issue 15): a client that sends a registration again with the same
`Idempotency-Key` — after a 503, or a lost answer whose commit did happen, as across a database
failover — gets the request it already made (200, same id and number) and never a second one.
On POST /api/cases, the resident portal and Open311 POST; a key belongs to its registrar; a
malformed key is refused 400 and writes nothing. Runs on the shared server's backend (SQLite,
or PostgreSQL with HOTLINE_TEST_BACKEND=postgres)."""
import random
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import assert_error

PROPERTY = "010101"  # a leaf category


def phone():
    """A phone number nobody else's test uses: the requests filed from it are this test's."""
    return "139" + "".join(random.choice("0123456789") for _ in range(8))


def body(client, caller_phone, text="楼道灯不亮，重试登记"):
    return {"caller_phone": caller_phone, "caller_name": "重试", "text": text,
            "category_id": client.category_id(PROPERTY)}


def filed_from(client, caller_phone):
    r = client.get(f"/api/cases?phone={caller_phone}", session=client.login("dispatcher-zhang"))
    assert r.status == 200, r
    return r.body["total"]


def test_a_retry_returns_the_first_request(client):
    s, p, key = client.login("calltaker-wang"), phone(), str(uuid.uuid4())
    first = client.post("/api/cases", body(client, p), session=s, headers={"Idempotency-Key": key})
    assert first.status == 201, first
    # the same key again, even with another text: the request already made, nothing new
    for text in ("楼道灯不亮，重试登记", "另一段文字"):
        again = client.post("/api/cases", body(client, p, text), session=s,
                            headers={"Idempotency-Key": key})
        assert again.status == 200, again
        assert (again.body["id"], again.body["number"]) == (first.body["id"], first.body["number"])
        assert again.body["text"] == first.body["text"]
    assert filed_from(client, p) == 1
    # another key (or none) is another request
    other = client.post("/api/cases", body(client, p), session=s,
                        headers={"Idempotency-Key": str(uuid.uuid4())})
    assert other.status == 201 and other.body["id"] != first.body["id"], other
    plain = client.post("/api/cases", body(client, p), session=s)
    assert plain.status == 201 and plain.body["id"] not in (first.body["id"], other.body["id"])
    assert filed_from(client, p) == 3


def test_a_key_belongs_to_its_registrar(client):
    p, key = phone(), str(uuid.uuid4())
    a = client.post("/api/cases", body(client, p), session=client.login("calltaker-wang"),
                    headers={"Idempotency-Key": key})
    b = client.post("/api/cases", body(client, p), session=client.login("calltaker-li"),
                    headers={"Idempotency-Key": key})
    assert (a.status, b.status) == (201, 201), (a, b)
    assert a.body["id"] != b.body["id"]
    assert filed_from(client, p) == 2


@pytest.mark.parametrize("key", ["", "x" * 101, "has space", "tab\there", "非ASCII"])
def test_a_malformed_key_is_refused_and_writes_nothing(client, key):
    p = phone()
    r = client.post("/api/cases", body(client, p), session=client.login("calltaker-wang"),
                    headers={"Idempotency-Key": key.encode().decode("latin-1")})
    assert_error(r, 400, "invalid_field", "Idempotency-Key")
    assert filed_from(client, p) == 0


def test_the_same_key_at_once_makes_one_request(client):
    """Eight copies of one registration sent together: one 201, seven 200, one request."""
    s, p, key = client.login("calltaker-wang"), phone(), str(uuid.uuid4())
    b = body(client, p)

    def send(_):
        return client.post("/api/cases", b, session=s, headers={"Idempotency-Key": key})

    with ThreadPoolExecutor(max_workers=8) as ex:
        got = list(ex.map(send, range(8)))
    assert sorted(r.status for r in got) == [200] * 7 + [201], got
    assert len({r.body["number"] for r in got}) == 1
    assert filed_from(client, p) == 1


def test_portal_and_open311_take_the_key(client, admin):
    p, key = phone(), str(uuid.uuid4())
    b = {"category_id": client.category_id(PROPERTY), "caller_phone": p, "text": "门户重试登记"}
    first = client.post("/api/public/cases", b, headers={"Idempotency-Key": key})
    again = client.post("/api/public/cases", b, headers={"Idempotency-Key": key})
    assert (first.status, again.status) == (201, 200), (first, again)
    assert again.body["number"] == first.body["number"]
    assert filed_from(client, p) == 1

    r = client.post("/api/admin/tokens", {"username": "integrator", "name": "idempotency"},
                    session=admin)
    assert r.status == 201, r
    form = urllib.parse.urlencode({
        "api_key": r.body["token"], "service_code": PROPERTY, "lat": "30.55", "long": "114.15",
        "phone": p, "description": "Open311 重试登记"}).encode()
    hdrs = {"Content-Type": "application/x-www-form-urlencoded", "Idempotency-Key": key}
    o1 = client.request("POST", "/open311/v2/requests.json", raw=form, headers=hdrs)
    o2 = client.request("POST", "/open311/v2/requests.json", raw=form, headers=hdrs)
    assert (o1.status, o2.status) == (201, 200), (o1, o2)
    assert o1.body[0]["service_request_id"] == o2.body[0]["service_request_id"]
    assert filed_from(client, p) == 2  # the portal's and the integrator's: keys are per registrar
    bad = client.request("POST", "/open311/v2/requests.json", raw=form,
                         headers=dict(hdrs, **{"Idempotency-Key": "a b"}))
    assert bad.status == 400 and "Idempotency-Key" in bad.body[0]["description"], bad
    assert filed_from(client, p) == 2
