/* textseg.c — see textseg.h: CJK bigrams and lower-cased ASCII words from UTF-8 text. */
#include "core/textseg.h"
#include <stdint.h>
#include <string.h>

/* What one decoded character is to the segmenter. */
enum cls { SEP, WORD, IDEO };

/* Decodes one strictly valid UTF-8 character at s[0..avail) (avail > 0): no overlongs, no
 * surrogates, nothing above U+10FFFF. Returns its length in bytes, or 0 when s[0] does not
 * start a valid character (the caller then skips that one byte). */
static size_t utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    uint32_t v;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        v = c & 0x0F;
        if (c == 0xE0) lo = 0xA0; /* overlong */
        if (c == 0xED) hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        v = c & 0x07;
        if (c == 0xF0) lo = 0x90; /* overlong */
        if (c == 0xF4) hi = 0x8F; /* above U+10FFFF */
    } else {
        return 0;
    }
    if (avail < len) return 0;
    if (s[1] < lo || s[1] > hi) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    *cp = v;
    return len;
}

/* Classifies cp; for WORD, *ascii gets the lower-case ASCII form. */
static enum cls classify(uint32_t cp, char *ascii)
{
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0; /* full-width ASCII → ASCII */
    if ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z')) {
        *ascii = (char)cp;
        return WORD;
    }
    if (cp >= 'A' && cp <= 'Z') {
        *ascii = (char)(cp - 'A' + 'a');
        return WORD;
    }
    if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
        (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FFFF))
        return IDEO;
    return SEP;
}

int textseg_terms(const char *text, size_t n, textseg_fn fn, void *ctx)
{
    const unsigned char *s = (const unsigned char *)text;
    char term[TEXTSEG_MAX_TERM + 1];

    /* the ASCII word being collected: wlen bytes in word[], from wstart to wend */
    char word[TEXTSEG_MAX_TERM + 1];
    size_t wlen = 0, wstart = 0, wend = 0;

    /* the CJK run: its length in characters and its previous ideograph */
    size_t run = 0, pstart = 0, plen = 0;

    size_t i = 0;
    int rc = 0;
    while (!rc) {
        uint32_t cp = 0;
        size_t len = 0;
        char a = 0;
        enum cls k = SEP;
        if (i < n) {
            len = utf8_decode(s + i, n - i, &cp);
            if (len) k = classify(cp, &a);
        }

        if (k != WORD && wlen) {
            word[wlen] = '\0';
            rc = fn(ctx, word, wlen, wstart, wend);
            wlen = 0;
            if (rc) break;
        }
        if (k != IDEO && run == 1) { /* a lone ideograph is a unigram */
            memcpy(term, s + pstart, plen);
            term[plen] = '\0';
            rc = fn(ctx, term, plen, pstart, pstart + plen);
            if (rc) break;
        }
        if (k != IDEO) run = 0;

        if (i >= n) break;
        if (!len) { /* invalid byte: a separator */
            i++;
            continue;
        }

        if (k == WORD) {
            if (wlen == 0) wstart = i;
            if (wlen < TEXTSEG_MAX_TERM) { /* longer words are cut; the rest is skipped */
                word[wlen++] = a;
                wend = i + len;
            }
        } else if (k == IDEO) {
            if (run > 0) {
                memcpy(term, s + pstart, plen);
                memcpy(term + plen, s + i, len);
                term[plen + len] = '\0';
                rc = fn(ctx, term, plen + len, pstart, i + len);
            }
            run++;
            pstart = i;
            plen = len;
        }
        i += len;
    }
    return rc;
}
