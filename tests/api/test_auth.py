"""Login, logout, the current user, cookies, CSRF and API tokens."""
import re

import pytest

from conftest import DEMO_USERS, assert_error, uniq

HEX64 = re.compile(r"^[0-9a-f]{64}$")


@pytest.mark.parametrize("username", sorted(DEMO_USERS))
def test_login_each_demo_user(client, username):
    role, unit_code = DEMO_USERS[username]
    r = client.login_raw(username)
    assert r.status == 200, r
    assert set(r.body) == {"user", "csrf_token", "expires_at", "utc_offset_min"}
    user = r.body["user"]
    assert user["username"] == username
    assert user["role"] == role
    assert user["active"] is True
    assert user["unit"]["code"] == unit_code
    assert user["unit_id"] == user["unit"]["id"]
    assert re.fullmatch(r"[0-9a-f]{32}", r.body["csrf_token"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", r.body["expires_at"])
    assert "password_hash" not in user and "password" not in user


@pytest.mark.parametrize("username", ["admin", "handler-xinhua", "integrator"])
def test_me_with_cookie(client, username):
    s = client.login(username)
    r = client.get("/api/auth/me", session=s)
    assert r.status == 200, r
    assert r.body["user"]["username"] == username
    assert r.body["user"]["role"] == DEMO_USERS[username][0]
    assert r.body["user"]["unit"]["code"] == DEMO_USERS[username][1]
    assert r.body["csrf_token"] == s.csrf


def test_me_without_cookie(client):
    assert_error(client.get("/api/auth/me"), 401, "unauthenticated")


def test_wrong_password(client):
    r = client.login_raw("admin", "demo-admin-wrong")
    assert_error(r, 401, "bad_credentials")
    assert r.headers.get("Set-Cookie") is None


def test_unknown_user(client):
    r = client.login_raw("nobody-at-all", "demo-nobody-at-all")
    assert_error(r, 401, "bad_credentials")
    assert r.headers.get("Set-Cookie") is None


def test_password_is_case_sensitive(client):
    assert_error(client.login_raw("admin", "DEMO-ADMIN"), 401, "bad_credentials")


def test_logout_ends_the_session(client):
    s = client.login("calltaker-li", fresh=True)
    assert client.get("/api/auth/me", session=s).status == 200
    r = client.post("/api/auth/logout", session=s)
    assert r.status == 204, r
    assert r.raw == b""
    sc = r.headers.get("Set-Cookie")
    assert sc is not None and sc.startswith("hotline_session=;") and "Max-Age=0" in sc
    assert_error(client.get("/api/auth/me", session=s), 401, "unauthenticated")
    # other sessions of the same user are untouched
    other = client.login("calltaker-li")
    assert client.get("/api/auth/me", session=other).status == 200


def test_logout_needs_csrf(client):
    s = client.login("calltaker-li", fresh=True)
    assert_error(client.post("/api/auth/logout", session=s, csrf=False), 403, "csrf")
    assert client.get("/api/auth/me", session=s).status == 200


def test_cookie_attributes(client):
    r = client.login_raw("visitor-liu")
    assert r.status == 200
    cookies = r.headers.get_all("Set-Cookie")
    assert len(cookies) == 1
    parts = [p.strip() for p in cookies[0].split(";")]
    name, _, value = parts[0].partition("=")
    assert name == "hotline_session"
    assert HEX64.match(value), value
    attrs = {p.split("=", 1)[0].lower(): (p.split("=", 1)[1] if "=" in p else True)
             for p in parts[1:]}
    assert attrs.get("httponly") is True
    assert attrs.get("samesite") == "Strict"
    assert attrs.get("path") == "/"
    assert attrs.get("max-age") == str(10 * 3600)  # the default 10-hour session
    assert "secure" not in attrs  # plain HTTP in tests; --secure-cookies not given
    assert "Cache-Control" in r.headers and r.headers["Cache-Control"] == "no-store"


def test_two_logins_get_different_sessions(client):
    a = client.login("supervisor-chen", fresh=True)
    b = client.login("supervisor-chen", fresh=True)
    assert a.cookie != b.cookie
    assert a.csrf != b.csrf
    # a CSRF token belongs to its session
    r = client.request("POST", "/api/auth/logout", session=a,
                       headers={"X-CSRF-Token": b.csrf})
    assert_error(r, 403, "csrf")


def test_no_password_hash_in_any_response(client, admin):
    uid = client.user_id("admin")
    bodies = [
        client.login_raw("admin").raw,
        client.get("/api/auth/me", session=admin).raw,
        client.get("/api/admin/users", session=admin).raw,
        client.get(f"/api/admin/users/{uid}", session=admin).raw,
        client.get(f"/api/units/{client.unit_id('centre')}/users", session=admin).raw,
        client.get("/api/admin/tokens", session=admin).raw,
    ]
    for raw in bodies:
        text = raw.decode()
        assert "$argon2" not in text
        assert "password" not in text


# ---- API tokens ------------------------------------------------------------------------------

def _create_token(client, admin, username="integrator", name=None):
    r = client.post("/api/admin/tokens", {"username": username, "name": name or uniq("tok")},
                    session=admin)
    assert r.status == 201, r
    return r.body


def test_token_lifecycle(client, admin):
    name = uniq("open311")
    t = _create_token(client, admin, name=name)
    secret = t["token"]
    assert re.fullmatch(r"htk_[0-9a-f]{64}", secret)
    assert t["username"] == "integrator"
    assert t["name"] == name
    assert t["prefix"] == secret[:12]
    assert t["revoked_at"] is None and t["last_used_at"] is None
    assert isinstance(t["id"], int)

    # works as a bearer token
    r = client.get("/api/auth/me", token=secret)
    assert r.status == 200, r
    assert r.body["user"]["username"] == "integrator"
    assert r.body["user"]["role"] == "integrator"
    assert "csrf_token" not in r.body
    assert client.get("/api/categories", token=secret).status == 200
    # the integrator's role still applies
    assert_error(client.get("/api/routing", token=secret), 403, "forbidden")

    # listed without the secret
    r = client.get("/api/admin/tokens", session=admin)
    assert r.status == 200
    mine = [x for x in r.body["tokens"] if x["id"] == t["id"]]
    assert len(mine) == 1
    assert mine[0]["name"] == name and mine[0]["prefix"] == secret[:12]
    assert mine[0]["last_used_at"] is not None  # it has just authenticated requests
    assert "token" not in mine[0]
    assert secret not in r.raw.decode()
    assert secret[4:] not in r.raw.decode()

    # revoked
    r = client.delete(f"/api/admin/tokens/{t['id']}", session=admin)
    assert r.status == 204, r
    assert_error(client.get("/api/auth/me", token=secret), 401, "unauthenticated")
    r = client.get("/api/admin/tokens", session=admin)
    mine = [x for x in r.body["tokens"] if x["id"] == t["id"]]
    assert mine and mine[0]["revoked_at"] is not None
    # revoking again: no live token
    assert_error(client.delete(f"/api/admin/tokens/{t['id']}", session=admin), 404, "not_found")


def test_token_for_unknown_user(client, admin):
    r = client.post("/api/admin/tokens", {"username": "no-such-user-x", "name": "x"},
                    session=admin)
    assert_error(r, 422, "invalid_field", "username")


def test_token_for_inactive_account_names_the_username(client, admin):
    name = uniq("inactive-integrator")
    r = client.post("/api/admin/users", {"username": name, "display_name": "x", "role": "integrator",
                                         "unit_id": client.unit_id("centre"),
                                         "password": "long-enough-pw"}, session=admin)
    assert r.status == 201, r
    assert client.patch(f"/api/admin/users/{r.body['id']}", {"active": False},
                        session=admin).status == 200
    r = client.post("/api/admin/tokens", {"username": name, "name": "x"}, session=admin)
    assert_error(r, 422, "invalid_field", "username")
    assert "inactive" in r.body["error"]["message"]


def test_token_revoke_unknown(client, admin):
    assert_error(client.delete("/api/admin/tokens/999999", session=admin), 404, "not_found")


@pytest.mark.parametrize("authz", [
    "Bearer htk_" + "0" * 64,             # well-formed, unknown
    "Bearer htk_" + "0" * 63,             # too short
    "Bearer xyz_" + "0" * 64,             # wrong prefix
    "Bearer ",                            # empty
    "Bearer htk_" + "g" * 64,             # not hex
    "Basic YWRtaW46ZGVtby1hZG1pbg==",     # not a bearer at all (admin:demo-admin)
])
def test_malformed_bearer(client, authz):
    r = client.get("/api/auth/me", headers={"Authorization": authz})
    assert_error(r, 401, "unauthenticated")


def test_bearer_writes_need_no_csrf(client, admin):
    t = _create_token(client, admin, username="admin")
    try:
        code = uniq("tokcat")
        r = client.post("/api/admin/categories",
                        {"code": code, "name_zh": "令牌测试", "name_en": "Token test",
                         "parent_id": None}, token=t["token"])
        assert r.status == 201, r
        assert r.body["code"] == code and r.body["level"] == 1
        r = client.patch(f"/api/admin/categories/{r.body['id']}", {"name_en": "Token test 2"},
                         token=t["token"])
        assert r.status == 200, r
        assert r.body["name_en"] == "Token test 2"
    finally:
        assert client.delete(f"/api/admin/tokens/{t['id']}", session=admin).status == 204


# ---- CSRF ------------------------------------------------------------------------------------

def _count_categories(client):
    return len(client.categories())


@pytest.mark.parametrize("csrf", [None, "0" * 32, "", "short", "X" * 33])
def test_csrf_cookie_post_refused(client, admin, csrf):
    before = _count_categories(client)
    headers = {"X-CSRF-Token": csrf} if csrf is not None else {}
    r = client.request("POST", "/api/admin/categories",
                       body={"code": uniq("csrf"), "name_zh": "跨站", "name_en": "CSRF",
                             "parent_id": None},
                       session=admin, csrf=False, headers=headers)
    assert_error(r, 403, "csrf")
    assert _count_categories(client) == before


@pytest.mark.parametrize("csrf", [None, "f" * 32])
def test_csrf_cookie_patch_refused(client, admin, csrf):
    cid = client.category_id("01")
    before = client.get(f"/api/categories/{cid}", session=admin).body
    headers = {"X-CSRF-Token": csrf} if csrf is not None else {}
    r = client.request("PATCH", f"/api/admin/categories/{cid}", body={"name_en": "Hijacked"},
                       session=admin, csrf=False, headers=headers)
    assert_error(r, 403, "csrf")
    assert client.get(f"/api/categories/{cid}", session=admin).body == before


def test_csrf_not_needed_for_get(client, admin):
    r = client.get("/api/admin/users", session=admin, headers={"X-CSRF-Token": None})
    assert r.status == 200


def test_csrf_with_right_token_passes(client, admin):
    code = uniq("csrfok")
    r = client.post("/api/admin/categories",
                    {"code": code, "name_zh": "有令牌", "name_en": "With token", "parent_id": None},
                    session=admin)
    assert r.status == 201, r
    assert r.body["code"] == code
