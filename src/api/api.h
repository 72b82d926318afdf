/* api.h — the API layer: routes that turn HTTP into core + store calls.
 * Every route declares which roles may call it; the dispatcher authenticates the caller
 * (session cookie or API token), refuses the wrong role (401/403), checks CSRF on cookie
 * writes and the JSON content type, then runs the handler. Handlers check unit scope for the
 * object they touch with api_require_unit. */
#ifndef HOTLINE_API_API_H
#define HOTLINE_API_API_H
#include "util/err.h"
#include "core/role.h"
#include "http/hub.h"
#include "http/json_check.h"
#include "http/multipart.h"
#include "http/request.h"
#include "store/people.h"

typedef struct api_limits api_limits; /* per-client limits (api/limits.h) */

typedef struct {
    store *st;
    const char *webroot;     /* resolved absolute path, or NULL to serve no pages */
    int64_t session_seconds; /* login session lifetime */
    int utc_offset_min;      /* local time zone of the city */
    bool cookie_secure;      /* add Secure to cookies (behind HTTPS) */
    hub *hub;                /* live events (api_publish), read by GET /api/events/stream */
    api_limits *limits;      /* rate limits and login lockouts; NULL = none */
    const char *jurisdiction; /* Open311 jurisdiction_id: the city's web domain */
    multipart_limits upload;  /* files in one upload and bytes of each (api/attachments.h) */
    struct store_watch *events_watch; /* other servers' events (api_events_start) */
} api_app;

/* Why a request was refused: the four things an error answer carries (docs/api.md "Errors"),
 * recorded by api_refuse before anything is sent, so that the caller learns the reason and the
 * route's own format answers it (api_dispatch: the JSON error shape; Open311: the spec's). */
typedef struct {
    int status;          /* 0: nothing refused */
    const char *code;    /* e.g. "invalid_field"; arena strings, like message and field */
    const char *message;
    const char *field;   /* the offending field or parameter, or NULL */
} api_refusal;

typedef struct {
    http_req *r;
    api_app *app;
    bool authed;
    bool via_cookie;
    store_user user; /* the caller, when authed */
    api_refusal refusal; /* set by api_refuse; answered by api_dispatch if the handler did not */
    struct api_upload *upload; /* a multipart/form-data body's files, checked (api_body), or NULL */
} api_ctx;

typedef void (*api_handler)(api_ctx *c);

#define API_PUBLIC 0u /* roles value for routes anyone may call */

typedef struct {
    const char *method, *pattern;
    api_handler fn;
    role_set roles; /* API_PUBLIC or a set of ROLE_BIT()s */
} api_route;

/* Builds the router from every module's route table. 0 or HL_E*. */
HL_MUST_CHECK int api_init(api_app *app);
void api_shutdown(void);
/* Whether a request to method + path reaches a route that takes files (api_route_takes_files,
 * or Open311's POST): the server's takes_files, so that only those bodies may be as large as
 * an upload. */
bool api_path_takes_files(const char *method, const char *path, size_t path_len);
/* The http_handler_fn given to the server; ud is the api_app. */
void api_dispatch(http_req *r, void *ud);

/* Route tables of the modules (api_*.c), each ending with a {NULL} entry. */
extern const api_route api_auth_routes[];
extern const api_route api_ops_routes[];
extern const api_route api_units_routes[];
extern const api_route api_categories_routes[];
extern const api_route api_routing_routes[];
extern const api_route api_calendar_routes[];
extern const api_route api_time_limits_routes[];
extern const api_route api_users_routes[];
extern const api_route api_events_routes[];
extern const api_route api_cases_routes[];
extern const api_route api_case_actions_routes[];
extern const api_route api_appraisal_routes[], api_analytics_routes[], api_export_routes[];
extern const api_route api_kb_routes[];         /* issue 7: kb.c, suggest.c, duplicates.c, alerts.c */
extern const api_route api_suggest_routes[];
extern const api_route api_duplicates_routes[];
extern const api_route api_alerts_routes[];
extern const api_route api_open311_routes[];
extern const api_route api_audit_routes[];
extern const api_route api_reveal_routes[];
extern const api_route api_public_catalog_routes[];
extern const api_route api_calls_routes[];
extern const api_route api_case_attachments_routes[]; /* issue 16: files on requests */
extern const api_route api_attachment_download_routes[];

/* ---- helpers every handler uses ----
 * A helper that may refuse the request returns int: 0 to go on; HL_DONE when it refused (the
 * refusal is recorded in c->refusal, nothing is sent yet); or the HL_E* code of an error it
 * did not turn into a refusal (a store failure), for the caller to pass to api_refuse_rc.
 * The caller stops on any non-zero code: `rc = helper(...); if (rc) goto out;`. */

/* Records the refusal (strings are copied into the request's arena) and returns HL_DONE.
 * field may be NULL. A later refusal replaces an earlier one, as a later answer would. */
int api_refuse(api_ctx *c, int status, const char *code, const char *message,
               const char *field);
/* Turns a helper's code into a recorded refusal: 0 stays 0 and records nothing, HL_DONE stays
 * (already recorded), an HL_E* code records what http_send_rc would answer for it (its status,
 * name and generic message; Retry-After on 503). Returns HL_DONE for any non-zero rc. */
int api_refuse_rc(api_ctx *c, int rc);
/* Answers the recorded refusal in the JSON error shape, unless something was answered already.
 * api_dispatch calls it after every handler. */
void api_answer_refusal(api_ctx *c);

/* Parses and validates the JSON body against fields into *doc (the caller owns the reference).
 * On failure refuses 400 (the checker's code, message and field) and returns HL_DONE.
 * On a route that takes files (api_route_takes_files) the body may instead be
 * multipart/form-data: the document is then its "json" part, and its files are read and
 * checked (api/attachments.h api_upload_read) into c->upload for the handler to store. */
HL_MUST_CHECK int api_body(api_ctx *c, const json_field *fields, size_t n, json_t **doc);
/* 0 when the caller may act on objects of unit_id: centre roles always, unit-scoped roles
 * only within their own unit's subtree. Otherwise refuses 403 (HL_DONE), or a store error. */
HL_MUST_CHECK int api_require_unit(api_ctx *c, int64_t unit_id);
/* Refuses 404 "no such <what>"; HL_DONE. */
int api_not_found(api_ctx *c, const char *what);
/* A string member or NULL. */
const char *api_str(const json_t *obj, const char *key);
/* A query parameter as an integer in lo..hi, or a time (ISO 8601, local zone by default),
 * into *out — left alone when the parameter is absent. On a bad value refuses 400
 * invalid_field naming the parameter (HL_DONE). */
HL_MUST_CHECK int api_query_int(api_ctx *c, const char *name, int64_t lo, int64_t hi, int64_t *out);
HL_MUST_CHECK int api_query_time(api_ctx *c, const char *name, int64_t *out);
/* A code (units, categories): 1..40 characters of [A-Za-z0-9_-]. */
bool api_code_valid(const char *code);
/* Refuses 422 invalid_field with the message for that field; HL_DONE. */
int api_invalid(api_ctx *c, const char *field, const char *message);
/* Publishes an event: appends it to the store's log of live events (store/events.h), then
 * brings the hub up to date with the log (api/events.h); takes the reference to data. Call it
 * after the action's commit. Returns the event's number (database-wide) or a negative HL_E*
 * code. */
int64_t api_publish(api_ctx *c, const char *type, json_t *data);
/* The same, addressed to one user (user_id > 0): only that user's event streams get it. */
int64_t api_publish_to(api_ctx *c, const char *type, json_t *data, int64_t user_id);
/* Current time in Unix seconds: clock_now (util/clock.h), the clock the tests control. */
int64_t api_now(void);

#endif
