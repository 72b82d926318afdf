-- 0013: the counters of the abuse limits (store/limits.h), moved out of each server's memory
-- into the store. Keys are a kind and a hash made by api/limits.c. Rows that no longer mean
-- anything are removed by the writes themselves, through the indexes on their times.
-- A token bucket: `parts` of a token left at `at` (seconds); a token is 60000 parts.
CREATE TABLE limit_buckets (
    key TEXT PRIMARY KEY,
    parts INTEGER NOT NULL,
    at INTEGER NOT NULL,
    taken INTEGER NOT NULL -- whether the last take got a token (1) or was refused (0): for RETURNING
) WITHOUT ROWID;
CREATE INDEX limit_buckets_at ON limit_buckets(at);
-- A failed-login counter: `failures` since `since`; locked until `locked_until` (0: never);
-- meaningless from `expires_at` on (the end of its window or of its lock, the later).
CREATE TABLE login_failures (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    since INTEGER NOT NULL,
    locked_until INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    locked_last INTEGER NOT NULL -- whether the last failure counted locked the key: for RETURNING
) WITHOUT ROWID;
CREATE INDEX login_failures_expires ON login_failures(expires_at);
