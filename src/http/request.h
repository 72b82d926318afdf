/* request.h — one HTTP request as the handlers see it, and the one way to answer it.
 * Handlers never touch libmicrohttpd: they read the request through these accessors and
 * answer with http_send_json / http_send_error (the single JSON error shape:
 * {"error":{"code":"...","message":"...","field":"..."}}). Request-scoped memory comes from
 * r->a and is freed when the request completes. */
#ifndef HOTLINE_HTTP_REQUEST_H
#define HOTLINE_HTTP_REQUEST_H
#include "http/router.h"
#include "http/urlencoded.h"
#include "util/arena.h"
#include "util/buf.h"
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define HTTP_MAX_RESP_HEADERS 8

typedef struct http_req http_req;

struct http_req {
    arena *a;
    void *conn;          /* the libmicrohttpd connection (http/ only) */
    const char *method;  /* "GET", ... */
    const char *path;    /* raw path, NUL-terminated, without the query */
    size_t path_len;
    const char *query;   /* raw query string without '?', "" if none */
    size_t query_len;
    urlenc_params params; /* decoded query, filled before dispatch */
    buf body;
    route_match match;
    const char *route;   /* the matched pattern, for logs and metrics ("-" if none) */
    int64_t start_ns;

    /* who is calling (filled by the API's authentication) */
    int64_t user_id;

    /* the response being built */
    int status;
    char *resp;          /* malloc'd */
    size_t resp_len;
    const char *content_type;
    int resp_fd;         /* >= 0: send this file instead of resp */
    int64_t resp_fd_size;
    void *stream;        /* a prepared MHD response (http/sse.c), sent instead of resp */
    int nheaders;
    const char *hname[HTTP_MAX_RESP_HEADERS], *hval[HTTP_MAX_RESP_HEADERS];

    /* server bookkeeping */
    bool started, too_large, responded;
    bool trust_proxy;    /* take the client address from X-Forwarded-For (http_client_addr) */
    void *server;
    void *sse;           /* the server's event streams (http/sse.c) */
    int64_t stream_ns;   /* a stream's setup time: what the latency metric records for it */
};

/* A request header's value (case-insensitive name), or NULL. */
const char *http_header(http_req *r, const char *name);
/* A cookie's value (the name matched exactly, as RFC 6265 says; the last if several), or
 * NULL. */
const char *http_cookie(http_req *r, const char *name);
/* A decoded query parameter, or NULL. */
const char *http_query(http_req *r, const char *name);
/* A path parameter captured by the route, decoded and NUL-terminated in the arena, or NULL. */
const char *http_param(http_req *r, const char *name);
/* The path parameter as a positive integer id; 0 when absent or not a positive integer. */
int64_t http_param_id(http_req *r, const char *name);
/* The client's address as text ("203.0.113.7", "2001:db8::5"): the socket's peer; with the
 * server's trust_proxy, the last address of the last X-Forwarded-For line instead (the one
 * our proxy added: the lines and addresses before it are whatever the client sent). "" when unknown. Arena string. */
const char *http_client_addr(http_req *r);

/* Adds a response header; name and value must live until the request completes (literals or
 * arena strings). Extra headers beyond HTTP_MAX_RESP_HEADERS are dropped (a programmer error). */
void http_add_header(http_req *r, const char *name, const char *value);
/* Answers with the JSON document; takes the reference (decrefs it). */
void http_send_json(http_req *r, int status, json_t *doc);
/* Answers with the error shape; field may be NULL. */
void http_send_error(http_req *r, int status, const char *code, const char *message,
                     const char *field);
/* Answers an HL_E* code from the core or the store with its status and a generic message. */
void http_send_rc(http_req *r, int rc);
/* The generic message http_send_rc answers for an HL_E* code. Never NULL. */
const char *http_rc_message(int rc);
/* Answers with a body copied from data. */
void http_send_bytes(http_req *r, int status, const char *content_type, const char *data,
                     size_t len);
/* 204 No Content. */
void http_send_empty(http_req *r, int status);
/* The HTTP status for an HL_E* code. */
int http_status_for(int rc);

#endif
