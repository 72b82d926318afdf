/* server.c — libmicrohttpd glue. The request context is created in the URI-log callback
 * (which sees the raw URI, so we parse the query ourselves), filled by the access handler,
 * and freed in the completion callback, which also writes the access log and the metrics. */
#include "http/server.h"
#include "http/conn_watch.h"
#include "http/metrics.h"
#include "http/multipart.h"
#include "http/sse.h"
#include "util/err.h"
#include "util/log.h"
#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* libmicrohttpd's memory for one connection: the read buffer (the request line and the
 * headers) and its records of the headers and cookies. The limits are ours (HTTP_MAX_QUERY,
 * HTTP_MAX_HEADER_BYTES, HTTP_MAX_HEADER_LINES, answered in JSON); this is room enough that
 * libmicrohttpd never runs out below them: 32 KiB of headers may be 6,000 cookies of 56 bytes
 * of bookkeeping each. Pages are touched only as they are used. */
#define HTTP_CONN_MEMORY (512 * 1024)

struct http_server {
    struct MHD_Daemon *d;
    http_config cfg;
    sse_streams *sse;
    conn_watch *watch;
};

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    http_req *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->a = arena_new();
    if (!r->a) {
        free(r);
        return NULL;
    }
    r->server = cls;
    r->conn = conn;
    r->route = "-";
    r->resp_fd = -1;
    r->start_ns = now_ns();
    struct http_server *srv = cls;
    r->sse = srv->sse;
    r->trust_proxy = srv->cfg.trust_proxy;
    buf_init(&r->body, srv->cfg.max_body);
    const char *q = strchr(uri, '?');
    size_t plen = q ? (size_t)(q - uri) : strlen(uri);
    r->path = arena_strndup(r->a, uri, plen);
    r->path_len = plen;
    r->query = q ? arena_strdup(r->a, q + 1) : "";
    r->query_len = r->query ? strlen(r->query) : 0;
    /* We decode the query ourselves (urlenc_parse, with its limits). libmicrohttpd would
     * parse it too, right after this callback, into records in the connection's memory;
     * several hundred parameters exhaust it and the request then hangs unanswered. The URI
     * is its read buffer, so ending the query there leaves it nothing to parse. */
    if (q) ((char *)(uintptr_t)q)[1] = 0;
    if (!r->path || !r->query) r->too_large = true; /* arena cap: answer 413 */
    return r;
}

static void add_common_headers(struct MHD_Response *resp, const http_req *r, bool stream)
{
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; style-src 'self' "
                            "'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; "
                            "form-action 'self'");
    if (stream || strncmp(r->path, "/api/", 5) == 0 || strcmp(r->path, "/metrics") == 0)
        MHD_add_response_header(resp, "Cache-Control", "no-store");
    if (r->content_type) MHD_add_response_header(resp, "Content-Type", r->content_type);
    for (int i = 0; i < r->nheaders; i++) MHD_add_response_header(resp, r->hname[i], r->hval[i]);
}

static enum MHD_Result respond(struct MHD_Connection *conn, http_req *r)
{
    struct MHD_Response *resp;
    bool stream = r->stream != NULL;
    if (stream) {
        resp = r->stream; /* an event stream (http/sse.c); its free callback ends it */
        r->stream = NULL;
        r->stream_ns = now_ns() - r->start_ns;
    } else if (r->resp_fd >= 0) {
        resp = MHD_create_response_from_fd64((uint64_t)r->resp_fd_size, r->resp_fd);
        r->resp_fd = -1; /* MHD closes it */
    } else {
        resp = MHD_create_response_from_buffer(r->resp_len, r->resp ? r->resp : (void *)"",
                                               r->resp ? MHD_RESPMEM_MUST_FREE
                                                       : MHD_RESPMEM_PERSISTENT);
        if (resp) r->resp = NULL; /* MHD frees it */
    }
    if (!resp) return MHD_NO;
    add_common_headers(resp, r, stream);
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

typedef struct {
    http_field *f;
    size_t n, cap, lines;
} fields_acc;

/* libmicrohttpd 0.9.75 joins a folded line (obs-fold) onto a copy of the header's name
 * made elsewhere in its memory, leaving the value where it was: in a line as received the
 * value follows the name's end (the colon, now a NUL) across spaces only. */
static bool folded(const char *name, const char *value)
{
    const char *p = name + strlen(name) + 1;
    if (value < p || value - p > 4096) return true;
    for (; p < value; p++)
        if (*p != ' ' && *p != '\t') return true;
    return false;
}

static enum MHD_Result add_field(void *cls, enum MHD_ValueKind kind, const char *name,
                                 const char *value)
{
    (void)kind;
    fields_acc *acc = cls;
    acc->lines++;
    if (acc->n < acc->cap)
        acc->f[acc->n++] = (http_field){name, value ? value : "", value && folded(name, value)};
    return MHD_YES;
}

/* The header block as framing.h judges it; false with the refusal sent when it fails. */
static bool framing_ok(struct MHD_Connection *conn, http_req *r, const char *version)
{
    fields_acc acc = {.cap = HTTP_MAX_HEADER_LINES + 1};
    acc.f = arena_alloc(r->a, acc.cap * sizeof *acc.f);
    if (!acc.f) {
        http_send_error(r, 503, "busy", "out of memory", NULL);
        return false;
    }
    MHD_get_connection_values(conn, MHD_HEADER_KIND, add_field, &acc);
    http_framing_error err;
    if (http_framing_ok(acc.f, acc.n, acc.lines, version, &err)) return true;
    http_send_error(r, err.status, err.code, err.message, NULL);
    return false;
}

static conn_watch_entry *watch_entry(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    struct http_server *srv = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        *socket_context = ci ? conn_watch_open(srv->watch, ci->connect_fd) : NULL;
    } else {
        conn_watch_close(srv->watch, *socket_context);
        *socket_context = NULL;
    }
}

static bool content_length_too_big(http_req *r, size_t max)
{
    const char *cl = http_header(r, "Content-Length");
    if (!cl) return false;
    char *end = NULL;
    unsigned long long v = strtoull(cl, &end, 10);
    return end == cl || *end || v > max;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version, const char *upload,
                                 size_t *upload_size, void **con_cls)
{
    (void)url;
    struct http_server *srv = cls;
    http_req *r = *con_cls;
    if (!r) return MHD_NO; /* out of memory in on_uri: drop the connection */
    if (!r->started) {
        r->started = true;
        r->method = method;
        conn_watch_headers_done(srv->watch, watch_entry(conn));
        /* a refusal on this first call closes the connection, as an unreadable request must */
        if (!framing_ok(conn, r, version)) return respond(conn, r);
        /* files come as multipart/form-data, with a cap of their own (the files' limits); the
         * body is still bounded, and refused at once when it says it is larger */
        if (srv->cfg.max_upload > srv->cfg.max_body &&
            multipart_is_form(http_header(r, "Content-Type")) &&
            (!srv->cfg.takes_files || srv->cfg.takes_files(method, r->path, r->path_len)))
            r->body.max = srv->cfg.max_upload;
        if (content_length_too_big(r, r->body.max)) {
            /* refuse at once instead of reading a body we will not keep; MHD then closes */
            http_send_error(r, 413, "body_too_large", "the request body is too large", NULL);
            return respond(conn, r);
        }
        return MHD_YES; /* respond on a later call: responding now breaks pipelining */
    }
    if (*upload_size) {
        if (!r->too_large && buf_append(&r->body, upload, *upload_size)) r->too_large = true;
        *upload_size = 0;
        return MHD_YES;
    }
    if (r->responded) return MHD_YES;
    if (r->too_large)
        http_send_error(r, 413, "body_too_large", "the request body is too large", NULL);
    else if (r->query_len > HTTP_MAX_QUERY)
        http_send_error(r, 414, "query_too_long", "the query string is too long", NULL);
    else if (urlenc_parse(r->a, r->query, r->query_len, &r->params))
        http_send_error(r, 400, "bad_query", "the query string is malformed", NULL);
    else
        srv->cfg.handler(r, srv->cfg.ud);
    if (!r->responded) http_send_error(r, 500, "internal", "no response", NULL);
    return respond(conn, r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct http_server *srv = cls;
    conn_watch_wait(srv->watch, watch_entry(conn)); /* the next request's headers are due */
    http_req *r = *con_cls;
    if (!r) return;
    int64_t dur = now_ns() - r->start_ns;
    if (r->method) {
        int status = r->status ? r->status : 499;
        /* a stream lasts as long as its client stays: its lifetime is no latency */
        metrics_observe(r->method, r->route, status, r->stream_ns ? r->stream_ns : dur);
        /* the path only: query strings may carry a caller's phone number */
        log_info("access %s %s %d %lld.%03lldms user=%lld%s", r->method, r->path, status,
                 (long long)(dur / 1000000), (long long)(dur / 1000 % 1000),
                 (long long)r->user_id, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted");
    }
    if (r->resp_fd >= 0) close(r->resp_fd);
    if (r->stream) MHD_destroy_response(r->stream); /* prepared but never queued */
    free(r->resp);
    buf_free(&r->body);
    arena_free(r->a);
    free(r);
    *con_cls = NULL;
}

/* libmicrohttpd hands us its own format strings; they are literals inside the library. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n')) msg[--n] = 0;
    log_debug("mhd: %s", msg);
}
#pragma GCC diagnostic pop

int http_server_start(const http_config *cfg, http_server **out)
{
    struct http_server *s = calloc(1, sizeof *s);
    if (!s) return HL_ENOMEM;
    s->cfg = *cfg;
    s->sse = sse_streams_new(cfg->heartbeat_s);
    if (!s->sse) {
        free(s);
        return HL_ENOMEM;
    }
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)cfg->port)};
    if (inet_pton(AF_INET, cfg->address, &sa.sin_addr) != 1) {
        log_error("http: bad address %s", cfg->address);
        sse_streams_free(s->sse);
        free(s);
        return HL_EINVAL;
    }
    int rc = conn_watch_new(cfg->header_timeout_s > 0 ? cfg->header_timeout_s : 10, &s->watch);
    if (rc) {
        sse_streams_free(s->sse);
        free(s);
        return rc;
    }
    /* behind a trusted proxy every connection comes from the proxy: its own per-client
     * limits apply there, not ours */
    unsigned per_address = cfg->trust_proxy ? 0 : (unsigned)cfg->max_conn_per_address;
    s->d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
            MHD_USE_ERROR_LOG,
        (uint16_t)cfg->port, NULL, NULL, on_access, s, MHD_OPTION_SOCK_ADDR, &sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads, MHD_OPTION_URI_LOG_CALLBACK, on_uri,
        s, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_NOTIFY_CONNECTION,
        on_connection, s, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONN_MEMORY,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_address, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log,
        s, MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1, MHD_OPTION_END);
    if (!s->d) {
        log_error("http: cannot listen on %s:%d", cfg->address, cfg->port);
        conn_watch_free(s->watch);
        sse_streams_free(s->sse);
        free(s);
        return HL_EIO;
    }
    *out = s;
    return 0;
}

void http_server_stop(http_server *s)
{
    if (!s) return;
    sse_streams_stop(s->sse); /* MHD must not stop with a suspended connection */
    /* The woken streams send their terminating chunk on MHD's threads; MHD_stop_daemon closes
     * every connection at once, and a stream cut before its reader ran ended without it (a
     * client then sees a broken stream, not an end: 2 stops in 30 in tests/api/test_events.py).
     * So wait for them to finish, a bounded while: a client that reads nothing is cut. */
    for (int i = 0; i < 200 && sse_streams_count(s->sse) > 0; i++)
        nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
    MHD_stop_daemon(s->d);
    conn_watch_free(s->watch);
    sse_streams_free(s->sse);
    free(s);
}
