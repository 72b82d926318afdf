/* snippet.c — see snippet.h. */
#include "core/snippet.h"
#include "core/textseg.h"
#include <string.h>

#define MAX_QTERMS 32
#define MAX_SPANS 512
#define LEAD_CHARS 8 /* context kept before the first match */

typedef struct {
    char t[MAX_QTERMS][TEXTSEG_MAX_TERM + 1];
    size_t n;
} qterms;

typedef struct {
    size_t s, e;
} span;

typedef struct {
    const qterms *q;
    span v[MAX_SPANS];
    size_t n;
} spans;

static int add_qterm(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
    (void)start;
    (void)end;
    qterms *q = ctx;
    if (q->n == MAX_QTERMS) return 1;
    memcpy(q->t[q->n], tok, len + 1);
    q->n++;
    return 0;
}

static int add_span(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
    spans *sp = ctx;
    (void)len;
    for (size_t i = 0; i < sp->q->n; i++)
        if (strcmp(sp->q->t[i], tok) == 0) {
            if (sp->n == MAX_SPANS) return 1;
            if (sp->n && start <= sp->v[sp->n - 1].e) { /* overlaps the last: one run */
                if (end > sp->v[sp->n - 1].e) sp->v[sp->n - 1].e = end;
            } else {
                sp->v[sp->n++] = (span){start, end};
            }
            return 0;
        }
    return 0;
}

/* The byte offset max_chars UTF-8 characters after from (or n). */
static size_t chars_forward(const char *s, size_t n, size_t from, size_t chars)
{
    size_t i = from;
    while (i < n && chars) {
        i++;
        while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80) i++;
        chars--;
    }
    return i;
}

static size_t chars_back(const char *s, size_t from, size_t chars)
{
    size_t i = from;
    while (i > 0 && chars) {
        i--;
        while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80) i--;
        chars--;
    }
    return i;
}

int snippet_make(const char *text, size_t n, const char *query, size_t max_chars,
                 const char *open, const char *close, buf *out)
{
    qterms q = {.n = 0};
    spans sp = {.q = &q, .n = 0};
    if (query) textseg_terms(query, strlen(query), add_qterm, &q);
    if (q.n) textseg_terms(text, n, add_span, &sp);
    /* the window: starting a little before the match that has the most matches after it */
    size_t best = 0, best_count = 0;
    for (size_t i = 0; i < sp.n; i++) {
        size_t end = chars_forward(text, n, sp.v[i].s, max_chars), count = 0;
        for (size_t j = i; j < sp.n && sp.v[j].s < end; j++) count++;
        if (count > best_count) {
            best_count = count;
            best = i;
        }
    }
    size_t ws = sp.n ? chars_back(text, sp.v[best].s, LEAD_CHARS) : 0;
    size_t we = chars_forward(text, n, ws, max_chars);
    if (we == n) ws = chars_back(text, n, max_chars); /* near the end: fill from the left */
    if (chars_forward(text, n, 0, max_chars) == n) ws = 0, we = n; /* short: all of it */
    int rc = ws > 0 ? buf_puts(out, "…") : 0;
    size_t at = ws;
    for (size_t i = 0; !rc && i < sp.n; i++) {
        size_t s = sp.v[i].s < ws ? ws : sp.v[i].s, e = sp.v[i].e > we ? we : sp.v[i].e;
        if (s >= e) continue;
        rc = buf_append(out, text + at, s - at);
        if (!rc) rc = buf_puts(out, open);
        if (!rc) rc = buf_append(out, text + s, e - s);
        if (!rc) rc = buf_puts(out, close);
        at = e;
    }
    if (!rc) rc = buf_append(out, text + at, we - at);
    if (!rc && we < n) rc = buf_puts(out, "…");
    return rc;
}
