/* duplicates.c — the requests duplicate hints and hot clusters are made from: open requests
 * near a new one in time (same category, or the same address), open requests of the last days,
 * and masters with the requests merged into them. Scoring is core/duplicates.c's. */
#include "store/cases.h"
#include "store/store_internal.h"
#include "util/err.h"
#include <string.h>

#define OPEN "c.state NOT IN ('closed','merged')"
#define DUP_COLS                                                                               \
    "c.id, c.category_id, ifnull(c.district_id,0), ifnull(c.unit_id,0),"                       \
    " ifnull(c.merged_into,0), c.number, c.address, c.title, c.text, c.state, c.lat, c.lng,"     \
    " c.registered_at"

static int read_dup(db_q *q, arena *a, void *item)
{
    store_dup_case *d = item;
    memset(d, 0, sizeof *d);
    d->id = db_int(q, 0);
    d->category_id = db_int(q, 1);
    d->district_id = db_int(q, 2);
    d->unit_id = db_int(q, 3);
    d->merged_into = db_int(q, 4);
    d->number = db_text(q, a, 5);
    d->address = db_text(q, a, 6);
    d->title = db_text(q, a, 7);
    d->text = db_text(q, a, 8);
    const char *state = (const char *)sqlite3_column_text(q->st, 9);
    if (!state || case_state_parse(state, &d->state)) return HL_EIO;
    d->has_location = !db_is_null(q, 10) && !db_is_null(q, 11);
    d->lat = sqlite3_column_double(q->st, 10);
    d->lng = sqlite3_column_double(q->st, 11);
    d->registered_at = db_int(q, 12);
    return d->number && d->address && d->title && d->text ? 0 : HL_ENOMEM;
}

struct cand_args {
    arena *a;
    const store_dup_query *q;
    store_dup_case **items;
    size_t *n;
};

static int cand_fn(sqlite3 *db, void *arg)
{
    struct cand_args *c = arg;
    const store_dup_query *q = c->q;
    /* two index walks (cases_category, cases_address), newest first, each stopping at the
     * limit — a flood of one problem must not make every registration read all of it */
    return db_list(db, c->a, sizeof **c->items, read_dup, (void **)c->items, c->n,
                   "SELECT * FROM (SELECT " DUP_COLS " FROM cases c WHERE c.category_id=?1"
                   " AND c.registered_at BETWEEN ?2 AND ?3 AND c.id<>?5 AND " OPEN
                   " AND (?7=0 OR c.district_id IS NULL OR c.district_id=?7)"
                   " ORDER BY c.registered_at DESC LIMIT ?6)"
                   " UNION SELECT * FROM (SELECT " DUP_COLS " FROM cases c WHERE ?4<>''"
                   " AND c.address=?4 AND c.registered_at BETWEEN ?2 AND ?3 AND c.id<>?5"
                   " AND " OPEN " ORDER BY c.registered_at DESC LIMIT ?6)"
                   " ORDER BY 13 DESC, 1 DESC LIMIT ?6",
                   "iiitiii", q->category_id, q->from, q->to, q->address ? q->address : "",
                   q->exclude_id, (int64_t)q->limit, q->district_id);
}

int sqlite_dup_candidates(store *s, arena *a, const store_dup_query *q, store_dup_case **items,
                         size_t *n)
{
    if (q->limit < 1 || q->limit > 1000) return HL_EINVAL;
    struct cand_args c = {a, q, items, n};
    return store_read(s, cand_fn, &c);
}

struct since_args {
    arena *a;
    int64_t since;
    int limit, min;
    store_dup_case **items;
    size_t *n;
};

static int open_fn(sqlite3 *db, void *arg)
{
    struct since_args *o = arg;
    return db_list(db, o->a, sizeof **o->items, read_dup, (void **)o->items, o->n,
                   "SELECT " DUP_COLS " FROM cases c WHERE c.registered_at>=? AND " OPEN
                   " ORDER BY c.registered_at DESC, c.id DESC LIMIT ?",
                   "ii", o->since, (int64_t)o->limit);
}

int sqlite_cases_open_since(store *s, arena *a, int64_t since, int limit, store_dup_case **items,
                           size_t *n)
{
    if (limit < 1 || limit > 5000) return HL_EINVAL;
    struct since_args o = {a, since, limit, 0, items, n};
    return store_read(s, open_fn, &o);
}

static int merged_fn(sqlite3 *db, void *arg)
{
    struct since_args *o = arg;
    return db_list(db, o->a, sizeof **o->items, read_dup, (void **)o->items, o->n,
                   "WITH masters AS (SELECT m.id, m.registered_at FROM cases m"
                   " WHERE m.id IN (SELECT merged_into FROM cases WHERE merged_into IS NOT NULL"
                   " GROUP BY merged_into HAVING count(*)>=?2)"
                   " AND (m.state NOT IN ('closed','merged') OR m.registered_at>=?1))"
                   " SELECT " DUP_COLS " FROM masters JOIN cases c"
                   " ON c.id=masters.id OR c.merged_into=masters.id"
                   " ORDER BY masters.registered_at DESC, masters.id DESC,"
                   " c.id<>masters.id, c.registered_at, c.id",
                   "ii", o->since, (int64_t)o->min);
}

int sqlite_merge_clusters(store *s, arena *a, int64_t since, int min_merged, store_dup_case **items,
                         size_t *n)
{
    struct since_args o = {a, since, 0, min_merged, items, n};
    return store_read(s, merged_fn, &o);
}

static int count_fn(sqlite3 *db, void *arg)
{
    int64_t *io = arg;
    return db_int1(db, io, "SELECT count(*) FROM cases WHERE merged_into=?", "i", *io);
}

int sqlite_merged_count(store *s, int64_t master_id, int64_t *n)
{
    *n = master_id;
    return store_read(s, count_fn, n);
}
