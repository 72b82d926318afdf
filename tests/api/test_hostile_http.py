"""What an attacker found at the HTTP layer (issue 20): a query of hundreds of parameters,
slow and abandoned connections, many connections from one address, a second X-Forwarded-For
line, control characters in the access log, ambiguous framing (RFC 9112), cookie names in
another case, and the 431 limit. Raw sockets: http.client would not send these requests.
Each test runs on a server of its own with small limits (1 s header deadline, 4 connections
per address) so nothing waits long."""
import socket
import tempfile
import time
from pathlib import Path

import pytest

from conftest import Server, init_db, sanitizer_problems


def _serve(tmp, *args):
    db = Path(tmp) / "h.db"
    init_db(db)
    return Server(db, extra_args=args)


@pytest.fixture(scope="module")
def strict():
    """The limits small enough to try: 1 s to send the headers, 4 connections per address,
    the access log on."""
    with tempfile.TemporaryDirectory(prefix="hotline-hostile-") as tmp:
        srv = _serve(tmp, "--header-timeout", "1", "--max-conn-per-address", "4",
                     "--log-level", "info")
        try:
            yield srv
        finally:
            rc, err = srv.stop()
            problems = sanitizer_problems(rc, err)
            assert not problems, err[-3000:]


def connect(srv, timeout=5):
    return socket.create_connection(("127.0.0.1", srv.port), timeout=timeout)


def exchange(srv, data, timeout=5):
    """Sends data, reads until the server closes (or timeout). (status, headers, body, s)."""
    t0 = time.monotonic()
    s = connect(srv, timeout)
    out = b""
    try:
        s.sendall(data)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    except (ConnectionResetError, BrokenPipeError):
        pass
    finally:
        s.close()
    took = time.monotonic() - t0
    assert out.startswith(b"HTTP/1."), (data[:80], out[:200], took)
    head, _, body = out.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        headers.setdefault(k.strip().lower(), []).append(v.strip())
    return int(lines[0].split()[1]), headers, body, took


def closed_by_server(s, within):
    """True if the server closes s (EOF or reset) within `within` seconds."""
    s.settimeout(within)
    try:
        while True:
            if not s.recv(4096):
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def error_code(body):
    import json
    doc = json.loads(body)
    assert set(doc) == {"error"} and doc["error"]["message"], doc
    return doc["error"]["code"]


# ---- 5: hundreds of query parameters ---------------------------------------------------------

@pytest.mark.parametrize("n", [129, 500, 1000])
def test_many_query_parameters_are_answered_at_once(strict, n):
    q = "&".join(f"a{i}=1" for i in range(n))
    status, h, body, took = exchange(
        strict, f"GET /api/categories?{q} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    assert status in (400, 414) and took < 2, (status, took)
    assert error_code(body) in ("bad_query", "query_too_long")


# ---- 10: ambiguous framing -----------------------------------------------------------------

LOGIN = (b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
         b"Connection: close\r\n")
AMBIGUOUS = {
    "two content lengths": (LOGIN + b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}x", 400),
    "length and chunked": (LOGIN + b"Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"
                           b"2\r\n{}\r\n0\r\n\r\n", 400),
    "gzip only": (LOGIN + b"Transfer-Encoding: gzip\r\n\r\n{}", 400),
    "chunked not last": (LOGIN + b"Transfer-Encoding: chunked, gzip\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
                         400),
    "unknown coding": (LOGIN + b"Transfer-Encoding: gzip, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 501),
    "chunked twice": (LOGIN + b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
                      b"2\r\n{}\r\n0\r\n\r\n", 400),
    "space in a name": (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX Foo: 1\r\nConnection: close\r\n\r\n",
                        400),
    "space before the colon": (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Foo : 1\r\n"
                               b"Connection: close\r\n\r\n", 400),
    "obs-fold": (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Foo: 1\r\n  more\r\n"
                 b"Connection: close\r\n\r\n", 400),
    "no host": (b"GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n", 400),
    "two hosts": (b"GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n", 400),
}


@pytest.mark.parametrize("name", sorted(AMBIGUOUS))
def test_ambiguous_http_is_refused(strict, name):
    data, want = AMBIGUOUS[name]
    status, h, body, took = exchange(strict, data)
    assert status == want and took < 2, (name, status, body[:200], took)
    assert h["content-type"][0].startswith("application/json"), h
    assert error_code(body) in ("bad_request", "not_implemented")
    assert h.get("connection") == ["close"], h


def test_plain_framing_still_works(strict):
    for data in (LOGIN + b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
                 LOGIN + b"Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
                 LOGIN + b"Content-Length: 2\r\n\r\n{}"):
        status, h, body, took = exchange(strict, data)
        assert status == 400 and error_code(body) == "missing_field", (data, body)
    assert exchange(strict, b"GET /healthz HTTP/1.0\r\n\r\n")[0] == 200


# ---- 11: the 431 limit is the documented 32 KiB ----------------------------------------------

def request_with(fields):
    return b"GET /api/auth/me HTTP/1.1\r\nHost: x\r\n" + fields + b"Connection: close\r\n\r\n"


def test_headers_up_to_32_kib_are_read(strict):
    # 90 lines of 350 bytes: 31.5 KiB
    lines = b"".join(b"X-F%d: %s\r\n" % (i, b"v" * 340) for i in range(90))
    assert len(lines) < 32 * 1024
    status, _, body, _ = exchange(strict, request_with(lines))
    assert status == 401, body
    # 600 cookies in one line of 4.7 KB (no answer at all before)
    jar = "; ".join(f"c{i}=1" for i in range(600)).encode()
    status, _, body, _ = exchange(strict, request_with(b"Cookie: " + jar + b"\r\n"))
    assert status == 401, body
    # 6,000 cookies filling 30 KB: the most records 32 KiB can ask of libmicrohttpd
    jar = b"; ".join(b"a=1" for _ in range(6000))
    assert len(jar) < 31 * 1024
    status, _, body, _ = exchange(strict, request_with(b"Cookie: " + jar + b"\r\n"))
    assert status == 401, body


@pytest.mark.parametrize("fields", [
    b"X-A: " + b"a" * (33 * 1024) + b"\r\n",
    b"".join(b"X-F%d: %s\r\n" % (i, b"v" * 400) for i in range(90)),
    b"".join(b"X-F%d: 1\r\n" % i for i in range(101)),
], ids=["one 33 KiB line", "90 lines of 36 KiB", "101 lines"])
def test_headers_beyond_the_limit_get_a_json_431(strict, fields):
    status, h, body, _ = exchange(strict, request_with(fields))
    assert status == 431, body[:200]
    assert error_code(body) == "headers_too_large"


# ---- 11: cookie names are exact -------------------------------------------------------------

def test_cookie_names_are_case_sensitive(strict):
    c = strict.client
    s = c.login("dispatcher-zhang")
    assert c.get("/api/auth/me", headers={"Cookie": f"hotline_session={s.cookie}"}).status == 200
    for name in ("HOTLINE_SESSION", "Hotline_Session"):
        r = c.get("/api/auth/me", headers={"Cookie": f"{name}={s.cookie}"})
        assert r.status == 401, (name, r)


# ---- 9: control characters in the log -------------------------------------------------------

def test_control_characters_in_paths_are_escaped_in_the_log(strict):
    status, *_ = exchange(strict, b"GET /x\x1b[31mred\rforged\x7f HTTP/1.1\r\nHost: x\r\n"
                                  b"Connection: close\r\n\r\n")
    assert status == 404
    deadline = time.monotonic() + 5
    while "forged" not in strict.stderr() and time.monotonic() < deadline:
        time.sleep(0.05)
    log = strict.stderr()
    line = next(ln for ln in log.split("\n") if "forged" in ln)
    assert "\x1b" not in log and "\r" not in log and "\x7f" not in log
    assert "/x\\x1b[31mred\\x0dforged\\x7f" in line, line
    assert line.startswith("20"), line  # the line was not split


# ---- 6: slow, abandoned and too many connections ---------------------------------------------

def test_a_silent_connection_is_closed(strict):
    s = connect(strict)
    try:
        assert closed_by_server(s, 4), "an idle connection stayed open"
    finally:
        s.close()


def test_slowloris_headers_are_cut_off(strict):
    """One header line every 0.3 s keeps libmicrohttpd's idle timeout from firing; the
    deadline for the whole header block (1 s here) still closes the connection."""
    s = connect(strict)
    try:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        t0 = time.monotonic()
        closed = False
        for i in range(20):
            try:
                s.sendall(b"X-Slow-%d: 1\r\n" % i)
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            if closed_by_server(s, 0.3):
                closed = True
                break
        assert closed and time.monotonic() - t0 < 4, time.monotonic() - t0
    finally:
        s.close()


def test_a_kept_alive_connection_may_wait_between_requests_within_the_deadline(strict):
    s = connect(strict)
    try:
        for _ in range(3):
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            got = s.recv(65536)
            assert got.startswith(b"HTTP/1.1 200"), got
            time.sleep(0.3)
        assert closed_by_server(s, 4)  # then idle: closed
    finally:
        s.close()


def test_one_address_may_hold_only_so_many_connections(strict):
    held = [connect(strict) for _ in range(4)]
    try:
        for s in held:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # unfinished: kept open
        extra = connect(strict)
        try:
            assert closed_by_server(extra, 0.9), "a fifth connection was kept"
        finally:
            extra.close()
    finally:
        for s in held:
            s.close()
    deadline = time.monotonic() + 3
    while True:  # the server notices the closed ones, then takes new connections again
        try:
            status, *_ = exchange(strict, b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
                                          b"Connection: close\r\n\r\n")
            break
        except AssertionError:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    assert status == 200


# ---- 7: X-Forwarded-For behind the proxy ------------------------------------------------------

def test_forwarded_for_uses_the_proxys_line():
    """A proxy appends its line after whatever the client sent: the client's own
    X-Forwarded-For lines come first, the proxy's last. The last address of the last line
    counts."""
    with tempfile.TemporaryDirectory(prefix="hotline-xff-") as tmp:
        srv = _serve(tmp, "--trust-proxy")
        try:
            body = b'{"username":"calltaker-li","password":"wrong-password"}'
            data = (b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    b"X-Forwarded-For: 192.0.2.1\r\nX-Forwarded-For: 198.51.100.20, 10.0.0.7\r\n"
                    b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)) + body
            assert exchange(srv, data)[0] == 401
            c = srv.client
            items = c.get("/api/admin/audit?actor=calltaker-li&action=auth.login_failed",
                          session=c.admin()).body["items"]
            assert items and items[0]["client"] == "10.0.0.7", items[:1]
        finally:
            rc, err = srv.stop()
            assert not sanitizer_problems(rc, err), err[-3000:]
