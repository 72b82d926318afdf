-- 0007: the knowledge base (articles, their full-text index, the direct answers that cite them),
-- the trained routing-suggestion models, the sensitive words that mark a request urgent, and an
-- index for finding duplicate requests at the same address. Dates are 'YYYY-MM-DD' local.

CREATE TABLE kb_articles (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    category_id INTEGER REFERENCES categories(id),   -- any level; NULL = general
    unit_id     INTEGER NOT NULL REFERENCES units(id), -- the owning unit, which keeps it right
    valid_from  TEXT,                                -- NULL = since always
    valid_to    TEXT,                                -- NULL = until withdrawn
    next_review TEXT,                                -- when the owner must check it again
    created_by  INTEGER REFERENCES users(id),
    updated_by  INTEGER REFERENCES users(id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX kb_articles_unit ON kb_articles(unit_id);
CREATE INDEX kb_articles_review ON kb_articles(next_review);

-- Search over title and body with our CJK-bigram tokenizer (fts_bigram.c): SQLite's trigram
-- tokenizer finds nothing for two-character terms such as 社保 or 停水. External content,
-- kept in step by the triggers below, so no writer can forget it.
CREATE VIRTUAL TABLE kb_fts USING fts5(
    title, body,
    content='kb_articles', content_rowid='id', tokenize='hotline_bigram'
);
CREATE TRIGGER kb_articles_ai AFTER INSERT ON kb_articles BEGIN
    INSERT INTO kb_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER kb_articles_ad AFTER DELETE ON kb_articles BEGIN
    INSERT INTO kb_fts(kb_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER kb_articles_au AFTER UPDATE OF title, body ON kb_articles BEGIN
    INSERT INTO kb_fts(kb_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO kb_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;

-- Direct answers (直接答复) record the article they used in their event's extra
-- {"article_id": N}; the event log stays the only record, and this index finds an article's
-- answers for the maintenance report. json_valid guards the expression (an index expression
-- that fails would refuse the insert); queries must spell it exactly so (store/kb.c).
CREATE INDEX case_events_article
    ON case_events(CASE WHEN json_valid(extra) THEN json_extract(extra, '$.article_id') END)
    WHERE action = 'answer' AND extra IS NOT NULL;

-- Duplicate hints look for open requests at the same address.
CREATE INDEX cases_address ON cases(address, registered_at);

-- Routing-suggestion models made by `hotline train` (core/classifier.c's bytes). The server
-- checks max(version) now and then and reloads when it grew: no restart needed.
CREATE TABLE suggest_models (
    name       TEXT PRIMARY KEY CHECK (name IN ('category','unit')),
    version    INTEGER NOT NULL,
    trained_at INTEGER NOT NULL,
    samples    INTEGER NOT NULL,
    classes    INTEGER NOT NULL,
    cv_top1    REAL NOT NULL,     -- cross-validated accuracy on the training requests
    cv_top3    REAL NOT NULL,
    data       BLOB NOT NULL
) WITHOUT ROWID;

-- Words that make a request urgent when its title or text contains them (an administrator
-- edits the list; the demo's is data/demo/sensitive_words.json).
CREATE TABLE sensitive_words (
    word       TEXT PRIMARY KEY,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
