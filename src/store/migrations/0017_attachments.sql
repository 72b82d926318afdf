-- 0017: photos, recordings and documents on requests (store/attachments.h). The bytes live in
-- the database, addressed by their SHA-256, so identical files are stored once, every server
-- on the database sees them, and a backup carries them with the requests.
CREATE TABLE attachment_contents (
    sha256 TEXT PRIMARY KEY,              -- 64 lowercase hex digits of data's SHA-256
    size   INTEGER NOT NULL CHECK (size >= 0),
    data   BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE attachments (
    id        INTEGER PRIMARY KEY,
    case_id   INTEGER NOT NULL REFERENCES cases(id),
    sha256    TEXT NOT NULL REFERENCES attachment_contents(sha256),
    kind      TEXT NOT NULL CHECK (kind IN ('photo', 'audio', 'video', 'document')),
    mime      TEXT NOT NULL,
    name      TEXT NOT NULL DEFAULT '',
    step      TEXT NOT NULL CHECK (step IN ('registration', 'reply', 'visit', 'note')),
    size      INTEGER NOT NULL,
    is_public INTEGER NOT NULL DEFAULT 0,
    added_by  INTEGER REFERENCES users(id),  -- NULL: the resident
    added_at  INTEGER NOT NULL,
    -- where the photo's EXIF said it was taken, before hotline removed it from the stored file:
    -- a suggestion for the request's place, for staff only (NULL: none)
    gps_lat   REAL,
    gps_lng   REAL
);
-- A request's files (its page, Open311's media_url: the first public photo).
CREATE INDEX attachments_case ON attachments(case_id, id);

-- A photo's thumbnail (media/thumbnail.h), made once per content and kept as a content of its
-- own: every attachment with the same photo shares it, and every server finds it.
CREATE TABLE attachment_thumbnails (
    sha256       TEXT PRIMARY KEY REFERENCES attachment_contents(sha256),
    thumb_sha256 TEXT NOT NULL REFERENCES attachment_contents(sha256)
) WITHOUT ROWID;
