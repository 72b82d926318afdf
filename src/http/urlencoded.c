/* urlencoded.c — query strings and form bodies: split on '&' and '=', percent-decode, and
 * refuse what would be unsafe further on (NUL bytes, invalid UTF-8). */
#include "http/urlencoded.h"
#include "util/err.h"
#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF. NUL bytes
 * are refused too: the results are C strings and a NUL would silently cut them short. */
static bool utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c == 0) return false;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        uint32_t cp, min;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1, cp = c & 0x1F, min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2, cp = c & 0x0F, min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return false; /* continuation byte, 0xC0/0xC1 (always overlong), 0xF5.. */
        }
        if (n - i - 1 < need) return false;
        for (size_t k = 1; k <= need; k++) {
            unsigned char cc = s[i + k];
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += need + 1;
    }
    return true;
}

int urlenc_decode(arena *a, const char *s, size_t n, char **out, size_t *out_len)
{
    assert(a && out);
    *out = NULL;
    if (out_len) *out_len = 0;
    char *d = arena_alloc(a, n + 1); /* decoding never lengthens */
    if (!d) return HL_ENOMEM;
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '+') {
            d[j++] = ' ';
        } else if (c == '%') {
            if (n - i < 3) return HL_EINVAL;
            int hi = hexval((unsigned char)s[i + 1]), lo = hexval((unsigned char)s[i + 2]);
            if (hi < 0 || lo < 0) return HL_EINVAL;
            d[j++] = (char)(hi << 4 | lo);
            i += 2;
        } else {
            d[j++] = (char)c;
        }
    }
    d[j] = 0;
    if (!utf8_ok((const unsigned char *)d, j)) return HL_EINVAL;
    *out = d;
    if (out_len) *out_len = j;
    return 0;
}

int urlenc_parse(arena *a, const char *s, size_t n, urlenc_params *out)
{
    assert(a && out);
    out->items = NULL;
    out->count = 0;
    if (n == 0) return 0;
    assert(s);
    /* count first, so that an over-long query costs no decoding */
    size_t count = 0;
    for (size_t i = 0; i < n;) {
        const char *amp = memchr(s + i, '&', n - i);
        size_t end = amp ? (size_t)(amp - s) : n;
        if (end > i) count++;
        i = end + 1;
    }
    if (count > URLENC_MAX_PARAMS) return HL_ERANGE;
    if (count == 0) return 0;
    urlenc_param *items = arena_alloc(a, count * sizeof *items);
    if (!items) return HL_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        const char *amp = memchr(s + i, '&', n - i);
        size_t end = amp ? (size_t)(amp - s) : n;
        if (end > i) {
            const char *piece = s + i;
            size_t plen = end - i;
            const char *eq = memchr(piece, '=', plen);
            size_t nlen = eq ? (size_t)(eq - piece) : plen;
            const char *v = eq ? eq + 1 : piece + plen;
            size_t vlen = eq ? plen - nlen - 1 : 0;
            urlenc_param *it = &items[k++];
            char *name, *val;
            int rc = urlenc_decode(a, piece, nlen, &name, &it->name_len);
            if (!rc) rc = urlenc_decode(a, v, vlen, &val, &it->val_len);
            if (rc) return rc;
            it->name = name;
            it->val = val;
        }
        i = end + 1;
    }
    out->items = items;
    out->count = count;
    return 0;
}

const char *urlenc_get(const urlenc_params *p, const char *name)
{
    if (!p || !name) return NULL;
    for (size_t i = 0; i < p->count; i++)
        if (strcmp(p->items[i].name, name) == 0) return p->items[i].val;
    return NULL;
}
