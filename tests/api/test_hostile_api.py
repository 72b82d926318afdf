"""What an attacker found in the API (issue 20): a confidential request's reply reaching the
public through a merge, and the duplicate finder proposing it; the appraisal drill-down
showing a handler requests that are now another unit's; a handler telling an existing
request from a missing one; the last administrator demoting themselves; the CSV formula
guard; a phone number in an export's search kept in the audit log. Runs on the shared
server (either backend)."""
import csv
import io
import random
import subprocess
import tempfile
from pathlib import Path

from conftest import BIN, Server, assert_error, init_db, sanitizer_problems, server_now, uniq

PROPERTY = "010101"


def ok(r, status=200):
    assert r.status == status, r
    return r.body


def register(client, text, confidential=False, phone="13700001111", address=None, **extra):
    body = {"category_id": client.category_id(PROPERTY), "district_id": client.unit_id("d-donghu"),
            "caller_name": "赵六", "caller_phone": phone, "confidential": confidential,
            "address": address or f"保密测试路{random.randint(10000, 99999)}号", "text": text}
    body.update(extra)
    return ok(client.post("/api/cases", body, session=client.login("calltaker-wang")), 201)


def act(client, who, case_id, action, body=None):
    return ok(client.post(f"/api/cases/{case_id}/{action}", body or {}, session=client.login(who)))


# ---- 1: nothing of a confidential request in a public view -----------------------------------

def test_a_merge_into_a_confidential_request_publishes_nothing_of_it(client):
    secret = "保密答复" + uniq()
    addr = f"保密测试路{random.randint(10000, 99999)}号"
    conf = register(client, "举报物业经理收受回扣，楼道灯长期不修", confidential=True, address=addr,
                    phone="13700002222")
    pub = register(client, "楼道灯长期不修，物业不管", address=addr, phone="13700003333")
    # the duplicate finder never proposes the confidential request for a public one
    assert conf["id"] not in [h["id"] for h in pub["duplicate_hints"]]
    dups = ok(client.get(f"/api/cases/{pub['id']}/duplicates",
                         session=client.login("dispatcher-zhang")))["duplicates"]
    assert conf["id"] not in [d["id"] for d in dups]
    # merged anyway (by hand), and the confidential one answered
    act(client, "dispatcher-zhang", pub["id"], "merge", {"into": conf["id"]})
    act(client, "dispatcher-zhang", conf["id"], "dispatch", {"unit_id": client.unit_id("d-donghu")})
    act(client, "handler-donghu", conf["id"], "sign")
    act(client, "handler-donghu", conf["id"], "reply", {"reply": secret})
    # Open311, both formats, with and without extensions
    for path in (f"/open311/v2/requests/{pub['number']}.json",
                 f"/open311/v2/requests/{pub['number']}.json?extensions=true",
                 f"/open311/v2/requests/{pub['number']}.xml",
                 f"/open311/v2/requests.json?service_request_id={pub['number']}"):
        r = client.get(path)
        assert r.status == 200, (path, r)
        assert secret not in r.raw.decode(), path
        assert conf["number"] not in r.raw.decode(), path
    # the resident's portal: the merged request's own state, no reply
    r = client.get(f"/api/public/cases/{pub['number']}?phone=13700003333")
    body = ok(r)
    assert secret not in r.raw.decode() and conf["number"] not in r.raw.decode()
    assert body["state"] == "merged" and body["reply_text"] is None
    # staff still see the master
    staff = ok(client.get(f"/api/cases/{pub['id']}", session=client.login("dispatcher-zhang")))
    assert staff["master"]["reply_text"] == secret


def test_a_public_master_is_still_followed(client):
    addr = f"公开测试路{random.randint(10000, 99999)}号"
    a = register(client, "小区门口路灯不亮", address=addr, phone="13700004444")
    b = register(client, "小区门口路灯不亮了", address=addr, phone="13700005555")
    act(client, "dispatcher-zhang", b["id"], "merge", {"into": a["id"]})
    act(client, "dispatcher-zhang", a["id"], "dispatch", {"unit_id": client.unit_id("d-donghu")})
    act(client, "handler-donghu", a["id"], "sign")
    act(client, "handler-donghu", a["id"], "reply", {"reply": "已修复路灯"})
    body = ok(client.get(f"/api/public/cases/{b['number']}?phone=13700005555"))
    assert body["reply_text"] == "已修复路灯" and body["state"] == "replied"
    r = ok(client.get(f"/open311/v2/requests/{b['number']}.json"))
    assert r[0]["status_notes"] == "已修复路灯"


# ---- 3 and 11: a handler and requests that are not (or no longer) its unit's ------------------

def test_a_request_that_left_the_unit_shows_only_the_units_share(client):
    donghu, xishan = client.unit_id("d-donghu"), client.unit_id("d-xishan")
    k = register(client, "这件事后来转给了西山区" + uniq(), phone="13700006666")
    act(client, "dispatcher-zhang", k["id"], "dispatch", {"unit_id": donghu})
    act(client, "handler-donghu", k["id"], "request_return", {"reason": "不属我区", "basis": "属地"})
    act(client, "dispatcher-zhang", k["id"], "approve_return")
    act(client, "dispatcher-zhang", k["id"], "dispatch", {"unit_id": xishan})
    act(client, "handler-xishan", k["id"], "sign")
    handler = client.login("handler-donghu")
    # GET /api/cases/:id: the same answer as a request that does not exist
    gone = client.get(f"/api/cases/{k['id']}", session=handler)
    missing = client.get("/api/cases/99999999", session=handler)
    assert_error(gone, 404, "not_found")
    assert gone.body == missing.body
    assert client.get(f"/api/cases/{k['number']}", session=handler).body == missing.body
    # the drill-down counts the return against 东湖区 and shows only what 东湖区 did
    month = server_now().strftime("%Y-%m")
    r = client.get(f"/api/appraisal/{donghu}/drill?indicator=return&part=numerator"
                   f"&period={month}&page_size=1000", session=handler)
    items = {x["id"]: x for x in ok(r)["items"]}
    assert k["id"] in items, "the returned request is not in the drill-down"
    share = items[k["id"]]
    assert share["number"] == k["number"] and share["share"] is True
    for field in ("text", "caller", "address", "state", "unit_id", "reply_text", "location",
                  "deadlines", "history", "allowed_actions"):
        assert field not in share, field
    assert [e["action"] for e in share["actions"]] == ["request_return"]
    assert "13700006666" not in r.raw.decode() and "西山" not in r.raw.decode()
    # the centre's supervisor sees the whole request in the same list
    r = client.get(f"/api/appraisal/{donghu}/drill?indicator=return&part=numerator"
                   f"&period={month}&page_size=1000", session=client.login("supervisor-chen"))
    full = {x["id"]: x for x in ok(r)["items"]}[k["id"]]
    assert "share" not in full and full["unit_id"] == xishan


def test_an_action_on_another_units_request_is_404_like_a_missing_one(client):
    k = register(client, "另一单位的工单" + uniq())
    act(client, "dispatcher-zhang", k["id"], "dispatch", {"unit_id": client.unit_id("d-xishan")})
    h = client.login("handler-donghu")
    for path in (f"/api/cases/{k['id']}/sign", "/api/cases/99999999/sign"):
        assert_error(client.post(path, {}, session=h), 404, "not_found")


# ---- 4: the last administrator -----------------------------------------------------------------

def test_the_last_administrator_cannot_leave_the_city_without_one():
    """On a server of its own: were the fix missing, the shared server would lose its admin."""
    with tempfile.TemporaryDirectory(prefix="hotline-lastadmin-") as tmp:
        db = Path(tmp) / "h.db"
        init_db(db)
        srv = Server(db)
        try:
            c = srv.client
            admin = c.login("admin")
            me = admin.user["id"]
            assert_error(c.patch(f"/api/admin/users/{me}", {"role": "dispatcher"}, session=admin),
                         409, "last_admin")
            assert c.get("/api/auth/me", session=admin).status == 200  # nothing changed
            # a second administrator: then one of them may step down, but not the last
            name = uniq("admin2")
            second = ok(c.post("/api/admin/users", {
                "username": name, "display_name": "第二管理员", "role": "admin",
                "unit_id": c.unit_id("centre"), "password": "second-admin-pass-1"},
                session=admin), 201)
            s2 = c.login(name, "second-admin-pass-1")
            assert ok(c.patch(f"/api/admin/users/{me}", {"role": "supervisor"},
                              session=s2))["role"] == "supervisor"
            assert_error(c.patch(f"/api/admin/users/{second['id']}", {"role": "dispatcher"},
                                 session=s2), 409, "last_admin")
            assert_error(c.patch(f"/api/admin/users/{second['id']}", {"active": False},
                                 session=s2), 422, "invalid_field")  # never oneself
        finally:
            rc, err = srv.stop()
            assert not sanitizer_problems(rc, err), err[-3000:]


def run(*args, stdin=""):
    return subprocess.run([BIN, *args], input=stdin, capture_output=True, text=True, timeout=120)


def test_admin_create_and_reset_on_the_command_line():
    with tempfile.TemporaryDirectory(prefix="hotline-admin-") as tmp:
        db = Path(tmp) / "h.db"
        init_db(db)
        p = run("admin", "--help")
        assert p.returncode == 0 and "create" in p.stdout and "reset" in p.stdout, p.stdout
        p = run("admin", "create", "--db", str(db), "rescuer", stdin="short\n")
        assert p.returncode == 2 and "at least" in p.stderr, p.stderr
        p = run("admin", "create", "--db", str(db), "rescuer", stdin="rescue-password-1\n")
        assert p.returncode == 0, p.stderr
        p = run("admin", "create", "--db", str(db), "rescuer", stdin="rescue-password-1\n")
        assert p.returncode == 1 and "taken" in p.stderr, p.stderr
        # the demo admin demoted and locked out (as if by a mistake): reset brings it back
        srv = Server(db)
        try:
            c = srv.client
            rescuer = c.login("rescuer", "rescue-password-1")
            assert rescuer.user["role"] == "admin"
            aid = c.user_id("admin")
            ok(c.patch(f"/api/admin/users/{aid}", {"role": "dispatcher", "active": False},
                       session=rescuer))
        finally:
            rc, err = srv.stop()
            assert not sanitizer_problems(rc, err), err[-3000:]
        p = run("admin", "reset", "--db", str(db), "admin", stdin="new-admin-pass-2\n")
        assert p.returncode == 0, p.stderr
        p = run("admin", "reset", "--db", str(db), "nobody", stdin="new-admin-pass-2\n")
        assert p.returncode == 1 and "no user" in p.stderr, p.stderr
        srv = Server(db)
        try:
            c = srv.client
            assert c.login_raw("admin", "demo-admin").status == 401
            s = c.login("admin", "new-admin-pass-2")
            assert s.user["role"] == "admin" and s.user["active"] is True
        finally:
            rc, err = srv.stop()
            assert not sanitizer_problems(rc, err), err[-3000:]


# ---- 8: the CSV formula guard ------------------------------------------------------------------

def test_no_exported_cell_starts_a_formula(client):
    word = "fx" + uniq()
    starts = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", "＝1+1", "＋1", "－1", "＠x"]
    numbers = []
    for s in starts:
        numbers.append(register(client, f"{word} 公式", title=s, address=s)["number"])
    r = client.get(f"/api/export/cases.csv?q={word}&sort=oldest",
                   session=client.login("supervisor-chen"))
    assert r.status == 200, r
    rows = list(csv.DictReader(io.StringIO(r.raw[3:].decode("utf-8"), newline="")))
    assert [x["number"] for x in rows] == numbers
    for s, row in zip(starts, rows):
        for col in ("title", "address"):
            if row[col]:  # what the API kept of it
                assert row[col][0] not in "=+-@\t\r＝＋－＠", (s, col, row[col])
                assert row[col].startswith("'"), (s, col, row[col])


# ---- 11: a phone number in an export's search -------------------------------------------------

def test_an_exports_audit_entry_masks_a_phone_in_the_search(client):
    r = client.get("/api/export/cases.csv?q=13912345678&number=20261205-00001",
                   session=client.login("supervisor-chen"))
    assert r.status == 200, r
    items = ok(client.get("/api/admin/audit?action=export&page_size=5",
                          session=client.login("admin")))["items"]
    mine = [e for e in items if e["actor"]["username"] == "supervisor-chen"][0]
    assert "13912345678" not in mine["detail"] and "139****5678" in mine["detail"], mine
    assert "number=20261205-00001" in mine["detail"], mine  # a request number stays
