/* buf.c — see buf.h. */
#include "util/buf.h"
#include "util/err.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(buf *b, size_t max) { *b = (buf){.max = max}; }

void buf_free(buf *b)
{
    free(b->data);
    *b = (buf){.max = b->max};
}

void buf_reset(buf *b)
{
    b->len = 0;
    if (b->data) b->data[0] = 0;
}

static HL_MUST_CHECK int buf_reserve(buf *b, size_t extra)
{
    if (extra > b->max || b->len > b->max - extra) return HL_ERANGE;
    size_t need = b->len + extra + 1;
    if (need <= b->alloc) return 0;
    size_t n = b->alloc ? b->alloc : 256;
    while (n < need) n *= 2;
    if (n > b->max + 1) n = b->max + 1;
    char *p = realloc(b->data, n);
    if (!p) return HL_ENOMEM;
    b->data = p;
    b->alloc = n;
    return 0;
}

int buf_append(buf *b, const void *p, size_t n)
{
    int rc = buf_reserve(b, n);
    if (rc) return rc;
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
    return 0;
}

int buf_puts(buf *b, const char *s) { return buf_append(b, s, strlen(s)); }

int buf_printf(buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return HL_EINVAL;
    int rc = buf_reserve(b, (size_t)n);
    if (rc) return rc;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

char *buf_steal(buf *b, size_t *len)
{
    char *p = b->data;
    if (len) *len = b->len;
    *b = (buf){.max = b->max};
    return p;
}
