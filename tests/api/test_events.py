"""The live event stream (GET /api/events/stream, server-sent events) and announcements
(POST /api/events/announce): framing, delivery within 2 s, resuming by Last-Event-ID, unit
scope for unit handlers, heartbeats, and a clean end when the server stops."""
import http.client
import json
import socket
import tempfile
import time
from pathlib import Path

import pytest

from conftest import Server, assert_error, init_db, sanitizer_problems

STREAM = "/api/events/stream"
ANNOUNCE = "/api/events/announce"


class SSE:
    """An event-stream client on a raw socket: HTTP/1.1, chunked transfer decoded by hand, so
    the test sees exactly the bytes the server framed."""

    def __init__(self, port, session=None, path=STREAM, headers=None, timeout=5.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Accept: text/event-stream"]
        if session is not None:
            lines.append(f"Cookie: hotline_session={session.cookie}")
        for k, v in (headers or {}).items():
            lines.append(f"{k}: {v}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.raw = b""
        self.body = b""  # de-chunked, not yet parsed into events
        self.eof = False
        self.ended = False  # the terminating chunk arrived
        deadline = time.monotonic() + timeout
        while b"\r\n\r\n" not in self.raw:
            if not self._recv(deadline):
                raise AssertionError(f"no response head: {self.raw!r}")
        head, self.raw = self.raw.split(b"\r\n\r\n", 1)
        status_line, *hdr_lines = head.decode("latin-1").split("\r\n")
        self.status = int(status_line.split()[1])
        self.headers = {}
        for h in hdr_lines:
            k, _, v = h.partition(":")
            self.headers[k.strip().lower()] = v.strip()
        self.chunked = self.headers.get("transfer-encoding", "").lower() == "chunked"

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _recv(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        self.sock.settimeout(left)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return False
        if not data:
            self.eof = True
            return False
        self.raw += data
        return True

    def _dechunk(self):
        if self.ended:
            return
        if not self.chunked:
            self.body += self.raw
            self.raw = b""
            return
        while b"\r\n" in self.raw:
            size_line, rest = self.raw.split(b"\r\n", 1)
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                self.eof = self.ended = True
                self.raw = b""
                return
            if len(rest) < size + 2:
                return
            assert rest[size:size + 2] == b"\r\n", self.raw
            self.body += rest[:size]
            self.raw = rest[size + 2:]

    def next(self, timeout=2.0):
        """The next block ("field: value" lines up to a blank line) as a dict; comments are
        {"comment": text}. None when nothing arrives within timeout or the stream ended."""
        deadline = time.monotonic() + timeout
        while True:
            self._dechunk()
            if b"\n\n" in self.body:
                block, self.body = self.body.split(b"\n\n", 1)
                ev = {}
                for line in block.decode("utf-8").split("\n"):
                    assert "\r" not in line, block
                    if line.startswith(":"):
                        ev["comment"] = line[1:]
                        continue
                    k, _, v = line.partition(":")
                    ev[k] = v[1:] if v.startswith(" ") else v
                return ev
            if self.eof or not self._recv(deadline):
                self._dechunk()
                return None

    def next_event(self, timeout=2.0):
        """The next block that is not a comment or a retry line."""
        deadline = time.monotonic() + timeout
        while True:
            ev = self.next(max(0.0, deadline - time.monotonic()))
            if ev is None or ("comment" not in ev and "retry" not in ev):
                return ev


def open_stream(client, session, **kw):
    s = SSE(client.port, session, **kw)
    assert s.status == 200, (s.status, s.raw)
    first = s.next(2.0)
    assert first == {"retry": "2000"}, first
    return s


def announce(client, session, message):
    r = client.post(ANNOUNCE, {"message": message}, session=session)
    assert r.status == 201, r
    assert set(r.body) == {"id"} and r.body["id"] > 0, r
    return r.body["id"]


def test_stream_needs_login(client):
    r = client.get(STREAM)
    assert_error(r, 401, "unauthenticated")
    with SSE(client.port) as s:
        assert s.status == 401


def test_stream_headers(client):
    s = SSE(client.port, client.login("supervisor-chen"))
    try:
        assert s.status == 200
        assert s.headers["content-type"] == "text/event-stream"
        assert s.headers["cache-control"] == "no-store"
        assert s.headers["x-accel-buffering"] == "no"
        assert s.chunked
        assert s.next(2.0) == {"retry": "2000"}
        assert s.next(0.5) is None  # nothing happened: nothing sent (and no busy loop)
    finally:
        s.close()


def test_integrator_may_not_stream(client):
    assert_error(client.get(STREAM, session=client.login("integrator")), 403, "forbidden")


def test_announcement_reaches_every_stream(client):
    sup = client.login("supervisor-chen")
    streams = [open_stream(client, client.login(u))
               for u in ("supervisor-chen", "dispatcher-zhang", "visitor-liu", "handler-donghu")]
    try:
        t0 = time.monotonic()
        seq = announce(client, sup, "暴雨预警：今晚东湖区防汛值班\n请注意")
        for s in streams:
            ev = s.next_event(2.0)
            assert ev is not None, "no event within 2 s"
            assert ev["id"] == str(seq)
            assert ev["event"] == "announcement"
            data = json.loads(ev["data"])
            assert data == {"message": "暴雨预警：今晚东湖区防汛值班\n请注意",
                            "by": sup.user["display_name"]}
        assert time.monotonic() - t0 < 2.0
    finally:
        for s in streams:
            s.close()


def test_events_arrive_in_order(client):
    sup = client.login("supervisor-chen")
    with open_stream(client, sup) as s:
        ids = [announce(client, sup, f"notice {i}") for i in range(20)]
        got = [s.next_event(2.0) for _ in ids]
        assert [int(e["id"]) for e in got] == ids
        assert [json.loads(e["data"])["message"] for e in got] == [f"notice {i}" for i in range(20)]


def test_resume_with_last_event_id(client):
    sup = client.login("supervisor-chen")
    a = announce(client, sup, "a")
    b = announce(client, sup, "b")
    c = announce(client, sup, "c")
    with open_stream(client, sup, headers={"Last-Event-ID": str(a)}) as s:
        assert [s.next_event()["id"] for _ in range(2)] == [str(b), str(c)]
        assert s.next_event(0.5) is None
        d = announce(client, sup, "d")
        assert s.next_event()["id"] == str(d)
    # ?after= for the first connection; a reconnect's Last-Event-ID wins over it
    with open_stream(client, sup, path=f"{STREAM}?after={b}") as s:
        assert [s.next_event()["id"] for _ in range(2)] == [str(c), str(d)]
    with open_stream(client, sup, path=f"{STREAM}?after={a}",
                     headers={"Last-Event-ID": str(c)}) as s:
        assert s.next_event()["id"] == str(d)
        assert s.next_event(0.3) is None
    # without either: only what happens from now on
    with open_stream(client, sup) as s:
        assert s.next_event(0.3) is None
        e = announce(client, sup, "e")
        assert s.next_event()["id"] == str(e)


def test_id_from_before_a_restart_resyncs(client):
    sup = client.login("supervisor-chen")
    with open_stream(client, sup, headers={"Last-Event-ID": "987654321"}) as s:
        assert s.next(2.0) == {"event": "resync", "data": "{}"}
        seq = announce(client, sup, "after resync")
        assert s.next_event()["id"] == str(seq)


def test_client_behind_the_ring_catches_up_from_the_log(client):
    """The hub keeps the last 1024 events; the store's log keeps many more (store/events.h). A
    client further behind than the ring gets the older events from the log, then the ring's:
    every event after its Last-Event-ID, in order, and no resync."""
    sup = client.login("supervisor-chen")
    first = announce(client, sup, "old")
    conn = http.client.HTTPConnection("127.0.0.1", client.port, timeout=30)
    hdrs = {"Content-Type": "application/json", "X-CSRF-Token": sup.csrf,
            "Cookie": f"hotline_session={sup.cookie}"}
    ids = []
    for i in range(1030):  # one keep-alive connection: quick enough under ASan
        conn.request("POST", ANNOUNCE, body=json.dumps({"message": f"n{i}"}), headers=hdrs)
        r = conn.getresponse()
        assert r.status == 201, r.read()
        ids.append(json.loads(r.read())["id"])
    conn.close()
    with open_stream(client, sup, headers={"Last-Event-ID": str(first)}) as s:
        got = []
        while len(got) < len(ids):
            ev = s.next_event(5.0)
            assert ev is not None and ev.get("event") == "announcement", ev
            got.append(int(ev["id"]))
            assert json.loads(ev["data"])["message"] == f"n{len(got) - 1}"
        assert got == ids


def test_bad_after(client):
    r = client.get(f"{STREAM}?after=abc", session=client.login("supervisor-chen"))
    assert_error(r, 400, "bad_query", "after")
    r = client.get(f"{STREAM}?after=-1", session=client.login("supervisor-chen"))
    assert_error(r, 400, "bad_query", "after")


@pytest.mark.parametrize("body,status,code", [
    ({}, 400, "missing_field"),
    ({"message": ""}, 400, "out_of_range"),
    ({"message": "x" * 501}, 400, "out_of_range"),
    ({"message": 5}, 400, "invalid_type"),
    ({"message": "hi", "extra": 1}, 400, "unknown_field"),
    ({"message": "  \n "}, 422, "invalid_field"),
])
def test_announce_validation(client, body, status, code):
    assert_error(client.post(ANNOUNCE, body, session=client.login("supervisor-chen")), status, code)


def test_announce_longest_message(client):
    sup = client.login("supervisor-chen")
    with open_stream(client, sup) as s:
        seq = announce(client, sup, "长" * 500)  # 1500 bytes of UTF-8
        ev = s.next_event()
        assert ev["id"] == str(seq) and json.loads(ev["data"])["message"] == "长" * 500


@pytest.mark.parametrize("username", ["dispatcher-zhang", "calltaker-wang", "handler-donghu",
                                      "visitor-liu"])
def test_announce_roles(client, username):
    r = client.post(ANNOUNCE, {"message": "hi"}, session=client.login(username))
    assert_error(r, 403, "forbidden")


def test_announce_as_admin_and_csrf(client):
    admin = client.login("admin")
    assert client.post(ANNOUNCE, {"message": "系统维护通知"}, session=admin).status == 201
    r = client.post(ANNOUNCE, {"message": "hi"}, session=admin, csrf=False)
    assert_error(r, 403, "csrf")
    assert_error(client.post(ANNOUNCE, {"message": "hi"}), 401, "unauthenticated")


def test_unit_handler_sees_only_its_subtree(client):
    """Case events carry unit_id: handler-donghu (东湖区) gets the case dispatched to a street
    of 东湖区, not the one dispatched to 西山区, nor the registrations (no unit yet). Depends
    on the cases API; the filter itself is unit-tested in tests/unit/test_sse_filter.c."""
    calltaker = client.login("calltaker-wang")
    dispatcher = client.login("dispatcher-zhang")
    sup = client.login("supervisor-chen")
    cat = next((c for c in client.categories() if c.get("level") == 3 and c.get("active")), None)
    if cat is None:
        pytest.skip("no level-3 category in the demo data")
    xishan, xinhua = client.unit_id("d-xishan"), client.unit_id("s-donghu-xinhua")
    with open_stream(client, client.login("handler-donghu")) as hs, \
            open_stream(client, sup) as ss:
        cases = []
        for text in ("西山区 路灯不亮", "新华街道 井盖缺失"):
            r = client.post("/api/cases", {"category_id": cat["id"], "text": text},
                            session=calltaker)
            if r.status != 201:
                pytest.skip(f"cases API not ready: {r!r}")
            cases.append(r.body["id"])
        for case_id, unit in zip(cases, (xishan, xinhua)):
            r = client.post(f"/api/cases/{case_id}/dispatch", {"unit_id": unit},
                            session=dispatcher)
            if r.status != 200:
                pytest.skip(f"case dispatch not ready: {r!r}")
        last = announce(client, sup, "end of test")

        def until_last(s):
            got = []
            while True:
                ev = s.next_event(2.0)
                assert ev is not None, got
                got.append((ev["event"], json.loads(ev["data"])))
                if ev["id"] == str(last):
                    return got

        everything = until_last(ss)
        mine = until_last(hs)
    case_units = [(d["id"], d["unit_id"]) for t, d in everything if t == "case"]
    assert (cases[0], xishan) in case_units and (cases[1], xinhua) in case_units, everything
    assert any(d.get("unit_id") is None for t, d in everything if t == "case"), everything
    assert [(t, d.get("id"), d.get("unit_id")) for t, d in mine] == [
        ("case", cases[1], xinhua), ("announcement", None, None)], mine


@pytest.fixture(scope="module")
def own_server():
    """A server of this module's own, with a heartbeat every second (15 s by default); the last
    test stops it."""
    with tempfile.TemporaryDirectory(prefix="hotline-sse-") as tmp:
        db = Path(tmp) / "h.db"
        init_db(db)
        srv = Server(db, extra_args=("--heartbeat-seconds", "1"))
        try:
            yield srv
        finally:
            rc, err = srv.stop()
            assert not sanitizer_problems(rc, err), err[-5000:]


def test_idle_stream_gets_heartbeats(own_server):
    """Idle streams are suspended; the heartbeat thread (which looks once a second) wakes them
    every --heartbeat-seconds for a comment line that keeps proxies from closing the
    connection."""
    c = own_server.client
    with open_stream(c, c.login("visitor-liu")) as s:
        last = time.monotonic()
        for _ in range(2):
            ev = s.next(5.0)
            assert ev == {"comment": ""}, ev
            now = time.monotonic()
            assert 0.9 <= now - last <= 4.0
            last = now


def test_heartbeat_option():
    import subprocess
    from conftest import BIN
    for bad in ("0", "x", "3601"):
        p = subprocess.run([BIN, "serve", "--db", "/nonexistent.db", "--heartbeat-seconds", bad],
                           capture_output=True, text=True, timeout=30)
        assert p.returncode == 2 and "bad option value" in p.stderr, (bad, p.stderr)
    p = subprocess.run([BIN, "serve", "--help"], capture_output=True, text=True, timeout=30)
    assert "--heartbeat-seconds N" in p.stdout and "default 15)" in p.stdout, p.stdout


def test_streams_end_cleanly_when_the_server_stops(own_server):
    """MHD must not be stopped with suspended connections: open (idle) streams are woken and
    ended with the terminating chunk, and the server exits 0 without sanitizer reports."""
    srv = own_server
    try:
        c = srv.client
        streams = [open_stream(c, c.login(u)) for u in ("supervisor-chen", "admin",
                                                        "handler-donghu")]
        time.sleep(0.3)  # let them suspend (not observable from outside)
    finally:
        rc, err = srv.stop()
    for s in streams:
        while (ev := s.next(5.0)) is not None:
            assert ev == {"comment": ""}, ev  # a heartbeat may come first
        assert s.ended
        s.close()
    assert not sanitizer_problems(rc, err), err[-5000:]
