/* pg_categories.c — the three-level tree of matters on PostgreSQL (categories.c is SQLite's).
 * Leaves carry the request type and default urgency; the level is derived from the parent on
 * insert. The catalogue's version is bumped by the schema's statement trigger, in the same
 * transaction as the change, so every server's cache sees it. */
#include "store/catalogue.h"
#include "store/pg/pg_store.h"
#include "util/err.h"

#define CAT_COLS                                                                               \
    "id, coalesce(parent_id,0), code, name_zh, name_en, level, request_type, urgency,"         \
    " keywords, active"

static int row_fn(pg_q *q, arena *a, void *item)
{
    store_category *c = item;
    c->id = pg_int(q, 0);
    c->parent_id = pg_int(q, 1);
    c->code = pg_text(q, a, 2);
    c->name_zh = pg_text(q, a, 3);
    c->name_en = pg_text(q, a, 4);
    c->level = (int)pg_int(q, 5);
    c->leaf_fields = !pg_is_null(q, 6);
    if (c->leaf_fields) {
        const char *t = pg_text(q, a, 6), *u = pg_text(q, a, 7);
        if (!t || !u) return HL_ENOMEM;
        if (request_type_parse(t, &c->type) || urgency_parse(u, &c->urgency)) return HL_EIO;
    }
    c->keywords = pg_text(q, a, 8);
    c->active = pg_int(q, 9) != 0;
    return c->code && c->name_zh && c->name_en && c->keywords ? 0 : HL_ENOMEM;
}

struct list_args {
    arena *a;
    store_category **items;
    size_t *n;
};

static int list_fn(pg_conn *c, void *arg)
{
    struct list_args *la = arg;
    return pg_list(c, la->a, sizeof **la->items, row_fn, (void **)la->items, la->n,
                   "SELECT " CAT_COLS " FROM categories ORDER BY code", NULL);
}

int postgres_categories_list(store *s, arena *a, store_category **items, size_t *n)
{
    struct list_args la = {a, items, n};
    return pg_store_read(s, list_fn, &la);
}

struct get_args {
    arena *a;
    int64_t id;
    const char *code;
    store_category *out;
};

static HL_MUST_CHECK int get_db(pg_conn *c, struct get_args *g)
{
    if (g->code)
        return pg_one(c, g->a, row_fn, g->out,
                      "SELECT " CAT_COLS " FROM categories WHERE code=$1", "t", g->code);
    return pg_one(c, g->a, row_fn, g->out, "SELECT " CAT_COLS " FROM categories WHERE id=$1",
                  "i", g->id);
}

static int get_fn(pg_conn *c, void *arg) { return get_db(c, arg); }

int postgres_category_get(store *s, arena *a, int64_t id, store_category *out)
{
    struct get_args g = {a, id, NULL, out};
    return pg_store_read(s, get_fn, &g);
}

int postgres_category_by_code(store *s, arena *a, const char *code, store_category *out)
{
    struct get_args g = {a, 0, code, out};
    return pg_store_read(s, get_fn, &g);
}

struct write_args {
    const store_category *in;
    int64_t id;
    int64_t *out_id;
};

static int create_fn(pg_conn *c, void *arg)
{
    struct write_args *w = arg;
    const store_category *cat = w->in;
    int64_t level = 1;
    if (cat->parent_id) {
        int64_t plevel = 0;
        int rc = pg_int1(c, &plevel, "SELECT level FROM categories WHERE id=$1 AND active", "i",
                         cat->parent_id);
        if (rc == HL_ENOTFOUND) return HL_EREF;
        if (rc) return rc;
        level = plevel + 1;
    }
    if (level > CATEGORY_MAX_LEVEL) return HL_EINVAL;
    if ((level == CATEGORY_MAX_LEVEL) != cat->leaf_fields) return HL_EINVAL;
    return pg_int1(c, w->out_id,
                   "INSERT INTO categories(parent_id, code, name_zh, name_en, level,"
                   " request_type, urgency, keywords, active)"
                   " VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id",
                   "ztttitttb", cat->parent_id, cat->code, cat->name_zh, cat->name_en, level,
                   cat->leaf_fields ? request_type_name(cat->type) : NULL,
                   cat->leaf_fields ? urgency_name(cat->urgency) : NULL,
                   cat->keywords ? cat->keywords : "", (int)cat->active);
}

int postgres_category_create(store *s, const store_category *in, int64_t *id)
{
    struct write_args w = {in, 0, id};
    return pg_store_write(s, create_fn, &w);
}

static int update_fn(pg_conn *c, void *arg)
{
    struct write_args *w = arg;
    const store_category *in = w->in;
    arena *a = arena_new();
    if (!a) return HL_ENOMEM;
    store_category cur;
    struct get_args g = {a, w->id, NULL, &cur};
    int rc = get_db(c, &g);
    if (!rc && in->leaf_fields && !cur.leaf_fields) rc = HL_EINVAL; /* only leaves have them */
    if (!rc) {
        bool leaf = cur.leaf_fields;
        request_type t = in->leaf_fields ? in->type : cur.type;
        urgency u = in->leaf_fields ? in->urgency : cur.urgency;
        rc = pg_exec(c, NULL,
                     "UPDATE categories SET name_zh=$1, name_en=$2, keywords=$3, active=$4,"
                     " request_type=$5, urgency=$6 WHERE id=$7",
                     "tttbtti", in->name_zh ? in->name_zh : cur.name_zh,
                     in->name_en ? in->name_en : cur.name_en,
                     in->keywords ? in->keywords : cur.keywords, (int)in->active,
                     leaf ? request_type_name(t) : NULL, leaf ? urgency_name(u) : NULL, cur.id);
    }
    arena_free(a);
    return rc;
}

int postgres_category_update(store *s, int64_t id, const store_category *in)
{
    struct write_args w = {in, id, NULL};
    return pg_store_write(s, update_fn, &w);
}

static int version_fn(pg_conn *c, void *arg)
{
    return pg_int1(c, arg, "SELECT version FROM catalog_versions WHERE name='categories'", NULL);
}

int postgres_categories_version(store *s, int64_t *version)
{
    return pg_store_read(s, version_fn, version);
}
