/* analytics.c — dashboard aggregates: registrations by day and along one dimension (from
 * the rollups), the times of a period's requests (from one covering index), and what is
 * overdue now (overdue depends on the clock, so it is counted live, never rolled up). */
#include "store/analytics.h"
#include "store/rollup.h"
#include "util/buf.h"
#include "util/err.h"
#include <string.h>

static int read_volume(db_q *q, arena *a, void *item)
{
    store_volume_item *v = item;
    v->key = db_int(q, 0);
    v->label = db_text(q, a, 1);
    v->n = db_int(q, 2);
    return v->label ? 0 : HL_ENOMEM;
}

struct by_args {
    arena *a;
    store_dim dim;
    int64_t from, to;
    const store_volume_filter *f;
    store_volume_item **items;
    store_day_count **days;
    size_t *n;
};

static int by_fn(sqlite3 *db, void *arg)
{
    struct by_args *b = arg;
    return db_list(db, b->a, sizeof **b->items, read_volume, (void **)b->items, b->n,
                   "SELECT v.key, ifnull(l.name,''), sum(v.n) AS total FROM rollup_volume_day v"
                   " LEFT JOIN rollup_labels l ON l.id=v.key AND v.dim IN (4,5)"
                   " WHERE v.dim=? AND v.day BETWEEN ? AND ? GROUP BY v.key"
                   " HAVING total<>0 ORDER BY total DESC, v.key",
                   "iii", (int64_t)b->dim, b->from, b->to);
}

int sqlite_volume_by(store *s, arena *a, store_dim dim, int64_t from_day, int64_t to_day,
                    store_volume_item **items, size_t *n)
{
    if (dim < STORE_DIM_CATEGORY || dim > STORE_DIM_TYPE) return HL_EINVAL;
    struct by_args b = {.a = a, .dim = dim, .from = from_day, .to = to_day, .items = items,
                        .n = n};
    return store_read(s, by_fn, &b);
}

static int read_day(db_q *q, arena *a, void *item)
{
    (void)a;
    store_day_count *d = item;
    d->day = db_int(q, 0);
    d->n = db_int(q, 1);
    return 0;
}

static int days_fn(sqlite3 *db, void *arg)
{
    struct by_args *b = arg;
    const store_volume_filter *f = b->f;
    if (f->nkeys > 4096) return HL_ERANGE;
    db_arg *args = arena_alloc(b->a, (f->nkeys + 5) * sizeof *args);
    if (!args) return HL_ENOMEM;
    buf sql;
    buf_init(&sql, 1 << 20);
    int na = 0;
    /* every request has exactly one type: the type rows summed are all registrations */
    int dim = f->dim == STORE_DIM_ALL ? STORE_DIM_TYPE : (int)f->dim;
    int rc = buf_puts(&sql, "SELECT day, sum(n) FROM rollup_volume_day WHERE dim=?"
                            " AND day BETWEEN ? AND ?");
    args[na++] = (db_arg){.type = 'i', .i = dim};
    args[na++] = (db_arg){.type = 'i', .i = b->from};
    args[na++] = (db_arg){.type = 'i', .i = b->to};
    if (f->dim == STORE_DIM_CHANNEL || f->dim == STORE_DIM_TYPE) {
        err_first(&rc, buf_puts(&sql, " AND key=(SELECT id FROM rollup_labels WHERE dim=? AND name=?)"));
        args[na++] = (db_arg){.type = 'i', .i = dim};
        args[na++] = (db_arg){.type = 't', .t = f->label ? f->label : ""};
    } else if (f->dim != STORE_DIM_ALL) {
        err_first(&rc, buf_puts(&sql, " AND key IN (-1"));
        for (size_t i = 0; i < f->nkeys; i++) {
            err_first(&rc, buf_puts(&sql, ",?"));
            args[na++] = (db_arg){.type = 'i', .i = f->keys[i]};
        }
        err_first(&rc, buf_puts(&sql, ")"));
    }
    err_first(&rc, buf_puts(&sql, " GROUP BY day HAVING sum(n)<>0 ORDER BY day"));
    if (rc)
        rc = HL_ENOMEM;
    else
        rc = db_list_a(db, b->a, sizeof **b->days, read_day, (void **)b->days, b->n, sql.data,
                       args, na);
    buf_free(&sql);
    return rc;
}

int sqlite_volume_days(store *s, arena *a, const store_volume_filter *f, int64_t from_day,
                      int64_t to_day, store_day_count **items, size_t *n)
{
    if (f->dim < STORE_DIM_ALL || f->dim > STORE_DIM_TYPE) return HL_EINVAL;
    struct by_args b = {.a = a, .from = from_day, .to = to_day, .f = f, .days = items, .n = n};
    return store_read(s, days_fn, &b);
}

struct times_args {
    int64_t from, to;
    store_times_fn fn;
    void *ud;
};

static int times_fn(sqlite3 *db, void *arg)
{
    struct times_args *t = arg;
    db_q q;
    /* every column comes from cases_day_times (migration 0006): no table lookups */
    int rc = db_open_q(db, &q,
                       "SELECT ifnull(unit_id,0), category_id, registered_at, ifnull(signed_at,0),"
                       " ifnull(replied_at,0), ifnull(closed_at,0), closed_as IS 'done'"
                       " FROM cases INDEXED BY cases_day_times WHERE reg_day BETWEEN ? AND ?",
                       "ii", t->from, t->to);
    int stop = 0;
    while (!rc && !stop && (rc = db_step(&q)) == 1) {
        rc = 0;
        store_case_times ct = {.unit_id = db_int(&q, 0), .category_id = db_int(&q, 1),
                               .registered_at = db_int(&q, 2), .signed_at = db_int(&q, 3),
                               .replied_at = db_int(&q, 4), .closed_at = db_int(&q, 5),
                               .done = db_int(&q, 6) != 0};
        stop = t->fn(&ct, t->ud);
    }
    db_close_q(&q);
    return rc < 0 ? rc : stop;
}

int sqlite_case_times_each(store *s, int64_t from_day, int64_t to_day, store_times_fn fn, void *ud)
{
    struct times_args t = {from_day, to_day, fn, ud};
    return store_read(s, times_fn, &t);
}

static int read_overdue(db_q *q, arena *a, void *item)
{
    (void)a;
    store_overdue_count *o = item;
    o->unit_id = db_int(q, 0);
    const char *st = (const char *)sqlite3_column_text(q->st, 1);
    if (!st || case_state_parse(st, &o->state)) return HL_EIO;
    o->n = db_int(q, 2);
    return 0;
}

struct overdue_args {
    arena *a;
    int64_t now;
    store_overdue_count **items;
    size_t *n;
};

static int overdue_fn(sqlite3 *db, void *arg)
{
    struct overdue_args *o = arg;
    /* current_due is the running stage's due time (0 / NULL when no clock runs), so this is
     * lifecycle_overdue in SQL */
    return db_list(db, o->a, sizeof **o->items, read_overdue, (void **)o->items, o->n,
                   "SELECT ifnull(unit_id,0), state, count(*) FROM cases"
                   " WHERE state IN ('registered','dispatched','signed','return_pending',"
                   "'replied','visited') AND current_due>0 AND current_due<?"
                   " GROUP BY 1, 2 ORDER BY 1, 2",
                   "i", o->now);
}

int sqlite_overdue_counts(store *s, arena *a, int64_t now, store_overdue_count **items, size_t *n)
{
    struct overdue_args o = {a, now, items, n};
    return store_read(s, overdue_fn, &o);
}
