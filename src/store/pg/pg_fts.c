/* pg_fts.c — see pg_fts.h. */
#include "store/pg/pg_fts.h"
#include "core/textseg.h"
#include <string.h>

#define POS_MAX 16383 /* PostgreSQL's largest tsvector position */
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

struct vec_ctx {
    buf *out;
    int pos; /* the position of the next term */
    char weight;
};

static int vec_term(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
    (void)start;
    (void)end;
    struct vec_ctx *v = ctx;
    int rc = v->out->len ? buf_puts(v->out, " ") : 0;
    if (!rc) rc = put_lexeme(v->out, tok, len);
    if (!rc) rc = buf_printf(v->out, ":%d%c", v->pos < POS_MAX ? v->pos : POS_MAX, v->weight);
    v->pos++;
    return rc;
}

int pg_fts_vector(const char *const *cols, int n, buf *out)
{
    if (n < 0 || n > PG_FTS_COLS_MAX) return HL_EINVAL;
    struct vec_ctx v = {out, 1, 'A'};
    for (int i = 0; i < n; i++) {
        const char *t = cols[i] ? cols[i] : "";
        v.weight = (char)('A' + i);
        int rc = textseg_terms(t, strlen(t), vec_term, &v);
        if (rc) return rc;
        v.pos++; /* one position apart: no phrase crosses into the next column */
    }
    return 0;
}

struct query_ctx {
    buf *out;
    int terms; /* of the current word */
};

static int query_term(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
    (void)start;
    (void)end;
    struct query_ctx *qc = ctx;
    int rc = buf_puts(qc->out, qc->terms++ ? " <-> " : "");
    return rc ? rc : put_lexeme(qc->out, tok, len);
}

int pg_fts_query(const char *text, buf *out, bool *none)
{
    *none = true;
    int words = 0, rc = 0;
    const char *p = text;
    while (!rc && *p && words < QUERY_WORDS) {
        while (*p == ' ' || *p == '\t') p++;
        if (!*p) break;
        const char *w = p;
        while (*p && *p != ' ' && *p != '\t') p++;
        words++;
        /* the word's phrase, kept only when it has terms */
        size_t mark = out->len;
        rc = buf_puts(out, *none ? "(" : " & (");
        struct query_ctx qc = {out, 0};
        if (!rc) rc = textseg_terms(w, (size_t)(p - w), query_term, &qc);
        if (!rc && qc.terms) {
            rc = buf_puts(out, ")");
            *none = false;
        } else if (!rc) {
            out->len = mark;
            if (out->data) out->data[mark] = '\0';
        }
    }
    if (rc) return rc;
    return words ? 0 : HL_EINVAL;
}
