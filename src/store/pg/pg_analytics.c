/* pg_analytics.c — dashboard aggregates: registrations by day and along one dimension (from
 * the rollups), the times of a period's requests (from one covering index, a batch at a
 * time), and what is overdue now (overdue depends on the clock, so it is counted live, never
 * rolled up): src/store/analytics.c for PostgreSQL. rollup_volume_day's dimensions are
 * store_dim's values (1 category .. 5 type, as pg_rollup.c writes them); channel and type
 * keys are rollup_labels ids. */
#include "store/analytics.h"
#include "store/pg/pg_store.h"
#include "store/pg/pg_walk.h"
#include "util/buf.h"
#include "util/err.h"
#include <inttypes.h>
#include <string.h>

static int read_volume(pg_q *q, arena *a, void *item)
{
    store_volume_item *v = item;
    v->key = pg_int(q, 0);
    v->label = pg_text(q, a, 1);
    v->n = pg_int(q, 2);
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

static int by_fn(pg_conn *c, void *arg)
{
    struct by_args *b = arg;
    return pg_list(c, b->a, sizeof **b->items, read_volume, (void **)b->items, b->n,
                   "SELECT v.key, coalesce(l.name,''), sum(v.n) FROM rollup_volume_day v"
                   " LEFT JOIN rollup_labels l ON l.id=v.key AND v.dim IN (4,5)"
                   " WHERE v.dim=$1 AND v.day BETWEEN $2 AND $3 GROUP BY v.key, l.name"
                   " HAVING sum(v.n)<>0 ORDER BY sum(v.n) DESC, v.key",
                   "iii", (int64_t)b->dim, b->from, b->to);
}

int postgres_volume_by(store *s, arena *a, store_dim dim, int64_t from_day, int64_t to_day,
                       store_volume_item **items, size_t *n)
{
    if (dim < STORE_DIM_CATEGORY || dim > STORE_DIM_TYPE) return HL_EINVAL;
    struct by_args b = {.a = a, .dim = dim, .from = from_day, .to = to_day, .items = items,
                        .n = n};
    return pg_store_read(s, by_fn, &b);
}

static int read_day(pg_q *q, arena *a, void *item)
{
    (void)a;
    store_day_count *d = item;
    d->day = pg_int(q, 0);
    d->n = pg_int(q, 1);
    return 0;
}

/* The keys of an id dimension as an array literal ("{3,7}"), bound as one parameter. */
static const char *key_array(arena *a, const int64_t *keys, size_t n)
{
    buf b;
    buf_init(&b, 24 * n + 3);
    int rc = buf_puts(&b, "{");
    for (size_t i = 0; i < n; i++)
        err_first(&rc, buf_printf(&b, "%s%" PRId64, i ? "," : "", keys[i]));
    err_first(&rc, buf_puts(&b, "}"));
    const char *out = rc ? NULL : arena_strndup(a, b.data, b.len);
    buf_free(&b);
    return out;
}

#define DAYS_SELECT                                                                            \
    "SELECT day, sum(n) FROM rollup_volume_day WHERE dim=$1 AND day BETWEEN $2 AND $3"
#define DAYS_GROUP " GROUP BY day HAVING sum(n)<>0 ORDER BY day"

static int days_fn(pg_conn *c, void *arg)
{
    struct by_args *b = arg;
    const store_volume_filter *f = b->f;
    if (f->nkeys > 4096) return HL_ERANGE;
    /* every request has exactly one type: the type rows summed are all registrations */
    int64_t dim = f->dim == STORE_DIM_ALL ? STORE_DIM_TYPE : (int64_t)f->dim;
    if (f->dim == STORE_DIM_ALL)
        return pg_list(c, b->a, sizeof **b->days, read_day, (void **)b->days, b->n,
                       DAYS_SELECT DAYS_GROUP, "iii", dim, b->from, b->to);
    if (f->dim == STORE_DIM_CHANNEL || f->dim == STORE_DIM_TYPE)
        return pg_list(c, b->a, sizeof **b->days, read_day, (void **)b->days, b->n,
                       DAYS_SELECT " AND key=(SELECT id FROM rollup_labels WHERE dim=$1"
                                   " AND name=$4)" DAYS_GROUP,
                       "iiit", dim, b->from, b->to, f->label ? f->label : "");
    const char *keys = key_array(b->a, f->keys, f->nkeys);
    if (!keys) return HL_ENOMEM;
    return pg_list(c, b->a, sizeof **b->days, read_day, (void **)b->days, b->n,
                   DAYS_SELECT " AND key=ANY($4::bigint[])" DAYS_GROUP, "iiit", dim, b->from,
                   b->to, keys);
}

int postgres_volume_days(store *s, arena *a, const store_volume_filter *f, int64_t from_day,
                         int64_t to_day, store_day_count **items, size_t *n)
{
    if (f->dim < STORE_DIM_ALL || f->dim > STORE_DIM_TYPE) return HL_EINVAL;
    struct by_args b = {.a = a, .from = from_day, .to = to_day, .f = f, .days = items, .n = n};
    return pg_store_read(s, days_fn, &b);
}

struct times_args {
    int64_t from, to;
    store_times_fn fn;
    void *ud;
};

static int on_times(pg_q *q, void *ud)
{
    struct times_args *t = ud;
    store_case_times ct = {.unit_id = pg_int(q, 0), .category_id = pg_int(q, 1),
                           .registered_at = pg_int(q, 2), .signed_at = pg_int(q, 3),
                           .replied_at = pg_int(q, 4), .closed_at = pg_int(q, 5),
                           .done = pg_int(q, 6) != 0};
    return t->fn(&ct, t->ud);
}

static int times_fn(pg_conn *c, void *arg)
{
    struct times_args *t = arg;
    db_arg args[] = {{.type = 'i', .i = t->from}, {.type = 'i', .i = t->to}};
    /* every column is in cases_day_times: an index-only scan where the visibility map
     * allows */
    return pg_walk(c,
                   PG_WALK_DECLARE
                   "SELECT coalesce(unit_id,0), category_id, registered_at,"
                   " coalesce(signed_at,0), coalesce(replied_at,0), coalesce(closed_at,0),"
                   " closed_as IS NOT DISTINCT FROM 'done' FROM cases"
                   " WHERE reg_day BETWEEN $1 AND $2",
                   args, 2, on_times, t);
}

int postgres_case_times_each(store *s, int64_t from_day, int64_t to_day, store_times_fn fn,
                             void *ud)
{
    struct times_args t = {from_day, to_day, fn, ud};
    return pg_store_read(s, times_fn, &t);
}

static int read_overdue(pg_q *q, arena *a, void *item)
{
    store_overdue_count *o = item;
    o->unit_id = pg_int(q, 0);
    const char *st = pg_text(q, a, 1);
    if (!st) return HL_ENOMEM;
    if (case_state_parse(st, &o->state)) return HL_EIO;
    o->n = pg_int(q, 2);
    return 0;
}

struct overdue_args {
    arena *a;
    int64_t now;
    store_overdue_count **items;
    size_t *n;
};

static int overdue_fn(pg_conn *c, void *arg)
{
    struct overdue_args *o = arg;
    /* current_due is the running stage's due time (0 / NULL when no clock runs), so this is
     * lifecycle_overdue in SQL; cases_state_due finds each open state's overdue ones */
    return pg_list(c, o->a, sizeof **o->items, read_overdue, (void **)o->items, o->n,
                   "SELECT coalesce(unit_id,0), state, count(*) FROM cases"
                   " WHERE state IN ('registered','dispatched','signed','return_pending',"
                   "'replied','visited') AND current_due>0 AND current_due<$1"
                   " GROUP BY 1, 2 ORDER BY 1, 2",
                   "i", o->now);
}

int postgres_overdue_counts(store *s, arena *a, int64_t now, store_overdue_count **items,
                            size_t *n)
{
    struct overdue_args o = {a, now, items, n};
    return pg_store_read(s, overdue_fn, &o);
}
