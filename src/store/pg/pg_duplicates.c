/* pg_duplicates.c — the requests duplicate hints and hot clusters are made from, on
 * PostgreSQL, mirroring store/duplicates.c: open requests near a new one in time (same
 * category, or the same address), open requests of the last days, and masters with the
 * requests merged into them. Scoring is core/duplicates.c's. Ties in time are broken by id
 * (newest first), so every page is the same on every run. */
#include "store/pg/pg_case_row.h"
#include "store/pg/pg_store.h"
#include "util/err.h"
#include <string.h>

#define OPEN "c.state NOT IN ('closed','merged')"
#define DUP_COLS                                                                               \
    "c.id, c.category_id, c.district_id, c.unit_id, c.merged_into, c.number, c.address,"       \
    " c.title, c.text, c.state, c.lat, c.lng, c.registered_at"

static int read_dup(pg_q *q, arena *a, void *item)
{
    store_dup_case *d = item;
    memset(d, 0, sizeof *d);
    d->id = pg_int(q, 0);
    d->category_id = pg_int(q, 1);
    d->district_id = pg_int(q, 2);
    d->unit_id = pg_int(q, 3);
    d->merged_into = pg_int(q, 4);
    d->number = pg_text(q, a, 5);
    d->address = pg_text(q, a, 6);
    d->title = pg_text(q, a, 7);
    d->text = pg_text(q, a, 8);
    const char *state = pg_text(q, a, 9);
    if (!state) return HL_ENOMEM;
    if (case_state_parse(state, &d->state)) return HL_EIO;
    d->has_location = !pg_is_null(q, 10) && !pg_is_null(q, 11);
    d->lat = pg_case_row_double(q, a, 10);
    d->lng = pg_case_row_double(q, a, 11);
    d->registered_at = pg_int(q, 12);
    return d->number && d->address && d->title && d->text ? 0 : HL_ENOMEM;
}

struct cand_args {
    arena *a;
    const store_dup_query *q;
    store_dup_case **items;
    size_t *n;
};

static int cand_fn(pg_conn *c, void *arg)
{
    struct cand_args *k = arg;
    const store_dup_query *q = k->q;
    /* two index walks (cases_category, cases_address), newest first, each stopping at the
     * limit — a flood of one problem must not make every registration read all of it */
    return pg_list(c, k->a, sizeof **k->items, read_dup, (void **)k->items, k->n,
                   "SELECT * FROM (SELECT " DUP_COLS " FROM cases c WHERE c.category_id=$1"
                   " AND c.registered_at BETWEEN $2 AND $3 AND c.id<>$5 AND " OPEN
                   " AND ($7=0 OR c.district_id IS NULL OR c.district_id=$7)"
                   " ORDER BY c.registered_at DESC, c.id DESC LIMIT $6) by_category"
                   " UNION SELECT * FROM (SELECT " DUP_COLS " FROM cases c WHERE $4<>''"
                   " AND c.address=$4 AND c.registered_at BETWEEN $2 AND $3 AND c.id<>$5"
                   " AND " OPEN " ORDER BY c.registered_at DESC, c.id DESC LIMIT $6) by_address"
                   " ORDER BY 13 DESC, 1 DESC LIMIT $6",
                   "iiitiii", q->category_id, q->from, q->to, q->address ? q->address : "",
                   q->exclude_id, (int64_t)q->limit, q->district_id);
}

int postgres_dup_candidates(store *s, arena *a, const store_dup_query *q, store_dup_case **items,
                            size_t *n)
{
    if (q->limit < 1 || q->limit > 1000) return HL_EINVAL;
    struct cand_args k = {a, q, items, n};
    return pg_store_read(s, cand_fn, &k);
}

struct since_args {
    arena *a;
    int64_t since;
    int limit, min;
    store_dup_case **items;
    size_t *n;
};

static int open_fn(pg_conn *c, void *arg)
{
    struct since_args *o = arg;
    return pg_list(c, o->a, sizeof **o->items, read_dup, (void **)o->items, o->n,
                   "SELECT " DUP_COLS " FROM cases c WHERE c.registered_at>=$1 AND " OPEN
                   " ORDER BY c.registered_at DESC, c.id DESC LIMIT $2",
                   "ii", o->since, (int64_t)o->limit);
}

int postgres_cases_open_since(store *s, arena *a, int64_t since, int limit,
                              store_dup_case **items, size_t *n)
{
    if (limit < 1 || limit > 5000) return HL_EINVAL;
    struct since_args o = {a, since, limit, 0, items, n};
    return pg_store_read(s, open_fn, &o);
}

static int merged_fn(pg_conn *c, void *arg)
{
    struct since_args *o = arg;
    return pg_list(c, o->a, sizeof **o->items, read_dup, (void **)o->items, o->n,
                   "WITH masters AS (SELECT m.id, m.registered_at FROM cases m"
                   " WHERE m.id IN (SELECT merged_into FROM cases WHERE merged_into IS NOT NULL"
                   " GROUP BY merged_into HAVING count(*)>=$2)"
                   " AND (m.state NOT IN ('closed','merged') OR m.registered_at>=$1))"
                   " SELECT " DUP_COLS " FROM masters JOIN cases c"
                   " ON c.id=masters.id OR c.merged_into=masters.id"
                   " ORDER BY masters.registered_at DESC, masters.id DESC,"
                   " c.id<>masters.id, c.registered_at, c.id",
                   "ii", o->since, (int64_t)o->min);
}

int postgres_merge_clusters(store *s, arena *a, int64_t since, int min_merged,
                            store_dup_case **items, size_t *n)
{
    struct since_args o = {a, since, 0, min_merged, items, n};
    return pg_store_read(s, merged_fn, &o);
}

static int count_fn(pg_conn *c, void *arg)
{
    int64_t *io = arg;
    return pg_int1(c, io, "SELECT count(*) FROM cases WHERE merged_into=$1", "i", *io);
}

int postgres_merged_count(store *s, int64_t master_id, int64_t *n)
{
    *n = master_id;
    return pg_store_read(s, count_fn, n);
}
