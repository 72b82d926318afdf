/* snippet.h — a short excerpt of a text around where a query's terms occur (core/textseg
 * terms: CJK bigrams and ASCII words), each run of matched text between marks. FTS5's own
 * snippet() repeats text when tokens overlap, as CJK bigrams always do ("公积" "积金"), so
 * the knowledge base makes its excerpts here. Pure: no I/O. */
#ifndef HOTLINE_CORE_SNIPPET_H
#define HOTLINE_CORE_SNIPPET_H
#include "util/err.h"
#include "util/buf.h"
#include <stddef.h>

/* Appends to out the excerpt of text[0..n): about max_chars characters around the densest
 * place of matches of query's terms ("…" where text was cut), matches between open and close.
 * With no match, the text's beginning. 0, or HL_ERANGE / HL_ENOMEM from the buffer. */
HL_MUST_CHECK int snippet_make(const char *text, size_t n, const char *query, size_t max_chars,
                               const char *open, const char *close, buf *out);

#endif
