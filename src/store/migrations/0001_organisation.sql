-- 0001: the city as data — units, categories, routing catalogue, calendar, time limits,
-- users, sessions and API tokens. Times are Unix seconds (UTC); dates are 'YYYY-MM-DD' local.

CREATE TABLE units (
    id        INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES units(id),
    code      TEXT NOT NULL UNIQUE,
    name_zh   TEXT NOT NULL,
    name_en   TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('centre','district','street','department','utility')),
    active    INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX units_parent ON units(parent_id);

CREATE TABLE categories (
    id           INTEGER PRIMARY KEY,
    parent_id    INTEGER REFERENCES categories(id),
    code         TEXT NOT NULL UNIQUE,
    name_zh      TEXT NOT NULL,
    name_en      TEXT NOT NULL,
    level        INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
    request_type TEXT,   -- leaves only
    urgency      TEXT,   -- leaves only: default urgency
    keywords     TEXT NOT NULL DEFAULT '',  -- space-separated
    active       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX categories_parent ON categories(parent_id);

-- 派单目录: category (any level) × district (NULL = citywide) → responsible unit.
-- The most specific rule wins: deeper category first, then a district rule over a citywide one.
CREATE TABLE routing_rules (
    id          INTEGER PRIMARY KEY,
    category_id INTEGER NOT NULL REFERENCES categories(id),
    district_id INTEGER REFERENCES units(id),
    unit_id     INTEGER NOT NULL REFERENCES units(id)
);
CREATE UNIQUE INDEX routing_rules_key ON routing_rules(category_id, ifnull(district_id, 0));

-- Exceptions to the Monday–Friday rule: statutory holidays ('off') and make-up workdays ('work').
CREATE TABLE calendar_days (
    date TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('off','work')),
    name TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

-- Time-limit policies. NULL request_type / category = applies to all; the most specific wins
-- (category over request type over default).
CREATE TABLE time_limits (
    id           INTEGER PRIMARY KEY,
    stage        TEXT NOT NULL CHECK (stage IN ('dispatch','sign','return','reply','visit')),
    urgency      TEXT NOT NULL CHECK (urgency IN ('normal','urgent')),
    request_type TEXT,
    category_id  INTEGER REFERENCES categories(id),
    amount       INTEGER NOT NULL CHECK (amount > 0),
    unit         TEXT NOT NULL CHECK (unit IN ('minutes','hours','natural_days','working_days'))
);
CREATE UNIQUE INDEX time_limits_key
    ON time_limits(stage, urgency, ifnull(request_type, ''), ifnull(category_id, 0));

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    password_hash TEXT NOT NULL,        -- Argon2id (libsodium crypto_pwhash_str)
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL
);
CREATE INDEX users_unit ON users(unit_id);

-- Login sessions: only a hash of the cookie value is kept.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);

-- Long-lived API tokens for integrations: only a hash is kept; the token is shown once.
CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    name       TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    prefix     TEXT NOT NULL,          -- first characters, to recognise a token in lists
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
