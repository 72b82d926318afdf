"""Every way a request is refused reaches the caller once, with its reason: the helpers of the
API record a refusal (status, code, message, field) and one place answers it — the dispatcher
in the JSON error shape, the Open311 handlers in the spec's shape (docs/internals.md, "the life
of a request"). One request per refusing helper; each must answer exactly that refusal (not a
500 "no response" when nobody answered it, not another answer over it)."""
import urllib.parse

import pytest

from conftest import assert_error, uniq

V2 = "/open311/v2"
PROPERTY = "010101"  # a third-level category
OFFICE = "01"        # a first-level one


@pytest.fixture(scope="module")
def ids(client, admin):
    """Objects the refusals name: a case no unit holds yet, units, categories."""
    s = client.login("calltaker-wang")
    r = client.post("/api/cases", {"caller_phone": "13500004444", "caller_name": "拒绝",
                                   "category_id": client.category_id(PROPERTY),
                                   "text": "拒绝测试 " + uniq()}, session=s)
    assert r.status == 201, r
    return {"case": r.body["id"], "xishan": client.unit_id("d-xishan"),
            "donghu": client.unit_id("d-donghu"),
            "street": client.unit_id("s-donghu-xinhua"),
            "office": client.category_id(OFFICE)}


# (name, who, method, path, JSON body, status, code, field); {key} in the path or in string
# values of the body is replaced by ids[key].
JSON_CASES = [
    # api_body
    ("body", "admin", "POST", "/api/admin/units", {}, 400, "missing_field", "code"),
    # the dispatcher's own checks
    ("unauthenticated", None, "GET", "/api/cases", None, 401, "unauthenticated", None),
    ("role", "visitor-liu", "POST", "/api/admin/units", {}, 403, "forbidden", None),
    # api_query_int / api_query_time / the search filters
    ("query_int", "calltaker-wang", "GET", "/api/cases?page=0", None, 400, "invalid_field",
     "page"),
    ("query_time", "calltaker-wang", "GET", "/api/cases?from=soon", None, 400,
     "invalid_field", "from"),
    ("states", "calltaker-wang", "GET", "/api/cases?state=lost", None, 400, "invalid_field",
     "state"),
    ("sort", "calltaker-wang", "GET", "/api/queues/mine?sort=best", None, 400,
     "invalid_field", "sort"),
    ("phone_role", "handler-donghu", "GET", "/api/cases?phone=13500004444", None, 403,
     "forbidden", "phone"),
    ("export_filters", "calltaker-wang", "GET", "/api/export/cases.csv?urgency=now", None, 400,
     "invalid_field", "urgency"),
    # api_case_load and case_view_may_read
    ("case_missing", "calltaker-wang", "GET", "/api/cases/999999", None, 404, "not_found",
     None),
    ("case_scope", "handler-xishan", "GET", "/api/cases/{case}", None, 404, "not_found", None),
    ("reveal_missing", "calltaker-wang", "POST", "/api/cases/999999/reveal", {"reason": "x"},
     404, "not_found", None),
    ("dups_scope", "dispatcher-zhang", "GET", "/api/cases/999999/duplicates", None, 404,
     "not_found", None),
    ("suggestions_missing", "calltaker-wang", "GET", "/api/cases/999999/suggestions", None,
     404, "not_found", None),
    # registration: api_case_category, check_location in api_case_commit
    ("category", "calltaker-wang", "POST", "/api/cases",
     {"caller_phone": "13500004444", "category_id": "{office}", "text": "x"}, 422,
     "invalid_field", "category_id"),
    ("street", "calltaker-wang", "POST", "/api/cases",
     {"caller_phone": "13500004444", "category_id": "{property}", "text": "x",
      "street_id": "{donghu}"}, 422, "invalid_field", "street_id"),
    ("district", "calltaker-wang", "POST", "/api/cases",
     {"caller_phone": "13500004444", "category_id": "{property}", "text": "x",
      "district_id": "{street}"}, 422, "invalid_field", "district_id"),
    # api_kb_answer_article, inside an action
    ("article", "calltaker-wang", "POST", "/api/cases/{case}/answer",
     {"answer": "x", "article_id": 999999}, 422, "invalid_field", "article_id"),
    # api_period, the analytics filters, the trees
    ("period", "supervisor-chen", "GET", "/api/appraisal?period=someday", None, 400,
     "invalid_field", "period"),
    ("volume_one_filter", "supervisor-chen", "GET",
     "/api/analytics/volume?period=2026-11&district={donghu}&street={street}", None, 400,
     "invalid_field", "district"),
    ("volume_category", "supervisor-chen", "GET",
     "/api/analytics/volume?period=2026-11&category=999999", None, 422, "invalid_field",
     "category"),
    ("hot_topics", "supervisor-chen", "GET", "/api/analytics/hot-topics?period=2026-11&level=9",
     None, 400, "invalid_field", "level"),
    ("durations", "supervisor-chen", "GET", "/api/analytics/durations?period=2026-11&level=0",
     None, 400, "invalid_field", "level"),
    ("calls_period", "supervisor-chen", "GET", "/api/analytics/calls?period=x", None, 400,
     "invalid_field", "period"),
    ("export_period", "supervisor-chen", "GET", "/api/export/appraisal.xlsx?period=x", None,
     400, "invalid_field", "period"),
    # api_require_unit
    ("drill_scope", "handler-donghu", "GET",
     "/api/appraisal/{xishan}/drill?period=2026-11&indicator=response&part=numerator", None,
     403, "forbidden", None),
    ("unit_scope", "handler-donghu", "GET", "/api/units/{xishan}", None, 403, "forbidden",
     None),
    # the handlers' own helpers
    ("unit_missing", "admin", "GET", "/api/units/999999", None, 404, "not_found", None),
    ("user_missing", "admin", "GET", "/api/admin/users/999999", None, 404, "not_found", None),
    ("user_role", "admin", "POST", "/api/admin/users",
     {"username": "refused-role", "display_name": "x", "role": "king", "unit_id": 1,
      "password": "long enough"}, 422, "invalid_field", "role"),
    ("category_missing", "admin", "GET", "/api/categories/999999", None, 404, "not_found",
     None),
    ("leaf_fields", "admin", "PATCH", "/api/admin/categories/{property}",
     {"urgency": "urgent"}, 422, "invalid_field", "request_type"),
    ("calendar_date", "admin", "PUT", "/api/admin/calendar/someday", {"kind": "off"}, 400,
     "invalid_field", "date"),
    ("audit_page", "admin", "GET", "/api/admin/audit?page_size=0", None, 400, "invalid_field",
     "page_size"),
    ("calls_time", "supervisor-chen", "GET", "/api/calls?to=later", None, 400,
     "invalid_field", "to"),
    ("call_agent", "integrator", "POST", "/api/calls",
     {"call_id": "refused-call", "event": "answered", "agent": "nobody"}, 422,
     "invalid_field", "agent"),
    ("kb_article_missing", "calltaker-wang", "GET", "/api/kb/articles/999999", None, 404,
     "not_found", None),
    ("kb_date", "calltaker-wang", "POST", "/api/kb/articles",
     {"title": "t", "body": "b", "valid_from": "2026-13-45"}, 422, "invalid_field", "valid_from"),
    ("kb_refs", "calltaker-wang", "POST", "/api/kb/articles",
     {"title": "t", "body": "b", "category_id": 999999}, 422, "invalid_field", "category_id"),
    ("kb_scope", "handler-donghu", "POST", "/api/kb/articles",
     {"title": "t", "body": "b", "unit_id": "{xishan}"}, 403, "forbidden", None),
    ("kb_days", "calltaker-wang", "GET", "/api/kb/maintenance?days=0", None, 400,
     "invalid_field", "days"),
    ("suggest_id", "calltaker-wang", "GET", "/api/suggest?text=x&district=north", None, 400,
     "invalid_type", "district"),
    ("routing_ids", "calltaker-wang", "GET", "/api/routing/resolve?category=a&district=b",
     None, 400, "invalid_type", "district"),
]


def fill(v, ids):
    if isinstance(v, str) and v.startswith("{") and v.endswith("}") and v[1:-1] in ids:
        return ids[v[1:-1]]
    if isinstance(v, dict):
        return {k: fill(x, ids) for k, x in v.items()}
    return v


@pytest.mark.parametrize("name,who,method,path,body,status,code,field", JSON_CASES,
                         ids=[c[0] for c in JSON_CASES])
def test_json_refusal_is_answered_once(client, ids, name, who, method, path, body, status,
                                       code, field):
    ids = dict(ids, property=client.category_id(PROPERTY))
    session = client.login(who) if who else None
    r = client.request(method, path.format(**ids), body=fill(body, ids), session=session)
    assert_error(r, status, code, field)
    assert "no response" not in r.error["message"]  # a refusal nobody answered


def post_form(client, path, fields):
    return client.request("POST", path, raw=urllib.parse.urlencode(fields).encode(),
                          headers={"Content-Type": "application/x-www-form-urlencoded"})


def open311_error(r, status, fmt):
    """The spec's error shape, once: [{"code","description"}] / <errors><error>…."""
    assert r.status == status, r
    if fmt == "json":
        assert r.headers["Content-Type"].startswith("application/json"), r
        assert isinstance(r.body, list) and len(r.body) == 1, r
        assert set(r.body[0]) == {"code", "description"} and r.body[0]["code"] == status, r
        return r.body[0]["description"]
    assert r.headers["Content-Type"].startswith("text/xml"), r
    assert r.raw.count(b"<errors>") == 1 and r.raw.count(b"<error>") == 1, r
    assert f"<code>{status}</code>".encode() in r.raw, r
    return r.raw.decode().split("<description>")[1].split("</description>")[0]


OPEN311_CASES = [
    # (name, path with {fmt}, query, status)
    ("jurisdiction", "/services.{fmt}", {"jurisdiction_id": "elsewhere.example"}, 404),
    ("start_date", "/requests.{fmt}", {"start_date": "soon"}, 400),
    ("window", "/requests.{fmt}", {"start_date": "2026-03-02T00:00:00+08:00",
                                   "end_date": "2026-01-02T00:00:00+08:00"}, 400),
    ("page", "/requests.{fmt}", {"page_size": "0"}, 400),
    ("unknown_request", "/requests/none-such.{fmt}", {}, 404),
    ("unknown_token", "/tokens/none-such.{fmt}", {}, 404),
    ("updates_page", "/servicerequestupdates.{fmt}", {"page": "x"}, 400),
]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("name,path,query,status", OPEN311_CASES,
                         ids=[c[0] for c in OPEN311_CASES])
def test_open311_refusal_is_answered_once_in_its_format(client, fmt, name, path, query, status):
    q = urllib.parse.urlencode(query)
    r = client.get(V2 + path.format(fmt=fmt) + (f"?{q}" if q else ""))
    assert open311_error(r, status, fmt)


def test_open311_without_a_format_refuses_in_xml(client):
    assert "add .xml or .json" in open311_error(client.get(f"{V2}/services/{PROPERTY}"), 404,
                                                "xml")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_post_refusals_in_its_format(client, fmt):
    path = f"{V2}/requests.{fmt}"
    assert "api_key" in open311_error(post_form(client, path, {"service_code": PROPERTY}), 403,
                                      fmt)
    r = client.request("POST", path, raw=b"service_code=" + PROPERTY.encode(),
                       headers={"Content-Type": "text/plain"})
    assert "x-www-form-urlencoded" in open311_error(r, 400, fmt)
    r = post_form(client, path, {"service_code": PROPERTY, "jurisdiction_id": "elsewhere.example"})
    assert "jurisdiction_id" in open311_error(r, 404, fmt)
