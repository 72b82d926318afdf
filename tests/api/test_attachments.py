"""Photos, recordings and documents on requests (issue 16): uploads as multipart/form-data
checked by their content, every refusal naming the part, identical files stored once, the
request's access rules on downloads (another district's handler, the public, a confidential
request), audit of internal downloads, Range and ETag, and Open311's multipart POST whose
media_url then serves the photo."""
import hashlib
import http.client
import struct
import subprocess
import tempfile
import urllib.parse
import uuid
import zlib
from pathlib import Path

import pytest

from conftest import BIN, Server, assert_error, init_db, sanitizer_problems, uniq

OWN_UNIT, OTHER_UNIT = "d-donghu", "d-xishan"
PROPERTY = "010101"
V2 = "/open311/v2"


def jpeg(tag=None, size=2000):
    """Bytes that are a JPEG to hotline: SOI, a JFIF APP0 segment, SOS, filler, EOI."""
    tag = (tag or uniq("jpg")).encode()
    body = (tag * (size // len(tag) + 1))[:size]
    return (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
            b"\xff\xda\x00\x03\x00" + body + b"\xff\xd9")


def jpeg_with_gps(lat=(30, 33, 0), lng=(114, 9, 0)):
    """A JPEG whose EXIF (little-endian TIFF: IFD0 with Make and the GPS pointer, a GPS IFD
    with N/E and the degrees, minutes, seconds) says where it was taken, and an XMP packet."""
    def ifd(entries, next_off, data_off):
        out, data = struct.pack("<H", len(entries)), b""
        for tag, typ, count, value in entries:
            if isinstance(value, bytes) and len(value) > 4:
                out += struct.pack("<HHII", tag, typ, count, data_off + len(data))
                data += value
            elif isinstance(value, bytes):
                out += struct.pack("<HHI", tag, typ, count) + value.ljust(4, b"\0")
            else:
                out += struct.pack("<HHII", tag, typ, count, value)
        return out + struct.pack("<I", next_off), data

    def rationals(d, m, s):
        return struct.pack("<6I", d, 1, m, 1, s, 1)
    ifd0_off = 8
    ifd0_size = 2 + 2 * 12 + 4
    make = b"Phone\0"
    gps_off = ifd0_off + ifd0_size + len(make)
    ifd0, d0 = ifd([(0x010F, 2, len(make), make), (0x8825, 4, 1, gps_off)], 0, ifd0_off + ifd0_size)
    gps_size = 2 + 4 * 12 + 4
    gps, dg = ifd([(1, 2, 2, b"N\0"), (2, 5, 3, rationals(*lat)), (3, 2, 2, b"E\0"),
                   (4, 5, 3, rationals(*lng))], 0, gps_off + gps_size)
    tiff = b"II*\0" + struct.pack("<I", ifd0_off) + ifd0 + d0 + gps + dg
    exif = b"Exif\0\0" + tiff
    xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta exif:GPSLatitude='30,33N'/>"
    seg = lambda m, p: b"\xff" + m + struct.pack(">H", len(p) + 2) + p
    return (b"\xff\xd8" + seg(b"\xe1", exif) + seg(b"\xe1", xmp) + seg(b"\xdb", b"\x01\x02")
            + b"\xff\xda\x00\x03\x00" + uniq("scan").encode() + b"\xff\xd9")


def png(width=1, height=1):
    """A real PNG (libvips decodes it): a colour gradient of width × height."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw = b"".join(b"\x00" + bytes(v for x in range(width) for v in ((x + y) % 256, x % 256, y % 256))
                   for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def multipart(fields=(), files=()):
    """(content_type, body) of a form: fields [(name, value)], files [(name, filename, bytes)]."""
    b = "hl" + uuid.uuid4().hex
    out = []
    for name, value in fields:
        out.append(f'--{b}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                   + value.encode() + b"\r\n")
    for name, filename, data in files:
        out.append(f'--{b}\r\nContent-Disposition: form-data; name="{name}"; '
                   f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
                   + data + b"\r\n")
    out.append(f"--{b}--\r\n".encode())
    return f"multipart/form-data; boundary={b}", b"".join(out)


def upload(client, case_id, files, fields=(), who="handler-donghu", ctype=None):
    ct, body = multipart(fields, files)
    return client.request("POST", f"/api/cases/{case_id}/attachments", raw=body,
                          headers={"Content-Type": ctype or ct}, session=client.login(who))


def register(client, unit=OWN_UNIT, confidential=False):
    r = client.post("/api/cases", {
        "caller_name": "赵六", "caller_phone": "13900002222", "confidential": confidential,
        "category_id": client.category_id(PROPERTY), "district_id": client.unit_id(unit),
        "text": f"路灯不亮 {uniq('att')}"}, session=client.login("calltaker-wang"))
    assert r.status == 201, r
    r = client.post(f"/api/cases/{r.body['id']}/dispatch", {"unit_id": client.unit_id(unit)},
                    session=client.login("dispatcher-zhang"))
    assert r.status == 200, r
    return r.body["id"]


def listing(client, case_id, who="calltaker-wang"):
    r = client.get(f"/api/cases/{case_id}/attachments", session=client.login(who))
    assert r.status == 200, r
    return r.body["attachments"]


@pytest.fixture(scope="module")
def case(client):
    return register(client)


def test_upload_list_and_download(client, case):
    photo = jpeg()
    r = upload(client, case, [("file", "路灯.jpg", photo), ("file", "p.png", png())],
               fields=[("step", "reply"), ("public", "true")])
    assert r.status == 201, r
    a, b = r.body["attachments"]
    assert a["kind"] == "photo" and a["mime"] == "image/jpeg" and a["name"] == "路灯.jpg"
    assert a["size"] == len(photo) and a["sha256"] == hashlib.sha256(photo).hexdigest()
    assert a["step"] == "reply" and a["public"] is True
    assert a["added_by"] == client.login("handler-donghu").user["id"]
    assert b["mime"] == "image/png"
    assert [x["id"] for x in listing(client, case)][-2:] == [a["id"], b["id"]]

    r = client.get(a["url"], session=client.login("handler-donghu"))
    assert r.status == 200, r
    assert r.raw == photo
    assert r.headers["Content-Type"] == "image/jpeg"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["ETag"] == f'"{a["sha256"]}"'
    assert r.headers["Accept-Ranges"] == "bytes"
    cd = r.headers["Content-Disposition"]
    assert cd.startswith("inline; filename=\"attachment-") and \
        "filename*=UTF-8''" + urllib.parse.quote("路灯.jpg") in cd
    # the same ETag: nothing to send again
    r = client.get(a["url"], session=client.login("handler-donghu"),
                   headers={"If-None-Match": f'"{a["sha256"]}"'})
    assert r.status == 304 and r.raw == b""


def test_range(client, case):
    audio = b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 40
    r = upload(client, case, [("file", "call.mp3", audio)])
    assert r.status == 201, r
    url = r.body["attachments"][0]["url"]
    assert r.body["attachments"][0]["kind"] == "audio"
    s = client.login("calltaker-wang")
    r = client.get(url, session=s, headers={"Range": "bytes=100-199"})
    assert r.status == 206, r
    assert r.raw == audio[100:200]
    assert r.headers["Content-Range"] == f"bytes 100-199/{len(audio)}"
    r = client.get(url, session=s, headers={"Range": "bytes=-16"})
    assert r.status == 206 and r.raw == audio[-16:]
    r = client.get(url, session=s, headers={"Range": f"bytes={len(audio) - 5}-"})
    assert r.status == 206 and r.raw == audio[-5:]
    r = client.get(url, session=s, headers={"Range": f"bytes={len(audio)}-"})
    assert_error(r, 416, "range_not_satisfiable")
    assert r.headers["Content-Range"] == f"bytes */{len(audio)}"
    r = client.get(url, session=s, headers={"Range": "bytes=0-1,5-9"})  # several: all of it
    assert r.status == 200 and r.raw == audio


def test_identical_files_are_stored_once(client, case):
    other = register(client)
    doc = b"%PDF-1.4\n" + uniq("doc").encode() + b"\n%%EOF\n"
    r1 = upload(client, case, [("file", "a.pdf", doc)], who="calltaker-wang")
    assert r1.status == 201 and r1.body["deduplicated"] == 0, r1
    r2 = upload(client, other, [("file", "b.pdf", doc)], who="calltaker-wang")
    assert r2.status == 201 and r2.body["deduplicated"] == 1, r2
    a, b = r1.body["attachments"][0], r2.body["attachments"][0]
    assert a["sha256"] == b["sha256"] and a["id"] != b["id"]
    assert a["kind"] == "document" and a["mime"] == "application/pdf"
    r = client.get(b["url"], session=client.login("calltaker-wang"))
    assert r.raw == doc
    assert r.headers["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("files, fields, status, code, field", [
    ([("file", "evil.jpg", b"<html><script>alert(1)</script></html>")], [], 415,
     "type_not_allowed", "evil.jpg"),
    ([("file", "anim.gif", b"GIF89a\x01\x00\x01\x00")], [], 415, "type_not_allowed", "anim.gif"),
    ([("file", "cut.jpg", b"\xff\xd8\xff\xe0" + b"x" * 500)], [], 400, "damaged", "cut.jpg"),
    ([("file", "cut.pdf", b"%PDF-1.4 no end")], [], 400, "damaged", "cut.pdf"),
    ([("file", "empty.jpg", b"")], [], 400, "empty_file", "empty.jpg"),
    ([], [("step", "note")], 400, "no_file", None),
    ([("file", "a.jpg", jpeg())], [("step", "lunch")], 422, "invalid_field", "step"),
    ([("file", "a.jpg", jpeg())], [("public", "maybe")], 422, "invalid_field", "public"),
])
def test_refusals_name_the_part_and_change_nothing(client, case, files, fields, status, code,
                                                   field):
    before = len(listing(client, case))
    err = assert_error(upload(client, case, files, fields), status, code)
    if field:
        assert err["field"] == field
    assert len(listing(client, case)) == before


def test_malformed_forms_are_refused(client, case):
    before = len(listing(client, case))
    s = client.login("handler-donghu")
    ct, body = multipart(files=[("file", "a.jpg", jpeg())])
    # cut short: no closing boundary
    r = client.request("POST", f"/api/cases/{case}/attachments", raw=body[:-30],
                       headers={"Content-Type": ct}, session=s)
    assert_error(r, 400, "damaged")
    # no boundary parameter, or not a form at all
    r = client.request("POST", f"/api/cases/{case}/attachments", raw=body,
                       headers={"Content-Type": "multipart/form-data"}, session=s)
    assert_error(r, 415, "unsupported_media_type")
    r = client.request("POST", f"/api/cases/{case}/attachments", raw=b'{"x":1}', session=s)
    assert_error(r, 415, "unsupported_media_type")
    assert len(listing(client, case)) == before


def test_another_districts_handler_is_refused(client, case):
    s = client.login("handler-xishan")
    r = upload(client, case, [("file", "a.jpg", jpeg())], who="calltaker-wang")
    assert r.status == 201, r
    att = r.body["attachments"][0]
    # another unit's request answers as a missing one would (issue 20: no telling them apart)
    assert_error(upload(client, case, [("file", "b.jpg", jpeg())], who="handler-xishan"), 404,
                 "not_found")
    assert_error(client.get(f"/api/cases/{case}/attachments", session=s), 404, "not_found")
    assert_error(client.get(att["url"], session=s), 404, "not_found")
    assert_error(client.get("/api/attachments/99999999", session=s), 404, "not_found")
    # anonymous callers get nothing of the staff routes
    assert client.get(att["url"]).status == 401


def test_public_sees_only_public_files_of_open_requests(client, case):
    pub = upload(client, case, [("file", "p.jpg", jpeg())], fields=[("public", "true")])
    internal = upload(client, case, [("file", "i.jpg", jpeg())])
    assert pub.status == 201 and internal.status == 201
    pid, iid = pub.body["attachments"][0]["id"], internal.body["attachments"][0]["id"]
    r = client.get(f"/api/public/attachments/{pid}")
    assert r.status == 200 and r.headers["Content-Type"] == "image/jpeg"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert_error(client.get(f"/api/public/attachments/{iid}"), 404, "not_found")
    secret = register(client, confidential=True)
    r = upload(client, secret, [("file", "s.jpg", jpeg())], fields=[("public", "true")])
    assert r.status == 201, r
    assert_error(client.get(f"/api/public/attachments/{r.body['attachments'][0]['id']}"), 404,
                 "not_found")


def test_internal_downloads_are_audited(client, case):
    r = upload(client, case, [("file", "i.jpg", jpeg())], who="calltaker-wang")
    internal = r.body["attachments"][0]
    r = upload(client, case, [("file", "p.jpg", jpeg())], fields=[("public", "1")])
    public = r.body["attachments"][0]

    def entries():
        r = client.get(f"/api/admin/audit?action=attachment.download&case={case}",
                       session=client.login("admin"))
        assert r.status == 200, r
        return r.body["items"]

    before = len(entries())
    assert client.get(internal["url"], session=client.login("handler-donghu")).status == 200
    assert client.get(public["url"], session=client.login("handler-donghu")).status == 200
    got = entries()
    assert len(got) == before + 1
    e = got[0]
    assert e["detail"] == f"attachment {internal['id']}" and e["case_id"] == case
    assert e["actor"]["username"] == "handler-donghu"


def test_registration_carries_files(client):
    """POST /api/cases and the portal's POST /api/public/cases as multipart: the request in the
    json part, the files beside it (the resident's are public; staff say so)."""
    import json as _json
    doc = {"caller_name": "赵六", "caller_phone": "13900003333",
           "category_id": client.category_id(PROPERTY),
           "district_id": client.unit_id(OWN_UNIT), "text": f"路灯不亮 {uniq('reg')}"}
    photo, recording = jpeg(), b"#!AMR\n" + uniq("amr").encode()
    ct, body = multipart([("json", _json.dumps(doc, ensure_ascii=False))],
                         [("file", "wechat.jpg", photo), ("file", "call.amr", recording)])
    r = client.request("POST", "/api/cases", raw=body, headers={"Content-Type": ct},
                       session=client.login("calltaker-wang"))
    assert r.status == 201, r
    files = listing(client, r.body["id"])
    assert [(f["name"], f["step"], f["public"], f["kind"]) for f in files] == [
        ("wechat.jpg", "registration", False, "photo"), ("call.amr", "registration", False, "audio")]
    # the portal: the resident's own photo is public
    ct, body = multipart([("json", _json.dumps(doc, ensure_ascii=False))],
                         [("photo", "IMG_1.jpg", photo)])
    r = client.request("POST", "/api/public/cases", raw=body, headers={"Content-Type": ct})
    assert r.status == 201, r
    files = listing(client, r.body["number"])
    assert [(f["name"], f["public"], f["added_by"]) for f in files] == [("IMG_1.jpg", True, 0)]
    # a refused file registers nothing
    ct, body = multipart([("json", _json.dumps(dict(doc, text="不该登记")))],
                         [("photo", "x.gif", b"GIF89a")])
    r = client.request("POST", "/api/public/cases", raw=body, headers={"Content-Type": ct})
    assert_error(r, 415, "type_not_allowed", "x.gif")
    ct, body = multipart([("text", "no json part")], [("photo", "a.jpg", photo)])
    r = client.request("POST", "/api/public/cases", raw=body, headers={"Content-Type": ct})
    assert_error(r, 400, "missing_field", "json")


def test_reply_carries_the_units_photos(client):
    k = register(client)
    s = client.login("handler-donghu")
    assert client.post(f"/api/cases/{k}/sign", {}, session=s).status == 200
    before, after = jpeg(), jpeg()
    # files come with the reply alone
    ct, body = multipart([("json", '{"note": "在修"}')], [("file", "x.jpg", before)])
    r = client.request("POST", f"/api/cases/{k}/progress", raw=body,
                       headers={"Content-Type": ct}, session=s)
    assert_error(r, 422, "invalid_field", "files")
    assert listing(client, k) == []
    ct, body = multipart([("json", '{"reply": "路灯已修复"}'), ("public", "true")],
                         [("file", "before.jpg", before), ("file", "after.jpg", after)])
    r = client.request("POST", f"/api/cases/{k}/reply", raw=body, headers={"Content-Type": ct},
                       session=s)
    assert r.status == 200 and r.body["state"] == "replied", r
    files = listing(client, k)
    assert [(f["name"], f["step"], f["public"]) for f in files] == [
        ("before.jpg", "reply", True), ("after.jpg", "reply", True)]


def test_photo_location_is_removed_and_suggested_to_staff(client, case):
    photo = jpeg_with_gps()
    assert b"Exif" in photo and b"ns.adobe.com" in photo
    r = upload(client, case, [("file", "home.jpg", photo)], fields=[("public", "true")])
    assert r.status == 201, r
    a = r.body["attachments"][0]
    loc = a["suggested_location"]
    assert abs(loc["lat"] - 30.55) < 1e-9 and abs(loc["lng"] - 114.15) < 1e-9
    for path, session in ((a["url"], client.login("handler-donghu")),
                          (f"/api/public/attachments/{a['id']}", None)):
        served = client.get(path, session=session).raw
        assert b"Phone" in served              # the rest of the EXIF stays
        assert b"ns.adobe.com" not in served   # the XMP packet is gone
        assert served.endswith(photo[photo.index(b"\xff\xdb"):])  # not a pixel re-encoded
        assert len(served) < len(photo)
        # no GPS directory is left: no pointer tag 0x8825 in IFD0
        assert b"\x25\x88\x04\x00" not in served
    assert a["sha256"] == hashlib.sha256(served).hexdigest()
    # a PNG's text and EXIF chunks go too
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    p = png()
    tagged = p[:33] + chunk(b"tEXt", b"GPS\x0030.55,114.15") + chunk(b"eXIf", b"II*\x00") + p[33:]
    r = upload(client, case, [("file", "tagged.png", tagged)])
    served = client.get(r.body["attachments"][0]["url"], session=client.login("handler-donghu")).raw
    assert served == p
    # a photo without a position suggests none
    r = upload(client, case, [("file", "plain.jpg", jpeg())])
    assert r.body["attachments"][0]["suggested_location"] is None


def test_thumbnails(client, case):
    big = png(width=1200, height=800)
    r = upload(client, case, [("file", "wide.png", big)], fields=[("public", "true")])
    assert r.status == 201, r
    a = r.body["attachments"][0]
    s = client.login("handler-donghu")
    r = client.get(f"{a['url']}/thumbnail", session=s)
    assert r.status == 200, r
    assert r.headers["Content-Type"] == "image/jpeg" and r.raw.startswith(b"\xff\xd8\xff")
    etag = r.headers["ETag"]
    # made once: the same bytes again, from the store, to the public too
    again = client.get(f"/api/public/attachments/{a['id']}/thumbnail")
    assert again.status == 200 and again.raw == r.raw and again.headers["ETag"] == etag
    r = client.get(f"{a['url']}/thumbnail", session=s, headers={"If-None-Match": etag})
    assert r.status == 304
    assert_error(client.get(f"{a['url']}/thumbnail", session=client.login("handler-xishan")),
                 404, "not_found")
    # only photos have one; a photo libvips cannot decode has none
    r = upload(client, case, [("file", "d.pdf", b"%PDF-1.4\n%%EOF")])
    assert_error(client.get(r.body["attachments"][0]["url"] + "/thumbnail", session=s), 404,
                 "not_found")
    r = upload(client, case, [("file", "fake.jpg", jpeg())])
    assert_error(client.get(r.body["attachments"][0]["url"] + "/thumbnail", session=s), 422,
                 "undecodable")


def chunked_post(client, path, ct, body, session):
    """POST in chunks (no Content-Length to refuse it by): the server reads up to its cap."""
    conn = http.client.HTTPConnection(client.host, client.port, timeout=60)
    try:
        conn.request("POST", path, body=(body[i:i + 65536] for i in range(0, len(body), 65536)),
                     encode_chunked=True,
                     headers={"Content-Type": ct, "Cookie": f"hotline_session={session.cookie}",
                              "X-CSRF-Token": session.csrf, "Transfer-Encoding": "chunked"})
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def test_only_routes_that_take_files_keep_large_forms(client, case):
    """The upload cap is for the routes that take files; elsewhere a multipart body is held to
    the JSON body limit (1 MB)."""
    ct, body = multipart(files=[("file", "big.jpg", jpeg(size=1_500_000))])
    status, out = chunked_post(client, "/api/admin/units", ct, body, client.login("admin"))
    assert status == 413 and b"body_too_large" in out
    status, out = chunked_post(client, f"/api/cases/{case}/attachments", ct, body,
                               client.login("handler-donghu"))
    assert status == 201, out[:300]


# ---- Open311 -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def api_key(client, admin):
    r = client.post("/api/admin/tokens", {"username": "integrator", "name": "open311 media"},
                    session=admin)
    assert r.status == 201, r
    return r.body["token"]


def open311_form(api_key, **extra):
    form = {"api_key": api_key, "service_code": PROPERTY, "lat": "30.55", "long": "114.15",
            "description": "路灯坏了，附照片"}
    form.update(extra)
    return list(form.items())


def test_open311_multipart_post_with_media(client, api_key):
    photo = jpeg()
    ct, body = multipart(open311_form(api_key), [("media", "IMG_0001.jpg", photo)])
    r = client.request("POST", f"{V2}/requests.json", raw=body, headers={"Content-Type": ct})
    assert r.status == 201, r
    rid = r.body[0]["service_request_id"]
    r = client.get(f"{V2}/requests/{rid}.json")
    assert r.status == 200, r
    url = r.body[0]["media_url"]
    assert url.startswith("http://") and "/api/public/attachments/" in url
    path = urllib.parse.urlsplit(url).path
    r = client.get(path)
    assert r.status == 200 and r.raw == photo and r.headers["Content-Type"] == "image/jpeg"
    # the list says the same
    r = client.get(f"{V2}/requests.json?service_request_id={rid}")
    assert r.status == 200 and r.body[0]["media_url"] == url


def test_open311_media_url_of_a_client_is_kept(client, api_key):
    given = "https://example.org/photos/1.jpg"
    ct, body = multipart(open311_form(api_key, media_url=given))
    r = client.request("POST", f"{V2}/requests.json", raw=body, headers={"Content-Type": ct})
    assert r.status == 201, r
    r = client.get(f"{V2}/requests/{r.body[0]['service_request_id']}.json")
    assert r.body[0]["media_url"] == given


def test_open311_media_refusals(client, api_key):
    ct, body = multipart(open311_form(api_key), [("media", "x.gif", b"GIF89a....")])
    r = client.request("POST", f"{V2}/requests.json", raw=body, headers={"Content-Type": ct})
    assert r.status == 415, r
    assert "x.gif" in r.body[0]["description"]
    ct, body = multipart(open311_form(api_key), [("media", "x.jpg", b"\xff\xd8\xff cut")])
    r = client.request("POST", f"{V2}/requests.json", raw=body, headers={"Content-Type": ct})
    assert r.status == 400, r
    assert "x.jpg" in r.body[0]["description"]


# ---- limits, on a server of its own -------------------------------------------------------

def test_limits_are_configurable_and_named():
    with tempfile.TemporaryDirectory(prefix="hotline-att-") as tmp:
        db = Path(tmp) / "h.db"
        init_db(db)
        srv = Server(db, extra_args=("--max-files", "2", "--max-file-bytes", "4096"))
        try:
            c = srv.client
            k = register(c)
            r = upload(c, k, [("file", "big.jpg", jpeg(size=5000))])
            err = assert_error(r, 413, "too_large", "big.jpg")
            assert "4096" in err["message"]
            r = upload(c, k, [("file", f"{i}.jpg", jpeg()) for i in range(3)])
            assert_error(r, 422, "too_many_files", "2.jpg")
            # a body over the cap (sent in chunks: no length to refuse it by) is not kept
            ct, body = multipart(files=[("file", "huge.jpg", jpeg(size=3_000_000))])
            s = c.login("handler-donghu")
            conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
            conn.request("POST", f"/api/cases/{k}/attachments",
                         body=(body[i:i + 65536] for i in range(0, len(body), 65536)),
                         encode_chunked=True,
                         headers={"Content-Type": ct, "Cookie": f"hotline_session={s.cookie}",
                                  "X-CSRF-Token": s.csrf, "Transfer-Encoding": "chunked"})
            resp = conn.getresponse()
            assert resp.status == 413 and b"body_too_large" in resp.read()
            conn.close()
            assert listing(c, k) == []
            r = upload(c, k, [("file", f"{i}.jpg", jpeg(size=4000)) for i in range(2)])
            assert r.status == 201, r
        finally:
            rc, err = srv.stop()
            assert not sanitizer_problems(rc, err), err[-5000:]
        out = subprocess.run([BIN, "check", "--db", str(db)], capture_output=True, text=True,
                             timeout=120)
        assert out.returncode == 0, out.stdout + out.stderr
        assert "files: 2 checked, 0 differ" in out.stdout

