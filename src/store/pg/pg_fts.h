/* pg_fts.h — full-text search on PostgreSQL with the terms of SQLite's FTS5 bigram tables
 * (store/fts_bigram.c): core/textseg.h makes the terms of documents and queries alike, so a
 * search finds on PostgreSQL exactly what it finds on SQLite (internal to src/store/pg/).
 *
 * A document's columns become one tsvector (the `search` columns of 0001_schema.sql): every
 * occurrence of a term is a position, counted across the columns in order, weighted 'A' in
 * the first column, 'B' in the second, and so on. Positions are what make a phrase exact: a
 * search word "路灯不亮" is the phrase 路灯 <-> 灯不 <-> 不亮, and the weights keep the phrase
 * inside one column, as FTS5 matches a phrase (array_to_tsvector, which the schema's comment
 * names, keeps neither: its phrases would degrade to "all terms anywhere"). PostgreSQL's
 * limits apply: positions past 16383 count as 16383 and a term keeps at most 256 of them, so
 * a phrase deep inside a very long text may be missed. */
#ifndef HOTLINE_STORE_PG_FTS_H
#define HOTLINE_STORE_PG_FTS_H
#include "util/buf.h"
#include "util/err.h"
#include <stdbool.h>

#define PG_FTS_COLS_MAX 4 /* weights A..D */

/* Appends the tsvector text of the n columns (NULL counts as "") to out, to bind as
 * "$n::tsvector". */
HL_MUST_CHECK int pg_fts_doc(const char *const *cols, int n, buf *out);

/* Appends the tsquery text of the user's search words, for documents of ncols columns, to
 * out, read as SQLite's case search reads them (store/case_search.c): at most the first 8
 * whitespace-separated words, each a phrase of its terms within one column, all required. A
 * word without terms ("!!!") is dropped, as FTS5 drops an empty phrase; *none is set when no
 * word has terms (FTS5 then matches nothing). HL_EINVAL when the text has no words at all. */
HL_MUST_CHECK int pg_fts_query(const char *text, int ncols, buf *out, bool *none);

#endif
