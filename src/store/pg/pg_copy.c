/* pg_copy.c — copy.h for PostgreSQL: the store as a stream of rows, read with COPY ... TO STDOUT
 * on one REPEATABLE READ snapshot (pg_store_read), and loaded into a new store with one
 * COPY ... FROM STDIN per table, all in one transaction.
 *
 * The load runs on a connection of its own (made from the store's URL), not in pg_store_write:
 * that is one transaction per call, and the whole load must be one (all or nothing; and one
 * COPY per table, because PostgreSQL checks a foreign key at the end of each statement, and a
 * request may be merged into a request that comes later in the stream).
 *
 * PostgreSQL's own columns that are not the stream's are derived and written in the same COPY
 * row: the `search` vectors of cases and kb_articles and kb_articles.search_terms, made as
 * every writer of them makes them (pg_fts_doc, pg_kb_vector). At the end every identity
 * sequence is moved past the ids copied (the schema's ids are BY DEFAULT for this). */
#include "store/copy.h"
#include "store/pg/pg_fts.h"
#include "store/pg/pg_kb.h"
#include "store/pg/pg_store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/log.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONNECT_TIMEOUT_S 10
#define SQL_MAX (1 << 16)
#define COPY_CHUNK (1u << 20)          /* bytes of COPY data sent at once */
#define ROW_MAX ((size_t)1 << 30)      /* a row's COPY text: PostgreSQL's own limit */
#define SEARCH_MAX ((size_t)64 << 20)  /* a search vector's text, as pg_kb.c bounds it */

struct store_copy_load {
    const store_backend *be; /* first: the contract's dispatch reads it */
    pg_conn *c;
    int table;     /* the table whose COPY is open, -1 before the first */
    bool in_copy;
    bool finished;
    buf rows;      /* COPY text not yet sent */
};

static bool named(const store_copy_table *t, const char *name) { return strcmp(t->name, name) == 0; }

/* The columns PostgreSQL has besides the stream's, derived (see above). */
static int derived_cols(const store_copy_table *t)
{
    return named(t, "cases") ? 1 : named(t, "kb_articles") ? 2 : 0;
}

static int col_index(const store_copy_table *t, const char *name)
{
    for (int c = 0; c < t->ncols; c++)
        if (strcmp(t->cols[c].name, name) == 0) return c;
    return -1;
}

/* ---- the schema, held against the stream's ---------------------------------------------- */

/* HL_EINVAL when the schema has a table, or a table has a column, that the stream does not
 * account for. Tables not in the stream: store_copy_skipped (copy.h). */
static int schema_guard(pg_conn *c)
{
    pg_q q;
    int rc = pg_open_q(c, &q,
                       "SELECT table_name::text, count(*) FROM information_schema.columns"
                       " WHERE table_schema=current_schema()"
                       " GROUP BY table_name",
                       NULL);
    if (rc) return rc;
    arena *a = arena_new();
    int found = 0;
    while (!rc && pg_step(&q)) {
        const char *name = a ? pg_text(&q, a, 0) : NULL;
        if (!name) {
            rc = HL_ENOMEM;
            break;
        }
        bool skipped = false;
        for (int i = 0; store_copy_skipped[i]; i++) skipped |= strcmp(name, store_copy_skipped[i]) == 0;
        if (skipped) continue;
        int t = -1;
        for (int i = 0; i < store_copy_ntables && t < 0; i++)
            if (named(&store_copy_tables[i], name)) t = i;
        if (t < 0 || store_copy_tables[t].ncols + derived_cols(&store_copy_tables[t]) !=
                         pg_int(&q, 1)) {
            log_error("copy: the table %s is not in store/copy_tables.c as the schema has it",
                      name);
            rc = HL_EINVAL;
        }
        found++;
    }
    pg_close_q(&q);
    arena_free(a);
    if (!rc && found != store_copy_ntables) {
        log_error("copy: the schema lacks tables of store/copy_tables.c");
        rc = HL_EINVAL;
    }
    return rc;
}

/* ---- reading ------------------------------------------------------------------------------ */

static int copy_out_sql(const store_copy_table *t, buf *b)
{
    int rc = buf_puts(b, "COPY (SELECT ");
    for (int c = 0; c < t->ncols; c++) {
        const char *n = t->cols[c].name, *sep = c ? ", " : "";
        switch (t->cols[c].kind) {
        case STORE_COPY_BOOL: /* the stream's 0/1, not PostgreSQL's t/f */
            err_first(&rc, buf_printf(b, "%s\"%s\"::int", sep, n));
            break;
        case STORE_COPY_IDS:
            err_first(&rc, buf_printf(b, "%sarray_to_string(\"%s\", ',')", sep, n));
            break;
        default: /* float8's output is the shortest text that reads back as the same double */
            err_first(&rc, buf_printf(b, "%s\"%s\"", sep, n));
        }
    }
    err_first(&rc, buf_printf(b, " FROM %s ORDER BY %s) TO STDOUT", t->name, t->key));
    return rc;
}

static int hex(char ch)
{
    return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
         : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

/* One row of COPY's text format (n bytes, newline last) into ncols values decoded into out
 * (at least n bytes). A bytea column's "\x..." becomes its bytes. HL_EIO when the row does
 * not have the columns expected. */
static int parse_row(const store_copy_table *t, const char *row, size_t n, char *out,
                     store_copy_value *v)
{
    size_t i = 0, o = 0;
    for (int c = 0; c < t->ncols; c++) {
        if (i >= n) return HL_EIO;
        if (n - i >= 3 && row[i] == '\\' && row[i + 1] == 'N' &&
            (row[i + 2] == '\t' || row[i + 2] == '\n')) {
            v[c] = (store_copy_value){0};
            i += 3;
            continue;
        }
        size_t start = o;
        while (i < n && row[i] != '\t' && row[i] != '\n') {
            char ch = row[i++];
            if (ch == '\\' && i < n) {
                ch = row[i++];
                switch (ch) {
                case 'b': ch = '\b'; break;
                case 'f': ch = '\f'; break;
                case 'n': ch = '\n'; break;
                case 'r': ch = '\r'; break;
                case 't': ch = '\t'; break;
                case 'v': ch = '\v'; break;
                case 'x':
                    if (i < n && hex(row[i]) >= 0) {
                        int x = hex(row[i++]);
                        if (i < n && hex(row[i]) >= 0) x = x * 16 + hex(row[i++]);
                        ch = (char)x;
                    }
                    break;
                default:
                    if (ch >= '0' && ch <= '7') {
                        int x = ch - '0';
                        for (int k = 0; k < 2 && i < n && row[i] >= '0' && row[i] <= '7'; k++)
                            x = x * 8 + (row[i++] - '0');
                        ch = (char)x;
                    }
                }
            }
            out[o++] = ch;
        }
        i++; /* the tab or the newline */
        if (t->cols[c].kind == STORE_COPY_BLOB) { /* "\x" and two hex digits a byte */
            size_t len = o - start;
            if (len < 2 || out[start] != '\\' || out[start + 1] != 'x' || len % 2) return HL_EIO;
            size_t b = start;
            for (size_t k = start + 2; k < o; k += 2) {
                int hi = hex(out[k]), lo = hex(out[k + 1]);
                if (hi < 0 || lo < 0) return HL_EIO;
                out[b++] = (char)(hi * 16 + lo);
            }
            o = b;
        }
        v[c] = (store_copy_value){out + start, o - start};
    }
    return i == n ? 0 : HL_EIO;
}

static int read_table(pg_conn *c, int t, store_copy_row_fn fn, void *ctx)
{
    const store_copy_table *tb = &store_copy_tables[t];
    buf sql;
    buf_init(&sql, SQL_MAX);
    int rc = copy_out_sql(tb, &sql);
    if (!rc) rc = pg_copy_out_begin(c, sql.data);
    buf_free(&sql);
    if (rc) return rc;
    store_copy_value *v = calloc((size_t)tb->ncols, sizeof *v);
    char *out = NULL;
    size_t cap = 0;
    if (!v) rc = HL_ENOMEM;
    for (;;) {
        char *row;
        int n;
        int got = pg_copy_get(c, &row, &n);
        if (got <= 0) {
            err_first(&rc, got);
            break;
        }
        /* after an error the rows are still taken: the connection needs the COPY over */
        if (!rc && (size_t)n > cap) {
            char *bigger = (size_t)n <= ROW_MAX ? realloc(out, (size_t)n) : NULL;
            if (bigger) out = bigger, cap = (size_t)n;
            else rc = HL_ENOMEM;
        }
        if (!rc) rc = parse_row(tb, row, (size_t)n, out, v);
        if (!rc) rc = fn(ctx, t, v);
        pg_copy_free(row);
    }
    free(v);
    free(out);
    return rc ? rc : fn(ctx, t, NULL);
}

struct read_args {
    store_copy_row_fn fn;
    void *ctx;
};

static int read_fn(pg_conn *c, void *arg)
{
    struct read_args *r = arg;
    int rc = schema_guard(c);
    for (int t = 0; !rc && t < store_copy_ntables; t++) rc = read_table(c, t, r->fn, r->ctx);
    return rc;
}

int postgres_copy_read(store *s, store_copy_row_fn fn, void *ctx)
{
    struct read_args r = {fn, ctx};
    return pg_store_read(s, read_fn, &r);
}

/* ---- loading ------------------------------------------------------------------------------ */

static int any_rows(pg_conn *c, bool *yes)
{
    *yes = false;
    for (int t = 0; t < store_copy_ntables && !*yes; t++) {
        if (store_copy_tables[t].seeded) continue;
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM (SELECT 1 FROM %s LIMIT 1) x",
                 store_copy_tables[t].name);
        int64_t n = 0;
        int rc = pg_int1(c, &n, sql, NULL);
        if (rc) return rc;
        *yes = n != 0;
    }
    return 0;
}

int postgres_copy_load_open(store *s, store_copy_load **out)
{
    *out = NULL;
    struct store_copy_load *l = calloc(1, sizeof *l);
    if (!l) return HL_ENOMEM;
    l->be = PGS(s)->be;
    l->table = -1;
    buf_init(&l->rows, ROW_MAX + COPY_CHUNK);
    bool full = false;
    int rc = pg_connect(PGS(s)->url, CONNECT_TIMEOUT_S, &l->c);
    if (!rc) rc = pg_begin(l->c);
    if (!rc) rc = schema_guard(l->c);
    if (!rc) rc = any_rows(l->c, &full);
    if (!rc && full) rc = HL_ECONFLICT;
    if (rc) {
        postgres_copy_load_close(l);
        return rc;
    }
    *out = l;
    return 0;
}

static int flush(struct store_copy_load *l, bool all)
{
    if (!l->rows.len || (!all && l->rows.len < COPY_CHUNK)) return 0;
    int rc = pg_copy_put(l->c, l->rows.data, l->rows.len);
    buf_reset(&l->rows);
    return rc;
}

static int end_copy(struct store_copy_load *l)
{
    if (!l->in_copy) return 0;
    int rc = flush(l, true);
    l->in_copy = false;
    int erc = pg_copy_end(l->c, rc != 0, NULL);
    if (erc) log_error("copy: loading %s failed", store_copy_tables[l->table].name);
    return rc ? rc : erc;
}

static int start_table(struct store_copy_load *l, int t)
{
    if (t <= l->table || t >= store_copy_ntables) return HL_EINVAL; /* the list's order */
    int rc = end_copy(l);
    l->table = t;
    const store_copy_table *tb = &store_copy_tables[t];
    char del[128];
    snprintf(del, sizeof del, "DELETE FROM %s", tb->name);
    if (!rc && tb->seeded) rc = pg_exec(l->c, NULL, del, NULL);
    buf sql;
    buf_init(&sql, SQL_MAX);
    if (!rc) rc = buf_printf(&sql, "COPY %s(", tb->name);
    for (int c = 0; !rc && c < tb->ncols; c++)
        rc = buf_printf(&sql, "%s\"%s\"", c ? ", " : "", tb->cols[c].name);
    if (!rc && named(tb, "cases")) rc = buf_puts(&sql, ", search");
    if (!rc && named(tb, "kb_articles")) rc = buf_puts(&sql, ", search, search_terms");
    if (!rc) rc = buf_puts(&sql, ") FROM STDIN");
    if (!rc) rc = pg_copy_begin(l->c, sql.data);
    if (!rc) l->in_copy = true;
    buf_free(&sql);
    return rc;
}

/* Bytes escaped for COPY's text format: backslash, tab, newline and carriage return. */
static int put_escaped(buf *b, const char *s, size_t n)
{
    int rc = 0;
    size_t run = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        const char *esc = s[i] == '\\' ? "\\\\" : s[i] == '\t' ? "\\t" : s[i] == '\n' ? "\\n"
                        : s[i] == '\r' ? "\\r" : NULL;
        if (!esc) continue;
        rc = buf_append(b, s + run, i - run);
        if (!rc) rc = buf_append(b, esc, 2);
        run = i + 1;
    }
    return rc ? rc : buf_append(b, s + run, n - run);
}

static int put_value(buf *b, store_copy_kind kind, const store_copy_value *v)
{
    if (!v->p) return buf_append(b, "\\N", 2);
    if (kind == STORE_COPY_BLOB) { /* bytea's hex input, its backslash escaped for COPY */
        static const char digits[] = "0123456789abcdef";
        int rc = buf_append(b, "\\\\x", 3);
        for (size_t i = 0; !rc && i < v->n; i++) {
            unsigned char ch = (unsigned char)v->p[i];
            char two[2] = {digits[ch >> 4], digits[ch & 15]};
            rc = buf_append(b, two, 2);
        }
        return rc;
    }
    if (kind == STORE_COPY_BOOL && (v->n != 1 || (v->p[0] != '0' && v->p[0] != '1')))
        return HL_EINVAL;
    if (kind == STORE_COPY_IDS) { /* an array literal: digits and commas only */
        for (size_t i = 0; i < v->n; i++)
            if (!(v->p[i] >= '0' && v->p[i] <= '9') && v->p[i] != ',' && v->p[i] != '-')
                return HL_EINVAL;
        int rc = buf_append(b, "{", 1);
        if (!rc) rc = buf_append(b, v->p, v->n);
        return rc ? rc : buf_append(b, "}", 1);
    }
    return put_escaped(b, v->p, v->n); /* INT and REAL are refused by the server if not numbers */
}

/* The derived columns of a cases or kb_articles row (see the top of this file). */
static int put_derived(buf *b, const store_copy_table *t, const store_copy_value *v)
{
    arena *a = arena_new();
    if (!a) return HL_ENOMEM;
    int rc = 0;
    const char *cols[3];
    const char *names[3] = {"title", named(t, "cases") ? "text" : "body", "address"};
    int ncols = named(t, "cases") ? 3 : 2;
    for (int i = 0; i < ncols && !rc; i++) {
        int c = col_index(t, names[i]);
        cols[i] = c < 0 ? NULL : v[c].p ? arena_strndup(a, v[c].p, v[c].n) : "";
        if (!cols[i]) rc = c < 0 ? HL_EINVAL : HL_ENOMEM;
    }
    if (!rc && ncols == 3) {
        buf doc;
        buf_init(&doc, SEARCH_MAX);
        rc = pg_fts_doc(cols, 3, &doc);
        if (!rc) rc = buf_append(b, "\t", 1);
        if (!rc) rc = put_escaped(b, doc.len ? doc.data : "", doc.len);
        buf_free(&doc);
    } else if (!rc) {
        const char *search = NULL;
        int64_t terms = 0;
        rc = pg_kb_vector(a, cols[0], cols[1], &search, &terms);
        if (!rc) rc = buf_append(b, "\t", 1);
        if (!rc) rc = put_escaped(b, search, strlen(search));
        if (!rc) rc = buf_printf(b, "\t%lld", (long long)terms);
    }
    arena_free(a);
    return rc;
}

int postgres_copy_load_rows(store_copy_load *l, int table, const store_copy_value *vals,
                            size_t nrows)
{
    int rc = table == l->table ? 0 : start_table(l, table);
    if (rc) return rc;
    const store_copy_table *tb = &store_copy_tables[table];
    for (size_t r = 0; !rc && r < nrows; r++) {
        const store_copy_value *v = vals + r * (size_t)tb->ncols;
        for (int c = 0; !rc && c < tb->ncols; c++) {
            if (c) rc = buf_append(&l->rows, "\t", 1);
            if (!rc) rc = put_value(&l->rows, tb->cols[c].kind, &v[c]);
        }
        if (!rc && derived_cols(tb)) rc = put_derived(&l->rows, tb, v);
        if (!rc) rc = buf_append(&l->rows, "\n", 1);
        if (!rc) rc = flush(l, false);
    }
    return rc;
}

/* Every identity sequence moved past the largest id copied, so the next id made is new. */
static const char sequences_sql[] =
    "DO $$DECLARE r record; BEGIN"
    " FOR r IN SELECT table_name::text AS t, column_name::text AS c"
    "  FROM information_schema.columns"
    "  WHERE table_schema=current_schema() AND is_identity='YES' LOOP"
    "  EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L), max(%I))"
    " FROM %I HAVING max(%I) IS NOT NULL', r.t, r.c, r.c, r.t, r.c);"
    " END LOOP; END$$";

int postgres_copy_load_finish(store_copy_load *l)
{
    int rc = end_copy(l);
    if (!rc) rc = pg_script(l->c, sequences_sql);
    if (!rc) rc = pg_commit(l->c);
    if (!rc) l->finished = true;
    return rc;
}

void postgres_copy_load_close(store_copy_load *l)
{
    if (!l) return;
    if (l->in_copy) err_ignore(pg_copy_end(l->c, true, NULL)); /* cancelled: rolled back below */
    if (l->c && !l->finished) pg_rollback(l->c);
    pg_close(l->c);
    buf_free(&l->rows);
    free(l);
}
