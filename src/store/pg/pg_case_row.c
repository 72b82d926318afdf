/* pg_case_row.c — see pg_case_row.h. Mirrors store/case_row.c column for column; the
 * comparison of two snapshots stays case_row_equal (pure C, one definition for both
 * backends). */
#include "store/pg/pg_case_row.h"
#include "util/buf.h"
#include "util/err.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_close(const char *s, close_kind *out)
{
    static const close_kind kinds[] = {CLOSED_ANSWERED, CLOSED_INVALID, CLOSED_DONE};
    *out = CLOSED_NOT;
    if (!*s) return 0;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(s, close_kind_name(kinds[i])) == 0) {
            *out = kinds[i];
            return 0;
        }
    return HL_EIO;
}

/* A text column that is only parsed: "" for NULL, and "" too when the arena is exhausted
 * (which then fails to parse: the row is refused rather than read wrong). */
static const char *col(pg_q *q, arena *a, int i)
{
    const char *t = pg_text(q, a, i);
    return t ? t : "";
}

double pg_case_row_double(pg_q *q, arena *a, int i)
{
    const char *t = pg_text(q, a, i);
    return t && *t ? strtod(t, NULL) : 0;
}

/* Reads the PG_CASE_SNAP_COLS block starting at column base. */
static HL_MUST_CHECK int read_snap(pg_q *q, arena *a, int base, case_snapshot *s)
{
    memset(s, 0, sizeof *s);
    int i = base;
    if (case_state_parse(col(q, a, i++), &s->state)) return HL_EIO;
    const char *rf = col(q, a, i++);
    if (*rf && case_state_parse(rf, &s->return_from)) return HL_EIO;
    if (parse_close(col(q, a, i++), &s->closed_as)) return HL_EIO;
    s->unit_id = pg_int(q, i++);
    s->merged_into = pg_int(q, i++);
    s->extension_pending = pg_int(q, i++) != 0;
    s->extension_requested_due = pg_int(q, i++);
    s->urge_count = (int)pg_int(q, i++);
    s->supervise_count = (int)pg_int(q, i++);
    s->reopen_count = (int)pg_int(q, i++);
    s->return_count = (int)pg_int(q, i++);
    s->extension_count = (int)pg_int(q, i++);
    s->redispatch_count = (int)pg_int(q, i++);
    s->visit_attempts = (int)pg_int(q, i++);
    s->visit_valid = pg_int(q, i++) != 0;
    s->solved = pg_int(q, i++) != 0;
    const char *sat = col(q, a, i++);
    if (*sat && satisfaction_parse(sat, &s->satisfaction)) return HL_EIO;
    for (int st = 0; st < STAGE_COUNT; st++) s->due[st] = pg_int(q, i++);
    s->registered_at = pg_int(q, i++);
    s->dispatched_at = pg_int(q, i++);
    s->signed_at = pg_int(q, i++);
    s->replied_at = pg_int(q, i++);
    s->visited_at = pg_int(q, i++);
    s->closed_at = pg_int(q, i++);
    s->updated_at = pg_int(q, i++);
    s->events = (int)pg_int(q, i++);
    return 0;
}

int pg_case_row_read(pg_q *q, arena *a, void *item)
{
    store_case *c = item;
    memset(c, 0, sizeof *c);
    c->id = pg_int(q, 0);
    c->number = pg_text(q, a, 1);
    c->channel = pg_text(q, a, 2);
    if (request_type_parse(col(q, a, 3), &c->type)) return HL_EIO;
    c->category_id = pg_int(q, 4);
    if (urgency_parse(col(q, a, 5), &c->urgency)) return HL_EIO;
    c->confidential = pg_int(q, 6) != 0;
    c->caller_name = pg_text(q, a, 7);
    c->caller_phone = pg_text(q, a, 8);
    c->district_id = pg_int(q, 9);
    c->street_id = pg_int(q, 10);
    c->address = pg_text(q, a, 11);
    c->has_location = !pg_is_null(q, 12) && !pg_is_null(q, 13);
    c->lat = pg_case_row_double(q, a, 12);
    c->lng = pg_case_row_double(q, a, 13);
    c->title = pg_text(q, a, 14);
    c->text = pg_text(q, a, 15);
    c->created_by = pg_int(q, 16);
    c->reply_text = pg_text(q, a, 17);
    c->current_due = pg_int(q, 18);
    if (!c->number || !c->channel || !c->caller_name || !c->caller_phone || !c->address ||
        !c->title || !c->text || !c->reply_text)
        return HL_ENOMEM;
    return read_snap(q, a, 19, &c->snap);
}

/* A text extra: NULL when absent (the contract's "NULL when absent"), else from the arena. */
static const char *extra_text(pg_q *q, arena *a, int i, int *rc)
{
    if (pg_is_null(q, i)) return NULL;
    const char *t = pg_text(q, a, i);
    if (!t) *rc = HL_ENOMEM;
    return t;
}

int pg_case_row_read_event(pg_q *q, arena *a, void *item)
{
    store_case_event *e = item;
    memset(e, 0, sizeof *e);
    e->seq = (int)pg_int(q, 0);
    if (case_action_parse(col(q, a, 1), &e->ev.action)) return HL_EIO;
    e->ev.at = pg_int(q, 2);
    e->actor_id = pg_int(q, 3);
    const char *r = col(q, a, 4);
    if (lifecycle_actor_parse(r, &e->ev.actor_role)) return HL_EIO;
    e->ev.actor_unit = pg_int(q, 5);
    e->ev.unit_id = pg_int(q, 6);
    e->ev.merged_into = pg_int(q, 7);
    e->ev.requested_due = pg_int(q, 8);
    for (int s = 0; s < STAGE_COUNT; s++) e->ev.due[s] = pg_int(q, 9 + s);
    e->ev.reachable = pg_int(q, 14) != 0;
    e->ev.solved = pg_int(q, 15) != 0;
    const char *sat = col(q, a, 16);
    if (*sat && satisfaction_parse(sat, &e->ev.satisfaction)) return HL_EIO;
    e->reason = pg_text(q, a, 17);
    e->body = pg_text(q, a, 18);
    e->is_public = pg_int(q, 19) != 0;
    e->actor_name = pg_text(q, a, 20);
    int rc = 0;
    e->article_id = pg_int(q, 21);
    e->basis = extra_text(q, a, 22, &rc);
    const char *co = col(q, a, 23); /* "12,15" */
    while (*co && e->n_co < LIFECYCLE_CO_UNITS_MAX) {
        char *end;
        e->co_units[e->n_co++] = strtoll(co, &end, 10);
        co = *end == ',' ? end + 1 : end;
    }
    e->import_source = extra_text(q, a, 24, &rc);
    e->import_id = extra_text(q, a, 25, &rc);
    if (rc) return rc;
    return e->reason && e->body && e->actor_name ? 0 : HL_ENOMEM;
}

int pg_case_list_qa(pg_conn *c, arena *a, size_t item_size, pg_row_fn fn, void **items,
                    size_t *n, const char *sql, const db_arg *args, int nargs)
{
    pg_q q;
    int rc = pg_open_qa(c, &q, sql, args, nargs);
    if (rc) return rc;
    size_t count = 0;
    char *arr = arena_alloc(a, (size_t)(q.nrows ? q.nrows : 1) * item_size); /* all rows are here */
    if (!arr) rc = HL_ENOMEM;
    while (!rc && pg_step(&q)) rc = fn(&q, a, arr + count++ * item_size);
    pg_close_q(&q);
    if (rc) return rc;
    *items = arr;
    *n = count;
    return 0;
}

static int read_snap_row(pg_q *q, arena *a, void *item) { return read_snap(q, a, 0, item); }

int pg_case_row_load(pg_conn *c, arena *a, int64_t case_id, case_snapshot *out)
{
    return pg_one(c, a, read_snap_row, out,
                  "SELECT " PG_CASE_SNAP_COLS " FROM cases c WHERE c.id=$1", "i", case_id);
}

static const char *nz(const char *s) { return s && *s ? s : NULL; }

int pg_case_row_write(pg_conn *c, int64_t case_id, const case_snapshot *s, const char *reply_text)
{
    stage st;
    int64_t current_due = lifecycle_running_stage(s, &st) ? s->due[st] : 0;
    bool returning = s->state == CASE_RETURN_PENDING;
    return pg_exec(
        c, NULL,
        "UPDATE cases SET state=$1, return_from=$2, closed_as=$3, unit_id=$4, merged_into=$5,"
        " extension_pending=$6, extension_requested_due=$7, urge_count=$8, supervise_count=$9,"
        " reopen_count=$10, return_count=$11, extension_count=$12, redispatch_count=$13,"
        " visit_attempts=$14, visit_valid=$15, solved=$16, satisfaction=$17, dispatch_due=$18,"
        " sign_due=$19, return_due=$20, reply_due=$21, visit_due=$22, current_due=$23,"
        " dispatched_at=$24, signed_at=$25, replied_at=$26, visited_at=$27, closed_at=$28,"
        " updated_at=$29, event_count=$30, reply_text=coalesce($32, reply_text) WHERE id=$31",
        "tttzzbziiiiiiibbtzzzzzzzzzzziiit", case_state_name(s->state),
        returning ? case_state_name(s->return_from) : NULL, nz(close_kind_name(s->closed_as)),
        s->unit_id, s->merged_into, (int)s->extension_pending, s->extension_requested_due,
        (int64_t)s->urge_count, (int64_t)s->supervise_count, (int64_t)s->reopen_count,
        (int64_t)s->return_count, (int64_t)s->extension_count, (int64_t)s->redispatch_count,
        (int64_t)s->visit_attempts, (int)s->visit_valid, (int)s->solved,
        nz(satisfaction_name(s->satisfaction)), s->due[STAGE_DISPATCH], s->due[STAGE_SIGN],
        s->due[STAGE_RETURN], s->due[STAGE_REPLY], s->due[STAGE_VISIT], current_due,
        s->dispatched_at, s->signed_at, s->replied_at, s->visited_at, s->closed_at,
        s->updated_at, (int64_t)s->events, case_id, reply_text);
}


/* The co-handling units as an array literal ("{12,15}"), NULL for none. */
static const char *co_array(const store_case_event *ev, char *out, size_t cap)
{
    if (ev->n_co <= 0) return NULL;
    size_t len = 0;
    for (int i = 0; i < ev->n_co && i < LIFECYCLE_CO_UNITS_MAX && len < cap; i++)
        len += (size_t)snprintf(out + len, cap - len, "%s%" PRId64, i ? "," : "{",
                                ev->co_units[i]);
    if (len + 2 > cap) return NULL; /* cannot happen: cap fits the most core allows */
    out[len++] = '}';
    out[len] = '\0';
    return out;
}

int pg_case_row_append_event(pg_conn *c, int64_t case_id, int seq, const store_case_event *ev)
{
    const case_event *e = &ev->ev;
    bool visit = e->action == ACT_VISIT;
    char co[LIFECYCLE_CO_UNITS_MAX * 22 + 4];
    return pg_exec(c, NULL,
                   "INSERT INTO case_events(case_id, seq, action, at, actor_id, actor_role,"
                   " actor_unit, unit_id, merged_into, requested_due, due_dispatch, due_sign,"
                   " due_return, due_reply, due_visit, reachable, solved, satisfaction, reason,"
                   " body, public, article_id, basis, co_unit_ids, import_source, import_id)"
                   " VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,"
                   "$20,$21,$22,$23,$24,$25,$26)",
                   "iitizt" "zzzzzzzzz" "bb" "ttt" "b" "ztttt", case_id, (int64_t)seq,
                   case_action_name(e->action), e->at, ev->actor_id,
                   lifecycle_actor_name(e->actor_role), e->actor_unit, e->unit_id, e->merged_into,
                   e->requested_due, e->due[STAGE_DISPATCH], e->due[STAGE_SIGN],
                   e->due[STAGE_RETURN], e->due[STAGE_REPLY], e->due[STAGE_VISIT],
                   (int)(visit && e->reachable), (int)(visit && e->solved),
                   visit ? nz(satisfaction_name(e->satisfaction)) : NULL, nz(ev->reason),
                   nz(ev->body), (int)ev->is_public, ev->article_id, ev->basis,
                   co_array(ev, co, sizeof co), ev->import_source, ev->import_id);
}
