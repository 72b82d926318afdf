/* open311_attr.h — the extra questions of a GeoReport v2 service definition (attributes) and
 * the checking of a request's answers to them: which form fields carry answers
 * ("attribute[CODE]=v", "attribute[CODE][]=v1&attribute[CODE][]=v2"), required answers, and
 * each datatype's rule. Pure: the caller decodes the form and loads the definitions. */
#ifndef HOTLINE_CORE_OPEN311_ATTR_H
#define HOTLINE_CORE_OPEN311_ATTR_H
#include "util/err.h"
#include <stdbool.h>
#include <stddef.h>

typedef enum {
    OPEN311_STRING = 0,      /* one line, at most OPEN311_STRING_MAX characters */
    OPEN311_NUMBER,          /* a decimal number: -12, 3.5, 1e3 */
    OPEN311_DATETIME,        /* ISO 8601 (core/civil.h civil_parse_time) */
    OPEN311_TEXT,            /* multi-line, at most OPEN311_TEXT_MAX characters */
    OPEN311_SINGLEVALUELIST, /* one of the keys */
    OPEN311_MULTIVALUELIST,  /* one or more of the keys */
    OPEN311_DATATYPE_COUNT
} open311_datatype;

#define OPEN311_STRING_MAX 200
#define OPEN311_TEXT_MAX 4000
#define OPEN311_CODE_MAX 40

/* "string", "number", "datetime", "text", "singlevaluelist", "multivaluelist". */
const char *open311_attr_datatype_name(open311_datatype t);
/* 0, or HL_EINVAL for an unknown name. */
HL_MUST_CHECK int open311_attr_datatype_parse(const char *s, open311_datatype *out);

typedef struct {
    const char *code;
    open311_datatype datatype;
    bool required;
    bool variable;           /* false: an informational text, never answered */
    const char *const *keys; /* list datatypes: the allowed keys */
    size_t nkeys;
} open311_attr_def;

/* Splits a form field name: "attribute[CODE]" → code, multi false; "attribute[CODE][]" →
 * multi true. 0; HL_ENOTFOUND when the name does not start with "attribute["; HL_EINVAL
 * when it does but is malformed (empty code, code over OPEN311_CODE_MAX bytes or with
 * brackets, anything after the brackets). code points into name. */
HL_MUST_CHECK int open311_attr_field(const char *name, size_t n, const char **code,
                                     size_t *code_len, bool *multi);

/* Characters (code points) of a UTF-8 string (continuation bytes not counted). */
size_t open311_attr_chars(const char *s);
/* Does the value satisfy the datatype's rule (a key of def for list types)? */
bool open311_attr_value_ok(const open311_attr_def *def, const char *value);

typedef struct {
    size_t def;        /* index into defs */
    const char *value; /* one value; a multivaluelist answer gives one entry per key */
} open311_attr_value;

typedef struct {
    const char *code;    /* the attribute concerned (points into defs or the field name) */
    const char *message; /* a static English sentence */
} open311_attr_problem;

/* Checks the answers among a form's fields (names[i] = vals[i], i < n) against defs and
 * collects them into out (at most cap), in form order. Fields that are not attribute fields,
 * name no defined attribute, or answer a non-variable one are ignored; an empty value counts
 * as absent (the spec's rule for optional arguments); a multivaluelist key given twice is
 * kept once. 0 with *nout; HL_EINVAL with *p for a malformed attribute field, a second value
 * for a one-value datatype, a value that breaks its datatype, or a required attribute left
 * without an answer; HL_ERANGE when more than cap values arrive. */
HL_MUST_CHECK int open311_attr_collect(const open311_attr_def *defs, size_t ndefs,
                                       const char *const *names, const char *const *vals, size_t n,
                                       open311_attr_value *out, size_t cap, size_t *nout,
                                       open311_attr_problem *p);

#endif
