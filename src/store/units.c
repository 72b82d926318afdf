/* units.c — the organisation tree: the hotline centre, districts, streets, departments and
 * utilities. The kind rules come from core/taxonomy.h and are checked inside the write's
 * transaction, so two concurrent edits can never leave a malformed tree. */
#include "store/catalogue.h"
#include "store/store_internal.h"
#include "store/tree_sql.h"
#include "util/err.h"
#include <string.h>

#define UNIT_COLS "id, ifnull(parent_id,0), code, name_zh, name_en, kind, active"

static int read_unit(db_q *q, arena *a, store_unit *u)
{
    u->id = db_int(q, 0);
    u->parent_id = db_int(q, 1);
    u->code = db_text(q, a, 2);
    u->name_zh = db_text(q, a, 3);
    u->name_en = db_text(q, a, 4);
    const char *kind = db_text(q, a, 5);
    u->active = db_int(q, 6) != 0;
    if (!u->code || !u->name_zh || !u->name_en || !kind) return HL_ENOMEM;
    return unit_kind_parse(kind, &u->kind) ? HL_EIO : 0;
}

static int row_fn(db_q *q, arena *a, void *item) { return read_unit(q, a, item); }

struct list_args {
    arena *a;
    store_unit **items;
    size_t *n;
};

static int list_fn(sqlite3 *db, void *arg)
{
    struct list_args *la = arg;
    return db_list(db, la->a, sizeof(**la->items), row_fn, (void **)la->items, la->n,
                   "SELECT " UNIT_COLS " FROM units ORDER BY id", NULL);
}

int sqlite_units_list(store *s, arena *a, store_unit **items, size_t *n)
{
    struct list_args la = {a, items, n};
    return store_read(s, list_fn, &la);
}

struct get_args {
    arena *a;
    int64_t id;
    const char *code;
    store_unit *out;
};

static HL_MUST_CHECK int get_db(sqlite3 *db, struct get_args *g)
{
    if (g->code)
        return db_one(db, g->a, row_fn, g->out, "SELECT " UNIT_COLS " FROM units WHERE code=?", "t",
                      g->code);
    return db_one(db, g->a, row_fn, g->out, "SELECT " UNIT_COLS " FROM units WHERE id=?", "i", g->id);
}

static int get_fn(sqlite3 *db, void *arg) { return get_db(db, arg); }

int sqlite_unit_get(store *s, arena *a, int64_t id, store_unit *out)
{
    struct get_args g = {a, id, NULL, out};
    return store_read(s, get_fn, &g);
}

int sqlite_unit_by_code(store *s, arena *a, const char *code, store_unit *out)
{
    struct get_args g = {a, 0, code, out};
    return store_read(s, get_fn, &g);
}

struct within_args {
    int64_t unit, ancestor;
    bool *yes;
};

static int within_fn(sqlite3 *db, void *arg)
{
    struct within_args *w = arg;
    return tree_sql_unit_within(db, w->unit, w->ancestor, w->yes);
}

int sqlite_unit_within(store *s, int64_t unit_id, int64_t ancestor_id, bool *yes)
{
    struct within_args w = {unit_id, ancestor_id, yes};
    return store_read(s, within_fn, &w);
}

/* Checks that a unit of `kind` may sit under `parent_id` (0 = root). */
static HL_MUST_CHECK int check_parent(sqlite3 *db, unit_kind kind, int64_t parent_id,
                                      int64_t self_id)
{
    if (parent_id == 0) {
        if (kind != UNIT_CENTRE) return HL_EINVAL;
        int64_t other = 0;
        int rc = db_int1(db, &other, "SELECT id FROM units WHERE kind='centre' AND id<>?", "i",
                         self_id);
        return rc == HL_ENOTFOUND ? 0 : rc ? rc : HL_ECONFLICT;
    }
    arena *a = arena_new();
    if (!a) return HL_ENOMEM;
    store_unit parent;
    struct get_args g = {a, parent_id, NULL, &parent};
    int rc = get_db(db, &g);
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

static int create_fn(sqlite3 *db, void *arg)
{
    struct write_args *w = arg;
    const store_unit *u = w->in;
    int rc = check_parent(db, u->kind, u->parent_id, 0);
    if (rc) return rc;
    rc = db_exec(db, NULL,
                 "INSERT INTO units(parent_id, code, name_zh, name_en, kind, active)"
                 " VALUES(?,?,?,?,?,?)",
                 "zttttb", u->parent_id, u->code, u->name_zh, u->name_en,
                 unit_kind_name(u->kind), (int)u->active);
    if (!rc) *w->out_id = sqlite3_last_insert_rowid(db);
    return rc;
}

int sqlite_unit_create(store *s, const store_unit *in, int64_t *id)
{
    struct write_args w = {in, 0, id};
    return store_write(s, create_fn, &w);
}

static int update_fn(sqlite3 *db, void *arg)
{
    struct write_args *w = arg;
    const store_unit *in = w->in;
    arena *a = arena_new();
    if (!a) return HL_ENOMEM;
    store_unit cur;
    struct get_args g = {a, w->id, NULL, &cur};
    int rc = get_db(db, &g);
    if (!rc && in->parent_id >= 0 && in->parent_id != cur.parent_id) {
        bool cycle = false;
        rc = check_parent(db, cur.kind, in->parent_id, cur.id);
        if (!rc && in->parent_id) rc = tree_sql_unit_within(db, in->parent_id, cur.id, &cycle);
        if (!rc && cycle) rc = HL_EINVAL;
        if (!rc) cur.parent_id = in->parent_id;
    }
    if (!rc && cur.active && !in->active) {
        int64_t busy = 0;
        rc = db_int1(db, &busy,
                     "SELECT (SELECT count(*) FROM units WHERE parent_id=?1 AND active)"
                     " + (SELECT count(*) FROM users WHERE unit_id=?1 AND active)",
                     "i", cur.id);
        if (!rc && busy) rc = HL_EREF;
    }
    if (!rc)
        rc = db_exec(db, NULL,
                     "UPDATE units SET parent_id=?, name_zh=?, name_en=?, active=? WHERE id=?",
                     "zttbi", cur.parent_id, in->name_zh ? in->name_zh : cur.name_zh,
                     in->name_en ? in->name_en : cur.name_en, (int)in->active, cur.id);
    arena_free(a);
    return rc;
}

int sqlite_unit_update(store *s, int64_t id, const store_unit *in)
{
    struct write_args w = {in, id, NULL};
    return store_write(s, update_fn, &w);
}
