-- 0005: the counters of the abuse limits (store/limits.h) in the database, so that every server
-- counts the same requests and failed logins. Keys are a kind and a hash made by api/limits.c.
-- Rows that no longer mean anything are removed by the writes themselves, through the indexes
-- on their times. UNLOGGED: a counter lost in a crash only makes the limits lenient for a
-- moment, and these rows are written on every limited request.
-- A token bucket: `parts` of a token left at `at` (seconds); a token is 60000 parts.
CREATE UNLOGGED TABLE limit_buckets (
    key TEXT PRIMARY KEY,
    parts BIGINT NOT NULL,
    at BIGINT NOT NULL,
    taken BOOLEAN NOT NULL -- whether the last take got a token or was refused: for RETURNING
);
CREATE INDEX limit_buckets_at ON limit_buckets(at);
-- A failed-login counter: `failures` since `since`; locked until `locked_until` (0: never);
-- meaningless from `expires_at` on (the end of its window or of its lock, the later).
CREATE UNLOGGED TABLE login_failures (
    key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    since BIGINT NOT NULL,
    locked_until BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    locked_last BOOLEAN NOT NULL -- whether the last failure counted locked the key: for RETURNING
);
CREATE INDEX login_failures_expires ON login_failures(expires_at);
