/* pg_fts_bigram.h — the PostgreSQL counterpart of fts_bigram.c (internal to src/store/pg/):
 * core/textseg.h's terms (CJK bigrams, ASCII words), the ones the SQLite tokenizer indexes,
 * as the text of a weighted tsvector for the `search` columns of 0001_schema.sql, and as the
 * list of a search's terms.
 *
 * Why a tsvector literal and not the schema comment's setweight(array_to_tsvector(...)):
 * array_to_tsvector makes lexemes without positions, and PostgreSQL keeps a weight only on a
 * position, so that form loses both the weights (every lexeme ranks as D) and how often a
 * term occurs. Here every occurrence is a position ('路灯':1A,7B), counted across the fields
 * in order, so a query sees weights and frequencies as FTS5's bm25 sees columns and hits.
 * PostgreSQL keeps at most 256 positions of a lexeme and clamps positions at 16383; beyond
 * that a long text's later occurrences stop adding to its rank (they are still found). */
#ifndef HOTLINE_STORE_PG_FTS_BIGRAM_H
#define HOTLINE_STORE_PG_FTS_BIGRAM_H
#include "util/arena.h"
#include "util/err.h"
#include <stddef.h>
#include <stdint.h>

#define PG_FTS_MAX_FIELDS 4 /* weights A, B, C, D in the order of the fields */

/* The terms of fields[0..n) (NULL counts as "") as tsvector input text, for a "$n::tsvector"
 * parameter: fields[0]'s occurrences weigh A, fields[1]'s B, and so on. An empty text is an
 * empty tsvector. *terms (may be NULL) counts the terms, as FTS5 counts a row's tokens.
 * HL_EINVAL for more than PG_FTS_MAX_FIELDS fields. */
HL_MUST_CHECK int pg_fts_vector(arena *a, const char *const *fields, size_t n, const char **out,
                                int64_t *terms);

/* The terms of a search text, the first max of them in order (repeats kept, as FTS5 reads
 * an OR of them), as text[] input for a "$n::text[]" parameter; *count says how many (0:
 * nothing searchable). */
HL_MUST_CHECK int pg_fts_terms(arena *a, const char *text, int max, const char **array,
                               int *count);

#endif
