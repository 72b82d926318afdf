/* case_row.c — see case_row.h. */
#include "store/case_row.h"
#include "util/err.h"
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static int parse_close(const char *s, close_kind *out)
{
    static const close_kind kinds[] = {CLOSED_ANSWERED, CLOSED_INVALID, CLOSED_DONE};
    *out = CLOSED_NOT;
    if (!s || !*s) return 0;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(s, close_kind_name(kinds[i])) == 0) {
            *out = kinds[i];
            return 0;
        }
    return HL_EIO;
}

static const char *col(db_q *q, int i)
{
    const unsigned char *t = sqlite3_column_text(q->st, i);
    return t ? (const char *)t : "";
}

/* Reads the CASE_SNAP_COLS block starting at column base. */
static HL_MUST_CHECK int read_snap(db_q *q, int base, case_snapshot *s)
{
    memset(s, 0, sizeof *s);
    int i = base;
    if (case_state_parse(col(q, i++), &s->state)) return HL_EIO;
    const char *rf = col(q, i++);
    if (*rf && case_state_parse(rf, &s->return_from)) return HL_EIO;
    if (parse_close(col(q, i++), &s->closed_as)) return HL_EIO;
    s->unit_id = db_int(q, i++);
    s->merged_into = db_int(q, i++);
    s->extension_pending = db_int(q, i++) != 0;
    s->extension_requested_due = db_int(q, i++);
    s->urge_count = (int)db_int(q, i++);
    s->supervise_count = (int)db_int(q, i++);
    s->reopen_count = (int)db_int(q, i++);
    s->return_count = (int)db_int(q, i++);
    s->extension_count = (int)db_int(q, i++);
    s->redispatch_count = (int)db_int(q, i++);
    s->visit_attempts = (int)db_int(q, i++);
    s->visit_valid = db_int(q, i++) != 0;
    s->solved = db_int(q, i++) != 0;
    const char *sat = col(q, i++);
    if (*sat && satisfaction_parse(sat, &s->satisfaction)) return HL_EIO;
    for (int st = 0; st < STAGE_COUNT; st++) s->due[st] = db_int(q, i++);
    s->registered_at = db_int(q, i++);
    s->dispatched_at = db_int(q, i++);
    s->signed_at = db_int(q, i++);
    s->replied_at = db_int(q, i++);
    s->visited_at = db_int(q, i++);
    s->closed_at = db_int(q, i++);
    s->updated_at = db_int(q, i++);
    s->events = (int)db_int(q, i++);
    return 0;
}

int case_row_read(db_q *q, arena *a, void *item)
{
    store_case *c = item;
    memset(c, 0, sizeof *c);
    c->id = db_int(q, 0);
    c->number = db_text(q, a, 1);
    c->channel = db_text(q, a, 2);
    if (request_type_parse(col(q, 3), &c->type)) return HL_EIO;
    c->category_id = db_int(q, 4);
    if (urgency_parse(col(q, 5), &c->urgency)) return HL_EIO;
    c->confidential = db_int(q, 6) != 0;
    c->caller_name = db_text(q, a, 7);
    c->caller_phone = db_text(q, a, 8);
    c->district_id = db_int(q, 9);
    c->street_id = db_int(q, 10);
    c->address = db_text(q, a, 11);
    c->has_location = !db_is_null(q, 12) && !db_is_null(q, 13);
    c->lat = sqlite3_column_double(q->st, 12);
    c->lng = sqlite3_column_double(q->st, 13);
    c->title = db_text(q, a, 14);
    c->text = db_text(q, a, 15);
    c->created_by = db_int(q, 16);
    c->reply_text = db_text(q, a, 17);
    c->current_due = db_int(q, 18);
    if (!c->number || !c->channel || !c->caller_name || !c->caller_phone || !c->address ||
        !c->title || !c->text || !c->reply_text)
        return HL_ENOMEM;
    return read_snap(q, 19, &c->snap);
}

int case_row_read_event(db_q *q, arena *a, void *item)
{
    store_case_event *e = item;
    memset(e, 0, sizeof *e);
    e->seq = (int)db_int(q, 0);
    if (case_action_parse(col(q, 1), &e->ev.action)) return HL_EIO;
    e->ev.at = db_int(q, 2);
    e->actor_id = db_int(q, 3);
    const char *r = col(q, 4);
    if (lifecycle_actor_parse(r, &e->ev.actor_role)) return HL_EIO;
    e->ev.actor_unit = db_int(q, 5);
    e->ev.unit_id = db_int(q, 6);
    e->ev.merged_into = db_int(q, 7);
    e->ev.requested_due = db_int(q, 8);
    for (int s = 0; s < STAGE_COUNT; s++) e->ev.due[s] = db_int(q, 9 + s);
    e->ev.reachable = db_int(q, 14) != 0;
    e->ev.solved = db_int(q, 15) != 0;
    const char *sat = col(q, 16);
    if (*sat && satisfaction_parse(sat, &e->ev.satisfaction)) return HL_EIO;
    e->reason = db_text(q, a, 17);
    e->body = db_text(q, a, 18);
    int rc = case_row_extra_parse(col(q, 19), a, e);
    e->is_public = db_int(q, 20) != 0;
    e->actor_name = db_text(q, a, 21);
    if (rc) return rc;
    return e->reason && e->body && e->actor_name ? 0 : HL_ENOMEM;
}

static int read_snap_row(db_q *q, arena *a, void *item)
{
    (void)a;
    return read_snap(q, 0, item);
}

int case_row_load(sqlite3 *db, int64_t case_id, case_snapshot *out)
{
    return db_one(db, NULL, read_snap_row, out,
                  "SELECT " CASE_SNAP_COLS " FROM cases c WHERE c.id=?", "i", case_id);
}

static const char *nz(const char *s) { return s && *s ? s : NULL; }

int case_row_write(sqlite3 *db, int64_t case_id, const case_snapshot *s, const char *reply_text)
{
    stage st;
    int64_t current_due = lifecycle_running_stage(s, &st) ? s->due[st] : 0;
    bool returning = s->state == CASE_RETURN_PENDING;
    int rc = db_exec(
        db, NULL,
        "UPDATE cases SET state=?, return_from=?, closed_as=?, unit_id=?, merged_into=?,"
        " extension_pending=?, extension_requested_due=?, urge_count=?, supervise_count=?,"
        " reopen_count=?, return_count=?, extension_count=?, redispatch_count=?,"
        " visit_attempts=?, visit_valid=?, solved=?, satisfaction=?, dispatch_due=?,"
        " sign_due=?, return_due=?, reply_due=?, visit_due=?, current_due=?, dispatched_at=?,"
        " signed_at=?, replied_at=?, visited_at=?, closed_at=?, updated_at=?, event_count=?"
        " WHERE id=?",
        "tttzzbziiiiiiibbtzzzzzzzzzzziii", case_state_name(s->state),
        returning ? case_state_name(s->return_from) : NULL, nz(close_kind_name(s->closed_as)),
        s->unit_id, s->merged_into, (int)s->extension_pending, s->extension_requested_due,
        (int64_t)s->urge_count, (int64_t)s->supervise_count, (int64_t)s->reopen_count,
        (int64_t)s->return_count, (int64_t)s->extension_count, (int64_t)s->redispatch_count,
        (int64_t)s->visit_attempts, (int)s->visit_valid, (int)s->solved,
        nz(satisfaction_name(s->satisfaction)), s->due[STAGE_DISPATCH], s->due[STAGE_SIGN],
        s->due[STAGE_RETURN], s->due[STAGE_REPLY], s->due[STAGE_VISIT], current_due,
        s->dispatched_at, s->signed_at, s->replied_at, s->visited_at, s->closed_at,
        s->updated_at, (int64_t)s->events, case_id);
    if (!rc && reply_text)
        rc = db_exec(db, NULL, "UPDATE cases SET reply_text=? WHERE id=?", "ti", reply_text,
                     case_id);
    return rc;
}


/* The event's extra column: what some actions carry besides, as a JSON object whose keys the
 * knowledge-base report and the import look-ups read (article_id, import_id, source). */
int case_row_extra_json(const store_case_event *ev, char **out)
{
    *out = NULL;
    if (!ev->article_id && !ev->basis && !ev->n_co && !ev->import_source && !ev->import_id)
        return 0;
    json_t *o = json_object();
    int rc = o ? 0 : HL_ENOMEM;
    if (!rc && ev->article_id) rc = json_object_set_new(o, "article_id", json_integer(ev->article_id));
    if (!rc && ev->basis) rc = json_object_set_new(o, "basis", json_string(ev->basis));
    if (!rc && ev->n_co) {
        json_t *co = json_array();
        for (int i = 0; co && i < ev->n_co; i++)
            if (json_array_append_new(co, json_integer(ev->co_units[i]))) json_decref(co), co = NULL;
        rc = json_object_set_new(o, "co_unit_ids", co);
    }
    if (!rc && ev->import_source) rc = json_object_set_new(o, "source", json_string(ev->import_source));
    if (!rc && ev->import_id) rc = json_object_set_new(o, "import_id", json_string(ev->import_id));
    if (!rc) *out = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return rc || !*out ? HL_ENOMEM : 0;
}

static const char *extra_str(arena *a, json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? arena_strdup(a, v) : NULL;
}

int case_row_extra_parse(const char *text, arena *a, store_case_event *ev)
{
    if (!*text) return 0;
    json_t *o = json_loads(text, 0, NULL);
    if (!json_is_object(o)) {
        json_decref(o);
        return HL_EIO;
    }
    ev->article_id = json_integer_value(json_object_get(o, "article_id"));
    ev->basis = extra_str(a, o, "basis");
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(o, "co_unit_ids"), i, v)
        if (ev->n_co < LIFECYCLE_CO_UNITS_MAX) ev->co_units[ev->n_co++] = json_integer_value(v);
    ev->import_source = extra_str(a, o, "source");
    if (!ev->import_source) ev->import_source = extra_str(a, o, "import_city"); /* the Open311 city import's former key */
    ev->import_id = extra_str(a, o, "import_id");
    json_decref(o);
    return 0;
}

int case_row_append_event(sqlite3 *db, int64_t case_id, int seq, const store_case_event *ev)
{
    const case_event *e = &ev->ev;
    bool visit = e->action == ACT_VISIT;
    char *extra;
    int rc = case_row_extra_json(ev, &extra);
    if (rc) return rc;
    rc = db_exec(db, NULL,
                   "INSERT INTO case_events(case_id, seq, action, at, actor_id, actor_role,"
                   " actor_unit, unit_id, merged_into, requested_due, due_dispatch, due_sign,"
                   " due_return, due_reply, due_visit, reachable, solved, satisfaction, reason,"
                   " body, extra, public) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   "iitizt" "zzzzzzzzz" "ii" "tttt" "b", case_id, (int64_t)seq,
                   case_action_name(e->action), e->at, ev->actor_id, lifecycle_actor_name(e->actor_role),
                   e->actor_unit, e->unit_id, e->merged_into, e->requested_due,
                   e->due[STAGE_DISPATCH], e->due[STAGE_SIGN], e->due[STAGE_RETURN],
                   e->due[STAGE_REPLY], e->due[STAGE_VISIT], (int64_t)(visit && e->reachable),
                   (int64_t)(visit && e->solved),
                   visit ? nz(satisfaction_name(e->satisfaction)) : NULL, nz(ev->reason), nz(ev->body), extra, (int)ev->is_public);
    free(extra);
    return rc;
}

int case_row_index_prepare(sqlite3 *db)
{
    return db_script(db, "CREATE TEMP TABLE IF NOT EXISTS fts_pending(id INTEGER PRIMARY KEY)");
}

int case_row_index_text(sqlite3 *db, int64_t case_id, const store_case *c)
{
    (void)c; /* indexed from the row (case_row_index_pending) */
    /* a temporary table belongs to its connection and follows its savepoints: a job rolled
     * back takes its case off the list */
    return db_exec(db, NULL, "INSERT INTO temp.fts_pending(id) VALUES(?)", "i", case_id);
}

int case_row_index_pending(sqlite3 *db)
{
    /* the texts as the row holds them: an external-content index must match its content */
    int rc = db_exec(db, NULL,
                     "INSERT INTO case_fts(rowid, title, text, address)"
                     " SELECT c.id, c.title, c.text, c.address FROM temp.fts_pending p"
                     " JOIN cases c ON c.id=p.id ORDER BY p.id",
                     NULL);
    return rc ? rc : db_exec(db, NULL, "DELETE FROM temp.fts_pending", NULL);
}

bool case_row_equal(const case_snapshot *a, const case_snapshot *b)
{
    return a->state == b->state && (a->state != CASE_RETURN_PENDING || a->return_from == b->return_from) &&
           a->closed_as == b->closed_as && a->unit_id == b->unit_id &&
           a->merged_into == b->merged_into && a->extension_pending == b->extension_pending &&
           a->urge_count == b->urge_count && a->supervise_count == b->supervise_count &&
           a->reopen_count == b->reopen_count && a->return_count == b->return_count &&
           a->extension_count == b->extension_count &&
           a->redispatch_count == b->redispatch_count &&
           a->visit_attempts == b->visit_attempts && a->visit_valid == b->visit_valid &&
           a->solved == b->solved && a->satisfaction == b->satisfaction &&
           memcmp(a->due, b->due, sizeof a->due) == 0 && a->registered_at == b->registered_at &&
           a->dispatched_at == b->dispatched_at && a->signed_at == b->signed_at &&
           a->replied_at == b->replied_at && a->visited_at == b->visited_at &&
           a->closed_at == b->closed_at && a->updated_at == b->updated_at &&
           a->events == b->events;
}
