-- 0002: requests (cases) and their append-only event log.
-- The columns of `cases` after `text` are derived: they are the fold of the case's events
-- (core/lifecycle.c) and are rewritten by the writer with every event. Overdue is never
-- stored: it is current_due < now, computed at query time.

CREATE TABLE cases (
    id            INTEGER PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE,       -- what the resident quotes: 20261126-00042
    channel       TEXT NOT NULL,
    request_type  TEXT NOT NULL,
    category_id   INTEGER NOT NULL REFERENCES categories(id),
    urgency       TEXT NOT NULL CHECK (urgency IN ('normal','urgent')),
    confidential  INTEGER NOT NULL DEFAULT 0,
    caller_name   TEXT NOT NULL DEFAULT '',
    caller_phone  TEXT NOT NULL DEFAULT '',   -- digits only
    district_id   INTEGER REFERENCES units(id),
    street_id     INTEGER REFERENCES units(id),
    address       TEXT NOT NULL DEFAULT '',
    lat           REAL,
    lng           REAL,
    title         TEXT NOT NULL DEFAULT '',
    text          TEXT NOT NULL,
    created_by    INTEGER REFERENCES users(id),
    reg_day       INTEGER NOT NULL,           -- local civil day of registration, for rollups
    -- derived from the event log:
    state         TEXT NOT NULL,
    return_from   TEXT,
    closed_as     TEXT,
    unit_id       INTEGER REFERENCES units(id),
    merged_into   INTEGER REFERENCES cases(id),
    extension_pending INTEGER NOT NULL DEFAULT 0,
    extension_requested_due INTEGER,
    urge_count    INTEGER NOT NULL DEFAULT 0,
    supervise_count INTEGER NOT NULL DEFAULT 0,
    reopen_count  INTEGER NOT NULL DEFAULT 0,
    return_count  INTEGER NOT NULL DEFAULT 0,
    extension_count INTEGER NOT NULL DEFAULT 0,
    redispatch_count INTEGER NOT NULL DEFAULT 0,
    visit_attempts INTEGER NOT NULL DEFAULT 0,
    visit_valid   INTEGER NOT NULL DEFAULT 0,
    solved        INTEGER NOT NULL DEFAULT 0,
    satisfaction  TEXT,
    dispatch_due  INTEGER, sign_due INTEGER, return_due INTEGER, reply_due INTEGER,
    visit_due     INTEGER,
    current_due   INTEGER,                    -- due time of the stage whose clock runs now
    registered_at INTEGER NOT NULL,
    dispatched_at INTEGER, signed_at INTEGER, replied_at INTEGER, visited_at INTEGER,
    closed_at     INTEGER,
    updated_at    INTEGER NOT NULL,
    event_count   INTEGER NOT NULL,
    reply_text    TEXT                        -- the latest reply, for the resident
);
CREATE INDEX cases_state_due ON cases(state, current_due);
CREATE INDEX cases_unit_state ON cases(unit_id, state);
CREATE INDEX cases_phone ON cases(caller_phone, registered_at);
CREATE INDEX cases_registered ON cases(registered_at);
CREATE INDEX cases_category ON cases(category_id, registered_at);
CREATE INDEX cases_district ON cases(district_id, registered_at);
CREATE INDEX cases_merged ON cases(merged_into) WHERE merged_into IS NOT NULL;

-- Co-handling units (协办) named at dispatch; the lead unit is cases.unit_id.
CREATE TABLE case_co_units (
    case_id INTEGER NOT NULL REFERENCES cases(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (case_id, unit_id)
) WITHOUT ROWID;
CREATE INDEX case_co_units_unit ON case_co_units(unit_id);

-- The event log: who, role, unit, when, what, why. Append-only.
CREATE TABLE case_events (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES cases(id),
    seq           INTEGER NOT NULL,
    action        TEXT NOT NULL,
    at            INTEGER NOT NULL,
    actor_id      INTEGER REFERENCES users(id),
    actor_role    TEXT NOT NULL,              -- a role, 'resident' or 'system'
    actor_unit    INTEGER REFERENCES units(id),
    unit_id       INTEGER REFERENCES units(id),
    merged_into   INTEGER REFERENCES cases(id),
    requested_due INTEGER,
    due_dispatch  INTEGER, due_sign INTEGER, due_return INTEGER, due_reply INTEGER,
    due_visit     INTEGER,
    reachable     INTEGER, solved INTEGER, satisfaction TEXT,
    reason        TEXT,                       -- why (required for returns, invalid, ...)
    body          TEXT,                       -- reply text, progress note, direct answer
    extra         TEXT,                       -- JSON: co_units, article_id, basis, ...
    public        INTEGER NOT NULL DEFAULT 0, -- shown in the resident's public history
    UNIQUE (case_id, seq)
);
CREATE INDEX case_events_at ON case_events(at);

CREATE TRIGGER case_events_append_only_u BEFORE UPDATE ON case_events
BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;
CREATE TRIGGER case_events_append_only_d BEFORE DELETE ON case_events
BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;

-- Daily sequence behind the request numbers.
CREATE TABLE case_numbers (
    day  TEXT PRIMARY KEY,                    -- YYYYMMDD, local
    last INTEGER NOT NULL
) WITHOUT ROWID;
