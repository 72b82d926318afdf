/* import_setup.c — the catalogue of an imported city (see import.h): made once, found again
 * on a later import of the same city by its codes ("o311-<slug>..."), so re-importing adds
 * to it instead of duplicating it. */
#include "cli/import.h"
#include "store/catalogue.h"
#include "util/err.h"
#include <stdio.h>
#include <string.h>

/* FNV-1a, for short stable codes derived from free text (agency names, odd service codes). */
static uint32_t fnv(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static bool code_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 40) return false;
    for (size_t i = 0; i < n; i++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", s[i]))
            return false;
    return true;
}

static const char *slug_of(arena *a, const char *city)
{
    char s[21];
    size_t n = 0;
    for (const char *p = city; *p && n < sizeof s - 1; p++) {
        char ch = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) s[n++] = ch;
        else if (n && s[n - 1] != '-') s[n++] = '-';
    }
    while (n && s[n - 1] == '-') n--;
    s[n] = 0;
    return n ? arena_strdup(a, s) : arena_printf(a, "c%08x", fnv(city));
}

static HL_MUST_CHECK int fail(const char *what, const char *key, int rc)
{
    fprintf(stderr, "hotline import: %s '%s': %s\n", what, key ? key : "?", hl_strerror(rc));
    return rc;
}

/* The category with that code, made active; or a new one under parent. */
static HL_MUST_CHECK int category(store *st, arena *a, const store_category *want, int64_t *id)
{
    store_category c;
    int rc = store_category_by_code(st, a, want->code, &c);
    if (rc == HL_ENOTFOUND) return store_category_create(st, want, id);
    if (rc) return rc;
    if (c.parent_id != want->parent_id) return HL_ECONFLICT; /* someone else's code */
    *id = c.id;
    if (c.active) return 0;
    store_category on = {.active = true};
    return store_category_update(st, c.id, &on);
}

static int unit(store *st, arena *a, const store_unit *want, int64_t *id)
{
    store_unit u;
    int rc = store_unit_by_code(st, a, want->code, &u);
    if (rc == HL_ENOTFOUND) return store_unit_create(st, want, id);
    if (rc) return rc;
    *id = u.id;
    if (u.active) return 0;
    store_unit on = {.parent_id = -1, .active = true};
    return store_unit_update(st, u.id, &on);
}

static const char *str(const json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v && *v ? v : NULL;
}

const import_service *import_service_of(const import_catalogue *cat, const char *code)
{
    for (size_t i = 0; code && i < cat->nservices; i++)
        if (strcmp(cat->services[i].code, code) == 0) return &cat->services[i];
    return NULL;
}

int64_t import_agency_of(const import_catalogue *cat, const char *agency)
{
    for (size_t i = 0; i < cat->nagencies; i++)
        if ((!agency && !cat->agencies[i].name) ||
            (agency && cat->agencies[i].name && strcmp(cat->agencies[i].name, agency) == 0))
            return cat->agencies[i].unit_id;
    return 0;
}

static int add_service(store *st, arena *a, import_catalogue *cat, const char *code,
                       const char *name)
{
    if (import_service_of(cat, code)) return 0;
    if (cat->nservices == IMPORT_MAX_SERVICES) return fail("more services than", "256", HL_ERANGE);
    /* the city's own code when it can be ours, so service_code round-trips */
    store_category leaf = {.parent_id = cat->level2_id, .name_zh = name, .name_en = name,
                           .leaf_fields = true, .type = REQ_REPORT, .urgency = URGENCY_NORMAL,
                           .keywords = "", .active = true,
                           .code = code_ok(code) ? code
                                                 : arena_printf(a, "o311-%s-%08x", cat->slug,
                                                                fnv(code))};
    import_service *s = &cat->services[cat->nservices];
    int rc = category(st, a, &leaf, &s->category_id);
    if (rc == HL_ECONFLICT && leaf.code == code) { /* taken by another tree: a derived code */
        leaf.code = arena_printf(a, "o311-%s-%08x", cat->slug, fnv(code));
        rc = category(st, a, &leaf, &s->category_id);
    }
    if (rc) return fail("service", code, rc);
    s->code = code;
    for (int g = 0; g < STAGE_COUNT; g++) {
        rc = store_time_limit_resolve(st, (stage)g, URGENCY_NORMAL, REQ_REPORT, s->category_id,
                                      &s->limit[g]);
        s->has_limit[g] = rc == 0;
        if (rc && rc != HL_ENOTFOUND) return fail("time limits of", code, rc);
    }
    cat->nservices++;
    return 0;
}

static int add_agency(store *st, arena *a, import_catalogue *cat, const char *name)
{
    if (import_agency_of(cat, name)) return 0;
    if (cat->nagencies == IMPORT_MAX_AGENCIES) return fail("more agencies than", "256", HL_ERANGE);
    const char *label = name ? name : arena_printf(a, "%s 311", cat->city);
    store_unit u = {.parent_id = cat->centre_id, .kind = UNIT_DEPARTMENT, .active = true,
                    .name_zh = label, .name_en = label,
                    .code = arena_printf(a, "o311-%s-%08x", cat->slug, fnv(label))};
    import_agency *g = &cat->agencies[cat->nagencies];
    int rc = unit(st, a, &u, &g->unit_id);
    if (rc) return fail("department", label, rc);
    g->name = name;
    cat->nagencies++;
    return 0;
}

int import_setup(store *st, arena *a, const json_t *records, import_catalogue *cat)
{
    store_unit *units;
    size_t n;
    int rc = store_units_list(st, a, &units, &n);
    for (size_t i = 0; !rc && i < n && !cat->centre_id; i++)
        if (units[i].kind == UNIT_CENTRE) cat->centre_id = units[i].id;
    if (!rc && !cat->centre_id) rc = HL_ENOTFOUND;
    if (rc) return fail("the hotline centre", "centre", rc);
    cat->slug = slug_of(a, cat->city);
    store_category l1 = {.code = arena_printf(a, "o311-%s", cat->slug), .name_zh = cat->city,
                         .name_en = cat->city, .keywords = "", .active = true};
    rc = category(st, a, &l1, &cat->level1_id);
    if (rc) return fail("category", l1.code, rc);
    const char *l2name = arena_printf(a, "%s 311", cat->city);
    store_category l2 = {.code = arena_printf(a, "o311-%s-services", cat->slug),
                         .parent_id = cat->level1_id, .name_zh = l2name, .name_en = l2name,
                         .keywords = "", .active = true};
    rc = category(st, a, &l2, &cat->level2_id);
    if (rc) return fail("category", l2.code, rc);
    size_t i;
    json_t *r;
    json_array_foreach(records, i, r) {
        const char *code = str(r, "service_code"), *name = str(r, "service_name");
        if (!code) continue; /* rejected later, with the record */
        rc = add_service(st, a, cat, code, name ? name : code);
        if (!rc) rc = add_agency(st, a, cat, str(r, "agency_responsible"));
        if (rc) return rc;
    }
    return 0;
}

int import_retire(store *st, const import_catalogue *cat)
{
    store_category off = {.active = false};
    store_unit uoff = {.parent_id = -1, .active = false};
    int rc = 0;
    for (size_t i = 0; !rc && i < cat->nservices; i++)
        rc = store_category_update(st, cat->services[i].category_id, &off);
    if (!rc) rc = store_category_update(st, cat->level2_id, &off);
    if (!rc) rc = store_category_update(st, cat->level1_id, &off);
    for (size_t i = 0; !rc && i < cat->nagencies; i++)
        rc = store_unit_update(st, cat->agencies[i].unit_id, &uoff);
    return rc;
}
