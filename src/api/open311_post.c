/* open311_post.c — POST requests.{json,xml}: a GeoReport v2 form (api_key, service_code, one
 * location, description, attribute answers, contact details) checked by the spec's rules and
 * registered through the same steps as every other intake (api_case_category,
 * api_case_commit) as channel "open311" by the integrator whose API token is the api_key. */
#include "api/auth.h"
#include "api/cases.h"
#include "api/open311.h"
#include "core/open311_attr.h"
#include "util/err.h"
#include "util/log.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_ANSWERS 64

/* The integrator owning the api_key (an API token). Refuses 403 (the spec's code for a bad
 * or missing key). */
static int integrator(api_ctx *c, const char *key)
{
    const char *why = "api_key is missing";
    if (key) {
        why = "api_key is not valid";
        store_user u;
        int rc = auth_token_user(c, key, &u);
        if (rc && rc != HL_ENOTFOUND)
            return open311_refuse(c, 500, "the key cannot be checked now");
        if (!rc && u.role != ROLE_INTEGRATOR) why = "api_key is not an integration's key";
        else if (!rc) {
            c->user = u;
            c->authed = true;
            c->r->user_id = u.id;
            return 0;
        }
    }
    return open311_refuse(c, 403, why);
}

/* A coordinate: a plain decimal within [-lim, lim]. */
static bool coordinate(const char *s, double lim, double *out)
{
    static const open311_attr_def number = {"", OPEN311_NUMBER, false, true, NULL, 0};
    if (!open311_attr_value_ok(&number, s)) return false;
    *out = strtod(s, NULL);
    return isfinite(*out) && fabs(*out) <= lim;
}

static bool too_long(const char *s, size_t max) { return s && open311_attr_chars(s) > max; }

/* The service's definition in core's form, keys read from each list's JSON values. */
static int definitions(api_ctx *c, int64_t category_id, open311_attr_def **defs, size_t *n)
{
    store_service_attr *attrs;
    int rc = store_service_attrs_list(c->app->st, c->r->a, category_id, &attrs, n);
    if (rc) return rc;
    *defs = arena_alloc(c->r->a, (*n ? *n : 1) * sizeof **defs);
    if (!*defs) return HL_ENOMEM;
    for (size_t i = 0; i < *n; i++) {
        open311_attr_def *d = &(*defs)[i];
        d->code = attrs[i].code;
        d->required = attrs[i].required;
        d->variable = attrs[i].variable;
        if (open311_attr_datatype_parse(attrs[i].datatype, &d->datatype)) return HL_EIO;
        json_t *vals = json_loads(attrs[i].values, 0, NULL), *v;
        size_t nk = json_array_size(vals), k;
        const char **keys = arena_alloc(c->r->a, (nk ? nk : 1) * sizeof *keys);
        json_array_foreach(vals, k, v) {
            const char *key = json_string_value(json_object_get(v, "key"));
            if (keys) keys[k] = arena_strdup(c->r->a, key ? key : "");
        }
        json_decref(vals);
        if (!keys) return HL_ENOMEM;
        d->keys = keys;
        d->nkeys = nk;
    }
    return 0;
}

/* Checks the answers; fills the store's form of them. Refuses 400 (HL_DONE). */
static int answers(api_ctx *c, int64_t category_id, const urlenc_params *form,
                   store_case_attr **out, size_t *nout)
{
    open311_attr_def *defs;
    size_t ndefs;
    int rc = definitions(c, category_id, &defs, &ndefs);
    if (rc) return open311_refuse(c, 500, "the service definition cannot be read now");
    size_t n = form->count;
    const char **names = arena_alloc(c->r->a, (n ? n : 1) * sizeof *names);
    const char **vals = arena_alloc(c->r->a, (n ? n : 1) * sizeof *vals);
    open311_attr_value got[MAX_ANSWERS];
    open311_attr_problem p = {0};
    size_t ngot = 0;
    if (!names || !vals) rc = HL_ENOMEM;
    for (size_t i = 0; !rc && i < n; i++) {
        names[i] = form->items[i].name;
        vals[i] = form->items[i].val;
    }
    if (!rc)
        rc = open311_attr_collect(defs, ndefs, names, vals, n, got, MAX_ANSWERS, &ngot, &p);
    if (rc == HL_EINVAL || rc == HL_ERANGE)
        return open311_refuse(c, 400,
                              arena_printf(c->r->a, "attribute[%s]: %s", p.code, p.message));
    *out = arena_alloc(c->r->a, (ngot ? ngot : 1) * sizeof **out);
    if (rc || !*out) return open311_refuse(c, 500, "out of memory");
    for (size_t i = 0; i < ngot; i++) (*out)[i] = (store_case_attr){defs[got[i].def].code, got[i].value};
    *nout = ngot;
    return 0;
}

static bool ascii(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s >= 0x80) return false;
    return true;
}

/* first_name + last_name as one caller name: "Jane Doe", or 张 + 三 → "张三" (family name
 * first, no space) when either is not ASCII. */
static const char *caller_name(arena *a, const char *first, const char *last)
{
    if (!first || !last) return first ? first : last ? last : "";
    if (ascii(first) && ascii(last)) return arena_printf(a, "%s %s", first, last);
    return arena_printf(a, "%s%s", last, first);
}

/* Which field is wrong, if any, among the optional ones (contact, media). */
static const char *bad_optional(api_ctx *c, const urlenc_params *f)
{
    const char *email = open311_arg(c, f, "email"), *media = open311_arg(c, f, "media_url");
    if (email && (too_long(email, 254) || !strchr(email, '@'))) return "email is not an address";
    if (too_long(open311_arg(c, f, "first_name"), 50) || too_long(open311_arg(c, f, "last_name"), 50))
        return "first_name and last_name have at most 50 characters each";
    if (too_long(open311_arg(c, f, "device_id"), 100) || too_long(open311_arg(c, f, "account_id"), 100))
        return "device_id and account_id have at most 100 characters each";
    if (media && (too_long(media, 1000) ||
                  (strncasecmp(media, "http://", 7) != 0 && strncasecmp(media, "https://", 8) != 0)))
        return "media_url is an http or https URL of at most 1000 characters";
    return NULL;
}

static bool form_content(api_ctx *c)
{
    const char *ct = http_header(c->r, "Content-Type");
    if (!ct) return c->r->body.len == 0;
    size_t n = strcspn(ct, ";");
    while (n && ct[n - 1] == ' ') n--;
    return n == 33 && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0;
}

void open311_request_post(api_ctx *c)
{
    open311_format fmt;
    urlenc_params body = {0};
    int rc = open311_format_of(c, &fmt, NULL);
    if (rc) goto out;
    if (!form_content(c)) {
        rc = open311_refuse(c, 400, "send the request as application/x-www-form-urlencoded");
        goto out;
    }
    rc = urlenc_parse(c->r->a, c->r->body.data ? c->r->body.data : "", c->r->body.len, &body);
    if (rc) {
        rc = open311_refuse(c, 400, rc == HL_ERANGE ? "too many form fields"
                                                    : "the form is malformed (escapes or UTF-8)");
        goto out;
    }
    /* fields come from the body; a client that puts them in the query string is served too */
    const urlenc_params *f = body.count ? &body : &c->r->params;
    rc = open311_jurisdiction_ok(c, f);
    if (!rc) rc = integrator(c, open311_arg(c, f, "api_key"));
    if (rc) goto out;

    const char *code = open311_arg(c, f, "service_code");
    store_category cat;
    if (!code) {
        rc = open311_refuse(c, 400, "service_code is required");
        goto out;
    }
    if ((rc = open311_service_get(c, code, &cat))) {
        rc = open311_refuse(c, rc == HL_ENOTFOUND ? 404 : 500,
                            arena_printf(c->r->a, "service_code not found: %s", code));
        goto out;
    }
    const char *lat_s = open311_arg(c, f, "lat"), *lng_s = open311_arg(c, f, "long");
    const char *address = open311_arg(c, f, "address_string");
    const char *address_id = open311_arg(c, f, "address_id");
    const char *desc = open311_arg(c, f, "description"), *phone = open311_arg(c, f, "phone");
    store_case k = {.category_id = cat.id, .channel = "open311", .title = cat.name_zh,
                    .text = desc ? desc : "", .address = address ? address : ""};
    const char *problem = NULL;
    if ((lat_s != NULL) != (lng_s != NULL)) problem = "lat and long go together";
    else if (lat_s && (!coordinate(lat_s, 90, &k.lat) || !coordinate(lng_s, 180, &k.lng)))
        problem = "lat and long are WGS84 decimal degrees";
    else if (!lat_s && !address && !address_id)
        problem = "a location is required: lat and long, address_string or address_id";
    else if (too_long(address, 200) || too_long(address_id, 100))
        problem = "address_string has at most 200 characters, address_id at most 100";
    else if (too_long(desc, OPEN311_TEXT_MAX))
        problem = "description has at most 4000 characters";
    else if (phone && !api_phone_digits(c->r->a, phone, &k.caller_phone))
        problem = "phone is a telephone number of 3 to 20 digits";
    else problem = bad_optional(c, f);
    if (problem) {
        rc = open311_refuse(c, 400, problem);
        goto out;
    }
    store_case_attr *attrs = NULL;
    size_t nattrs = 0;
    rc = answers(c, cat.id, f, &attrs, &nattrs);
    if (rc) goto out;
    k.has_location = lat_s != NULL;
    k.caller_name = caller_name(c->r->a, open311_arg(c, f, "first_name"),
                                open311_arg(c, f, "last_name"));
    if (k.has_location && (rc = open311_locate(c, k.lat, k.lng, &k.district_id))) {
        rc = open311_refuse(c, 500, "the district map cannot be read now");
        goto out;
    }
    const char *account = open311_arg(c, f, "account_id");
    store_open311_extra extra = {
        .email = open311_arg(c, f, "email"), .device_id = open311_arg(c, f, "device_id"),
        .account_id = account, .media_url = open311_arg(c, f, "media_url"),
        .address_id = address_id, .attrs = attrs, .nattrs = nattrs};
    k.open311 = &extra; /* committed with the request, in its transaction */
    /* the shared steps refuse in hotline's terms (422 with a field, 409); answered below in
     * the spec's, or a store error as the generic refusal for it */
    bool replayed;
    rc = api_case_category(c, &k);
    if (!rc) rc = api_case_commit(c, &k, ROLE_INTEGRATOR, &replayed);
    if (rc) goto out;
    json_t *doc = json_pack("[{s:s, s:o, s:o}]", "service_request_id", k.number,
                            "service_notice",
                            open311_str(open311_notice(c, k.urgency, k.type, k.category_id)),
                            "account_id", open311_str(account));
    open311_send(c, replayed ? 200 : 201, fmt, "service_requests", "request", doc);
out:
    open311_answer_refusal(c, fmt, rc);
}
