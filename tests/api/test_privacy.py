"""Privacy (issue 8): masking everywhere a unit looks, the reveal action with its reason and its
audit row, the audit API (who saw or changed what), and no personal data in the access log,
the metrics or the server's stderr. test_lifecycle.py has the case view's masking rules; this
adds lists, work lists and events, and what is recorded."""
import re
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from conftest import BACKEND, Server, assert_error, init_db, pg_sql, server_now, uniq

PROPERTY = "010101"
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")  # an 11-digit mainland mobile number
CST = timezone(timedelta(hours=8))


def register(client, phone="13612345678", name="钱七", confidential=False, district="d-donghu"):
    r = client.post("/api/cases", {
        "caller_name": name, "caller_phone": phone, "confidential": confidential,
        "category_id": client.category_id(PROPERTY), "district_id": client.unit_id(district),
        "text": "隐私测试：楼上漏水"}, session=client.login("calltaker-wang"))
    assert r.status == 201, r
    return r.body


def dispatch(client, case, unit="d-donghu"):
    r = client.post(f"/api/cases/{case['id']}/dispatch", {"unit_id": client.unit_id(unit)},
                    session=client.login("dispatcher-zhang"))
    assert r.status == 200, r
    return r.body


def audit(client, who="admin", **params):
    q = "&".join(f"{k}={v}" for k, v in params.items())
    r = client.get(f"/api/admin/audit?{q}", session=client.login(who))
    assert r.status == 200, r
    return r.body


@pytest.fixture(scope="session", autouse=True)
def no_phone_in_the_servers_stderr(server):
    """After the whole session: the shared server's stderr holds no mobile number (every test
    files requests with phones, looks them up by phone, reveals them)."""
    yield
    leaked = MOBILE.findall(server.stderr())
    assert not leaked, f"phone numbers in the server's stderr: {sorted(set(leaked))[:5]}"


# ---- masking in lists ------------------------------------------------------------------------

def test_units_see_masked_callers_in_lists_and_queues(client):
    c = dispatch(client, register(client, phone="13611112222", name="孙八"))
    k = dispatch(client, register(client, phone="13611113333", name="周九", confidential=True))
    s = client.login("handler-donghu")
    for path in ("/api/cases?page_size=200", "/api/queues/to_sign?page_size=200"):
        r = client.get(path, session=s)
        assert r.status == 200, r
        items = {x["id"]: x for x in r.body["items"]}
        assert items[c["id"]]["caller"] == {"name": "孙*", "phone": "136****2222", "masked": True}
        assert items[k["id"]]["caller"] is None
        assert "13611112222" not in r.raw.decode() and "周九" not in r.raw.decode()
    # the call-taker, who calls back, sees them in full in the same lists
    r = client.get(f"/api/cases?number={c['number']}", session=client.login("calltaker-wang"))
    assert r.body["items"][0]["caller"] == {"name": "孙八", "phone": "13611112222"}


def test_metrics_hold_no_personal_data(client):
    register(client, phone="13622223333")
    r = client.get("/metrics")
    assert r.status == 200
    assert "13622223333" not in r.body and not MOBILE.search(r.body)
    assert "/api/cases/:id" in r.body or "/api/cases" in r.body  # routes, not paths


# ---- reveal ----------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["dispatcher-zhang", "supervisor-chen", "calltaker-li",
                                 "visitor-liu"])
def test_reveal_shows_the_caller_and_is_audited(client, who):
    c = dispatch(client, register(client, phone="13633334444", name="吴十"))
    reason = f"回访核实 {uniq('r')}"
    r = client.post(f"/api/cases/{c['id']}/reveal", {"reason": reason}, session=client.login(who))
    assert r.status == 200, r
    assert r.body == {"id": c["id"], "number": c["number"], "confidential": False,
                      "caller": {"name": "吴十", "phone": "13633334444"}}
    assert r.headers["Cache-Control"] == "no-store"
    entries = audit(client, action="case.reveal", case=c["id"])["items"]
    assert len(entries) == 1
    e = entries[0]
    assert e["detail"] == reason and e["case_id"] == c["id"] and e["object"] == "case"
    assert e["actor"]["username"] == who and e["actor"]["role"] == client.login(who).user["role"]
    assert e["actor"]["unit_id"] == client.login(who).user["unit_id"]
    assert e["client"] == "127.0.0.1"
    when = datetime.fromisoformat(e["at"])
    assert abs(when - server_now(CST)) < timedelta(minutes=5)


def test_reveal_by_number_and_of_confidential_requests(client):
    k = dispatch(client, register(client, phone="13644445555", name="郑十一", confidential=True))
    s = client.login("supervisor-chen")
    r = client.post(f"/api/cases/{k['number']}/reveal", {"reason": "督办需要联系来电人"}, session=s)
    assert r.status == 200, r
    assert r.body["confidential"] is True and r.body["caller"]["phone"] == "13644445555"
    # by number: the audit row names the case by id all the same, and gives its number
    entries = audit(client, action="case.reveal", case=k["number"])
    assert entries["total"] == 1
    assert entries["items"][0]["case_id"] == k["id"]
    assert entries["items"][0]["case_number"] == k["number"]


def test_reveal_refused(client):
    c = dispatch(client, register(client, phone="13655556666"))
    before = audit(client, action="case.reveal", case=c["id"])["total"]
    url = f"/api/cases/{c['id']}/reveal"
    for who in ("handler-donghu", "admin", "integrator"):
        assert_error(client.post(url, {"reason": "想看看"}, session=client.login(who)), 403,
                     "forbidden")
    assert_error(client.post(url, {"reason": "x"}), 401, "unauthenticated")
    s = client.login("dispatcher-zhang")
    assert_error(client.post(url, {}, session=s), 400, "missing_field", "reason")
    assert_error(client.post(url, {"reason": ""}, session=s), 400, "out_of_range", "reason")
    assert_error(client.post(url, {"reason": "长" * 501}, session=s), 400, "out_of_range",
                 "reason")
    assert_error(client.post(url, {"reason": "x"}, session=s, csrf=False), 403, "csrf")
    assert_error(client.post("/api/cases/999999/reveal", {"reason": "x"}, session=s), 404,
                 "not_found")
    assert client.post(url, {"reason": "长" * 500}, session=s).status == 200
    assert audit(client, action="case.reveal", case=c["id"])["total"] == before + 1


# ---- the audit log ---------------------------------------------------------------------------

def test_case_reads_by_units_are_audited_and_centre_reads_are_not(client):
    c = dispatch(client, register(client, phone="13666667777"))
    assert client.get(f"/api/cases/{c['id']}", session=client.login("dispatcher-zhang")).status == 200
    assert audit(client, action="case.read", case=c["id"])["total"] == 0
    h = client.login("handler-donghu")
    assert client.get(f"/api/cases/{c['number']}", session=h).status == 200
    items = audit(client, action="case.read", case=c["id"])["items"]
    assert len(items) == 1 and items[0]["actor"]["username"] == "handler-donghu"
    assert items[0]["actor"]["unit_id"] == client.unit_id("d-donghu")
    # a refused read (another unit's request) is not a read
    x = client.login("handler-xishan")
    assert client.get(f"/api/cases/{c['id']}", session=x).status == 404
    assert audit(client, action="case.read", case=c["id"])["total"] == 1


def test_logins_are_audited_without_passwords(client):
    name = "calltaker-li"
    assert client.login_raw(name, "wrong-password-123").status == 401
    client.login(name, fresh=True)
    assert client.login_raw("no-such-user-xyz", "another-secret-456").status == 401
    items = audit(client, actor=name, page_size=10)["items"]
    actions = [e["action"] for e in items]
    assert "auth.login" in actions and "auth.login_failed" in actions
    failed = next(e for e in items if e["action"] == "auth.login_failed")
    assert failed["actor"]["username"] == name and failed["object"] == "user"
    # an unknown username is not kept (it may be a password typed in the wrong box)
    anon = audit(client, action="auth.login_failed", page_size=200)["items"]
    assert any(e["actor"] is None for e in anon)
    raw = client.get("/api/admin/audit?page_size=200", session=client.admin()).raw.decode()
    for secret in ("wrong-password-123", "another-secret-456", "no-such-user-xyz",
                   "demo-calltaker-li"):
        assert secret not in raw


def test_admin_changes_are_audited(client, admin):
    code = uniq("au")
    r = client.post("/api/admin/units", {"code": code, "name_zh": "审计测试", "name_en": "Audit",
                                         "kind": "department",
                                         "parent_id": client.unit_id("centre")}, session=admin)
    assert r.status == 201, r
    uid = r.body["id"]
    assert client.patch(f"/api/admin/units/{uid}", {"name_en": "Audit 2"}, session=admin).status == 200
    uname = uniq("au")
    r = client.post("/api/admin/users", {"username": uname, "display_name": "审计",
                                         "role": "handler", "unit_id": uid,
                                         "password": "very-secret-pw-1"}, session=admin)
    assert r.status == 201, r
    user_id = r.body["id"]
    r = client.post("/api/admin/tokens", {"username": uname, "name": "audit"}, session=admin)
    assert r.status == 201
    tok = r.body
    assert client.delete(f"/api/admin/tokens/{tok['id']}", session=admin).status == 204
    assert client.put("/api/admin/calendar/2031-01-07", {"kind": "off", "name": "审计假日"},
                      session=admin).status == 200
    assert client.delete("/api/admin/calendar/2031-01-07", session=admin).status == 200
    # a refused change is not recorded
    assert client.post("/api/admin/units", {"x": 1}, session=admin).status == 400

    items = audit(client, actor="admin", page_size=20)["items"]
    got = [(e["action"], e["object"], e["object_id"]) for e in items]
    for want in [("units.create", "units", str(uid)), ("units.update", "units", str(uid)),
                 ("users.create", "users", str(user_id)),
                 ("tokens.create", "tokens", str(tok["id"])),
                 ("tokens.delete", "tokens", str(tok["id"])),
                 ("calendar.put", "calendar", "2031-01-07"),
                 ("calendar.delete", "calendar", "2031-01-07")]:
        assert want in got, (want, got)
    detail = next(e["detail"] for e in items if e["action"] == "users.create")
    assert uname in detail and "very-secret-pw-1" not in detail and "password" not in detail
    raw = client.get("/api/admin/audit?page_size=50", session=admin).raw.decode()
    assert tok["token"] not in raw and "very-secret-pw-1" not in raw


def test_audit_api_filters_pages_and_roles(client):
    c = dispatch(client, register(client, phone="13677778888"))
    s = client.login("dispatcher-zhang")
    for i in range(3):
        assert client.post(f"/api/cases/{c['id']}/reveal", {"reason": f"第{i}次"},
                           session=s).status == 200
    b = audit(client, "supervisor-chen", case=c["id"], page_size=2)
    assert b["total"] == 3 and len(b["items"]) == 2 and b["page"] == 1
    assert [e["detail"] for e in b["items"]] == ["第2次", "第1次"]  # newest first
    b2 = audit(client, "supervisor-chen", case=c["id"], page_size=2, page=2)
    assert [e["detail"] for e in b2["items"]] == ["第0次"]
    assert audit(client, actor="dispatcher-zhang", action="case.reveal",
                 case=c["id"])["total"] == 3
    assert audit(client, actor="visitor-liu", case=c["id"])["total"] == 0
    assert audit(client, case="19990101-00001")["total"] == 0  # unknown number: nothing
    now = server_now(CST)
    assert audit(client, case=c["id"], **{"from": (now + timedelta(days=1)).date().isoformat()
                                          })["total"] == 0
    assert audit(client, case=c["id"], to=(now - timedelta(days=1)).date().isoformat())["total"] == 0
    assert audit(client, case=c["id"], **{"from": (now - timedelta(days=1)).date().isoformat()
                                          })["total"] == 3
    for bad in ("page=0", "page_size=500", "from=yesterday", "to=x"):
        r = client.get(f"/api/admin/audit?{bad}", session=client.admin())
        assert_error(r, 400, "invalid_field")
    for who in ("dispatcher-zhang", "calltaker-wang", "handler-donghu", "visitor-liu",
                "integrator"):
        assert_error(client.get("/api/admin/audit", session=client.login(who)), 403, "forbidden")
    assert_error(client.get("/api/admin/audit"), 401, "unauthenticated")


def test_exports_are_audited_and_masked_for_units(client):
    c = dispatch(client, register(client, phone="13688889999", name="冯十三"))
    r = client.get(f"/api/export/cases.csv?number={c['number']}",
                   session=client.login("handler-donghu"))
    assert r.status == 200, r
    text = r.raw.decode("utf-8", "replace")
    assert c["number"] in text and "13688889999" not in text and "136****9999" in text
    r = client.get("/api/export/cases.csv?phone=13688889999",
                   session=client.login("calltaker-wang"))
    assert r.status == 200 and "13688889999" in r.raw.decode("utf-8", "replace")
    items = audit(client, action="export", page_size=10)["items"]
    mine = [e for e in items if e["actor"]["username"] == "calltaker-wang"]
    assert mine and mine[0]["detail"].startswith("/api/export/cases.csv?")
    assert "13688889999" not in mine[0]["detail"] and "136****9999" in mine[0]["detail"]
    assert any(e["actor"]["username"] == "handler-donghu" and c["number"] in e["detail"]
               for e in items)


def test_audit_log_is_append_only(server):
    if BACKEND == "postgres":
        for sql in ("UPDATE audit_log SET detail='x'", "DELETE FROM audit_log"):
            with pytest.raises(RuntimeError, match="append-only"):
                pg_sql(server.db, sql)
        return
    import sqlite3
    db = sqlite3.connect(server.db, timeout=10)
    try:
        for sql in ("UPDATE audit_log SET detail='x'", "DELETE FROM audit_log"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                db.execute(sql)
    finally:
        db.close()


# ---- the access log ---------------------------------------------------------------------------

def test_access_log_holds_no_phone():
    """A server logging every request (info level) through a flow full of phones: filing with a
    phone, tracking with ?phone=, searching by phone, revealing, Open311 with a phone."""
    with tempfile.TemporaryDirectory(prefix="hotline-log-") as tmp:
        db = Path(tmp) / "h.db"
        init_db(db)
        srv = Server(db, extra_args=("--log-level", "debug"))
        try:
            c = srv.client
            phone = "13788889999"
            r = c.post("/api/public/cases", {"caller_phone": phone, "caller_name": "王十二",
                                             "category_id": c.category_id(PROPERTY),
                                             "text": "路灯不亮"})
            assert r.status == 201, r
            number = r.body["number"]
            assert c.get(f"/api/public/cases/{number}?phone={phone}").status == 200
            assert c.get(f"/api/public/cases/{number}?phone=137-8888-9999").status == 200
            s = c.login("calltaker-wang")
            assert c.get(f"/api/cases?phone={phone}", session=s).status == 200
            assert c.post(f"/api/cases/{number}/reveal", {"reason": "回拨"}, session=s).status == 200
            assert c.get(f"/api/cases/{number}", session=s).status == 200
            assert c.login_raw("calltaker-wang", phone).status == 401  # a phone as a password
            tok = c.post("/api/admin/tokens", {"username": "integrator", "name": "log"},
                         session=c.admin()).body["token"]
            form = f"api_key={tok}&service_code={PROPERTY}&lat=30.55&long=114.15&phone={phone}" \
                   f"&description=test".encode()
            c.request("POST", "/open311/v2/requests.json", raw=form,
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
            c.get(f"/open311/v2/requests.json?phone={phone}")
        finally:
            rc, err = srv.stop()
        assert rc == 0, err[-3000:]
        assert " access GET /api/public/cases/" in err  # the log is on, and has the path
        assert number in err                             # request numbers may appear
        assert phone not in err and "8888-9999" not in err and not MOBILE.search(err), \
            [ln for ln in err.splitlines() if MOBILE.search(ln) or "8888" in ln][:5]
