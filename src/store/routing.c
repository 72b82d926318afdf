/* routing.c — the dispatch catalogue (派单目录): category × district → responsible unit.
 * Resolution walks from the request's category up to its ancestors and takes the first rule
 * found, preferring one for the request's district over a citywide one at the same level. */
#include "store/catalogue.h"
#include "store/store_internal.h"
#include "util/err.h"

static int read_route(db_q *q, arena *a, void *item)
{
    (void)a;
    store_route *r = item;
    r->id = db_int(q, 0);
    r->category_id = db_int(q, 1);
    r->district_id = db_int(q, 2);
    r->unit_id = db_int(q, 3);
    return 0;
}

struct list_args {
    arena *a;
    store_route **items;
    size_t *n;
};

static int list_fn(sqlite3 *db, void *arg)
{
    struct list_args *la = arg;
    return db_list(db, la->a, sizeof **la->items, read_route, (void **)la->items, la->n,
                   "SELECT r.id, r.category_id, ifnull(r.district_id,0), r.unit_id"
                   " FROM routing_rules r JOIN categories c ON c.id=r.category_id"
                   " ORDER BY c.code, ifnull(r.district_id,0)",
                   NULL);
}

int store_routes_list(store *s, arena *a, store_route **items, size_t *n)
{
    struct list_args la = {a, items, n};
    return store_read(s, list_fn, &la);
}

struct put_args {
    const store_route *in;
    int64_t *id;
};

static int put_fn(sqlite3 *db, void *arg)
{
    struct put_args *p = arg;
    const store_route *r = p->in;
    int64_t ok = 0;
    int rc = db_int1(db, &ok, "SELECT 1 FROM categories WHERE id=? AND active", "i",
                     r->category_id);
    if (rc == HL_ENOTFOUND) return HL_EREF;
    if (rc) return rc;
    if (r->district_id) {
        rc = db_int1(db, &ok, "SELECT kind='district' FROM units WHERE id=?", "i", r->district_id);
        if (rc == HL_ENOTFOUND) return HL_EREF;
        if (rc) return rc;
        if (!ok) return HL_EINVAL;
    }
    rc = db_int1(db, &ok, "SELECT kind<>'centre' FROM units WHERE id=? AND active", "i",
                 r->unit_id);
    if (rc == HL_ENOTFOUND) return HL_EREF;
    if (rc) return rc;
    if (!ok) return HL_EINVAL; /* the centre dispatches; it is never the responsible unit */
    rc = db_exec(db, NULL,
                 "DELETE FROM routing_rules WHERE category_id=? AND ifnull(district_id,0)=?",
                 "ii", r->category_id, r->district_id);
    if (!rc)
        rc = db_exec(db, NULL,
                     "INSERT INTO routing_rules(category_id, district_id, unit_id) VALUES(?,?,?)",
                     "izi", r->category_id, r->district_id, r->unit_id);
    if (!rc) *p->id = sqlite3_last_insert_rowid(db);
    return rc;
}

int store_route_put(store *s, const store_route *in, int64_t *id)
{
    struct put_args p = {in, id};
    return store_write(s, put_fn, &p);
}

static int delete_fn(sqlite3 *db, void *arg)
{
    int changes = 0;
    int rc = db_exec(db, &changes, "DELETE FROM routing_rules WHERE id=?", "i", *(int64_t *)arg);
    return rc ? rc : changes ? 0 : HL_ENOTFOUND;
}

int store_route_delete(store *s, int64_t id) { return store_write(s, delete_fn, &id); }

struct resolve_args {
    int64_t category_id, district_id;
    int64_t *unit_id, *rule_id;
};

static int resolve_fn(sqlite3 *db, void *arg)
{
    struct resolve_args *r = arg;
    db_q q;
    /* ancestors of the category with their depth below it; then the best rule */
    int rc = db_open_q(db, &q,
                       "WITH RECURSIVE up(id, parent_id, depth) AS ("
                       "  SELECT id, parent_id, 0 FROM categories WHERE id=?1"
                       "  UNION ALL SELECT c.id, c.parent_id, up.depth+1"
                       "  FROM categories c JOIN up ON c.id=up.parent_id WHERE up.depth < 8)"
                       " SELECT r.unit_id, r.id FROM routing_rules r JOIN up ON r.category_id=up.id"
                       " JOIN units u ON u.id=r.unit_id AND u.active"
                       " WHERE r.district_id IS NULL OR r.district_id=?2"
                       " ORDER BY up.depth, r.district_id IS NULL LIMIT 1",
                       "ii", r->category_id, r->district_id);
    if (rc) return rc;
    rc = db_step(&q);
    if (rc == 1) {
        *r->unit_id = db_int(&q, 0);
        if (r->rule_id) *r->rule_id = db_int(&q, 1);
        rc = 0;
    } else if (rc == 0) {
        rc = HL_ENOTFOUND;
    }
    db_close_q(&q);
    return rc;
}

int store_route_resolve(store *s, int64_t category_id, int64_t district_id, int64_t *unit_id,
                        int64_t *rule_id)
{
    struct resolve_args r = {category_id, district_id, unit_id, rule_id};
    return store_read(s, resolve_fn, &r);
}
