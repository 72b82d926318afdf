/* pg_open311_catalogue.c — the catalogue's part of open311.c on PostgreSQL: district areas,
 * the service definitions (attributes) and the catalogue's changeset. A request's Open311
 * extras and the import lookup (the rest of open311.c) belong to the cases and import domains,
 * so this file is named apart from them. The changeset is kept by the schema's statement
 * triggers, in the transaction of the change. */
#include "store/catalogue.h"
#include "store/pg/pg_store.h"
#include "util/err.h"

static const char *nn(const char *s) { return s ? s : ""; }

/* ---- district areas ------------------------------------------------------------------- */

struct area_put {
    int64_t unit_id;
    const char *rings;
};

static int area_put_fn(pg_conn *c, void *arg)
{
    struct area_put *p = arg;
    int64_t ok = 0;
    int rc = pg_int1(c, &ok, "SELECT kind='district' FROM units WHERE id=$1", "i", p->unit_id);
    if (rc == HL_ENOTFOUND || (!rc && !ok)) return HL_EREF;
    if (rc) return rc;
    return pg_exec(c, NULL,
                   "INSERT INTO district_areas(unit_id, rings) VALUES($1,$2)"
                   " ON CONFLICT (unit_id) DO UPDATE SET rings=excluded.rings",
                   "it", p->unit_id, p->rings);
}

int postgres_district_area_put(store *s, int64_t unit_id, const char *rings)
{
    struct area_put p = {unit_id, rings};
    return rings ? pg_store_write(s, area_put_fn, &p) : HL_EINVAL;
}

static int area_row(pg_q *q, arena *a, void *item)
{
    store_district_area *d = item;
    d->unit_id = pg_int(q, 0);
    d->rings = pg_text(q, a, 1);
    return d->rings ? 0 : HL_ENOMEM;
}

struct list_args {
    arena *a;
    int64_t id;
    void **items;
    size_t *n;
};

static int areas_fn(pg_conn *c, void *arg)
{
    struct list_args *l = arg;
    return pg_list(c, l->a, sizeof(store_district_area), area_row, l->items, l->n,
                   "SELECT d.unit_id, d.rings FROM district_areas d"
                   " JOIN units u ON u.id=d.unit_id WHERE u.active ORDER BY d.unit_id",
                   NULL);
}

int postgres_district_areas_list(store *s, arena *a, store_district_area **items, size_t *n)
{
    struct list_args l = {a, 0, (void **)items, n};
    return pg_store_read(s, areas_fn, &l);
}

/* ---- service definitions -------------------------------------------------------------- */

struct attr_put {
    const store_service_attr *in;
    int64_t *id;
};

/* A datatype outside the six is the schema's CHECK (HL_EINVAL), an order taken its UNIQUE
 * (HL_ECONFLICT), as in SQLite. */
static int attr_put_fn(pg_conn *c, void *arg)
{
    struct attr_put *p = arg;
    const store_service_attr *in = p->in;
    int64_t leaf = 0;
    int rc = pg_int1(c, &leaf, "SELECT request_type IS NOT NULL FROM categories WHERE id=$1",
                     "i", in->category_id);
    if (rc == HL_ENOTFOUND || (!rc && !leaf)) return HL_EREF;
    if (rc) return rc;
    if (in->order < 1 || !in->code || !in->description) return HL_EINVAL;
    /* replacing keeps the id */
    return pg_int1(c, p->id,
                   "INSERT INTO service_attributes(category_id, code, datatype, required,"
                   " variable, description, datatype_description, ord, vals)"
                   " VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9)"
                   " ON CONFLICT (category_id, code) DO UPDATE SET datatype=excluded.datatype,"
                   " required=excluded.required, variable=excluded.variable,"
                   " description=excluded.description,"
                   " datatype_description=excluded.datatype_description, ord=excluded.ord,"
                   " vals=excluded.vals RETURNING id",
                   "ittbbttit", in->category_id, in->code, in->datatype, (int)in->required,
                   (int)in->variable, in->description, nn(in->datatype_description),
                   (int64_t)in->order, in->values ? in->values : "[]");
}

int postgres_service_attr_put(store *s, const store_service_attr *in, int64_t *id)
{
    int64_t dummy;
    struct attr_put p = {in, id ? id : &dummy};
    return pg_store_write(s, attr_put_fn, &p);
}

static int attr_row(pg_q *q, arena *a, void *item)
{
    store_service_attr *t = item;
    t->id = pg_int(q, 0);
    t->category_id = pg_int(q, 1);
    t->code = pg_text(q, a, 2);
    t->datatype = pg_text(q, a, 3);
    t->required = pg_int(q, 4) != 0;
    t->variable = pg_int(q, 5) != 0;
    t->description = pg_text(q, a, 6);
    t->datatype_description = pg_text(q, a, 7);
    t->order = (int)pg_int(q, 8);
    t->values = pg_text(q, a, 9);
    return t->code && t->datatype && t->description && t->datatype_description && t->values
               ? 0
               : HL_ENOMEM;
}

#define ATTR_COLS                                                                              \
    "id, category_id, code, datatype, required, variable, description, datatype_description,"  \
    " ord, vals"

static int attrs_fn(pg_conn *c, void *arg)
{
    struct list_args *l = arg;
    if (l->id)
        return pg_list(c, l->a, sizeof(store_service_attr), attr_row, l->items, l->n,
                       "SELECT " ATTR_COLS " FROM service_attributes WHERE category_id=$1"
                       " ORDER BY ord",
                       "i", l->id);
    return pg_list(c, l->a, sizeof(store_service_attr), attr_row, l->items, l->n,
                   "SELECT " ATTR_COLS " FROM service_attributes ORDER BY category_id, ord",
                   NULL);
}

int postgres_service_attrs_list(store *s, arena *a, int64_t category_id,
                                store_service_attr **items, size_t *n)
{
    struct list_args l = {a, category_id, (void **)items, n};
    return pg_store_read(s, attrs_fn, &l);
}

/* ---- changeset ------------------------------------------------------------------------- */

struct text_args {
    arena *a;
    const char **out;
};

static int text_row(pg_q *q, arena *a, void *item)
{
    *(const char **)item = pg_text(q, a, 0);
    return *(const char **)item ? 0 : HL_ENOMEM;
}

static int changeset_fn(pg_conn *c, void *arg)
{
    struct text_args *t = arg;
    return pg_one(c, t->a, text_row, (void *)t->out,
                  "SELECT value FROM open311_meta WHERE key='changeset'", NULL);
}

int postgres_open311_changeset(store *s, arena *a, const char **out)
{
    struct text_args t = {a, out};
    return pg_store_read(s, changeset_fn, &t);
}
