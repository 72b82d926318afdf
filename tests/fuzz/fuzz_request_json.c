/* fuzz_request_json.c — libFuzzer target for the JSON request validation of the real handlers:
 * byte 0 picks a field table (registration by staff and by the portal, every case action, login,
 * reveal), the rest is the body, fed through json_parse_body + json_check and then, when it
 * passes, through the pure parsers the handlers apply to the fields (times, vocabularies,
 * phone digits). The tables are copies: keep them in step with src/api/cases.c
 * (register_fields, portal_fields), src/api/case_actions.c (f_*), src/api/auth.c
 * (login_fields) and src/api/reveal.c (reveal_fields). */
#include "api/cases.h"
#include "core/civil.h"
#include "core/lifecycle.h"
#include "core/taxonomy.h"
#include "http/json_check.h"
#include "util/arena.h"
#include "util/err.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* src/api/cases.c */
static const json_field register_fields[] = {
    {"caller_name", JF_STRING, false, false, 0, 50},
    {"caller_phone", JF_STRING, false, false, 0, 24},
    {"channel", JF_STRING, false, false, 1, 20},
    {"request_type", JF_STRING, false, false, 1, 20},
    {"category_id", JF_INT, true, false, 1, INT32_MAX},
    {"urgency", JF_STRING, false, false, 1, 10},
    {"confidential", JF_BOOL, false, false, 0, 0},
    {"district_id", JF_INT, false, true, 1, INT32_MAX},
    {"street_id", JF_INT, false, true, 1, INT32_MAX},
    {"address", JF_STRING, false, false, 0, 200},
    {"lat", JF_NUMBER, false, true, -90, 90},
    {"lng", JF_NUMBER, false, true, -180, 180},
    {"title", JF_STRING, false, false, 0, 100},
    {"text", JF_STRING, true, false, 1, 4000},
};
static const json_field portal_fields[] = {
    {"caller_name", JF_STRING, false, false, 0, 50},
    {"caller_phone", JF_STRING, true, false, 7, 24},
    {"category_id", JF_INT, true, false, 1, INT32_MAX},
    {"confidential", JF_BOOL, false, false, 0, 0},
    {"district_id", JF_INT, false, true, 1, INT32_MAX},
    {"street_id", JF_INT, false, true, 1, INT32_MAX},
    {"address", JF_STRING, false, false, 0, 200},
    {"lat", JF_NUMBER, false, true, -90, 90},
    {"lng", JF_NUMBER, false, true, -180, 180},
    {"title", JF_STRING, false, false, 0, 100},
    {"text", JF_STRING, true, false, 1, 4000},
};

/* src/api/case_actions.c */
#define NOTE                                                                                       \
    {                                                                                              \
        "note", JF_STRING, false, false, 0, 2000                                                   \
    }
static const json_field f_answer[] = {{"answer", JF_STRING, true, false, 1, 4000},
                                      {"article_id", JF_INT, false, true, 1, INT32_MAX}};
static const json_field f_reason[] = {{"reason", JF_STRING, true, false, 1, 1000}};
static const json_field f_opt_reason[] = {{"reason", JF_STRING, false, false, 0, 1000}};
static const json_field f_merge[] = {{"into", JF_INT, true, false, 1, INT64_MAX}, NOTE};
static const json_field f_dispatch[] = {{"unit_id", JF_INT, true, false, 1, INT32_MAX},
                                        {"co_unit_ids", JF_ARRAY, false, false, 0, 5},
                                        NOTE};
static const json_field f_redispatch[] = {{"unit_id", JF_INT, true, false, 1, INT32_MAX}, NOTE};
static const json_field f_note[] = {NOTE};
static const json_field f_progress[] = {{"note", JF_STRING, true, false, 1, 2000}};
static const json_field f_return[] = {{"reason", JF_STRING, true, false, 1, 1000},
                                      {"basis", JF_STRING, true, false, 1, 1000}};
static const json_field f_extension[] = {{"until", JF_STRING, true, false, 10, 40},
                                         {"reason", JF_STRING, true, false, 1, 1000}};
static const json_field f_reply[] = {{"reply", JF_STRING, true, false, 1, 4000}};
static const json_field f_visit[] = {{"reachable", JF_BOOL, true, false, 0, 0},
                                     {"solved", JF_BOOL, false, false, 0, 0},
                                     {"satisfaction", JF_STRING, false, false, 1, 20},
                                     NOTE};

/* src/api/auth.c and src/api/reveal.c */
static const json_field login_fields[] = {
    {"username", JF_STRING, true, false, 1, 64},
    {"password", JF_STRING, true, false, 1, 128},
};
static const json_field reveal_fields[] = {{"reason", JF_STRING, true, false, 1, 500}};

#define T(f)                                                                                       \
    {                                                                                              \
        f, sizeof f / sizeof f[0]                                                                  \
    }
static const struct {
    const json_field *fields;
    size_t n;
} tables[] = {
    T(register_fields), T(portal_fields), T(f_answer),     T(f_reason),
    T(f_opt_reason),    T(f_merge),       T(f_dispatch),   T(f_redispatch),
    T(f_note),          T(f_progress),    T(f_return),     T(f_extension),
    T(f_reply),         T(f_visit),       T(login_fields), T(reveal_fields),
};

/* What the handlers do with a body that passed: the pure parsers of its fields. */
static void use_fields(const json_t *doc)
{
    const char *s;
    int64_t t;
    request_type rt;
    urgency u;
    satisfaction sat;
    if ((s = json_string_value(json_object_get(doc, "until"))))
        (void)civil_parse_time(s, strlen(s), 480, &t);
    if ((s = json_string_value(json_object_get(doc, "request_type"))))
        (void)request_type_parse(s, &rt);
    if ((s = json_string_value(json_object_get(doc, "urgency")))) (void)urgency_parse(s, &u);
    if ((s = json_string_value(json_object_get(doc, "satisfaction"))))
        (void)satisfaction_parse(s, &sat);
    if ((s = json_string_value(json_object_get(doc, "channel")))) (void)channel_valid(s);
    if ((s = json_string_value(json_object_get(doc, "caller_phone")))) {
        arena *a = arena_new();
        const char *digits = NULL;
        if (!a) abort();
        if (api_phone_digits(a, s, &digits) && (!digits || strlen(digits) > 20)) abort();
        arena_free(a);
    }
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(doc, "co_unit_ids"), i, v)(void) json_integer_value(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    size_t which = data[0] % (sizeof tables / sizeof tables[0]);
    size_t n = size - 1;
    char *s = malloc(n ? n : 1); /* exact size: reads past the end are caught */
    if (!s) return 0;
    memcpy(s, data + 1, n);
    json_t *doc = NULL;
    json_problem p;
    int rc = json_parse_body(s, n, &doc, &p);
    if (rc == 0) {
        rc = json_check(doc, tables[which].fields, tables[which].n, &p);
        if (rc == 0)
            use_fields(doc);
        else if (rc != HL_EINVAL || !p.code || strlen(p.message) >= sizeof p.message)
            abort();
        json_decref(doc);
    } else if (rc != HL_EINVAL || doc || !p.code) {
        abort();
    }
    free(s);
    return 0;
}
