/* seed.c — see seed.h. Every record goes through the same store functions as the admin API,
 * so the data files are held to the same rules (tree shapes, references, policies). */
#include "cli/seed.h"
#include "cli/seed_kb.h"
#include "cli/seed_open311.h"
#include "cli/seed_appraisal.h"
#include "api/auth.h"
#include "core/civil.h"
#include "store/catalogue.h"
#include "util/err.h"
#include <glob.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static json_t *load_file(const char *dir, const char *name)
{
    char path[2048];
    int n = snprintf(path, sizeof path, "%s/%s", dir, name);
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

static HL_MUST_CHECK int unit_id(store *st, arena *a, const char *code, int64_t *id)
{
    store_unit u;
    int rc = store_unit_by_code(st, a, code, &u);
    if (!rc) *id = u.id;
    return rc;
}

static HL_MUST_CHECK int category_id(store *st, arena *a, const char *code, int64_t *id)
{
    store_category c;
    int rc = store_category_by_code(st, a, code, &c);
    if (!rc) *id = c.id;
    return rc;
}

static int seed_units(store *st, arena *a, const json_t *units)
{
    size_t i;
    json_t *u;
    json_array_foreach(units, i, u) {
        store_unit in = {.code = str(u, "code"), .name_zh = str(u, "name_zh"),
                         .name_en = str(u, "name_en"), .active = true};
        const char *parent = str(u, "parent"), *kind = str(u, "kind");
        int rc = !in.code || !in.name_zh || !in.name_en || !kind ? HL_EINVAL : 0;
        if (!rc) rc = unit_kind_parse(kind, &in.kind);
        if (!rc && parent) rc = unit_id(st, a, parent, &in.parent_id);
        int64_t id;
        if (!rc) rc = store_unit_create(st, &in, &id);
        if (rc) return fail("unit", in.code, rc);
    }
    return 0;
}

static HL_MUST_CHECK int seed_category_tree(store *st, const json_t *nodes, int64_t parent_id)
{
    size_t i;
    json_t *n;
    json_array_foreach(nodes, i, n) {
        store_category in = {.code = str(n, "code"), .name_zh = str(n, "name_zh"),
                             .name_en = str(n, "name_en"), .parent_id = parent_id,
                             .active = true};
        int rc = !in.code || !in.name_zh || !in.name_en ? HL_EINVAL : 0;
        const char *type = str(n, "request_type"), *urg = str(n, "urgency");
        if (!rc && type) {
            in.leaf_fields = true;
            rc = request_type_parse(type, &in.type);
            if (!rc) rc = urg ? urgency_parse(urg, &in.urgency) : HL_EINVAL;
        }
        char keywords[512] = "";
        size_t k, used = 0;
        json_t *kw;
        json_array_foreach(json_object_get(n, "keywords"), k, kw) {
            int w = snprintf(keywords + used, sizeof keywords - used, "%s%s", used ? " " : "",
                             json_string_value(kw) ? json_string_value(kw) : "");
            if (w < 0 || (size_t)w >= sizeof keywords - used) return fail("keywords of", in.code, HL_ERANGE);
            used += (size_t)w;
        }
        in.keywords = keywords;
        int64_t id = 0;
        if (!rc) rc = store_category_create(st, &in, &id);
        if (rc) return fail("category", in.code, rc);
        json_t *children = json_object_get(n, "children");
        if (children && (rc = seed_category_tree(st, children, id))) return rc;
    }
    return 0;
}

static int seed_routing(store *st, arena *a, const json_t *rules)
{
    size_t i;
    json_t *r;
    json_array_foreach(rules, i, r) {
        store_route in = {0};
        const char *cat = str(r, "category"), *district = str(r, "district"),
                   *unit = str(r, "unit");
        int rc = cat && unit ? category_id(st, a, cat, &in.category_id) : HL_EINVAL;
        if (!rc && district) rc = unit_id(st, a, district, &in.district_id);
        if (!rc) rc = unit_id(st, a, unit, &in.unit_id);
        if (!rc) rc = store_route_put(st, &in, &in.id);
        if (rc) return fail("routing rule for category", cat, rc);
    }
    return 0;
}

static int seed_time_limits(store *st, arena *a, const json_t *limits)
{
    size_t i;
    json_t *l;
    json_array_foreach(limits, i, l) {
        store_time_limit in = {.limit.amount = (int)json_integer_value(json_object_get(l, "amount"))};
        const char *type = str(l, "request_type"), *cat = str(l, "category");
        int rc = stage_parse(str(l, "stage") ? str(l, "stage") : "", &in.stage);
        if (!rc) rc = urgency_parse(str(l, "urgency") ? str(l, "urgency") : "", &in.urgency);
        if (!rc) rc = limit_unit_parse(str(l, "unit") ? str(l, "unit") : "", &in.limit.unit);
        if (!rc && type) {
            in.has_type = true;
            rc = request_type_parse(type, &in.type);
        }
        if (!rc && cat) rc = category_id(st, a, cat, &in.category_id);
        if (!rc) rc = store_time_limit_put(st, &in, &in.id);
        if (rc) return fail("time limit for stage", str(l, "stage"), rc);
    }
    return 0;
}

static int seed_users(store *st, arena *a, const json_t *users)
{
    size_t i;
    json_t *u;
    json_array_foreach(users, i, u) {
        store_user in = {.username = str(u, "username"), .display_name = str(u, "display_name"),
                         .active = true};
        const char *pw = str(u, "password"), *r = str(u, "role"), *unit = str(u, "unit");
        char hash[crypto_pwhash_STRBYTES];
        int rc = in.username && in.display_name && pw && r && unit ? 0 : HL_EINVAL;
        if (!rc) rc = role_parse(r, &in.role);
        if (!rc) rc = unit_id(st, a, unit, &in.unit_id);
        if (!rc) rc = auth_hash_password(pw, hash, sizeof hash);
        in.password_hash = hash;
        int64_t id;
        if (!rc) rc = store_user_create(st, &in, &id);
        if (rc) return fail("user", in.username, rc);
    }
    return 0;
}

int seed_calendars(store *st, const char *data_dir)
{
    char pattern[1024];
    snprintf(pattern, sizeof pattern, "%s/calendar/cn-*.json", data_dir);
    glob_t g;
    if (glob(pattern, 0, NULL, &g) != 0) {
        fprintf(stderr, "seed: no calendar files %s\n", pattern);
        return HL_ENOTFOUND;
    }
    int rc = 0;
    for (size_t f = 0; !rc && f < g.gl_pathc; f++) {
        json_error_t err;
        json_t *doc = json_load_file(g.gl_pathv[f], JSON_REJECT_DUPLICATES, &err);
        if (!doc) {
            fprintf(stderr, "seed: %s:%d: %s\n", g.gl_pathv[f], err.line, err.text);
            rc = HL_EINVAL;
            break;
        }
        size_t i;
        json_t *d;
        json_array_foreach(json_object_get(doc, "days"), i, d) {
            const char *date = str(d, "date"), *kind = str(d, "kind");
            store_calendar_day day = {.name = str(d, "name"),
                                      .workday = kind && strcmp(kind, "work") == 0};
            rc = date && kind ? civil_parse_date(date, strlen(date), &day.day) : HL_EINVAL;
            if (!rc) rc = store_calendar_put(st, &day);
            if (rc) {
                rc = fail("calendar day", date, rc);
                break;
            }
        }
        json_decref(doc);
    }
    globfree(&g);
    return rc;
}

int seed_demo(store *st, const char *data_dir)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/demo", data_dir);
    static const char *const files[] = {"units.json", "categories.json", "routing.json",
                                        "time_limits.json", "users.json"};
    json_t *docs[5] = {0};
    int rc = 0;
    for (int i = 0; i < 5; i++)
        if (!(docs[i] = load_file(dir, files[i]))) rc = HL_EINVAL;
    arena *a = arena_new();
    if (!a) rc = HL_ENOMEM;
    if (!rc) rc = seed_units(st, a, docs[0]);
    if (!rc) rc = seed_category_tree(st, docs[1], 0);
    if (!rc) rc = seed_routing(st, a, docs[2]);
    if (!rc) rc = seed_time_limits(st, a, docs[3]);
    if (!rc) rc = seed_users(st, a, docs[4]);
    if (!rc) rc = seed_calendars(st, data_dir);
    if (!rc) rc = seed_knowledge(st, data_dir); /* kb_articles.json, sensitive_words.json */
    if (!rc) rc = seed_open311(st, data_dir);
    if (!rc) rc = seed_appraisal(st, data_dir);
    arena_free(a);
    for (int i = 0; i < 5; i++) json_decref(docs[i]);
    return rc;
}
