/* rollup.c — see rollup.h. The live path (rollup_apply) works from the fold's snapshots in C;
 * the bulk and verification paths say the same in SQL over case rows, and rollup_verify
 * checks that the two agree. */
#include "store/rollup.h"
#include "core/appraisal.h"
#include "store/case_row.h"
#include "util/err.h"
#include "util/log.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNIT_COLS                                                                              \
    "dispatched, signed_ontime, visits_valid, solved, satisfied, basic, unsatisfied, replies," \
    " replied_ontime, reopened, returns_requested, returns_approved"

/* The fact columns of rollup_unit_day computed from case rows "c" (appraisal_case_facts). */
#define FACTS_SELECT                                                                           \
    "SELECT c.reg_day, c.unit_id, count(*), sum(" SQL_SIGNED_ONTIME "), sum(c.visit_valid=1),"  \
    " sum(" SQL_SOLVED "), sum(c.visit_valid=1 AND c.satisfaction='satisfied'),"               \
    " sum(c.visit_valid=1 AND c.satisfaction='basic'),"                                        \
    " sum(c.visit_valid=1 AND c.satisfaction='unsatisfied'), sum(" SQL_REPLIED "),"            \
    " sum(" SQL_REPLIED_ONTIME "), sum(" SQL_REOPENED ") FROM cases c WHERE " SQL_DISPATCHED

#define FACT_COLS                                                                              \
    "dispatched, signed_ontime, visits_valid, solved, satisfied, basic, unsatisfied, replies," \
    " replied_ontime, reopened"

/* The return requests of cases "c"/"e": the unit that had the case when it asked (the last
 * dispatch, re-dispatch or reopen before), and whether the next review approved it. */
#define RETURNS_SELECT                                                                         \
    "SELECT e.case_id, e.seq,"                                                                 \
    " ifnull((SELECT d.unit_id FROM case_events d WHERE d.case_id=e.case_id AND d.seq<e.seq"   \
    " AND d.action IN ('dispatch','redispatch','reopen') ORDER BY d.seq DESC LIMIT 1), 0),"   \
    " c.reg_day, ifnull((SELECT a.action='approve_return' FROM case_events a"                  \
    " WHERE a.case_id=e.case_id AND a.seq>e.seq AND a.action IN"                               \
    " ('approve_return','reject_return') ORDER BY a.seq LIMIT 1), 0)"                         \
    " FROM case_events e JOIN cases c ON c.id=e.case_id WHERE e.action='request_return'"

/* Adds d to the (day, unit) row. */
static HL_MUST_CHECK int add_unit(sqlite3 *db, int64_t day, int64_t unit, const appraisal_counts *d)
{
    if (!unit || appraisal_counts_zero(d)) return 0;
    return db_exec(db, NULL,
                   "INSERT INTO rollup_unit_day(day, unit_id, " UNIT_COLS ")"
                   " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(day, unit_id) DO UPDATE SET"
                   " dispatched=dispatched+excluded.dispatched,"
                   " signed_ontime=signed_ontime+excluded.signed_ontime,"
                   " visits_valid=visits_valid+excluded.visits_valid,"
                   " solved=solved+excluded.solved, satisfied=satisfied+excluded.satisfied,"
                   " basic=basic+excluded.basic, unsatisfied=unsatisfied+excluded.unsatisfied,"
                   " replies=replies+excluded.replies,"
                   " replied_ontime=replied_ontime+excluded.replied_ontime,"
                   " reopened=reopened+excluded.reopened,"
                   " returns_requested=returns_requested+excluded.returns_requested,"
                   " returns_approved=returns_approved+excluded.returns_approved",
                   "iiiiiiiiiiiiii", day, unit, d->dispatched, d->signed_ontime, d->visits_valid,
                   d->solved, d->satisfied, d->basic, d->unsatisfied, d->replies,
                   d->replied_ontime, d->reopened, d->returns_requested, d->returns_approved);
}

static HL_MUST_CHECK int label_id(sqlite3 *db, int dim, const char *name, int64_t *id)
{
    return db_int1(db, id,
                   "INSERT INTO rollup_labels(dim, name) VALUES(?,?) ON CONFLICT(dim, name)"
                   " DO UPDATE SET name=excluded.name RETURNING id",
                   "it", (int64_t)dim, name);
}

/* A new request: one more registration on its day along every dimension. */
static int add_registration(sqlite3 *db, int64_t case_id, const case_snapshot *after)
{
    db_q q;
    int rc = db_open_q(db, &q,
                       "SELECT reg_day, category_id, ifnull(district_id,0), ifnull(street_id,0),"
                       " channel, request_type FROM cases WHERE id=?",
                       "i", case_id);
    if (rc) return rc;
    rc = db_step(&q);
    if (rc != 1) {
        db_close_q(&q);
        return rc < 0 ? rc : HL_ENOTFOUND;
    }
    int64_t day = db_int(&q, 0), cat = db_int(&q, 1), district = db_int(&q, 2),
            street = db_int(&q, 3), channel = 0, type = 0;
    rc = label_id(db, ROLLUP_CHANNEL, (const char *)sqlite3_column_text(q.st, 4), &channel);
    if (!rc) rc = label_id(db, ROLLUP_TYPE, (const char *)sqlite3_column_text(q.st, 5), &type);
    db_close_q(&q);
    if (!rc)
        rc = db_exec(db, NULL,
                     "INSERT INTO rollup_volume_day(dim, day, key, n) VALUES(1,?1,?2,1),"
                     "(2,?1,?3,1),(3,?1,?4,1),(4,?1,?5,1),(5,?1,?6,1)"
                     " ON CONFLICT(dim, day, key) DO UPDATE SET n=n+1",
                     "iiiiii", day, cat, district, street, channel, type);
    appraisal_counts f;
    appraisal_case_facts(after, &f);
    if (!rc) rc = add_unit(db, day, after->unit_id, &f);
    return rc;
}

int rollup_apply(sqlite3 *db, int64_t case_id, const case_snapshot *after, const case_event *e)
{
    if (e->action == ACT_REGISTER) return add_registration(db, case_id, after);
    case_snapshot before;
    int64_t day = 0;
    int rc = case_row_load(db, case_id, &before);
    if (!rc) rc = db_int1(db, &day, "SELECT reg_day FROM cases WHERE id=?", "i", case_id);
    if (rc) return rc;
    appraisal_counts fb, fa;
    appraisal_case_facts(&before, &fb);
    appraisal_case_facts(after, &fa);
    if (before.unit_id == after->unit_id) {
        appraisal_counts_add(&fa, &fb, -1);
        rc = add_unit(db, day, after->unit_id, &fa);
    } else {
        appraisal_counts gone = {0};
        appraisal_counts_add(&gone, &fb, -1);
        rc = add_unit(db, day, before.unit_id, &gone);
        if (!rc) rc = add_unit(db, day, after->unit_id, &fa);
    }
    if (rc) return rc;
    /* returns are events, counted for the unit that had the case when it asked */
    appraisal_counts ev = {0};
    if (e->action == ACT_REQUEST_RETURN) {
        ev.returns_requested = 1;
        rc = db_exec(db, NULL,
                     "INSERT INTO appraisal_returns(case_id, seq, unit_id, day) VALUES(?,?,?,?)",
                     "iiii", case_id, (int64_t)after->events, before.unit_id, day);
    } else if (e->action == ACT_APPROVE_RETURN) {
        ev.returns_approved = 1;
        rc = db_exec(db, NULL,
                     "UPDATE appraisal_returns SET approved=1 WHERE case_id=?1 AND seq="
                     "(SELECT max(seq) FROM appraisal_returns WHERE case_id=?1)",
                     "i", case_id);
    }
    if (!rc) rc = add_unit(db, day, before.unit_id, &ev);
    return rc;
}

int rollup_add_returns(sqlite3 *db, int64_t lo, int64_t hi)
{
    static const char *const steps[] = {
        "INSERT INTO appraisal_returns(case_id, seq, unit_id, day, approved) " RETURNS_SELECT
        " AND e.case_id BETWEEN ?1 AND ?2",
        "INSERT INTO rollup_unit_day(day, unit_id, returns_requested, returns_approved)"
        " SELECT day, unit_id, count(*), sum(approved) FROM appraisal_returns"
        " WHERE case_id BETWEEN ?1 AND ?2 GROUP BY day, unit_id"
        " ON CONFLICT(day, unit_id) DO UPDATE SET"
        " returns_requested=returns_requested+excluded.returns_requested,"
        " returns_approved=returns_approved+excluded.returns_approved",
    };
    int rc = 0;
    for (size_t i = 0; !rc && i < sizeof steps / sizeof steps[0]; i++)
        rc = db_exec(db, NULL, steps[i], "ii", lo, hi);
    return rc;
}

/* ---- sums of many new requests ---------------------------------------------------------- */

typedef struct {
    int64_t day, unit;
    appraisal_counts c;
} unit_sum;

typedef struct {
    int64_t dim, day, key, n;
} volume_sum;

static int cmp_unit_sum(const void *a, const void *b)
{
    const unit_sum *x = a, *y = b;
    if (x->day != y->day) return x->day < y->day ? -1 : 1;
    return (x->unit > y->unit) - (x->unit < y->unit);
}

static int cmp_volume_sum(const void *a, const void *b)
{
    const volume_sum *x = a, *y = b;
    if (x->dim != y->dim) return x->dim < y->dim ? -1 : 1;
    if (x->day != y->day) return x->day < y->day ? -1 : 1;
    return (x->key > y->key) - (x->key < y->key);
}

/* The label id of a channel or type name, through a small cache (a chunk has a handful). */
#define LABELS_CACHED 32
struct labels {
    int dim[LABELS_CACHED];
    const char *name[LABELS_CACHED];
    int64_t id[LABELS_CACHED];
    int n;
};

static HL_MUST_CHECK int cached_label(sqlite3 *db, struct labels *l, int dim, const char *name,
                                      int64_t *id)
{
    for (int i = 0; i < l->n; i++)
        if (l->dim[i] == dim && strcmp(l->name[i], name) == 0) return *id = l->id[i], 0;
    int rc = label_id(db, dim, name, id);
    if (!rc && l->n < LABELS_CACHED) {
        l->dim[l->n] = dim;
        l->name[l->n] = name;
        l->id[l->n++] = *id;
    }
    return rc;
}

int rollup_add_new(sqlite3 *db, const rollup_new_case *cases, size_t n)
{
    enum { DIMS = 5 };
    unit_sum *u = malloc((n ? n : 1) * sizeof *u);
    volume_sum *v = malloc((n ? n : 1) * DIMS * sizeof *v);
    struct labels labels = {0};
    size_t nu = 0, nv = 0;
    int rc = u && v ? 0 : HL_ENOMEM;
    for (size_t i = 0; !rc && i < n; i++) {
        const rollup_new_case *k = &cases[i];
        int64_t channel = 0, type = 0;
        rc = cached_label(db, &labels, ROLLUP_CHANNEL, k->channel, &channel);
        if (!rc) rc = cached_label(db, &labels, ROLLUP_TYPE, k->type, &type);
        int64_t keys[DIMS] = {k->category, k->district, k->street, channel, type};
        for (int d = 0; d < DIMS; d++) v[nv++] = (volume_sum){d + 1, k->day, keys[d], 1};
        u[nu] = (unit_sum){.day = k->day, .unit = k->snap->unit_id};
        appraisal_case_facts(k->snap, &u[nu].c);
        if (u[nu].unit && !appraisal_counts_zero(&u[nu].c)) nu++;
    }
    /* sum equal keys, then one upsert each (db.c keeps the statements prepared) */
    if (nu) qsort(u, nu, sizeof *u, cmp_unit_sum);
    for (size_t i = 0; !rc && i < nu;) {
        size_t j = i + 1;
        for (; j < nu && !cmp_unit_sum(&u[i], &u[j]); j++) appraisal_counts_add(&u[i].c, &u[j].c, 1);
        rc = add_unit(db, u[i].day, u[i].unit, &u[i].c);
        i = j;
    }
    if (nv) qsort(v, nv, sizeof *v, cmp_volume_sum);
    for (size_t i = 0; !rc && i < nv;) {
        size_t j = i + 1;
        for (; j < nv && !cmp_volume_sum(&v[i], &v[j]); j++) v[i].n += v[j].n;
        rc = db_exec(db, NULL,
                     "INSERT INTO rollup_volume_day(dim, day, key, n) VALUES(?,?,?,?)"
                     " ON CONFLICT(dim, day, key) DO UPDATE SET n=n+excluded.n",
                     "iiii", v[i].dim, v[i].day, v[i].key, v[i].n);
        i = j;
    }
    free(u);
    free(v);
    return rc;
}

/* Rows of a query that the other lacks, both ways: 0 when the two agree. */
static int differ(sqlite3 *db, const char *stored, const char *derived, int64_t *n)
{
    char sql[8192];
    int len = snprintf(sql, sizeof sql,
                       "SELECT (SELECT count(*) FROM (SELECT * FROM (%s) EXCEPT SELECT * FROM (%s)))"
                       " + (SELECT count(*) FROM (SELECT * FROM (%s) EXCEPT SELECT * FROM (%s)))",
                       stored, derived, derived, stored);
    if (len < 0 || (size_t)len >= sizeof sql) return HL_ERANGE;
    return db_int1(db, n, sql, NULL);
}

int rollup_verify(sqlite3 *db, bool *same)
{
    static const char *const pairs[][2] = {
        {"SELECT day, unit_id, " FACT_COLS " FROM rollup_unit_day WHERE dispatched<>0"
         " OR signed_ontime<>0 OR visits_valid<>0 OR solved<>0 OR satisfied<>0 OR basic<>0"
         " OR unsatisfied<>0 OR replies<>0 OR replied_ontime<>0 OR reopened<>0",
         FACTS_SELECT " GROUP BY c.reg_day, c.unit_id"},
        {"SELECT case_id, seq, unit_id, day, approved FROM appraisal_returns", RETURNS_SELECT},
        {"SELECT day, unit_id, returns_requested, returns_approved FROM rollup_unit_day"
         " WHERE returns_requested<>0 OR returns_approved<>0",
         "SELECT day, unit_id, count(*), sum(approved) FROM appraisal_returns"
         " GROUP BY day, unit_id"},
        {"SELECT dim, day, key, n FROM rollup_volume_day WHERE n<>0",
         "SELECT 1, reg_day, category_id, count(*) FROM cases GROUP BY reg_day, category_id"
         " UNION ALL SELECT 2, reg_day, ifnull(district_id,0), count(*) FROM cases"
         " GROUP BY reg_day, ifnull(district_id,0)"
         " UNION ALL SELECT 3, reg_day, ifnull(street_id,0), count(*) FROM cases"
         " GROUP BY reg_day, ifnull(street_id,0)"
         " UNION ALL SELECT 4, c.reg_day, l.id, count(*) FROM cases c JOIN rollup_labels l"
         " ON l.dim=4 AND l.name=c.channel GROUP BY c.reg_day, l.id"
         " UNION ALL SELECT 5, c.reg_day, l.id, count(*) FROM cases c JOIN rollup_labels l"
         " ON l.dim=5 AND l.name=c.request_type GROUP BY c.reg_day, l.id"},
    };
    *same = true;
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        int64_t n = 0;
        int rc = differ(db, pairs[i][0], pairs[i][1], &n);
        if (rc) return rc;
        if (n) {
            log_warn("rollup: %lld rows of check %zu disagree with the case rows", (long long)n, i);
            *same = false;
        }
    }
    return 0;
}
