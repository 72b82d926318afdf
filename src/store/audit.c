/* audit.c — the append-only audit log (migration 0005): who revealed, read or changed what.
 * Entries are written through the writer like any change, so an acknowledged entry is durable;
 * triggers refuse UPDATE and DELETE. The list query is built from fixed clauses only. */
#include "store/people.h"
#include "store/store_internal.h"
#include "util/buf.h"
#include "util/err.h"

#define AUDIT_COLS                                                                                 \
    "id, at, ifnull(actor_id,0), actor, role, ifnull(unit_id,0), action, object, object_id,"       \
    " ifnull(case_id,0), detail, client,"                                                      \
    " ifnull((SELECT number FROM cases WHERE cases.id=audit_log.case_id),'')"

static int add_fn(sqlite3 *db, void *arg)
{
    const store_audit *e = arg;
    return db_exec(db, NULL,
                   "INSERT INTO audit_log(at, actor_id, actor, role, unit_id, action, object,"
                   " object_id, case_id, detail, client) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                   "izttztttztt", e->at, e->actor_id, e->actor ? e->actor : "",
                   e->role ? e->role : "", e->unit_id, e->action, e->object ? e->object : "",
                   e->object_id ? e->object_id : "", e->case_id, e->detail ? e->detail : "",
                   e->client ? e->client : "");
}

int sqlite_audit_add(store *s, const store_audit *in)
{
    if (!in->action || !*in->action) return HL_EINVAL;
    return store_write(s, add_fn, (void *)in);
}

static int read_entry(db_q *q, arena *a, void *item)
{
    store_audit *e = item;
    e->id = db_int(q, 0);
    e->at = db_int(q, 1);
    e->actor_id = db_int(q, 2);
    e->actor = db_text(q, a, 3);
    e->role = db_text(q, a, 4);
    e->unit_id = db_int(q, 5);
    e->action = db_text(q, a, 6);
    e->object = db_text(q, a, 7);
    e->object_id = db_text(q, a, 8);
    e->case_id = db_int(q, 9);
    e->detail = db_text(q, a, 10);
    e->client = db_text(q, a, 11);
    e->case_number = db_text(q, a, 12);
    return e->actor && e->role && e->action && e->object && e->object_id && e->detail &&
                   e->client && e->case_number
               ? 0
               : HL_ENOMEM;
}

struct list_args {
    arena *a;
    const store_audit_query *q;
    store_audit **items;
    size_t *n;
    int64_t *total;
};

/* Appends the WHERE clause of q to sql and its arguments to args (at most 5). */
static int where(buf *sql, const store_audit_query *q, db_arg *args, int *n)
{
    int rc = buf_puts(sql, " WHERE 1=1");
    if (q->actor) {
        err_first(&rc, buf_puts(sql, " AND actor=?"));
        args[(*n)++] = (db_arg){.type = 't', .t = q->actor};
    }
    if (q->action) {
        err_first(&rc, buf_puts(sql, " AND action=?"));
        args[(*n)++] = (db_arg){.type = 't', .t = q->action};
    }
    if (q->case_id) {
        err_first(&rc, buf_puts(sql, " AND case_id=?"));
        args[(*n)++] = (db_arg){.type = 'i', .i = q->case_id};
    }
    if (q->from) {
        err_first(&rc, buf_puts(sql, " AND at>=?"));
        args[(*n)++] = (db_arg){.type = 'i', .i = q->from};
    }
    if (q->to) {
        err_first(&rc, buf_puts(sql, " AND at<=?"));
        args[(*n)++] = (db_arg){.type = 'i', .i = q->to};
    }
    return rc ? HL_ENOMEM : 0;
}

static int list_fn(sqlite3 *db, void *arg)
{
    struct list_args *l = arg;
    db_arg args[8];
    int n = 0;
    buf where_sql;
    buf_init(&where_sql, 256);
    int rc = where(&where_sql, l->q, args, &n);
    if (!rc)
        rc = db_page(db, l->a, sizeof **l->items, read_entry, (void **)l->items, l->n, l->total,
                     "SELECT " AUDIT_COLS " FROM audit_log", "SELECT count(*) FROM audit_log",
                     where_sql.data, " ORDER BY id DESC", args, n, l->q->limit, l->q->offset);
    buf_free(&where_sql);
    return rc;
}

int sqlite_audit_list(store *s, arena *a, const store_audit_query *q, store_audit **items, size_t *n,
                     int64_t *total)
{
    struct list_args l = {a, q, items, n, total};
    return store_read(s, list_fn, &l);
}
