/* seed_open311.c — see seed_open311.h. The GeoJSON is read here, in the CLI, and stored as
 * MultiPolygon coordinates, so neither core nor the request path parses GeoJSON documents. */
#include "cli/seed_open311.h"
#include "core/open311_attr.h"
#include "store/catalogue.h"
#include "util/err.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *load(const char *dir, const char *name)
{
    char path[2048];
    int n = snprintf(path, sizeof path, "%s/demo/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof path) return NULL;
    json_error_t err;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
    if (!doc) fprintf(stderr, "seed: %s:%d: %s\n", path, err.line, err.text);
    return doc;
}

static HL_MUST_CHECK int fail(const char *what, const char *key, int rc)
{
    fprintf(stderr, "seed: %s '%s': %s\n", what, key ? key : "?", hl_strerror(rc));
    return rc ? rc : HL_EINVAL;
}

static const char *str(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

/* A list attribute's values: [{"key","name"}] with non-empty strings and distinct keys. */
static bool values_ok(const json_t *vals)
{
    size_t i, j;
    json_t *v, *w;
    if (!json_is_array(vals) || json_array_size(vals) == 0) return false;
    json_array_foreach(vals, i, v) {
        const char *key = str(v, "key"), *name = str(v, "name");
        if (!key || !*key || !name || !*name) return false;
        json_array_foreach(vals, j, w) if (j < i && strcmp(str(w, "key"), key) == 0) return false;
    }
    return true;
}

static int seed_attributes(store *st, arena *a, const json_t *doc)
{
    size_t i, k;
    json_t *entry, *t;
    json_array_foreach(doc, i, entry) {
        const char *code = str(entry, "category");
        store_category cat;
        int rc = code ? store_category_by_code(st, a, code, &cat) : HL_EINVAL;
        if (rc) return fail("service attributes of category", code, rc);
        json_array_foreach(json_object_get(entry, "attributes"), k, t) {
            open311_datatype dt;
            json_t *vals = json_object_get(t, "values"), *var = json_object_get(t, "variable");
            store_service_attr in = {
                .category_id = cat.id, .code = str(t, "code"), .datatype = str(t, "datatype"),
                .required = json_is_true(json_object_get(t, "required")),
                .variable = !json_is_false(var), .description = str(t, "description"),
                .datatype_description = str(t, "datatype_description"),
                .order = (int)json_integer_value(json_object_get(t, "order"))};
            rc = in.code && in.description ? open311_attr_datatype_parse(in.datatype, &dt)
                                           : HL_EINVAL;
            bool list = !rc && (dt == OPEN311_SINGLEVALUELIST || dt == OPEN311_MULTIVALUELIST);
            if (!rc && list != (vals != NULL)) rc = HL_EINVAL; /* values exactly for lists */
            if (!rc && list && !values_ok(vals)) rc = HL_EINVAL;
            char *vtext = list && !rc ? json_dumps(vals, JSON_COMPACT) : NULL;
            in.values = vtext ? vtext : "[]";
            int64_t id;
            if (!rc) rc = store_service_attr_put(st, &in, &id);
            free(vtext);
            if (rc) return fail("service attribute", in.code, rc);
        }
    }
    return 0;
}

/* The geometry's coordinates as a MultiPolygon's: [[ring, hole...], ...]. */
static json_t *multipolygon(const json_t *geom)
{
    const char *type = str(geom, "type");
    json_t *coords = json_object_get(geom, "coordinates");
    if (!type || !json_is_array(coords)) return NULL;
    if (strcmp(type, "MultiPolygon") == 0) return json_incref(coords);
    if (strcmp(type, "Polygon") == 0) return json_pack("[O]", coords);
    return NULL;
}

static int seed_areas(store *st, arena *a, const json_t *doc)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(doc, "features"), i, f) {
        const char *code = str(json_object_get(f, "properties"), "code");
        store_unit u;
        int rc = code ? store_unit_by_code(st, a, code, &u) : HL_EINVAL;
        json_t *mp = rc ? NULL : multipolygon(json_object_get(f, "geometry"));
        char *text = mp ? json_dumps(mp, JSON_COMPACT) : NULL;
        if (!rc) rc = text ? store_district_area_put(st, u.id, text) : HL_EINVAL;
        free(text);
        json_decref(mp);
        if (rc) return fail("district area", code, rc);
    }
    return 0;
}

int seed_open311(store *st, const char *data_dir)
{
    json_t *attrs = load(data_dir, "service_attributes.json");
    json_t *areas = load(data_dir, "districts.geojson");
    arena *a = arena_new();
    int rc = attrs && areas ? (a ? 0 : HL_ENOMEM) : HL_EINVAL;
    if (!rc) rc = seed_attributes(st, a, attrs);
    if (!rc) rc = seed_areas(st, a, areas);
    arena_free(a);
    json_decref(attrs);
    json_decref(areas);
    return rc;
}
