/* calls_list.c — a period's calls, newest first, and the centre's call figures: the sums are
 * made by core/calls.h call_count from the times alone (the one definition of "answered within
 * 15 seconds"), read from the covering index calls_placed, so no row is visited. */
#include "core/civil.h"
#include "store/calls_internal.h"
#include "util/buf.h"
#include "util/err.h"

struct list_args {
    arena *a;
    const store_call_query *q;
    store_call **items;
    size_t *n;
    int64_t *total;
};

/* Appends the WHERE clause of q to sql and its arguments to args (at most 3). */
static int where(buf *sql, const store_call_query *q, db_arg *args, int *n)
{
    int rc = buf_puts(sql, " WHERE 1=1");
    if (q->from) {
        err_first(&rc, buf_puts(sql, " AND c.placed_at>=?"));
        args[(*n)++] = (db_arg){.type = 'i', .i = q->from};
    }
    if (q->to) {
        err_first(&rc, buf_puts(sql, " AND c.placed_at<?"));
        args[(*n)++] = (db_arg){.type = 'i', .i = q->to};
    }
    if (q->agent_id) {
        err_first(&rc, buf_puts(sql, " AND c.agent_id=?"));
        args[(*n)++] = (db_arg){.type = 'i', .i = q->agent_id};
    }
    return rc ? HL_ENOMEM : 0;
}

static int list_fn(sqlite3 *db, void *arg)
{
    struct list_args *l = arg;
    db_arg args[8];
    int n = 0;
    buf where_sql;
    buf_init(&where_sql, 256);
    int rc = where(&where_sql, l->q, args, &n);
    if (!rc)
        rc = db_page(db, l->a, sizeof **l->items, store_call_row, (void **)l->items, l->n,
                     l->total, "SELECT " STORE_CALL_COLS, "SELECT count(*) FROM calls c",
                     where_sql.data, " ORDER BY c.placed_at DESC, c.id DESC", args, n,
                     l->q->limit, l->q->offset);
    for (size_t i = 0; !rc && i < *l->n; i++) rc = store_call_cases_of(db, l->a, &(*l->items)[i]);
    buf_free(&where_sql);
    return rc;
}

int sqlite_calls_list(store *s, arena *a, const store_call_query *q, store_call **items,
                     size_t *n, int64_t *total)
{
    *items = NULL;
    *n = 0;
    struct list_args l = {a, q, items, n, total};
    return store_read(s, list_fn, &l);
}

struct sums_args {
    int64_t from, to;
    int off;
    call_counts *total, *by_hour;
};

static int sums_fn(sqlite3 *db, void *arg)
{
    struct sums_args *sa = arg;
    db_q q;
    int rc = db_open_q(db, &q,
                       "SELECT placed_at, ifnull(offered_at,0), ifnull(answered_at,0),"
                       " ifnull(ended_at,0) FROM calls WHERE placed_at>=? AND placed_at<?",
                       "ii", sa->from, sa->to);
    if (rc) return rc;
    while ((rc = db_step(&q)) == 1) {
        int64_t placed = db_int(&q, 0);
        call_times t = {db_int(&q, 1), db_int(&q, 2), db_int(&q, 3)};
        int64_t day = civil_local_day(placed, sa->off);
        int64_t hour = (placed - civil_day_start(day, sa->off)) / 3600;
        call_count(sa->total, &t);
        if (hour >= 0 && hour < 24) call_count(&sa->by_hour[hour], &t);
    }
    db_close_q(&q);
    return rc < 0 ? rc : 0;
}

int sqlite_call_sums(store *s, int64_t from, int64_t to, int utc_offset_min, call_counts *total,
                    call_counts by_hour[24])
{
    memset(total, 0, sizeof *total);
    memset(by_hour, 0, 24 * sizeof *by_hour);
    struct sums_args sa = {from, to ? to : INT64_MAX, utc_offset_min, total, by_hour};
    return store_read(s, sums_fn, &sa);
}
