/* pg_calls_list.c — a period's calls, newest first, and the centre's call figures, in
 * PostgreSQL (calls_list.c's counterpart): the sums are made by core/calls.h call_count from
 * the times alone (the one definition of "answered within 15 seconds"), read from the
 * covering index calls_placed. */
#include "core/civil.h"
#include "store/pg/pg_calls.h"
#include "store/pg/pg_store.h"
#include "util/err.h"
#include <stdint.h>
#include <string.h>

/* q's filters by fixed parameters, so each statement is prepared once per connection: $1 and
 * $2 the period (an open end bound as the farthest time, so that even a generic plan reads
 * the period from the index calls_placed), $3 the agent (0 = any) */
#define CALLS_WHERE " WHERE c.placed_at>=$1 AND c.placed_at<$2 AND ($3=0 OR c.agent_id=$3)"

struct list_args {
    arena *a;
    const store_call_query *q;
    store_call **items;
    size_t *n;
    int64_t *total;
};

static int list_fn(pg_conn *c, void *arg)
{
    struct list_args *l = arg;
    const store_call_query *q = l->q;
    /* a page as SQLite's db_page takes it: a limit outside 1..200 is 50, no negative offset */
    int64_t limit = q->limit > 0 && q->limit <= 200 ? q->limit : 50;
    int64_t offset = q->offset > 0 ? q->offset : 0;
    int64_t from = q->from ? q->from : INT64_MIN, to = q->to ? q->to : INT64_MAX;
    int rc = pg_int1(c, l->total, "SELECT count(*) FROM calls c" CALLS_WHERE, "iii", from, to,
                     q->agent_id);
    if (!rc)
        rc = pg_list(c, l->a, sizeof **l->items, pg_call_row, (void **)l->items, l->n,
                     "SELECT " PG_CALL_COLS CALLS_WHERE
                     " ORDER BY c.placed_at DESC, c.id DESC LIMIT $4 OFFSET $5",
                     "iiiii", from, to, q->agent_id, limit, offset);
    for (size_t i = 0; !rc && i < *l->n; i++) rc = pg_call_cases_of(c, l->a, &(*l->items)[i]);
    return rc;
}

int postgres_calls_list(store *s, arena *a, const store_call_query *q, store_call **items,
                        size_t *n, int64_t *total)
{
    *items = NULL;
    *n = 0;
    struct list_args l = {a, q, items, n, total};
    return pg_store_read(s, list_fn, &l);
}

struct sums_args {
    int64_t from, to;
    int off;
    call_counts *total, *by_hour;
};

static int sums_fn(pg_conn *c, void *arg)
{
    struct sums_args *sa = arg;
    pg_q q;
    int rc = pg_open_q(c, &q,
                       "SELECT placed_at, coalesce(offered_at,0), coalesce(answered_at,0),"
                       " coalesce(ended_at,0) FROM calls WHERE placed_at>=$1 AND placed_at<$2",
                       "ii", sa->from, sa->to);
    if (rc) return rc;
    while (pg_step(&q)) {
        int64_t placed = pg_int(&q, 0);
        call_times t = {pg_int(&q, 1), pg_int(&q, 2), pg_int(&q, 3)};
        int64_t day = civil_local_day(placed, sa->off);
        int64_t hour = (placed - civil_day_start(day, sa->off)) / 3600;
        call_count(sa->total, &t);
        if (hour >= 0 && hour < 24) call_count(&sa->by_hour[hour], &t);
    }
    pg_close_q(&q);
    return 0;
}

int postgres_call_sums(store *s, int64_t from, int64_t to, int utc_offset_min,
                       call_counts *total, call_counts by_hour[24])
{
    memset(total, 0, sizeof *total);
    memset(by_hour, 0, 24 * sizeof *by_hour);
    struct sums_args sa = {from, to ? to : INT64_MAX, utc_offset_min, total, by_hour};
    return pg_store_read(s, sums_fn, &sa);
}
