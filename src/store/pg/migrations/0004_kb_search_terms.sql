-- 0004: how many full-text terms each article's `search` vector was made from (title and
-- body: the column sizes FTS5 keeps for SQLite's kb_fts), so that PostgreSQL ranks a search by
-- bm25 exactly as SQLite does (src/store/pg/pg_kb.c): bm25 normalises by the article's length
-- against the average length, and a tsvector does not say how many terms it holds (length()
-- counts distinct lexemes). Written with `search`, in the same statement.
ALTER TABLE kb_articles ADD COLUMN search_terms INTEGER NOT NULL DEFAULT 0;
