/* pg_open311_search.c — GET requests and the servicerequestupdates feed on PostgreSQL,
 * mirroring store/open311_search.c: one parameterised query each (ids, codes and times are
 * only ever bound), joined with what Open311 shows beside the case row — the category, the
 * responsible unit, the media link. An imported request is found by its id in the typed
 * import_id column of its register event. */
#include "store/pg/pg_case_row.h"
#include "store/pg/pg_store.h"
#include "util/buf.h"
#include "util/err.h"
#include <stdlib.h>
#include <string.h>

#define MAX_LIST 1000

static int request_row(pg_q *q, arena *a, void *item)
{
    store_open311_request *r = item;
    int rc = pg_case_row_read(q, a, &r->k);
    if (rc) return rc;
    int base = PG_CASE_ROW_NCOLS;
    r->service_code = pg_text(q, a, base);
    r->service_name = pg_text(q, a, base + 1);
    r->agency = pg_text(q, a, base + 2);
    r->media_url = pg_text(q, a, base + 3);
    r->address_id = pg_text(q, a, base + 4);
    r->zipcode = pg_text(q, a, base + 5);
    return r->service_code && r->service_name && r->agency && r->media_url && r->address_id &&
                   r->zipcode
               ? 0
               : HL_ENOMEM;
}

/* The ids as a text[] literal: {"a","b"}, each element quoted with " and \ escaped. */
static HL_MUST_CHECK int text_array(buf *b, const char *const *ids, size_t n)
{
    int rc = buf_puts(b, "{");
    for (size_t i = 0; !rc && i < n; i++) {
        rc = buf_puts(b, i ? ",\"" : "\"");
        for (const char *p = ids[i]; !rc && *p; p++)
            rc = *p == '"' || *p == '\\' ? buf_printf(b, "\\%c", *p) : buf_append(b, p, 1);
        if (!rc) rc = buf_puts(b, "\"");
    }
    return rc ? rc : buf_puts(b, "}");
}

/* The ids as a bigint[] literal: {1,2}. */
static HL_MUST_CHECK int int_array(buf *b, const int64_t *ids, size_t n)
{
    int rc = buf_puts(b, "{");
    for (size_t i = 0; !rc && i < n; i++)
        rc = buf_printf(b, "%s%lld", i ? "," : "", (long long)ids[i]);
    return rc ? rc : buf_puts(b, "}");
}

struct requests_args {
    arena *a;
    const store_open311_query *q;
    store_open311_request **items;
    size_t *n;
};

/* Lists go as one array argument each (pg_db binds a bounded number of arguments, and a
 * statement per list length would fill the statement cache). */
static int requests_fn(pg_conn *c, void *arg)
{
    struct requests_args *ra = arg;
    const store_open311_query *q = ra->q;
    db_arg args[6];
    int n = 0;
    buf sql, list;
    buf_init(&sql, 16 * 1024);
    buf_init(&list, 4 * 1024 * 1024);
    int rc = buf_puts(&sql,
                      "SELECT " PG_CASE_ROW_COLS ", cat.code, cat.name_zh,"
                      " coalesce(u.name_zh, (SELECT name_zh FROM units WHERE kind='centre'"
                      " ORDER BY id LIMIT 1), ''),"
                      " coalesce(o.media_url,''), coalesce(o.address_id,''),"
                      " coalesce(o.zipcode,'')"
                      " FROM cases c JOIN categories cat ON cat.id=c.category_id"
                      " LEFT JOIN units u ON u.id=c.unit_id"
                      " LEFT JOIN open311_requests o ON o.case_id=c.id"
                      " WHERE NOT c.confidential");
    if (!rc && q->n_ids) {
        /* request numbers or imported ids, as in SQLite */
        rc = text_array(&list, q->ids, q->n_ids);
        if (!rc)
            rc = buf_puts(&sql, " AND (c.number=ANY($1::text[]) OR c.id IN (SELECT case_id"
                                " FROM case_events WHERE action='register'"
                                " AND import_id IS NOT NULL AND import_id=ANY($1::text[])))");
        args[n++] = (db_arg){.type = 't', .t = list.data};
    } else if (!rc) {
        if (q->n_categories) {
            rc = int_array(&list, q->category_ids, q->n_categories);
            if (!rc) rc = buf_printf(&sql, " AND c.category_id=ANY($%d::bigint[])", n + 1);
            args[n++] = (db_arg){.type = 't', .t = list.data};
        }
        if (!rc && q->from) {
            rc = buf_printf(&sql, " AND c.registered_at>=$%d", n + 1);
            args[n++] = (db_arg){.type = 'i', .i = q->from};
        }
        if (!rc && q->to) {
            rc = buf_printf(&sql, " AND c.registered_at<=$%d", n + 1);
            args[n++] = (db_arg){.type = 'i', .i = q->to};
        }
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
    if (!rc)
        rc = buf_printf(&sql, " ORDER BY c.registered_at DESC, c.id DESC LIMIT $%d OFFSET $%d",
                        n + 1, n + 2);
    args[n++] = (db_arg){.type = 'i', .i = q->limit >= 1 && q->limit <= MAX_LIST ? q->limit
                                                                                 : MAX_LIST};
    args[n++] = (db_arg){.type = 'i', .i = q->offset > 0 ? q->offset : 0};
    if (!rc)
        rc = pg_case_list_qa(c, ra->a, sizeof **ra->items, request_row, (void **)ra->items, ra->n,
                            sql.data, args, n);
    buf_free(&sql);
    buf_free(&list);
    return rc;
}

int postgres_open311_requests(store *s, arena *a, const store_open311_query *q,
                              store_open311_request **items, size_t *n)
{
    if (q->n_ids > MAX_LIST || q->n_categories > MAX_LIST) return HL_ERANGE;
    struct requests_args ra = {a, q, items, n};
    return pg_store_read(s, requests_fn, &ra);
}

/* ---- the update feed ---------------------------------------------------------------- */

static int update_row(pg_q *q, arena *a, void *item)
{
    store_open311_update *u = item;
    u->id = pg_int(q, 0);
    u->number = pg_text(q, a, 1);
    const char *action = pg_text(q, a, 2);
    u->at = pg_int(q, 3);
    u->body = pg_text(q, a, 4);
    u->unit_name = pg_text(q, a, 5);
    u->reply_due = pg_int(q, 6);
    u->media_url = pg_text(q, a, 7);
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

static int updates_fn(pg_conn *c, void *arg)
{
    struct updates_args *u = arg;
    return pg_list(c, u->a, sizeof **u->items, update_row, (void **)u->items, u->n,
                   "SELECT e.id, c.number, e.action, e.at,"
                   " CASE WHEN e.action IN ('reply','answer') THEN coalesce(e.body,'')"
                   " ELSE '' END,"
                   " CASE WHEN e.action IN ('dispatch','redispatch','reopen')"
                   "  THEN coalesce(un.name_zh,'') ELSE '' END,"
                   " CASE WHEN e.action='approve_extension' THEN coalesce(e.due_reply,0)"
                   " ELSE 0 END,"
                   " coalesce(o.media_url,'')"
                   " FROM case_events e JOIN cases c ON c.id=e.case_id"
                   " LEFT JOIN units un ON un.id=e.unit_id"
                   " LEFT JOIN open311_requests o ON o.case_id=e.case_id"
                   " WHERE e.public AND e.at>=$1 AND e.at<=$2 AND NOT c.confidential"
                   " ORDER BY e.at, e.id LIMIT $3 OFFSET $4",
                   "iiii", u->from, u->to, (int64_t)u->limit, (int64_t)u->offset);
}

int postgres_open311_updates(store *s, arena *a, int64_t from, int64_t to, int offset,
                             int limit, store_open311_update **items, size_t *n)
{
    if (limit < 1 || limit > MAX_LIST) limit = MAX_LIST;
    struct updates_args u = {a, from, to, offset > 0 ? offset : 0, limit, items, n};
    return pg_store_read(s, updates_fn, &u);
}
