/* fuzz_open311_form.c — libFuzzer target for the pure parts of an Open311 POST: the form is
 * decoded (http/urlencoded), its attribute answers checked against a definition with every
 * datatype (core/open311_attr), and the answers written as XML (http/xml_out). Checks that
 * whatever is accepted obeys the rules it was accepted under. */
#include "core/open311_attr.h"
#include "http/urlencoded.h"
#include "http/xml_out.h"
#include "util/err.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const lamp_keys[] = {"street", "garden", "tunnel"};
static const char *const time_keys[] = {"evening", "night", "dawn"};
static const open311_attr_def defs[] = {
    {"pole", OPEN311_STRING, false, true, NULL, 0},
    {"lamps", OPEN311_NUMBER, true, true, NULL, 0},
    {"since", OPEN311_DATETIME, false, true, NULL, 0},
    {"details", OPEN311_TEXT, false, true, NULL, 0},
    {"lamp_type", OPEN311_SINGLEVALUELIST, false, true, lamp_keys, 3},
    {"times", OPEN311_MULTIVALUELIST, false, true, time_keys, 3},
    {"note", OPEN311_STRING, true, false, NULL, 0},
};
#define NDEFS (sizeof defs / sizeof defs[0])
#define CAP 16

static void check_answers(const urlenc_params *p)
{
    const char **names = malloc((p->count ? p->count : 1) * sizeof *names);
    const char **vals = malloc((p->count ? p->count : 1) * sizeof *vals);
    if (!names || !vals) abort();
    for (size_t i = 0; i < p->count; i++) {
        names[i] = p->items[i].name;
        vals[i] = p->items[i].val;
        const char *code;
        size_t clen;
        bool multi;
        int rc = open311_attr_field(names[i], strlen(names[i]), &code, &clen, &multi);
        if (rc == 0 && (clen == 0 || clen > OPEN311_CODE_MAX || code < names[i])) abort();
        if (rc != 0 && rc != HL_EINVAL && rc != HL_ENOTFOUND) abort();
    }
    open311_attr_value out[CAP];
    open311_attr_problem prob = {0};
    size_t n = 0;
    int rc = open311_attr_collect(defs, NDEFS, names, vals, p->count, out, CAP, &n, &prob);
    if (rc == 0) {
        if (n > CAP) abort();
        bool have_lamps = false;
        for (size_t i = 0; i < n; i++) {
            if (out[i].def >= NDEFS || !defs[out[i].def].variable) abort();
            if (!open311_attr_value_ok(&defs[out[i].def], out[i].value)) abort();
            have_lamps |= out[i].def == 1;
            for (size_t j = 0; j < i; j++) /* no answer twice */
                if (out[j].def == out[i].def &&
                    (defs[out[i].def].datatype != OPEN311_MULTIVALUELIST ||
                     strcmp(out[j].value, out[i].value) == 0))
                    abort();
        }
        if (!have_lamps) abort(); /* the required one */
        xml_out x;
        xml_out_init(&x, 1 << 20);
        xml_out_open(&x, "attributes");
        for (size_t i = 0; i < n; i++) xml_out_element(&x, "value", out[i].value, strlen(out[i].value));
        xml_out_close(&x, "attributes");
        char *doc = NULL;
        if (xml_out_finish(&x, &doc, NULL) != 0) abort(); /* decoded forms are valid UTF-8 */
        free(doc);
    } else if ((rc != HL_EINVAL && rc != HL_ERANGE) || !prob.code || !prob.message) {
        abort();
    }
    free(names);
    free(vals);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena *a = arena_new();
    if (!a) return 0;
    char *s = malloc(size ? size : 1); /* exact size: reads past the end are caught */
    if (!s) goto out;
    memcpy(s, data, size);
    urlenc_params p;
    if (urlenc_parse(a, s, size, &p) == 0) check_answers(&p);
    /* the raw bytes as XML text: refused as a whole or escaped without a raw '<' or '&' */
    xml_out x;
    xml_out_init(&x, 1 << 20);
    xml_out_element(&x, "v", s, size);
    char *doc = NULL;
    size_t len = 0;
    if (xml_out_finish(&x, &doc, &len) == 0) {
        const char *body = strstr(doc, "<v");
        if (!body) abort();
        const char *text = strchr(body, '>');
        const char *end = strstr(doc, "</v>");
        if (text && end && text < end)
            for (const char *c = text + 1; c < end; c++)
                if (*c == '<' || ((unsigned char)*c < 0x20 && *c != '\t' && *c != '\n')) abort();
        free(doc);
    }
out:
    free(s);
    arena_free(a);
    return 0;
}
