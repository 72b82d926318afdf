/* pg_time_limits.c — time-limit policies per stage, urgency, request type and category on
 * PostgreSQL (time_limits.c is SQLite's). Which policy is in force for a request is
 * core/precedence.h's time_limit_choose; resolution fetches the candidates. */
#include "core/precedence.h"
#include "store/catalogue.h"
#include "store/pg/pg_store.h"
#include "store/pg/pg_tree.h"
#include "util/err.h"

#define TL_COLS "id, stage, urgency, request_type, coalesce(category_id,0), amount, unit"

static int read_tl(pg_q *q, arena *a, void *item)
{
    store_time_limit *t = item;
    t->id = pg_int(q, 0);
    const char *st = pg_text(q, a, 1), *urg = pg_text(q, a, 2), *unit = pg_text(q, a, 6);
    if (!st || !urg || !unit) return HL_ENOMEM;
    t->has_type = !pg_is_null(q, 3);
    if (t->has_type) {
        const char *type = pg_text(q, a, 3);
        if (!type || request_type_parse(type, &t->type)) return HL_EIO;
    }
    t->category_id = pg_int(q, 4);
    t->limit.amount = (int)pg_int(q, 5);
    if (stage_parse(st, &t->stage) || urgency_parse(urg, &t->urgency) ||
        limit_unit_parse(unit, &t->limit.unit))
        return HL_EIO;
    return 0;
}

struct list_args {
    arena *a;
    store_time_limit **items;
    size_t *n;
};

/* SQLite's order: NULLs are kept apart by the IS NOT NULL keys before them, so PostgreSQL's
 * NULLS LAST for ascending keys changes nothing. */
static int list_fn(pg_conn *c, void *arg)
{
    struct list_args *la = arg;
    return pg_list(c, la->a, sizeof **la->items, read_tl, (void **)la->items, la->n,
                   "SELECT " TL_COLS " FROM time_limits ORDER BY"
                   " CASE stage WHEN 'dispatch' THEN 0 WHEN 'sign' THEN 1 WHEN 'return' THEN 2"
                   " WHEN 'reply' THEN 3 ELSE 4 END, urgency DESC, category_id IS NOT NULL,"
                   " request_type IS NOT NULL, request_type, category_id",
                   NULL);
}

int postgres_time_limits_list(store *s, arena *a, store_time_limit **items, size_t *n)
{
    struct list_args la = {a, items, n};
    return pg_store_read(s, list_fn, &la);
}

struct put_args {
    const store_time_limit *in;
    int64_t *id;
};

static int put_fn(pg_conn *c, void *arg)
{
    struct put_args *p = arg;
    const store_time_limit *t = p->in;
    if (time_limit_check(t->limit)) return HL_EINVAL;
    const char *type = t->has_type ? request_type_name(t->type) : NULL;
    /* the policy of the same key is replaced in place and keeps its id, so an id a caller
     * holds still names the policy in force (SQLite's DELETE and INSERT give the id back
     * when the replaced row is the newest: its rowid is reused) */
    return pg_int1(c, p->id,
                   "INSERT INTO time_limits(stage, urgency, request_type, category_id, amount,"
                   " unit) VALUES($1,$2,$3,$4,$5,$6)"
                   " ON CONFLICT (stage, urgency, coalesce(request_type,''),"
                   " coalesce(category_id,0))"
                   " DO UPDATE SET amount=excluded.amount, unit=excluded.unit RETURNING id",
                   "tttzit", stage_name(t->stage), urgency_name(t->urgency), type,
                   t->category_id, (int64_t)t->limit.amount, limit_unit_name(t->limit.unit));
}

int postgres_time_limit_put(store *s, const store_time_limit *in, int64_t *id)
{
    struct put_args p = {in, id};
    return pg_store_write(s, put_fn, &p);
}

static int delete_fn(pg_conn *c, void *arg)
{
    int changes = 0;
    int rc = pg_exec(c, &changes, "DELETE FROM time_limits WHERE id=$1", "i", *(int64_t *)arg);
    return rc ? rc : changes ? 0 : HL_ENOTFOUND;
}

int postgres_time_limit_delete(store *s, int64_t id) { return pg_store_write(s, delete_fn, &id); }

struct resolve_args {
    stage st;
    urgency u;
    request_type t;
    int64_t category_id;
    time_limit *out;
};

static int read_candidate(pg_q *q, arena *a, void *item)
{
    time_limit_candidate *c = item;
    const char *type = pg_text(q, a, 1), *unit = pg_text(q, a, 3);
    c->has_category = !pg_is_null(q, 0); /* no ancestor matched: the policy has no category */
    c->depth = (int)pg_int(q, 0);
    c->has_type = !pg_is_null(q, 1);
    c->limit.amount = (int)pg_int(q, 2);
    if ((c->has_type && (!type || request_type_parse(type, &c->type))) || !unit ||
        limit_unit_parse(unit, &c->limit.unit))
        return HL_EIO;
    return 0;
}

/* The policies of the stage and urgency that are citywide or for the category or one of its
 * ancestors; core/precedence.h chooses. */
static int resolve_fn(pg_conn *c, void *arg)
{
    struct resolve_args *r = arg;
    arena *a = arena_new();
    if (!a) return HL_ENOMEM;
    time_limit_candidate *cand;
    size_t n = 0, best = 0;
    int rc = pg_list(c, a, sizeof *cand, read_candidate, (void **)&cand, &n,
                     "WITH RECURSIVE " PG_ANCESTORS_CTE("categories", "$3")
                     " SELECT up.depth, t.request_type, t.amount, t.unit"
                     " FROM time_limits t LEFT JOIN up ON t.category_id=up.id"
                     " WHERE t.stage=$1 AND t.urgency=$2"
                     "  AND (t.category_id IS NULL OR up.id IS NOT NULL)",
                     "tti", stage_name(r->st), urgency_name(r->u), r->category_id);
    if (!rc) rc = time_limit_choose(cand, n, r->t, &best);
    if (!rc) *r->out = cand[best].limit;
    arena_free(a);
    return rc;
}

int postgres_time_limit_resolve(store *s, stage st, urgency u, request_type t,
                                int64_t category_id, time_limit *out)
{
    struct resolve_args r = {st, u, t, category_id, out};
    return pg_store_read(s, resolve_fn, &r);
}
