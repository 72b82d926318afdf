/* request.c — request accessors and response builders (see request.h). */
#include "http/request.h"
#include "util/err.h"
#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *http_header(http_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

typedef struct {
    const char *name, *value;
    bool exact; /* names compared byte for byte (cookies), else without regard to case */
} lookup;

static enum MHD_Result keep_last(void *cls, enum MHD_ValueKind kind, const char *name,
                                 const char *value)
{
    (void)kind;
    lookup *l = cls;
    if (value && (l->exact ? strcmp(name, l->name) : strcasecmp(name, l->name)) == 0)
        l->value = value;
    return MHD_YES;
}

/* libmicrohttpd's lookup returns the first match and compares names without regard to case */
static const char *last_value(http_req *r, enum MHD_ValueKind kind, const char *name, bool exact)
{
    lookup l = {name, NULL, exact};
    MHD_get_connection_values(r->conn, kind, keep_last, &l);
    return l.value;
}

const char *http_cookie(http_req *r, const char *name)
{
    /* RFC 6265: cookie names are case-sensitive; HOTLINE_SESSION is not our cookie */
    return last_value(r, MHD_COOKIE_KIND, name, true);
}

const char *http_query(http_req *r, const char *name) { return urlenc_get(&r->params, name); }

const char *http_param(http_req *r, const char *name)
{
    const route_param *p = route_param_get(&r->match, name);
    if (!p) return NULL;
    char *out = NULL;
    size_t len = 0;
    if (urlenc_decode(r->a, p->val, p->len, &out, &len)) return NULL;
    return out;
}

int64_t http_param_id(http_req *r, const char *name)
{
    const route_param *p = route_param_get(&r->match, name);
    if (!p || p->len == 0 || p->len > 15) return 0;
    int64_t v = 0;
    for (size_t i = 0; i < p->len; i++) {
        if (p->val[i] < '0' || p->val[i] > '9') return 0;
        v = v * 10 + (p->val[i] - '0');
    }
    return v;
}

/* The last comma-separated element of an X-Forwarded-For value, if it is an IP address. */
static const char *forwarded_for(http_req *r, const char *xff)
{
    const char *last = strrchr(xff, ',');
    last = last ? last + 1 : xff;
    while (*last == ' ' || *last == '\t') last++;
    size_t n = strcspn(last, " \t");
    char *ip = arena_strndup(r->a, last, n);
    unsigned char bin[sizeof(struct in6_addr)];
    if (!ip || n == 0 || n >= INET6_ADDRSTRLEN ||
        (inet_pton(AF_INET, ip, bin) != 1 && inet_pton(AF_INET6, ip, bin) != 1))
        return NULL;
    return ip;
}

const char *http_client_addr(http_req *r)
{
    /* the proxy appends its line after any the client sent: the last line is the proxy's */
    const char *xff = r->trust_proxy ? last_value(r, MHD_HEADER_KIND, "X-Forwarded-For", false)
                                     : NULL;
    const char *ip = xff ? forwarded_for(r, xff) : NULL;
    if (ip) return ip;
    const union MHD_ConnectionInfo *ci =
        r->conn ? MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS) : NULL;
    char text[INET6_ADDRSTRLEN] = "";
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, text,
                  sizeof text);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, text,
                  sizeof text);
    ip = arena_strdup(r->a, text);
    return ip ? ip : "";
}

void http_add_header(http_req *r, const char *name, const char *value)
{
    if (r->nheaders >= HTTP_MAX_RESP_HEADERS) return;
    r->hname[r->nheaders] = name;
    r->hval[r->nheaders] = value;
    r->nheaders++;
}

static void set_body(http_req *r, int status, const char *ctype, char *data, size_t len)
{
    free(r->resp);
    r->status = status;
    r->content_type = ctype;
    r->resp = data;
    r->resp_len = len;
    r->responded = true;
}

void http_send_json(http_req *r, int status, json_t *doc)
{
    char *s = doc ? json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(12)) : NULL;
    json_decref(doc);
    if (!s) {
        set_body(r, 500, "application/json", strdup("{\"error\":{\"code\":\"internal\","
                                                    "\"message\":\"out of memory\"}}"),
                 0);
        if (r->resp) r->resp_len = strlen(r->resp);
        return;
    }
    set_body(r, status, "application/json; charset=utf-8", s, strlen(s));
}

void http_send_error(http_req *r, int status, const char *code, const char *message,
                     const char *field)
{
    json_t *err = json_pack("{s:s, s:s}", "code", code, "message", message);
    if (err && field) json_object_set_new(err, "field", json_string(field));
    http_send_json(r, status, json_pack("{s:o}", "error", err));
}

int http_status_for(int rc)
{
    switch (rc) {
    case HL_OK: return 200;
    case HL_EINVAL: return 422;
    case HL_ENOTFOUND: return 404;
    case HL_ECONFLICT: return 409;
    case HL_EREF: return 422;
    case HL_EFORBIDDEN: return 403;
    case HL_ESTATE: return 409;
    case HL_ERANGE: return 413;
    case HL_EFULL:
    case HL_EREADONLY:
    case HL_EUNAVAIL:
    case HL_EBUSY: return 503;
    default: return 500;
    }
}

const char *http_rc_message(int rc)
{
    switch (rc) {
    case HL_EINVAL: return "the request breaks a rule of the data";
    case HL_ENOTFOUND: return "no such object";
    case HL_ECONFLICT: return "conflicts with an existing object";
    case HL_EREF: return "refers to an object that does not exist or is inactive";
    case HL_ERANGE: return "too large";
    case HL_EFORBIDDEN: return "your role or unit may not do this";
    case HL_ESTATE: return "the object's state does not allow this";
    case HL_EFULL: return "the store is full; nothing was written, try again later";
    case HL_EREADONLY: return "the store is read-only; nothing was written";
    case HL_EBUSY: return "the server is busy or shutting down; nothing was written";
    case HL_EUNAVAIL:
        return "the store cannot be reached; the request was not acknowledged, try again later";
    default: return "internal error; nothing was written";
    }
}

void http_send_rc(http_req *r, int rc)
{
    int status = http_status_for(rc);
    if (status == 503) http_add_header(r, "Retry-After", "5");
    http_send_error(r, status, hl_strerror(rc), http_rc_message(rc), NULL);
}

void http_send_bytes(http_req *r, int status, const char *content_type, const char *data,
                     size_t len)
{
    char *copy = malloc(len ? len : 1);
    if (!copy) {
        http_send_rc(r, HL_ENOMEM);
        return;
    }
    if (len) memcpy(copy, data, len);
    set_body(r, status, content_type, copy, len);
}

void http_send_empty(http_req *r, int status) { set_body(r, status, NULL, NULL, 0); }
