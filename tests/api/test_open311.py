"""Open311 GeoReport v2 (/open311/v2/): conformance of every endpoint in JSON and XML against the
spec's field lists (docs/api.md, Open311 GeoReport v2), against the fields real cities send
(../shared/data/open311_reference/), POST rules, filters, the lifecycle seen through Open311, the
update feed, and `hotline import --open311` of a real Boston page."""
import json
import os
import re
import subprocess
import tempfile
import urllib.parse
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from conftest import (BIN, DATA, REPO, SANITIZER_ENV, Server, init_db, sanitizer_problems,
                      server_now)

V2 = "/open311/v2"
JURISDICTION = "jiangcheng.gov.cn"
REFERENCE = REPO.parent / "shared" / "data" / "open311_reference"
BOSTON_PAGE = REFERENCE / "boston_requests_page.json"
XML_DECL = b'<?xml version="1.0" encoding="utf-8"?>'
W3C_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")

STREETLIGHT = "020101"  # 路灯不亮: attributes of all six datatypes
PROPERTY = "010101"     # 物业服务投诉: a local matter, routed to the district of the request
MANHOLE = "020103"      # 井盖缺失: a required singlevaluelist

NUM = (int, float)
OPT_NUM = (int, float, type(None))
OPT_STR = (str, type(None))

# ---- the spec's field lists (GeoReport v2 and its extensions; docs/api.md) ----
DISCOVERY = {"changeset": str, "contact": str, "key_service": str, "endpoints": list}
ENDPOINT = {"specification": str, "url": str, "changeset": str, "type": str, "formats": list}
SERVICE = {"service_code": str, "service_name": str, "description": str, "metadata": bool,
           "type": str, "keywords": str, "group": str}
DEFINITION = {"service_code": str, "attributes": list}
ATTRIBUTE = {"variable": bool, "code": str, "datatype": str, "required": bool,
             "datatype_description": str, "order": int, "description": str}
ATTRIBUTE_LIST = dict(ATTRIBUTE, values=list)  # singlevaluelist / multivaluelist
VALUE = {"key": str, "name": str}
POSTED = {"service_request_id": str, "service_notice": str, "account_id": str}
TOKEN = {"service_request_id": str, "token": str}
REQUEST = {"service_request_id": str, "status": str, "status_notes": str, "service_name": str,
           "service_code": str, "description": str, "agency_responsible": str,
           "service_notice": str, "requested_datetime": str, "updated_datetime": str,
           "expected_datetime": OPT_STR, "address": str, "address_id": str, "zipcode": str,
           "lat": OPT_NUM, "long": OPT_NUM, "media_url": str}
EXTENDED = dict(REQUEST, extended_attributes=dict, attributes=list, notes=list)
NOTE = {"datetime": str, "description": str, "type": str}
ANSWER = {"code": str, "value": str}
UPDATE = {"update_id": str, "service_request_id": str, "status": str, "updated_datetime": str,
          "description": str, "media_url": str}
ERROR = {"code": int, "description": str}
DATETIMES = {"requested_datetime", "updated_datetime", "expected_datetime", "changeset",
             "datetime"}


# ---- helpers -------------------------------------------------------------------------------

def post_form(client, path, fields, content_type="application/x-www-form-urlencoded"):
    body = urllib.parse.urlencode(fields, doseq=True).encode()
    return client.request("POST", path, raw=body, headers={"Content-Type": content_type})


def get(client, path, **params):
    q = urllib.parse.urlencode(params, doseq=True)
    return client.get(f"{path}?{q}" if q else path)


def xml_of(r):
    assert r.headers.get("Content-Type") == "text/xml; charset=utf-8", r
    assert r.raw.startswith(XML_DECL), r.raw[:80]
    return ET.fromstring(r.raw)


def json_of(r):
    assert r.headers.get("Content-Type") == "application/json; charset=utf-8", r
    return r.body


def check_fields(obj, spec, where=""):
    """Exactly the spec's field names, each of its type; datetimes carry an offset."""
    assert isinstance(obj, dict), (where, obj)
    assert set(obj) == set(spec), (where, sorted(set(obj) ^ set(spec)))
    for k, t in spec.items():
        assert isinstance(obj[k], t), (where, k, obj[k])
        if isinstance(obj[k], bool):
            assert t is bool, (where, k, "a bool where the spec wants a number")
        if k in DATETIMES and obj[k] is not None:
            assert W3C_TIME.match(obj[k]), (where, k, obj[k])


def xml_scalar(value):
    """How a JSON scalar is written in our XML."""
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def check_xml_matches(el, obj, where=""):
    """The XML element has the JSON object's fields as children, in order, with the same
    values; lists nest as <key><singular>...</singular></key>."""
    assert [c.tag for c in el] == list(obj), (where, [c.tag for c in el], list(obj))
    for child, (k, v) in zip(el, obj.items()):
        if isinstance(v, list):
            assert len(child) == len(v), (where, k)
            for item_el, item in zip(child, v):
                if isinstance(item, dict):
                    check_xml_matches(item_el, item, f"{where}/{k}")
                else:
                    assert (item_el.text or "") == xml_scalar(item), (where, k)
        elif isinstance(v, dict):
            check_xml_matches(child, v, f"{where}/{k}")
        elif isinstance(v, float):
            assert float(child.text) == v, (where, k, child.text, v)
        else:
            assert len(child) == 0 and (child.text or "") == xml_scalar(v), (where, k, child.text, v)


def check_error(r, status, fmt="json"):
    assert r.status == status, r
    if fmt == "json":
        body = json_of(r)
        assert isinstance(body, list) and body, r
        for e in body:
            check_fields(e, ERROR, "error")
            assert e["code"] == status and e["description"]
        return body[0]["description"]
    root = xml_of(r)
    assert root.tag == "errors" and len(root) >= 1, r.raw
    for e in root:
        assert e.tag == "error" and [c.tag for c in e] == ["code", "description"], r.raw
        assert e.find("code").text == str(status) and e.find("description").text
    return root[0].find("description").text


def both(client, path, **params):
    """The same resource as JSON and as XML."""
    rj = get(client, f"{path}.json", **params)
    rx = get(client, f"{path}.xml", **params)
    return rj, rx


def parse_time(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


def w3c(dt):
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def token_for(client, admin, username):
    r = client.post("/api/admin/tokens", {"username": username, "name": f"open311 {username}"},
                    session=admin)
    assert r.status == 201, r
    return r.body["token"]


@pytest.fixture(scope="module")
def api_key(client, admin):
    return token_for(client, admin, "integrator")


def file(client, api_key, code=PROPERTY, fmt="json", **fields):
    """POSTs a request; returns its service_request_id."""
    form = {"api_key": api_key, "service_code": code, "lat": "30.55", "long": "114.15",
            "description": "小区楼道灯坏了，物业不修"}
    form.update(fields)
    form = {k: v for k, v in form.items() if v is not None}
    r = post_form(client, f"{V2}/requests.{fmt}", form)
    assert r.status == 201, r
    if fmt == "json":
        return r.body[0]["service_request_id"]
    return xml_of(r).find("request/service_request_id").text


def one(client, rid, **params):
    r = get(client, f"{V2}/requests/{rid}.json", **params)
    assert r.status == 200, r
    assert len(r.body) == 1
    return r.body[0]


def case_of(client, rid, who="dispatcher-zhang"):
    """The staff view of a request."""
    r = client.get(f"/api/cases/{rid}", session=client.login(who))
    assert r.status == 200, r
    return r.body


def act(client, who, rid, action, body=None):
    r = client.post(f"/api/cases/{case_of(client, rid)['id']}/{action}", body or {},
                    session=client.login(who))
    assert r.status == 200, r
    return r.body


def inside(ring, x, y):
    hit = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            hit = not hit
    return hit


def point_in(district_code):
    """A point well inside a district of data/demo/districts.geojson (and in no other)."""
    geo = json.loads((DATA / "demo" / "districts.geojson").read_text())
    rings = {f["properties"]["code"]: f["geometry"]["coordinates"][0] for f in geo["features"]}
    ring = rings[district_code]
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    for i in range(1, 20):
        for j in range(1, 20):
            x = min(xs) + (max(xs) - min(xs)) * i / 20
            y = min(ys) + (max(ys) - min(ys)) * j / 20
            if inside(ring, x, y) and not any(inside(r, x, y) for c, r in rings.items()
                                              if c != district_code):
                return round(y, 6), round(x, 6)
    raise AssertionError(district_code)


# ---- discovery and services -------------------------------------------------------------------

def test_discovery_in_both_formats(client):
    rj, rx = both(client, f"{V2}/discovery")
    assert rj.status == 200 and rx.status == 200
    d = json_of(rj)
    check_fields(d, DISCOVERY, "discovery")
    assert len(d["endpoints"]) == 1
    ep = d["endpoints"][0]
    check_fields(ep, ENDPOINT, "endpoint")
    assert ep["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert ep["type"] in ("production", "test")
    assert set(ep["formats"]) == {"text/xml", "application/json"}
    assert ep["url"].endswith("/open311/v2") and ep["changeset"] == d["changeset"]
    root = xml_of(rx)
    assert root.tag == "discovery"
    check_xml_matches(root, d, "discovery")
    assert [f.tag for f in root.find("endpoints/endpoint/formats")] == ["format", "format"]


def test_services_in_both_formats(client):
    rj, rx = both(client, f"{V2}/services")
    services = json_of(rj)
    assert isinstance(services, list) and len(services) >= 100
    for s in services:
        check_fields(s, SERVICE, s.get("service_code"))
        assert s["type"] == "realtime"
    codes = [s["service_code"] for s in services]
    assert len(codes) == len(set(codes)) and codes == sorted(codes)
    light = next(s for s in services if s["service_code"] == STREETLIGHT)
    assert light["service_name"] == "路灯不亮" and light["description"] == "Streetlight out"
    assert light["group"] == "市政设施" and light["metadata"] is True
    assert light["keywords"] == "路灯,不亮,灯坏了,照明"
    assert next(s for s in services if s["service_code"] == PROPERTY)["metadata"] is False
    root = xml_of(rx)
    assert root.tag == "services" and len(root) == len(services)
    for el, s in zip(root, services):
        assert el.tag == "service"
        check_xml_matches(el, s, s["service_code"])
    # Chinese kept as UTF-8 bytes, not escaped
    assert "<service_name>路灯不亮</service_name>".encode() in rx.raw


def test_service_definition_covers_every_datatype(client):
    rj, rx = both(client, f"{V2}/services/{STREETLIGHT}")
    d = json_of(rj)
    check_fields(d, DEFINITION, "definition")
    assert d["service_code"] == STREETLIGHT
    kinds = set()
    for a in d["attributes"]:
        is_list = a["datatype"] in ("singlevaluelist", "multivaluelist")
        check_fields(a, ATTRIBUTE_LIST if is_list else ATTRIBUTE, a.get("code"))
        kinds.add(a["datatype"])
        if is_list:
            assert a["values"], a
            for v in a["values"]:
                check_fields(v, VALUE, a["code"])
    assert kinds == {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
    orders = [a["order"] for a in d["attributes"]]
    assert orders == sorted(orders) and len(set(orders)) == len(orders) and min(orders) >= 1
    assert any(a["variable"] is False for a in d["attributes"])  # an informational one
    root = xml_of(rx)
    assert root.tag == "service_definition"
    check_xml_matches(root, d, "definition")


def test_unknown_service_is_404_in_the_requested_format(client):
    check_error(get(client, f"{V2}/services/999999.json"), 404, "json")
    check_error(get(client, f"{V2}/services/999999.xml"), 404, "xml")
    # a category that is not a leaf is no service either
    check_error(get(client, f"{V2}/services/0201.json"), 404, "json")
    # no format at all: the spec's mandatory XML
    check_error(get(client, f"{V2}/services/{STREETLIGHT}"), 404, "xml")


def test_jurisdiction_is_checked(client, api_key):
    for path in ("services", "requests", "servicerequestupdates"):
        assert get(client, f"{V2}/{path}.json", jurisdiction_id=JURISDICTION).status == 200
        check_error(get(client, f"{V2}/{path}.json", jurisdiction_id="sfgov.org"), 404, "json")
        check_error(get(client, f"{V2}/{path}.xml", jurisdiction_id="sfgov.org"), 404, "xml")
    check_error(get(client, f"{V2}/services/{STREETLIGHT}.xml", jurisdiction_id="x"), 404, "xml")
    r = post_form(client, f"{V2}/requests.json", {"api_key": api_key, "jurisdiction_id": "x",
                                                  "service_code": PROPERTY,
                                                  "address_string": "新华路1号"})
    check_error(r, 404, "json")
    # an empty jurisdiction_id is no jurisdiction_id (the spec's rule for optional arguments)
    assert get(client, f"{V2}/services.json", jurisdiction_id="").status == 200


# ---- POST requests ----------------------------------------------------------------------------

def test_post_json_with_coordinates_lands_in_the_district(client, api_key):
    lat, lng = point_in("d-donghu")
    r = post_form(client, f"{V2}/requests.json", {
        "api_key": api_key, "jurisdiction_id": JURISDICTION, "service_code": PROPERTY,
        "lat": str(lat), "long": str(lng), "description": "物业不清理楼道垃圾",
        "first_name": "三", "last_name": "张", "phone": "138-1234-5678", "email": "z@example.cn",
        "device_id": "dev-1", "account_id": "acct-42",
        "media_url": "https://example.cn/photo.jpg"})
    assert r.status == 201, r
    body = json_of(r)
    assert len(body) == 1
    check_fields(body[0], POSTED, "posted")
    assert "token" not in body[0]  # realtime: never both
    rid = body[0]["service_request_id"]
    assert re.fullmatch(r"\d{8}-\d{5}", rid)
    assert body[0]["account_id"] == "acct-42"
    assert "个工作日内答复" in body[0]["service_notice"]
    staff = case_of(client, rid, "calltaker-wang")  # call-takers see the caller in full
    assert staff["district_id"] == client.unit_id("d-donghu")
    assert staff["channel"] == "open311" and staff["state"] == "registered"
    assert staff["caller"]["phone"] == "13812345678" and staff["caller"]["name"] == "张三"
    req = one(client, rid)
    check_fields(req, REQUEST, rid)
    assert req["status"] == "open" and req["lat"] == lat and req["long"] == lng
    assert req["media_url"] == "https://example.cn/photo.jpg"
    assert req["description"] == "物业不清理楼道垃圾" and req["service_code"] == PROPERTY
    assert req["service_name"] == "物业服务投诉"
    # nothing personal is published
    for secret in ("13812345678", "z@example.cn", "张三", "dev-1", "acct-42"):
        assert secret not in json.dumps(req, ensure_ascii=False)


def test_post_xml_with_an_address_string_or_id(client, api_key):
    r = post_form(client, f"{V2}/requests.xml", {
        "api_key": api_key, "service_code": PROPERTY, "address_string": "东湖区新华路12号",
        "description": "路灯 <不亮> & \"闪烁\""})
    assert r.status == 201, r
    root = xml_of(r)
    assert root.tag == "service_requests" and [c.tag for c in root] == ["request"]
    assert [c.tag for c in root[0]] == list(POSTED)
    rid = root[0].find("service_request_id").text
    x = xml_of(get(client, f"{V2}/requests/{rid}.xml"))
    assert x.find("request/address").text == "东湖区新华路12号"
    assert x.find("request/description").text == "路灯 <不亮> & \"闪烁\""
    assert x.find("request/lat").text is None and x.find("request/long").text is None
    assert one(client, rid)["lat"] is None
    rid2 = file(client, api_key, lat=None, long=None, address_id="A-100234")
    assert one(client, rid2)["address_id"] == "A-100234"


@pytest.mark.parametrize("fields,why", [
    ({}, "no location"),
    ({"lat": "30.55"}, "lat without long"),
    ({"long": "114.15"}, "long without lat"),
    ({"lat": "thirty", "long": "114.15"}, "not a number"),
    ({"lat": "91", "long": "114.15"}, "out of range"),
    ({"lat": "30.5", "long": "-181"}, "out of range"),
    ({"lat": "", "long": "", "address_string": ""}, "empty is absent"),
])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_location_rules(client, api_key, fields, why, fmt):
    form = {"api_key": api_key, "service_code": PROPERTY, "description": why}
    form.update(fields)
    check_error(post_form(client, f"{V2}/requests.{fmt}", form), 400, fmt)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_api_key(client, admin, fmt):
    form = {"service_code": PROPERTY, "address_string": "新华路1号"}
    check_error(post_form(client, f"{V2}/requests.{fmt}", form), 403, fmt)
    for bad in ("", "nonsense", "htk_" + "0" * 64):
        check_error(post_form(client, f"{V2}/requests.{fmt}", dict(form, api_key=bad)), 403, fmt)
    # a staff member's token is no integration's key
    staff = token_for(client, admin, "calltaker-wang")
    check_error(post_form(client, f"{V2}/requests.{fmt}", dict(form, api_key=staff)), 403, fmt)
    # a revoked key
    key = token_for(client, admin, "integrator")
    tokens = client.get("/api/admin/tokens", session=admin).body["tokens"]
    tid = next(t["id"] for t in tokens if key.startswith(t["prefix"]) and not t["revoked_at"])
    assert client.delete(f"/api/admin/tokens/{tid}", session=admin).status == 204
    check_error(post_form(client, f"{V2}/requests.{fmt}", dict(form, api_key=key)), 403, fmt)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_unknown_or_missing_service(client, api_key, fmt):
    form = {"api_key": api_key, "address_string": "新华路1号"}
    check_error(post_form(client, f"{V2}/requests.{fmt}", dict(form, service_code="999999")), 404, fmt)
    check_error(post_form(client, f"{V2}/requests.{fmt}", dict(form, service_code="02")), 404, fmt)
    check_error(post_form(client, f"{V2}/requests.{fmt}", form), 400, fmt)


def test_post_description_up_to_4000_characters(client, api_key):
    rid = file(client, api_key, description="灯" * 4000)  # characters, not bytes
    assert one(client, rid)["description"] == "灯" * 4000
    r = post_form(client, f"{V2}/requests.json", {"api_key": api_key, "service_code": PROPERTY,
                                                  "address_string": "x", "description": "灯" * 4001})
    assert "4000" in check_error(r, 400)


def test_post_refuses_other_bodies(client, api_key):
    r = client.post(f"{V2}/requests.json", {"api_key": api_key, "service_code": PROPERTY,
                                           "address_string": "x"})
    check_error(r, 400)  # JSON is not the spec's form
    r = client.request("POST", f"{V2}/requests.json", raw=b"api_key=%zz",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    check_error(r, 400)


@pytest.mark.parametrize("fields,ok", [
    ({"attribute[lamp_count]": "3", "attribute[lamp_type]": "street"}, True),
    ({"attribute[lamp_count]": "2.5", "attribute[lamp_type]": "garden",
      "attribute[pole_number]": "DH-0123", "attribute[since]": "2026-03-02T19:00:00+08:00",
      "attribute[details]": "第一行\n第二行", "attribute[times][]": ["night", "dawn"]}, True),
    ({"attribute[lamp_type]": "street"}, False),                          # required number
    ({"attribute[lamp_count]": "three", "attribute[lamp_type]": "street"}, False),
    ({"attribute[lamp_count]": "3", "attribute[lamp_type]": "neon"}, False),
    ({"attribute[lamp_count]": "3", "attribute[lamp_type]": ["street", "garden"]}, False),
    ({"attribute[lamp_count]": "3", "attribute[lamp_type]": "street",
      "attribute[since]": "yesterday"}, False),
    ({"attribute[lamp_count]": "3", "attribute[lamp_type]": "street",
      "attribute[times][]": ["night", "noon"]}, False),
    ({"attribute[lamp_count]": "3", "attribute[lamp_type]": "street",
      "attribute[pole_number]": "a\nb"}, False),                            # string: one line
    ({"attribute[lamp_count]": "3", "attribute[lamp_type]": "street", "attribute[x": "1"}, False),
])
def test_post_attributes_by_datatype(client, api_key, fields, ok):
    form = {"api_key": api_key, "service_code": STREETLIGHT, "lat": "30.55", "long": "114.15"}
    form.update(fields)
    r = post_form(client, f"{V2}/requests.json", form)
    if not ok:
        assert "attribute[" in check_error(r, 400)
        return
    assert r.status == 201, r
    req = one(client, r.body[0]["service_request_id"], extensions="true")
    check_fields(req, EXTENDED)
    got = {}
    for a in req["attributes"]:
        check_fields(a, ANSWER)
        got.setdefault(a["code"], []).append(a["value"])
    want = {}
    for k, v in fields.items():
        code = k[len("attribute["):].split("]")[0]
        want[code] = sorted(v if isinstance(v, list) else [v])
    assert {k: sorted(v) for k, v in got.items()} == want


def test_post_required_list_of_another_service(client, api_key):
    form = {"api_key": api_key, "service_code": MANHOLE, "address_string": "新华路口"}
    check_error(post_form(client, f"{V2}/requests.xml", form), 400, "xml")
    r = post_form(client, f"{V2}/requests.xml", dict(form, **{"attribute[cover_state]": "missing"}))
    assert r.status == 201, r


# ---- the lifecycle through Open311 -------------------------------------------------------------

def test_round_trip_open_to_closed(client, api_key):
    lat, lng = point_in("d-donghu")
    t0 = server_now(timezone.utc) - timedelta(seconds=2)
    rid = file(client, api_key, lat=str(lat), long=str(lng), description="楼道堆满杂物")
    req = one(client, rid)
    centre = client.unit_by_code("centre")["name_zh"]
    assert req["status"] == "open" and req["agency_responsible"] == centre
    assert req["expected_datetime"] is None and req["status_notes"] == ""
    # the catalogue routes the matter to the district the point lies in
    cat = client.category_id(PROPERTY)
    district = case_of(client, rid)["district_id"]
    r = client.get(f"/api/routing/resolve?category={cat}&district={district}",
                   session=client.login("dispatcher-zhang"))
    unit = r.body["unit"]
    assert unit["code"] == "d-donghu"
    act(client, "dispatcher-zhang", rid, "dispatch", {"unit_id": unit["id"]})
    req = one(client, rid)
    assert req["status"] == "open" and req["agency_responsible"] == unit["name_zh"]
    act(client, "handler-donghu", rid, "sign")
    req = one(client, rid)
    staff = case_of(client, rid)
    assert req["status"] == "open"
    assert parse_time(req["expected_datetime"]) == parse_time(staff["deadlines"]["reply"])
    act(client, "handler-donghu", rid, "reply", {"reply": "已督促物业清理，楼道已恢复通畅"})
    req = one(client, rid, extensions="true")
    assert req["status"] == "closed"  # 办结: the unit has answered
    assert req["status_notes"] == "已督促物业清理，楼道已恢复通畅"
    assert parse_time(req["updated_datetime"]) >= parse_time(req["requested_datetime"])
    assert [n["type"] for n in req["notes"]] == ["register", "dispatch", "sign", "reply"]
    for n in req["notes"]:
        check_fields(n, NOTE)
    assert unit["name_zh"] in req["notes"][1]["description"]
    assert req["notes"][3]["description"] == req["status_notes"]
    act(client, "visitor-liu", rid, "visit",
        {"reachable": True, "solved": True, "satisfaction": "satisfied"})
    assert case_of(client, rid)["state"] == "closed"
    assert one(client, rid)["status"] == "closed"
    # the feed saw every public step, in order, with the status after each
    r = get(client, f"{V2}/servicerequestupdates.json", start_date=w3c(t0))
    ups = [u for u in json_of(r) if u["service_request_id"] == rid]
    for u in ups:
        check_fields(u, UPDATE, "update")
    assert [u["status"] for u in ups] == ["open", "open", "open", "closed", "closed", "closed"]
    assert ups[3]["description"] == "已督促物业清理，楼道已恢复通畅"
    ids = [int(u["update_id"]) for u in ups]
    assert ids == sorted(ids)
    rx = get(client, f"{V2}/servicerequestupdates.xml", start_date=w3c(t0))
    root = xml_of(rx)
    assert root.tag == "service_requests_updates"
    feed = json_of(r)
    assert len(root) == len(feed)
    for el, u in zip(root, feed):
        assert el.tag == "request_update"
        check_xml_matches(el, u, "update")


def test_status_mapping_of_other_states(client, api_key):
    unit = client.unit_id("d-donghu")
    a = file(client, api_key)
    act(client, "dispatcher-zhang", a, "dispatch", {"unit_id": unit})
    act(client, "handler-donghu", a, "request_return", {"reason": "不属我区", "basis": "行政区划"})
    assert case_of(client, a)["state"] == "return_pending"
    assert one(client, a)["status"] == "open"
    b = file(client, api_key)
    act(client, "dispatcher-zhang", b, "merge", {"into": case_of(client, a)["id"]})
    assert case_of(client, b)["state"] == "merged"
    assert one(client, b)["status"] == "closed"
    c = file(client, api_key)
    act(client, "dispatcher-zhang", c, "invalidate", {"reason": "重复来电"})
    assert one(client, c)["status"] == "closed"
    # the status filter follows the same mapping
    r = get(client, f"{V2}/requests.json", status="open")
    assert a in [x["service_request_id"] for x in r.body]
    assert all(x["status"] == "open" for x in r.body)
    r = get(client, f"{V2}/requests.json", status="closed")
    assert {b, c} <= {x["service_request_id"] for x in r.body}
    assert all(x["status"] == "closed" for x in r.body)
    r = get(client, f"{V2}/requests.json", status="open,closed")
    assert {a, b, c} <= {x["service_request_id"] for x in r.body}
    check_error(get(client, f"{V2}/requests.json", status="pending"), 400)


def test_confidential_requests_are_not_published(client):
    r = client.post("/api/cases", {"caller_name": "李四", "caller_phone": "13900002222",
                                   "category_id": client.category_id(PROPERTY),
                                   "confidential": True, "text": "举报物业经理收受回扣"},
                    session=client.login("calltaker-wang"))
    assert r.status == 201, r
    number = r.body["number"]
    check_error(get(client, f"{V2}/requests/{number}.json"), 404)
    r = get(client, f"{V2}/requests.json", service_request_id=number)
    assert r.status == 200 and r.body == []
    assert number not in get(client, f"{V2}/requests.json").raw.decode()


# ---- GET requests: filters -----------------------------------------------------------------

def test_requests_list_in_both_formats(client, api_key):
    file(client, api_key, code=STREETLIGHT, **{"attribute[lamp_count]": "1",
                                               "attribute[lamp_type]": "street"})
    rj, rx = both(client, f"{V2}/requests")
    items = json_of(rj)
    assert items and len(items) <= 1000
    for it in items:
        check_fields(it, REQUEST, it.get("service_request_id"))
        assert it["status"] in ("open", "closed")
    times = [parse_time(i["requested_datetime"]) for i in items]
    assert times == sorted(times, reverse=True)  # newest first
    root = xml_of(rx)
    assert root.tag == "service_requests" and len(root) == len(items)
    for el, it in zip(root, items):
        assert el.tag == "request"
        check_xml_matches(el, it, it["service_request_id"])
    assert "<service_name>路灯不亮</service_name>".encode() in rx.raw


def test_service_request_id_overrides_the_other_filters(client, api_key):
    a, b = file(client, api_key), file(client, api_key, code=MANHOLE,
                                       **{"attribute[cover_state]": "broken"})
    r = get(client, f"{V2}/requests.json", service_request_id=f"{a}, {b}", status="closed",
            service_code="999999", start_date="2001-01-01T00:00:00Z")
    assert r.status == 200, r
    assert sorted(x["service_request_id"] for x in r.body) == sorted([a, b])
    r = get(client, f"{V2}/requests.json", service_request_id="19990101-00001")
    assert r.status == 200 and r.body == []


def test_service_code_filter(client, api_key):
    a = file(client, api_key, code=MANHOLE, **{"attribute[cover_state]": "sunken"})
    file(client, api_key)
    r = get(client, f"{V2}/requests.json", service_code=MANHOLE)
    assert a in [x["service_request_id"] for x in r.body]
    assert {x["service_code"] for x in r.body} == {MANHOLE}
    r = get(client, f"{V2}/requests.json", service_code=f"{MANHOLE},{PROPERTY}")
    assert {x["service_code"] for x in r.body} == {MANHOLE, PROPERTY}
    check_error(get(client, f"{V2}/requests.json", service_code="999999"), 400)


@pytest.mark.parametrize("params", [
    {"start_date": "yesterday"},
    {"end_date": "2026-13-01T00:00:00Z"},
    {"start_date": "2026-03-10T00:00:00Z", "end_date": "2026-03-01T00:00:00Z"},
    {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-04-01T00:00:01Z"},  # > 90 days
    {"page": "0"}, {"page_size": "1001"}, {"page_size": "x"},
])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_dates_and_pages_are_400(client, params, fmt):
    check_error(get(client, f"{V2}/requests.{fmt}", **params), 400, fmt)
    check_error(get(client, f"{V2}/servicerequestupdates.{fmt}", **params), 400, fmt)


def test_the_90_day_rule(client, api_key):
    rid = file(client, api_key)
    now = server_now(timezone.utc)
    # exactly 90 days is allowed; the default window is the last 90 days
    end = now + timedelta(seconds=5)
    r = get(client, f"{V2}/requests.json", start_date=w3c(end - timedelta(days=90)),
            end_date=w3c(end))
    assert r.status == 200 and rid in [x["service_request_id"] for x in r.body]
    assert rid in [x["service_request_id"] for x in get(client, f"{V2}/requests.json").body]
    # a window before the request does not have it; one side alone spans 90 days
    r = get(client, f"{V2}/requests.json", end_date=w3c(now - timedelta(days=1)))
    assert r.status == 200 and rid not in [x["service_request_id"] for x in r.body]
    r = get(client, f"{V2}/requests.json", start_date=w3c(now - timedelta(days=89)))
    assert rid in [x["service_request_id"] for x in r.body]
    r = get(client, f"{V2}/requests.json", start_date=w3c(now - timedelta(days=200)))
    assert rid not in [x["service_request_id"] for x in r.body]
    # dates with an offset and local ones (no offset: the city's time) both parse
    local = (now + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%S")
    assert get(client, f"{V2}/requests.json", end_date=local).status == 200


def test_page_and_page_size(client, api_key):
    for _ in range(3):
        file(client, api_key)
    p1 = get(client, f"{V2}/requests.json", page_size="2").body
    p2 = get(client, f"{V2}/requests.json", page_size="2", page="2").body
    assert len(p1) == 2 and len(p2) == 2
    assert not {x["service_request_id"] for x in p1} & {x["service_request_id"] for x in p2}
    allr = get(client, f"{V2}/requests.json", page_size="4").body
    assert [x["service_request_id"] for x in allr] == [x["service_request_id"] for x in p1 + p2]
    root = xml_of(get(client, f"{V2}/requests.xml", page_size="3"))
    assert len(root) == 3


def test_single_request_and_token(client, api_key):
    rid = file(client, api_key, fmt="xml")
    rj, rx = both(client, f"{V2}/requests/{rid}")
    body = json_of(rj)
    assert isinstance(body, list) and len(body) == 1  # the same list shape as GET requests
    check_fields(body[0], REQUEST, rid)
    root = xml_of(rx)
    assert root.tag == "service_requests" and [c.tag for c in root] == ["request"]
    check_xml_matches(root[0], body[0], rid)
    check_error(get(client, f"{V2}/requests/19990101-00001.json"), 404, "json")
    check_error(get(client, f"{V2}/requests/19990101-00001.xml"), 404, "xml")
    tj, tx = both(client, f"{V2}/tokens/{rid}")
    t = json_of(tj)
    assert len(t) == 1
    check_fields(t[0], TOKEN, "token")
    assert t[0] == {"service_request_id": rid, "token": rid}
    check_xml_matches(xml_of(tx)[0], t[0], "token")
    check_error(get(client, f"{V2}/tokens/nope.json"), 404, "json")
    check_error(get(client, f"{V2}/tokens/nope.xml"), 404, "xml")


# ---- what real cities send ---------------------------------------------------------------------

def need_reference():
    if not REFERENCE.is_dir():
        pytest.skip(f"no shared reference data at {REFERENCE} (../shared/data is absent)")


def json_types(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    return type(v).__name__


def real_fields(name):
    """{field: set of non-null JSON types} over a real payload (a JSON array of objects)."""
    out = {}
    for item in json.loads((REFERENCE / name).read_text()):
        for k, v in item.items():
            out.setdefault(k, set())
            if v is not None:
                out[k].add(json_types(v))
    return out


def assert_carries(ours, fields, where):
    """Every field of the real payload is in ours, with a type the real payload uses (null
    is how both say "nothing here", so it matches any type)."""
    for k, types in fields.items():
        assert k in ours, (where, k)
        if ours[k] is not None and types:
            assert json_types(ours[k]) in types, (where, k, ours[k], types)


@pytest.mark.parametrize("name", ["bloomington_requests.json", "chicago_requests_sample.json",
                                  "boston_requests_page.json"])
def test_real_request_fields_are_ours(client, api_key, name):
    need_reference()
    rid = file(client, api_key, address_string="东湖区新华路12号", address_id="A-1",
               media_url="https://example.cn/a.jpg")
    act(client, "dispatcher-zhang", rid, "dispatch", {"unit_id": client.unit_id("d-donghu")})
    act(client, "handler-donghu", rid, "sign")
    act(client, "handler-donghu", rid, "reply", {"reply": "已处理"})
    ours = one(client, rid)
    assert_carries(ours, real_fields(name), name)


def test_real_service_fields_are_ours(client):
    need_reference()
    ours = get(client, f"{V2}/services.json").body
    for s in ours:
        assert_carries(s, real_fields("bloomington_services.json"), "bloomington_services")
    # XML: Giessen's services.xml (German, non-ASCII) has no element we lack
    giessen = ET.parse(REFERENCE / "giessen_services.xml").getroot()
    root = xml_of(get(client, f"{V2}/services.xml"))
    assert giessen.tag == root.tag
    ours_tags = {c.tag for c in root[0]}
    for svc in giessen:
        assert svc.tag == root[0].tag
        assert {c.tag for c in svc} <= ours_tags, {c.tag for c in svc} - ours_tags


def test_real_xml_request_elements_are_ours(client, api_key):
    need_reference()
    toronto = ET.parse(REFERENCE / "toronto_requests_sample.xml").getroot()
    rid = file(client, api_key)
    root = xml_of(get(client, f"{V2}/requests/{rid}.xml"))
    assert toronto.tag == root.tag and toronto[0].tag == root[0].tag
    for req in toronto:
        assert {c.tag for c in req} <= {c.tag for c in root[0]}
        for c in req:
            assert len(c) == 0  # flat, as ours
    assert all(len(c) == 0 for c in root[0])


# ---- hotline import --open311 ----------------------------------------------------------------

def run_import(db, *extra):
    env = dict(os.environ)
    env.update(SANITIZER_ENV)
    p = subprocess.run([BIN, "import", "--open311", str(BOSTON_PAGE), "--db", str(db),
                        "--city", "Boston", *extra],
                       capture_output=True, text=True, env=env, timeout=300)
    assert not sanitizer_problems(0, p.stderr), p.stderr
    return p


@pytest.fixture(scope="module")
def boston():
    """A demo city with Boston's page imported, served on its own."""
    if not BOSTON_PAGE.is_file():
        pytest.skip(f"no {BOSTON_PAGE} (../shared/data is absent)")
    with tempfile.TemporaryDirectory(prefix="hotline-o311-") as tmp:
        db = Path(tmp) / "b.db"
        init_db(db)
        first = run_import(db)
        second = run_import(db)
        srv = Server(db)
        try:
            yield srv.client, first, second, db
        finally:
            rc, err = srv.stop()
            problems = sanitizer_problems(rc, err)
            assert not problems, err[-5000:]


def test_import_counts_and_idempotence(boston):
    _, first, second, db = boston
    records = json.loads(BOSTON_PAGE.read_text())
    unique = len({r["service_request_id"] for r in records})
    assert first.returncode == 0, first.stderr
    m = re.search(r"(\d+) imported, (\d+) already there or repeated \((\d+) repeats in the file\), "
                  r"(\d+) rejected, (\d+) failed", first.stdout)
    assert m, first.stdout
    assert int(m.group(1)) == unique and int(m.group(3)) == len(records) - unique
    assert int(m.group(4)) == 0 and int(m.group(5)) == 0
    assert second.returncode == 0, second.stderr
    assert re.search(r" 0 imported, %d already there" % len(records), second.stdout), second.stdout
    env = dict(os.environ)
    env.update(SANITIZER_ENV)
    p = subprocess.run([BIN, "check", "--db", str(db)], capture_output=True, text=True, env=env,
                       timeout=120)
    assert p.returncode == 0 and f"{unique} checked, 0 differ" in p.stdout + p.stderr, p


def test_imported_requests_round_trip(boston):
    client = boston[0]
    records = json.loads(BOSTON_PAGE.read_text())
    first = {}
    for r in records:
        first.setdefault(r["service_request_id"], r)
    # every request is listed once across 90-day windows over the page's span
    times = sorted(parse_time(r["requested_datetime"]) for r in first.values())
    seen = []
    t = times[0]
    while t <= times[-1]:
        r = get(client, f"{V2}/requests.json", start_date=w3c(t),
                end_date=w3c(t + timedelta(days=90, seconds=-1)),
                service_code="4f389210e75084437f0001de")
        assert r.status == 200, r
        assert len(r.body) < 1000
        seen += [x["service_request_id"] for x in r.body]
        t += timedelta(days=90)
    assert len(seen) == len(set(seen)) == len(first)
    # and a sample of them field by field, found by Boston's own id
    samples = [r for r in first.values() if r["status"] == "closed"][:5] + \
              [r for r in first.values() if r["status"] == "open"][:5]
    for src in samples:
        got = one(client, src["service_request_id"])
        check_fields(got, REQUEST, src["service_request_id"])
        for k in ("status", "service_name", "service_code", "address"):
            assert got[k] == src[k], (k, got[k], src[k])
        assert got["description"] == src.get("description", "")
        assert got["media_url"] == src.get("media_url", "")
        assert got["status_notes"] == (src.get("status_notes", "") if src["status"] == "closed"
                                       else "")
        assert got["lat"] == src["lat"] and got["long"] == src["long"]  # exact doubles
        req = parse_time(src["requested_datetime"])
        assert parse_time(got["requested_datetime"]) == req
        assert parse_time(got["updated_datetime"]) == max(req, parse_time(src["updated_datetime"]))
        assert got["agency_responsible"] == "Boston 311"
    # the history's services are not offered for new requests
    codes = [s["service_code"] for s in get(client, f"{V2}/services.json").body]
    assert "4f389210e75084437f0001de" not in codes
