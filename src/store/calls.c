/* calls.c — telephone calls as the phone switch reports them (migration 0011): each event is
 * applied to its call in one writer job (read, check the order with core/calls.h, write), so two
 * reports of one call can never interleave; the call-taker's call in progress; the requests
 * linked to calls. Lists and figures are in calls_list.c. */
#include "store/calls_internal.h"
#include "util/err.h"

int store_call_row(db_q *q, arena *a, void *item)
{
    store_call *c = item;
    memset(c, 0, sizeof *c);
    c->id = db_int(q, 0);
    c->call_id = db_text(q, a, 1);
    c->caller = db_text(q, a, 2);
    c->agent_id = db_int(q, 3);
    c->agent_username = db_text(q, a, 4);
    c->agent_name = db_text(q, a, 5);
    c->t.offered_at = db_int(q, 6);
    c->t.answered_at = db_int(q, 7);
    c->t.ended_at = db_int(q, 8);
    c->placed_at = db_int(q, 9);
    return c->call_id && c->caller && c->agent_username && c->agent_name ? 0 : HL_ENOMEM;
}

static int read_call_case(db_q *q, arena *a, void *item)
{
    store_call_case *k = item;
    k->id = db_int(q, 0);
    k->number = db_text(q, a, 1);
    return k->number ? 0 : HL_ENOMEM;
}

int store_call_cases_of(sqlite3 *db, arena *a, store_call *c)
{
    return db_list(db, a, sizeof *c->cases, read_call_case, (void **)&c->cases, &c->ncases,
                   "SELECT k.id, k.number FROM call_cases cc JOIN cases k ON k.id=cc.case_id"
                   " WHERE cc.call_id=? ORDER BY k.id",
                   "i", c->id);
}

/* ---- an event from the switch ---------------------------------------------------------- */

struct report_args {
    const store_call_report *in;
    int64_t *id;
    bool *created, *changed;
};

static int report_fn(sqlite3 *db, void *arg)
{
    struct report_args *r = arg;
    const store_call_report *in = r->in;
    call_times t = {0};
    int64_t id = 0;
    db_q q;
    int rc = db_open_q(db, &q,
                       "SELECT id, ifnull(offered_at,0), ifnull(answered_at,0), ifnull(ended_at,0)"
                       " FROM calls WHERE call_id=?",
                       "t", in->call_id);
    if (rc) return rc;
    rc = db_step(&q);
    if (rc == 1) {
        id = db_int(&q, 0);
        t = (call_times){db_int(&q, 1), db_int(&q, 2), db_int(&q, 3)};
    }
    db_close_q(&q);
    if (rc < 0) return rc;
    if (!id && !in->caller) return HL_ENOTFOUND;
    bool changed = false;
    if ((rc = call_apply(&t, in->event, in->at, &changed))) return rc;
    int64_t agent = changed && in->event == CALL_ANSWERED ? in->agent_id : 0;
    if (!id && changed) {
        rc = db_int1(db, &id,
                     "INSERT INTO calls(call_id, caller, agent_id, placed_at, offered_at,"
                     " answered_at, ended_at) VALUES(?,?,?,?,?,?,?) RETURNING id",
                     "ttzizzz", in->call_id, in->caller, agent, call_placed_at(&t), t.offered_at,
                     t.answered_at, t.ended_at);
        *r->created = rc == 0;
    } else if (changed) {
        rc = db_exec(db, NULL,
                     "UPDATE calls SET agent_id=coalesce(?, agent_id), placed_at=?, offered_at=?,"
                     " answered_at=?, ended_at=? WHERE id=?",
                     "zizzzi", agent, call_placed_at(&t), t.offered_at, t.answered_at,
                     t.ended_at, id);
    }
    if (!rc) {
        *r->id = id;
        *r->changed = changed;
    }
    return rc;
}

int sqlite_call_report_event(store *s, const store_call_report *in, int64_t *id, bool *created,
                            bool *changed)
{
    if (!in->call_id || !*in->call_id || (in->event == CALL_ANSWERED && in->agent_id <= 0))
        return HL_EINVAL;
    *created = *changed = false;
    struct report_args r = {in, id, created, changed};
    return store_write(s, report_fn, &r);
}

/* ---- reading one call ---------------------------------------------------------------- */

struct get_args {
    arena *a;
    int64_t id, now;
    store_call *out;
};

static int get_fn(sqlite3 *db, void *arg)
{
    struct get_args *g = arg;
    int rc = db_one(db, g->a, store_call_row, g->out,
                    "SELECT " STORE_CALL_COLS " WHERE c.id=?", "i", g->id);
    return rc ? rc : store_call_cases_of(db, g->a, g->out);
}

int sqlite_call_get(store *s, arena *a, int64_t id, store_call *out)
{
    struct get_args g = {.a = a, .id = id, .out = out};
    return store_read(s, get_fn, &g);
}

/* The agent's latest answered call, if it is in progress at now: a call-taker takes one call
 * at a time, so an older call whose end the switch never reported is over all the same. */
static HL_MUST_CHECK int current(sqlite3 *db, arena *a, int64_t agent_id, int64_t now,
                                 store_call *out)
{
    int rc = db_one(db, a, store_call_row, out,
                    "SELECT " STORE_CALL_COLS " WHERE c.agent_id=? AND c.answered_at IS NOT NULL"
                    " ORDER BY c.answered_at DESC, c.id DESC LIMIT 1",
                    "i", agent_id);
    if (!rc && !call_in_progress(&out->t, now)) rc = HL_ENOTFOUND;
    return rc;
}

static int current_fn(sqlite3 *db, void *arg)
{
    struct get_args g = *(struct get_args *)arg;
    int rc = current(db, g.a, g.id, g.now, g.out);
    return rc ? rc : store_call_cases_of(db, g.a, g.out);
}

int sqlite_call_current(store *s, arena *a, int64_t agent_id, int64_t now, store_call *out)
{
    struct get_args g = {.a = a, .id = agent_id, .now = now, .out = out};
    return store_read(s, current_fn, &g);
}

/* ---- linking requests ------------------------------------------------------------------ */

struct link_args {
    int64_t agent_id, case_id, now;
    const char *caller;
    int64_t *call_id;
};

static int link_fn(sqlite3 *db, void *arg)
{
    struct link_args *l = arg;
    db_q q; /* the agent's current call, as current() finds it */
    int rc = db_open_q(db, &q,
                       "SELECT id, caller=?2, ifnull(offered_at,0), answered_at, ifnull(ended_at,0)"
                       " FROM calls WHERE agent_id=?1 AND answered_at IS NOT NULL"
                       " ORDER BY answered_at DESC, id DESC LIMIT 1",
                       "it", l->agent_id, l->caller);
    if (rc) return rc;
    int64_t id = 0;
    rc = db_step(&q);
    if (rc == 1) {
        call_times t = {db_int(&q, 2), db_int(&q, 3), db_int(&q, 4)};
        if (db_int(&q, 1) && call_in_progress(&t, l->now)) id = db_int(&q, 0);
    }
    db_close_q(&q);
    if (rc < 0) return rc;
    if (!id) return HL_ENOTFOUND;
    rc = db_exec(db, NULL, "INSERT OR IGNORE INTO call_cases(call_id, case_id) VALUES(?,?)", "ii",
                 id, l->case_id);
    if (!rc) *l->call_id = id;
    return rc;
}

int sqlite_call_link_case(store *s, int64_t agent_id, const char *caller, int64_t case_id,
                         int64_t now, int64_t *call_id)
{
    if (!caller || !*caller || agent_id <= 0 || case_id <= 0) return HL_EINVAL;
    struct link_args l = {agent_id, case_id, now, caller, call_id};
    return store_write(s, link_fn, &l);
}

struct case_calls_args {
    arena *a;
    int64_t case_id;
    store_call **items;
    size_t *n;
};

static int case_calls_fn(sqlite3 *db, void *arg)
{
    struct case_calls_args *l = arg;
    return db_list(db, l->a, sizeof **l->items, store_call_row, (void **)l->items, l->n,
                   "SELECT " STORE_CALL_COLS " JOIN call_cases cc ON cc.call_id=c.id"
                   " WHERE cc.case_id=? ORDER BY c.placed_at, c.id",
                   "i", l->case_id);
}

int sqlite_case_calls(store *s, arena *a, int64_t case_id, store_call **items, size_t *n)
{
    struct case_calls_args l = {a, case_id, items, n};
    return store_read(s, case_calls_fn, &l);
}

/* ---- whole calls, for histories ---------------------------------------------------------- */

struct put_args {
    const store_call_record *calls;
    size_t n;
};

static bool in_order(const call_times *t)
{
    int64_t last = 0;
    const int64_t v[3] = {t->offered_at, t->answered_at, t->ended_at};
    for (int i = 0; i < 3; i++) {
        if (!v[i]) continue;
        if (v[i] < last) return false;
        last = v[i];
    }
    return last > 0;
}

static int put_fn(sqlite3 *db, void *arg)
{
    struct put_args *p = arg;
    int rc = 0;
    for (size_t i = 0; !rc && i < p->n; i++) {
        const store_call_record *c = &p->calls[i];
        if (!c->call_id || !*c->call_id || !c->caller || !in_order(&c->t) ||
            (c->t.answered_at && c->agent_id <= 0))
            return HL_EINVAL;
        int64_t id = 0;
        rc = db_int1(db, &id,
                     "INSERT INTO calls(call_id, caller, agent_id, placed_at, offered_at,"
                     " answered_at, ended_at) VALUES(?,?,?,?,?,?,?) RETURNING id",
                     "ttzizzz", c->call_id, c->caller, c->agent_id, call_placed_at(&c->t),
                     c->t.offered_at, c->t.answered_at, c->t.ended_at);
        if (!rc && c->case_id)
            rc = db_exec(db, NULL, "INSERT INTO call_cases(call_id, case_id) VALUES(?,?)", "ii",
                         id, c->case_id);
    }
    return rc;
}

int sqlite_calls_put(store *s, const store_call_record *calls, size_t n)
{
    if (!n) return 0;
    struct put_args p = {calls, n};
    return store_write(s, put_fn, &p);
}
