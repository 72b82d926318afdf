/* open311_attr.c — see open311_attr.h. */
#include "core/open311_attr.h"
#include "core/civil.h"
#include "util/err.h"
#include <string.h>

static const char *const datatype_names[OPEN311_DATATYPE_COUNT] = {
    "string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"};

const char *open311_attr_datatype_name(open311_datatype t)
{
    return (unsigned)t < OPEN311_DATATYPE_COUNT ? datatype_names[t] : "string";
}

int open311_attr_datatype_parse(const char *s, open311_datatype *out)
{
    for (int i = 0; s && i < OPEN311_DATATYPE_COUNT; i++)
        if (strcmp(s, datatype_names[i]) == 0) {
            *out = (open311_datatype)i;
            return 0;
        }
    return HL_EINVAL;
}

int open311_attr_field(const char *name, size_t n, const char **code, size_t *code_len,
                       bool *multi)
{
    static const char prefix[] = "attribute[";
    const size_t plen = sizeof prefix - 1;
    if (n < plen || memcmp(name, prefix, plen) != 0) return HL_ENOTFOUND;
    const char *c = name + plen, *end = name + n;
    const char *close = memchr(c, ']', (size_t)(end - c));
    if (!close || close == c || (size_t)(close - c) > OPEN311_CODE_MAX) return HL_EINVAL;
    if (memchr(c, '[', (size_t)(close - c))) return HL_EINVAL;
    const char *rest = close + 1;
    if (rest == end) *multi = false;
    else if (end - rest == 2 && rest[0] == '[' && rest[1] == ']') *multi = true;
    else return HL_EINVAL;
    *code = c;
    *code_len = (size_t)(close - c);
    return 0;
}

size_t open311_attr_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

/* A plain decimal: -?digits[.digits][(e|E)[+-]digits]. No hex, inf, nan or spaces, which
 * strtod would take. */
static bool decimal_ok(const char *s)
{
    const char *p = s;
    if (*p == '-' || *p == '+') p++;
    const char *d = p;
    while (*p >= '0' && *p <= '9') p++;
    size_t digits = (size_t)(p - d);
    if (*p == '.') {
        const char *f = ++p;
        while (*p >= '0' && *p <= '9') p++;
        digits += (size_t)(p - f);
    }
    if (digits == 0 || digits > 40) return false;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '-' || *p == '+') p++;
        const char *e = p;
        while (*p >= '0' && *p <= '9') p++;
        if (p == e || p - e > 3) return false;
    }
    return *p == 0;
}

static bool is_key(const open311_attr_def *def, const char *v)
{
    for (size_t k = 0; k < def->nkeys; k++)
        if (def->keys[k] && strcmp(def->keys[k], v) == 0) return true;
    return false;
}

bool open311_attr_value_ok(const open311_attr_def *def, const char *v)
{
    int64_t t;
    switch (def->datatype) {
    case OPEN311_STRING:
        return !strpbrk(v, "\r\n") && open311_attr_chars(v) <= OPEN311_STRING_MAX;
    case OPEN311_TEXT: return open311_attr_chars(v) <= OPEN311_TEXT_MAX;
    case OPEN311_NUMBER: return decimal_ok(v);
    case OPEN311_DATETIME: return civil_parse_time(v, strlen(v), 0, &t) == 0;
    case OPEN311_SINGLEVALUELIST:
    case OPEN311_MULTIVALUELIST: return is_key(def, v);
    default: return false;
    }
}

static const char *rule_of(open311_datatype t)
{
    switch (t) {
    case OPEN311_STRING: return "one line of at most 200 characters";
    case OPEN311_TEXT: return "at most 4000 characters";
    case OPEN311_NUMBER: return "a decimal number";
    case OPEN311_DATETIME: return "an ISO 8601 date and time";
    default: return "one of the keys of the service definition";
    }
}

static HL_MUST_CHECK int problem(open311_attr_problem *p, const char *code, const char *message)
{
    p->code = code;
    p->message = message;
    return HL_EINVAL;
}

int open311_attr_collect(const open311_attr_def *defs, size_t ndefs, const char *const *names,
                         const char *const *vals, size_t n, open311_attr_value *out, size_t cap,
                         size_t *nout, open311_attr_problem *p)
{
    size_t k = 0;
    *nout = 0;
    for (size_t i = 0; i < n; i++) {
        const char *code;
        size_t clen;
        bool multi;
        int rc = open311_attr_field(names[i], strlen(names[i]), &code, &clen, &multi);
        if (rc == HL_ENOTFOUND) continue;
        if (rc) return problem(p, names[i], "attribute fields are attribute[CODE] or attribute[CODE][]");
        size_t d = 0;
        while (d < ndefs && !(strlen(defs[d].code) == clen && memcmp(defs[d].code, code, clen) == 0))
            d++;
        if (d == ndefs || !defs[d].variable || !vals[i][0]) continue;
        const open311_attr_def *def = &defs[d];
        bool seen = false;
        for (size_t j = 0; j < k && !seen; j++)
            seen = out[j].def == d &&
                   (def->datatype != OPEN311_MULTIVALUELIST || strcmp(out[j].value, vals[i]) == 0);
        if (seen && def->datatype != OPEN311_MULTIVALUELIST)
            return problem(p, def->code, "this attribute takes one value");
        if (!open311_attr_value_ok(def, vals[i])) return problem(p, def->code, rule_of(def->datatype));
        if (seen) continue; /* the same key twice */
        if (k == cap) {
            /* its text; the code is HL_ERANGE, not its HL_EINVAL */
            err_ignore(problem(p, def->code, "too many attribute values"));
            return HL_ERANGE;
        }
        out[k++] = (open311_attr_value){d, vals[i]};
    }
    for (size_t d = 0; d < ndefs; d++) {
        if (!defs[d].required || !defs[d].variable) continue;
        bool have = false;
        for (size_t j = 0; j < k && !have; j++) have = out[j].def == d;
        if (!have) return problem(p, defs[d].code, "this attribute is required");
    }
    *nout = k;
    return 0;
}
