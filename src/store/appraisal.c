/* appraisal.c — appraisal schemes (data with effective dates) and the per-unit counts of a
 * period, summed from the rollups the writer keeps (store/rollup.c). */
#include "store/analytics.h"
#include "store/rollup.h"
#include "util/err.h"
#include <string.h>

#define SCHEME_COLS                                                                            \
    "id, name, effective_from, ifnull(effective_to,0), w_response, w_resolution,"             \
    " w_satisfaction, w_ontime_reply, w_return, w_reopen, score_satisfied, score_basic,"       \
    " score_unsatisfied, created_at"

static int read_scheme(db_q *q, arena *a, void *item)
{
    store_appraisal_scheme *s = item;
    memset(s, 0, sizeof *s);
    s->id = db_int(q, 0);
    s->name = db_text(q, a, 1);
    s->effective_from = db_int(q, 2);
    s->effective_to = db_int(q, 3);
    for (int i = 0; i < IND_COUNT; i++) s->scheme.weight[i] = sqlite3_column_double(q->st, 4 + i);
    s->scheme.score[SATISFACTION_SATISFIED] = sqlite3_column_double(q->st, 10);
    s->scheme.score[SATISFACTION_BASIC] = sqlite3_column_double(q->st, 11);
    s->scheme.score[SATISFACTION_UNSATISFIED] = sqlite3_column_double(q->st, 12);
    s->created_at = db_int(q, 13);
    return s->name ? 0 : HL_ENOMEM;
}

struct list_args {
    arena *a;
    int64_t day; /* scheme_at */
    store_appraisal_scheme **items, *one;
    size_t *n;
};

static int list_fn(sqlite3 *db, void *arg)
{
    struct list_args *l = arg;
    return db_list(db, l->a, sizeof **l->items, read_scheme, (void **)l->items, l->n,
                   "SELECT " SCHEME_COLS " FROM appraisal_schemes ORDER BY effective_from, id",
                   NULL);
}

int sqlite_appraisal_schemes_list(store *s, arena *a, store_appraisal_scheme **items, size_t *n)
{
    struct list_args l = {.a = a, .items = items, .n = n};
    return store_read(s, list_fn, &l);
}

static int at_fn(sqlite3 *db, void *arg)
{
    struct list_args *l = arg;
    return db_one(db, l->a, read_scheme, l->one,
                  "SELECT " SCHEME_COLS " FROM appraisal_schemes WHERE effective_from<=?1"
                  " AND (effective_to IS NULL OR effective_to>=?1)"
                  " ORDER BY effective_from DESC, id DESC LIMIT 1",
                  "i", l->day);
}

int sqlite_appraisal_scheme_at(store *s, arena *a, int64_t day, store_appraisal_scheme *out)
{
    struct list_args l = {.a = a, .day = day, .one = out};
    return store_read(s, at_fn, &l);
}

struct create_args {
    const store_appraisal_scheme *in;
    int64_t *id;
};

static int create_fn(sqlite3 *db, void *arg)
{
    struct create_args *c = arg;
    const store_appraisal_scheme *in = c->in;
    db_q q;
    int rc = db_open_q(db, &q,
                       "INSERT INTO appraisal_schemes(name, effective_from, effective_to,"
                       " w_response, w_resolution, w_satisfaction, w_ontime_reply, w_return,"
                       " w_reopen, score_satisfied, score_basic, score_unsatisfied, created_at)"
                       " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       "tiz", in->name, in->effective_from, in->effective_to);
    if (rc) return rc;
    for (int i = 0; i < IND_COUNT; i++) sqlite3_bind_double(q.st, 4 + i, in->scheme.weight[i]);
    sqlite3_bind_double(q.st, 10, in->scheme.score[SATISFACTION_SATISFIED]);
    sqlite3_bind_double(q.st, 11, in->scheme.score[SATISFACTION_BASIC]);
    sqlite3_bind_double(q.st, 12, in->scheme.score[SATISFACTION_UNSATISFIED]);
    sqlite3_bind_int64(q.st, 13, in->created_at);
    rc = db_step(&q);
    db_close_q(&q);
    if (rc < 0) return rc;
    *c->id = sqlite3_last_insert_rowid(db);
    return 0;
}

int sqlite_appraisal_scheme_create(store *s, const store_appraisal_scheme *in, int64_t *id)
{
    if (!in->name || !*in->name || appraisal_scheme_check(&in->scheme) ||
        (in->effective_to && in->effective_to < in->effective_from))
        return HL_EINVAL;
    struct create_args c = {in, id};
    return store_write(s, create_fn, &c);
}

/* ---- counts ----------------------------------------------------------------------------- */

static int read_counts(db_q *q, arena *a, void *item)
{
    (void)a;
    store_unit_counts *u = item;
    u->unit_id = db_int(q, 0);
    int64_t *f = (int64_t *)&u->c; /* the columns follow appraisal_counts' field order */
    for (size_t i = 0; i < sizeof u->c / sizeof(int64_t); i++) f[i] = db_int(q, 1 + (int)i);
    return 0;
}

struct counts_args {
    arena *a;
    int64_t from, to, now;
    store_unit_counts **items;
    size_t *n;
};

/* The rollups' sums, then the clocks running at ?3 counted over the period's unsigned and
 * unreplied requests (migration 0016's partial indexes: few rows, whatever the period). A
 * unit with a running clock has dispatched requests, so it is among the rollup's rows. */
static int counts_fn(sqlite3 *db, void *arg)
{
    struct counts_args *c = arg;
    return db_list(db, c->a, sizeof **c->items, read_counts, (void **)c->items, c->n,
                   "WITH r AS (SELECT unit_id, sum(dispatched) d, sum(signed_ontime) so,"
                   " sum(visits_valid) vv, sum(solved) sv, sum(satisfied) sa, sum(basic) ba,"
                   " sum(unsatisfied) un, sum(replies) rp, sum(replied_ontime) ro,"
                   " sum(reopened) re, sum(returns_requested) rr, sum(returns_approved) ra"
                   " FROM rollup_unit_day WHERE day BETWEEN ?1 AND ?2 GROUP BY unit_id"
                   " HAVING sum(dispatched)<>0 OR sum(returns_requested)<>0"
                   " OR sum(returns_approved)<>0),"
                   " s AS (SELECT c.unit_id, sum(c.sign_due>=?3) p, sum(c.sign_due<?3) o,"
                   " sum(c.sign_due IS NULL) u FROM cases c WHERE c.reg_day BETWEEN ?1 AND ?2"
                   " AND " SQL_DISPATCHED " AND " SQL_UNSIGNED " GROUP BY c.unit_id),"
                   " p AS (SELECT c.unit_id, sum(" SQL_REPLY_CLOCK " AND c.reply_due>=?3) p,"
                   " sum(" SQL_REPLY_CLOCK " AND c.reply_due<?3) o,"
                   " sum(NOT " SQL_REPLY_CLOCK ") u FROM cases c WHERE c.reg_day BETWEEN ?1"
                   " AND ?2 AND " SQL_DISPATCHED " AND " SQL_UNREPLIED " GROUP BY c.unit_id)"
                   " SELECT r.unit_id, d, so, vv, sv, sa, ba, un, rp, ro, re, rr, ra,"
                   " ifnull(s.p,0), ifnull(s.o,0), ifnull(s.u,0), ifnull(p.p,0), ifnull(p.o,0),"
                   " ifnull(p.u,0) FROM r LEFT JOIN s ON s.unit_id=r.unit_id"
                   " LEFT JOIN p ON p.unit_id=r.unit_id ORDER BY r.unit_id",
                   "iii", c->from, c->to, c->now);
}

int sqlite_appraisal_counts(store *s, arena *a, int64_t from_day, int64_t to_day, int64_t now,
                           store_unit_counts **items, size_t *n)
{
    struct counts_args c = {a, from_day, to_day, now, items, n};
    return store_read(s, counts_fn, &c);
}

static int verify_fn(sqlite3 *db, void *arg) { return rollup_verify(db, arg); }

int sqlite_rollup_verify(store *s, bool *same) { return store_read(s, verify_fn, same); }
