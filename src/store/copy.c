/* copy.c — copy.h for SQLite: the store as a stream of rows, read on one reader's snapshot, and
 * loaded into a new store in one transaction.
 *
 * The load runs on a connection of its own rather than as writer jobs: a job is one
 * transaction, and the whole load must be one (all of it or nothing, and a row may refer to a
 * row of its table that comes in a later call). Nothing else writes while it is open
 * (copy.h), so the writer thread has nothing to order it against. Foreign keys are off while
 * rows go in, for the same reason (SQLite checks them per statement), and every reference is
 * checked once at the end with foreign_key_check before the commit.
 *
 * SQLite's own columns that are not the stream's: case_events.extra (the stream's article_id,
 * basis, co_unit_ids, import_source, import_id, read and written by case_row.c's functions);
 * the FTS5 tables, rebuilt at the end. */
#include "store/case_row.h"
#include "store/copy.h"
#include "store/store_internal.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/log.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXTRA_COLS 5      /* case_events' stream columns kept in `extra` */
#define SQL_MAX (1 << 16) /* a table's SELECT or INSERT */

struct store_copy_load {
    const store_backend *be; /* first: the contract's dispatch reads it */
    sqlite3 *db;
    sqlite3_stmt *ins; /* the INSERT of table `table` */
    int table;
    bool finished;
};

static bool is_events(const store_copy_table *t) { return strcmp(t->name, "case_events") == 0; }
/* the stream's columns that are columns of SQLite's table */
static int own_cols(const store_copy_table *t) { return t->ncols - (is_events(t) ? EXTRA_COLS : 0); }

/* ---- the schema, held against the stream's ---------------------------------------------- */

/* Tables of SQLite's schema that are not in the stream: store_copy_skipped, and the
 * full-text tables (rebuilt by the load). */
static bool not_copied(const char *name)
{
    for (int i = 0; store_copy_skipped[i]; i++)
        if (strcmp(name, store_copy_skipped[i]) == 0) return true;
    static const char *const skip[] = {"case_fts", "kb_fts"};
    for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++) {
        size_t n = strlen(skip[i]);
        /* an FTS5 table and its shadow tables (case_fts_data, ...) */
        if (strncmp(name, skip[i], n) == 0 && (!name[n] || (strstr(skip[i], "_fts") && name[n] == '_')))
            return true;
    }
    return false;
}

static int find_table(const char *name)
{
    for (int i = 0; i < store_copy_ntables; i++)
        if (strcmp(store_copy_tables[i].name, name) == 0) return i;
    return -1;
}

/* HL_EINVAL when the schema has a table, or a table has a column, that the stream does not
 * account for: a copy would silently leave it behind. */
static int schema_guard(sqlite3 *db)
{
    db_q q;
    int rc = db_open_q(db, &q,
                       "SELECT m.name, (SELECT count(*) FROM pragma_table_info(m.name)) FROM"
                       " sqlite_schema m WHERE m.type='table' AND m.name NOT LIKE 'sqlite_%'",
                       NULL);
    if (rc) return rc;
    while ((rc = db_step(&q)) == 1) {
        const char *name = (const char *)sqlite3_column_text(q.st, 0);
        int t = find_table(name);
        if (t < 0 && not_copied(name)) continue;
        if (t < 0 || own_cols(&store_copy_tables[t]) + is_events(&store_copy_tables[t]) !=
                         (int)db_int(&q, 1)) {
            log_error("copy: the table %s is not in store/copy_tables.c as the schema has it",
                      name);
            rc = HL_EINVAL;
            break;
        }
    }
    db_close_q(&q);
    return rc;
}

/* ---- reading ------------------------------------------------------------------------------ */

/* "SELECT "a", "b", ... FROM t ORDER BY key" (events: extra in place of the last five) */
static int select_sql(const store_copy_table *t, buf *b)
{
    int rc = buf_puts(b, "SELECT ");
    for (int c = 0; c < own_cols(t); c++)
        err_first(&rc, buf_printf(b, "%s\"%s\"", c ? ", " : "", t->cols[c].name));
    if (is_events(t)) err_first(&rc, buf_puts(b, ", extra"));
    err_first(&rc, buf_printf(b, " FROM %s ORDER BY %s", t->name, t->key));
    return rc;
}

/* The five stream values of an event's extra column, their text in the arena. */
static int extra_values(sqlite3_stmt *st, int col, arena *a, store_copy_value *v)
{
    const char *text = (const char *)sqlite3_column_text(st, col);
    store_case_event ev = {0};
    int rc = case_row_extra_parse(text ? text : "", a, &ev);
    if (rc) return rc;
    memset(v, 0, EXTRA_COLS * sizeof *v);
    if (ev.article_id) {
        char *p = arena_alloc(a, 24);
        if (!p) return HL_ENOMEM;
        v[0] = (store_copy_value){p, (size_t)snprintf(p, 24, "%" PRId64, ev.article_id)};
    }
    if (ev.basis) v[1] = (store_copy_value){ev.basis, strlen(ev.basis)};
    if (ev.n_co) {
        char *p = arena_alloc(a, (size_t)ev.n_co * 24);
        if (!p) return HL_ENOMEM;
        size_t n = 0;
        for (int i = 0; i < ev.n_co; i++)
            n += (size_t)snprintf(p + n, 24, "%s%" PRId64, i ? "," : "", ev.co_units[i]);
        v[2] = (store_copy_value){p, n};
    }
    if (ev.import_source) v[3] = (store_copy_value){ev.import_source, strlen(ev.import_source)};
    if (ev.import_id) v[4] = (store_copy_value){ev.import_id, strlen(ev.import_id)};
    return 0;
}

static int read_table(sqlite3 *db, int t, store_copy_row_fn fn, void *ctx)
{
    const store_copy_table *tb = &store_copy_tables[t];
    buf sql;
    buf_init(&sql, SQL_MAX);
    sqlite3_stmt *st = NULL;
    int rc = select_sql(tb, &sql);
    if (!rc) rc = db_err(sqlite3_prepare_v2(db, sql.data, -1, &st, NULL));
    buf_free(&sql);
    store_copy_value *v = calloc((size_t)tb->ncols, sizeof *v);
    char (*num)[32] = calloc((size_t)tb->ncols, sizeof *num); /* the REAL columns' text */
    arena *a = NULL;
    if (!rc && (!v || !num)) rc = HL_ENOMEM;
    while (!rc) {
        int s = sqlite3_step(st);
        if (s == SQLITE_DONE) break;
        if (s != SQLITE_ROW) {
            rc = db_err(s);
            break;
        }
        for (int c = 0; c < own_cols(tb); c++) {
            if (sqlite3_column_type(st, c) == SQLITE_NULL) {
                v[c] = (store_copy_value){0};
            } else if (tb->cols[c].kind == STORE_COPY_REAL) {
                /* 17 significant digits read back as the same double */
                int n = snprintf(num[c], sizeof num[c], "%.17g", sqlite3_column_double(st, c));
                v[c] = (store_copy_value){num[c], (size_t)n};
            } else if (tb->cols[c].kind == STORE_COPY_BLOB) {
                const void *p = sqlite3_column_blob(st, c);
                v[c] = (store_copy_value){p ? p : "", (size_t)sqlite3_column_bytes(st, c)};
            } else {
                const char *p = (const char *)sqlite3_column_text(st, c);
                v[c] = (store_copy_value){p, (size_t)sqlite3_column_bytes(st, c)};
            }
        }
        if (is_events(tb)) {
            arena_free(a); /* the previous row's extra values */
            a = arena_new();
            rc = a ? extra_values(st, own_cols(tb), a, v + own_cols(tb)) : HL_ENOMEM;
        }
        if (!rc) rc = fn(ctx, t, v);
    }
    sqlite3_finalize(st);
    free(v);
    free(num);
    arena_free(a);
    return rc ? rc : fn(ctx, t, NULL);
}

struct read_args {
    store_copy_row_fn fn;
    void *ctx;
};

static int read_fn(sqlite3 *db, void *arg)
{
    struct read_args *r = arg;
    int rc = schema_guard(db);
    for (int t = 0; !rc && t < store_copy_ntables; t++) rc = read_table(db, t, r->fn, r->ctx);
    return rc;
}

int sqlite_copy_read(store *s, store_copy_row_fn fn, void *ctx)
{
    struct read_args r = {fn, ctx};
    return store_read(s, read_fn, &r);
}

/* ---- loading ------------------------------------------------------------------------------ */

static int any_rows(sqlite3 *db, bool *yes)
{
    *yes = false;
    for (int t = 0; t < store_copy_ntables && !*yes; t++) {
        if (store_copy_tables[t].seeded) continue;
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT EXISTS(SELECT 1 FROM %s)", store_copy_tables[t].name);
        int64_t n = 0;
        int rc = db_int1(db, &n, sql, NULL);
        if (rc) return rc;
        *yes = n != 0;
    }
    return 0;
}

int sqlite_copy_load_open(store *s, store_copy_load **out)
{
    *out = NULL;
    struct store_copy_load *l = calloc(1, sizeof *l);
    if (!l) return HL_ENOMEM;
    l->be = s->be;
    l->table = -1;
    int rc = store_connect(s->path, true, &l->db);
    bool full = false;
    if (!rc) rc = db_script(l->db, "PRAGMA foreign_keys=OFF; BEGIN IMMEDIATE");
    if (!rc) rc = schema_guard(l->db);
    if (!rc) rc = any_rows(l->db, &full);
    if (!rc && full) rc = HL_ECONFLICT;
    if (rc) {
        store_copy_load_close(l);
        return rc;
    }
    *out = l;
    return 0;
}

/* "INSERT INTO t("a", ...) VALUES(?, ...)" (events: extra for the last five) */
static int insert_sql(const store_copy_table *t, buf *b)
{
    int rc = buf_printf(b, "INSERT INTO %s(", t->name);
    for (int c = 0; c < own_cols(t); c++)
        err_first(&rc, buf_printf(b, "%s\"%s\"", c ? ", " : "", t->cols[c].name));
    if (is_events(t)) err_first(&rc, buf_puts(b, ", extra"));
    err_first(&rc, buf_puts(b, ") VALUES("));
    for (int c = 0; c < own_cols(t) + is_events(t); c++) err_first(&rc, buf_puts(b, c ? ",?" : "?"));
    err_first(&rc, buf_puts(b, ")"));
    return rc;
}

static int start_table(struct store_copy_load *l, int t)
{
    if (t <= l->table || t >= store_copy_ntables) return HL_EINVAL; /* the list's order */
    sqlite3_finalize(l->ins);
    l->ins = NULL;
    l->table = t;
    const store_copy_table *tb = &store_copy_tables[t];
    int rc = 0;
    if (tb->seeded) {
        char sql[128];
        snprintf(sql, sizeof sql, "DELETE FROM %s", tb->name);
        rc = db_exec(l->db, NULL, sql, NULL);
    }
    buf sql;
    buf_init(&sql, SQL_MAX);
    if (!rc) rc = insert_sql(tb, &sql);
    if (!rc) rc = db_err(sqlite3_prepare_v2(l->db, sql.data, -1, &l->ins, NULL));
    buf_free(&sql);
    return rc;
}

/* An INT (or IDS element) value: decimal digits only. */
static int parse_int(const char *p, size_t n, int64_t *out)
{
    char tmp[24];
    if (n == 0 || n >= sizeof tmp) return HL_EINVAL;
    memcpy(tmp, p, n);
    tmp[n] = 0;
    char *end;
    *out = strtoll(tmp, &end, 10);
    return *end ? HL_EINVAL : 0;
}

static int bind_value(sqlite3_stmt *st, int i, store_copy_kind kind, const store_copy_value *v)
{
    if (!v->p) return db_err(sqlite3_bind_null(st, i));
    int64_t n;
    int rc;
    switch (kind) {
    case STORE_COPY_INT:
        rc = parse_int(v->p, v->n, &n);
        return rc ? rc : db_err(sqlite3_bind_int64(st, i, n));
    case STORE_COPY_BOOL:
        if (v->n != 1 || (v->p[0] != '0' && v->p[0] != '1')) return HL_EINVAL;
        return db_err(sqlite3_bind_int(st, i, v->p[0] == '1'));
    case STORE_COPY_REAL: {
        char tmp[64], *end;
        if (v->n == 0 || v->n >= sizeof tmp) return HL_EINVAL;
        memcpy(tmp, v->p, v->n);
        tmp[v->n] = 0;
        double d = strtod(tmp, &end);
        return *end ? HL_EINVAL : db_err(sqlite3_bind_double(st, i, d));
    }
    case STORE_COPY_BLOB:
        return db_err(sqlite3_bind_blob64(st, i, v->n ? v->p : "", v->n, SQLITE_TRANSIENT));
    case STORE_COPY_TEXT:
    case STORE_COPY_IDS:
        break;
    }
    return db_err(sqlite3_bind_text64(st, i, v->p, v->n, SQLITE_TRANSIENT, SQLITE_UTF8));
}

/* An event's five stream values as its extra column (bound at i), as case_row.c writes it. */
static int bind_extra(sqlite3_stmt *st, int i, const store_copy_value *v, arena *a)
{
    store_case_event ev = {0};
    int rc = v[0].p ? parse_int(v[0].p, v[0].n, &ev.article_id) : 0;
    if (!rc && v[1].p && !(ev.basis = arena_strndup(a, v[1].p, v[1].n))) rc = HL_ENOMEM;
    for (size_t at = 0; !rc && v[2].p && at < v[2].n; ev.n_co++) {
        const char *comma = memchr(v[2].p + at, ',', v[2].n - at);
        size_t len = comma ? (size_t)(comma - (v[2].p + at)) : v[2].n - at;
        if (ev.n_co == LIFECYCLE_CO_UNITS_MAX) rc = HL_ERANGE;
        else rc = parse_int(v[2].p + at, len, &ev.co_units[ev.n_co]);
        at += len + 1;
    }
    if (!rc && v[3].p && !(ev.import_source = arena_strndup(a, v[3].p, v[3].n))) rc = HL_ENOMEM;
    if (!rc && v[4].p && !(ev.import_id = arena_strndup(a, v[4].p, v[4].n))) rc = HL_ENOMEM;
    char *extra = NULL;
    if (!rc) rc = case_row_extra_json(&ev, &extra);
    if (!rc) rc = db_err(extra ? sqlite3_bind_text(st, i, extra, -1, SQLITE_TRANSIENT)
                               : sqlite3_bind_null(st, i));
    free(extra);
    return rc;
}

int sqlite_copy_load_rows(store_copy_load *l, int table, const store_copy_value *vals,
                          size_t nrows)
{
    int rc = table == l->table ? 0 : start_table(l, table);
    if (rc) return rc;
    const store_copy_table *tb = &store_copy_tables[l->table];
    arena *a = NULL;
    for (size_t r = 0; !rc && r < nrows; r++) {
        const store_copy_value *v = vals + r * (size_t)tb->ncols;
        for (int c = 0; !rc && c < own_cols(tb); c++)
            rc = bind_value(l->ins, c + 1, tb->cols[c].kind, &v[c]);
        if (!rc && is_events(tb)) {
            arena_free(a); /* the previous row's */
            a = arena_new();
            rc = a ? bind_extra(l->ins, own_cols(tb) + 1, v + own_cols(tb), a) : HL_ENOMEM;
        }
        if (!rc) {
            int s = sqlite3_step(l->ins);
            rc = s == SQLITE_DONE ? 0 : db_err(s);
            if (rc) log_error("copy: %s: %s", tb->name, sqlite3_errmsg(l->db));
        }
        sqlite3_reset(l->ins);
        sqlite3_clear_bindings(l->ins);
    }
    arena_free(a);
    return rc;
}

int sqlite_copy_load_finish(store_copy_load *l)
{
    sqlite3_finalize(l->ins);
    l->ins = NULL;
    /* the derived full-text indexes, from the rows just written */
    int rc = db_script(l->db, "INSERT INTO case_fts(case_fts) VALUES('rebuild');"
                              "INSERT INTO kb_fts(kb_fts) VALUES('rebuild')");
    if (!rc) {
        db_q q;
        rc = db_open_q(l->db, &q, "PRAGMA foreign_key_check", NULL);
        if (!rc) {
            int s = db_step(&q);
            if (s == 1) {
                log_error("copy: a row of %s refers to a row of %s that is not there",
                          sqlite3_column_text(q.st, 0), sqlite3_column_text(q.st, 2));
                rc = HL_EREF;
            } else if (s < 0) {
                rc = s;
            }
            db_close_q(&q);
        }
    }
    if (!rc) rc = db_script(l->db, "COMMIT");
    if (!rc) l->finished = true;
    return rc;
}

void sqlite_copy_load_close(store_copy_load *l)
{
    if (!l) return;
    sqlite3_finalize(l->ins);
    if (l->db && !sqlite3_get_autocommit(l->db)) err_ignore(db_script(l->db, "ROLLBACK")); /* the unfinished load undone */
    db_close(l->db);
    free(l);
}
