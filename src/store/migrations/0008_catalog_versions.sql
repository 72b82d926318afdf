-- 0008: a version number per reference catalogue, bumped by triggers on every change, so
-- readers can cache a catalogue (the category tree is read on every call-taker screen) and
-- know for certain when the cache is stale — whoever changed it (API, import, init).
CREATE TABLE catalog_versions (
    name    TEXT PRIMARY KEY,
    version INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO catalog_versions VALUES ('categories', 1);

CREATE TRIGGER categories_version_i AFTER INSERT ON categories
BEGIN UPDATE catalog_versions SET version = version + 1 WHERE name = 'categories'; END;
CREATE TRIGGER categories_version_u AFTER UPDATE ON categories
BEGIN UPDATE catalog_versions SET version = version + 1 WHERE name = 'categories'; END;
CREATE TRIGGER categories_version_d AFTER DELETE ON categories
BEGIN UPDATE catalog_versions SET version = version + 1 WHERE name = 'categories'; END;
