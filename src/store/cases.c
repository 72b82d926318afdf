/* cases.c — requests and their append-only event log. Every action runs in one writer job:
 * load the row, check scope and targets, let core/lifecycle.c decide, append the event, and
 * rewrite the row as the fold says. The row is never edited any other way. */
#include "core/case_number.h"
#include "core/civil.h"
#include "core/targets.h"
#include "store/case_row.h"
#include "store/rollup.h"
#include "store/tree_sql.h"
#include "store/store_internal.h"
#include "util/err.h"
#include <string.h>

/* ---- registration ---------------------------------------------------------------------- */

struct register_args {
    const store_case *in;
    const store_case_event *ev;
    int utc_offset_min;
    int64_t *id;
    char *number;
};

/* The request registered before under in's idempotency key: HL_ECONFLICT with its id and
 * number; 0 when the key is new. */
static int key_taken(sqlite3 *db, const store_case *in, int64_t *id, char *number)
{
    int64_t found = 0;
    int rc = db_int1(db, &found,
                     "SELECT case_id FROM case_idempotency WHERE registrar_id=? AND key=?", "it",
                     in->created_by, in->idempotency_key);
    if (rc == HL_ENOTFOUND) return 0;
    if (rc) return rc;
    db_q q;
    rc = db_open_q(db, &q, "SELECT number FROM cases WHERE id=?", "i", found);
    if (rc) return rc;
    rc = db_step(&q);
    if (rc == 1) {
        const char *n = (const char *)sqlite3_column_text(q.st, 0);
        rc = n && strlen(n) < STORE_CASE_NUMBER_MAX ? 0 : HL_EIO;
        if (!rc) memcpy(number, n, strlen(n) + 1);
    } else if (rc == 0) {
        rc = HL_EIO; /* the foreign key keeps the request */
    }
    db_close_q(&q);
    if (rc) return rc;
    *id = found;
    return HL_ECONFLICT;
}

static int register_fn(sqlite3 *db, void *arg)
{
    struct register_args *r = arg;
    const store_case *in = r->in;
    if (in->idempotency_key) {
        int rc = key_taken(db, in, r->id, r->number);
        if (rc) return rc;
    }
    int64_t day = civil_local_day(r->ev->ev.at, r->utc_offset_min);
    char daykey[CASE_NUMBER_DAY_KEY];
    case_number_day_key(day, daykey);
    int64_t seq = 0;
    int rc = db_int1(db, &seq,
                     "INSERT INTO case_numbers(day, last) VALUES(?, 1)"
                     " ON CONFLICT(day) DO UPDATE SET last=last+1 RETURNING last",
                     "t", daykey);
    if (!rc) rc = case_number_format(day, seq, r->number, STORE_CASE_NUMBER_MAX);
    if (rc) return rc;

    case_snapshot snap = {0};
    rc = lifecycle_apply(&snap, &r->ev->ev);
    if (rc) return rc;
    rc = db_exec(db, NULL,
                 "INSERT INTO cases(number, channel, request_type, category_id, urgency,"
                 " confidential, caller_name, caller_phone, district_id, street_id, address,"
                 " title, text, created_by, reg_day, state, registered_at, updated_at,"
                 " event_count) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,0)",
                 "tttitbttzztttzitii", r->number, in->channel, request_type_name(in->type),
                 in->category_id, urgency_name(in->urgency), (int)in->confidential,
                 in->caller_name ? in->caller_name : "", in->caller_phone ? in->caller_phone : "",
                 in->district_id, in->street_id, in->address ? in->address : "",
                 in->title ? in->title : "", in->text, in->created_by, day,
                 case_state_name(snap.state), snap.registered_at, snap.updated_at);
    if (rc) return rc;
    int64_t id = sqlite3_last_insert_rowid(db);
    if (in->has_location) {
        db_q q;
        rc = db_open_q(db, &q, "UPDATE cases SET lat=?, lng=? WHERE id=?", NULL);
        if (rc) return rc;
        sqlite3_bind_double(q.st, 1, in->lat);
        sqlite3_bind_double(q.st, 2, in->lng);
        sqlite3_bind_int64(q.st, 3, id);
        rc = db_step(&q);
        db_close_q(&q);
        if (rc < 0) return rc;
    }
    rc = case_row_append_event(db, id, 1, r->ev);
    if (!rc) rc = rollup_apply(db, id, &snap, &r->ev->ev);
    if (!rc) rc = case_row_write(db, id, &snap, NULL);
    if (!rc) rc = case_row_index_text(db, id, in);
    if (!rc && in->open311) rc = open311_extra_write(db, id, in->open311);
    if (!rc && in->idempotency_key)
        rc = db_exec(db, NULL, "INSERT INTO case_idempotency(registrar_id, key, case_id)"
                               " VALUES(?,?,?)", "iti", in->created_by, in->idempotency_key, id);
    if (!rc) *r->id = id;
    return rc;
}

int sqlite_case_register(store *s, const store_case *in, const store_case_event *ev,
                        int utc_offset_min, int64_t *id, char *number)
{
    if (ev->ev.action != ACT_REGISTER) return HL_EINVAL;
    struct register_args r = {in, ev, utc_offset_min, id, number};
    return store_write(s, register_fn, &r);
}

/* ---- actions ----------------------------------------------------------------------------- */

struct act_args {
    int64_t case_id;
    const store_case_event *ev;
    const store_act_guard *guard;
    case_snapshot *after;
};

static int check_scope(sqlite3 *db, int64_t case_id, int64_t lead, const store_act_guard *g)
{
    if (!g || g->scope_unit <= 0) return 0;
    bool yes = false;
    int rc = lead ? tree_sql_unit_within(db, lead, g->scope_unit, &yes) : 0;
    if (rc || yes) return rc;
    if (g->allow_co) {
        int64_t hits = 0;
        rc = db_int1(db, &hits,
                     "SELECT count(*) FROM case_co_units WHERE case_id=?1"
                     " AND unit_id IN " SQL_SUBTREE("units", "?2"),
                     "ii", case_id, g->scope_unit);
        if (rc) return rc;
        if (hits) return 0;
    }
    return HL_EFORBIDDEN;
}

/* The facts core/targets.h decides on, for the unit with this id. */
static HL_MUST_CHECK int unit_facts(sqlite3 *db, int64_t id, target_unit *u)
{
    *u = (target_unit){.id = id};
    db_q q;
    int rc = db_open_q(db, &q, "SELECT kind, active FROM units WHERE id=?", "i", id);
    if (rc) return rc;
    rc = db_step(&q);
    if (rc == 1) {
        const char *kind = (const char *)sqlite3_column_text(q.st, 0);
        u->exists = true;
        u->active = db_int(&q, 1) != 0;
        rc = kind && !unit_kind_parse(kind, &u->kind) ? 0 : HL_EIO;
    }
    db_close_q(&q);
    return rc < 0 ? rc : 0;
}

/* The facts core/targets.h decides on, for the request with this id. */
static int case_facts(sqlite3 *db, int64_t id, target_case *k)
{
    *k = (target_case){.id = id};
    db_q q;
    int rc = db_open_q(db, &q, "SELECT state FROM cases WHERE id=?", "i", id);
    if (rc) return rc;
    rc = db_step(&q);
    if (rc == 1) {
        const char *st = (const char *)sqlite3_column_text(q.st, 0);
        k->exists = true;
        rc = st && !case_state_parse(st, &k->state) ? 0 : HL_EIO;
    }
    db_close_q(&q);
    return rc < 0 ? rc : 0;
}

static int check_targets(sqlite3 *db, int64_t case_id, const case_snapshot *c,
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
        rc = unit_facts(db, e->unit_id, &to);
        for (size_t i = 0; !rc && i < n_co; i++) rc = unit_facts(db, ev->co_units[i], &co[i]);
        return rc ? rc : target_dispatch_check(&to, co, n_co);
    }
    case ACT_REDISPATCH: {
        bool below = false;
        rc = unit_facts(db, e->unit_id, &to);
        if (!rc && to.exists) rc = tree_sql_unit_within(db, e->unit_id, c->unit_id, &below);
        return rc ? rc : target_redispatch_check(c->unit_id, &to, below);
    }
    case ACT_MERGE: {
        target_case into;
        rc = case_facts(db, e->merged_into, &into);
        return rc ? rc : target_merge_check(case_id, &into);
    }
    default: return 0;
    }
}

static int act_fn(sqlite3 *db, void *arg)
{
    struct act_args *a = arg;
    case_snapshot snap;
    int rc = case_row_load(db, a->case_id, &snap);
    if (rc) return rc;
    const case_event *e = &a->ev->ev;
    rc = check_scope(db, a->case_id, snap.unit_id, a->guard);
    if (!rc) rc = lifecycle_check(&snap, e);
    if (!rc) rc = check_targets(db, a->case_id, &snap, a->ev);
    if (rc) {
        if (a->after) *a->after = snap;
        return rc;
    }
    rc = lifecycle_apply(&snap, e);
    if (!rc) rc = case_row_append_event(db, a->case_id, snap.events, a->ev);
    if (!rc && e->action == ACT_DISPATCH) {
        rc = db_exec(db, NULL, "DELETE FROM case_co_units WHERE case_id=?", "i", a->case_id);
        for (int i = 0; !rc && i < a->ev->n_co; i++)
            rc = db_exec(db, NULL, "INSERT OR IGNORE INTO case_co_units VALUES(?,?)", "ii",
                         a->case_id, a->ev->co_units[i]);
    }
    store_case_event follow = {0};
    if (!rc && lifecycle_follow_up(&snap, e, &follow.ev, &follow.reason)) {
        follow.is_public = lifecycle_spec_of(follow.ev.action)->is_public;
        rc = lifecycle_apply(&snap, &follow.ev);
        if (!rc) rc = case_row_append_event(db, a->case_id, snap.events, &follow);
    }
    if (!rc) rc = rollup_apply(db, a->case_id, &snap, e);
    if (!rc)
        rc = case_row_write(db, a->case_id, &snap,
                            lifecycle_reply_text(e->action, a->ev->body));
    if (!rc && a->after) *a->after = snap;
    return rc;
}

int sqlite_case_act(store *s, int64_t case_id, const store_case_event *ev,
                   const store_act_guard *guard, case_snapshot *after)
{
    if (ev->ev.action == ACT_REGISTER) return HL_EINVAL;
    struct act_args a = {case_id, ev, guard, after};
    return store_write(s, act_fn, &a);
}

/* ---- reads ------------------------------------------------------------------------------ */

struct get_args {
    arena *a;
    int64_t id;
    const char *number;
    store_case *out;
};

static int get_fn(sqlite3 *db, void *arg)
{
    struct get_args *g = arg;
    if (g->number)
        return db_one(db, g->a, case_row_read, g->out,
                      "SELECT " CASE_ROW_COLS " FROM cases c WHERE c.number=?", "t", g->number);
    return db_one(db, g->a, case_row_read, g->out,
                  "SELECT " CASE_ROW_COLS " FROM cases c WHERE c.id=?", "i", g->id);
}

int sqlite_case_get(store *s, arena *a, int64_t id, store_case *out)
{
    struct get_args g = {a, id, NULL, out};
    return store_read(s, get_fn, &g);
}

int sqlite_case_by_number(store *s, arena *a, const char *number, store_case *out)
{
    struct get_args g = {a, 0, number, out};
    return store_read(s, get_fn, &g);
}

struct events_args {
    arena *a;
    int64_t case_id;
    store_case_event **items;
    size_t *n;
};

static int events_fn(sqlite3 *db, void *arg)
{
    struct events_args *e = arg;
    return db_list(db, e->a, sizeof **e->items, case_row_read_event, (void **)e->items, e->n,
                   "SELECT " CASE_EVENT_COLS " FROM case_events e"
                   " LEFT JOIN users u ON u.id=e.actor_id WHERE e.case_id=? ORDER BY e.seq",
                   "i", e->case_id);
}

int sqlite_case_events(store *s, arena *a, int64_t case_id, store_case_event **items, size_t *n)
{
    struct events_args e = {a, case_id, items, n};
    return store_read(s, events_fn, &e);
}

static int read_id(db_q *q, arena *a, void *item)
{
    (void)a;
    *(int64_t *)item = db_int(q, 0);
    return 0;
}

struct co_args {
    arena *a;
    int64_t case_id;
    int64_t **ids;
    size_t *n;
};

static int co_fn(sqlite3 *db, void *arg)
{
    struct co_args *c = arg;
    return db_list(db, c->a, sizeof **c->ids, read_id, (void **)c->ids, c->n,
                   "SELECT unit_id FROM case_co_units WHERE case_id=? ORDER BY unit_id", "i",
                   c->case_id);
}

int sqlite_case_co_units(store *s, arena *a, int64_t case_id, int64_t **ids, size_t *n)
{
    struct co_args c = {a, case_id, ids, n};
    return store_read(s, co_fn, &c);
}

struct verify_args {
    int64_t case_id;
    bool *same;
};

static HL_MUST_CHECK int verify_db(sqlite3 *db, struct verify_args *v)
{
    arena *a = arena_new();
    if (!a) return HL_ENOMEM;
    store_case_event *evs;
    size_t n;
    case_snapshot stored, folded = {0};
    int rc = case_row_load(db, v->case_id, &stored);
    if (!rc)
        rc = db_list(db, a, sizeof *evs, case_row_read_event, (void **)&evs, &n,
                     "SELECT " CASE_EVENT_COLS " FROM case_events e"
                     " LEFT JOIN users u ON u.id=e.actor_id WHERE e.case_id=? ORDER BY e.seq",
                     "i", v->case_id);
    for (size_t i = 0; !rc && i < n; i++) rc = lifecycle_apply(&folded, &evs[i].ev);
    if (!rc) *v->same = case_row_equal(&stored, &folded);
    arena_free(a);
    return rc;
}

static int verify_fn(sqlite3 *db, void *arg) { return verify_db(db, arg); }

int sqlite_case_verify(store *s, int64_t case_id, bool *same)
{
    struct verify_args v = {case_id, same};
    return store_read(s, verify_fn, &v);
}

struct check_args {
    bool *integrity_ok;
    int64_t *cases, *differ;
};

static int check_fn(sqlite3 *db, void *arg)
{
    struct check_args *c = arg;
    db_q q;
    int rc = db_open_q(db, &q, "PRAGMA integrity_check", NULL);
    if (rc) return rc;
    rc = db_step(&q);
    *c->integrity_ok = rc == 1 && strcmp((const char *)sqlite3_column_text(q.st, 0), "ok") == 0;
    db_close_q(&q);
    if (rc < 0) return rc;
    *c->cases = *c->differ = 0;
    rc = db_open_q(db, &q, "SELECT id FROM cases ORDER BY id", NULL);
    while (!rc && (rc = db_step(&q)) == 1) {
        bool same = false;
        struct verify_args v = {db_int(&q, 0), &same};
        rc = verify_db(db, &v);
        (*c->cases)++;
        if (!same) (*c->differ)++;
    }
    db_close_q(&q);
    return rc < 0 ? rc : 0;
}

int sqlite_check(store *s, bool *integrity_ok, int64_t *cases, int64_t *differ)
{
    struct check_args c = {integrity_ok, cases, differ};
    return store_read(s, check_fn, &c);
}
