-- 0007: the Idempotency-Key of a registration (SQLite's 0015): written in the registration's
-- own transaction, so that a registration sent again (after a 503 or a lost connection whose
-- commit did happen, as across a failover) gets the request it already made instead of a
-- second one. A key belongs to its registrar: the user who registered (0 for residents).
CREATE TABLE case_idempotency (
    registrar_id BIGINT NOT NULL,
    key          TEXT NOT NULL,
    case_id      BIGINT NOT NULL REFERENCES cases(id),
    PRIMARY KEY (registrar_id, key)
);
