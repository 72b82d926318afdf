"""Bad input of every kind: the status, the one error shape
{"error": {"code", "message"[, "field"]}}, nothing written, and the server still up."""
import json

import pytest

from conftest import Resp, assert_error, uniq

UNITS = "/api/admin/units"
MiB = 1 << 20


def unit_body(**over):
    body = {"code": uniq("e"), "name_zh": "错误测试", "name_en": "Error test", "kind": "department",
            "parent_id": 1}
    body.update(over)
    return body


def counts(client):
    return (len(client.units()), len(client.users()), len(client.categories()))


def raw_resp(status, headers, body):
    parsed = None
    if headers.get("content-type", "").startswith("application/json") and body:
        parsed = json.loads(body)
    return Resp(status, headers, parsed, body)


def post_raw(client, admin, data, ctype="application/json", path=UNITS):
    return client.request("POST", path, raw=data, session=admin,
                          headers={"Content-Type": ctype})


def nested(depth):
    """An object whose nesting is `depth` ({} is 1) under an unknown key."""
    inner = "1"
    for _ in range(depth - 1):
        inner = f"[{inner}]"
    return ('{"x":' + inner + "}").encode()


def head_for(client, admin, method, path, extra):
    return (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{client.port}\r\n"
            f"Cookie: hotline_session={admin.cookie}\r\nX-CSRF-Token: {admin.csrf}\r\n"
            f"Content-Type: application/json\r\nConnection: close\r\n{extra}\r\n").encode()


def oversize_with_length(client, admin):
    n = MiB + 1
    head = head_for(client, admin, "POST", UNITS, f"Content-Length: {n}\r\n")
    # the server refuses on the headers alone; the body may not even be read
    return raw_resp(*client.raw(head, then=[b"{" + b" " * (n - 1)]))


def oversize_chunked(client, admin):
    head = head_for(client, admin, "POST", UNITS, "Transfer-Encoding: chunked\r\n")
    piece = b" " * 65536
    chunks = [b"1\r\n{\r\n"] + [b"%x\r\n%s\r\n" % (len(piece), piece)] * 17 + [b"0\r\n\r\n"]
    return raw_resp(*client.raw(head + b"".join(chunks)))


# (id, request(client, admin) -> Resp, status, code, field, is a write)
CASES = [
    ("malformed_json", lambda c, a: post_raw(c, a, b'{"code": '), 400, "bad_json", None, True),
    ("trailing_garbage",
     lambda c, a: post_raw(c, a, json.dumps(unit_body()).encode() + b" {}"),
     400, "bad_json", None, True),
    ("array_at_top", lambda c, a: post_raw(c, a, b"[1, 2]"), 400, "not_object", None, True),
    ("string_at_top", lambda c, a: post_raw(c, a, b'"unit"'), 400, "not_object", None, True),
    ("null_at_top", lambda c, a: post_raw(c, a, b"null"), 400, "not_object", None, True),
    ("wrong_type", lambda c, a: c.post(UNITS, unit_body(name_zh=5), session=a),
     400, "invalid_type", "name_zh", True),
    ("real_for_int", lambda c, a: c.post(UNITS, unit_body(parent_id=1.5), session=a),
     400, "invalid_type", "parent_id", True),
    ("bool_for_string", lambda c, a: c.post(UNITS, unit_body(kind=True), session=a),
     400, "invalid_type", "kind", True),
    ("null_not_nullable", lambda c, a: c.post(UNITS, unit_body(code=None), session=a),
     400, "invalid_type", "code", True),
    ("unknown_field", lambda c, a: c.post(UNITS, unit_body(colour="red"), session=a),
     400, "unknown_field", "colour", True),
    ("missing_field",
     lambda c, a: c.post(UNITS, {k: v for k, v in unit_body().items() if k != "name_en"},
                         session=a),
     400, "missing_field", "name_en", True),
    ("string_too_long", lambda c, a: c.post(UNITS, unit_body(name_zh="长" * 101), session=a),
     400, "out_of_range", "name_zh", True),
    ("string_too_short", lambda c, a: c.post(UNITS, unit_body(code=""), session=a),
     400, "out_of_range", "code", True),
    ("int_out_of_range", lambda c, a: c.post(UNITS, unit_body(parent_id=0), session=a),
     400, "out_of_range", "parent_id", True),
    ("int_overflow",
     lambda c, a: post_raw(c, a, json.dumps(unit_body()).replace(
         '"parent_id": 1', '"parent_id": 123456789012345678901234567890').encode()),
     400, "bad_json", None, True),
    ("duplicate_keys",
     lambda c, a: post_raw(c, a, b'{"code":"dup-a","code":"dup-b","name_zh":"x","name_en":"x",'
                                 b'"kind":"department","parent_id":1}'),
     400, "bad_json", None, True),
    ("depth_17", lambda c, a: post_raw(c, a, nested(17)), 400, "too_deep", None, True),
    ("depth_10000", lambda c, a: post_raw(c, a, b"[" * 10000 + b"]" * 10000),
     400, "too_deep", None, True),
    # 16 levels pass the depth check and reach field validation
    ("depth_16_is_parsed", lambda c, a: post_raw(c, a, nested(16)),
     400, "missing_field", "code", True),
    ("empty_body_post", lambda c, a: post_raw(c, a, b""), 400, "bad_json", None, True),
    ("whitespace_body", lambda c, a: post_raw(c, a, b"   \n"), 400, "bad_json", None, True),
    ("invalid_utf8",
     lambda c, a: post_raw(c, a, json.dumps(unit_body(), ensure_ascii=False).encode().replace(
         "错误测试".encode(), b"\xff\xfe\xc3\x28")),
     400, "bad_json", None, True),
    ("nul_in_string",
     lambda c, a: post_raw(c, a, json.dumps(unit_body(name_en="a\u0000b")).encode()),
     400, "bad_json", None, True),
    ("wrong_content_type",
     lambda c, a: post_raw(c, a, json.dumps(unit_body()).encode(), ctype="text/plain"),
     415, "unsupported_media_type", None, True),
    ("form_content_type",
     lambda c, a: post_raw(c, a, b"code=x&kind=district",
                           ctype="application/x-www-form-urlencoded"),
     415, "unsupported_media_type", None, True),
    ("json_lookalike_type",
     lambda c, a: post_raw(c, a, json.dumps(unit_body()).encode(), ctype="application/jsonx"),
     415, "unsupported_media_type", None, True),
    ("no_content_type",
     lambda c, a: c.request("POST", UNITS, raw=json.dumps(unit_body()).encode(), session=a,
                            headers={"Content-Type": None}),
     415, "unsupported_media_type", None, True),
    ("oversize_with_content_length", oversize_with_length, 413, "body_too_large", None, True),
    ("oversize_chunked", oversize_chunked, 413, "body_too_large", None, True),
    ("unknown_path", lambda c, a: c.get("/api/no-such-thing", session=a),
     404, "not_found", None, False),
    ("unknown_api_root", lambda c, a: c.get("/api", session=a), 404, "not_found", None, False),
    ("unknown_path_post", lambda c, a: c.post("/api/admin/widgets", {"x": 1}, session=a),
     404, "not_found", None, True),
    ("wrong_method", lambda c, a: c.delete("/api/units", session=a),
     405, "method_not_allowed", None, True),
    ("wrong_method_admin", lambda c, a: c.put(UNITS, unit_body(), session=a),
     405, "method_not_allowed", None, True),
    ("options_not_routed", lambda c, a: c.request("OPTIONS", "/api/units", session=a),
     405, "method_not_allowed", None, False),
    ("bad_cookie",
     lambda c, a: c.post(UNITS, unit_body(),
                         headers={"Cookie": "hotline_session=" + "0" * 64,
                                  "X-CSRF-Token": a.csrf}),
     401, "unauthenticated", None, True),
    ("malformed_cookie",
     lambda c, a: c.get("/api/auth/me", headers={"Cookie": "hotline_session=../../x; a=b"}),
     401, "unauthenticated", None, False),
    ("logged_out_session", None, 401, "unauthenticated", None, True),
    ("bad_bearer",
     lambda c, a: c.post(UNITS, unit_body(), headers={"Authorization": "Bearer htk_" + "a" * 64}),
     401, "unauthenticated", None, True),
    ("bearer_wins_over_cookie",
     lambda c, a: c.post(UNITS, unit_body(), session=a,
                         headers={"Authorization": "Bearer htk_" + "b" * 64}),
     401, "unauthenticated", None, True),
    ("query_too_long", lambda c, a: c.get("/api/categories?q=" + "a" * 4100, session=a),
     414, "query_too_long", None, False),
    ("query_too_long_write",
     lambda c, a: c.post(UNITS + "?q=" + "a" * 4100, unit_body(), session=a),
     414, "query_too_long", None, True),
    ("bad_percent_encoding", lambda c, a: c.get("/api/categories?x=%zz", session=a),
     400, "bad_query", None, False),
    ("truncated_percent_encoding", lambda c, a: c.get("/api/calendar?year=20%2", session=a),
     400, "bad_query", None, False),
    ("non_numeric_id", lambda c, a: c.get("/api/units/abc", session=a),
     404, "not_found", None, False),
    ("negative_id", lambda c, a: c.get("/api/units/-1", session=a),
     404, "not_found", None, False),
    ("huge_id", lambda c, a: c.get("/api/units/99999999999999999999", session=a),
     404, "not_found", None, False),
    ("non_numeric_id_write",
     lambda c, a: c.patch("/api/admin/units/1x", {"name_en": "Hijacked"}, session=a),
     404, "not_found", None, True),
    ("non_numeric_user_id",
     lambda c, a: c.patch("/api/admin/users/abc", {"display_name": "x"}, session=a),
     404, "not_found", None, True),
    ("double_slash", lambda c, a: c.get("/api//units", session=a), 404, "not_found", None,
     False),
]


@pytest.mark.parametrize("name,fn,status,code,field,write", CASES, ids=[c[0] for c in CASES])
def test_bad_input(client, admin, name, fn, status, code, field, write):
    before = counts(client) if write else None
    if name == "logged_out_session":
        s = client.login("calltaker-wang", fresh=True)
        assert client.post("/api/auth/logout", session=s).status == 204
        r = client.get("/api/auth/me", session=s)
        assert_error(r, 401, "unauthenticated")
        r = client.post(UNITS, unit_body(), session=s)
    else:
        r = fn(client, admin)
    if code is None:
        assert r.status == status, r
    else:
        assert_error(r, status, code, field)
        if field is None:
            assert "field" not in r.body["error"], r
    if write:
        assert counts(client) == before
    # the dispatcher's checks do not leak anything
    assert b"$argon2" not in r.raw


def test_405_lists_allowed_methods(client, admin):
    r = client.delete("/api/units", session=admin)
    assert_error(r, 405, "method_not_allowed")
    assert r.headers["Allow"] == "GET"
    r = client.put("/api/admin/units", unit_body(), session=admin)
    assert r.status == 405 and r.headers["Allow"] == "POST"
    r = client.post("/api/admin/units/5", unit_body(), session=admin)
    assert r.status == 405 and r.headers["Allow"] == "PATCH"
    r = client.post("/api/admin/calendar/2027-01-04", {"kind": "off"}, session=admin)
    assert r.status == 405
    assert sorted(m.strip() for m in r.headers["Allow"].split(",")) == ["DELETE", "PUT"]
    r = client.delete("/api/admin/tokens", session=admin)
    assert r.status == 405
    assert sorted(m.strip() for m in r.headers["Allow"].split(",")) == ["GET", "POST"]


def test_error_message_names_the_field(client, admin):
    r = client.post(UNITS, unit_body(name_en=7), session=admin)
    err = assert_error(r, 400, "invalid_type", "name_en")
    assert "name_en" in err["message"]
    r = post_raw(client, admin, b'{"code": }')
    err = assert_error(r, 400, "bad_json")
    assert "line 1" in err["message"]


def test_header_40k_is_431(client):
    big = "a" * (40 * 1024)
    status, _, _ = client.raw(
        f"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: {big}\r\nConnection: close\r\n\r\n".encode())
    assert status == 431


def test_many_headers_over_limit_is_431(client):
    lines = "".join(f"X-H{i}: {'b' * 100}\r\n" for i in range(400))
    status, _, _ = client.raw(
        f"GET /healthz HTTP/1.1\r\nHost: x\r\n{lines}Connection: close\r\n\r\n".encode())
    assert status == 431


@pytest.mark.parametrize("path", [
    "/../../etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/%2E%2E/%2E%2E/etc/passwd",
    "/..%2f..%2fetc%2fpasswd",
    "/static/../../../../etc/passwd",
    "/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc/passwd",
    "/etc/passwd%00.html",
    "/%00",
])
def test_path_traversal(client, path):
    status, headers, body = client.raw(
        f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    assert status == 404, (path, status, body[:200])
    assert b"root:" not in body
    r = raw_resp(status, headers, body)
    assert_error(r, 404, "not_found")


def test_path_traversal_http_client(client):
    r = client.get("/../../etc/passwd")
    assert r.status == 404
    assert b"root:" not in r.raw


def test_content_type_with_charset_is_json(client, admin):
    before = len(client.units())
    r = post_raw(client, admin, json.dumps(unit_body()).encode(),
                 ctype="application/json; charset=utf-8")
    assert r.status == 201, r
    assert len(client.units()) == before + 1


def test_string_bounds_count_characters_not_bytes(client, admin):
    r = client.post(UNITS, unit_body(name_zh="长" * 100), session=admin)  # 300 bytes
    assert r.status == 201, r
    assert r.body["name_zh"] == "长" * 100


def test_body_just_under_the_limit_is_read(client, admin):
    """A body of almost 1 MiB is accepted by the server and judged by the handler."""
    body = json.dumps(unit_body(name_en="x" * (MiB - 200))).encode()
    assert len(body) < MiB
    before = counts(client)
    r = post_raw(client, admin, body)
    assert_error(r, 400, "out_of_range", "name_en")
    assert counts(client) == before


def test_server_still_alive(client, admin):
    r = client.get("/healthz")
    assert r.status == 200 and r.body["status"] == "ok"
    r = client.get("/api/auth/me", session=admin)
    assert r.status == 200 and r.body["user"]["username"] == "admin"


def test_head_is_get_without_the_body(client, admin):
    get = client.get("/api/units", session=admin)
    head = client.request("HEAD", "/api/units", session=admin)
    assert head.status == 200 and head.raw == b""
    assert head.headers["Content-Type"] == get.headers["Content-Type"]
    assert client.request("HEAD", "/api/units").status == 401  # the same checks as GET
