"""`hotline import`: a generic CSV with a column mapping (written here: every kind of history,
bad rows counted and skipped), and Boston's 2015 311 cases (../shared/data; skipped with a
message where it is absent): counts, a couple of rows read back through the API, and the
per-department figures next to bench/boston_stats.py's, computed from the CSV alone."""
import importlib.util
import json
import os
import re
import subprocess
from urllib.parse import quote

import pytest

from conftest import BIN, DATA, REPO, SANITIZER_ENV, Server, init_db, sanitizer_problems

BOSTON = REPO.parent / "shared" / "data" / "boston311_2015"
RELEASE = REPO / "build" / "release" / "hotline"


def run(binary, *args, timeout=600):
    env = dict(os.environ)
    env.update(SANITIZER_ENV)
    p = subprocess.run([str(binary), *args], capture_output=True, text=True, env=env,
                       timeout=timeout)
    assert not sanitizer_problems(0, p.stderr), p.stderr
    return p


def login(client, who="supervisor-chen"):
    return client.login(who)


CSV = '''\ufeff编号,受理时间,分类,渠道,区,单位,派单时间,签收时间,回复时限,回复时间,回访时间,满意度,是否解决,办结时间,内容,电话
A1,2026-03-02 09:00:00,010101,电话,d-donghu,d-donghu,2026-03-02 09:10:00,2026-03-02 09:30:00,2026-03-05 00:00:00,2026-03-04 10:00:00,2026-03-05 09:00:00,满意,是,,"楼道灯不亮, 一直没人修",13800000001
A2,2026-03-02 10:00:00,010101,网站,d-donghu,d-donghu,2026-03-02 10:10:00,2026-03-02 11:00:00,2026-03-03 00:00:00,2026-03-06 10:00:00,2026-03-06 12:00:00,不满意,否,2026-03-07 12:00:00,"物业""不作为""",13800000002
A3,2026-03-03 08:00:00,010105,电话,d-xishan,,,,,,,,,2026-03-03 08:05:00,业委会怎么成立,13800000003
A4,2026-03-03 09:00:00,010101,电话,d-xishan,d-xishan,2026-03-03 09:05:00,,,,,,,,还在处理,13800000004
A5,not a time,010101,电话,d-xishan,d-xishan,,,,,,,,,坏时间,13800000005
A6,2026-03-04 09:00:00,999999,电话,d-xishan,d-xishan,,,,,,,,,没有这个分类,13800000006
A7,2026-03-04 10:00:00,010101,电话,d-xishan,d-xishan,2026-03-04 10:05:00,2026-03-04 10:06:00,,2026-03-04 18:00:00,,,,2026-03-05 18:00:00,办结无回访,13800000007
'''

MAP = {
    "columns": {"source_id": "编号", "opened_at": "受理时间", "category": "分类", "channel": "渠道",
                "district": "区", "unit": "单位", "dispatched_at": "派单时间",
                "signed_at": "签收时间", "reply_due": "回复时限", "replied_at": "回复时间",
                "visited_at": "回访时间", "satisfaction": "满意度", "solved": "是否解决",
                "closed_at": "办结时间", "text": "内容", "caller_phone": "电话"},
    "values": {"channel": {"电话": "phone", "网站": "web"},
               "satisfaction": {"满意": "satisfied", "基本满意": "basic", "不满意": "unsatisfied"},
               "solved": {"是": "yes", "否": "no"}},
    "defaults": {"channel": "phone"},
}


def test_generic_csv_import(tmp_path):
    db = tmp_path / "h.db"
    init_db(db)
    (tmp_path / "h.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "map.json").write_text(json.dumps(MAP, ensure_ascii=False), encoding="utf-8")
    p = run(BIN, "import", "--csv", str(tmp_path / "h.csv"), "--map", str(tmp_path / "map.json"),
            "--db", str(db))
    assert p.returncode == 0, p.stdout + p.stderr
    assert "csv: 7 rows: 5 imported, 1 unreadable, 1 with unknown codes, 0 refused" in p.stdout, p.stdout
    assert re.search(r"\d+ rows/s", p.stdout), p.stdout
    # run again (as after an import that stopped halfway): nothing is imported twice; a file
    # that overlaps the first adds only its new rows, and a row repeated in it only once
    p = run(BIN, "import", "--csv", str(tmp_path / "h.csv"), "--map", str(tmp_path / "map.json"),
            "--db", str(db))
    assert p.returncode == 0, p.stdout + p.stderr
    assert "csv: 7 rows: 0 imported, 1 unreadable, 1 with unknown codes, 0 refused, " \
        "5 already imported" in p.stdout, p.stdout
    head, a1 = CSV.splitlines()[0], CSV.splitlines()[1]
    a8 = "A8,2026-03-05 09:00:00,010101,电话,d-xishan,,,,,,,,,2026-03-05 09:03:00,新的一件,13800000008"
    (tmp_path / "more.csv").write_text("\n".join([head, a1, a8, a8]) + "\n", encoding="utf-8")
    p = run(BIN, "import", "--csv", str(tmp_path / "more.csv"), "--map",
            str(tmp_path / "map.json"), "--db", str(db))
    assert "csv: 3 rows: 1 imported, 0 unreadable, 0 with unknown codes, 0 refused, " \
        "2 already imported" in p.stdout, p.stdout
    p = run(BIN, "check", "--db", str(db))
    assert p.returncode == 0 and "rollups: agree" in p.stdout, p.stdout
    assert "running clocks: agree with the requests" in p.stdout, p.stdout
    assert "requests: 6 checked" in p.stdout, p.stdout
    srv = Server(db)
    try:
        c = srv.client
        s = login(c)
        by_text = {}
        for word in ("楼道灯不亮", "物业", "业委会", "还在处理", "办结无回访"):
            r = c.get(f"/api/cases?q={quote(word)}&from=2026-03-01&to=2026-03-06", session=s)
            assert r.status == 200 and r.body["total"] == 1, (word, r)
            by_text[word] = r.body["items"][0]
        a1 = by_text["楼道灯不亮"]
        assert a1["state"] == "closed" and a1["closed_as"] == "done"  # solved at the visit
        assert a1["registered_at"] == "2026-03-02T09:00:00+08:00"
        assert a1["channel"] == "phone" and a1["visit"]["satisfaction"] == "satisfied"
        assert a1["text"] == "楼道灯不亮, 一直没人修"
        a2 = by_text["物业"]
        assert a2["text"] == '物业"不作为"' and a2["channel"] == "web"
        assert a2["state"] == "closed" and a2["visit"]["solved"] is False
        assert by_text["业委会"]["closed_as"] == "answered"
        assert by_text["还在处理"]["state"] == "dispatched"
        a7 = by_text["办结无回访"]
        assert a7["state"] == "closed" and a7["visit"]["valid"] is False
        # the history is the lifecycle's: register, dispatch, sign, reply, visit, close
        full = c.get(f"/api/cases/{a2['id']}", session=s).body
        assert [e["action"] for e in full["history"]] == \
            ["register", "dispatch", "sign", "reply", "visit", "close"]
        # and the appraisal sees it: 东湖区 signed both in time, replied one of two in time
        ap = c.get("/api/appraisal?period=2026-03", session=s).body
        donghu = next(u for u in ap["tiers"]["districts"] if u["code"] == "d-donghu")
        assert donghu["counts"]["dispatched"] == 2 and donghu["counts"]["signed_ontime"] == 2
        assert donghu["counts"]["replied_ontime"] == 1 and donghu["counts"]["solved"] == 1
    finally:
        rc, err = srv.stop()
        assert not sanitizer_problems(rc, err), err[-5000:]


def test_csv_import_over_several_chunks(tmp_path):
    """More rows than two chunks (16,384 each): one is read while the other is written, and
    both buffers are used in turn; every row arrives once, numbered, with its rollups."""
    rows = 40000
    lines = ["编号,受理时间,分类,区,单位,派单时间,回复时间,内容"]
    for i in range(rows):
        day, minute = 1 + i // 1440, i % 1440
        opened = f"2026-05-{day:02d} {minute // 60:02d}:{minute % 60:02d}:00"
        unit = "d-donghu" if i % 3 else ""
        lines.append(f"B{i},{opened},010101,d-donghu,{unit},{opened if unit else ''},"
                     f"{opened if i % 2 and unit else ''},第{i}件")
    (tmp_path / "big.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    mapping = {"columns": {"source_id": "编号", "opened_at": "受理时间", "category": "分类",
                           "district": "区", "unit": "单位", "dispatched_at": "派单时间",
                           "replied_at": "回复时间", "text": "内容"},
               "defaults": {"channel": "phone"}}
    (tmp_path / "map.json").write_text(json.dumps(mapping, ensure_ascii=False), encoding="utf-8")
    db = tmp_path / "big.db"
    init_db(db)
    binary = RELEASE if RELEASE.exists() else BIN  # 40k rows under ASan take a minute or more
    p = run(binary, "import", "--csv", str(tmp_path / "big.csv"), "--map",
            str(tmp_path / "map.json"), "--db", str(db), timeout=1800)
    assert p.returncode == 0, p.stdout + p.stderr
    assert f"csv: {rows} rows: {rows} imported, 0 unreadable, 0 with unknown codes, 0 refused" \
        in p.stdout, p.stdout
    assert "(3 transactions)" in p.stdout, p.stdout
    p = run(binary, "check", "--db", str(db), timeout=1800)
    assert p.returncode == 0 and "0 differ" in p.stdout and "rollups: agree" in p.stdout, p.stdout


def test_import_refuses_bad_options(tmp_path):
    db = tmp_path / "h.db"
    init_db(db)
    p = run(BIN, "import", "--csv", str(tmp_path / "none.csv"), "--db", str(db))
    assert p.returncode == 2 and "--map" in p.stderr
    (tmp_path / "m.json").write_text('{"columns": {"opened": "x"}}')
    (tmp_path / "h.csv").write_text("x\n1\n")
    p = run(BIN, "import", "--csv", str(tmp_path / "h.csv"), "--map", str(tmp_path / "m.json"),
            "--db", str(db))
    assert p.returncode == 2 and "unknown field" in p.stderr
    p = run(BIN, "import", "--boston311", str(tmp_path / "h.csv"), "--db", str(tmp_path / "no.db"))
    assert p.returncode == 1 and "no database" in p.stderr


BOSTON_HEAD = ("case_id,opened_at,target_at,closed_at,ontime_status,case_status,closure_reason,"
               "case_title,subject,reason,type,queue,department,source,neighborhood,"
               "city_council_district,police_district,fire_district,pwd_district,ward,precinct,"
               "street_name,zipcode,latitude,longitude")
BOSTON_ROWS = [
    "101001240734,2015-01-01T00:20:09,,2015-01-02T09:08:42,ONTIME,Closed,Case Closed Case Noted,"
    "Other,Mayor's 24 Hour Hotline,Notification,Notification,INFO09_Current Events,INFO,"
    "Constituent Call,Downtown / Financial District,8,A1,3,1B,Ward 5,503,33 Beacon St,02108,"
    "42.3574,-71.0648",
    "101001240735,2015-01-01T00:25:23,2015-01-16T08:30:00,,OVERDUE,Open,,Street Light Outages,"
    "Public Works Department,Street Lights,Street Light Outages,PWDx_Street Light Outages,PWDx,"
    "Self Service,Roxbury,7,B2,9,10B,Ward 12,1203,Warren St,02119,42.3201,-71.0832",
]


def test_boston_import_retires_what_it_made(tmp_path):
    """The Boston import leaves what it made inactive (history, not a live catalogue); when
    that fails, the import fails: it said "imported" before and left them active."""
    import sqlite3
    (tmp_path / "b.csv").write_text("\n".join([BOSTON_HEAD, *BOSTON_ROWS]) + "\n")
    db = tmp_path / "b.db"
    init_db(db)
    p = run(BIN, "import", "--boston311", str(tmp_path / "b.csv"), "--db", str(db))
    assert p.returncode == 0, p.stdout + p.stderr
    assert "boston311: 2 rows: 2 imported" in p.stdout, p.stdout
    con = sqlite3.connect(db)
    try:
        assert con.execute("SELECT count(*), sum(active) FROM categories "
                           "WHERE code LIKE 'bos-%'").fetchone() == (5, 0)
        con.execute("CREATE TRIGGER no_retire BEFORE UPDATE OF active ON categories "
                    "WHEN NEW.active = 0 BEGIN SELECT RAISE(ABORT, 'refused'); END")
        con.commit()
    finally:
        con.close()
    # again, with the retiring refused: the import wakes the catalogue, cannot put it back
    p = run(BIN, "import", "--boston311", str(tmp_path / "b.csv"), "--db", str(db))
    assert p.returncode == 1, p.stdout + p.stderr
    assert "hotline import: failed:" in p.stderr, p.stderr


@pytest.mark.skipif(not (BOSTON / "boston311_2015_H1.csv").exists(),
                    reason=f"Boston 311 data not found at {BOSTON} (../shared/data is optional)")
def test_boston_half_year(tmp_path):
    spec = importlib.util.spec_from_file_location("boston_stats", REPO / "bench" / "boston_stats.py")
    stats_mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(stats_mod)
    h1 = BOSTON / "boston311_2015_H1.csv"
    db = tmp_path / "b.db"
    init_db(db)
    # the release build when there is one: 58k rows under ASan take minutes on a small machine
    # (the generic CSV test above runs the same import code under the sanitizers)
    binary = RELEASE if RELEASE.exists() else BIN
    p = run(binary, "import", "--boston311", str(h1), "--db", str(db), timeout=1800)
    assert p.returncode == 0, p.stdout + p.stderr
    assert ("boston311: 58119 rows: 58035 imported (8993 open, 49042 closed), 84 skipped "
            "(closed before opened), 0 unreadable, 0 refused") in p.stdout, p.stdout
    srv = Server(db)
    try:
        c = srv.client
        s = login(c)
        # the first case of 2015 (the file is sorted by opened_at)
        first = c.get("/api/cases/20150101-00001", session=s).body
        assert first["registered_at"] == "2015-01-01T00:20:09+08:00"
        assert first["closed_at"] == "2015-01-02T09:08:42+08:00"
        assert first["state"] == "closed" and first["reply_text"] == "Case Closed Case Noted"
        assert first["title"] == "Notification" and first["channel"] == "phone"
        # its second: open-to-close per department and on-time share, as the CSV says
        want = stats_mod.stats([h1])
        q = "from=2015-01-01&to=2015-06-30"
        dur = c.get(f"/api/analytics/durations?{q}&by=unit", session=s, timeout=120).body
        got = {i["name_en"]: i["close"] for i in dur["items"]}
        ap = c.get(f"/api/appraisal?{q}", session=s, timeout=120).body
        rates = {u["name_en"]: u["rates"]["ontime_reply"]
                 for items in ap["tiers"].values() for u in items}
        for dept in ("Public Works Department", "Inspectional Services",
                     "Transportation - Traffic Division"):
            w, g = want[dept], got[dept]
            assert g["n"] == w["n"], dept
            assert g["median_hours"] == pytest.approx(w["median_hours"], abs=1e-6), dept
            assert g["p90_hours"] == pytest.approx(w["p90_hours"], abs=1e-6), dept
            # every open case's target has passed by now: late, not replied (no target: on time)
            assert rates[dept]["num"] == w["ontime"] and rates[dept]["den"] == w["ontime_den"], dept
        assert dur["all"]["close"]["n"] == want["__all__"]["n"]
        assert dur["all"]["close"]["median_hours"] == pytest.approx(want["__all__"]["median_hours"])
    finally:
        rc, err = srv.stop()
        assert not sanitizer_problems(rc, err), err[-5000:]
