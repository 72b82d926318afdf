/* pg_routing.c — the dispatch catalogue (派单目录) on PostgreSQL (routing.c is SQLite's):
 * category × district → responsible unit. Resolution fetches the rules of the request's
 * category and its ancestors; which one wins is core/precedence.h's route_choose. */
#include "core/precedence.h"
#include "store/catalogue.h"
#include "store/pg/pg_store.h"
#include "store/pg/pg_tree.h"
#include "util/err.h"

static int read_route(pg_q *q, arena *a, void *item)
{
    (void)a;
    store_route *r = item;
    r->id = pg_int(q, 0);
    r->category_id = pg_int(q, 1);
    r->district_id = pg_int(q, 2);
    r->unit_id = pg_int(q, 3);
    return 0;
}

struct list_args {
    arena *a;
    store_route **items;
    size_t *n;
};

static int list_fn(pg_conn *c, void *arg)
{
    struct list_args *la = arg;
    return pg_list(c, la->a, sizeof **la->items, read_route, (void **)la->items, la->n,
                   "SELECT r.id, r.category_id, coalesce(r.district_id,0), r.unit_id"
                   " FROM routing_rules r JOIN categories c ON c.id=r.category_id"
                   " ORDER BY c.code, coalesce(r.district_id,0)",
                   NULL);
}

int postgres_routes_list(store *s, arena *a, store_route **items, size_t *n)
{
    struct list_args la = {a, items, n};
    return pg_store_read(s, list_fn, &la);
}

struct put_args {
    const store_route *in;
    int64_t *id;
};

static int put_fn(pg_conn *c, void *arg)
{
    struct put_args *p = arg;
    const store_route *r = p->in;
    int64_t ok = 0;
    int rc = pg_int1(c, &ok, "SELECT 1 FROM categories WHERE id=$1 AND active", "i",
                     r->category_id);
    if (rc == HL_ENOTFOUND) return HL_EREF;
    if (rc) return rc;
    if (r->district_id) {
        rc = pg_int1(c, &ok, "SELECT kind='district' FROM units WHERE id=$1", "i",
                     r->district_id);
        if (rc == HL_ENOTFOUND) return HL_EREF;
        if (rc) return rc;
        if (!ok) return HL_EINVAL;
    }
    rc = pg_int1(c, &ok, "SELECT kind<>'centre' FROM units WHERE id=$1 AND active", "i",
                 r->unit_id);
    if (rc == HL_ENOTFOUND) return HL_EREF;
    if (rc) return rc;
    if (!ok) return HL_EINVAL; /* the centre dispatches; it is never the responsible unit */
    /* the rule of (category, district) is replaced in place and keeps its id, as a time
     * limit does (pg_time_limits.c) */
    return pg_int1(c, p->id,
                   "INSERT INTO routing_rules(category_id, district_id, unit_id) VALUES($1,$2,$3)"
                   " ON CONFLICT (category_id, coalesce(district_id,0))"
                   " DO UPDATE SET unit_id=excluded.unit_id RETURNING id",
                   "izi", r->category_id, r->district_id, r->unit_id);
}

int postgres_route_put(store *s, const store_route *in, int64_t *id)
{
    struct put_args p = {in, id};
    return pg_store_write(s, put_fn, &p);
}

static int delete_fn(pg_conn *c, void *arg)
{
    int changes = 0;
    int rc = pg_exec(c, &changes, "DELETE FROM routing_rules WHERE id=$1", "i", *(int64_t *)arg);
    return rc ? rc : changes ? 0 : HL_ENOTFOUND;
}

int postgres_route_delete(store *s, int64_t id) { return pg_store_write(s, delete_fn, &id); }

struct resolve_args {
    int64_t category_id, district_id;
    int64_t *unit_id, *rule_id;
};

static int read_candidate(pg_q *q, arena *a, void *item)
{
    (void)a;
    route_candidate *c = item;
    c->rule_id = pg_int(q, 0);
    c->unit_id = pg_int(q, 1);
    c->district_id = pg_int(q, 2);
    c->depth = (int)pg_int(q, 3);
    c->unit_active = pg_int(q, 4) != 0;
    return 0;
}

/* The rules of the category and its ancestors; core/precedence.h chooses. */
static int resolve_fn(pg_conn *c, void *arg)
{
    struct resolve_args *r = arg;
    arena *a = arena_new();
    if (!a) return HL_ENOMEM;
    route_candidate *cand;
    size_t n = 0, best = 0;
    int rc = pg_list(c, a, sizeof *cand, read_candidate, (void **)&cand, &n,
                     "WITH RECURSIVE " PG_ANCESTORS_CTE("categories", "$1")
                     " SELECT r.id, r.unit_id, coalesce(r.district_id,0), up.depth, u.active"
                     " FROM routing_rules r JOIN up ON r.category_id=up.id"
                     " JOIN units u ON u.id=r.unit_id",
                     "i", r->category_id);
    if (!rc) rc = route_choose(cand, n, r->district_id, &best);
    if (!rc) {
        *r->unit_id = cand[best].unit_id;
        if (r->rule_id) *r->rule_id = cand[best].rule_id;
    }
    arena_free(a);
    return rc;
}

int postgres_route_resolve(store *s, int64_t category_id, int64_t district_id, int64_t *unit_id,
                           int64_t *rule_id)
{
    struct resolve_args r = {category_id, district_id, unit_id, rule_id};
    return pg_store_read(s, resolve_fn, &r);
}
