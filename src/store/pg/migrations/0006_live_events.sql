-- 0006: the live events' durable log (store/events.h; SQLite's 0014): every event the
-- dashboards' streams carry, numbered once for every server on the database, so that a
-- stream resumes by Last-Event-ID on any server and after a failover. Appends take an
-- advisory lock so that ids grow in commit order (src/store/pg/pg_live_events.c).
CREATE TABLE live_events (
    id BIGSERIAL PRIMARY KEY,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    recipient BIGINT NOT NULL DEFAULT 0,
    at BIGINT NOT NULL
);
