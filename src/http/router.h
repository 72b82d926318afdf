/* router.h — our own small router: method + path pattern → the registered route, with the
 * path parameters it captured. Patterns are literal segments and ":name" segments
 * ("/api/units/:id/users"); a final "*" segment matches the rest of the path, including
 * nothing (the pattern "/static/" followed by "*": spelled out because a slash-star inside a
 * comment trips -Wcomment). Literal segments win over ":name" segments at the same depth.
 * Pure: no I/O; the path is pointer + length and is not modified. */
#ifndef HOTLINE_HTTP_ROUTER_H
#define HOTLINE_HTTP_ROUTER_H
#include "util/err.h"
#include <stddef.h>

#define ROUTER_MAX_PARAMS 4
#define ROUTER_MAX_SEGMENTS 16

typedef struct router router;

typedef struct {
    const char *name; /* parameter name as in the pattern, without ':' ("*" for the rest) */
    const char *val;  /* points into the matched path; NOT NUL-terminated, not decoded */
    size_t len;
} route_param;

typedef struct {
    void *data; /* what router_add was given */
    int nparams;
    route_param params[ROUTER_MAX_PARAMS];
} route_match;

/* Caller owns the router; NULL on allocation failure. */
router *router_new(void);
/* Accepts NULL. */
void router_free(router *r);
/* Registers method ("GET", "POST", "PUT", "PATCH", "DELETE") + pattern → data. The strings
 * must outlive the router (string literals). 0, HL_EINVAL for a malformed pattern or too
 * many segments/params, HL_ECONFLICT when the same method + pattern is already there. */
HL_MUST_CHECK int router_add(router *r, const char *method, const char *pattern, void *data);
/* 0 and *m filled on a match. HL_ENOTFOUND when no pattern matches the path.
 * HL_ECONFLICT (→ 405) when some pattern matches the path but not with this method; then
 * allow receives the allowed methods, comma-separated ("GET, POST"), NUL-terminated.
 * A path that does not start with '/', is longer than 2048 bytes, has more than
 * ROUTER_MAX_SEGMENTS segments, or contains an empty segment ("//") other than a trailing
 * slash matches nothing. A trailing slash is ignored except for "/" itself. */
HL_MUST_CHECK int router_match(const router *r, const char *method, const char *path,
                               size_t path_len, route_match *m, char *allow, size_t allow_cap);
/* The captured parameter called name, or NULL. */
const route_param *route_param_get(const route_match *m, const char *name);

#endif
