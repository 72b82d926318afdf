/* public_catalog.c — what the resident portal needs to file a request without a login: the
 * active categories (the tree a request's leaf is chosen from) and the active districts with
 * their active streets. Read from the store, so it is right for any city and after every
 * administrator's edit; nothing about departments, utilities or staff is in it. And the city's
 * UTC offset, in which the portal shows dates. */
#include "api/api.h"
#include "api/json_out.h"

static json_t *place(const store_unit *u)
{
    return json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)u->id, "code", u->code, "name_zh",
                     u->name_zh, "name_en", u->name_en);
}

static void public_catalog(api_ctx *c)
{
    store_category *cats;
    store_unit *units;
    size_t ncats, nunits;
    int rc = store_categories_list(c->app->st, c->r->a, &cats, &ncats);
    if (!rc) rc = store_units_list(c->app->st, c->r->a, &units, &nunits);
    if (rc) {
        http_send_rc(c->r, rc);
        return;
    }
    json_t *categories = json_array(), *districts = json_array();
    for (size_t i = 0; i < ncats; i++)
        if (cats[i].active) json_array_append_new(categories, json_out_category(&cats[i]));
    for (size_t i = 0; i < nunits; i++) {
        const store_unit *d = &units[i];
        if (d->kind != UNIT_DISTRICT || !d->active) continue;
        json_t *streets = json_array();
        for (size_t j = 0; j < nunits; j++)
            if (units[j].kind == UNIT_STREET && units[j].active && units[j].parent_id == d->id)
                json_array_append_new(streets, place(&units[j]));
        json_t *o = place(d);
        json_object_set_new(o, "streets", streets);
        json_array_append_new(districts, o);
    }
    /* the offset too: the portal is the resident's first page, with no session to ask */
    http_send_json(c->r, 200,
                   json_pack("{s:o, s:o, s:i}", "categories", categories, "districts", districts,
                             "utc_offset_min", c->app->utc_offset_min));
}

const api_route api_public_catalog_routes[] = {
    {"GET", "/api/public/catalog", public_catalog, API_PUBLIC},
    {NULL, NULL, NULL, 0},
};
