/* textseg.h — splitting text into search terms, for Chinese and English alike (the approach
 * of Lucene's CJK analyzer): runs of CJK ideographs become overlapping bigrams ("路灯不亮" →
 * 路灯 灯不 不亮), a lone ideograph stays a unigram, runs of ASCII letters and digits become
 * lower-cased words, everything else separates terms. Used by the full-text index (FTS5
 * tokenizer in src/store/) and by the text classifiers. Pure: no I/O, no allocation. */
#ifndef HOTLINE_CORE_TEXTSEG_H
#define HOTLINE_CORE_TEXTSEG_H
#include <stddef.h>

#define TEXTSEG_MAX_TERM 64 /* bytes; longer ASCII words are cut to this length */

/* Called for each term in order: tok/len is the normalised term (NUL-terminated, valid only
 * during the call), start/end the byte range in the input it came from. A non-zero return
 * stops the walk and is returned by textseg_terms. */
typedef int (*textseg_fn)(void *ctx, const char *tok, size_t len, size_t start, size_t end);

/* Walks text[0..n). Invalid UTF-8 bytes are skipped as separators; never reads past n.
 * Full-width ASCII letters and digits (Ａ..Ｚ, ａ..ｚ, ０..９) count as their ASCII forms.
 * Returns 0, or the first non-zero value the callback returned. */
int textseg_terms(const char *text, size_t n, textseg_fn fn, void *ctx);

#endif
