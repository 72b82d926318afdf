"""Urgent alerts: the sensitive-word list (GET/PUT /api/admin/sensitive-words), requests marked
urgent at registration by their words (urgent clocks from the start) or by their category, and
the "alert" event that reaches the dashboard's and the dispatcher's live streams within 2 s —
but not unit handlers', who have no request yet."""
import json
import time
import uuid
from datetime import datetime, timedelta

from conftest import assert_error
from test_events import announce, open_stream

WORDS = "/api/admin/sensitive-words"
PROPERTY = "010101"  # 物业服务投诉: normal
LIFT = "010103"      # 小区电梯故障: urgent


def register(client, text, category=PROPERTY, who="calltaker-wang", **extra):
    body = {"category_id": client.category_id(category), "district_id": client.unit_id("d-nanjiang"),
            "text": text}
    body.update(extra)
    r = client.post("/api/cases", body, session=client.login(who))
    assert r.status == 201, r
    return r.body


def wait_for(stream, pred, timeout=2.0):
    """The first event (type, data) within timeout for which pred is true, else None."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ev = stream.next_event(left)
        if ev is None:
            return None
        data = json.loads(ev["data"])
        if pred(ev["event"], data):
            return ev["event"], data


def parse(ts):
    return datetime.fromisoformat(ts)


def test_word_list(client, admin):
    r = client.get(WORDS, session=admin)
    assert r.status == 200, r
    words = r.body["words"]
    for w in ("煤气味", "燃气泄漏", "着火", "爆炸", "坍塌", "触电", "跳楼", "自杀", "被困", "中毒", "洪水",
              "井盖", "漏电"):
        assert w in words, w
    assert words == sorted(words)


def test_words_mark_urgent_and_alert_the_dispatcher_and_dashboard(client):
    disp, sup = client.login("dispatcher-zhang"), client.login("supervisor-chen")
    with open_stream(client, disp) as ds, open_stream(client, sup) as ss, \
            open_stream(client, client.login("handler-nanjiang")) as hs:
        t0 = time.monotonic()
        c = register(client, "楼道里有很重的煤气味，还有人被困在电梯里")
        assert c["urgency"] == "urgent"
        # the urgent clock: 30 minutes to dispatch, not 2 hours
        assert parse(c["deadlines"]["dispatch"]) - parse(c["registered_at"]) == timedelta(minutes=30)
        for s in (ds, ss):
            got = wait_for(s, lambda t, d: t == "alert" and d["id"] == c["id"])
            assert got is not None, "no alert within 2 s"
            _, a = got
            assert a["number"] == c["number"] and a["urgency"] == "urgent"
            assert sorted(a["words"]) == sorted(["煤气味", "被困", "困在电梯"])
            assert a["reason"] == "sensitive_words"
            assert a["category_id"] == c["category_id"] and a["category_name"] == "物业服务投诉"
            assert a["district_id"] == client.unit_id("d-nanjiang") and a["unit_id"] is None
            assert a["channel"] == "phone" and "caller" not in a and "text" not in a
        assert time.monotonic() - t0 < 2.0 + 1.0
        # the district's handler has no request yet: no alert for it
        last = announce(client, sup, "end of alert test")
        seen = []
        while True:
            ev = hs.next_event(2.0)
            assert ev is not None, seen
            seen.append(ev["event"])
            if ev["id"] == str(last):
                break
        assert "alert" not in seen, seen


def test_urgent_category_alerts_without_words(client):
    with open_stream(client, client.login("dispatcher-zhang")) as ds:
        c = register(client, "电梯停在两层之间不动了", category=LIFT)
        assert c["urgency"] == "urgent"
        _, a = wait_for(ds, lambda t, d: t == "alert" and d["id"] == c["id"])
        assert a["reason"] == "category" and a["words"] == []


def test_registrar_marked_urgent_alerts(client):
    with open_stream(client, client.login("dispatcher-zhang")) as ds:
        c = register(client, "物业把小区大门锁了，老人出不去", urgency="urgent")
        _, a = wait_for(ds, lambda t, d: t == "alert" and d["id"] == c["id"])
        assert a["reason"] == "registrar"


def test_normal_request_raises_no_alert(client):
    sup = client.login("supervisor-chen")
    with open_stream(client, sup) as ss:
        c = register(client, "物业保洁不打扫楼道")
        assert c["urgency"] == "normal"
        last = announce(client, sup, "after a normal request")
        got = wait_for(ss, lambda t, d: t == "alert" and d.get("id") == c["id"]
                       or t == "announcement" and d["message"] == "after a normal request")
        assert got is not None and got[0] == "announcement", got
        assert last > 0


def test_resident_words_are_urgent_too(client):
    """The portal takes no urgency from the resident, but the words still decide."""
    r = client.post("/api/public/cases", {"category_id": client.category_id(PROPERTY),
                                          "caller_phone": "13612345678",
                                          "text": "小区配电房着火了，冒了很多烟"})
    assert r.status == 201, r
    v = client.get(f"/api/cases/{r.body['number']}", session=client.login("dispatcher-zhang"))
    assert v.status == 200 and v.body["urgency"] == "urgent"


def test_edit_the_word_list(client, admin):
    original = client.get(WORDS, session=admin).body["words"]
    word = "tw" + uuid.uuid4().hex[:6]
    try:
        r = client.put(WORDS, {"words": original + [word, "疏散", word]}, session=admin)
        assert r.status == 200, r
        assert word in r.body["words"] and r.body["words"].count(word) == 1
        assert client.get(WORDS, session=admin).body["words"] == r.body["words"]
        c = register(client, f"小区物业通知 {word.upper()} 紧急")  # ASCII without case
        assert c["urgency"] == "urgent"
        c = register(client, "物业通知全楼疏散")
        assert c["urgency"] == "urgent"
        # the spaces around a word (a Chinese input method's ideographic space too) are not
        # part of it: it matches text without them, and equals the word without them
        r = client.put(WORDS, {"words": original + [f" {word}\u3000", word, "\t疏散 "]},
                       session=admin)
        assert r.status == 200 and r.body["words"].count(word) == 1 and "疏散" in r.body["words"]
        assert not any(w != w.strip(" \t\u3000") for w in r.body["words"])
        assert register(client, f"通知{word}")["urgency"] == "urgent"
        # an empty list: nothing is urgent by words any more
        assert client.put(WORDS, {"words": []}, session=admin).body == {"words": []}
        assert register(client, "楼道里有煤气味")["urgency"] == "normal"
    finally:
        r = client.put(WORDS, {"words": original}, session=admin)
        assert r.status == 200 and r.body["words"] == original


def test_word_list_validation(client, admin):
    assert_error(client.put(WORDS, {}, session=admin), 400, "missing_field", "words")
    assert_error(client.put(WORDS, {"words": "着火"}, session=admin), 400, "invalid_type", "words")
    assert_error(client.put(WORDS, {"words": ["x"] * 501}, session=admin), 400, "out_of_range", "words")
    for bad in ([""], ["  "], ["\u3000"], [1], ["a\nb"], ["很" * 11]):
        assert_error(client.put(WORDS, {"words": bad}, session=admin), 422, "invalid_field", "words")
    # the word at fault is named by its place in the list, for the page to select its line
    r = client.put(WORDS, {"words": ["着火", "煤气味", "很" * 11, ""]}, session=admin)
    assert_error(r, 422, "invalid_field", "words")
    assert r.body["error"]["index"] == 2, r
    assert "煤气味" in client.get(WORDS, session=admin).body["words"]  # unchanged
    for who in ("dispatcher-zhang", "calltaker-wang", "supervisor-chen"):
        assert_error(client.get(WORDS, session=client.login(who)), 403, "forbidden")
