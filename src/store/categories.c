/* categories.c — the three-level tree of matters (城乡建设 › 市政设施 › 路灯). Leaves carry
 * the request type and default urgency; the level is derived from the parent on insert. */
#include "store/catalogue.h"
#include "store/store_internal.h"
#include "util/err.h"

#define CAT_COLS                                                                              \
    "id, ifnull(parent_id,0), code, name_zh, name_en, level, request_type, urgency, keywords, " \
    "active"

static int read_cat(db_q *q, arena *a, store_category *c)
{
    c->id = db_int(q, 0);
    c->parent_id = db_int(q, 1);
    c->code = db_text(q, a, 2);
    c->name_zh = db_text(q, a, 3);
    c->name_en = db_text(q, a, 4);
    c->level = (int)db_int(q, 5);
    c->leaf_fields = !db_is_null(q, 6);
    if (c->leaf_fields) {
        const char *t = db_text(q, a, 6), *u = db_text(q, a, 7);
        if (!t || !u) return HL_ENOMEM;
        if (request_type_parse(t, &c->type) || urgency_parse(u, &c->urgency)) return HL_EIO;
    }
    c->keywords = db_text(q, a, 8);
    c->active = db_int(q, 9) != 0;
    return c->code && c->name_zh && c->name_en && c->keywords ? 0 : HL_ENOMEM;
}

static int row_fn(db_q *q, arena *a, void *item) { return read_cat(q, a, item); }

struct list_args {
    arena *a;
    store_category **items;
    size_t *n;
};

static int list_fn(sqlite3 *db, void *arg)
{
    struct list_args *la = arg;
    return db_list(db, la->a, sizeof(**la->items), row_fn, (void **)la->items, la->n,
                   "SELECT " CAT_COLS " FROM categories ORDER BY code", NULL);
}

int sqlite_categories_list(store *s, arena *a, store_category **items, size_t *n)
{
    struct list_args la = {a, items, n};
    return store_read(s, list_fn, &la);
}

struct get_args {
    arena *a;
    int64_t id;
    const char *code;
    store_category *out;
};

static HL_MUST_CHECK int get_db(sqlite3 *db, struct get_args *g)
{
    if (g->code)
        return db_one(db, g->a, row_fn, g->out, "SELECT " CAT_COLS " FROM categories WHERE code=?", "t",
                      g->code);
    return db_one(db, g->a, row_fn, g->out, "SELECT " CAT_COLS " FROM categories WHERE id=?", "i", g->id);
}

static int get_fn(sqlite3 *db, void *arg) { return get_db(db, arg); }

int sqlite_category_get(store *s, arena *a, int64_t id, store_category *out)
{
    struct get_args g = {a, id, NULL, out};
    return store_read(s, get_fn, &g);
}

int sqlite_category_by_code(store *s, arena *a, const char *code, store_category *out)
{
    struct get_args g = {a, 0, code, out};
    return store_read(s, get_fn, &g);
}

struct write_args {
    const store_category *in;
    int64_t id;
    int64_t *out_id;
};

static int create_fn(sqlite3 *db, void *arg)
{
    struct write_args *w = arg;
    const store_category *c = w->in;
    int64_t level = 1;
    if (c->parent_id) {
        int64_t plevel = 0;
        int rc = db_int1(db, &plevel, "SELECT level FROM categories WHERE id=? AND active", "i",
                         c->parent_id);
        if (rc == HL_ENOTFOUND) return HL_EREF;
        if (rc) return rc;
        level = plevel + 1;
    }
    if (level > CATEGORY_MAX_LEVEL) return HL_EINVAL;
    if ((level == CATEGORY_MAX_LEVEL) != c->leaf_fields) return HL_EINVAL;
    int rc = db_exec(db, NULL,
                     "INSERT INTO categories(parent_id, code, name_zh, name_en, level,"
                     " request_type, urgency, keywords, active) VALUES(?,?,?,?,?,?,?,?,?)",
                     "ztttitttb", c->parent_id, c->code, c->name_zh, c->name_en, level,
                     c->leaf_fields ? request_type_name(c->type) : NULL,
                     c->leaf_fields ? urgency_name(c->urgency) : NULL,
                     c->keywords ? c->keywords : "", (int)c->active);
    if (!rc) *w->out_id = sqlite3_last_insert_rowid(db);
    return rc;
}

int sqlite_category_create(store *s, const store_category *in, int64_t *id)
{
    struct write_args w = {in, 0, id};
    return store_write(s, create_fn, &w);
}

static int update_fn(sqlite3 *db, void *arg)
{
    struct write_args *w = arg;
    const store_category *in = w->in;
    arena *a = arena_new();
    if (!a) return HL_ENOMEM;
    store_category cur;
    struct get_args g = {a, w->id, NULL, &cur};
    int rc = get_db(db, &g);
    if (!rc && in->leaf_fields && !cur.leaf_fields) rc = HL_EINVAL; /* only leaves have them */
    if (!rc) {
        bool leaf = cur.leaf_fields;
        request_type t = in->leaf_fields ? in->type : cur.type;
        urgency u = in->leaf_fields ? in->urgency : cur.urgency;
        rc = db_exec(db, NULL,
                     "UPDATE categories SET name_zh=?, name_en=?, keywords=?, active=?,"
                     " request_type=?, urgency=? WHERE id=?",
                     "tttbtti", in->name_zh ? in->name_zh : cur.name_zh,
                     in->name_en ? in->name_en : cur.name_en,
                     in->keywords ? in->keywords : cur.keywords, (int)in->active,
                     leaf ? request_type_name(t) : NULL, leaf ? urgency_name(u) : NULL, cur.id);
    }
    arena_free(a);
    return rc;
}

int sqlite_category_update(store *s, int64_t id, const store_category *in)
{
    struct write_args w = {in, id, NULL};
    return store_write(s, update_fn, &w);
}

static int version_fn(sqlite3 *db, void *arg)
{
    return db_int1(db, arg, "SELECT version FROM catalog_versions WHERE name='categories'", NULL);
}

int sqlite_categories_version(store *s, int64_t *version)
{
    return store_read(s, version_fn, version);
}
