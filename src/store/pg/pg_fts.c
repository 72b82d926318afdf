/* pg_fts.c — see pg_fts.h. */
#include "store/pg/pg_fts.h"
#include "core/textseg.h"
#include <string.h>

#define QUERY_WORDS 8 /* as store/case_search.c's fts_query */

/* A lexeme in tsvector/tsquery quoting: 'x', with ' doubled and \ escaped. */
static HL_MUST_CHECK int put_lexeme(buf *out, const char *tok, size_t len)
{
    int rc = buf_puts(out, "'");
    for (size_t i = 0; !rc && i < len; i++) {
        if (tok[i] == '\'') rc = buf_puts(out, "''");
        else if (tok[i] == '\\') rc = buf_puts(out, "\\\\");
        else rc = buf_append(out, &tok[i], 1);
    }
    return rc ? rc : buf_puts(out, "'");
}

struct doc_ctx {
    buf *out;
    unsigned pos; /* the last position given; tsvector clamps those past 16383 itself */
    char weight;
};

static int doc_term(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
    (void)start;
    (void)end;
    struct doc_ctx *d = ctx;
    int rc = d->out->len ? buf_puts(d->out, " ") : 0;
    if (!rc) rc = put_lexeme(d->out, tok, len);
    if (!rc) rc = buf_printf(d->out, ":%u%c", ++d->pos, d->weight);
    return rc;
}

int pg_fts_doc(const char *const *cols, int n, buf *out)
{
    if (n < 0 || n > PG_FTS_COLS_MAX) return HL_EINVAL;
    struct doc_ctx d = {out, 0, 'A'};
    for (int i = 0; i < n; i++) {
        const char *t = cols[i] ? cols[i] : "";
        d.weight = (char)('A' + i);
        int rc = textseg_terms(t, strlen(t), doc_term, &d);
        if (rc) return rc;
    }
    return 0;
}

/* Writes a search word's terms as a phrase, each term in column `weight` ('A'...; 0: in
 * any), or only counts them (out NULL). */
struct phrase_ctx {
    buf *out;
    char weight;
    int terms;
};

static int phrase_term(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
    (void)start;
    (void)end;
    struct phrase_ctx *ph = ctx;
    bool first = ph->terms++ == 0;
    if (!ph->out) return 0; /* counting only */
    int rc = first ? 0 : buf_puts(ph->out, " <-> ");
    if (!rc) rc = put_lexeme(ph->out, tok, len);
    if (!rc && ph->weight) rc = buf_printf(ph->out, ":%c", ph->weight);
    return rc;
}

int pg_fts_query(const char *text, int ncols, buf *out, bool *none)
{
    *none = true;
    if (ncols < 1 || ncols > PG_FTS_COLS_MAX) return HL_EINVAL;
    int words = 0, rc = 0;
    const char *p = text;
    while (!rc && *p && words < QUERY_WORDS) {
        while (*p == ' ' || *p == '\t') p++;
        if (!*p) break;
        const char *w = p;
        while (*p && *p != ' ' && *p != '\t') p++;
        size_t wlen = (size_t)(p - w);
        words++;
        struct phrase_ctx count = {NULL, 0, 0};
        rc = textseg_terms(w, wlen, phrase_term, &count);
        if (rc || !count.terms) continue; /* no terms: FTS5 drops the empty phrase */
        rc = buf_puts(out, *none ? "(" : " & (");
        *none = false;
        /* one term needs no column (it is in one wherever it is); a phrase is looked for in
         * each column in turn */
        int cols = count.terms > 1 ? ncols : 1;
        for (int col = 0; !rc && col < cols; col++) {
            struct phrase_ctx ph = {out, count.terms > 1 ? (char)('A' + col) : 0, 0};
            rc = buf_puts(out, col ? ") | (" : "(");
            if (!rc) rc = textseg_terms(w, wlen, phrase_term, &ph);
        }
        if (!rc) rc = buf_puts(out, "))");
    }
    if (rc) return rc;
    return words ? 0 : HL_EINVAL;
}
