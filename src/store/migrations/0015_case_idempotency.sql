-- 0015: the Idempotency-Key of a registration (POST /api/cases, the portal, Open311 POST),
-- written in the registration's own transaction, so that a client that sends the same
-- registration again (after a 503 or a lost connection whose commit did happen) gets the
-- request it already made instead of a second one. A key belongs to its registrar: the user
-- who registered (0 for residents), so one client's key never finds another's request.
CREATE TABLE case_idempotency (
    registrar_id INTEGER NOT NULL,
    key          TEXT NOT NULL,
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    PRIMARY KEY (registrar_id, key)
) WITHOUT ROWID;
