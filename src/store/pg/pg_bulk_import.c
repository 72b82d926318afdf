/* pg_bulk_import.c — import.h for PostgreSQL, the counterpart of bulk_import.c: a chunk of
 * requests with their whole event logs in one SERIALIZABLE transaction (pg_store_write), the
 * rows loaded with COPY. Each request's row is the fold of its log (core/lifecycle.c), with the
 * automatic close after a valid visit that found the matter solved, exactly as store_case_act
 * writes it; `hotline check` verifies.
 *
 * How it differs from SQLite's, and why:
 *  - rows go in by COPY (one round trip per chunk and table, no statement per row), in COPY's
 *    text format; the full-text column is written in the same row, as pg_fts.h makes it for
 *    every writer of it;
 *  - a chunk takes the lock of every write of requests first (pg_cases.c), so it is ordered
 *    with the registrations of every server as SQLite's one writer orders them;
 *  - ids are drawn from the cases' identity sequence, so servers importing at once never
 *    collide; request numbers come from case_numbers inside the transaction, one upsert per
 *    day of the chunk taking as many numbers as the chunk has requests that day (gap-free, and
 *    ordered against every other server's registrations by the day row's lock);
 *  - references are checked by the schema's foreign keys (23503 is HL_EREF): PostgreSQL checks
 *    them per row during COPY, where SQLite's bulk writer has them off;
 *  - the rollups are summed in memory as rollup.c's rollup_add_new does, one upsert per key;
 *    the return requests, which are events, are derived in SQL over the chunk's ids.
 * A session keeps nothing on the server between chunks (each is its own transaction on any
 * connection of the pool): it is the store and nothing else. */
#include "core/appraisal.h"
#include "core/case_number.h"
#include "core/civil.h"
#include "store/bulk_fold.h"
#include "store/import.h"
#include "store/pg/pg_case_row.h"
#include "store/pg/pg_fts.h"
#include "store/pg/pg_store.h"
#include "store/rollup.h"
#include "util/buf.h"
#include "util/err.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COPY_CHUNK (1u << 20) /* bytes of COPY data sent at once */
#define COPY_MAX ((size_t)1 << 34)

/* ---- COPY's text format -------------------------------------------------------------------- */

/* A row being written: fields separated by tabs, \N for NULL, rows ended by a newline. */
typedef struct {
    buf b;
    int rc;     /* the first error; later appends do nothing */
    bool first; /* no field in this row yet */
} copy_row;

static void put_raw(copy_row *r, const char *s, size_t n)
{
    if (!r->rc) r->rc = buf_append(&r->b, s, n);
}

static void field_start(copy_row *r)
{
    if (!r->first) put_raw(r, "\t", 1);
    r->first = false;
}

static void row_end(copy_row *r)
{
    put_raw(r, "\n", 1);
    r->first = true;
}

/* Text escaped for COPY: backslash, tab, newline and carriage return are the only bytes the
 * format gives a meaning to. */
static void put_escaped(copy_row *r, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        const char *esc = *s == '\\' ? "\\\\" : *s == '\t' ? "\\t" : *s == '\n' ? "\\n"
                        : *s == '\r' ? "\\r" : NULL;
        if (!esc) continue;
        put_raw(r, run, (size_t)(s - run));
        put_raw(r, esc, 2);
        run = s + 1;
    }
    put_raw(r, run, (size_t)(s - run));
}

static void f_null(copy_row *r)
{
    field_start(r);
    put_raw(r, "\\N", 2);
}

/* text; NULL is NULL */
static void f_text(copy_row *r, const char *s)
{
    if (!s) {
        f_null(r);
        return;
    }
    field_start(r);
    put_escaped(r, s);
}

static void f_int(copy_row *r, int64_t v)
{
    char n[24];
    field_start(r);
    put_raw(r, n, (size_t)snprintf(n, sizeof n, "%" PRId64, v));
}

/* 0 is NULL, where case_row.c writes NULL for it */
static void f_intz(copy_row *r, int64_t v)
{
    if (v) f_int(r, v);
    else f_null(r);
}

static void f_bool(copy_row *r, bool v)
{
    field_start(r);
    put_raw(r, v ? "t" : "f", 1);
}

static void f_double(copy_row *r, double v)
{
    char n[40];
    field_start(r);
    put_raw(r, n, (size_t)snprintf(n, sizeof n, "%.17g", v));
}

/* Sends what the rows hold so far once it is large, keeping memory bounded. */
static int copy_flush(pg_conn *c, copy_row *r, bool all)
{
    if (r->rc) return r->rc;
    if (!r->b.len || (!all && r->b.len < COPY_CHUNK)) return 0;
    int rc = pg_copy_put(c, r->b.data, r->b.len);
    buf_reset(&r->b);
    return rc;
}

/* ---- the full-text column ------------------------------------------------------------------ */

/* The search column as every writer of it makes it (pg_fts.h), from title, text and address. */
static void f_search(copy_row *r, buf *doc, const store_case *k)
{
    const char *cols[] = {k->title, k->text, k->address};
    buf_reset(doc);
    int rc = pg_fts_doc(cols, 3, doc);
    if (rc && !r->rc) r->rc = rc;
    field_start(r);
    if (doc->len) put_escaped(r, doc->data);
}

/* ---- folding ------------------------------------------------------------------------------- */

static const char *nz(const char *s) { return s && *s ? s : NULL; }
static const char *or_empty(const char *s) { return s ? s : ""; }


typedef struct {
    int64_t id, day;
    char number[STORE_CASE_NUMBER_MAX];
    case_snapshot snap;
    const char *reply_text;
    size_t follow_after;     /* the event the log's own follow-up comes after */
    store_case_event follow; /* that follow-up (action ACT_REGISTER when there is none) */
} folded;

/* Folds one history (store/bulk_fold.h) into the row this file writes. */
static int fold(const store_bulk_case *bc, folded *f)
{
    bulk_fold h;
    int rc = bulk_fold_history(bc, &h);
    f->snap = h.snap;
    f->reply_text = h.reply_text;
    f->follow_after = h.follow_after;
    f->follow = h.follow;
    return rc;
}

/* ---- rows ---------------------------------------------------------------------------------- */

static const char case_copy[] =
    "COPY cases(id, number, channel, request_type, category_id, urgency, confidential,"
    " caller_name, caller_phone, district_id, street_id, address, lat, lng, title, text,"
    " created_by, reg_day, state, return_from, closed_as, unit_id, merged_into,"
    " extension_pending, extension_requested_due, urge_count, supervise_count, reopen_count,"
    " return_count, extension_count, redispatch_count, visit_attempts, visit_valid, solved,"
    " satisfaction, dispatch_due, sign_due, return_due, reply_due, visit_due, current_due,"
    " registered_at, dispatched_at, signed_at, replied_at, visited_at, closed_at, updated_at,"
    " event_count, reply_text, search) FROM STDIN";

static const char event_copy[] =
    "COPY case_events(case_id, seq, action, at, actor_id, actor_role, actor_unit, unit_id,"
    " merged_into, requested_due, due_dispatch, due_sign, due_return, due_reply, due_visit,"
    " reachable, solved, satisfaction, reason, body, public, article_id, basis, co_unit_ids,"
    " import_source, import_id) FROM STDIN";

/* One request's row: the fold's snapshot, as case_row_write writes it. */
static void put_case(copy_row *r, buf *doc, const store_case *k, const folded *f)
{
    const case_snapshot *s = &f->snap;
    stage running;
    int64_t current_due = lifecycle_running_stage(s, &running) ? s->due[running] : 0;
    f_int(r, f->id);
    f_text(r, f->number);
    f_text(r, k->channel);
    f_text(r, request_type_name(k->type));
    f_int(r, k->category_id);
    f_text(r, urgency_name(k->urgency));
    f_bool(r, k->confidential);
    f_text(r, or_empty(k->caller_name));
    f_text(r, or_empty(k->caller_phone));
    f_intz(r, k->district_id);
    f_intz(r, k->street_id);
    f_text(r, or_empty(k->address));
    if (k->has_location) {
        f_double(r, k->lat);
        f_double(r, k->lng);
    } else {
        f_null(r);
        f_null(r);
    }
    f_text(r, or_empty(k->title));
    f_text(r, k->text);
    f_intz(r, k->created_by);
    f_int(r, f->day);
    f_text(r, case_state_name(s->state));
    f_text(r, s->state == CASE_RETURN_PENDING ? case_state_name(s->return_from) : NULL);
    f_text(r, nz(close_kind_name(s->closed_as)));
    f_intz(r, s->unit_id);
    f_intz(r, s->merged_into);
    f_bool(r, s->extension_pending);
    f_intz(r, s->extension_requested_due);
    f_int(r, s->urge_count);
    f_int(r, s->supervise_count);
    f_int(r, s->reopen_count);
    f_int(r, s->return_count);
    f_int(r, s->extension_count);
    f_int(r, s->redispatch_count);
    f_int(r, s->visit_attempts);
    f_bool(r, s->visit_valid);
    f_bool(r, s->solved);
    f_text(r, nz(satisfaction_name(s->satisfaction)));
    for (int g = 0; g < STAGE_COUNT; g++) f_intz(r, s->due[g]);
    f_intz(r, current_due);
    f_int(r, s->registered_at);
    f_intz(r, s->dispatched_at);
    f_intz(r, s->signed_at);
    f_intz(r, s->replied_at);
    f_intz(r, s->visited_at);
    f_intz(r, s->closed_at);
    f_int(r, s->updated_at);
    f_int(r, s->events);
    f_text(r, f->reply_text);
    f_search(r, doc, k);
    row_end(r);
}

/* One event's row, as case_row_append_event writes it; the JSON extras of SQLite are the
 * typed columns here. */
static void put_event(copy_row *r, int64_t case_id, int seq, const store_case_event *ev)
{
    const case_event *e = &ev->ev;
    bool visit = e->action == ACT_VISIT;
    f_int(r, case_id);
    f_int(r, seq);
    f_text(r, case_action_name(e->action));
    f_int(r, e->at);
    f_intz(r, ev->actor_id);
    f_text(r, lifecycle_actor_name(e->actor_role));
    f_intz(r, e->actor_unit);
    f_intz(r, e->unit_id);
    f_intz(r, e->merged_into);
    f_intz(r, e->requested_due);
    for (int s = 0; s < STAGE_COUNT; s++) f_intz(r, e->due[s]);
    f_bool(r, visit && e->reachable);
    f_bool(r, visit && e->solved);
    f_text(r, visit ? nz(satisfaction_name(e->satisfaction)) : NULL);
    f_text(r, nz(ev->reason));
    f_text(r, nz(ev->body));
    f_bool(r, ev->is_public);
    f_intz(r, ev->article_id);
    f_text(r, ev->basis);
    if (ev->n_co > 0) {
        field_start(r);
        for (int i = 0; i < ev->n_co && i < LIFECYCLE_CO_UNITS_MAX; i++) {
            char n[24];
            put_raw(r, n, (size_t)snprintf(n, sizeof n, "%s%" PRId64, i ? "," : "{",
                                           ev->co_units[i]));
        }
        put_raw(r, "}", 1);
    } else {
        f_null(r);
    }
    f_text(r, ev->import_source);
    f_text(r, ev->import_id);
    row_end(r);
}

/* ---- numbers and ids ----------------------------------------------------------------------- */

/* The chunk's requests per local day, in the order of the chunk. */
#define DAYS_MAX 4096
struct numbering {
    int64_t day[DAYS_MAX], count[DAYS_MAX], next[DAYS_MAX];
    int n;
};

static int count_day(struct numbering *nb, int64_t day)
{
    int i = 0;
    while (i < nb->n && nb->day[i] != day) i++;
    if (i == nb->n) {
        if (nb->n == DAYS_MAX) return HL_ERANGE;
        nb->day[i] = day;
        nb->count[i] = 0;
        nb->n++;
    }
    nb->count[i]++;
    return 0;
}

/* Takes each day's numbers from case_numbers: the day's row grows by the chunk's count at
 * once, and its numbers are the count below the new last. */
static int take_numbers(pg_conn *c, struct numbering *nb)
{
    int rc = 0;
    for (int i = 0; !rc && i < nb->n; i++) {
        char key[CASE_NUMBER_DAY_KEY];
        case_number_day_key(nb->day[i], key);
        int64_t last = 0;
        rc = pg_int1(c, &last,
                     "INSERT INTO case_numbers(day, last) VALUES($1, $2) ON CONFLICT(day)"
                     " DO UPDATE SET last = case_numbers.last + excluded.last RETURNING last",
                     "ti", key, nb->count[i]);
        nb->next[i] = last - nb->count[i] + 1;
    }
    return rc;
}

static int next_number(struct numbering *nb, int64_t day, char *number)
{
    for (int i = 0; i < nb->n; i++)
        if (nb->day[i] == day)
            return case_number_format(day, nb->next[i]++, number, STORE_CASE_NUMBER_MAX);
    return HL_EINVAL; /* every day was counted first */
}

/* The chunk's ids as an int8[] literal ("{1,2,3}"), for = ANY($1). */
static int ids_literal(const folded *f, size_t n, buf *out)
{
    int rc = buf_puts(out, "{");
    for (size_t i = 0; !rc && i < n; i++)
        rc = buf_printf(out, "%s%" PRId64, i ? "," : "", f[i].id);
    return rc ? rc : buf_puts(out, "}");
}

/* ---- rollups -------------------------------------------------------------------------------- */

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

static HL_MUST_CHECK int label_id(pg_conn *c, int dim, const char *name, int64_t *id)
{
    return pg_int1(c, id,
                   "INSERT INTO rollup_labels(dim, name) VALUES($1, $2) ON CONFLICT(dim, name)"
                   " DO UPDATE SET name = excluded.name RETURNING id",
                   "it", (int64_t)dim, name);
}

static HL_MUST_CHECK int add_unit(pg_conn *c, int64_t day, int64_t unit,
                                  const appraisal_counts *d)
{
    if (!unit || appraisal_counts_zero(d)) return 0;
    return pg_exec(c, NULL,
                   "INSERT INTO rollup_unit_day(day, unit_id, dispatched, signed_ontime,"
                   " visits_valid, solved, satisfied, basic, unsatisfied, replies,"
                   " replied_ontime, reopened, returns_requested, returns_approved)"
                   " VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)"
                   " ON CONFLICT(day, unit_id) DO UPDATE SET"
                   " dispatched = rollup_unit_day.dispatched + excluded.dispatched,"
                   " signed_ontime = rollup_unit_day.signed_ontime + excluded.signed_ontime,"
                   " visits_valid = rollup_unit_day.visits_valid + excluded.visits_valid,"
                   " solved = rollup_unit_day.solved + excluded.solved,"
                   " satisfied = rollup_unit_day.satisfied + excluded.satisfied,"
                   " basic = rollup_unit_day.basic + excluded.basic,"
                   " unsatisfied = rollup_unit_day.unsatisfied + excluded.unsatisfied,"
                   " replies = rollup_unit_day.replies + excluded.replies,"
                   " replied_ontime = rollup_unit_day.replied_ontime + excluded.replied_ontime,"
                   " reopened = rollup_unit_day.reopened + excluded.reopened,"
                   " returns_requested = rollup_unit_day.returns_requested"
                   " + excluded.returns_requested,"
                   " returns_approved = rollup_unit_day.returns_approved"
                   " + excluded.returns_approved",
                   "iiiiiiiiiiiiii", day, unit, d->dispatched, d->signed_ontime,
                   d->visits_valid, d->solved, d->satisfied, d->basic, d->unsatisfied,
                   d->replies, d->replied_ontime, d->reopened, d->returns_requested,
                   d->returns_approved);
}

/* The rollups of the chunk's new requests (rollup.c's rollup_add_new): per (day, lead unit)
 * the facts of appraisal_case_facts, per (dimension, day, key) one registration each. */
static int add_rollups(pg_conn *c, const store_bulk_case *cases, const folded *f, size_t n)
{
    enum { DIMS = 5 };
    unit_sum *u = malloc((n ? n : 1) * sizeof *u);
    volume_sum *v = malloc((n ? n : 1) * DIMS * sizeof *v);
    size_t nu = 0, nv = 0;
    int rc = u && v ? 0 : HL_ENOMEM;
    for (size_t i = 0; !rc && i < n; i++) {
        const store_case *k = &cases[i].k;
        int64_t channel = 0, type = 0;
        /* a chunk has a handful of labels: one upsert per request and label would cost as
         * much as the request, so each is looked up once per chunk */
        for (size_t j = 0; j < i && !channel; j++)
            if (!strcmp(cases[j].k.channel, k->channel)) channel = v[j * DIMS + 3].key;
        for (size_t j = 0; j < i && !type; j++)
            if (cases[j].k.type == k->type) type = v[j * DIMS + 4].key;
        if (!channel) rc = label_id(c, ROLLUP_CHANNEL, k->channel, &channel);
        if (!rc && !type) rc = label_id(c, ROLLUP_TYPE, request_type_name(k->type), &type);
        int64_t keys[DIMS] = {k->category_id, k->district_id, k->street_id, channel, type};
        for (int d = 0; d < DIMS; d++) v[nv++] = (volume_sum){d + 1, f[i].day, keys[d], 1};
        u[nu] = (unit_sum){.day = f[i].day, .unit = f[i].snap.unit_id};
        appraisal_case_facts(&f[i].snap, &u[nu].c);
        if (u[nu].unit && !appraisal_counts_zero(&u[nu].c)) nu++;
    }
    if (!rc && nu) qsort(u, nu, sizeof *u, cmp_unit_sum);
    for (size_t i = 0; !rc && i < nu;) {
        size_t j = i + 1;
        for (; j < nu && !cmp_unit_sum(&u[i], &u[j]); j++)
            appraisal_counts_add(&u[i].c, &u[j].c, 1);
        rc = add_unit(c, u[i].day, u[i].unit, &u[i].c);
        i = j;
    }
    if (!rc && nv) qsort(v, nv, sizeof *v, cmp_volume_sum);
    for (size_t i = 0; !rc && i < nv;) {
        size_t j = i + 1;
        for (; j < nv && !cmp_volume_sum(&v[i], &v[j]); j++) v[i].n += v[j].n;
        rc = pg_exec(c, NULL,
                     "INSERT INTO rollup_volume_day(dim, day, key, n) VALUES($1,$2,$3,$4)"
                     " ON CONFLICT(dim, day, key) DO UPDATE SET n = rollup_volume_day.n"
                     " + excluded.n",
                     "iiii", v[i].dim, v[i].day, v[i].key, v[i].n);
        i = j;
    }
    free(u);
    free(v);
    return rc;
}

/* The return requests of the chunk's requests (rollup.c's rollup_add_returns): each counted
 * for the unit that had the request when it asked (the last dispatch, re-dispatch or reopen
 * before), approved when the next review approved it. ids: the chunk's int8[] literal. */
static int add_returns(pg_conn *c, const char *ids)
{
    int rc = pg_exec(c, NULL,
                     "INSERT INTO appraisal_returns(case_id, seq, unit_id, day, approved)"
                     " SELECT e.case_id, e.seq,"
                     " coalesce((SELECT d.unit_id FROM case_events d WHERE d.case_id = e.case_id"
                     " AND d.seq < e.seq AND d.action IN ('dispatch','redispatch','reopen')"
                     " ORDER BY d.seq DESC LIMIT 1), 0),"
                     " c.reg_day, coalesce((SELECT a.action = 'approve_return' FROM case_events a"
                     " WHERE a.case_id = e.case_id AND a.seq > e.seq AND a.action IN"
                     " ('approve_return','reject_return') ORDER BY a.seq LIMIT 1), false)"
                     " FROM case_events e JOIN cases c ON c.id = e.case_id"
                     " WHERE e.action = 'request_return' AND e.case_id = ANY($1::int8[])",
                     "t", ids);
    if (!rc)
        rc = pg_exec(c, NULL,
                     "INSERT INTO rollup_unit_day(day, unit_id, returns_requested,"
                     " returns_approved) SELECT day, unit_id, count(*), count(*) FILTER"
                     " (WHERE approved) FROM appraisal_returns WHERE case_id = ANY($1::int8[])"
                     " GROUP BY day, unit_id ON CONFLICT(day, unit_id) DO UPDATE SET"
                     " returns_requested = rollup_unit_day.returns_requested"
                     " + excluded.returns_requested,"
                     " returns_approved = rollup_unit_day.returns_approved"
                     " + excluded.returns_approved",
                     "t", ids);
    return rc;
}

/* ---- the chunk ----------------------------------------------------------------------------- */

struct store_bulk {
    store *s; /* first: the contract's dispatch finds the backend through it */
};

struct bulk_args {
    const store_bulk_case *cases;
    size_t n;
    int off;
    size_t *bad;
    folded *f;
    struct numbering *nb;
};

static int read_id(pg_q *q, arena *a, void *item)
{
    (void)a;
    *(int64_t *)item = pg_int(q, 0);
    return 0;
}

/* Draws n ids from the cases' identity sequence (a retried transaction leaves a gap in ids,
 * never in request numbers). */
static int draw_ids(pg_conn *c, folded *f, size_t n)
{
    arena *a = arena_new();
    if (!a) return HL_ENOMEM;
    int64_t *ids = NULL;
    size_t got = 0;
    int rc = pg_list(c, a, sizeof *ids, read_id, (void **)&ids, &got,
                     "SELECT nextval(pg_get_serial_sequence('cases', 'id'))"
                     " FROM generate_series(1, $1)",
                     "i", (int64_t)n);
    if (!rc && got != n) rc = HL_EIO;
    for (size_t i = 0; !rc && i < n; i++) f[i].id = ids[i];
    arena_free(a);
    return rc;
}

/* Sends the rows put writes with COPY sql; a failure while writing them cancels the COPY. */
typedef int (*put_rows_fn)(pg_conn *c, copy_row *r, const struct bulk_args *b);

static int copy_rows(pg_conn *c, const char *sql, put_rows_fn put, const struct bulk_args *b,
                     int64_t *rows)
{
    copy_row r = {.first = true};
    buf_init(&r.b, COPY_MAX);
    int rc = pg_copy_begin(c, sql);
    if (rc) return rc;
    rc = put(c, &r, b);
    if (!rc) rc = copy_flush(c, &r, true);
    if (rc) err_ignore(pg_copy_end(c, true, NULL)); /* the error is rc; the COPY is undone */
    else rc = pg_copy_end(c, false, rows);
    buf_free(&r.b);
    return rc;
}

static int put_cases(pg_conn *c, copy_row *r, const struct bulk_args *b)
{
    buf doc;
    buf_init(&doc, 1 << 24);
    int rc = 0;
    for (size_t i = 0; !rc && i < b->n; i++) {
        put_case(r, &doc, &b->cases[i].k, &b->f[i]);
        rc = copy_flush(c, r, false);
    }
    buf_free(&doc);
    return rc;
}

/* Each request's events in order, its follow-up right after the event it follows. */
static int put_events(pg_conn *c, copy_row *r, const struct bulk_args *b)
{
    int rc = 0;
    for (size_t i = 0; !rc && i < b->n; i++) {
        const folded *f = &b->f[i];
        int seq = 0;
        for (size_t j = 0; !rc && j < b->cases[i].nevents; j++) {
            put_event(r, f->id, ++seq, &b->cases[i].events[j]);
            if (f->follow.ev.action != ACT_REGISTER && f->follow_after == j)
                put_event(r, f->id, ++seq, &f->follow);
            rc = copy_flush(c, r, false);
        }
    }
    return rc;
}

static int bulk_fn(pg_conn *c, void *arg)
{
    struct bulk_args *b = arg;
    /* everything drawn from the database is drawn again: this may be a retry */
    memset(b->nb, 0, sizeof *b->nb);
    int rc = 0;
    int64_t nevents = 0;
    for (size_t i = 0; !rc && i < b->n; i++) {
        rc = fold(&b->cases[i], &b->f[i]);
        b->f[i].day = civil_local_day(b->f[i].snap.registered_at, b->off);
        if (!rc) rc = count_day(b->nb, b->f[i].day);
        if (rc) *b->bad = i;
        nevents += b->f[i].snap.events;
    }
    /* a chunk runs one at a time with the registrations and actions of every server */
    if (!rc) rc = pg_lock_case_writes(c);
    if (!rc) rc = draw_ids(c, b->f, b->n);
    if (!rc) rc = take_numbers(c, b->nb);
    for (size_t i = 0; !rc && i < b->n; i++) rc = next_number(b->nb, b->f[i].day, b->f[i].number);
    int64_t rows = 0;
    if (!rc) rc = copy_rows(c, case_copy, put_cases, b, &rows);
    if (!rc && rows != (int64_t)b->n) rc = HL_EIO;
    if (!rc) rc = copy_rows(c, event_copy, put_events, b, &rows);
    if (!rc && rows != nevents) rc = HL_EIO;
    if (!rc) rc = add_rollups(c, b->cases, b->f, b->n);
    buf ids;
    buf_init(&ids, COPY_MAX);
    if (!rc) rc = ids_literal(b->f, b->n, &ids);
    if (!rc) rc = add_returns(c, ids.data);
    buf_free(&ids);
    return rc;
}

int postgres_bulk_open(store *s, store_bulk **out)
{
    *out = calloc(1, sizeof **out);
    if (!*out) return HL_ENOMEM;
    (*out)->s = s;
    return 0;
}

int postgres_bulk_write(store_bulk *b, const store_bulk_case *cases, size_t n,
                        int utc_offset_min, size_t *bad)
{
    size_t unused;
    if (!n) return 0;
    struct bulk_args a = {cases, n, utc_offset_min, bad ? bad : &unused,
                          calloc(n, sizeof(folded)), calloc(1, sizeof(struct numbering))};
    int rc = a.f && a.nb ? pg_store_write(b->s, bulk_fn, &a) : HL_ENOMEM;
    free(a.f);
    free(a.nb);
    return rc;
}

void postgres_bulk_close(store_bulk *b) { free(b); }

int postgres_bulk_import(store *s, const store_bulk_case *cases, size_t n, int utc_offset_min,
                         size_t *bad)
{
    store_bulk *b;
    int rc = store_bulk_open(s, &b);
    if (!rc) rc = store_bulk_write(b, cases, n, utc_offset_min, bad);
    store_bulk_close(b);
    return rc;
}

/* ---- what an earlier import wrote ------------------------------------------------------------ */

struct imported_args {
    const char *source;
    const char *const *ids;
    size_t n;
    bool *known;
};

/* A text[] literal of the non-NULL ids (a NULL id is never known), each element double-quoted
 * with " and \\ escaped; pos[j] is the index in ids of the literal's element j+1, *m their
 * number. */
static int ids_text_array(const char *const *ids, size_t n, buf *out, size_t *pos, size_t *m)
{
    int rc = buf_puts(out, "{");
    *m = 0;
    for (size_t k = 0; !rc && k < n; k++) {
        if (!ids[k]) continue;
        rc = buf_puts(out, *m ? ",\"" : "\"");
        for (const char *p = ids[k]; !rc && *p; p++) {
            if (*p == '"' || *p == '\\') rc = buf_append(out, "\\", 1);
            if (!rc) rc = buf_append(out, p, 1);
        }
        if (!rc) rc = buf_puts(out, "\"");
        pos[(*m)++] = k;
    }
    return rc ? rc : buf_puts(out, "}");
}

/* One query for all the ids: the positions (1-based, in the literal) of those known. */
static int imported_fn(pg_conn *c, void *arg)
{
    struct imported_args *i = arg;
    for (size_t k = 0; k < i->n; k++) i->known[k] = false;
    size_t *pos = malloc((i->n ? i->n : 1) * sizeof *pos), m = 0;
    buf lit;
    buf_init(&lit, COPY_MAX);
    int rc = pos ? ids_text_array(i->ids, i->n, &lit, pos, &m) : HL_ENOMEM;
    pg_q q = {0};
    if (!rc && m)
        rc = pg_open_q(c, &q,
                       "SELECT u.i FROM unnest($1::text[]) WITH ORDINALITY AS u(id, i)"
                       " WHERE EXISTS (SELECT 1 FROM case_events WHERE action = 'register'"
                       " AND import_id = u.id AND import_source = $2)",
                       "tt", lit.data, i->source);
    while (!rc && m && pg_step(&q)) {
        int64_t at = pg_int(&q, 0);
        if (at >= 1 && (size_t)at <= m) i->known[pos[at - 1]] = true;
    }
    if (!rc && m) pg_close_q(&q);
    buf_free(&lit);
    free(pos);
    return rc;
}

int postgres_imported(store *s, const char *source, const char *const *ids, size_t n,
                      bool *known)
{
    struct imported_args i = {source, ids, n, known};
    return pg_store_read(s, imported_fn, &i);
}

struct open311_args {
    const char *city, *id;
    int64_t *case_id;
};

/* import_source is SQLite's extra.source, which also took over its older import_city */
static int open311_fn(pg_conn *c, void *arg)
{
    struct open311_args *i = arg;
    return pg_int1(c, i->case_id,
                   "SELECT case_id FROM case_events WHERE action = 'register'"
                   " AND import_id = $1 AND import_source = $2 LIMIT 1",
                   "tt", i->id, i->city);
}

int postgres_open311_imported(store *s, const char *city, const char *import_id,
                              int64_t *case_id)
{
    struct open311_args i = {city, import_id, case_id};
    return pg_store_read(s, open311_fn, &i);
}
