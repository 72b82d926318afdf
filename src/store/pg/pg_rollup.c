/* pg_rollup.c — see pg_rollup.h. Mirrors rollup_apply of store/rollup.c: the facts of
 * core/appraisal.h before and after the action, their difference added to the (day, unit)
 * row; a registration adds one to its day along every volume dimension; return requests are
 * events, counted for the unit that had the case when it asked. Upserts name the table in
 * their SET (PostgreSQL reads a bare column there as ambiguous with EXCLUDED). */
#include "store/pg/pg_rollup.h"
#include "core/appraisal.h"
#include "store/pg/pg_case_row.h"
#include "store/rollup.h"
#include "util/err.h"

#define UNIT_COLS                                                                              \
    "dispatched, signed_ontime, visits_valid, solved, satisfied, basic, unsatisfied, replies," \
    " replied_ontime, reopened, returns_requested, returns_approved"
#define PLUS(col) " " col "=rollup_unit_day." col "+excluded." col

/* Adds d to the (day, unit) row. */
static HL_MUST_CHECK int add_unit(pg_conn *c, int64_t day, int64_t unit,
                                  const appraisal_counts *d)
{
    if (!unit || appraisal_counts_zero(d)) return 0;
    return pg_exec(c, NULL,
                   "INSERT INTO rollup_unit_day(day, unit_id, " UNIT_COLS ")"
                   " VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)"
                   " ON CONFLICT(day, unit_id) DO UPDATE SET" PLUS("dispatched") ","
                   PLUS("signed_ontime") "," PLUS("visits_valid") "," PLUS("solved") ","
                   PLUS("satisfied") "," PLUS("basic") "," PLUS("unsatisfied") ","
                   PLUS("replies") "," PLUS("replied_ontime") "," PLUS("reopened") ","
                   PLUS("returns_requested") "," PLUS("returns_approved"),
                   "iiiiiiiiiiiiii", day, unit, d->dispatched, d->signed_ontime, d->visits_valid,
                   d->solved, d->satisfied, d->basic, d->unsatisfied, d->replies,
                   d->replied_ontime, d->reopened, d->returns_requested, d->returns_approved);
}

/* The label's id, made on first use. Looked up first: an upsert would rewrite the label's row
 * at every registration, and under SERIALIZABLE every two registrations would then conflict
 * on it. */
static HL_MUST_CHECK int label_id(pg_conn *c, int dim, const char *name, int64_t *id)
{
    int rc = pg_int1(c, id, "SELECT id FROM rollup_labels WHERE dim=$1 AND name=$2", "it",
                     (int64_t)dim, name);
    if (rc != HL_ENOTFOUND) return rc;
    return pg_int1(c, id, "INSERT INTO rollup_labels(dim, name) VALUES($1,$2) RETURNING id",
                   "it", (int64_t)dim, name);
}

struct reg_row {
    int64_t day, cat, district, street;
    const char *channel, *type;
};

static int read_reg_row(pg_q *q, arena *a, void *item)
{
    struct reg_row *r = item;
    r->day = pg_int(q, 0);
    r->cat = pg_int(q, 1);
    r->district = pg_int(q, 2);
    r->street = pg_int(q, 3);
    r->channel = pg_text(q, a, 4);
    r->type = pg_text(q, a, 5);
    return r->channel && r->type ? 0 : HL_ENOMEM;
}

/* A new request: one more registration on its day along every dimension. */
static int add_registration(pg_conn *c, int64_t case_id, const case_snapshot *after)
{
    arena *a = arena_new();
    if (!a) return HL_ENOMEM;
    struct reg_row r;
    int64_t channel = 0, type = 0;
    int rc = pg_one(c, a, read_reg_row, &r,
                    "SELECT reg_day, category_id, coalesce(district_id,0), coalesce(street_id,0),"
                    " channel, request_type FROM cases WHERE id=$1",
                    "i", case_id);
    if (!rc) rc = label_id(c, ROLLUP_CHANNEL, r.channel, &channel);
    if (!rc) rc = label_id(c, ROLLUP_TYPE, r.type, &type);
    arena_free(a);
    if (!rc)
        rc = pg_exec(c, NULL,
                     "INSERT INTO rollup_volume_day(dim, day, key, n) VALUES(1,$1,$2,1),"
                     "(2,$1,$3,1),(3,$1,$4,1),(4,$1,$5,1),(5,$1,$6,1)"
                     " ON CONFLICT(dim, day, key) DO UPDATE SET n=rollup_volume_day.n+1",
                     "iiiiii", r.day, r.cat, r.district, r.street, channel, type);
    appraisal_counts f;
    appraisal_case_facts(after, &f);
    if (!rc) rc = add_unit(c, r.day, after->unit_id, &f);
    return rc;
}

int pg_rollup_apply(pg_conn *c, int64_t case_id, const case_snapshot *after, const case_event *e)
{
    if (e->action == ACT_REGISTER) return add_registration(c, case_id, after);
    arena *a = arena_new();
    if (!a) return HL_ENOMEM;
    case_snapshot before;
    int64_t day = 0;
    int rc = pg_case_row_load(c, a, case_id, &before);
    arena_free(a);
    if (!rc) rc = pg_int1(c, &day, "SELECT reg_day FROM cases WHERE id=$1", "i", case_id);
    if (rc) return rc;
    appraisal_counts fb, fa;
    appraisal_case_facts(&before, &fb);
    appraisal_case_facts(after, &fa);
    if (before.unit_id == after->unit_id) {
        appraisal_counts_add(&fa, &fb, -1);
        rc = add_unit(c, day, after->unit_id, &fa);
    } else {
        appraisal_counts gone = {0};
        appraisal_counts_add(&gone, &fb, -1);
        rc = add_unit(c, day, before.unit_id, &gone);
        if (!rc) rc = add_unit(c, day, after->unit_id, &fa);
    }
    if (rc) return rc;
    appraisal_counts ev = {0};
    if (e->action == ACT_REQUEST_RETURN) {
        ev.returns_requested = 1;
        rc = pg_exec(c, NULL,
                     "INSERT INTO appraisal_returns(case_id, seq, unit_id, day)"
                     " VALUES($1,$2,$3,$4)",
                     "iiii", case_id, (int64_t)after->events, before.unit_id, day);
    } else if (e->action == ACT_APPROVE_RETURN) {
        ev.returns_approved = 1;
        rc = pg_exec(c, NULL,
                     "UPDATE appraisal_returns SET approved=true WHERE case_id=$1 AND seq="
                     "(SELECT max(seq) FROM appraisal_returns WHERE case_id=$1)",
                     "i", case_id);
    }
    if (!rc) rc = add_unit(c, day, before.unit_id, &ev);
    return rc;
}
