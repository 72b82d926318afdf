-- 0005: the audit log (who saw or changed what), and no CSRF secret kept in clear.

-- Append-only: reveals of a caller, logins (success, failure, lockout; never a password),
-- administrators' changes, exports, and case reads by unit roles. Times are Unix seconds.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor_id  INTEGER,                   -- NULL: nobody logged in (a failed login, say)
    actor     TEXT NOT NULL DEFAULT '',  -- username at the time ('' when unknown)
    role      TEXT NOT NULL DEFAULT '',
    unit_id   INTEGER,
    action    TEXT NOT NULL,             -- 'case.reveal', 'auth.login_failed', 'units.update', ...
    object    TEXT NOT NULL DEFAULT '',  -- 'case', 'unit', 'user', 'calendar', ...
    object_id TEXT NOT NULL DEFAULT '',  -- an id, or a date for the calendar
    case_id   INTEGER,                   -- the request concerned, if any
    detail    TEXT NOT NULL DEFAULT '',  -- a reveal's reason, a change's body (no secrets)
    client    TEXT NOT NULL DEFAULT ''   -- the client's address
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_actor ON audit_log(actor, at);
CREATE INDEX audit_log_action ON audit_log(action, at);
CREATE INDEX audit_log_case ON audit_log(case_id, at) WHERE case_id IS NOT NULL;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- The CSRF token is now derived from the session cookie (api/auth.c) and never stored;
-- forget the ones kept in clear by earlier versions (their sessions stay valid).
UPDATE sessions SET csrf_token = '';
