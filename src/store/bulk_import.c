/* bulk_import.c — history imports without a writer round trip per action: one writer job
 * writes a whole chunk of requests with their event logs. Each request's row is still the fold
 * of its log (core/lifecycle.c), with the automatic close after a valid visit that found the
 * matter solved, exactly as store_case_act writes it; `hotline check` verifies.
 *
 * Why it is shaped like this (measured with perf on the Boston import; an index insert costs
 * about a microsecond, and a request is a row with a dozen indexes plus five or six events):
 *  - the chunk is the whole transaction, without a savepoint (store_write_bulk), and foreign
 *    keys are checked here per distinct id rather than by SQLite per row;
 *  - rows go in multi-row INSERTs as large as the parameter limit allows, prepared once per
 *    session (each statement opens a cursor on every index of its table), with ids given;
 *  - request numbers are counted in memory and stored once per day, the rollups are summed in
 *    memory and written once per key (rollup_add_new);
 *  - the full-text index is filled last in one statement (FTS5 flushes its pending terms at
 *    every statement boundary once it has been written in a transaction). */
#include "core/case_number.h"
#include "core/civil.h"
#include "store/bulk_fold.h"
#include "store/case_row.h"
#include "store/import.h"
#include "store/open311_internal.h"
#include "store/rollup.h"
#include "util/buf.h"
#include "util/err.h"
#include <stdlib.h>
#include <string.h>

#define CASE_COLS 50  /* id and the 49 columns below */
#define EVENT_COLS 22
#define CASES_PER_STMT 640  /* 32,000 parameters: SQLite 3.40 allows 32,766 */
#define EVENTS_PER_STMT 1480

/* OR IGNORE: a multi-row INSERT that may abort needs a statement journal (a copy of every
 * page it changes); ignoring conflicts needs none. A conflict cannot happen (fresh ids, the
 * day's next numbers), and each statement checks that every row went in. */
static const char case_insert[] =
    "INSERT OR IGNORE INTO cases(id, number, channel, request_type, category_id, urgency, confidential,"
    " caller_name, caller_phone, district_id, street_id, address, lat, lng, title, text,"
    " created_by, reg_day, state, return_from, closed_as, unit_id, merged_into,"
    " extension_pending, extension_requested_due, urge_count, supervise_count, reopen_count,"
    " return_count, extension_count, redispatch_count, visit_attempts, visit_valid, solved,"
    " satisfaction, dispatch_due, sign_due, return_due, reply_due, visit_due, current_due,"
    " registered_at, dispatched_at, signed_at, replied_at, visited_at, closed_at, updated_at,"
    " event_count, reply_text) VALUES";

static const char event_insert[] =
    "INSERT OR IGNORE INTO case_events(case_id, seq, action, at, actor_id, actor_role, actor_unit,"
    " unit_id, merged_into, requested_due, due_dispatch, due_sign, due_return, due_reply,"
    " due_visit, reachable, solved, satisfaction, reason, body, extra, public) VALUES";

/* "head (?,...,?),(?,...)" for rows rows of cols columns, prepared once per chunk. */
static int prepare_rows(sqlite3 *db, const char *head, int rows, int cols, sqlite3_stmt **st)
{
    buf b;
    buf_init(&b, 1 << 20);
    int rc = buf_puts(&b, head);
    for (int r = 0; r < rows; r++) {
        err_first(&rc, buf_puts(&b, r ? ",(" : "("));
        for (int c = 0; c < cols; c++) err_first(&rc, buf_puts(&b, c ? ",?" : "?"));
        err_first(&rc, buf_puts(&b, ")"));
    }
    rc = rc ? HL_ENOMEM
            : db_err(sqlite3_prepare_v3(db, b.data, -1, SQLITE_PREPARE_PERSISTENT, st, NULL));
    buf_free(&b);
    return rc;
}

/* Binding helpers: 0 and "" bind NULL where case_row.c writes NULL for them. */
static void bi(sqlite3_stmt *st, int i, int64_t v) { sqlite3_bind_int64(st, i, v); }
static void bz(sqlite3_stmt *st, int i, int64_t v)
{
    if (v) sqlite3_bind_int64(st, i, v);
    else sqlite3_bind_null(st, i);
}
static void bt(sqlite3_stmt *st, int i, const char *t)
{
    if (t) sqlite3_bind_text(st, i, t, -1, SQLITE_STATIC);
    else sqlite3_bind_null(st, i);
}
static const char *nz(const char *s) { return s && *s ? s : NULL; }
static const char *or_empty(const char *s) { return s ? s : ""; }


static int run(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st); /* every parameter is bound again before the next step */
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : db_err(rc);
}

/* One event's columns from parameter i on (as case_row_append_event writes them). */
static void bind_event(sqlite3_stmt *st, int i, int64_t case_id, int seq,
                       const store_case_event *ev, const char *extra)
{
    const case_event *e = &ev->ev;
    bool visit = e->action == ACT_VISIT;
    bi(st, i++, case_id);
    bi(st, i++, seq);
    bt(st, i++, case_action_name(e->action));
    bi(st, i++, e->at);
    bz(st, i++, ev->actor_id);
    bt(st, i++, lifecycle_actor_name(e->actor_role));
    bz(st, i++, e->actor_unit);
    bz(st, i++, e->unit_id);
    bz(st, i++, e->merged_into);
    bz(st, i++, e->requested_due);
    for (int s = 0; s < STAGE_COUNT; s++) bz(st, i++, e->due[s]);
    bi(st, i++, visit && e->reachable);
    bi(st, i++, visit && e->solved);
    bt(st, i++, visit ? nz(satisfaction_name(e->satisfaction)) : NULL);
    bt(st, i++, nz(ev->reason));
    bt(st, i++, nz(ev->body));
    bt(st, i++, extra);
    bi(st, i, ev->is_public);
}

/* One request's row from parameter i on: the fold's snapshot, as case_row_write writes it. */
typedef struct {
    int64_t id, day;
    char number[STORE_CASE_NUMBER_MAX];
    case_snapshot snap;
    const char *reply_text;
    size_t follow_after;     /* the event the log's own follow-up comes after */
    store_case_event follow; /* that follow-up (action ACT_REGISTER when there is none) */
} folded;

static void bind_case(sqlite3_stmt *st, int i, const store_case *k, const folded *f)
{
    const case_snapshot *s = &f->snap;
    stage running;
    int64_t current_due = lifecycle_running_stage(s, &running) ? s->due[running] : 0;
    bi(st, i++, f->id);
    bt(st, i++, f->number);
    bt(st, i++, k->channel);
    bt(st, i++, request_type_name(k->type));
    bi(st, i++, k->category_id);
    bt(st, i++, urgency_name(k->urgency));
    bi(st, i++, k->confidential);
    bt(st, i++, or_empty(k->caller_name));
    bt(st, i++, or_empty(k->caller_phone));
    bz(st, i++, k->district_id);
    bz(st, i++, k->street_id);
    bt(st, i++, or_empty(k->address));
    if (k->has_location) {
        sqlite3_bind_double(st, i++, k->lat);
        sqlite3_bind_double(st, i++, k->lng);
    } else {
        sqlite3_bind_null(st, i++);
        sqlite3_bind_null(st, i++);
    }
    bt(st, i++, or_empty(k->title));
    bt(st, i++, k->text);
    bz(st, i++, k->created_by);
    bi(st, i++, f->day);
    bt(st, i++, case_state_name(s->state));
    bt(st, i++, s->state == CASE_RETURN_PENDING ? case_state_name(s->return_from) : NULL);
    bt(st, i++, nz(close_kind_name(s->closed_as)));
    bz(st, i++, s->unit_id);
    bz(st, i++, s->merged_into);
    bi(st, i++, s->extension_pending);
    bz(st, i++, s->extension_requested_due);
    bi(st, i++, s->urge_count);
    bi(st, i++, s->supervise_count);
    bi(st, i++, s->reopen_count);
    bi(st, i++, s->return_count);
    bi(st, i++, s->extension_count);
    bi(st, i++, s->redispatch_count);
    bi(st, i++, s->visit_attempts);
    bi(st, i++, s->visit_valid);
    bi(st, i++, s->solved);
    bt(st, i++, nz(satisfaction_name(s->satisfaction)));
    for (int g = 0; g < STAGE_COUNT; g++) bz(st, i++, s->due[g]);
    bz(st, i++, current_due);
    bi(st, i++, s->registered_at);
    bz(st, i++, s->dispatched_at);
    bz(st, i++, s->signed_at);
    bz(st, i++, s->replied_at);
    bz(st, i++, s->visited_at);
    bz(st, i++, s->closed_at);
    bi(st, i++, s->updated_at);
    bi(st, i++, s->events);
    bt(st, i, f->reply_text);
}

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

/* ---- request numbers --------------------------------------------------------------------- */

/* The day's sequence (case_numbers) as store_case_register issues it, counted in memory for
 * the chunk and stored once per day at the end. */
#define DAYS_MAX 4096
struct numbering {
    int64_t day[DAYS_MAX], last[DAYS_MAX];
    int n;
};

static int next_number(sqlite3 *db, struct numbering *nb, int64_t day, char *number)
{
    int i = 0;
    while (i < nb->n && nb->day[i] != day) i++;
    if (i == nb->n) {
        char key[CASE_NUMBER_DAY_KEY];
        case_number_day_key(day, key);
        if (nb->n == DAYS_MAX) return HL_ERANGE;
        int64_t last = 0;
        int rc = db_int1(db, &last, "SELECT last FROM case_numbers WHERE day=?", "t", key);
        if (rc && rc != HL_ENOTFOUND) return rc;
        nb->day[i] = day;
        nb->last[i] = last;
        nb->n++;
    }
    return case_number_format(day, ++nb->last[i], number, STORE_CASE_NUMBER_MAX);
}

static int save_numbers(sqlite3 *db, const struct numbering *nb)
{
    int rc = 0;
    for (int i = 0; !rc && i < nb->n; i++) {
        char key[CASE_NUMBER_DAY_KEY];
        case_number_day_key(nb->day[i], key);
        rc = db_exec(db, NULL,
                     "INSERT INTO case_numbers(day, last) VALUES(?1, ?2)"
                     " ON CONFLICT(day) DO UPDATE SET last=?2",
                     "ti", key, nb->last[i]);
    }
    return rc;
}

/* ---- statements kept for a session ---------------------------------------------------------- */

/* Multi-row statements of the full size and of every power of two below it, prepared on first
 * use and kept for the session: parsing a 32,000-parameter statement for every chunk cost a
 * quarter of the import's time (measured). */
#define SIZES 12 /* [0] full, [k] 2^(k-1) rows for k = 1..11 (up to 1024) */
struct store_bulk {
    store *s; /* first: the contract's dispatch finds the backend through it */
    sqlite3_stmt *cases[SIZES], *events[SIZES];
};

static void finalize_all(struct store_bulk *b)
{
    for (int i = 0; i < SIZES; i++) {
        sqlite3_finalize(b->cases[i]);
        sqlite3_finalize(b->events[i]);
        b->cases[i] = b->events[i] = NULL;
    }
}

/* Runs a multi-row statement and checks that all its rows went in. */
static int run_rows(sqlite3 *db, sqlite3_stmt *st, size_t rows)
{
    int rc = run(st);
    return rc ? rc : (size_t)sqlite3_changes(db) == rows ? 0 : HL_ECONFLICT;
}

typedef void (*bind_row_fn)(sqlite3_stmt *st, int first_param, size_t row, void *ud);

/* Inserts n rows in as few statements as the cached sizes allow. */
static HL_MUST_CHECK int insert_rows(sqlite3 *db, sqlite3_stmt **cache, const char *head, int cols,
                                     size_t full, size_t n, bind_row_fn bind, void *ud)
{
    int rc = 0;
    for (size_t done = 0; !rc && done < n;) {
        size_t left = n - done, rows = full;
        int slot = 0;
        if (left < full) {
            rows = 1;
            slot = 1;
            while (rows * 2 <= left && slot < SIZES - 1) {
                rows *= 2;
                slot++;
            }
        }
        if (!cache[slot]) rc = prepare_rows(db, head, (int)rows, cols, &cache[slot]);
        for (size_t r = 0; !rc && r < rows; r++) bind(cache[slot], (int)r * cols + 1, done + r, ud);
        if (!rc) rc = run_rows(db, cache[slot], rows);
        done += rows;
    }
    return rc;
}

/* ---- references ------------------------------------------------------------------------- */

/* The writer does not enforce foreign keys during a bulk job (store_write_bulk): the job
 * checks each distinct id the chunk refers to instead, a few hundred lookups rather than a
 * dozen per row. */
enum { REF_CATEGORY, REF_UNIT, REF_USER, REF_CASE, REF_TABLES };

/* A set of ids per table: open addressing, grown at half full (a chunk refers to a few
 * hundred distinct ids, a dozen times each per request). */
struct refs {
    int64_t *slot[REF_TABLES];
    size_t n[REF_TABLES], cap[REF_TABLES];
};

static size_t ref_hash(int64_t id, size_t cap)
{
    return (size_t)(((uint64_t)id * 0x9E3779B97F4A7C15u) >> 32) & (cap - 1);
}

static HL_MUST_CHECK int ref_add(struct refs *r, int table, int64_t id)
{
    if (!id) return 0;
    if (2 * (r->n[table] + 1) > r->cap[table]) {
        size_t cap = r->cap[table] ? 2 * r->cap[table] : 256;
        int64_t *grown = calloc(cap, sizeof *grown), *old = r->slot[table];
        if (!grown) return HL_ENOMEM;
        for (size_t i = 0; i < r->cap[table]; i++) {
            if (!old[i]) continue;
            size_t h = ref_hash(old[i], cap);
            while (grown[h]) h = (h + 1) & (cap - 1);
            grown[h] = old[i];
        }
        free(old);
        r->slot[table] = grown;
        r->cap[table] = cap;
    }
    size_t h = ref_hash(id, r->cap[table]);
    while (r->slot[table][h] && r->slot[table][h] != id) h = (h + 1) & (r->cap[table] - 1);
    if (!r->slot[table][h]) {
        r->slot[table][h] = id;
        r->n[table]++;
    }
    return 0;
}

/* HL_EREF unless every id collected exists in its table. */
static int refs_check(sqlite3 *db, const struct refs *r)
{
    static const char *const sql[REF_TABLES] = {
        "SELECT count(*) FROM categories WHERE id=?", "SELECT count(*) FROM units WHERE id=?",
        "SELECT count(*) FROM users WHERE id=?", "SELECT count(*) FROM cases WHERE id=?"};
    int rc = 0;
    for (int t = 0; !rc && t < REF_TABLES; t++) {
        for (size_t i = 0; !rc && i < r->cap[t]; i++) {
            if (!r->slot[t][i]) continue;
            int64_t found = 0;
            rc = db_int1(db, &found, sql[t], "i", r->slot[t][i]);
            if (!rc && !found) rc = HL_EREF;
        }
    }
    return rc;
}

static void refs_free(struct refs *r)
{
    for (int t = 0; t < REF_TABLES; t++) free(r->slot[t]);
}

/* What a request's row and events refer to (the REFERENCES of migrations 0002). */
static int refs_add_case(struct refs *r, const store_bulk_case *bc, const folded *f)
{
    const store_case *k = &bc->k;
    int rc = ref_add(r, REF_CATEGORY, k->category_id) | ref_add(r, REF_UNIT, k->district_id) |
             ref_add(r, REF_UNIT, k->street_id) | ref_add(r, REF_USER, k->created_by) |
             ref_add(r, REF_UNIT, f->snap.unit_id) | ref_add(r, REF_CASE, f->snap.merged_into);
    for (size_t j = 0; !rc && j < bc->nevents; j++) {
        const store_case_event *ev = &bc->events[j];
        rc = ref_add(r, REF_USER, ev->actor_id) | ref_add(r, REF_UNIT, ev->ev.actor_unit) |
             ref_add(r, REF_UNIT, ev->ev.unit_id) | ref_add(r, REF_CASE, ev->ev.merged_into);
    }
    return rc ? HL_ENOMEM : 0;
}

/* ---- the job ------------------------------------------------------------------------------- */

struct bulk_args {
    struct store_bulk *session;
    const store_bulk_case *cases;
    size_t n;
    int off;
    size_t *bad;
};

struct case_rows {
    const store_bulk_case *cases;
    const folded *f;
};

static void bind_case_row(sqlite3_stmt *st, int p, size_t row, void *ud)
{
    const struct case_rows *c = ud;
    bind_case(st, p, &c->cases[row].k, &c->f[row]);
}

/* One event row of the chunk: a request's event, or the automatic close after it. */
typedef struct {
    int64_t case_id;
    int seq;
    const store_case_event *ev;
    char *extra; /* its extra column (case_row_extra_json), NULL for none */
} event_ref;

struct event_rows {
    const event_ref *refs;
};

static void bind_event_row(sqlite3_stmt *st, int p, size_t row, void *ud)
{
    const event_ref *r = &((const struct event_rows *)ud)->refs[row];
    bind_event(st, p, r->case_id, r->seq, r->ev, r->extra);
}

/* The chunk's rollups, summed in memory (a GROUP BY over the new rows per dimension cost a
 * seventh of the import, measured). */
static int add_rollups(sqlite3 *db, const store_bulk_case *cases, const folded *f, size_t n,
                       int64_t first, int64_t last)
{
    rollup_new_case *r = malloc((n ? n : 1) * sizeof *r);
    if (!r) return HL_ENOMEM;
    bool returns = false;
    for (size_t i = 0; i < n; i++) {
        const store_case *k = &cases[i].k;
        r[i] = (rollup_new_case){f[i].day, k->category_id, k->district_id, k->street_id,
                                 k->channel, request_type_name(k->type), &f[i].snap};
        returns |= f[i].snap.return_count > 0;
    }
    int rc = rollup_add_new(db, r, n);
    if (!rc && returns) rc = rollup_add_returns(db, first, last);
    free(r);
    return rc;
}

static int bulk_fn(sqlite3 *db, void *arg)
{
    struct bulk_args *b = arg;
    struct store_bulk *ses = b->session;
    folded *f = calloc(b->n ? b->n : 1, sizeof *f);
    struct numbering *nb = calloc(1, sizeof *nb);
    event_ref *refs = NULL;
    size_t nrefs = 0;
    int64_t first = 0;
    int rc = f && nb ? 0 : HL_ENOMEM;
    /* a chunk touches pages of a dozen indexes all over the file: on a big store the default
     * 16 MB cache makes most index inserts re-read their pages; the writer keeps 256 MB */
    if (!rc) rc = db_exec(db, NULL, "PRAGMA cache_size=-262144", NULL);
    if (!rc) rc = db_int1(db, &first, "SELECT ifnull(max(id),0)+1 FROM cases", NULL);
    for (size_t i = 0; !rc && i < b->n; i++) {
        rc = fold(&b->cases[i], &f[i]);
        f[i].id = first + (int64_t)i;
        f[i].day = civil_local_day(f[i].snap.registered_at, b->off);
        if (!rc) rc = next_number(db, nb, f[i].day, f[i].number);
        if (rc) *b->bad = i;
        nrefs += (size_t)f[i].snap.events;
    }
    struct refs ids = {0};
    for (size_t i = 0; !rc && i < b->n; i++) rc = refs_add_case(&ids, &b->cases[i], &f[i]);
    if (!rc) rc = refs_check(db, &ids);
    refs_free(&ids);
    if (!rc && !(refs = calloc(nrefs ? nrefs : 1, sizeof *refs))) rc = HL_ENOMEM;
    /* the event rows in order: each request's events, its follow-up after the one it follows */
    size_t k = 0;
    for (size_t i = 0; !rc && i < b->n; i++) {
        int seq = 0;
        for (size_t j = 0; !rc && j < b->cases[i].nevents && k < nrefs; j++) {
            const store_case_event *ev = &b->cases[i].events[j];
            refs[k] = (event_ref){f[i].id, ++seq, ev, NULL};
            rc = case_row_extra_json(ev, &refs[k++].extra);
            if (f[i].follow.ev.action != ACT_REGISTER && f[i].follow_after == j && k < nrefs)
                refs[k++] = (event_ref){f[i].id, ++seq, &f[i].follow, NULL};
        }
    }
    struct case_rows cr = {b->cases, f};
    struct event_rows er = {refs};
    if (!rc)
        rc = insert_rows(db, ses->cases, case_insert, CASE_COLS, CASES_PER_STMT, b->n,
                         bind_case_row, &cr);
    if (!rc)
        rc = insert_rows(db, ses->events, event_insert, EVENT_COLS, EVENTS_PER_STMT, k,
                         bind_event_row, &er);
    if (!rc) rc = save_numbers(db, nb);
    int64_t last = first + (int64_t)b->n - 1;
    if (!rc) rc = add_rollups(db, b->cases, f, b->n, first, last);
    /* the full-text index last, in one statement: FTS5 flushes its pending terms at every
     * statement savepoint once it has been written in a transaction */
    if (!rc)
        rc = db_exec(db, NULL,
                     "INSERT INTO case_fts(rowid, title, text, address) SELECT id, title, text,"
                     " address FROM cases WHERE id BETWEEN ? AND ?",
                     "ii", first, last);
    for (size_t i = 0; refs && i < k; i++) free(refs[i].extra);
    free(f);
    free(nb);
    free(refs);
    return rc;
}

int sqlite_bulk_open(store *s, store_bulk **out)
{
    *out = calloc(1, sizeof **out);
    if (!*out) return HL_ENOMEM;
    (*out)->s = s;
    return 0;
}

int sqlite_bulk_write(store_bulk *b, const store_bulk_case *cases, size_t n, int utc_offset_min,
                     size_t *bad)
{
    size_t unused;
    struct bulk_args a = {b, cases, n, utc_offset_min, bad ? bad : &unused};
    return n ? store_write_bulk(b->s, bulk_fn, &a) : 0;
}

/* Statements belong to the writer's connection: finalized by a job on the writer thread. */
static int close_fn(sqlite3 *db, void *arg)
{
    (void)db;
    finalize_all(arg);
    return 0;
}

void sqlite_bulk_close(store_bulk *b)
{
    if (!b) return;
    if (store_write(b->s, close_fn, b)) finalize_all(b); /* the writer has stopped */
    free(b);
}

int sqlite_bulk_import(store *s, const store_bulk_case *cases, size_t n, int utc_offset_min,
                      size_t *bad)
{
    store_bulk *b;
    int rc = store_bulk_open(s, &b);
    if (!rc) rc = store_bulk_write(b, cases, n, utc_offset_min, bad);
    store_bulk_close(b);
    return rc;
}

struct imported_args {
    const char *source;
    const char *const *ids;
    size_t n;
    bool *known;
};

static int imported_fn(sqlite3 *db, void *arg)
{
    struct imported_args *i = arg;
    for (size_t k = 0; k < i->n; k++) {
        int64_t one = 0;
        int rc = i->ids[k] ? db_int1(db, &one,
                                     "SELECT 1 FROM case_events WHERE action='register'"
                                     " AND extra IS NOT NULL AND " STORE_IMPORT_ID_EXPR "=?"
                                     " AND json_extract(extra, '$.source')=? LIMIT 1",
                                     "tt", i->ids[k], i->source)
                           : HL_ENOTFOUND;
        if (rc && rc != HL_ENOTFOUND) return rc;
        i->known[k] = !rc;
    }
    return 0;
}

int sqlite_imported(store *s, const char *source, const char *const *ids, size_t n, bool *known)
{
    struct imported_args i = {source, ids, n, known};
    return store_read(s, imported_fn, &i);
}
