/* routing.c — the dispatch catalogue (派单目录): category × district → responsible unit.
 * Resolution fetches the rules of the request's category and its ancestors; which one wins is
 * core/precedence.h's route_choose. */
#include "core/precedence.h"
#include "store/catalogue.h"
#include "store/store_internal.h"
#include "store/tree_sql.h"
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

int sqlite_routes_list(store *s, arena *a, store_route **items, size_t *n)
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

int sqlite_route_put(store *s, const store_route *in, int64_t *id)
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

int sqlite_route_delete(store *s, int64_t id) { return store_write(s, delete_fn, &id); }

struct resolve_args {
    int64_t category_id, district_id;
    int64_t *unit_id, *rule_id;
};

static int read_candidate(db_q *q, arena *a, void *item)
{
    (void)a;
    route_candidate *c = item;
    c->rule_id = db_int(q, 0);
    c->unit_id = db_int(q, 1);
    c->district_id = db_int(q, 2);
    c->depth = (int)db_int(q, 3);
    c->unit_active = db_int(q, 4) != 0;
    return 0;
}

/* The rules of the category and its ancestors; core/precedence.h chooses. */
static int resolve_fn(sqlite3 *db, void *arg)
{
    struct resolve_args *r = arg;
    arena *a = arena_new();
    if (!a) return HL_ENOMEM;
    route_candidate *c;
    size_t n = 0, best = 0;
    int rc = db_list(db, a, sizeof *c, read_candidate, (void **)&c, &n,
                     "WITH RECURSIVE " SQL_ANCESTORS_CTE("categories", "?1")
                     " SELECT r.id, r.unit_id, ifnull(r.district_id,0), up.depth, u.active"
                     " FROM routing_rules r JOIN up ON r.category_id=up.id"
                     " JOIN units u ON u.id=r.unit_id",
                     "i", r->category_id);
    if (!rc) rc = route_choose(c, n, r->district_id, &best);
    if (!rc) {
        *r->unit_id = c[best].unit_id;
        if (r->rule_id) *r->rule_id = c[best].rule_id;
    }
    arena_free(a);
    return rc;
}

int sqlite_route_resolve(store *s, int64_t category_id, int64_t district_id, int64_t *unit_id,
                        int64_t *rule_id)
{
    struct resolve_args r = {category_id, district_id, unit_id, rule_id};
    return store_read(s, resolve_fn, &r);
}
