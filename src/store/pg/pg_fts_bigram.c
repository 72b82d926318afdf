/* pg_fts_bigram.c — see pg_fts_bigram.h. Terms are CJK ideographs or [a-z0-9] only
 * (core/textseg.h), so no quoting can be broken out of; both literals escape quotes and
 * backslashes all the same, as their input syntaxes ask. */
#include "store/pg/pg_fts_bigram.h"
#include "core/textseg.h"
#include "util/buf.h"
#include <string.h>

#define PG_FTS_TEXT_MAX (64u << 20) /* bounded as any buf; far beyond a tsvector's 1 MB */

/* Appends tok quoted by q (' or "), with q and \ escaped by a backslash. */
static HL_MUST_CHECK int put_quoted(buf *out, char q, const char *tok, size_t len)
{
    int rc = buf_append(out, &q, 1);
    for (size_t i = 0; !rc && i < len; i++) {
        if (tok[i] == q || tok[i] == '\\') rc = buf_append(out, "\\", 1);
        if (!rc) rc = buf_append(out, &tok[i], 1);
    }
    if (!rc) rc = buf_append(out, &q, 1);
    return rc;
}

struct vec_build {
    buf *out;
    char weight;
    unsigned pos; /* the last position given; tsvector clamps those beyond 16383 itself */
};

static int add_position(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
    (void)start;
    (void)end;
    struct vec_build *v = ctx;
    int rc = v->out->len ? buf_append(v->out, " ", 1) : 0;
    if (!rc) rc = put_quoted(v->out, '\'', tok, len);
    if (!rc) rc = buf_printf(v->out, ":%u%c", ++v->pos, v->weight);
    return rc;
}

int pg_fts_vector(arena *a, const char *const *fields, size_t n, const char **out,
                  int64_t *terms)
{
    if (n > PG_FTS_MAX_FIELDS) return HL_EINVAL;
    buf b;
    buf_init(&b, PG_FTS_TEXT_MAX);
    struct vec_build v = {&b, 'A', 0};
    int rc = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        v.weight = (char)('A' + i);
        if (fields[i]) rc = textseg_terms(fields[i], strlen(fields[i]), add_position, &v);
    }
    if (!rc) {
        *out = arena_strndup(a, b.len ? b.data : "", b.len);
        if (!*out) rc = HL_ENOMEM;
        if (terms) *terms = v.pos;
    }
    buf_free(&b);
    return rc;
}

struct terms_build {
    buf *out;
    int max, count;
};

static int add_term(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
    (void)start;
    (void)end;
    struct terms_build *t = ctx;
    if (t->count == t->max) return 1; /* enough to rank by */
    int rc = buf_append(t->out, t->count ? "," : "{", 1);
    if (!rc) rc = put_quoted(t->out, '"', tok, len);
    if (!rc) t->count++;
    return rc;
}

int pg_fts_terms(arena *a, const char *text, int max, const char **array, int *count)
{
    buf b;
    buf_init(&b, PG_FTS_TEXT_MAX);
    struct terms_build t = {&b, max, 0};
    int rc = textseg_terms(text, strlen(text), add_term, &t);
    if (rc == 1) rc = 0; /* stopped at max */
    if (!rc) rc = buf_append(&b, t.count ? "}" : "{}", t.count ? 1 : 2);
    if (!rc) {
        *array = arena_strndup(a, b.data, b.len);
        *count = t.count;
        if (!*array) rc = HL_ENOMEM;
    }
    buf_free(&b);
    return rc;
}
