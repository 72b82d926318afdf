/* pg_cases.c — requests and their append-only event log on PostgreSQL, mirroring
 * store/cases.c: every action is one SERIALIZABLE transaction (pg_store_write) that loads the
 * row, checks scope and targets, lets core/lifecycle.c decide, appends the event, and
 * rewrites the row as the fold says. The request number is drawn from the day's row of
 * case_numbers inside the registering transaction, which runs after every earlier write of
 * requests on any server has committed (pg_lock_case_writes); a transaction that does not commit
 * gives its number back, so numbers stay unique and gap-free per day. */
#include "core/case_number.h"
#include "core/civil.h"
#include "core/targets.h"
#include "store/case_row.h" /* case_row_equal: the one comparison of two snapshots */
#include "store/pg/pg_case_row.h"
#include "store/pg/pg_fts.h"
#include "store/pg/pg_open311_case.h"
#include "store/pg/pg_rollup.h"
#include "store/pg/pg_store.h"
#include "store/pg/pg_tree.h"
#include "util/buf.h"
#include "util/err.h"
#include <stdio.h>
#include <string.h>

static const char *nn(const char *s) { return s ? s : ""; }

/* Every write of requests (registration, action) takes this lock first, so they run one at a
 * time across every server on the database, as SQLite's one writer runs them. It is taken
 * before the transaction's snapshot (its first query takes that; LOCK does not), so each
 * write sees every write before it committed. Without it, writes that touch one row — the
 * day's number, a (day, unit) rollup — would still be ordered by the row lock, but a
 * SERIALIZABLE transaction whose snapshot predates the other's commit must then fail (40001)
 * and start again: 16 writers at once on two servers lost 40% of their registrations and 18%
 * of their dispatches after pg_store_write's five tries. The mode conflicts with itself and
 * with every other writer of cases, and with nothing a reader takes. */
int pg_lock_case_writes(pg_conn *c)
{
    /* unprepared: making room in pg_db's statement cache would DEALLOCATE another statement
     * first, and DEALLOCATE takes the snapshot this lock must come before */
    return pg_script(c, "LOCK TABLE cases IN SHARE ROW EXCLUSIVE MODE");
}

/* ---- registration ---------------------------------------------------------------------- */

struct register_args {
    const store_case *in;
    const store_case_event *ev;
    int utc_offset_min;
    int64_t *id;
    char *number;
    const char *search; /* the tsvector text of title, text and address */
};

/* The request registered before under in's idempotency key: HL_ECONFLICT with its id and
 * number; 0 when the key is new. Read after pg_lock_case_writes: no registration with the
 * same key can commit between this read and the insert. */
static int key_taken(pg_conn *c, const store_case *in, int64_t *id, char *number)
{
    pg_q q;
    int rc = pg_open_q(c, &q,
                       "SELECT k.case_id, c.number FROM case_idempotency k JOIN cases c"
                       " ON c.id = k.case_id WHERE k.registrar_id=$1 AND k.key=$2",
                       "it", in->created_by, in->idempotency_key);
    if (rc) return rc;
    if (pg_step(&q)) {
        arena *a = arena_new();
        const char *n = a ? pg_text(&q, a, 1) : NULL;
        rc = !n ? HL_ENOMEM : strlen(n) < STORE_CASE_NUMBER_MAX ? HL_ECONFLICT : HL_EIO;
        if (rc == HL_ECONFLICT) {
            memcpy(number, n, strlen(n) + 1);
            *id = pg_int(&q, 0);
        }
        arena_free(a);
    }
    pg_close_q(&q);
    return rc;
}

static int register_fn(pg_conn *c, void *arg)
{
    struct register_args *r = arg;
    const store_case *in = r->in;
    int64_t day = civil_local_day(r->ev->ev.at, r->utc_offset_min);
    char daykey[CASE_NUMBER_DAY_KEY];
    case_number_day_key(day, daykey);
    int64_t seq = 0;
    int rc = pg_lock_case_writes(c);
    if (!rc && in->idempotency_key) rc = key_taken(c, in, r->id, r->number);
    if (!rc)
        rc = pg_int1(c, &seq,
                     "INSERT INTO case_numbers(day, last) VALUES($1, 1) ON CONFLICT(day)"
                     " DO UPDATE SET last=case_numbers.last+1 RETURNING last",
                     "t", daykey);
    if (!rc) rc = case_number_format(day, seq, r->number, STORE_CASE_NUMBER_MAX);
    if (rc) return rc;

    case_snapshot snap = {0};
    rc = lifecycle_apply(&snap, &r->ev->ev);
    if (rc) return rc;
    char lat[32], lng[32];
    snprintf(lat, sizeof lat, "%.17g", in->lat);
    snprintf(lng, sizeof lng, "%.17g", in->lng);
    int64_t id = 0;
    rc = pg_int1(c, &id,
                 "INSERT INTO cases(number, channel, request_type, category_id, urgency,"
                 " confidential, caller_name, caller_phone, district_id, street_id, address,"
                 " title, text, created_by, reg_day, state, registered_at, updated_at,"
                 " event_count, lat, lng, search) VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,"
                 "$12,$13,$14,$15,$16,$17,$18,0,$19,$20,$21) RETURNING id",
                 "tttitbttzztttzitii" "ttt", r->number, in->channel,
                 request_type_name(in->type), in->category_id, urgency_name(in->urgency),
                 (int)in->confidential, nn(in->caller_name), nn(in->caller_phone),
                 in->district_id, in->street_id, nn(in->address), nn(in->title), in->text,
                 in->created_by, day, case_state_name(snap.state), snap.registered_at,
                 snap.updated_at, in->has_location ? lat : NULL, in->has_location ? lng : NULL,
                 r->search);
    if (!rc) rc = pg_case_row_append_event(c, id, 1, r->ev);
    if (!rc) rc = pg_rollup_apply(c, id, &snap, &r->ev->ev);
    if (!rc) rc = pg_case_row_write(c, id, &snap, NULL);
    if (!rc && in->open311) rc = pg_open311_extra_write(c, id, in->open311);
    if (!rc && in->idempotency_key)
        rc = pg_exec(c, NULL, "INSERT INTO case_idempotency(registrar_id, key, case_id)"
                              " VALUES($1,$2,$3)", "iti", in->created_by, in->idempotency_key, id);
    if (!rc) *r->id = id;
    return rc;
}

int postgres_case_register(store *s, const store_case *in, const store_case_event *ev,
                           int utc_offset_min, int64_t *id, char *number)
{
    if (ev->ev.action != ACT_REGISTER || !in->text) return HL_EINVAL;
    /* the terms are made once, outside the transaction that may run more than once */
    buf search;
    buf_init(&search, 4 * 1024 * 1024);
    const char *cols[] = {in->title, in->text, in->address};
    int rc = pg_fts_doc(cols, 3, &search);
    struct register_args r = {in, ev, utc_offset_min, id, number,
                              search.len ? search.data : ""};
    if (!rc) rc = pg_store_write(s, register_fn, &r);
    buf_free(&search);
    return rc;
}

/* ---- actions ----------------------------------------------------------------------------- */

struct act_args {
    int64_t case_id;
    const store_case_event *ev;
    const store_act_guard *guard;
    case_snapshot *after;
};

static int check_scope(pg_conn *c, int64_t case_id, int64_t lead, const store_act_guard *g)
{
    if (!g || g->scope_unit <= 0) return 0;
    bool yes = false;
    int rc = lead ? pg_tree_unit_within(c, lead, g->scope_unit, &yes) : 0;
    if (rc || yes) return rc;
    if (g->allow_co) {
        int64_t hits = 0;
        rc = pg_int1(c, &hits,
                     "SELECT count(*) FROM case_co_units WHERE case_id=$1"
                     " AND unit_id IN " PG_SUBTREE("units", "$2"),
                     "ii", case_id, g->scope_unit);
        if (rc) return rc;
        if (hits) return 0;
    }
    return HL_EFORBIDDEN;
}

struct facts_row {
    const char *kind;
    bool active;
};

static int read_unit_facts(pg_q *q, arena *a, void *item)
{
    struct facts_row *f = item;
    f->kind = pg_text(q, a, 0);
    f->active = pg_int(q, 1) != 0;
    return f->kind ? 0 : HL_ENOMEM;
}

/* The facts core/targets.h decides on, for the unit with this id. */
static HL_MUST_CHECK int unit_facts(pg_conn *c, arena *a, int64_t id, target_unit *u)
{
    *u = (target_unit){.id = id};
    struct facts_row f;
    int rc = pg_one(c, a, read_unit_facts, &f, "SELECT kind, active FROM units WHERE id=$1",
                    "i", id);
    if (rc == HL_ENOTFOUND) return 0;
    if (rc) return rc;
    u->exists = true;
    u->active = f.active;
    return unit_kind_parse(f.kind, &u->kind) ? HL_EIO : 0;
}

static int read_text0(pg_q *q, arena *a, void *item)
{
    *(const char **)item = pg_text(q, a, 0);
    return *(const char **)item ? 0 : HL_ENOMEM;
}

/* The facts core/targets.h decides on, for the request with this id. */
static int case_facts(pg_conn *c, arena *a, int64_t id, target_case *k)
{
    *k = (target_case){.id = id};
    const char *st = NULL;
    int rc = pg_one(c, a, read_text0, &st, "SELECT state FROM cases WHERE id=$1", "i", id);
    if (rc == HL_ENOTFOUND) return 0;
    if (rc) return rc;
    k->exists = true;
    return case_state_parse(st, &k->state) ? HL_EIO : 0;
}

static int check_targets(pg_conn *c, arena *a, int64_t case_id, const case_snapshot *snap,
                         const store_case_event *ev)
{
    const case_event *e = &ev->ev;
    target_unit to, co[LIFECYCLE_CO_UNITS_MAX];
    int rc = 0;
    switch (e->action) {
    case ACT_DISPATCH:
    case ACT_REOPEN: {
        size_t n_co = (size_t)ev->n_co;
        if (n_co > LIFECYCLE_CO_UNITS_MAX) return HL_EINVAL; /* more than core allows */
        rc = unit_facts(c, a, e->unit_id, &to);
        for (size_t i = 0; !rc && i < n_co; i++) rc = unit_facts(c, a, ev->co_units[i], &co[i]);
        return rc ? rc : target_dispatch_check(&to, co, n_co);
    }
    case ACT_REDISPATCH: {
        bool below = false;
        rc = unit_facts(c, a, e->unit_id, &to);
        if (!rc && to.exists) rc = pg_tree_unit_within(c, e->unit_id, snap->unit_id, &below);
        return rc ? rc : target_redispatch_check(snap->unit_id, &to, below);
    }
    case ACT_MERGE: {
        target_case into;
        rc = case_facts(c, a, e->merged_into, &into);
        return rc ? rc : target_merge_check(case_id, &into);
    }
    default: return 0;
    }
}

static int act_tx(pg_conn *c, arena *ar, struct act_args *a)
{
    case_snapshot snap;
    int rc = pg_lock_case_writes(c);
    if (!rc) rc = pg_case_row_load(c, ar, a->case_id, &snap);
    if (rc) return rc;
    const case_event *e = &a->ev->ev;
    rc = check_scope(c, a->case_id, snap.unit_id, a->guard);
    if (!rc) rc = lifecycle_check(&snap, e);
    if (!rc) rc = check_targets(c, ar, a->case_id, &snap, a->ev);
    if (rc) {
        if (a->after) *a->after = snap;
        return rc;
    }
    rc = lifecycle_apply(&snap, e);
    if (!rc) rc = pg_case_row_append_event(c, a->case_id, snap.events, a->ev);
    if (!rc && e->action == ACT_DISPATCH) {
        rc = pg_exec(c, NULL, "DELETE FROM case_co_units WHERE case_id=$1", "i", a->case_id);
        for (int i = 0; !rc && i < a->ev->n_co; i++)
            rc = pg_exec(c, NULL,
                         "INSERT INTO case_co_units(case_id, unit_id) VALUES($1,$2)"
                         " ON CONFLICT DO NOTHING",
                         "ii", a->case_id, a->ev->co_units[i]);
    }
    store_case_event follow = {0};
    if (!rc && lifecycle_follow_up(&snap, e, &follow.ev, &follow.reason)) {
        follow.is_public = lifecycle_spec_of(follow.ev.action)->is_public;
        rc = lifecycle_apply(&snap, &follow.ev);
        if (!rc) rc = pg_case_row_append_event(c, a->case_id, snap.events, &follow);
    }
    if (!rc) rc = pg_rollup_apply(c, a->case_id, &snap, e);
    if (!rc)
        rc = pg_case_row_write(c, a->case_id, &snap, lifecycle_reply_text(e->action, a->ev->body));
    if (!rc && a->after) *a->after = snap;
    return rc;
}

static int act_fn(pg_conn *c, void *arg)
{
    arena *ar = arena_new(); /* the names read from rows while deciding */
    if (!ar) return HL_ENOMEM;
    int rc = act_tx(c, ar, arg);
    arena_free(ar);
    return rc;
}

int postgres_case_act(store *s, int64_t case_id, const store_case_event *ev,
                      const store_act_guard *guard, case_snapshot *after)
{
    if (ev->ev.action == ACT_REGISTER) return HL_EINVAL;
    struct act_args a = {case_id, ev, guard, after};
    return pg_store_write(s, act_fn, &a);
}

/* ---- reads ------------------------------------------------------------------------------ */

struct get_args {
    arena *a;
    int64_t id;
    const char *number;
    store_case *out;
};

static int get_fn(pg_conn *c, void *arg)
{
    struct get_args *g = arg;
    if (g->number)
        return pg_one(c, g->a, pg_case_row_read, g->out,
                      "SELECT " PG_CASE_ROW_COLS " FROM cases c WHERE c.number=$1", "t",
                      g->number);
    return pg_one(c, g->a, pg_case_row_read, g->out,
                  "SELECT " PG_CASE_ROW_COLS " FROM cases c WHERE c.id=$1", "i", g->id);
}

int postgres_case_get(store *s, arena *a, int64_t id, store_case *out)
{
    struct get_args g = {a, id, NULL, out};
    return pg_store_read(s, get_fn, &g);
}

int postgres_case_by_number(store *s, arena *a, const char *number, store_case *out)
{
    struct get_args g = {a, 0, number, out};
    return pg_store_read(s, get_fn, &g);
}

#define EVENTS_SQL                                                                             \
    "SELECT " PG_CASE_EVENT_COLS " FROM case_events e LEFT JOIN users u ON u.id=e.actor_id"   \
    " WHERE e.case_id=$1 ORDER BY e.seq"

struct events_args {
    arena *a;
    int64_t case_id;
    store_case_event **items;
    size_t *n;
};

static int events_fn(pg_conn *c, void *arg)
{
    struct events_args *e = arg;
    return pg_list(c, e->a, sizeof **e->items, pg_case_row_read_event, (void **)e->items, e->n,
                   EVENTS_SQL, "i", e->case_id);
}

int postgres_case_events(store *s, arena *a, int64_t case_id, store_case_event **items,
                         size_t *n)
{
    struct events_args e = {a, case_id, items, n};
    return pg_store_read(s, events_fn, &e);
}

static int read_id(pg_q *q, arena *a, void *item)
{
    (void)a;
    *(int64_t *)item = pg_int(q, 0);
    return 0;
}

struct co_args {
    arena *a;
    int64_t case_id;
    int64_t **ids;
    size_t *n;
};

static int co_fn(pg_conn *c, void *arg)
{
    struct co_args *o = arg;
    return pg_list(c, o->a, sizeof **o->ids, read_id, (void **)o->ids, o->n,
                   "SELECT unit_id FROM case_co_units WHERE case_id=$1 ORDER BY unit_id", "i",
                   o->case_id);
}

int postgres_case_co_units(store *s, arena *a, int64_t case_id, int64_t **ids, size_t *n)
{
    struct co_args o = {a, case_id, ids, n};
    return pg_store_read(s, co_fn, &o);
}

/* Folds the case's events and compares the fold with its row. */
static HL_MUST_CHECK int verify_case(pg_conn *c, int64_t case_id, bool *same)
{
    arena *a = arena_new();
    if (!a) return HL_ENOMEM;
    store_case_event *evs;
    size_t n = 0;
    case_snapshot stored, folded = {0};
    int rc = pg_case_row_load(c, a, case_id, &stored);
    if (!rc)
        rc = pg_list(c, a, sizeof *evs, pg_case_row_read_event, (void **)&evs, &n, EVENTS_SQL,
                     "i", case_id);
    for (size_t i = 0; !rc && i < n; i++) rc = lifecycle_apply(&folded, &evs[i].ev);
    if (!rc) *same = case_row_equal(&stored, &folded);
    arena_free(a);
    return rc;
}

struct verify_args {
    int64_t case_id;
    bool *same;
};

static int verify_fn(pg_conn *c, void *arg)
{
    struct verify_args *v = arg;
    return verify_case(c, v->case_id, v->same);
}

int postgres_case_verify(store *s, int64_t case_id, bool *same)
{
    struct verify_args v = {case_id, same};
    return pg_store_read(s, verify_fn, &v);
}
