"""Exports: GET /api/export/cases.csv and .xlsx (the filters of GET /api/cases, every match,
the caller shown exactly as the role sees it through the API) and the appraisal workbook
(one sheet per tier, the requests that cost points, the scheme). The files are opened and
read: CSV with the csv module, XLSX as the zip of XML it is."""
import csv
import io
import re
import uuid
import zipfile
import xml.etree.ElementTree as ET
from datetime import timedelta, timezone

import pytest

from conftest import server_now

CST = timezone(timedelta(hours=8))
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def ok(r, status=200):
    assert r.status == status, r
    return r.body


@pytest.fixture(scope="module")
def batch(client):
    """Three requests sharing a unique word: one plain, one confidential, one whose text would
    be a spreadsheet formula; dispatched to 东湖区 so its handler sees them."""
    word = "exp" + uuid.uuid4().hex[:10]
    calltaker, dispatcher = client.login("calltaker-wang"), client.login("dispatcher-zhang")
    donghu = client.unit_id("d-donghu")
    made = []
    for i, (text, confidential) in enumerate([(f"楼道灯坏了 {word}", False),
                                              (f"举报噪音 {word}", True),
                                              (f"=1+1 {word}", False)]):
        body = {"category_id": client.category_id("010101"), "caller_name": "王小明",
                "caller_phone": f"1381234{5670 + i}", "confidential": confidential,
                "district_id": donghu, "address": "新华路, 12号", "text": text}
        c = ok(client.post("/api/cases", body, session=calltaker), 201)
        ok(client.post(f"/api/cases/{c['id']}/dispatch", {"unit_id": donghu}, session=dispatcher))
        made.append(c)
    return {"word": word, "cases": made}


def get_file(client, path, who):
    r = client.get(path, session=client.login(who))
    assert r.status == 200, r
    return r


def csv_rows(r):
    assert r.headers["Content-Type"].startswith("text/csv")
    assert re.match(r'attachment; filename="requests-\d{4}-\d{2}-\d{2}\.csv"',
                    r.headers["Content-Disposition"]), r.headers["Content-Disposition"]
    assert r.raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with a BOM
    return list(csv.DictReader(io.StringIO(r.raw[3:].decode("utf-8"), newline="")))


def api_caller(client, who, case_id):
    return ok(client.get(f"/api/cases/{case_id}", session=client.login(who)))["caller"]


@pytest.mark.parametrize("who", ["supervisor-chen", "calltaker-wang", "handler-donghu"])
def test_csv_masks_as_the_api_does(client, batch, who):
    rows = csv_rows(get_file(client, f"/api/export/cases.csv?q={batch['word']}&sort=oldest", who))
    assert [r["number"] for r in rows] == [c["number"] for c in batch["cases"]]
    for row, c in zip(rows, batch["cases"]):
        caller = api_caller(client, who, c["id"])
        if caller is None:  # confidential: nothing of the caller
            assert row["caller_name"] == "" and row["caller_phone"] == ""
        else:
            assert row["caller_name"] == caller["name"] and row["caller_phone"] == caller["phone"]
        assert row["state"] == "dispatched" and row["unit"] == "东湖区"
        assert row["address"] == "新华路, 12号"  # a comma inside a quoted field
        assert row["category_code"] == "010101"
    if who != "calltaker-wang":
        assert rows[0]["caller_phone"] == "138****5670"
        assert "5670" in rows[0]["caller_phone"] and "1234" not in rows[0]["caller_phone"]
    assert rows[1]["confidential"] == "yes"
    # a cell that would run as a formula is defused
    assert rows[2]["text"].startswith("'=1+1")


def test_csv_filters_and_scope(client, batch):
    # a handler of another district sees none of them
    rows = csv_rows(get_file(client, f"/api/export/cases.csv?q={batch['word']}", "handler-xishan"))
    assert rows == []
    rows = csv_rows(get_file(client, f"/api/export/cases.csv?q={batch['word']}&max=2",
                             "supervisor-chen"))
    assert len(rows) == 2
    r = client.get("/api/export/cases.csv?max=0", session=client.login("supervisor-chen"))
    assert r.status == 400
    r = client.get("/api/export/cases.csv?state=lost", session=client.login("supervisor-chen"))
    assert r.status == 400
    assert client.get("/api/export/cases.csv").status == 401


def sheet_rows(data, sheet_path):
    """Cell texts of a worksheet (shared or inline strings, numbers) as a list of rows."""
    z = zipfile.ZipFile(io.BytesIO(data))
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        root = ET.fromstring(z.read("xl/sharedStrings.xml"))
        shared = ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))
                  for si in root.findall("m:si", NS)]
    root = ET.fromstring(z.read(sheet_path))
    out = []
    for row in root.iter(f"{{{NS['m']}}}row"):
        cells = {}
        for c in row.findall("m:c", NS):
            col = re.match(r"[A-Z]+", c.get("r")).group(0)
            idx = 0
            for ch in col:
                idx = idx * 26 + (ord(ch) - 64)
            t = c.get("t")
            if t == "inlineStr":
                v = "".join(x.text or "" for x in c.iter(f"{{{NS['m']}}}t"))
            elif t == "s":
                v = shared[int(c.find("m:v", NS).text)]
            else:
                el = c.find("m:v", NS)
                v = el.text if el is not None else ""
            cells[idx - 1] = v
        width = max(cells) + 1 if cells else 0
        out.append([cells.get(i, "") for i in range(width)])
    return out


def sheet_names(data):
    z = zipfile.ZipFile(io.BytesIO(data))
    root = ET.fromstring(z.read("xl/workbook.xml"))
    return [s.get("name") for s in root.iter(f"{{{NS['m']}}}sheet")]


def test_xlsx_cases(client, batch):
    r = get_file(client, f"/api/export/cases.xlsx?q={batch['word']}&sort=oldest", "supervisor-chen")
    assert r.headers["Content-Type"] == \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert r.headers["Content-Disposition"].endswith('.xlsx"')
    assert sheet_names(r.raw) == ["requests"]
    rows = sheet_rows(r.raw, "xl/worksheets/sheet1.xml")
    head = rows[0]
    assert head[:3] == ["number", "registered_at", "channel"]
    data = [dict(zip(head, row)) for row in rows[1:]]
    assert [d["number"] for d in data] == [c["number"] for c in batch["cases"]]
    assert data[0]["caller_phone"] == "138****5670" and data[0]["caller_name"] == "王**"
    assert data[1]["caller_name"] == "" and data[1]["caller_phone"] == ""
    assert data[0]["text"].startswith("楼道灯坏了")
    # times are local, spreadsheet-friendly
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", data[0]["registered_at"])


def test_appraisal_workbook(client, batch):
    month = server_now(CST).strftime("%Y-%m")
    sup = client.login("supervisor-chen")
    r = get_file(client, f"/api/export/appraisal.xlsx?period={month}", "supervisor-chen")
    assert r.headers["Content-Disposition"] == f'attachment; filename="appraisal-{month}.xlsx"'
    names = sheet_names(r.raw)
    assert names == ["区县 districts", "部门 departments", "街道 streets", "失分工单 costs",
                     "方案 scheme"]
    api = ok(client.get(f"/api/appraisal?period={month}", session=sup))
    for i, tier in enumerate(("districts", "departments", "streets")):
        rows = sheet_rows(r.raw, f"xl/worksheets/sheet{i + 1}.xml")
        head, body = rows[0], rows[1:]
        assert head[:5] == ["rank", "code", "name", "composite", "volume"]
        assert "response rate" in head and "return numerator" in head
        units = api["tiers"][tier]
        assert [row[1] for row in body] == [u["code"] for u in units], tier
        for row, u in zip(body, units):
            if u["composite"] is None:
                assert row[3] == ""
            else:
                assert float(row[3]) == pytest.approx(u["composite"])
                assert int(float(row[0])) == u["rank"]
            assert int(float(row[4])) == u["volume"]
    costs = sheet_rows(r.raw, "xl/worksheets/sheet4.xml")
    assert costs[0][:4] == ["unit_code", "unit", "number", "indicators"]
    # the batch: dispatched, not signed yet, with the sign-for limit still running: not counted
    # yet, so nothing lost (a request costs points once its clock has run out: test_appraisal)
    ours = [row for row in costs[1:] if row[2] in {c["number"] for c in batch["cases"]}]
    assert ours == []
    scheme = dict((row[0], row[1]) for row in sheet_rows(r.raw, "xl/worksheets/sheet5.xml") if row)
    assert scheme["period"] == month and float(scheme["response"]) == 30


def test_appraisal_workbook_scope(client, batch):
    month = server_now(CST).strftime("%Y-%m")
    r = get_file(client, f"/api/export/appraisal.xlsx?period={month}", "handler-xinhua")
    streets = sheet_rows(r.raw, "xl/worksheets/sheet3.xml")
    assert [row[1] for row in streets[1:]] == ["s-donghu-xinhua"]
    assert sheet_rows(r.raw, "xl/worksheets/sheet1.xml")[1:] == []
    costs = sheet_rows(r.raw, "xl/worksheets/sheet4.xml")
    assert all(row[0] == "s-donghu-xinhua" for row in costs[1:])
    r = client.get(f"/api/export/appraisal.xlsx?period={month}", session=client.login("visitor-liu"))
    assert r.status == 403
    r = client.get("/api/export/appraisal.xlsx?period=nope", session=client.login("admin"))
    assert r.status == 400
