/* open311_search.c — GET requests and the servicerequestupdates feed: one parameterised
 * query each (ids, codes and times are only ever bound), joined with what Open311 shows
 * beside the case row — the category, the responsible unit, the media link. */
#include "store/case_row.h"
#include "store/open311_internal.h"
#include "util/buf.h"
#include "util/err.h"
#include <string.h>

#define MAX_LIST 1000
#define EXTRA_COLS 6 /* after CASE_ROW_COLS: code, name, agency, media_url, address_id, zipcode */

static int request_row(db_q *q, arena *a, void *item)
{
    store_open311_request *r = item;
    int rc = case_row_read(q, a, &r->k);
    if (rc) return rc;
    int base = sqlite3_column_count(q->st) - EXTRA_COLS;
    r->service_code = db_text(q, a, base);
    r->service_name = db_text(q, a, base + 1);
    r->agency = db_text(q, a, base + 2);
    r->media_url = db_text(q, a, base + 3);
    r->address_id = db_text(q, a, base + 4);
    r->zipcode = db_text(q, a, base + 5);
    return r->service_code && r->service_name && r->agency && r->media_url && r->address_id &&
                   r->zipcode
               ? 0
               : HL_ENOMEM;
}

/* "?,?,?": n placeholders. */
static HL_MUST_CHECK int placeholders(buf *b, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) rc = buf_puts(b, i ? ",?" : "?");
    return rc;
}

struct requests_args {
    arena *a;
    const store_open311_query *q;
    store_open311_request **items;
    size_t *n;
};

static int requests_fn(sqlite3 *db, void *arg)
{
    struct requests_args *ra = arg;
    const store_open311_query *q = ra->q;
    buf sql;
    buf_init(&sql, 64 * 1024);
    int rc = buf_puts(&sql,
                      "SELECT " CASE_ROW_COLS ", cat.code, cat.name_zh,"
                      " ifnull(u.name_zh, (SELECT name_zh FROM units WHERE kind='centre' LIMIT 1)),"
                      " ifnull(o.media_url,''), ifnull(o.address_id,''), ifnull(o.zipcode,'')"
                      " FROM cases c JOIN categories cat ON cat.id=c.category_id"
                      " LEFT JOIN units u ON u.id=c.unit_id"
                      " LEFT JOIN open311_requests o ON o.case_id=c.id WHERE c.confidential=0");
    if (!rc && q->n_ids) {
        rc = buf_puts(&sql, " AND (c.number IN (");
        if (!rc) rc = placeholders(&sql, q->n_ids);
        if (!rc) rc = buf_puts(&sql, ") OR c.id IN (SELECT case_id FROM case_events"
                                     " WHERE action='register' AND extra IS NOT NULL AND "
                                     STORE_IMPORT_ID_EXPR " IN (");
        if (!rc) rc = placeholders(&sql, q->n_ids);
        if (!rc) rc = buf_puts(&sql, ")))");
    } else if (!rc) {
        if (q->n_categories) {
            rc = buf_puts(&sql, " AND c.category_id IN (");
            if (!rc) rc = placeholders(&sql, q->n_categories);
            if (!rc) rc = buf_puts(&sql, ")");
        }
        if (!rc && q->from) rc = buf_puts(&sql, " AND c.registered_at>=?");
        if (!rc && q->to) rc = buf_puts(&sql, " AND c.registered_at<=?");
        if (!rc && q->states) {
            rc = buf_puts(&sql, " AND c.state IN (");
            bool first = true;
            for (int s = 0; !rc && s < CASE_STATE_COUNT; s++)
                if (q->states & (1u << s)) {
                    rc = buf_printf(&sql, "%s'%s'", first ? "" : ",", case_state_name(s));
                    first = false;
                }
            if (!rc) rc = buf_puts(&sql, ")");
        }
    }
    if (!rc) rc = buf_puts(&sql, " ORDER BY c.registered_at DESC, c.id DESC LIMIT ? OFFSET ?");
    db_q st = {0};
    if (!rc) rc = db_open_q(db, &st, sql.data, NULL);
    int i = 1;
    for (int pass = 0; !rc && q->n_ids && pass < 2; pass++)
        for (size_t k = 0; !rc && k < q->n_ids; k++)
            if (sqlite3_bind_text(st.st, i++, q->ids[k], -1, SQLITE_TRANSIENT) != SQLITE_OK)
                rc = HL_ENOMEM;
    if (!rc && !q->n_ids) {
        for (size_t k = 0; !rc && k < q->n_categories; k++)
            rc = sqlite3_bind_int64(st.st, i++, q->category_ids[k]) == SQLITE_OK ? 0 : HL_ERANGE;
        if (!rc && q->from) sqlite3_bind_int64(st.st, i++, q->from);
        if (!rc && q->to) sqlite3_bind_int64(st.st, i++, q->to);
    }
    if (!rc) {
        sqlite3_bind_int64(st.st, i++, q->limit >= 1 && q->limit <= MAX_LIST ? q->limit : MAX_LIST);
        sqlite3_bind_int64(st.st, i++, q->offset > 0 ? q->offset : 0);
    }
    buf_free(&sql);
    if (rc) {
        if (st.st) db_close_q(&st);
        return rc;
    }
    /* read the rows (db_list would prepare its own statement; this one is bound by hand) */
    size_t cap = 64, n = 0;
    store_open311_request *items = arena_alloc(ra->a, cap * sizeof *items);
    while (items && (rc = db_step(&st)) == 1) {
        if (n == cap) {
            store_open311_request *more = arena_alloc(ra->a, 2 * cap * sizeof *items);
            if (!more) {
                items = NULL;
                break;
            }
            memcpy(more, items, n * sizeof *items);
            items = more;
            cap *= 2;
        }
        rc = request_row(&st, ra->a, &items[n]);
        if (rc) break;
        n++;
    }
    db_close_q(&st);
    if (!items) return HL_ENOMEM;
    if (rc < 0) return rc;
    *ra->items = items;
    *ra->n = n;
    return 0;
}

int sqlite_open311_requests(store *s, arena *a, const store_open311_query *q,
                           store_open311_request **items, size_t *n)
{
    if (q->n_ids > MAX_LIST || q->n_categories > MAX_LIST) return HL_ERANGE;
    struct requests_args ra = {a, q, items, n};
    return store_read(s, requests_fn, &ra);
}

/* ---- the update feed ---------------------------------------------------------------- */

static int update_row(db_q *q, arena *a, void *item)
{
    store_open311_update *u = item;
    u->id = db_int(q, 0);
    u->number = db_text(q, a, 1);
    const char *action = db_text(q, a, 2);
    u->at = db_int(q, 3);
    u->body = db_text(q, a, 4);
    u->unit_name = db_text(q, a, 5);
    u->reply_due = db_int(q, 6);
    u->media_url = db_text(q, a, 7);
    if (!u->number || !action || !u->body || !u->unit_name || !u->media_url) return HL_ENOMEM;
    return case_action_parse(action, &u->action) ? HL_EIO : 0;
}

struct updates_args {
    arena *a;
    int64_t from, to;
    int offset, limit;
    store_open311_update **items;
    size_t *n;
};

static int updates_fn(sqlite3 *db, void *arg)
{
    struct updates_args *u = arg;
    return db_list(db, u->a, sizeof **u->items, update_row, (void **)u->items, u->n,
                   "SELECT e.id, c.number, e.action, e.at,"
                   " CASE WHEN e.action IN ('reply','answer') THEN ifnull(e.body,'') ELSE '' END,"
                   " CASE WHEN e.action IN ('dispatch','redispatch','reopen')"
                   "  THEN ifnull(un.name_zh,'') ELSE '' END,"
                   " CASE WHEN e.action='approve_extension' THEN ifnull(e.due_reply,0) ELSE 0 END,"
                   " ifnull(o.media_url,'')"
                   " FROM case_events e JOIN cases c ON c.id=e.case_id"
                   " LEFT JOIN units un ON un.id=e.unit_id"
                   " LEFT JOIN open311_requests o ON o.case_id=e.case_id"
                   " WHERE e.public=1 AND e.at>=? AND e.at<=? AND c.confidential=0"
                   " ORDER BY e.at, e.id LIMIT ? OFFSET ?",
                   "iiii", u->from, u->to, (int64_t)u->limit, (int64_t)u->offset);
}

int sqlite_open311_updates(store *s, arena *a, int64_t from, int64_t to, int offset, int limit,
                          store_open311_update **items, size_t *n)
{
    if (limit < 1 || limit > MAX_LIST) limit = MAX_LIST;
    struct updates_args u = {a, from, to, offset > 0 ? offset : 0, limit, items, n};
    return store_read(s, updates_fn, &u);
}
