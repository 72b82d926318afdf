/* json_check.c — request body parsing (jansson, depth-limited) and field-table validation. */
#include "http/json_check.h"
#include "util/err.h"
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Semantics the header leaves open, decided here:
 * - nullable: a JSON null is accepted and treated as "absent". For a required nullable field the
 *   key must be present, but its value may be null ({"x": null} passes, {} is "missing_field").
 *   A null for a non-nullable field is "invalid_type".
 * - min/max: both 0 means unbounded; otherwise both apply (so {min 1, max 0} is a table bug,
 *   caught by an assert). They bound the length in characters (JF_STRING), the value (JF_INT,
 *   JF_NUMBER), the number of elements (JF_ARRAY) or of members (JF_OBJECT); JF_BOOL ignores
 *   them.
 * - json_parse_body checks nesting on the raw text before handing it to jansson, so an absurdly
 *   deep document costs one linear scan and never reaches jansson's recursive parser; such a
 *   document is "too_deep" even when it is also malformed. */

static void problem(json_problem *p, const char *code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void problem(json_problem *p, const char *code, const char *field, const char *fmt, ...)
{
    p->code = code;
    p->field = field;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->message, sizeof p->message, fmt, ap);
    va_end(ap);
}

/* Number of Unicode characters in UTF-8 text (jansson only hands out valid UTF-8). */
static size_t utf8_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) c++;
    return c;
}

static bool bounded(const json_field *f)
{
    return f->min != 0 || f->max != 0;
}

/* "a string of 1 to 100 characters", "an integer from 1 to 5", ... into buf. */
static void describe(const json_field *f, char *buf, size_t cap)
{
    static const char *const what[] = {
        [JF_STRING] = "a string", [JF_INT] = "an integer", [JF_BOOL] = "a boolean",
        [JF_NUMBER] = "a number", [JF_ARRAY] = "an array", [JF_OBJECT] = "an object",
    };
    static const char *const unit[] = {
        [JF_STRING] = " characters", [JF_ARRAY] = " elements", [JF_OBJECT] = " members"};
    const char *w = what[f->type];
    const char *null = f->nullable ? " or null" : "";
    if (!bounded(f) || f->type == JF_BOOL) {
        snprintf(buf, cap, "%s%s", w, null);
    } else if (f->type == JF_INT || f->type == JF_NUMBER) {
        snprintf(buf, cap, "%s from %lld to %lld%s", w, f->min, f->max, null);
    } else {
        snprintf(buf, cap, "%s of %lld to %lld%s%s", w, f->min, f->max, unit[f->type], null);
    }
}

static bool type_ok(const json_field *f, const json_t *v)
{
    switch (f->type) {
    case JF_STRING:
        return json_is_string(v);
    case JF_INT:
        return json_is_integer(v);
    case JF_BOOL:
        return json_is_boolean(v);
    case JF_NUMBER:
        return json_is_number(v);
    case JF_ARRAY:
        return json_is_array(v);
    case JF_OBJECT:
        return json_is_object(v);
    }
    return false;
}

static bool in_range(const json_field *f, const json_t *v)
{
    if (!bounded(f)) return true;
    long long x;
    switch (f->type) {
    case JF_STRING:
        x = (long long)utf8_chars(json_string_value(v), json_string_length(v));
        break;
    case JF_INT:
        x = json_integer_value(v);
        break;
    case JF_NUMBER:
        if (json_is_integer(v)) {
            x = json_integer_value(v);
            break;
        }
        return json_real_value(v) >= (double)f->min && json_real_value(v) <= (double)f->max;
    case JF_ARRAY:
        x = (long long)json_array_size(v);
        break;
    case JF_OBJECT:
        x = (long long)json_object_size(v);
        break;
    default:
        return true;
    }
    return x >= f->min && x <= f->max;
}

int json_check(const json_t *obj, const json_field *fields, size_t n, json_problem *p)
{
    json_problem scratch;
    if (!p) p = &scratch;
    memset(p, 0, sizeof *p);
    if (!json_is_object(obj)) {
        problem(p, "not_object", NULL, "the body must be a JSON object");
        return HL_EINVAL;
    }
    char desc[96];
    for (size_t i = 0; i < n; i++) {
        const json_field *f = &fields[i];
        assert(f->name && (unsigned)f->type <= JF_OBJECT);
        assert(!bounded(f) || f->min <= f->max);
        const json_t *v = json_object_get(obj, f->name);
        if (!v) {
            if (!f->required) continue;
            problem(p, "missing_field", f->name, "field '%s' is required", f->name);
            return HL_EINVAL;
        }
        if (json_is_null(v) && f->nullable) continue;
        if (!type_ok(f, v)) {
            describe(f, desc, sizeof desc);
            problem(p, "invalid_type", f->name, "field '%s' must be %s", f->name, desc);
            return HL_EINVAL;
        }
        if (!in_range(f, v)) {
            describe(f, desc, sizeof desc);
            problem(p, "out_of_range", f->name, "field '%s' must be %s", f->name, desc);
            return HL_EINVAL;
        }
    }
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        size_t i = 0;
        while (i < n && strcmp(fields[i].name, key) != 0)
            i++;
        if (i == n) {
            problem(p, "unknown_field", key, "unknown field '%.60s'", key);
            return HL_EINVAL;
        }
    }
    return 0;
}

/* Maximum nesting of [ and { in the text, outside strings, stopping early once above limit.
 * Only meaningful for well-formed text, which is all that matters: malformed text fails later. */
static int text_depth(const char *s, size_t n, int limit)
{
    int depth = 0, max = 0;
    bool in_str = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\')
                i++; /* skip the escaped character, '"' included */
            else if (c == '"')
                in_str = false;
        } else if (c == '"') {
            in_str = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max) max = depth;
            if (max > limit) return max;
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return max;
}

/* Depth of a parsed value (a scalar is 0, "{}" is 1); the recursion stops one level past limit,
 * so it is bounded by JSON_MAX_DEPTH whatever the document. */
static int tree_depth(const json_t *v, int limit)
{
    if (!json_is_object(v) && !json_is_array(v)) return 0;
    if (limit < 0) return 1;
    int max = 0;
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v) && max <= limit; i++) {
            int d = tree_depth(json_array_get(v, i), limit - 1);
            if (d > max) max = d;
        }
    } else {
        const char *key;
        json_t *child;
        json_object_foreach((json_t *)v, key, child)
        {
            int d = tree_depth(child, limit - 1);
            if (d > max) max = d;
            if (max > limit) break;
        }
    }
    return max + 1;
}

int json_parse_body(const char *s, size_t n, json_t **out, json_problem *p)
{
    json_problem scratch;
    if (!p) p = &scratch;
    memset(p, 0, sizeof *p);
    assert(out);
    *out = NULL;
    if (!s) n = 0;
    if (text_depth(s, n, JSON_MAX_DEPTH) > JSON_MAX_DEPTH) goto too_deep;
    json_error_t err;
    /* JSON_DECODE_ANY so that a scalar at the top is "not_object" rather than "bad_json";
     * no JSON_DISABLE_EOF_CHECK: anything after the value is an error. */
    json_t *j = json_loadb(s ? s : "", n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
    if (!j) {
        if (json_error_code(&err) == json_error_stack_overflow) goto too_deep;
        problem(p, "bad_json", NULL, "line %d, column %d: %s", err.line, err.column, err.text);
        return HL_EINVAL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        problem(p, "not_object", NULL, "the body must be a JSON object");
        return HL_EINVAL;
    }
    if (tree_depth(j, JSON_MAX_DEPTH) > JSON_MAX_DEPTH) {
        json_decref(j);
        goto too_deep;
    }
    *out = j;
    return 0;
too_deep:
    problem(p, "too_deep", NULL, "the body is nested deeper than %d levels", JSON_MAX_DEPTH);
    return HL_EINVAL;
}
