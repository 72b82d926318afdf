/* mask.c — partial masking of callers' phone numbers and names for roles that need only a hint. */
#include "core/mask.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Copies src[0..len) into out as far as it fits, always NUL-terminates (when outcap > 0), and
 * returns the number of bytes written before the NUL. */
static size_t put_truncated(const char *src, size_t len, char *out, size_t outcap)
{
    if (!out || outcap == 0) return 0;
    if (len > outcap - 1) len = outcap - 1;
    memcpy(out, src, len);
    out[len] = '\0';
    return len;
}

size_t mask_phone(const char *in, size_t n, char *out, size_t outcap)
{
    if (!in) n = 0;
    /* No number at all stays empty, so an anonymous caller does not look as if they had one. */
    if (n == 0) return put_truncated("", 0, out, outcap);

    /* One pass, constant memory: the first three digits and a sliding window of the last four
     * are all the masked form ever shows, however long the input. */
    char first[3] = {0}, last[4] = {0};
    size_t digits = 0;
    for (size_t i = 0; i < n; i++) {
        char c = in[i];
        if (c < '0' || c > '9') continue;
        if (digits < 3) first[digits] = c;
        memmove(last, last + 1, 3);
        last[3] = c;
        digits++;
    }

    char res[3 + 4 + 4 + 1];
    size_t len = 0;
    if (digits >= 11) {
        memcpy(res, first, 3);
        len = 3;
    }
    memcpy(res + len, "****", 4);
    len += 4;
    if (digits >= 7) {
        memcpy(res + len, last, 4);
        len += 4;
    }
    return put_truncated(res, len, out, outcap);
}

/* Length of the valid UTF-8 sequence at p (avail bytes readable), or 0 if it is malformed:
 * bad lead byte, truncated, bad continuation, overlong form, surrogate or beyond U+10FFFF. */
static size_t utf8_seq_len(const unsigned char *p, size_t avail)
{
    unsigned char c = p[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0) lo = 0xA0; /* overlong */
        if (c == 0xED) hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0) lo = 0x90; /* overlong */
        if (c == 0xF4) hi = 0x8F; /* beyond U+10FFFF */
    } else {
        return 0;
    }
    if (avail < len) return 0;
    if (p[1] < lo || p[1] > hi) return 0;
    for (size_t i = 2; i < len; i++)
        if (p[i] < 0x80 || p[i] > 0xBF) return 0;
    return len;
}

size_t mask_name(const char *in, size_t n, char *out, size_t outcap)
{
    if (!out || outcap == 0) return 0;
    out[0] = '\0';
    if (!in) return 0;
    const unsigned char *p = (const unsigned char *)in;
    size_t pos = 0, len = 0;
    bool first = true;
    /* Each step consumes at least one byte, so the loop runs at most n times. A malformed byte
     * counts as one character; it is never copied, so the output is always valid UTF-8. */
    while (pos < n) {
        size_t sl = utf8_seq_len(p + pos, n - pos);
        size_t step = sl ? sl : 1;
        if (first && sl) {
            if (sl > outcap - 1 - len) break; /* never split a character */
            memcpy(out + len, in + pos, sl);
            len += sl;
        } else {
            if (len + 1 > outcap - 1) break;
            out[len++] = '*';
        }
        first = false;
        pos += step;
    }
    out[len] = '\0';
    return len;
}

/* The end of the phone-like run starting at in[i] (a digit, or '+' before one): digits with
 * single separators between them; *digits counts its digits. */
static size_t digit_run(const char *in, size_t n, size_t i, size_t *digits)
{
    size_t end = i, j = in[i] == '+' ? i + 1 : i;
    *digits = 0;
    while (j < n && in[j] >= '0' && in[j] <= '9') {
        (*digits)++;
        end = ++j;
        if (j + 1 < n && (in[j] == '-' || in[j] == ' ') && in[j + 1] >= '0' && in[j + 1] <= '9')
            j++;
    }
    return end;
}

size_t mask_phones_in(const char *in, size_t n, char *out, size_t outcap)
{
    if (!out || outcap == 0) return 0;
    size_t len = 0;
    for (size_t i = 0; i < n && len + 1 < outcap;) {
        bool starts = (in[i] >= '0' && in[i] <= '9') ||
                      (in[i] == '+' && i + 1 < n && in[i + 1] >= '0' && in[i + 1] <= '9');
        size_t digits = 0, end = starts ? digit_run(in, n, i, &digits) : i + 1;
        while (!starts && end < n && ((unsigned char)in[end] & 0xC0) == 0x80)
            end++; /* the rest of a UTF-8 character: copied or cut whole */
        char masked[32];
        const char *piece = in + i;
        size_t plen = end - i;
        if (digits >= 7) {
            plen = mask_phone(in + i, end - i, masked, sizeof masked);
            piece = masked;
        }
        if (len + plen > outcap - 1) break; /* never a piece cut in two */
        memcpy(out + len, piece, plen);
        len += plen;
        i = end;
    }
    out[len] = '\0';
    return len;
}
