"""Roles and unit scope: who may call which route, and which units a unit handler sees.

The 401/403 sweeps run over every route the dispatcher registers (read from the route tables in
src/api/*.c by conftest.source_routes); the role matrix uses the hand-written ROUTES table."""
import pytest

from conftest import (ALL_ROLES, PUBLIC, ROLE_USER, ROUTES, SOURCE_ROUTES, assert_error,
                      concrete)

PROTECTED = [(m, p) for (m, p, public) in SOURCE_ROUTES if not public]
# The audit log is read by supervisors as well (test_access_matrix.py has every role's cell).
ADMIN_SHARED = {("GET", "/api/admin/audit")}
ADMIN_ROUTES = [(m, p) for (m, p, _) in SOURCE_ROUTES
                if p.startswith("/api/admin/") and (m, p) not in ADMIN_SHARED]
WRITE_BODY = {"x": 1}


def _ids(routes):
    return [f"{r[0]} {r[1]}" for r in routes]


def _body(method):
    return None if method in ("GET", "DELETE") else WRITE_BODY


def test_source_routes_were_read():
    assert len(SOURCE_ROUTES) >= len(ROUTES)
    assert len(ADMIN_ROUTES) >= 16


def test_route_table_matches_the_source():
    """Every route of the hand-written table is registered, with the same public flag."""
    src = {(m, p): public for (m, p, public) in SOURCE_ROUTES}
    for method, pattern, roles in ROUTES:
        assert (method, pattern) in src, (method, pattern)
        assert src[(method, pattern)] == (roles == PUBLIC), (method, pattern)


@pytest.mark.parametrize("method,pattern", PROTECTED, ids=_ids(PROTECTED))
def test_unauthenticated_is_401(client, method, pattern):
    r = client.request(method, concrete(pattern), body=_body(method))
    assert_error(r, 401, "unauthenticated")
    assert r.headers.get("Set-Cookie") is None


@pytest.mark.parametrize("role", [r for r in ALL_ROLES if r != "admin"])
def test_non_admin_is_403_on_every_admin_route(client, role):
    s = client.login(ROLE_USER[role])
    for method, pattern in ADMIN_ROUTES:
        r = client.request(method, concrete(pattern), body=_body(method), session=s)
        assert r.status == 403, (role, method, pattern, r)
        assert r.body["error"]["code"] == "forbidden", (role, method, pattern, r)


@pytest.mark.parametrize("role", [r for r in ALL_ROLES if r != "admin"])
def test_non_admin_token_is_403_on_admin_routes(client, admin, role):
    """The same with an API token (no CSRF involved)."""
    r = client.post("/api/admin/tokens", {"username": ROLE_USER[role], "name": "roles"},
                    session=admin)
    assert r.status == 201, r
    tok = r.body
    try:
        for method, pattern in ADMIN_ROUTES:
            r = client.request(method, concrete(pattern), body=_body(method), token=tok["token"])
            assert_error(r, 403, "forbidden")
    finally:
        assert client.delete(f"/api/admin/tokens/{tok['id']}", session=admin).status == 204


def _read_path(client, pattern):
    """A concrete, existing object for the GET routes with parameters."""
    ids = {
        "/api/units/:id": f"/api/units/{client.unit_id('centre')}",
        "/api/units/:id/users": f"/api/units/{client.unit_id('centre')}/users",
        "/api/categories/:id": f"/api/categories/{client.category_id('01')}",
        "/api/routing/resolve": f"/api/routing/resolve?category={client.category_id('010101')}",
        "/api/calendar/due": "/api/calendar/due?from=2026-03-02T09:00:00%2B08:00&amount=1"
                             "&unit=working_days",
        "/api/time-limits/resolve": "/api/time-limits/resolve?stage=reply&urgency=normal"
                                    "&request_type=help",
    }
    return ids.get(pattern, pattern)


READS = [(p, roles) for (m, p, roles) in ROUTES
         if m == "GET" and roles != PUBLIC and not p.startswith("/api/admin/")]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_role_matrix_for_reads(client, role):
    """Every non-admin GET: 200 for the roles in the table, 403 forbidden for the others.
    The handler is checked on its own unit (the centre is outside its scope)."""
    s = client.login(ROLE_USER[role])
    for pattern, roles in READS:
        path = _read_path(client, pattern)
        if role == "handler" and pattern.startswith("/api/units/:id"):
            path = path.replace(f"/{client.unit_id('centre')}", f"/{s.user['unit_id']}")
        r = client.get(path, session=s)
        if role in roles:
            assert r.status == 200, (role, path, r)
        else:
            assert r.status == 403, (role, path, r)
            assert r.body["error"]["code"] == "forbidden"


def test_admin_reads_admin_routes(client, admin):
    for path in ("/api/admin/tokens", "/api/admin/users",
                 f"/api/admin/users/{client.user_id('admin')}"):
        assert client.get(path, session=admin).status == 200, path


# ---- unit scope ------------------------------------------------------------------------------

def _subtree(units, root_code):
    by_id = {u["id"]: u for u in units}
    root = next(u["id"] for u in units if u["code"] == root_code)

    def inside(u):
        while u is not None:
            if u["id"] == root:
                return True
            u = by_id.get(u["parent_id"])
        return False

    return {u["code"] for u in units if inside(u)}


def test_handler_units_list_is_its_subtree(client):
    s = client.login("handler-donghu")
    r = client.get("/api/units", session=s)
    assert r.status == 200
    codes = {u["code"] for u in r.body["units"]}
    assert codes == _subtree(client.units(), "d-donghu")
    demo = {c for c in codes if c.startswith(("d-", "s-"))}
    assert demo == {"d-donghu", "s-donghu-xinhua", "s-donghu-hubin", "s-donghu-dongting",
                    "s-donghu-liyuan"}
    assert "centre" not in codes and "d-xishan" not in codes


def test_street_handler_sees_only_its_street(client):
    s = client.login("handler-xinhua")
    r = client.get("/api/units", session=s)
    assert r.status == 200
    assert [u["code"] for u in r.body["units"]] == ["s-donghu-xinhua"]


def test_department_handler_sees_its_sub_offices(client):
    s = client.login("handler-urban")
    r = client.get("/api/units", session=s)
    assert r.status == 200
    codes = {u["code"] for u in r.body["units"]}
    assert codes == _subtree(client.units(), "dept-urban")
    assert {"dept-urban", "dept-urban-facilities", "dept-urban-landscape"} <= codes
    assert "dept-housing" not in codes


@pytest.mark.parametrize("role", ["calltaker", "dispatcher", "visitor", "supervisor", "admin",
                                  "integrator"])
def test_centre_roles_see_all_units(client, role):
    s = client.login(ROLE_USER[role])
    r = client.get("/api/units", session=s)
    assert r.status == 200
    codes = [u["code"] for u in r.body["units"]]
    assert len(codes) == len(set(codes))
    assert set(codes) == {u["code"] for u in client.units()}
    assert len(codes) >= 56  # the demo city


def test_handler_reads_inside_its_district(client):
    s = client.login("handler-donghu")
    street = client.unit_id("s-donghu-xinhua")
    r = client.get(f"/api/units/{street}", session=s)
    assert r.status == 200, r
    assert r.body["code"] == "s-donghu-xinhua" and r.body["kind"] == "street"
    own = client.unit_id("d-donghu")
    r = client.get(f"/api/units/{own}/users", session=s)
    assert r.status == 200, r
    ids = {u["id"] for u in r.body["users"]}
    assert client.user_id("handler-donghu") in ids
    assert client.user_id("handler-xinhua") in ids  # the street's handler is below
    assert client.user_id("handler-xishan") not in ids
    for u in r.body["users"]:
        assert set(u) == {"id", "display_name", "role", "unit_id", "active"}
    r = client.get(f"/api/units/{street}/users", session=s)
    assert r.status == 200
    assert {u["id"] for u in r.body["users"]} >= {client.user_id("handler-xinhua")}


@pytest.mark.parametrize("code", ["d-xishan", "s-xishan-fenglin", "centre", "dept-housing"])
def test_handler_refused_outside_its_district(client, code):
    s = client.login("handler-donghu")
    uid = client.unit_id(code)
    assert_error(client.get(f"/api/units/{uid}", session=s), 403, "forbidden")
    assert_error(client.get(f"/api/units/{uid}/users", session=s), 403, "forbidden")


def test_street_handler_refused_on_its_district(client):
    s = client.login("handler-xinhua")
    for code in ("d-donghu", "s-donghu-hubin"):
        uid = client.unit_id(code)
        assert_error(client.get(f"/api/units/{uid}", session=s), 403, "forbidden")


def test_handler_unknown_unit_is_404(client):
    s = client.login("handler-donghu")
    assert_error(client.get("/api/units/999999", session=s), 404, "not_found")


@pytest.mark.parametrize("role", ["calltaker", "dispatcher", "visitor", "supervisor"])
def test_centre_roles_read_any_unit(client, role):
    s = client.login(ROLE_USER[role])
    for code in ("d-xishan", "s-nanjiang-baisha", "util-gas"):
        r = client.get(f"/api/units/{client.unit_id(code)}", session=s)
        assert r.status == 200 and r.body["code"] == code, r
