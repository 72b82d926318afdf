/* pg_units.c — the organisation tree on PostgreSQL (units.c is SQLite's): the hotline centre,
 * districts, streets, departments and utilities. The kind rules come from core/taxonomy.h and
 * are checked inside the write's SERIALIZABLE transaction, so two edits on any two servers can
 * never leave a malformed tree or a second centre: one of them fails and runs again. */
#include "store/catalogue.h"
#include "store/pg/pg_store.h"
#include "store/pg/pg_tree.h"
#include "util/err.h"

#define UNIT_COLS "id, coalesce(parent_id,0), code, name_zh, name_en, kind, active"

static int row_fn(pg_q *q, arena *a, void *item)
{
    store_unit *u = item;
    u->id = pg_int(q, 0);
    u->parent_id = pg_int(q, 1);
    u->code = pg_text(q, a, 2);
    u->name_zh = pg_text(q, a, 3);
    u->name_en = pg_text(q, a, 4);
    const char *kind = pg_text(q, a, 5);
    u->active = pg_int(q, 6) != 0;
    if (!u->code || !u->name_zh || !u->name_en || !kind) return HL_ENOMEM;
    return unit_kind_parse(kind, &u->kind) ? HL_EIO : 0;
}

struct list_args {
    arena *a;
    store_unit **items;
    size_t *n;
};

static int list_fn(pg_conn *c, void *arg)
{
    struct list_args *la = arg;
    return pg_list(c, la->a, sizeof **la->items, row_fn, (void **)la->items, la->n,
                   "SELECT " UNIT_COLS " FROM units ORDER BY id", NULL);
}

int postgres_units_list(store *s, arena *a, store_unit **items, size_t *n)
{
    struct list_args la = {a, items, n};
    return pg_store_read(s, list_fn, &la);
}

struct get_args {
    arena *a;
    int64_t id;
    const char *code;
    store_unit *out;
};

static HL_MUST_CHECK int get_db(pg_conn *c, struct get_args *g)
{
    if (g->code)
        return pg_one(c, g->a, row_fn, g->out, "SELECT " UNIT_COLS " FROM units WHERE code=$1",
                      "t", g->code);
    return pg_one(c, g->a, row_fn, g->out, "SELECT " UNIT_COLS " FROM units WHERE id=$1", "i",
                  g->id);
}

static int get_fn(pg_conn *c, void *arg) { return get_db(c, arg); }

int postgres_unit_get(store *s, arena *a, int64_t id, store_unit *out)
{
    struct get_args g = {a, id, NULL, out};
    return pg_store_read(s, get_fn, &g);
}

int postgres_unit_by_code(store *s, arena *a, const char *code, store_unit *out)
{
    struct get_args g = {a, 0, code, out};
    return pg_store_read(s, get_fn, &g);
}

struct within_args {
    int64_t unit, ancestor;
    bool *yes;
};

static int within_fn(pg_conn *c, void *arg)
{
    struct within_args *w = arg;
    return pg_tree_unit_within(c, w->unit, w->ancestor, w->yes);
}

int postgres_unit_within(store *s, int64_t unit_id, int64_t ancestor_id, bool *yes)
{
    struct within_args w = {unit_id, ancestor_id, yes};
    return pg_store_read(s, within_fn, &w);
}

/* Checks that a unit of `kind` may sit under `parent_id` (0 = root). */
static HL_MUST_CHECK int check_parent(pg_conn *c, unit_kind kind, int64_t parent_id,
                                      int64_t self_id)
{
    if (parent_id == 0) {
        if (kind != UNIT_CENTRE) return HL_EINVAL;
        int64_t other = 0;
        int rc = pg_int1(c, &other, "SELECT id FROM units WHERE kind='centre' AND id<>$1", "i",
                         self_id);
        return rc == HL_ENOTFOUND ? 0 : rc ? rc : HL_ECONFLICT;
    }
    arena *a = arena_new();
    if (!a) return HL_ENOMEM;
    store_unit parent;
    struct get_args g = {a, parent_id, NULL, &parent};
    int rc = get_db(c, &g);
    if (rc == HL_ENOTFOUND) rc = HL_EREF;
    if (!rc && !parent.active) rc = HL_EREF;
    if (!rc && !unit_parent_allowed(kind, parent.kind)) rc = HL_EINVAL;
    arena_free(a);
    return rc;
}

struct write_args {
    const store_unit *in;
    int64_t id;
    int64_t *out_id;
};

static int create_fn(pg_conn *c, void *arg)
{
    struct write_args *w = arg;
    const store_unit *u = w->in;
    int rc = check_parent(c, u->kind, u->parent_id, 0);
    if (rc) return rc;
    return pg_int1(c, w->out_id,
                   "INSERT INTO units(parent_id, code, name_zh, name_en, kind, active)"
                   " VALUES($1,$2,$3,$4,$5,$6) RETURNING id",
                   "zttttb", u->parent_id, u->code, u->name_zh, u->name_en,
                   unit_kind_name(u->kind), (int)u->active);
}

int postgres_unit_create(store *s, const store_unit *in, int64_t *id)
{
    struct write_args w = {in, 0, id};
    return pg_store_write(s, create_fn, &w);
}

static int update_fn(pg_conn *c, void *arg)
{
    struct write_args *w = arg;
    const store_unit *in = w->in;
    arena *a = arena_new();
    if (!a) return HL_ENOMEM;
    store_unit cur;
    struct get_args g = {a, w->id, NULL, &cur};
    int rc = get_db(c, &g);
    if (!rc && in->parent_id >= 0 && in->parent_id != cur.parent_id) {
        bool cycle = false;
        rc = check_parent(c, cur.kind, in->parent_id, cur.id);
        if (!rc && in->parent_id) rc = pg_tree_unit_within(c, in->parent_id, cur.id, &cycle);
        if (!rc && cycle) rc = HL_EINVAL;
        if (!rc) cur.parent_id = in->parent_id;
    }
    if (!rc && cur.active && !in->active) {
        int64_t busy = 0;
        rc = pg_int1(c, &busy,
                     "SELECT (SELECT count(*) FROM units WHERE parent_id=$1 AND active)"
                     " + (SELECT count(*) FROM users WHERE unit_id=$1 AND active)",
                     "i", cur.id);
        if (!rc && busy) rc = HL_EREF;
    }
    if (!rc)
        rc = pg_exec(c, NULL,
                     "UPDATE units SET parent_id=$1, name_zh=$2, name_en=$3, active=$4"
                     " WHERE id=$5",
                     "zttbi", cur.parent_id, in->name_zh ? in->name_zh : cur.name_zh,
                     in->name_en ? in->name_en : cur.name_en, (int)in->active, cur.id);
    arena_free(a);
    return rc;
}

int postgres_unit_update(store *s, int64_t id, const store_unit *in)
{
    struct write_args w = {in, id, NULL};
    return pg_store_write(s, update_fn, &w);
}
