-- 0006: appraisal (考核) schemes as data with effective dates, and the rollups behind the
-- appraisal and the dashboards. The rollups are derived from the case rows (which are derived
-- from the event log): the writer keeps them in the same transaction as every case change
-- (store/rollup.c), so a month's appraisal sums a few thousand rollup rows instead of
-- scanning a month of requests. Days are the request's reg_day (local civil day).

CREATE TABLE appraisal_schemes (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    effective_from INTEGER NOT NULL,          -- civil day: in force for periods starting then
    effective_to   INTEGER,                   -- civil day, inclusive; NULL = open-ended
    w_response     REAL NOT NULL,             -- weights of the composite (0 = not in it)
    w_resolution   REAL NOT NULL,
    w_satisfaction REAL NOT NULL,
    w_ontime_reply REAL NOT NULL DEFAULT 0,
    w_return       REAL NOT NULL DEFAULT 0,
    w_reopen       REAL NOT NULL DEFAULT 0,
    score_satisfied   REAL NOT NULL DEFAULT 1, -- score of each satisfaction level, 0..1
    score_basic       REAL NOT NULL DEFAULT 1,
    score_unsatisfied REAL NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    CHECK (effective_to IS NULL OR effective_to >= effective_from)
);
CREATE INDEX appraisal_schemes_from ON appraisal_schemes(effective_from);

-- What the requests registered on a day count for the unit that has them now
-- (core/appraisal.h appraisal_case_facts), plus the return events of its requests.
CREATE TABLE rollup_unit_day (
    day               INTEGER NOT NULL,
    unit_id           INTEGER NOT NULL,
    dispatched        INTEGER NOT NULL DEFAULT 0,
    signed_ontime     INTEGER NOT NULL DEFAULT 0,
    visits_valid      INTEGER NOT NULL DEFAULT 0,
    solved            INTEGER NOT NULL DEFAULT 0,
    satisfied         INTEGER NOT NULL DEFAULT 0,
    basic             INTEGER NOT NULL DEFAULT 0,
    unsatisfied       INTEGER NOT NULL DEFAULT 0,
    replies           INTEGER NOT NULL DEFAULT 0,
    replied_ontime    INTEGER NOT NULL DEFAULT 0,
    reopened          INTEGER NOT NULL DEFAULT 0,
    returns_requested INTEGER NOT NULL DEFAULT 0,
    returns_approved  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, unit_id)
) WITHOUT ROWID;

-- Every return request: the unit that asked (the case's unit at that moment; the case row
-- only knows its unit now) and whether the centre approved it. For the return rate and its
-- drill-down.
CREATE TABLE appraisal_returns (
    case_id  INTEGER NOT NULL REFERENCES cases(id),
    seq      INTEGER NOT NULL,                -- the request_return event
    unit_id  INTEGER NOT NULL,
    day      INTEGER NOT NULL,                -- the request's reg_day
    approved INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;
CREATE INDEX appraisal_returns_unit ON appraisal_returns(unit_id, day);

-- Registrations per day along one dimension: 1 leaf category, 2 district (0 = unknown),
-- 3 street (0 = unknown), 4 channel, 5 request type (4 and 5 keyed by rollup_labels).
CREATE TABLE rollup_labels (
    id   INTEGER PRIMARY KEY,
    dim  INTEGER NOT NULL,
    name TEXT NOT NULL,
    UNIQUE (dim, name)
);
CREATE TABLE rollup_volume_day (
    dim INTEGER NOT NULL,
    day INTEGER NOT NULL,
    key INTEGER NOT NULL,
    n   INTEGER NOT NULL,
    PRIMARY KEY (dim, day, key)
) WITHOUT ROWID;

-- Drill-down (a unit's requests of a period) and durations (time to sign, reply, close of a
-- period's requests, read from the index alone).
CREATE INDEX cases_unit_day ON cases(unit_id, reg_day);
CREATE INDEX cases_day_times ON cases(reg_day, unit_id, category_id, registered_at, signed_at,
                                      replied_at, closed_at, closed_as);

-- backfill: the rollups of the requests already stored (same definitions as store/rollup.c)
INSERT INTO rollup_unit_day(day, unit_id, dispatched, signed_ontime, visits_valid, solved,
                            satisfied, basic, unsatisfied, replies, replied_ontime, reopened)
SELECT c.reg_day, c.unit_id, count(*),
       sum(c.signed_at IS NOT NULL AND c.state<>'dispatched'
           AND NOT (c.state='return_pending' AND ifnull(c.return_from,'')='dispatched')
           AND (c.sign_due IS NULL OR c.signed_at<=c.sign_due)),
       sum(c.visit_valid=1), sum(c.visit_valid=1 AND c.solved=1),
       sum(c.visit_valid=1 AND c.satisfaction='satisfied'),
       sum(c.visit_valid=1 AND c.satisfaction='basic'),
       sum(c.visit_valid=1 AND c.satisfaction='unsatisfied'),
       sum(c.replied_at IS NOT NULL),
       sum(c.replied_at IS NOT NULL AND (c.reply_due IS NULL OR c.replied_at<=c.reply_due)),
       sum(c.reopen_count>0)
FROM cases c
WHERE c.unit_id IS NOT NULL AND c.state<>'merged' AND c.dispatched_at IS NOT NULL
GROUP BY c.reg_day, c.unit_id;

INSERT INTO appraisal_returns(case_id, seq, unit_id, day, approved)
SELECT e.case_id, e.seq,
       (SELECT d.unit_id FROM case_events d WHERE d.case_id=e.case_id AND d.seq<e.seq
          AND d.action IN ('dispatch','redispatch','reopen') ORDER BY d.seq DESC LIMIT 1),
       c.reg_day,
       ifnull((SELECT a.action='approve_return' FROM case_events a WHERE a.case_id=e.case_id
                 AND a.seq>e.seq AND a.action IN ('approve_return','reject_return')
               ORDER BY a.seq LIMIT 1), 0)
FROM case_events e JOIN cases c ON c.id=e.case_id
WHERE e.action='request_return';

INSERT INTO rollup_unit_day(day, unit_id, returns_requested, returns_approved)
SELECT day, unit_id, count(*), sum(approved) FROM appraisal_returns WHERE true
GROUP BY day, unit_id
ON CONFLICT(day, unit_id) DO UPDATE SET
    returns_requested=returns_requested+excluded.returns_requested,
    returns_approved=returns_approved+excluded.returns_approved;

INSERT INTO rollup_labels(dim, name) SELECT DISTINCT 4, channel FROM cases;
INSERT INTO rollup_labels(dim, name) SELECT DISTINCT 5, request_type FROM cases;
INSERT INTO rollup_volume_day(dim, day, key, n)
SELECT 1, reg_day, category_id, count(*) FROM cases GROUP BY reg_day, category_id;
INSERT INTO rollup_volume_day(dim, day, key, n)
SELECT 2, reg_day, ifnull(district_id,0), count(*) FROM cases GROUP BY reg_day, ifnull(district_id,0);
INSERT INTO rollup_volume_day(dim, day, key, n)
SELECT 3, reg_day, ifnull(street_id,0), count(*) FROM cases GROUP BY reg_day, ifnull(street_id,0);
INSERT INTO rollup_volume_day(dim, day, key, n)
SELECT 4, c.reg_day, l.id, count(*) FROM cases c JOIN rollup_labels l ON l.dim=4 AND l.name=c.channel
GROUP BY c.reg_day, l.id;
INSERT INTO rollup_volume_day(dim, day, key, n)
SELECT 5, c.reg_day, l.id, count(*) FROM cases c JOIN rollup_labels l ON l.dim=5 AND l.name=c.request_type
GROUP BY c.reg_day, l.id;
