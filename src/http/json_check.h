/* json_check.h — validation of JSON request bodies against a field table: the one way every
 * handler checks its input. Unknown fields, missing required fields, wrong types and values out
 * of bounds are reported with the field's name, so the client can show the error next to it.
 * Pure (jansson only). */
#ifndef HOTLINE_HTTP_JSON_CHECK_H
#define HOTLINE_HTTP_JSON_CHECK_H
#include "util/err.h"
#include "core/fields.h"
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define JSON_MAX_DEPTH 16 /* deeper documents are refused (see json_parse_body) */


typedef struct {
    const char *code;  /* "unknown_field", "missing_field", "invalid_type", "out_of_range",
                          "not_object" */
    const char *field; /* the field's name (points into the table or the document), or NULL */
    char message[160]; /* English, for humans */
} json_problem;

/* Checks that obj is an object whose keys are all in the table, with the right types and
 * bounds, and that every required field is present. 0 if it passes; HL_EINVAL with *p filled
 * for the first problem found (fields in table order, then unknown keys). */
HL_MUST_CHECK int json_check(const json_t *obj, const json_field *fields, size_t n,
                             json_problem *p);

/* Parses a request body: UTF-8 JSON text, an object at the top, nesting at most
 * JSON_MAX_DEPTH, no duplicate keys. New reference in *out (json_decref it).
 * HL_EINVAL with p->code "bad_json" (message with line and column) or "not_object" or
 * "too_deep". */
HL_MUST_CHECK int json_parse_body(const char *s, size_t n, json_t **out, json_problem *p);

#endif
