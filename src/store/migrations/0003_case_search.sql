-- 0003: full-text search over requests, for Chinese and English. The tokenizer
-- "hotline_bigram" (src/store/fts_bigram.c, core/textseg.c) indexes CJK bigrams and ASCII
-- words, so two-character terms such as 路灯 or 停水 are found (SQLite's trigram tokenizer
-- silently finds nothing for them). External content: the text lives in `cases` only.
CREATE VIRTUAL TABLE case_fts USING fts5(
    title, text, address,
    content='cases', content_rowid='id', tokenize='hotline_bigram'
);
INSERT INTO case_fts(rowid, title, text, address) SELECT id, title, text, address FROM cases;
