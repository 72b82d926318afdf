/* pg_open311_case.c — the request parts of store/open311.c on PostgreSQL: a request's Open311
 * extras (written with its registration) and its answers. The catalogue's parts of open311.c
 * (district areas, service definitions, the changeset) and the import look-up belong to their
 * own domains, so this file is not pg_open311.c. */
#include "store/pg/pg_open311_case.h"
#include "store/pg/pg_store.h"
#include "util/err.h"

static const char *nn(const char *s) { return s ? s : ""; }

int pg_open311_extra_write(pg_conn *c, int64_t case_id, const store_open311_extra *in)
{
    int rc = pg_exec(c, NULL,
                     "INSERT INTO open311_requests(case_id, email, device_id, account_id,"
                     " media_url, address_id, zipcode) VALUES($1,$2,$3,$4,$5,$6,$7)"
                     " ON CONFLICT(case_id) DO UPDATE SET email=excluded.email,"
                     " device_id=excluded.device_id, account_id=excluded.account_id,"
                     " media_url=excluded.media_url, address_id=excluded.address_id,"
                     " zipcode=excluded.zipcode",
                     "ittttt" "t", case_id, nn(in->email), nn(in->device_id),
                     nn(in->account_id), nn(in->media_url), nn(in->address_id), nn(in->zipcode));
    if (!rc) rc = pg_exec(c, NULL, "DELETE FROM case_attributes WHERE case_id=$1", "i", case_id);
    for (size_t i = 0; !rc && i < in->nattrs; i++)
        rc = pg_exec(c, NULL,
                     "INSERT INTO case_attributes(case_id, code, value) VALUES($1,$2,$3)"
                     " ON CONFLICT DO NOTHING",
                     "itt", case_id, in->attrs[i].code, in->attrs[i].value);
    return rc;
}

static int case_attr_row(pg_q *q, arena *a, void *item)
{
    store_case_attr *t = item;
    t->code = pg_text(q, a, 0);
    t->value = pg_text(q, a, 1);
    return t->code && t->value ? 0 : HL_ENOMEM;
}

struct attrs_args {
    arena *a;
    int64_t case_id;
    store_case_attr **items;
    size_t *n;
};

static int case_attrs_fn(pg_conn *c, void *arg)
{
    struct attrs_args *l = arg;
    return pg_list(c, l->a, sizeof **l->items, case_attr_row, (void **)l->items, l->n,
                   "SELECT code, value FROM case_attributes WHERE case_id=$1"
                   " ORDER BY code, value",
                   "i", l->case_id);
}

int postgres_case_attrs(store *s, arena *a, int64_t case_id, store_case_attr **items, size_t *n)
{
    struct attrs_args l = {a, case_id, items, n};
    return pg_store_read(s, case_attrs_fn, &l);
}
