/* alert_words.h — which of the sensitive words (煤气味, 着火, 被困, ...) a request's words
 * contain: any of them marks the request urgent at registration and raises an alert. A plain
 * substring test, ASCII letters compared without case, because a call-taker types the words
 * as the caller says them and a missed gas leak costs far more than a needless alert. Pure. */
#ifndef HOTLINE_CORE_ALERT_WORDS_H
#define HOTLINE_CORE_ALERT_WORDS_H
#include <stddef.h>

#define ALERT_WORD_MAX 32 /* bytes of one word (10 Chinese characters) */

/* The indexes of the words found in text (empty words never match), at most cap of them, in
 * word order, into hit; returns how many were found. */
size_t alert_words_match(const char *text, const char *const *words, size_t nwords, size_t *hit,
                         size_t cap);
/* Is w acceptable as a sensitive word: 1..ALERT_WORD_MAX bytes of valid UTF-8, no control
 * characters, not only spaces? */
int alert_word_valid(const char *w);
/* The part of w without the spaces around it (ASCII space and tab, and the ideographic space
 * U+3000 a Chinese input method types): its length, and its offset in *start. A word saved
 * with a space around it would match only text with that space. */
size_t alert_word_trim(const char *w, size_t *start);

#endif
