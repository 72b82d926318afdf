-- 0004: Open311 GeoReport v2 — district areas for locating requests, service definitions
-- (the extra questions of a category), a request's answers and contact details, the catalogue's
-- changeset, and an index that lets `hotline import --open311` find what it imported before.

-- The district a point lies in: unit_id → its polygons as JSON text,
-- [[[[lng,lat],...] outer ring, [[lng,lat],...] hole, ...], ...] (a MultiPolygon's coordinates).
CREATE TABLE district_areas (
    unit_id INTEGER PRIMARY KEY REFERENCES units(id),
    rings   TEXT NOT NULL
);

-- Service definition attributes: the questions a category asks (GeoReport v2 "attributes").
CREATE TABLE service_attributes (
    id                   INTEGER PRIMARY KEY,
    category_id          INTEGER NOT NULL REFERENCES categories(id),
    code                 TEXT NOT NULL,
    datatype             TEXT NOT NULL CHECK (datatype IN ('string','number','datetime','text',
                                                          'singlevaluelist','multivaluelist')),
    required             INTEGER NOT NULL DEFAULT 0,
    variable             INTEGER NOT NULL DEFAULT 1,  -- 0: informational text only
    description          TEXT NOT NULL,               -- the question
    datatype_description TEXT NOT NULL DEFAULT '',
    ord                  INTEGER NOT NULL CHECK (ord > 0),
    vals                 TEXT NOT NULL DEFAULT '[]',  -- JSON [{"key","name"}] for list types
    UNIQUE (category_id, code),
    UNIQUE (category_id, ord)
);

-- A request's answers to its category's attributes; a multivaluelist answer has one row per key.
CREATE TABLE case_attributes (
    case_id INTEGER NOT NULL REFERENCES cases(id),
    code    TEXT NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (case_id, code, value)
) WITHOUT ROWID;

-- What an Open311 request carries beyond a case: contact details kept for the centre (never
-- shown through Open311), and the public media link and address id.
CREATE TABLE open311_requests (
    case_id    INTEGER PRIMARY KEY REFERENCES cases(id),
    email      TEXT NOT NULL DEFAULT '',
    device_id  TEXT NOT NULL DEFAULT '',
    account_id TEXT NOT NULL DEFAULT '',
    media_url  TEXT NOT NULL DEFAULT '',
    address_id TEXT NOT NULL DEFAULT '',
    zipcode    TEXT NOT NULL DEFAULT ''
);

-- The discovery document's changeset: when the service catalogue (categories, attributes)
-- last changed, as sortable UTC text. Kept by triggers so no writer can forget it.
CREATE TABLE open311_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO open311_meta VALUES ('changeset', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

CREATE TRIGGER open311_changeset_cat_i AFTER INSERT ON categories BEGIN
  UPDATE open311_meta SET value=strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE key='changeset'; END;
CREATE TRIGGER open311_changeset_cat_u AFTER UPDATE ON categories BEGIN
  UPDATE open311_meta SET value=strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE key='changeset'; END;
CREATE TRIGGER open311_changeset_attr_i AFTER INSERT ON service_attributes BEGIN
  UPDATE open311_meta SET value=strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE key='changeset'; END;
CREATE TRIGGER open311_changeset_attr_u AFTER UPDATE ON service_attributes BEGIN
  UPDATE open311_meta SET value=strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE key='changeset'; END;
CREATE TRIGGER open311_changeset_attr_d AFTER DELETE ON service_attributes BEGIN
  UPDATE open311_meta SET value=strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE key='changeset'; END;

-- Imported requests carry {"import_city","import_id"} in their register event's extra, written
-- in the same transaction as the request itself; this index finds them by the city's id.
-- json_valid guards the expression: an index expression that fails would refuse the insert.
-- Queries must spell the expression exactly so (STORE_IMPORT_ID_EXPR in store/open311.c).
CREATE INDEX case_events_import_id
    ON case_events(CASE WHEN json_valid(extra) THEN json_extract(extra, '$.import_id') END)
    WHERE action = 'register' AND extra IS NOT NULL;

-- Public updates in time order (servicerequestupdates).
CREATE INDEX case_events_public_at ON case_events(at) WHERE public = 1;
