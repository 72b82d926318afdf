/* open311_out.c — Open311 answers in JSON and XML from one jansson tree (the spec's JSON is
 * the mechanical mapping of its XML). Our own small JSON writer instead of json_dumps: numbers
 * come out in the shortest form that reads back to the same double, so coordinates round-trip
 * exactly (42.35256619151805) without turning 30.59 into 30.589999999999999. */
#include "api/open311.h"
#include "core/civil.h"
#include "http/xml_out.h"
#include "util/buf.h"
#include "util/err.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DOC (32u << 20) /* 1,000 requests with notes stay far below this */

json_t *open311_time(api_ctx *c, int64_t t)
{
    if (!t) return json_null();
    char s[32];
    civil_format_time(t, c->app->utc_offset_min, s);
    return json_string(s);
}

json_t *open311_str(const char *s)
{
    json_t *v = json_string(s ? s : "");
    return v ? v : json_string(""); /* stored text is valid UTF-8; never leave a hole */
}

/* The shortest %.Ng (N = 15..17) that reads back to v. */
static void format_real(double v, char out[40])
{
    for (int p = 15; p <= 17; p++) {
        snprintf(out, 40, "%.*g", p, v);
        if (strtod(out, NULL) == v) return;
    }
}

static int json_text(buf *b, const char *s, size_t n)
{
    int rc = buf_append(b, "\"", 1);
    size_t run = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        char esc[8] = "";
        if (ch == '"' || ch == '\\') snprintf(esc, sizeof esc, "\\%c", ch);
        else if (ch == '\n') memcpy(esc, "\\n", 3);
        else if (ch == '\r') memcpy(esc, "\\r", 3);
        else if (ch == '\t') memcpy(esc, "\\t", 3);
        else if (ch < 0x20) snprintf(esc, sizeof esc, "\\u%04x", ch);
        if (!esc[0]) {
            run++;
            continue;
        }
        rc = buf_append(b, s + i - run, run);
        run = 0;
        if (!rc) rc = buf_puts(b, esc);
    }
    if (!rc) rc = buf_append(b, s + n - run, run);
    return rc ? rc : buf_append(b, "\"", 1);
}

static int json_write(buf *b, const json_t *v)
{
    int rc = 0;
    char num[40];
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *k;
        json_t *m;
        bool first = true;
        rc = buf_append(b, "{", 1);
        json_object_foreach((json_t *)v, k, m) {
            if (!rc && !first) rc = buf_append(b, ",", 1);
            if (!rc) rc = json_text(b, k, strlen(k));
            if (!rc) rc = buf_append(b, ":", 1);
            if (!rc) rc = json_write(b, m);
            first = false;
        }
        return rc ? rc : buf_append(b, "}", 1);
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *m;
        rc = buf_append(b, "[", 1);
        json_array_foreach(v, i, m) {
            if (!rc && i) rc = buf_append(b, ",", 1);
            if (!rc) rc = json_write(b, m);
        }
        return rc ? rc : buf_append(b, "]", 1);
    }
    case JSON_STRING: return json_text(b, json_string_value(v), json_string_length(v));
    case JSON_INTEGER: return buf_printf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    case JSON_REAL: format_real(json_real_value(v), num); return buf_puts(b, num);
    case JSON_TRUE: return buf_puts(b, "true");
    case JSON_FALSE: return buf_puts(b, "false");
    default: return buf_puts(b, "null");
    }
}

/* The element name of one item of a list called key: the spec's singulars. */
static const char *singular(const char *key)
{
    static const char *const pairs[][2] = {
        {"attributes", "attribute"}, {"values", "value"}, {"endpoints", "endpoint"},
        {"formats", "format"},       {"notes", "note"},   {"errors", "error"},
        {"services", "service"},     {"photos", "photo"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        if (strcmp(key, pairs[i][0]) == 0) return pairs[i][1];
    return "item";
}

static void xml_write(xml_out *x, const char *name, const json_t *v)
{
    char num[40];
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *k;
        json_t *m;
        xml_out_open(x, name);
        json_object_foreach((json_t *)v, k, m) xml_write(x, k, m);
        xml_out_close(x, name);
        return;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *m;
        xml_out_open(x, name);
        json_array_foreach(v, i, m) xml_write(x, singular(name), m);
        xml_out_close(x, name);
        return;
    }
    case JSON_STRING:
        xml_out_element(x, name, json_string_value(v), json_string_length(v));
        return;
    case JSON_INTEGER:
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        break;
    case JSON_REAL: format_real(json_real_value(v), num); break;
    case JSON_TRUE: memcpy(num, "true", 5); break;
    case JSON_FALSE: memcpy(num, "false", 6); break;
    default: num[0] = 0; break; /* null: an empty element */
    }
    xml_out_element(x, name, num, strlen(num));
}

void open311_send(api_ctx *c, int status, open311_format fmt, const char *root,
                  const char *item, json_t *doc)
{
    char *out = NULL;
    size_t len = 0;
    int rc = doc ? 0 : HL_ENOMEM;
    if (!rc && fmt == OPEN311_JSON) {
        buf b;
        buf_init(&b, MAX_DOC);
        rc = json_write(&b, doc);
        out = rc ? NULL : buf_steal(&b, &len);
        buf_free(&b);
        if (!rc && !out) rc = HL_ENOMEM;
    } else if (!rc) {
        xml_out x;
        xml_out_init(&x, MAX_DOC);
        if (json_is_array(doc)) {
            size_t i;
            json_t *m;
            xml_out_open(&x, root);
            json_array_foreach(doc, i, m) xml_write(&x, item, m);
            xml_out_close(&x, root);
        } else {
            xml_write(&x, root, doc);
        }
        rc = xml_out_finish(&x, &out, &len);
    }
    json_decref(doc);
    if (rc) {
        free(out);
        http_send_rc(c->r, rc);
        return;
    }
    http_send_bytes(c->r, status,
                    fmt == OPEN311_JSON ? "application/json; charset=utf-8"
                                        : "text/xml; charset=utf-8",
                    out, len);
    free(out);
}

void open311_error(api_ctx *c, open311_format fmt, int status, const char *description)
{
    json_t *doc = json_pack("[{s:i, s:s}]", "code", status, "description", description);
    open311_send(c, status, fmt, "errors", "error", doc);
}

int open311_refuse(api_ctx *c, int status, const char *description)
{
    const char *code = status == 400 ? "invalid"
                       : status == 403 ? "forbidden"
                       : status == 404 ? "not_found"
                                       : "internal";
    return api_refuse(c, status, code, description, NULL);
}

void open311_answer_refusal(api_ctx *c, open311_format fmt, int rc)
{
    if (!rc) return;
    api_refuse_rc(c, rc);
    const api_refusal *f = &c->refusal;
    int status = f->status == 422 || f->status == 409 ? 400 : f->status ? f->status : 500;
    const char *text = !f->message ? "the request could not be registered"
                       : f->field  ? arena_printf(c->r->a, "%s: %s", f->field, f->message)
                                   : f->message;
    open311_error(c, fmt, status, text ? text : f->message);
}
