/* open311.h — what the Open311 GeoReport v2 handlers (open311*.c) share: the format a route
 * asks for, the jurisdiction check, answers and errors in the spec's shapes (open311_out.c),
 * the time-limit notice and the texts of public updates. */
#ifndef HOTLINE_API_OPEN311_H
#define HOTLINE_API_OPEN311_H
#include "util/err.h"
#include "api/api.h"
#include "core/lifecycle.h"
#include "store/catalogue.h"

typedef enum { OPEN311_JSON = 0, OPEN311_XML } open311_format;

#define OPEN311_MAX_LIST 1000 /* the spec's default cap on a request list */

/* The format of the request from its last path segment ("requests.json", "033.xml"), and the
 * segment without its suffix in *name (decoded, in the arena). Otherwise refuses 404 with
 * *fmt XML, the spec's mandatory format (HL_DONE). */
HL_MUST_CHECK int open311_format_of(api_ctx *c, open311_format *fmt, const char **name);
/* A parameter: the form body's (POST) first, then the query's; NULL when absent or empty
 * (the spec: an empty optional argument is no argument). */
const char *open311_arg(api_ctx *c, const urlenc_params *form, const char *name);
/* jurisdiction_id may be left out; when given it must be ours, else refuses 404 (HL_DONE). */
HL_MUST_CHECK int open311_jurisdiction_ok(api_ctx *c, const urlenc_params *form);
/* Refuses with the spec's status and description (api_refuse, no field); HL_DONE. */
int open311_refuse(api_ctx *c, int status, const char *description);
/* Answers what a helper returned, in the spec's error shape: HL_DONE answers the recorded
 * refusal (ours, or a shared helper's such as api_case_commit's: "field: message", with 422
 * and 409 as 400), an HL_E* code the generic refusal for it (api_refuse_rc), 0 nothing. */
void open311_answer_refusal(api_ctx *c, open311_format fmt, int rc);

/* ---- open311_out.c ---- */

/* Sends doc (an array → <root><item>…</item></root>, an object → <root>…</root>) as JSON or
 * XML; arrays inside objects become <key><singular>…</singular></key>. Takes the reference. */
void open311_send(api_ctx *c, int status, open311_format fmt, const char *root,
                  const char *item, json_t *doc);
/* The spec's error shape: [{"code":status,"description":…}] / <errors><error>…. */
void open311_error(api_ctx *c, open311_format fmt, int status, const char *description);
/* A datetime as the spec writes it (offset included), or JSON null for 0. New reference. */
json_t *open311_time(api_ctx *c, int64_t t);
/* A string, "" for NULL. New reference. */
json_t *open311_str(const char *s);

/* ---- open311.c ---- */

/* The service (an active leaf category under active parents) with that code: 0, or
 * HL_ENOTFOUND, or a store error. */
HL_MUST_CHECK int open311_service_get(api_ctx *c, const char *code, store_category *out);

/* The service_notice of a category: its reply time limit, e.g. "承办单位签收后3个工作日内答复
 * (reply within 3 working days of sign-for)". "" when no policy applies. Arena string. */
const char *open311_notice(api_ctx *c, urgency u, request_type t, int64_t category_id);
/* What a public event tells the resident (notes, updates). Arena string. */
const char *open311_event_text(api_ctx *c, case_action a, const char *body,
                               const char *unit_name, int64_t reply_due);

/* ---- the handlers (open311_requests.c, open311_post.c) ---- */

void open311_requests_list(api_ctx *c);
void open311_request_one(api_ctx *c);
void open311_token(api_ctx *c);
void open311_updates(api_ctx *c);
void open311_request_post(api_ctx *c);

/* ---- open311_geo.c ---- */

/* The active district whose area holds the point (the first by unit id on a shared border);
 * 0 in *district_id when none does. 0 or HL_E*. */
HL_MUST_CHECK int open311_locate(api_ctx *c, double lat, double lng, int64_t *district_id);

#endif
