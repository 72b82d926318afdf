"""Runs the access matrix of access_matrix.py: every endpoint × every role × own unit / other
unit / anonymous against the real server, with the status each cell must get. test_roles.py
keeps the 401/403 sweeps over the route tables and the unit-tree reads; this adds the own-unit /
other-unit dimension of the unit-scoped endpoints and an exact status for every cell."""
import http.client
import io
import warnings
import zipfile

import pytest

from access_matrix import (ACTIONS, DERIVED, EXPLICIT, ROLES, ROWS, SOURCE, STAFF, roles_of,
                           _defines)
from conftest import ROLE_USER, ROUTES, PUBLIC as CONF_PUBLIC

OWN_UNIT, OTHER_UNIT = "d-donghu", "d-xishan"  # handler-donghu's district, and another
PROPERTY = "010101"                            # a leaf category


def _register_and_dispatch(client, unit_code):
    s = client.login("calltaker-wang")
    r = client.post("/api/cases", {
        "caller_name": "赵六", "caller_phone": "13900001111",
        "category_id": client.category_id(PROPERTY),
        "district_id": client.unit_id(unit_code), "text": "访问矩阵测试"}, session=s)
    assert r.status == 201, r
    r = client.post(f"/api/cases/{r.body['id']}/dispatch", {"unit_id": client.unit_id(unit_code)},
                    session=client.login("dispatcher-zhang"))
    assert r.status == 200 and r.body["state"] == "dispatched", r
    return r.body


def _kb_article(client, unit_code):
    """A knowledge-base article of the unit, due for review (so the maintenance report lists
    it); the centre writes it."""
    title = f"access matrix {unit_code}"
    r = client.post("/api/kb/articles", {
        "title": title, "body": "访问矩阵测试", "unit_id": client.unit_id(unit_code),
        "next_review": "2020-01-01"}, session=client.login("calltaker-wang"))
    assert r.status == 201, r
    return r.body["id"], title


@pytest.fixture(scope="module")
def world(client):
    """The objects the probes name: the own unit's and the other unit's."""
    out = {}
    for scope, unit, handler in (("own", OWN_UNIT, "handler-donghu"),
                                 ("other", OTHER_UNIT, "handler-xishan")):
        case = _register_and_dispatch(client, unit)
        article, title = _kb_article(client, unit)
        out[scope] = {"unit": client.unit_id(unit), "code": unit, "case": case["id"],
                      "number": case["number"], "category": client.category_id(PROPERTY),
                      "user": client.user_id(handler), "article": article,
                      "article_title": title}
    return out


@pytest.fixture(scope="module")
def sessions(client):
    return {role: client.login(ROLE_USER[role], fresh=True) for role in ROLES}


def _probe(client, row, role, scope, world, sessions):
    path = row.path.format(**world[scope if row.scope else "own"])
    session = None
    if role is not None:
        session = client.login(ROLE_USER[role], fresh=True) if row.fresh else sessions[role]
    if row.stream:
        conn = http.client.HTTPConnection(client.host, client.port, timeout=10)
        try:
            hdrs = {"Cookie": f"hotline_session={session.cookie}"} if session else {}
            conn.request("GET", path, headers=hdrs)
            resp = conn.getresponse()  # the status line and headers; a stream never ends
            return resp.status, ""
        finally:
            conn.close()
    r = client.request(row.method, path, body=row.body, session=session)
    raw = r.raw
    if r.status == 200 and "spreadsheetml" in (r.headers.get("Content-Type") or ""):
        # a workbook is a zip: its text (shared strings, sheets) is what a list row looks in
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            raw = b"\n".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))
    return r.status, raw.decode("utf-8", "replace")


def _cells(row):
    yield None, "own"
    for role in ROLES:
        for scope in ("own", "other"):
            yield role, scope


def _run(client, row, world, sessions):
    """Every cell of the row; returns the cells that disagree."""
    bad = []
    anon_status = None
    for role, scope in _cells(row):
        status, raw = _probe(client, row, role, scope, world, sessions)
        want = row.expect(role, scope)
        if role is None:
            anon_status = status
        if row.public:
            ok = status == anon_status and status not in (401, 403) and status < 500
            if want is not None:
                ok = ok and status == want
        elif want is None:  # a derived row: allowed roles pass the dispatcher's checks
            ok = status not in (401, 403) and status < 500
        else:
            ok = status == want
        if ok and row.scope == "list" and status == 200:  # the probed object listed or not
            ok = (world[scope][row.listed] in raw) == row.seen(role, scope)
        if not ok:
            bad.append((role or "anonymous", scope, status, want))
    return bad


@pytest.mark.parametrize("row", EXPLICIT, ids=[f"{r!r}{' ' + r.note if r.note else ''}"
                                              for r in EXPLICIT])
def test_matrix(client, world, sessions, row):
    assert not _run(client, row, world, sessions), (row, _run(client, row, world, sessions))


@pytest.mark.parametrize("row", DERIVED, ids=[repr(r) for r in DERIVED])
def test_matrix_derived(client, world, sessions, row):
    """Routes without a row of their own: swept with the rules of their declared roles."""
    assert not _run(client, row, world, sessions), row


def test_rows_agree_with_the_source():
    """The roles written in ROWS are the roles the route tables declare."""
    for row in EXPLICIT:
        declared = SOURCE[(row.method, row.pattern)]
        if row.pattern == "/api/cases/:id/:action":
            assert declared == STAFF  # the route; each action narrows it (lifecycle.c)
            assert row.roles <= STAFF
        else:
            assert declared == row.roles, (row, sorted(declared), sorted(row.roles))
    assert {r.note for r in ROWS if r.pattern == "/api/cases/:id/:action"} == set(ACTIONS)


def test_every_route_has_a_row():
    """Every registered route is in the matrix; one without an explicit row is still swept
    (test_matrix_derived) and is reported here so that a row gets written for it."""
    assert len(EXPLICIT) + len(DERIVED) >= len(SOURCE)
    assert {(r.method, r.pattern) for r in EXPLICIT} | {(r.method, r.pattern) for r in DERIVED} \
        == set(SOURCE)
    if DERIVED:
        warnings.warn("routes without an explicit access-matrix row: "
                      + ", ".join(repr(r) for r in DERIVED))


def test_conftest_route_table_agrees():
    """conftest.ROUTES (the older hand-written table) says the same as the source."""
    for method, pattern, roles in ROUTES:
        want = frozenset() if roles == CONF_PUBLIC else frozenset(roles)
        assert SOURCE[(method, pattern)] == want, (method, pattern)


def test_roles_parser():
    defs = _defines("#define A (ROLE_BIT(ROLE_ADMIN) | \\\n ROLE_BIT(ROLE_HANDLER))\n"
                    "#define B A | ROLE_BIT(ROLE_VISITOR)\n")
    assert roles_of("B", defs) == {"admin", "handler", "visitor"}
    assert roles_of("API_PUBLIC", defs) == frozenset()
    assert roles_of("ROLES_STAFF & ~ROLE_BIT(ROLE_HANDLER)",
                    _defines((__import__("access_matrix").REPO / "src/core/role.h").read_text())) \
        == {"calltaker", "dispatcher", "visitor", "supervisor", "admin"}
