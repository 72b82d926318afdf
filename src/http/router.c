/* router.c — method + path pattern routing: patterns compiled to segment arrays, linear scan. */
#include "http/router.h"
#include "util/err.h"
#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define ROUTER_MAX_PATH 2048
#define ROUTER_MAX_NAME 32 /* parameter names, including the NUL */

static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
#define NMETHODS (sizeof methods / sizeof methods[0])

/* Ranks used to pick the most specific of several matching patterns, compared depth by depth.
 * SEG_END is "the pattern ended exactly where the path ended": it only ever meets a wildcard
 * (two patterns that matched the same path can only differ in length through "*"). */
enum seg_kind { SEG_WILD = 1, SEG_PARAM = 2, SEG_LIT = 3, SEG_END = 4 };

typedef struct {
    const char *s; /* literal: into the pattern; parameter: route.names (NUL-terminated) */
    size_t len;
    enum seg_kind kind;
} seg;

/* Each route is its own allocation so that the parameter names handed out in route_match
 * (NUL-terminated copies, since ":id/users" has none after "id") stay put while the router
 * lives, even if routes are added later. */
typedef struct {
    const char *method;
    int midx; /* index in methods[] */
    void *data;
    int nseg; /* including a final "*" */
    int nparams;
    seg segs[ROUTER_MAX_SEGMENTS];
    char names[ROUTER_MAX_PARAMS][ROUTER_MAX_NAME];
} route;

struct router {
    route **routes;
    size_t n, cap;
};

/* A path split into its segments; pointers into the caller's path. */
typedef struct {
    const char *p[ROUTER_MAX_SEGMENTS];
    size_t len[ROUTER_MAX_SEGMENTS];
    int n;
    const char *end; /* end of the path without its trailing slash */
} split_path;

router *router_new(void)
{
    return calloc(1, sizeof(router));
}

void router_free(router *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->n; i++)
        free(r->routes[i]);
    free(r->routes);
    free(r);
}

/* Index of m in methods[], or -1. */
static int method_index(const char *m)
{
    for (size_t i = 0; i < NMETHODS; i++)
        if (strcmp(m, methods[i]) == 0) return (int)i;
    return -1;
}

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Literal segments: visible ASCII, no query/fragment markers, no ':' or '*' (reserved for
 * parameters, so a typo like "/a/id:" is caught at registration rather than never matching). */
static bool literal_char(char c)
{
    return c > 0x20 && c < 0x7f && !strchr("?#:*", c);
}

/* Patterns are canonical: "/" or "/seg/seg..." with no empty segment and no trailing slash. */
static int compile(route *rt, const char *pattern)
{
    size_t plen = strlen(pattern);
    if (plen == 0 || pattern[0] != '/' || plen > ROUTER_MAX_PATH) return HL_EINVAL;
    rt->nseg = 0;
    rt->nparams = 0;
    if (plen == 1) return 0;
    const char *p = pattern + 1, *end = pattern + plen;
    for (;;) {
        const char *slash = memchr(p, '/', (size_t)(end - p));
        const char *e = slash ? slash : end;
        size_t len = (size_t)(e - p);
        if (len == 0) return HL_EINVAL; /* "//" or a trailing slash */
        if (rt->nseg == ROUTER_MAX_SEGMENTS) return HL_EINVAL;
        seg *s = &rt->segs[rt->nseg];
        if (len == 1 && p[0] == '*') {
            if (slash) return HL_EINVAL; /* "*" only as the final segment */
            *s = (seg){"*", 1, SEG_WILD};
        } else if (p[0] == ':') {
            if (len == 1 || len > ROUTER_MAX_NAME - 1) return HL_EINVAL;
            for (size_t i = 1; i < len; i++)
                if (!name_char(p[i])) return HL_EINVAL;
            *s = (seg){p + 1, len - 1, SEG_PARAM};
        } else {
            for (size_t i = 0; i < len; i++)
                if (!literal_char(p[i])) return HL_EINVAL;
            *s = (seg){p, len, SEG_LIT};
        }
        if (s->kind != SEG_LIT) {
            if (rt->nparams == ROUTER_MAX_PARAMS) return HL_EINVAL;
            for (int i = 0; i < rt->nseg; i++) {
                const seg *o = &rt->segs[i];
                if (o->kind != SEG_LIT && o->len == s->len && memcmp(o->s, s->s, s->len) == 0)
                    return HL_EINVAL; /* the same parameter name twice */
            }
            char *name = rt->names[rt->nparams];
            memcpy(name, s->s, s->len);
            name[s->len] = 0;
            s->s = name;
            rt->nparams++;
        }
        rt->nseg++;
        if (!slash) return 0;
        p = slash + 1;
    }
}

/* Two patterns conflict when they would match exactly the same paths: same literals and
 * parameters/wildcard in the same places (parameter names do not matter). */
static bool same_shape(const route *a, const route *b)
{
    if (a->nseg != b->nseg) return false;
    for (int i = 0; i < a->nseg; i++) {
        const seg *x = &a->segs[i], *y = &b->segs[i];
        if (x->kind != y->kind) return false;
        if (x->kind == SEG_LIT && (x->len != y->len || memcmp(x->s, y->s, x->len) != 0))
            return false;
    }
    return true;
}

int router_add(router *r, const char *method, const char *pattern, void *data)
{
    assert(r);
    int midx = method && pattern ? method_index(method) : -1;
    if (midx < 0) return HL_EINVAL;
    route *rt = calloc(1, sizeof *rt);
    if (!rt) return HL_ENOMEM;
    rt->method = method;
    rt->midx = midx;
    rt->data = data;
    int rc = compile(rt, pattern);
    if (rc) goto fail;
    rc = HL_ECONFLICT;
    for (size_t i = 0; i < r->n; i++)
        if (r->routes[i]->midx == midx && same_shape(r->routes[i], rt)) goto fail;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        route **nr = realloc(r->routes, cap * sizeof *nr);
        rc = HL_ENOMEM;
        if (!nr) goto fail;
        r->routes = nr;
        r->cap = cap;
    }
    r->routes[r->n++] = rt;
    return 0;
fail:
    free(rt);
    return rc;
}

/* 0, or HL_EINVAL for a path that can match nothing (see router.h). */
static int split(const char *path, size_t len, split_path *sp)
{
    if (!path || len == 0 || path[0] != '/' || len > ROUTER_MAX_PATH) return HL_EINVAL;
    const char *end = path + len;
    if (len > 1 && end[-1] == '/') {
        end--; /* a trailing slash is ignored, except for "/" itself */
        if (end[-1] == '/') return HL_EINVAL; /* "//", "/a//": an empty segment before it */
    }
    sp->n = 0;
    sp->end = end;
    const char *p = path + 1;
    while (p < end) {
        const char *slash = memchr(p, '/', (size_t)(end - p));
        const char *e = slash ? slash : end;
        if (e == p) return HL_EINVAL; /* empty segment */
        if (sp->n == ROUTER_MAX_SEGMENTS) return HL_EINVAL;
        sp->p[sp->n] = p;
        sp->len[sp->n] = (size_t)(e - p);
        sp->n++;
        p = e + 1;
    }
    return 0;
}

/* Whether rt's pattern matches the path; O(segments). */
static bool matches(const route *rt, const split_path *sp)
{
    for (int i = 0; i < rt->nseg; i++) {
        const seg *s = &rt->segs[i];
        if (s->kind == SEG_WILD) return true; /* the rest, possibly nothing */
        if (i >= sp->n) return false;
        if (s->kind == SEG_LIT && (s->len != sp->len[i] || memcmp(s->s, sp->p[i], s->len) != 0))
            return false;
    }
    return rt->nseg == sp->n;
}

static enum seg_kind kind_at(const route *rt, int i)
{
    return i < rt->nseg ? rt->segs[i].kind : SEG_END;
}

/* Whether a is more specific than b (both match the same path): the first depth where they
 * differ decides, literal > parameter > wildcard. Ties cannot happen between two routes of the
 * same method (same_shape would have refused the second). */
static bool more_specific(const route *a, const route *b)
{
    int n = a->nseg > b->nseg ? a->nseg : b->nseg;
    for (int i = 0; i < n; i++) {
        enum seg_kind ka = kind_at(a, i), kb = kind_at(b, i);
        if (ka != kb) return ka > kb;
    }
    return false;
}

static void capture(const route *rt, const split_path *sp, route_match *m)
{
    m->data = rt->data;
    m->nparams = 0;
    for (int i = 0; i < rt->nseg; i++) {
        const seg *s = &rt->segs[i];
        if (s->kind == SEG_LIT) continue;
        route_param *pp = &m->params[m->nparams++];
        pp->name = s->kind == SEG_WILD ? "*" : s->s;
        if (s->kind == SEG_PARAM) {
            pp->val = sp->p[i];
            pp->len = sp->len[i];
        } else if (i < sp->n) {
            pp->val = sp->p[i];
            pp->len = (size_t)(sp->end - sp->p[i]);
        } else {
            pp->val = sp->end; /* empty remainder: points at the end of the path */
            pp->len = 0;
        }
    }
}

/* Appends "GET" / ", GET" to allow if it fits whole; allow stays NUL-terminated. */
static void allow_append(char *allow, size_t cap, size_t *used, const char *method)
{
    size_t ml = strlen(method), sep = *used ? 2 : 0;
    if (*used + sep + ml + 1 > cap) return;
    if (sep) {
        memcpy(allow + *used, ", ", 2);
        *used += 2;
    }
    memcpy(allow + *used, method, ml);
    *used += ml;
    allow[*used] = 0;
}

int router_match(const router *r, const char *method, const char *path, size_t path_len,
                 route_match *m, char *allow, size_t allow_cap)
{
    assert(r && m);
    memset(m, 0, sizeof *m);
    if (allow && allow_cap) allow[0] = 0;
    split_path sp;
    if (split(path, path_len, &sp)) return HL_ENOTFOUND;
    /* HEAD is GET without the body (libmicrohttpd leaves it out); OPTIONS... match no route */
    int midx = method ? method_index(strcmp(method, "HEAD") == 0 ? "GET" : method) : -1;
    const route *best = NULL;
    bool any = false;
    for (size_t i = 0; i < r->n; i++) {
        const route *rt = r->routes[i];
        if (!matches(rt, &sp)) continue;
        any = true;
        if (rt->midx == midx && (!best || more_specific(rt, best))) best = rt;
    }
    if (best) {
        capture(best, &sp, m);
        return 0;
    }
    if (!any) return HL_ENOTFOUND;
    if (allow && allow_cap) {
        size_t used = 0;
        bool seen[NMETHODS] = {false};
        for (size_t i = 0; i < r->n; i++) {
            const route *rt = r->routes[i];
            if (seen[rt->midx] || !matches(rt, &sp)) continue;
            seen[rt->midx] = true;
            allow_append(allow, allow_cap, &used, methods[rt->midx]);
        }
    }
    return HL_ECONFLICT;
}

const route_param *route_param_get(const route_match *m, const char *name)
{
    if (!m || !name) return NULL;
    for (int i = 0; i < m->nparams && i < ROUTER_MAX_PARAMS; i++)
        if (strcmp(m->params[i].name, name) == 0) return &m->params[i];
    return NULL;
}
