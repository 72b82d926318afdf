/* pg_calls.c — telephone calls in PostgreSQL (calls.c's counterpart): each event from the
 * switch is applied to its call in one serializable write (read, check the order with
 * core/calls.h, write), so two reports of one call, to any servers, never interleave: the
 * later to commit fails serialization and runs again on what the first wrote. The
 * call-taker's call in progress; the requests linked to calls. Lists and figures are in
 * pg_calls_list.c. */
#include "store/pg/pg_calls.h"
#include "store/pg/pg_store.h"
#include "util/buf.h"
#include "util/err.h"
#include <string.h>

int pg_call_row(pg_q *q, arena *a, void *item)
{
    store_call *c = item;
    memset(c, 0, sizeof *c);
    c->id = pg_int(q, 0);
    c->call_id = pg_text(q, a, 1);
    c->caller = pg_text(q, a, 2);
    c->agent_id = pg_int(q, 3);
    c->agent_username = pg_text(q, a, 4);
    c->agent_name = pg_text(q, a, 5);
    c->t.offered_at = pg_int(q, 6);
    c->t.answered_at = pg_int(q, 7);
    c->t.ended_at = pg_int(q, 8);
    c->placed_at = pg_int(q, 9);
    return c->call_id && c->caller && c->agent_username && c->agent_name ? 0 : HL_ENOMEM;
}

static int read_call_case(pg_q *q, arena *a, void *item)
{
    store_call_case *k = item;
    k->id = pg_int(q, 0);
    k->number = pg_text(q, a, 1);
    return k->number ? 0 : HL_ENOMEM;
}

int pg_call_cases_of(pg_conn *conn, arena *a, store_call *c)
{
    return pg_list(conn, a, sizeof *c->cases, read_call_case, (void **)&c->cases, &c->ncases,
                   "SELECT k.id, k.number FROM call_cases cc JOIN cases k ON k.id=cc.case_id"
                   " WHERE cc.call_id=$1 ORDER BY k.id",
                   "i", c->id);
}

/* ---- an event from the switch ---------------------------------------------------------- */

struct report_args {
    const store_call_report *in;
    int64_t *id;
    bool *created, *changed;
};

static int report_fn(pg_conn *c, void *arg)
{
    struct report_args *r = arg;
    const store_call_report *in = r->in;
    call_times t = {0};
    int64_t id = 0;
    /* fn may run again (pg_store_write): nothing of an earlier attempt is kept */
    *r->created = *r->changed = false;
    pg_q q;
    int rc = pg_open_q(c, &q,
                       "SELECT id, coalesce(offered_at,0), coalesce(answered_at,0),"
                       " coalesce(ended_at,0) FROM calls WHERE call_id=$1",
                       "t", in->call_id);
    if (rc) return rc;
    if (pg_step(&q)) {
        id = pg_int(&q, 0);
        t = (call_times){pg_int(&q, 1), pg_int(&q, 2), pg_int(&q, 3)};
    }
    pg_close_q(&q);
    if (!id && !in->caller) return HL_ENOTFOUND;
    bool changed = false;
    if ((rc = call_apply(&t, in->event, in->at, &changed))) return rc;
    int64_t agent = changed && in->event == CALL_ANSWERED ? in->agent_id : 0;
    if (!id && changed) {
        rc = pg_int1(c, &id,
                     "INSERT INTO calls(call_id, caller, agent_id, placed_at, offered_at,"
                     " answered_at, ended_at) VALUES($1,$2,$3,$4,$5,$6,$7) RETURNING id",
                     "ttzizzz", in->call_id, in->caller, agent, call_placed_at(&t), t.offered_at,
                     t.answered_at, t.ended_at);
        *r->created = rc == 0;
    } else if (changed) {
        rc = pg_exec(c, NULL,
                     "UPDATE calls SET agent_id=coalesce($1, agent_id), placed_at=$2,"
                     " offered_at=$3, answered_at=$4, ended_at=$5 WHERE id=$6",
                     "zizzzi", agent, call_placed_at(&t), t.offered_at, t.answered_at,
                     t.ended_at, id);
    }
    if (!rc) {
        *r->id = id;
        *r->changed = changed;
    }
    return rc;
}

int postgres_call_report_event(store *s, const store_call_report *in, int64_t *id,
                               bool *created, bool *changed)
{
    if (!in->call_id || !*in->call_id || (in->event == CALL_ANSWERED && in->agent_id <= 0))
        return HL_EINVAL;
    *created = *changed = false;
    struct report_args r = {in, id, created, changed};
    int rc = pg_store_write(s, report_fn, &r);
    if (rc) *created = *changed = false; /* what an attempt said before its commit failed */
    return rc;
}

/* ---- reading one call ---------------------------------------------------------------- */

struct get_args {
    arena *a;
    int64_t id, now;
    store_call *out;
};

static int get_fn(pg_conn *c, void *arg)
{
    struct get_args *g = arg;
    int rc = pg_one(c, g->a, pg_call_row, g->out, "SELECT " PG_CALL_COLS " WHERE c.id=$1", "i",
                    g->id);
    return rc ? rc : pg_call_cases_of(c, g->a, g->out);
}

int postgres_call_get(store *s, arena *a, int64_t id, store_call *out)
{
    struct get_args g = {.a = a, .id = id, .out = out};
    return pg_store_read(s, get_fn, &g);
}

/* The agent's latest answered call, if it is in progress at now: a call-taker takes one call
 * at a time, so an older call whose end the switch never reported is over all the same. */
static int current_fn(pg_conn *c, void *arg)
{
    struct get_args *g = arg;
    int rc = pg_one(c, g->a, pg_call_row, g->out,
                    "SELECT " PG_CALL_COLS " WHERE c.agent_id=$1 AND c.answered_at IS NOT NULL"
                    " ORDER BY c.answered_at DESC, c.id DESC LIMIT 1",
                    "i", g->id);
    if (!rc && !call_in_progress(&g->out->t, g->now)) rc = HL_ENOTFOUND;
    return rc ? rc : pg_call_cases_of(c, g->a, g->out);
}

int postgres_call_current(store *s, arena *a, int64_t agent_id, int64_t now, store_call *out)
{
    struct get_args g = {.a = a, .id = agent_id, .now = now, .out = out};
    return pg_store_read(s, current_fn, &g);
}

/* ---- linking requests ------------------------------------------------------------------ */

struct link_args {
    int64_t agent_id, case_id, now;
    const char *caller;
    int64_t *call_id;
};

static int link_fn(pg_conn *c, void *arg)
{
    struct link_args *l = arg;
    pg_q q; /* the agent's current call, as current_fn finds it */
    int rc = pg_open_q(c, &q,
                       "SELECT id, caller=$2, coalesce(offered_at,0), answered_at,"
                       " coalesce(ended_at,0) FROM calls WHERE agent_id=$1"
                       " AND answered_at IS NOT NULL ORDER BY answered_at DESC, id DESC LIMIT 1",
                       "it", l->agent_id, l->caller);
    if (rc) return rc;
    int64_t id = 0;
    if (pg_step(&q)) {
        call_times t = {pg_int(&q, 2), pg_int(&q, 3), pg_int(&q, 4)};
        if (pg_int(&q, 1) && call_in_progress(&t, l->now)) id = pg_int(&q, 0);
    }
    pg_close_q(&q);
    if (!id) return HL_ENOTFOUND;
    rc = pg_exec(c, NULL,
                 "INSERT INTO call_cases(call_id, case_id) VALUES($1,$2) ON CONFLICT DO NOTHING",
                 "ii", id, l->case_id);
    if (!rc) *l->call_id = id;
    return rc;
}

int postgres_call_link_case(store *s, int64_t agent_id, const char *caller, int64_t case_id,
                            int64_t now, int64_t *call_id)
{
    if (!caller || !*caller || agent_id <= 0 || case_id <= 0) return HL_EINVAL;
    struct link_args l = {agent_id, case_id, now, caller, call_id};
    return pg_store_write(s, link_fn, &l);
}

struct case_calls_args {
    arena *a;
    int64_t case_id;
    store_call **items;
    size_t *n;
};

static int case_calls_fn(pg_conn *c, void *arg)
{
    struct case_calls_args *l = arg;
    return pg_list(c, l->a, sizeof **l->items, pg_call_row, (void **)l->items, l->n,
                   "SELECT " PG_CALL_COLS " JOIN call_cases cc ON cc.call_id=c.id"
                   " WHERE cc.case_id=$1 ORDER BY c.placed_at, c.id",
                   "i", l->case_id);
}

int postgres_case_calls(store *s, arena *a, int64_t case_id, store_call **items, size_t *n)
{
    struct case_calls_args l = {a, case_id, items, n};
    return pg_store_read(s, case_calls_fn, &l);
}

/* ---- whole calls, for histories ---------------------------------------------------------- */

/* A history's calls go in one statement per write, as arrays unnested (thousands of rows, one
 * round trip): the arrays' text form is built here, every value quoted or NULL. */
#define ARRAY_TEXT_MAX (256u << 20)

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

/* Appends one element of an array literal: s double-quoted (" and \ escaped), NULL as NULL. */
static HL_MUST_CHECK int put_text(buf *b, const char *s)
{
    int rc = buf_puts(b, b->len && b->data[b->len - 1] != '{' ? ",\"" : "\"");
    for (; !rc && *s; s++) {
        if (*s == '"' || *s == '\\') rc = buf_append(b, "\\", 1);
        if (!rc) rc = buf_append(b, s, 1);
    }
    return rc ? rc : buf_puts(b, "\"");
}

/* The same for a number; 0 is NULL where zero_null says so (a time not reported, nobody). */
static HL_MUST_CHECK int put_int(buf *b, int64_t v, bool zero_null)
{
    const char *sep = b->len && b->data[b->len - 1] != '{' ? "," : "";
    if (zero_null && !v) return buf_printf(b, "%sNULL", sep);
    return buf_printf(b, "%s%lld", sep, (long long)v);
}

enum { COL_CALL_ID, COL_CALLER, COL_AGENT, COL_PLACED, COL_OFFERED, COL_ANSWERED, COL_ENDED,
       COL_CASE, NCOLS };

static int put_fn(pg_conn *c, void *arg)
{
    struct put_args *p = arg;
    buf col[NCOLS];
    int rc = 0;
    for (int k = 0; k < NCOLS; k++) {
        buf_init(&col[k], ARRAY_TEXT_MAX);
        err_first(&rc, buf_puts(&col[k], "{"));
    }
    for (size_t i = 0; !rc && i < p->n; i++) {
        const store_call_record *r = &p->calls[i];
        if (!r->call_id || !*r->call_id || !r->caller || !in_order(&r->t) ||
            (r->t.answered_at && r->agent_id <= 0)) {
            rc = HL_EINVAL;
            break;
        }
        err_first(&rc, put_text(&col[COL_CALL_ID], r->call_id));
        err_first(&rc, put_text(&col[COL_CALLER], r->caller));
        err_first(&rc, put_int(&col[COL_AGENT], r->agent_id, true));
        err_first(&rc, put_int(&col[COL_PLACED], call_placed_at(&r->t), false));
        err_first(&rc, put_int(&col[COL_OFFERED], r->t.offered_at, true));
        err_first(&rc, put_int(&col[COL_ANSWERED], r->t.answered_at, true));
        err_first(&rc, put_int(&col[COL_ENDED], r->t.ended_at, true));
        err_first(&rc, put_int(&col[COL_CASE], r->case_id, true));
    }
    for (int k = 0; k < NCOLS; k++) err_first(&rc, buf_puts(&col[k], "}"));
    /* ids in the records' order, as one insert after another would give them; a call_id
     * taken (before or twice in the batch) refuses the whole statement */
    if (!rc)
        rc = pg_exec(c, NULL,
                     "WITH r AS (SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[],"
                     " $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[])"
                     " WITH ORDINALITY AS r(call_id, caller, agent_id, placed_at, offered_at,"
                     " answered_at, ended_at, case_id, ord)),"
                     " ins AS (INSERT INTO calls(call_id, caller, agent_id, placed_at,"
                     " offered_at, answered_at, ended_at) SELECT call_id, caller, agent_id,"
                     " placed_at, offered_at, answered_at, ended_at FROM r ORDER BY ord"
                     " RETURNING id, call_id)"
                     " INSERT INTO call_cases(call_id, case_id) SELECT ins.id, r.case_id"
                     " FROM ins JOIN r ON r.call_id=ins.call_id WHERE r.case_id IS NOT NULL",
                     "tttttttt", col[0].data, col[1].data, col[2].data, col[3].data,
                     col[4].data, col[5].data, col[6].data, col[7].data);
    for (int k = 0; k < NCOLS; k++) buf_free(&col[k]);
    return rc;
}

int postgres_calls_put(store *s, const store_call_record *calls, size_t n)
{
    if (!n) return 0;
    struct put_args p = {calls, n};
    return pg_store_write(s, put_fn, &p);
}
