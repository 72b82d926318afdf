/* server.h — the HTTP server: libmicrohttpd in epoll mode with a thread pool, body and query
 * limits, security headers, one access-log line and one metrics observation per request.
 * What a request means is the handler's business (the API layer's dispatcher). */
#ifndef HOTLINE_HTTP_SERVER_H
#define HOTLINE_HTTP_SERVER_H
#include "util/err.h"
#include "http/framing.h"
#include "http/request.h"
#include <stddef.h>

#define HTTP_MAX_QUERY 4096        /* bytes of query string */

/* Called once per request, after the whole body arrived and within the limits; must answer
 * with one of the http_send_* functions. Runs on a pool thread: may block on the store. */
typedef void (*http_handler_fn)(http_req *r, void *ud);

typedef struct {
    const char *address; /* IPv4 address to bind, e.g. "127.0.0.1" or "0.0.0.0" */
    int port;
    int threads;
    size_t max_body; /* bytes; larger bodies get 413 */
    size_t max_upload; /* bytes of a multipart/form-data body (files): larger get 413; 0 = max_body */
    /* whether method + path takes files (the larger cap applies); NULL: every path does */
    bool (*takes_files)(const char *method, const char *path, size_t path_len);
    bool trust_proxy; /* client addresses from X-Forwarded-For (behind one reverse proxy) */
    int heartbeat_s;  /* seconds between comment lines on an idle event stream, >= 1 */
    int header_timeout_s; /* seconds a connection has to send a request's headers, >= 1 */
    int max_conn_per_address; /* connections one client address may hold; 0: no limit (the
                                 limit is not applied behind a trusted proxy) */
    http_handler_fn handler;
    void *ud;
} http_config;

typedef struct http_server http_server;

/* Starts serving; the caller owns *out and must stop it with http_server_stop. */
HL_MUST_CHECK int http_server_start(const http_config *cfg, http_server **out);
/* Stops accepting, finishes nothing further, frees. Accepts NULL. */
void http_server_stop(http_server *s);

#endif
