-- 0011: telephone calls (来电记录) as the phone switch reports them (POST /api/calls), and the
-- requests registered during each. The centre's call figures of GB/T 33358 (answered within
-- 15 seconds, connection rate) are sums over these rows; the call-taker's console finds the
-- caller of the call in progress here.
CREATE TABLE calls (
    id          INTEGER PRIMARY KEY,
    call_id     TEXT NOT NULL UNIQUE,          -- the switch's id: its events find the call by it
    caller      TEXT NOT NULL,                 -- digits only
    agent_id    INTEGER REFERENCES users(id),  -- the call-taker who answered; NULL before
    -- When the call is placed in time: the offer, or the first event the switch reported when
    -- it left the offer out. Lists and figures select a period by it, so it is never NULL.
    placed_at   INTEGER NOT NULL,
    offered_at  INTEGER,                       -- NULL: not reported
    answered_at INTEGER,
    ended_at    INTEGER
);
-- A period's calls (GET /api/calls, newest first) and its figures (GET /api/analytics/calls):
-- covering, so the figures of a busy month are summed from the index alone.
CREATE INDEX calls_placed ON calls(placed_at, offered_at, answered_at, ended_at);
-- A call-taker's call in progress (their latest answer) and their own list.
CREATE INDEX calls_agent ON calls(agent_id, answered_at);

-- A request registered during a call. A call may bring several requests, and a request may be
-- linked to more than one call (the caller rang again).
CREATE TABLE call_cases (
    call_id INTEGER NOT NULL REFERENCES calls(id),
    case_id INTEGER NOT NULL REFERENCES cases(id),
    PRIMARY KEY (call_id, case_id)
) WITHOUT ROWID;
-- A request's calls (GET /api/cases/:id).
CREATE INDEX call_cases_case ON call_cases(case_id);
