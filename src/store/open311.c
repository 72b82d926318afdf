/* open311.c — the Open311 side of the store: district areas, service definitions, a
 * request's answers and contact details, the catalogue's changeset and the import lookup.
 * Searching requests and the update feed are in open311_search.c. */
#include "store/catalogue.h"
#include "store/import.h"
#include "store/open311_internal.h"
#include "store/store_internal.h"
#include "util/err.h"
#include <string.h>

static const char *nn(const char *s) { return s ? s : ""; }

/* ---- district areas ------------------------------------------------------------------- */

struct area_put {
    int64_t unit_id;
    const char *rings;
};

static int area_put_fn(sqlite3 *db, void *arg)
{
    struct area_put *p = arg;
    int64_t ok = 0;
    int rc = db_int1(db, &ok, "SELECT kind='district' FROM units WHERE id=?", "i", p->unit_id);
    if (rc == HL_ENOTFOUND || (!rc && !ok)) return HL_EREF;
    if (rc) return rc;
    return db_exec(db, NULL, "INSERT OR REPLACE INTO district_areas(unit_id, rings) VALUES(?,?)",
                   "it", p->unit_id, p->rings);
}

int sqlite_district_area_put(store *s, int64_t unit_id, const char *rings)
{
    struct area_put p = {unit_id, rings};
    return rings ? store_write(s, area_put_fn, &p) : HL_EINVAL;
}

static int area_row(db_q *q, arena *a, void *item)
{
    store_district_area *d = item;
    d->unit_id = db_int(q, 0);
    d->rings = db_text(q, a, 1);
    return d->rings ? 0 : HL_ENOMEM;
}

struct list_args {
    arena *a;
    int64_t id;
    void **items;
    size_t *n;
};

static int areas_fn(sqlite3 *db, void *arg)
{
    struct list_args *l = arg;
    return db_list(db, l->a, sizeof(store_district_area), area_row, l->items, l->n,
                   "SELECT d.unit_id, d.rings FROM district_areas d JOIN units u ON u.id=d.unit_id"
                   " WHERE u.active ORDER BY d.unit_id",
                   NULL);
}

int sqlite_district_areas_list(store *s, arena *a, store_district_area **items, size_t *n)
{
    struct list_args l = {a, 0, (void **)items, n};
    return store_read(s, areas_fn, &l);
}

/* ---- service definitions -------------------------------------------------------------- */

struct attr_put {
    const store_service_attr *in;
    int64_t *id;
};

static int attr_put_fn(sqlite3 *db, void *arg)
{
    struct attr_put *p = arg;
    const store_service_attr *in = p->in;
    int64_t leaf = 0;
    int rc = db_int1(db, &leaf, "SELECT request_type IS NOT NULL FROM categories WHERE id=?", "i",
                     in->category_id);
    if (rc == HL_ENOTFOUND || (!rc && !leaf)) return HL_EREF;
    if (rc) return rc;
    if (in->order < 1 || !in->code || !in->description) return HL_EINVAL;
    /* replacing keeps the id: update first, insert when there was nothing to update */
    int changed = 0;
    rc = db_exec(db, &changed,
                 "UPDATE service_attributes SET datatype=?, required=?, variable=?, description=?,"
                 " datatype_description=?, ord=?, vals=? WHERE category_id=? AND code=?",
                 "tbbttitit", in->datatype, (int)in->required, (int)in->variable,
                 in->description, nn(in->datatype_description), (int64_t)in->order,
                 in->values ? in->values : "[]", in->category_id, in->code);
    if (!rc && !changed)
        rc = db_exec(db, NULL,
                     "INSERT INTO service_attributes(category_id, code, datatype, required,"
                     " variable, description, datatype_description, ord, vals)"
                     " VALUES(?,?,?,?,?,?,?,?,?)",
                     "ittbbttit", in->category_id, in->code, in->datatype, (int)in->required,
                     (int)in->variable, in->description, nn(in->datatype_description),
                     (int64_t)in->order, in->values ? in->values : "[]");
    if (!rc)
        rc = db_int1(db, p->id, "SELECT id FROM service_attributes WHERE category_id=? AND code=?",
                     "it", in->category_id, in->code);
    return rc;
}

int sqlite_service_attr_put(store *s, const store_service_attr *in, int64_t *id)
{
    int64_t dummy;
    struct attr_put p = {in, id ? id : &dummy};
    return store_write(s, attr_put_fn, &p);
}

static int attr_row(db_q *q, arena *a, void *item)
{
    store_service_attr *t = item;
    t->id = db_int(q, 0);
    t->category_id = db_int(q, 1);
    t->code = db_text(q, a, 2);
    t->datatype = db_text(q, a, 3);
    t->required = db_int(q, 4) != 0;
    t->variable = db_int(q, 5) != 0;
    t->description = db_text(q, a, 6);
    t->datatype_description = db_text(q, a, 7);
    t->order = (int)db_int(q, 8);
    t->values = db_text(q, a, 9);
    return t->code && t->datatype && t->description && t->datatype_description && t->values
               ? 0
               : HL_ENOMEM;
}

#define ATTR_COLS                                                                              \
    "id, category_id, code, datatype, required, variable, description, datatype_description,"  \
    " ord, vals"

static int attrs_fn(sqlite3 *db, void *arg)
{
    struct list_args *l = arg;
    if (l->id)
        return db_list(db, l->a, sizeof(store_service_attr), attr_row, l->items, l->n,
                       "SELECT " ATTR_COLS " FROM service_attributes WHERE category_id=?"
                       " ORDER BY ord",
                       "i", l->id);
    return db_list(db, l->a, sizeof(store_service_attr), attr_row, l->items, l->n,
                   "SELECT " ATTR_COLS " FROM service_attributes ORDER BY category_id, ord", NULL);
}

int sqlite_service_attrs_list(store *s, arena *a, int64_t category_id, store_service_attr **items,
                             size_t *n)
{
    struct list_args l = {a, category_id, (void **)items, n};
    return store_read(s, attrs_fn, &l);
}

/* ---- a request's Open311 extras --------------------------------------------------------- */

int open311_extra_write(sqlite3 *db, int64_t case_id, const store_open311_extra *in)
{
    int rc = db_exec(db, NULL,
                     "INSERT OR REPLACE INTO open311_requests(case_id, email, device_id,"
                     " account_id, media_url, address_id, zipcode) VALUES(?,?,?,?,?,?,?)",
                     "ittttt" "t", case_id, nn(in->email), nn(in->device_id),
                     nn(in->account_id), nn(in->media_url), nn(in->address_id), nn(in->zipcode));
    if (!rc) rc = db_exec(db, NULL, "DELETE FROM case_attributes WHERE case_id=?", "i", case_id);
    for (size_t i = 0; !rc && i < in->nattrs; i++)
        rc = db_exec(db, NULL, "INSERT OR IGNORE INTO case_attributes VALUES(?,?,?)", "itt",
                     case_id, in->attrs[i].code, in->attrs[i].value);
    return rc;
}

static int case_attr_row(db_q *q, arena *a, void *item)
{
    store_case_attr *t = item;
    t->code = db_text(q, a, 0);
    t->value = db_text(q, a, 1);
    return t->code && t->value ? 0 : HL_ENOMEM;
}

static int case_attrs_fn(sqlite3 *db, void *arg)
{
    struct list_args *l = arg;
    return db_list(db, l->a, sizeof(store_case_attr), case_attr_row, l->items, l->n,
                   "SELECT code, value FROM case_attributes WHERE case_id=? ORDER BY code, value",
                   "i", l->id);
}

int sqlite_case_attrs(store *s, arena *a, int64_t case_id, store_case_attr **items, size_t *n)
{
    struct list_args l = {a, case_id, (void **)items, n};
    return store_read(s, case_attrs_fn, &l);
}

/* ---- changeset and imports ------------------------------------------------------------ */

struct text_args {
    arena *a;
    const char **out;
};

static int text_row(db_q *q, arena *a, void *item)
{
    *(const char **)item = db_text(q, a, 0);
    return *(const char **)item ? 0 : HL_ENOMEM;
}

static int changeset_fn(sqlite3 *db, void *arg)
{
    struct text_args *t = arg;
    return db_one(db, t->a, text_row, (void *)t->out,
                  "SELECT value FROM open311_meta WHERE key='changeset'", NULL);
}

int sqlite_open311_changeset(store *s, arena *a, const char **out)
{
    struct text_args t = {a, out};
    return store_read(s, changeset_fn, &t);
}

struct imported_args {
    const char *city, *id;
    int64_t *case_id;
};

static int imported_fn(sqlite3 *db, void *arg)
{
    struct imported_args *i = arg;
    return db_int1(db, i->case_id,
                   "SELECT case_id FROM case_events WHERE action='register' AND extra IS NOT NULL"
                   " AND " STORE_IMPORT_ID_EXPR "=? AND ifnull(json_extract(extra, '$.source'),"
                   " json_extract(extra, '$.import_city'))=?"
                   " LIMIT 1",
                   "tt", i->id, i->city);
}

int sqlite_open311_imported(store *s, const char *city, const char *import_id, int64_t *case_id)
{
    struct imported_args i = {city, import_id, case_id};
    return store_read(s, imported_fn, &i);
}
