/* pg_audit.c — the append-only audit log on PostgreSQL (audit.c is SQLite's): who revealed,
 * read or changed what. An entry is acknowledged after its COMMIT like any change; the
 * schema's triggers refuse UPDATE, DELETE and TRUNCATE.
 *
 * The list is one fixed statement whose filters a NULL (or 0) parameter switches off, where
 * SQLite's builds its WHERE clause from fixed pieces: a prepared statement here is planned
 * for its parameters' values on its first runs (custom plans) and keeps a generic plan only
 * when that costs no more, so the indexes on actor, action and case still serve. */
#include "store/people.h"
#include "store/pg/pg_store.h"
#include "util/err.h"

#define AUDIT_COLS                                                                             \
    "id, at, coalesce(actor_id,0), actor, role, coalesce(unit_id,0), action, object,"         \
    " object_id, coalesce(case_id,0), detail, client,"                                        \
    " coalesce((SELECT number FROM cases WHERE cases.id=audit_log.case_id),'')"

/* The filters of store_audit_query as $1..$5: actor, action, case_id, from, to. */
#define AUDIT_WHERE                                                                            \
    " WHERE ($1::text IS NULL OR actor=$1) AND ($2::text IS NULL OR action=$2)"               \
    " AND ($3::bigint IS NULL OR case_id=$3) AND ($4::bigint IS NULL OR at>=$4)"              \
    " AND ($5::bigint IS NULL OR at<=$5)"

#define AUDIT_PAGE_DEFAULT 50 /* as db_page: a limit outside 1..200 is this */
#define AUDIT_PAGE_MAX 200

static int add_fn(pg_conn *c, void *arg)
{
    const store_audit *e = arg;
    return pg_exec(c, NULL,
                   "INSERT INTO audit_log(at, actor_id, actor, role, unit_id, action, object,"
                   " object_id, case_id, detail, client)"
                   " VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
                   "izttztttztt", e->at, e->actor_id, e->actor ? e->actor : "",
                   e->role ? e->role : "", e->unit_id, e->action, e->object ? e->object : "",
                   e->object_id ? e->object_id : "", e->case_id, e->detail ? e->detail : "",
                   e->client ? e->client : "");
}

int postgres_audit_add(store *s, const store_audit *in)
{
    if (!in->action || !*in->action) return HL_EINVAL;
    return pg_store_write(s, add_fn, (void *)in);
}

static int read_entry(pg_q *q, arena *a, void *item)
{
    store_audit *e = item;
    e->id = pg_int(q, 0);
    e->at = pg_int(q, 1);
    e->actor_id = pg_int(q, 2);
    e->actor = pg_text(q, a, 3);
    e->role = pg_text(q, a, 4);
    e->unit_id = pg_int(q, 5);
    e->action = pg_text(q, a, 6);
    e->object = pg_text(q, a, 7);
    e->object_id = pg_text(q, a, 8);
    e->case_id = pg_int(q, 9);
    e->detail = pg_text(q, a, 10);
    e->client = pg_text(q, a, 11);
    e->case_number = pg_text(q, a, 12);
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

/* The count and the page in the one snapshot of the read, so they agree. */
static int list_fn(pg_conn *c, void *arg)
{
    struct list_args *l = arg;
    const store_audit_query *q = l->q;
    int64_t limit = q->limit > 0 && q->limit <= AUDIT_PAGE_MAX ? q->limit : AUDIT_PAGE_DEFAULT;
    int64_t offset = q->offset > 0 ? q->offset : 0;
    int rc = pg_int1(c, l->total, "SELECT count(*) FROM audit_log" AUDIT_WHERE, "ttzzz",
                     q->actor, q->action, q->case_id, q->from, q->to);
    if (!rc)
        rc = pg_list(c, l->a, sizeof **l->items, read_entry, (void **)l->items, l->n,
                     "SELECT " AUDIT_COLS " FROM audit_log" AUDIT_WHERE
                     " ORDER BY id DESC LIMIT $6 OFFSET $7",
                     "ttzzzii", q->actor, q->action, q->case_id, q->from, q->to, limit, offset);
    return rc;
}

int postgres_audit_list(store *s, arena *a, const store_audit_query *q, store_audit **items,
                        size_t *n, int64_t *total)
{
    struct list_args l = {a, q, items, n, total};
    return pg_store_read(s, list_fn, &l);
}
