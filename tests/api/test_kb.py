"""The knowledge base (GET /api/kb/search, /api/kb/articles[/:id], /api/kb/maintenance): search
that finds two- and three-character Chinese terms, English words and numbers, ranked by
relevance, articles in force only unless asked; who may write which article; the direct answer
that cites an article (which must exist); and the maintenance report."""
import uuid
from datetime import timedelta, timezone

import pytest

from conftest import assert_error, server_now

CST = timezone(timedelta(hours=8))
SEARCH = "/api/kb/search"
ARTICLES = "/api/kb/articles"


def day(offset):
    return (server_now(CST) + timedelta(days=offset)).strftime("%Y-%m-%d")


def tag():
    """A word no other article has, so a search sees only this test's articles."""
    return "kbt" + uuid.uuid4().hex[:8]


def create(client, who="calltaker-wang", status=201, **body):
    body.setdefault("body", "正文")
    r = client.post(ARTICLES, body, session=client.login(who))
    assert r.status == status, r
    return r.body


def search(client, q, who="calltaker-wang", **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    from urllib.parse import quote
    r = client.get(f"{SEARCH}?q={quote(q)}" + (f"&{query}" if query else ""),
                   session=client.login(who))
    assert r.status == 200, r
    return r.body


def titles(result):
    return [a["title"] for a in result["items"]]


def test_demo_articles_are_searchable(client):
    """The demo knowledge base (data/demo/kb_articles.json): two-character terms — what the
    FTS5 trigram tokenizer silently misses — three-character terms and English."""
    for q, want in [("社保", "社保"), ("医保报销", "医保"), ("公积金提取", "公积金"),
                    ("居住证", "居住证"), ("垃圾分类", "垃圾分类"), ("违章停车", "停车"),
                    ("噪音", "噪音"), ("燃气泄漏", "燃气泄漏")]:
        res = search(client, q)
        assert res["total"] >= 1, q
        assert want in res["items"][0]["title"], (q, titles(res))
    res = search(client, "street light")
    assert titles(res)[0].startswith("English service"), titles(res)
    assert res["items"][0]["snippet"].count("【street】") >= 1


def test_search_terms_and_ranking(client):
    t = tag()
    a = create(client, title=f"停水通知查询 {t}", body="计划停水提前一天在公众号发布。")
    b = create(client, title=f"水费缴纳 {t}", body="停水期间不计水费，水费可网上缴纳，客服电话96116。")
    c = create(client, title=f"Water service {t}", body="Report a burst water pipe; pay the bill online.")
    # the title counts more than the body
    res = search(client, f"停水 {t}")
    assert titles(res)[:2] == [a["title"], b["title"]], titles(res)
    # numbers and English words, case-insensitive; an ASCII word inside Chinese text
    assert titles(search(client, f"96116 {t}"))[0] == b["title"]
    assert titles(search(client, f"WATER PIPE {t}"))[0] == c["title"]
    # the result shape: a snippet with the matches marked, a positive score, best first
    res = search(client, f"水费 {t}")
    top = res["items"][0]
    assert top["title"] == b["title"]
    assert "【水费】" in top["snippet"] and top["score"] > 0
    scores = [i["score"] for i in res["items"]]
    assert scores == sorted(scores, reverse=True)
    assert "body" not in top  # lists and searches carry snippets, not bodies
    # paging
    res = search(client, t, page_size=1, page=2)
    assert res["total"] == 3 and len(res["items"]) == 1 and res["page"] == 2


def test_validity(client):
    t = tag()
    create(client, title=f"过期文章 {t}", valid_from=day(-30), valid_to=day(-1))
    create(client, title=f"未生效文章 {t}", valid_from=day(1))
    create(client, title=f"有效文章 {t}", valid_from=day(0), valid_to=day(0))
    assert titles(search(client, t)) == [f"有效文章 {t}"]
    assert sorted(titles(search(client, t, all=1))) == sorted(
        [f"过期文章 {t}", f"未生效文章 {t}", f"有效文章 {t}"])
    res = search(client, t, all=1)
    flags = {i["title"].split()[0]: i["valid"] for i in res["items"]}
    assert flags == {"过期文章": False, "未生效文章": False, "有效文章": True}
    # the list shows every article; valid=1 only those in force
    r = client.get(f"{ARTICLES}?valid=1&page_size=200", session=client.login("dispatcher-zhang"))
    assert r.status == 200 and all(a["valid"] for a in r.body["items"])


def test_search_validation(client):
    s = client.login("calltaker-wang")
    assert_error(client.get(SEARCH, session=s), 400, "missing_field", "q")
    assert_error(client.get(f"{SEARCH}?q=%20%20", session=s), 400, "missing_field", "q")
    assert_error(client.get(f"{SEARCH}?q=%EF%BC%9F%EF%BC%81", session=s), 400, "invalid_field", "q")
    assert_error(client.get(f"{SEARCH}?q=x&page_size=0", session=s), 400, "invalid_field")
    assert_error(client.get(f"{SEARCH}?q=x&category=abc", session=s), 400, "invalid_field")
    assert_error(client.get(f"{SEARCH}?q=" + "a" * 401, session=s), 400, "out_of_range")
    # staff read; integrators do not
    assert client.get(f"{SEARCH}?q=%E7%A4%BE%E4%BF%9D", session=client.login("visitor-liu")).status == 200
    assert client.get(f"{SEARCH}?q=%E7%A4%BE%E4%BF%9D", session=client.login("handler-xishan")).status == 200
    assert_error(client.get(f"{SEARCH}?q=x", session=client.login("integrator")), 403, "forbidden")


def test_create_read_update(client):
    t = tag()
    cat = client.category_id("050201")
    a = create(client, "dispatcher-zhang", title=f"社保补缴 {t}", body="补缴须到区社保窗口办理。",
               category_id=cat, unit_id=client.unit_id("dept-hrss"), valid_to=day(30),
               next_review=day(10))
    assert a["category_id"] == cat and a["category_name"] == "社保缴纳咨询"
    assert a["unit_name"] == "市人力资源和社会保障局"
    assert a["valid_to"] == day(30) and a["valid_from"] is None and a["valid"] is True
    assert a["created_by"] == client.user_id("dispatcher-zhang") and a["body"]
    # the authors by name, for readers who cannot look a user id up
    assert a["created_by_name"] == a["updated_by_name"] == "派单员 张伟"
    r = client.get(f"{ARTICLES}/{a['id']}", session=client.login("handler-xishan"))
    assert r.status == 200 and r.body["body"] == "补缴须到区社保窗口办理。"
    # without a review date, one a year ahead; without a unit, the writer's
    b = create(client, "calltaker-li", title=f"默认值 {t}")
    assert b["next_review"] == (server_now(CST) + timedelta(days=365)).strftime("%Y-%m-%d")
    assert b["unit_id"] == client.unit_id("centre")
    # PATCH: new words are found, old ones not; null clears a date or the category
    r = client.patch(f"{ARTICLES}/{a['id']}", {"title": f"社保断缴 {t}", "valid_to": None,
                                               "category_id": None},
                     session=client.login("admin"))
    assert r.status == 200, r
    assert r.body["valid_to"] is None and r.body["category_id"] is None
    assert r.body["updated_by"] == client.user_id("admin")
    assert r.body["created_by_name"] == "派单员 张伟"
    assert r.body["updated_by_name"] == "系统管理员 赵磊"
    hit = [x for x in search(client, f"断缴 {t}")["items"] if x["id"] == a["id"]][0]
    assert hit["updated_by_name"] == r.body["updated_by_name"]  # in search results too
    assert r.body["body"] == "补缴须到区社保窗口办理。"  # untouched
    assert titles(search(client, f"断缴 {t}"))[0] == f"社保断缴 {t}"
    assert f"社保补缴 {t}" not in titles(search(client, f"补缴 {t}"))
    assert_error(client.get(f"{ARTICLES}/999999", session=client.login("admin")), 404, "not_found")
    assert_error(client.patch(f"{ARTICLES}/999999", {"title": "x"}, session=client.login("admin")),
                 404, "not_found")


@pytest.mark.parametrize("body,status,code,field", [
    ({"body": "x"}, 400, "missing_field", "title"),
    ({"title": "x"}, 400, "missing_field", "body"),
    ({"title": "", "body": "x"}, 400, "out_of_range", "title"),
    ({"title": "  ", "body": "x"}, 422, "invalid_field", "title"),
    ({"title": "x", "body": "x", "valid_from": "2026-13-01"}, 422, "invalid_field", "valid_from"),
    ({"title": "x", "body": "x", "next_review": "tomorrow!!"}, 422, "invalid_field", "next_review"),
    ({"title": "x", "body": "x", "valid_from": "2026-05-02", "valid_to": "2026-05-01"}, 422,
     "invalid_field", "valid_to"),
    ({"title": "x", "body": "x", "category_id": 999999}, 422, "invalid_field", "category_id"),
    ({"title": "x", "body": "x", "unit_id": 999999}, 422, "invalid_field", "unit_id"),
    ({"title": "x", "body": "x", "extra": 1}, 400, "unknown_field", None),
])
def test_create_validation(client, body, status, code, field):
    r = client.post(ARTICLES, body, session=client.login("calltaker-wang"))
    assert_error(r, status, code, field)


def test_who_writes_what(client):
    t = tag()
    donghu, xinhua = client.unit_id("d-donghu"), client.unit_id("s-donghu-xinhua")
    # a unit handler writes its own unit's articles, and those of units below it
    own = create(client, "handler-donghu", title=f"东湖区通知 {t}")
    assert own["unit_id"] == donghu
    below = create(client, "handler-donghu", title=f"新华街道通知 {t}", unit_id=xinhua)
    r = client.patch(f"{ARTICLES}/{below['id']}", {"body": "更新"}, session=client.login("handler-donghu"))
    assert r.status == 200, r
    # ... not another unit's, nor the centre's, nor may it give its article away
    create(client, "handler-donghu", 403, title="x", unit_id=client.unit_id("dept-housing"))
    centre = create(client, "calltaker-wang", title=f"中心文章 {t}")
    assert_error(client.patch(f"{ARTICLES}/{centre['id']}", {"body": "改"},
                              session=client.login("handler-donghu")), 403, "forbidden")
    assert_error(client.patch(f"{ARTICLES}/{own['id']}", {"unit_id": client.unit_id("d-xishan")},
                              session=client.login("handler-donghu")), 403, "forbidden")
    # a street's handler cannot edit its district's article
    assert_error(client.patch(f"{ARTICLES}/{own['id']}", {"body": "改"},
                              session=client.login("handler-xinhua")), 403, "forbidden")
    # the centre's call-takers, dispatchers and administrators edit anyone's
    for who in ("calltaker-li", "dispatcher-zhang", "admin"):
        r = client.patch(f"{ARTICLES}/{own['id']}", {"body": f"由{who}修改"}, session=client.login(who))
        assert r.status == 200, (who, r)
    # visitors and supervisors read only; integrators not at all
    for who in ("visitor-liu", "supervisor-chen", "integrator"):
        create(client, who, 403, title="x")


def register(client, phone, text, category="120101"):
    r = client.post("/api/cases", {"category_id": client.category_id(category), "text": text,
                                   "caller_phone": phone}, session=client.login("calltaker-wang"))
    assert r.status == 201, r
    return r.body


def test_answer_cites_an_existing_article(client):
    t = tag()
    a = create(client, title=f"政策咨询答复口径 {t}")
    c = register(client, "13700000001", f"咨询政策 {t}")
    r = client.post(f"/api/cases/{c['id']}/answer", {"answer": "按口径答复", "article_id": 999999},
                    session=client.login("calltaker-wang"))
    assert_error(r, 422, "invalid_field", "article_id")
    v = client.get(f"/api/cases/{c['id']}", session=client.login("calltaker-wang")).body
    assert v["state"] == "registered"  # nothing changed
    r = client.post(f"/api/cases/{c['id']}/answer", {"answer": "按口径答复", "article_id": a["id"]},
                    session=client.login("calltaker-wang"))
    assert r.status == 200 and r.body["state"] == "closed", r
    v = client.get(f"/api/cases/{c['id']}", session=client.login("calltaker-wang")).body
    assert v["history"][-1]["extra"] == {"article_id": a["id"]}
    # no article, or null: a plain direct answer
    d = register(client, "13700000002", "咨询")
    r = client.post(f"/api/cases/{d['id']}/answer", {"answer": "答复", "article_id": None},
                    session=client.login("calltaker-wang"))
    assert r.status == 200, r


def test_maintenance_report(client):
    t = tag()
    due = create(client, title=f"待复核 {t}", next_review=day(-1))
    weak = create(client, title=f"答复后仍来电 {t}")
    phone = "1360000" + str(uuid.uuid4().int % 10000).zfill(4)
    first = register(client, phone, f"咨询 {t}")
    r = client.post(f"/api/cases/{first['id']}/answer", {"answer": "答复", "article_id": weak["id"]},
                    session=client.login("calltaker-wang"))
    assert r.status == 200, r
    again = register(client, phone, f"上次答复没解决 {t}")
    # a different caller answered with the same article does not come back
    other = register(client, "1350000" + str(uuid.uuid4().int % 10000).zfill(4), f"咨询 {t}")
    client.post(f"/api/cases/{other['id']}/answer", {"answer": "答复", "article_id": weak["id"]},
                session=client.login("calltaker-wang"))
    r = client.get("/api/kb/maintenance", session=client.login("dispatcher-zhang"))
    assert r.status == 200, r
    rep = r.body
    assert rep["window_days"] == 7 and rep["today"] == day(0)
    review_ids = [a["id"] for a in rep["review_due"]]
    assert due["id"] in review_ids and weak["id"] not in review_ids
    assert all(a["review_due"] for a in rep["review_due"])
    item = next(a for a in rep["repeat_requests"] if a["id"] == weak["id"])
    assert item["answers"] == 2 and item["repeated"] == 1 and item["repeat_rate"] == 0.5
    assert item["requests"] == [{"answered": first["number"], "answered_at": item["requests"][0]["answered_at"],
                                 "followup": again["number"],
                                 "followup_at": item["requests"][0]["followup_at"]}]
    # a unit handler sees only its own unit's articles in the report
    r = client.get("/api/kb/maintenance", session=client.login("handler-xishan"))
    assert r.status == 200
    assert all(a["unit_id"] == client.unit_id("d-xishan") for a in r.body["review_due"])
    assert not any(a["id"] == weak["id"] for a in r.body["repeat_requests"])
    assert_error(client.get("/api/kb/maintenance?days=0", session=client.login("admin")), 400,
                 "invalid_field", "days")
