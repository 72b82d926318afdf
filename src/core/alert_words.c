/* alert_words.c — see alert_words.h. */
#include "core/alert_words.h"
#include <stdbool.h>
#include <string.h>

/* strcasestr for ASCII only: bytes of UTF-8 sequences (>= 0x80) compare exactly, so no locale
 * can fold them. */
static bool contains(const char *text, const char *word, size_t wl)
{
    for (const char *p = text; *p; p++) {
        size_t i = 0;
        while (i < wl && p[i]) {
            unsigned char a = (unsigned char)p[i], b = (unsigned char)word[i];
            if (a >= 'A' && a <= 'Z') a = (unsigned char)(a - 'A' + 'a');
            if (b >= 'A' && b <= 'Z') b = (unsigned char)(b - 'A' + 'a');
            if (a != b) break;
            i++;
        }
        if (i == wl) return true;
    }
    return false;
}

size_t alert_words_match(const char *text, const char *const *words, size_t nwords, size_t *hit,
                         size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; text && i < nwords && n < cap; i++) {
        size_t wl = words[i] ? strlen(words[i]) : 0;
        if (wl && contains(text, words[i], wl)) hit[n++] = i;
    }
    return n;
}

int alert_word_valid(const char *w)
{
    size_t n = w ? strlen(w) : 0;
    if (n == 0 || n > ALERT_WORD_MAX || strspn(w, " ") == n) return 0;
    const unsigned char *s = (const unsigned char *)w;
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (!len || i + len > n || (c < 0x80 && (c < 0x20 || c == 0x7f))) return 0;
        if (len == 2 && c < 0xC2) return 0; /* overlong */
        for (size_t k = 1; k < len; k++)
            if ((s[i + k] & 0xC0) != 0x80) return 0;
        i += len;
    }
    return 1;
}

/* Length of the space at s (within n bytes): 1 for ' ' or '\t', 3 for U+3000, else 0. */
static size_t space_at(const char *s, size_t n)
{
    if (n >= 1 && (s[0] == ' ' || s[0] == '\t')) return 1;
    if (n >= 3 && memcmp(s, "\xe3\x80\x80", 3) == 0) return 3;
    return 0;
}

size_t alert_word_trim(const char *w, size_t *start)
{
    size_t a = 0, b = strlen(w), k;
    while ((k = space_at(w + a, b - a))) a += k;
    for (;;) {
        if (b > a && (w[b - 1] == ' ' || w[b - 1] == '\t')) b--;
        else if (b >= a + 3 && memcmp(w + b - 3, "\xe3\x80\x80", 3) == 0) b -= 3;
        else break;
    }
    *start = a;
    return b - a;
}
