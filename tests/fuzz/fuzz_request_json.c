/* fuzz_request_json.c — libFuzzer target for the JSON request validation of the real handlers:
 * byte 0 picks a field table (registration by staff and by the portal, every case action, login,
 * reveal), the rest is the body, fed through json_parse_body + json_check and then, when it
 * passes, through the pure parsers the handlers apply to the fields (times, vocabularies,
 * phone digits). Registration and action tables are the handlers' own (src/api/case_fields.c);
 * login_fields and reveal_fields are copies of src/api/auth.c and src/api/reveal.c. */
#include "api/case_fields.h"
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
/* tables of their own here; the request tables come from src/api/case_fields.c and the
 * actions' from core's action specification */
static const struct {
    const json_field *fields;
    size_t n;
} own_tables[] = {T(login_fields), T(reveal_fields)};

/* Byte 0 picks: registration, portal, each action with a body, then login, reveal. */
static void pick(uint8_t b, const json_field **fields, size_t *n)
{
    size_t k = b % (2 + ACT_COUNT + 2);
    if (k == 0) {
        *fields = case_register_fields;
        *n = case_register_nfields;
    } else if (k == 1) {
        *fields = case_portal_fields;
        *n = case_portal_nfields;
    } else if (k < 2 + ACT_COUNT && lifecycle_spec_of((case_action)(k - 2))->fields) {
        *fields = lifecycle_spec_of((case_action)(k - 2))->fields;
        *n = lifecycle_spec_of((case_action)(k - 2))->nfields;
    } else {
        *fields = own_tables[k % 2].fields;
        *n = own_tables[k % 2].n;
    }
}

/* What the handlers do with a body that passed: the pure parsers of its fields. Their results
 * are dropped (err_ignore): the target looks for crashes, not for answers. */
static void use_fields(const json_t *doc)
{
    const char *s;
    int64_t t;
    request_type rt;
    urgency u;
    satisfaction sat;
    if ((s = json_string_value(json_object_get(doc, "until"))))
        err_ignore(civil_parse_time(s, strlen(s), 480, &t));
    if ((s = json_string_value(json_object_get(doc, "request_type"))))
        err_ignore(request_type_parse(s, &rt));
    if ((s = json_string_value(json_object_get(doc, "urgency")))) err_ignore(urgency_parse(s, &u));
    if ((s = json_string_value(json_object_get(doc, "satisfaction"))))
        err_ignore(satisfaction_parse(s, &sat));
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
    const json_field *fields;
    size_t nfields;
    pick(data[0], &fields, &nfields);
    size_t n = size - 1;
    char *s = malloc(n ? n : 1); /* exact size: reads past the end are caught */
    if (!s) return 0;
    memcpy(s, data + 1, n);
    json_t *doc = NULL;
    json_problem p;
    int rc = json_parse_body(s, n, &doc, &p);
    if (rc == 0) {
        rc = json_check(doc, fields, nfields, &p);
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
