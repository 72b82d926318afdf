/* pg_appraisal.c — appraisal schemes (data with effective dates), the per-unit counts of a
 * period summed from the rollups the writer keeps (pg_rollup.c), and the rollups' check
 * against a recomputation from the case rows and events: src/store/appraisal.c and the read
 * side of rollup.c for PostgreSQL. The counts read rollup_unit_day by its primary key
 * (day, unit_id), so a month's appraisal costs days × units rows whatever the volume. */
#include "store/analytics.h"
#include "store/pg/pg_appraisal.h"
#include "store/pg/pg_case_row.h" /* pg_case_row_double */
#include "store/pg/pg_store.h"
#include "util/err.h"
#include "util/log.h"
#include <stdio.h>
#include <string.h>

#define SCHEME_COLS                                                                            \
    "id, name, effective_from, coalesce(effective_to,0), w_response, w_resolution,"            \
    " w_satisfaction, w_ontime_reply, w_return, w_reopen, score_satisfied, score_basic,"       \
    " score_unsatisfied, created_at"

static int read_scheme(pg_q *q, arena *a, void *item)
{
    store_appraisal_scheme *s = item;
    memset(s, 0, sizeof *s);
    s->id = pg_int(q, 0);
    s->name = pg_text(q, a, 1);
    s->effective_from = pg_int(q, 2);
    s->effective_to = pg_int(q, 3);
    /* PostgreSQL prints a DOUBLE PRECISION as the shortest text that reads back exactly */
    for (int i = 0; i < IND_COUNT; i++) s->scheme.weight[i] = pg_case_row_double(q, a, 4 + i);
    s->scheme.score[SATISFACTION_SATISFIED] = pg_case_row_double(q, a, 10);
    s->scheme.score[SATISFACTION_BASIC] = pg_case_row_double(q, a, 11);
    s->scheme.score[SATISFACTION_UNSATISFIED] = pg_case_row_double(q, a, 12);
    s->created_at = pg_int(q, 13);
    return s->name ? 0 : HL_ENOMEM;
}

struct list_args {
    arena *a;
    int64_t day; /* scheme_at */
    store_appraisal_scheme **items, *one;
    size_t *n;
};

static int list_fn(pg_conn *c, void *arg)
{
    struct list_args *l = arg;
    return pg_list(c, l->a, sizeof **l->items, read_scheme, (void **)l->items, l->n,
                   "SELECT " SCHEME_COLS " FROM appraisal_schemes ORDER BY effective_from, id",
                   "");
}

int postgres_appraisal_schemes_list(store *s, arena *a, store_appraisal_scheme **items,
                                    size_t *n)
{
    struct list_args l = {.a = a, .items = items, .n = n};
    return pg_store_read(s, list_fn, &l);
}

static int at_fn(pg_conn *c, void *arg)
{
    struct list_args *l = arg;
    return pg_one(c, l->a, read_scheme, l->one,
                  "SELECT " SCHEME_COLS " FROM appraisal_schemes WHERE effective_from<=$1"
                  " AND (effective_to IS NULL OR effective_to>=$1)"
                  " ORDER BY effective_from DESC, id DESC LIMIT 1",
                  "i", l->day);
}

int postgres_appraisal_scheme_at(store *s, arena *a, int64_t day, store_appraisal_scheme *out)
{
    struct list_args l = {.a = a, .day = day, .one = out};
    return pg_store_read(s, at_fn, &l);
}

struct create_args {
    const store_appraisal_scheme *in;
    char num[IND_COUNT + 3][32]; /* the weights and scores as text that reads back exactly */
    int64_t *id;
};

static int create_fn(pg_conn *c, void *arg)
{
    struct create_args *a = arg;
    const store_appraisal_scheme *in = a->in;
    return pg_int1(c, a->id,
                   "INSERT INTO appraisal_schemes(name, effective_from, effective_to,"
                   " w_response, w_resolution, w_satisfaction, w_ontime_reply, w_return,"
                   " w_reopen, score_satisfied, score_basic, score_unsatisfied, created_at)"
                   " VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) RETURNING id",
                   "tizttttttttti", in->name, in->effective_from, in->effective_to, a->num[0],
                   a->num[1], a->num[2], a->num[3], a->num[4], a->num[5], a->num[6], a->num[7],
                   a->num[8], in->created_at);
}

int postgres_appraisal_scheme_create(store *s, const store_appraisal_scheme *in, int64_t *id)
{
    if (!in->name || !*in->name || appraisal_scheme_check(&in->scheme) ||
        (in->effective_to && in->effective_to < in->effective_from))
        return HL_EINVAL;
    struct create_args c = {.in = in, .id = id};
    /* the column order of the INSERT: the weights by indicator, then the three scores */
    double v[IND_COUNT + 3];
    for (int i = 0; i < IND_COUNT; i++) v[i] = in->scheme.weight[i];
    v[IND_COUNT] = in->scheme.score[SATISFACTION_SATISFIED];
    v[IND_COUNT + 1] = in->scheme.score[SATISFACTION_BASIC];
    v[IND_COUNT + 2] = in->scheme.score[SATISFACTION_UNSATISFIED];
    for (int i = 0; i < IND_COUNT + 3; i++) snprintf(c.num[i], sizeof c.num[i], "%.17g", v[i]);
    return pg_store_write(s, create_fn, &c);
}

/* ---- counts ----------------------------------------------------------------------------- */

static int read_counts(pg_q *q, arena *a, void *item)
{
    (void)a;
    store_unit_counts *u = item;
    u->unit_id = pg_int(q, 0);
    int64_t *f = (int64_t *)&u->c; /* the columns follow appraisal_counts' field order */
    for (size_t i = 0; i < sizeof u->c / sizeof(int64_t); i++) f[i] = pg_int(q, 1 + (int)i);
    return 0;
}

struct counts_args {
    arena *a;
    int64_t from, to, now;
    store_unit_counts **items;
    size_t *n;
};

#define COUNT_IF(pred) "count(*) FILTER (WHERE " pred ")"

/* The rollups' sums, then the clocks running at $3 counted over the period's unsigned and
 * unreplied requests (migration 0008's partial indexes), as store/appraisal.c. */
static int counts_fn(pg_conn *c, void *arg)
{
    struct counts_args *a = arg;
    return pg_list(c, a->a, sizeof **a->items, read_counts, (void **)a->items, a->n,
                   "WITH r AS (SELECT unit_id, sum(dispatched) d, sum(signed_ontime) so,"
                   " sum(visits_valid) vv, sum(solved) sv, sum(satisfied) sa, sum(basic) ba,"
                   " sum(unsatisfied) un, sum(replies) rp, sum(replied_ontime) ro,"
                   " sum(reopened) re, sum(returns_requested) rr, sum(returns_approved) ra"
                   " FROM rollup_unit_day WHERE day BETWEEN $1 AND $2 GROUP BY unit_id"
                   " HAVING sum(dispatched)<>0 OR sum(returns_requested)<>0"
                   " OR sum(returns_approved)<>0),"
                   " s AS (SELECT c.unit_id, " COUNT_IF("c.sign_due>=$3") " p, "
                   COUNT_IF("c.sign_due<$3") " o, " COUNT_IF("c.sign_due IS NULL") " u"
                   " FROM cases c WHERE c.reg_day BETWEEN $1 AND $2 AND " PG_DISPATCHED
                   " AND " PG_UNSIGNED " GROUP BY c.unit_id),"
                   " p AS (SELECT c.unit_id, " COUNT_IF(PG_REPLY_CLOCK " AND c.reply_due>=$3")
                   " p, " COUNT_IF(PG_REPLY_CLOCK " AND c.reply_due<$3") " o, "
                   COUNT_IF("NOT " PG_REPLY_CLOCK) " u FROM cases c WHERE c.reg_day BETWEEN $1"
                   " AND $2 AND " PG_DISPATCHED " AND " PG_UNREPLIED " GROUP BY c.unit_id)"
                   " SELECT r.unit_id, d, so, vv, sv, sa, ba, un, rp, ro, re, rr, ra,"
                   " coalesce(s.p,0), coalesce(s.o,0), coalesce(s.u,0), coalesce(p.p,0),"
                   " coalesce(p.o,0), coalesce(p.u,0) FROM r LEFT JOIN s ON s.unit_id=r.unit_id"
                   " LEFT JOIN p ON p.unit_id=r.unit_id ORDER BY r.unit_id",
                   "iii", a->from, a->to, a->now);
}

int postgres_appraisal_counts(store *s, arena *a, int64_t from_day, int64_t to_day, int64_t now,
                              store_unit_counts **items, size_t *n)
{
    struct counts_args c = {a, from_day, to_day, now, items, n};
    return pg_store_read(s, counts_fn, &c);
}

/* ---- verification ------------------------------------------------------------------------ */

#define FACT_COLS                                                                              \
    "dispatched, signed_ontime, visits_valid, solved, satisfied, basic, unsatisfied, replies," \
    " replied_ontime, reopened"

/* The fact columns of rollup_unit_day computed from case rows "c" (appraisal_case_facts). */
#define FACTS_SELECT                                                                           \
    "SELECT c.reg_day, c.unit_id, count(*), " COUNT_IF(PG_SIGNED_ONTIME) ", "                  \
    COUNT_IF(PG_VALID) ", " COUNT_IF(PG_SOLVED) ", "                                            \
    COUNT_IF("c.visit_valid AND c.satisfaction='satisfied'") ", "                              \
    COUNT_IF("c.visit_valid AND c.satisfaction='basic'") ", "                                  \
    COUNT_IF("c.visit_valid AND c.satisfaction='unsatisfied'") ", " COUNT_IF(PG_REPLIED) ", "  \
    COUNT_IF(PG_REPLIED_ONTIME) ", " COUNT_IF(PG_REOPENED) " FROM cases c WHERE " PG_DISPATCHED

/* The return requests of cases "c"/"e": the unit that had the case when it asked (the last
 * dispatch, re-dispatch or reopen before), and whether the next review approved it. */
#define RETURNS_SELECT                                                                         \
    "SELECT e.case_id, e.seq,"                                                                 \
    " coalesce((SELECT d.unit_id FROM case_events d WHERE d.case_id=e.case_id AND d.seq<e.seq" \
    " AND d.action IN ('dispatch','redispatch','reopen') ORDER BY d.seq DESC LIMIT 1), 0),"   \
    " c.reg_day, coalesce((SELECT a.action='approve_return' FROM case_events a"                \
    " WHERE a.case_id=e.case_id AND a.seq>e.seq AND a.action IN"                               \
    " ('approve_return','reject_return') ORDER BY a.seq LIMIT 1), false)"                     \
    " FROM case_events e JOIN cases c ON c.id=e.case_id WHERE e.action='request_return'"

/* The rows of a stored rollup and of its recomputation that the other lacks, both ways: 0
 * when the two agree. */
#define DIFFER(stored, derived)                                                                \
    "SELECT (SELECT count(*) FROM (SELECT * FROM (" stored ") s EXCEPT SELECT * FROM ("        \
    derived ") d) x) + (SELECT count(*) FROM (SELECT * FROM (" derived ") d EXCEPT"            \
    " SELECT * FROM (" stored ") s) y)"

static int verify_fn(pg_conn *c, void *arg)
{
    static const char *const checks[] = {
        DIFFER("SELECT day, unit_id, " FACT_COLS " FROM rollup_unit_day WHERE dispatched<>0"
               " OR signed_ontime<>0 OR visits_valid<>0 OR solved<>0 OR satisfied<>0"
               " OR basic<>0 OR unsatisfied<>0 OR replies<>0 OR replied_ontime<>0"
               " OR reopened<>0",
               FACTS_SELECT " GROUP BY c.reg_day, c.unit_id"),
        DIFFER("SELECT case_id, seq, unit_id, day, approved FROM appraisal_returns",
               RETURNS_SELECT),
        DIFFER("SELECT day, unit_id, returns_requested, returns_approved FROM rollup_unit_day"
               " WHERE returns_requested<>0 OR returns_approved<>0",
               "SELECT day, unit_id, count(*), count(*) FILTER (WHERE approved)"
               " FROM appraisal_returns GROUP BY day, unit_id"),
        DIFFER("SELECT dim, day, key, n FROM rollup_volume_day WHERE n<>0",
               "SELECT 1, reg_day, category_id, count(*) FROM cases GROUP BY reg_day,"
               " category_id UNION ALL SELECT 2, reg_day, coalesce(district_id,0), count(*)"
               " FROM cases GROUP BY reg_day, coalesce(district_id,0)"
               " UNION ALL SELECT 3, reg_day, coalesce(street_id,0), count(*) FROM cases"
               " GROUP BY reg_day, coalesce(street_id,0)"
               " UNION ALL SELECT 4, c.reg_day, l.id, count(*) FROM cases c JOIN rollup_labels"
               " l ON l.dim=4 AND l.name=c.channel GROUP BY c.reg_day, l.id"
               " UNION ALL SELECT 5, c.reg_day, l.id, count(*) FROM cases c JOIN rollup_labels"
               " l ON l.dim=5 AND l.name=c.request_type GROUP BY c.reg_day, l.id"),
    };
    bool *same = arg;
    *same = true;
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
        int64_t n = 0;
        int rc = pg_int1(c, &n, checks[i], "");
        if (rc) return rc;
        if (n) {
            log_warn("rollup: %lld rows of check %zu disagree with the case rows", (long long)n, i);
            *same = false;
        }
    }
    return 0;
}

int postgres_rollup_verify(store *s, bool *same) { return pg_store_read(s, verify_fn, same); }
