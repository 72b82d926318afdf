"""Backup and restore (issue 8): `hotline backup` while a server is serving and writing gives a
consistent copy holding every request acknowledged before it began; `hotline restore` puts a
backup back (server stopped) and the restored store equals the original: row counts and
content of every table, a sample of requests by number, `hotline check`. Restore refuses a
database in use, a damaged file and a database that is not hotline's."""
import hashlib
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

from conftest import BIN, SANITIZER_ENV, Server, init_db, poll

PROPERTY = "010101"


def hotline(*args, timeout=300):
    import os
    env = dict(os.environ, **SANITIZER_ENV)
    return subprocess.run([BIN, *args], capture_output=True, text=True, env=env, timeout=timeout)


def tables(db):
    """{table: (row count, digest of every row in rowid order)} of the ordinary tables (FTS
    tables need hotline's tokenizer; their shadow tables are ordinary and are compared)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        out = {}
        names = [n for (n,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
            " ORDER BY name")]
        for n in names:
            h = hashlib.sha256()
            rows = conn.execute(f'SELECT * FROM "{n}"').fetchall()
            for r in sorted(rows, key=repr):
                h.update(repr(r).encode())
            out[n] = (len(rows), h.hexdigest())
        return out
    finally:
        conn.close()


def cases(db):
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        cols = [r[1] for r in conn.execute("PRAGMA table_info(cases)")]
        return {r[cols.index("number")]: r for r in conn.execute("SELECT * FROM cases")}
    finally:
        conn.close()


class Writer(threading.Thread):
    """Registers requests one after another; remembers each acknowledged one with its time."""

    def __init__(self, client):
        super().__init__(daemon=True)
        self.client = client
        self.session = client.login("calltaker-wang", fresh=True)
        self.acked = []  # (monotonic time of the answer, number, text)
        self.stop = threading.Event()
        self.errors = []

    def run(self):
        i = 0
        while not self.stop.is_set():
            i += 1
            text = f"备份测试 {i} {time.time_ns()}"
            r = self.client.post("/api/cases", {"caller_phone": f"1350000{i:04d}",
                                                "category_id": self.cat, "text": text},
                                 session=self.session)
            if r.status == 201:
                self.acked.append((time.monotonic(), r.body["number"], text))
            else:
                self.errors.append(r)


@pytest.fixture(scope="module")
def work():
    """A directory with one demo database (demo.db) made once: the tests copy it."""
    with tempfile.TemporaryDirectory(prefix="hotline-backup-") as tmp:
        init_db(Path(tmp) / "demo.db")
        yield Path(tmp)


def fresh(work, name):
    shutil.copy(work / "demo.db", work / name)
    return work / name


def test_backup_while_writing_and_restore_equals_the_original(work):
    live = fresh(work, "live.db")
    srv = Server(live)
    try:
        w = Writer(srv.client)
        w.cat = srv.client.category_id(PROPERTY)
        w.start()
        poll(lambda: len(w.acked) >= 10 or w.errors, what="10 acknowledged writes")
        started = time.monotonic()
        b1 = work / "during.db"
        p = hotline("backup", "--db", str(live), str(b1))
        ended = time.monotonic()
        assert p.returncode == 0, p.stderr
        poll(lambda: w.errors or (w.acked and w.acked[-1][0] > ended),
             what="a write acknowledged after the backup")
        w.stop.set()
        w.join(timeout=30)
        assert not w.errors, w.errors[:3]
        before = [(n, t) for (at, n, t) in w.acked if at < started]
        during = [(n, t) for (at, n, t) in w.acked if started <= at <= ended]
        after = [(n, t) for (at, n, t) in w.acked if at > ended]
        assert len(before) >= 10 and after, (len(before), len(during), len(after))
    finally:
        rc, err = srv.stop()
        assert rc == 0, err[-3000:]
    assert not list(work.glob("during.db.tmp*")) and not Path(f"{b1}-wal").exists()

    # the copy made under load: consistent, and holds everything acknowledged before it began
    p = hotline("check", "--db", str(b1))
    assert p.returncode == 0 and " 0 differ" in p.stdout, p.stdout + p.stderr
    copy, orig = cases(b1), cases(live)
    for number, text in before:
        assert number in copy and text in copy[number], number
    for number, row in copy.items():  # nothing in it that the original does not hold
        assert orig[number] == row, number
    assert len(copy) < len(orig)  # the writes after it are not in it

    # a backup of the stopped server, restored elsewhere: the same store
    b2 = work / "stopped.db"
    assert hotline("backup", "--db", str(live), str(b2)).returncode == 0
    restored = work / "restored.db"
    p = hotline("restore", "--db", str(restored), str(b2))
    assert p.returncode == 0, p.stderr
    t_orig, t_rest = tables(live), tables(restored)
    assert set(t_orig) == set(t_rest)
    for name in t_orig:
        assert t_rest[name] == t_orig[name], name
    assert t_orig["cases"][0] >= len(w.acked) and t_orig["audit_log"][0] > 0
    rest = cases(restored)
    for number in sorted(orig)[:: max(1, len(orig) // 50)]:  # a sample, every column
        assert rest[number] == orig[number]
    p = hotline("check", "--db", str(restored))
    assert p.returncode == 0 and " 0 differ" in p.stdout, p.stdout + p.stderr

    # the restored store serves
    srv = Server(restored)
    try:
        n, text = before[0]
        r = srv.client.get(f"/api/cases/{n}", session=srv.client.login("calltaker-wang"))
        assert r.status == 200 and r.body["text"] == text
        # restore refuses a database in use, and leaves it alone
        p = hotline("restore", "--db", str(restored), str(b1))
        assert p.returncode == 1 and "in use" in p.stderr, p.stderr
        assert srv.client.get(f"/api/cases/{after[-1][0]}",
                              session=srv.client.login("calltaker-wang")).status == 200
    finally:
        rc, err = srv.stop()
        assert rc == 0, err[-3000:]


def test_restore_replaces_and_keeps_the_previous(work):
    live, b = fresh(work, "r.db"), work / "r-backup.db"
    assert hotline("backup", "--db", str(live), str(b)).returncode == 0
    # change the live database after the backup
    conn = sqlite3.connect(live)
    conn.execute("UPDATE units SET name_en='changed after the backup' WHERE code='centre'")
    conn.commit()
    conn.close()
    p = hotline("restore", "--db", str(live), str(b))
    assert p.returncode == 0, p.stderr
    get = lambda db: sqlite3.connect(db).execute(
        "SELECT name_en FROM units WHERE code='centre'").fetchone()[0]
    assert get(live) != "changed after the backup"
    assert get(str(live) + ".pre-restore") == "changed after the backup"


def test_restore_refuses_what_is_not_a_hotline_backup(work):
    live = fresh(work, "x.db")
    before = tables(live)
    garbage = work / "garbage.db"
    garbage.write_bytes(b"SQLite format 3\x00" + b"\x07" * 5000)
    p = hotline("restore", "--db", str(live), str(garbage))
    assert p.returncode == 1 and "damaged" in p.stderr, p.stderr
    other = work / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t(x)").connection.commit()
    p = hotline("restore", "--db", str(live), str(other))
    assert p.returncode == 1 and "not a hotline database" in p.stderr, p.stderr
    p = hotline("restore", "--db", str(live), str(work / "missing.db"))
    assert p.returncode == 2
    assert tables(live) == before
    assert not Path(str(live) + ".pre-restore").exists()
