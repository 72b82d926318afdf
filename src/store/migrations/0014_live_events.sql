-- 0014: the live events' durable log (store/events.h): every event the dashboards' streams
-- carry, numbered once for the whole database so that a stream resumes by Last-Event-ID after
-- a restart. AUTOINCREMENT: an id is never given twice, even after the window's pruning.
CREATE TABLE live_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    recipient INTEGER NOT NULL DEFAULT 0, -- a user id; 0 = every stream that may see it
    at INTEGER NOT NULL
);
