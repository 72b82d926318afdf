/* sse.c — server-sent event streams over libmicrohttpd (see sse.h).
 *
 * A stream is a response built with MHD_create_response_from_callback. MHD calls `reader`
 * whenever it can send; the reader writes every pending event that fits. With nothing to send
 * it must not return 0 and stay in the event loop (MHD's epoll thread would call it again at
 * once: a busy loop), so it suspends the connection and returns 0, which MHD allows together
 * with MHD_suspend_connection. Three things resume it, each only while it is suspended:
 *   - a hub listener (`on_event`), run by whoever published;
 *   - the heartbeat thread, once the stream has been quiet for the heartbeat interval;
 *   - sse_streams_stop, because MHD_stop_daemon must not find a suspended connection.
 *
 * The lost-wake-up race (an event published between the reader's "nothing pending" and its
 * suspend) is closed by `notified` and `mu`: the listener sets `notified` and then takes `mu`
 * to resume; the reader, holding `mu`, consumes `notified` and looks again instead of
 * suspending when it was set. Either the reader sees the flag, or the listener takes `mu` after
 * the reader suspended and resumes it. `suspended` (under `mu`) makes every resume pair with
 * exactly one suspend.
 *
 * Why a heartbeat thread: a suspended connection is invisible to MHD (no timeout, no
 * disconnect detection) and MHD has no timer callbacks, so without a wake-up an idle stream
 * would never send its keep-alive comment, and a client that went away would never be noticed
 * (it is, at its next heartbeat: the reader peeks at the socket first).
 * One thread per server that wakes once a second and resumes only the streams whose heartbeat
 * is due costs nothing measurable and keeps idle streams suspended (zero CPU) in between; the
 * MHD connection timeout stays in force for streams that are sending, so a client that stops
 * reading is still dropped.
 *
 * Lock order: sse_streams.mu, then stream.mu. The reader takes only stream.mu (and the hub's
 * ring lock through hub_next); the free callback takes no stream lock before hub_unlisten,
 * which waits until no listener call for the stream is in flight. */
#include "http/sse.h"
#include "util/err.h"
#include "util/log.h"
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define TYPE_CAP 64    /* the hub's types are at most 63 bytes */
#define PREFIX_CAP 128 /* "id: N\nevent: TYPE\ndata: " */
#define FRAME_CAP (PREFIX_CAP + HUB_MAX_EVENT + 1)
#define BLOCK_SIZE 1024 /* MHD's buffer for HTTP/1.0 clients (1.1 uses the connection's) */
#define NS 1000000000LL

static const char resync_frame[] = "event: resync\ndata: {}\n\n";

struct sse_streams {
    pthread_mutex_t mu; /* the list, count, stopping */
    pthread_cond_t tick;
    int64_t heartbeat_ns; /* a comment line after this long without a write */
    struct stream *head;
    int count;
    bool stopping;
    pthread_t thread;
};

typedef struct stream {
    sse_streams *reg;
    struct stream *prev, *next; /* in reg's list, under reg->mu */
    struct MHD_Connection *conn;
    hub *h;
    int64_t listen_id;
    sse_filter_fn filter;
    void *fctx;

    pthread_mutex_t mu;
    bool suspended;             /* under mu */
    atomic_bool notified;       /* an event was published since the reader last looked */
    atomic_bool closing;        /* end the stream at the next chance */
    _Atomic int64_t last_write; /* monotonic ns */

    /* the reader's own (one connection is processed by one thread at a time) */
    int64_t cursor;
    bool sent_retry, resync;
    size_t frame_len, frame_off;
    char type[TYPE_CAP];
    char frame[FRAME_CAP];
} stream;

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * NS + ts.tv_nsec;
}

/* Resumes the stream if the reader suspended it. */
static void wake(stream *st)
{
    pthread_mutex_lock(&st->mu);
    if (st->suspended) {
        st->suspended = false;
        MHD_resume_connection(st->conn);
    }
    pthread_mutex_unlock(&st->mu);
}

static void on_event(void *ctx)
{
    stream *st = ctx;
    atomic_store(&st->notified, true);
    wake(st);
}

static void set_frame(stream *st, const char *text, size_t len)
{
    memcpy(st->frame, text, len);
    st->frame_len = len;
    st->frame_off = 0;
}

/* Fills st->frame with the next thing to send; false when there is nothing. */
static bool next_frame(stream *st)
{
    if (!st->sent_retry) {
        char t[32];
        int n = snprintf(t, sizeof t, "retry: %d\n\n", SSE_RETRY_MS);
        set_frame(st, t, (size_t)n);
        st->sent_retry = true;
        return true;
    }
    if (st->resync) {
        st->resync = false;
        set_frame(st, resync_frame, sizeof resync_frame - 1);
        return true;
    }
    char *data = st->frame + PREFIX_CAP; /* the hub copies the data in place */
    for (;;) {
        int64_t seq = 0, to = 0;
        int rc = hub_next(st->h, st->cursor, &seq, st->type, sizeof st->type, data,
                          HUB_MAX_EVENT + 1, &to);
        if (rc == 0) return false;
        if (rc == HL_ERANGE) {
            st->cursor = seq;
            set_frame(st, resync_frame, sizeof resync_frame - 1);
            return true;
        }
        if (rc < 0) { /* does not fit our buffers: cannot happen with the hub's limits */
            if (seq <= st->cursor) return false;
            st->cursor = seq;
            continue;
        }
        st->cursor = seq;
        if (to && !st->filter) continue; /* addressed, and nobody to say it is ours */
        if (st->filter && !st->filter(st->fctx, st->type, data, to)) continue;
        char pre[PREFIX_CAP];
        int pn = snprintf(pre, sizeof pre, "id: %lld\nevent: %s\ndata: ", (long long)seq, st->type);
        if (pn < 0 || pn >= PREFIX_CAP) continue;
        size_t dn = strlen(data);
        memmove(st->frame + pn, data, dn);
        memcpy(st->frame, pre, (size_t)pn);
        memcpy(st->frame + pn + dn, "\n\n", 2);
        st->frame_len = (size_t)pn + dn + 2;
        st->frame_off = 0;
        return true;
    }
}

/* True when the client closed its end. MHD does not watch a suspended connection, and the
 * first write after the client left still succeeds (the peer answers it with a reset), so
 * without this a gone client would hold its stream for two heartbeats instead of one. */
static bool peer_gone(stream *st)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(st->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!ci) return false;
    char c;
    ssize_t n = recv(ci->connect_fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

static ssize_t reader(void *cls, uint64_t pos, char *out, size_t max)
{
    (void)pos;
    stream *st = cls;
    size_t n = 0;
    if (atomic_load(&st->closing)) return MHD_CONTENT_READER_END_OF_STREAM;
    for (;;) {
        if (st->frame_off < st->frame_len) {
            size_t k = st->frame_len - st->frame_off;
            if (k > max - n) k = max - n;
            memcpy(out + n, st->frame + st->frame_off, k);
            n += k;
            st->frame_off += k;
            if (st->frame_off < st->frame_len) break; /* out is full */
            continue;
        }
        if (n == max) break;
        if (next_frame(st)) continue;
        if (n > 0) break;
        if (now_ns() - atomic_load(&st->last_write) >= st->reg->heartbeat_ns) {
            if (peer_gone(st)) return MHD_CONTENT_READER_END_WITH_ERROR;
            set_frame(st, ":\n\n", 3);
            continue;
        }
        if (max == 0) return 0; /* MHD has no room: it calls again when it has */
        pthread_mutex_lock(&st->mu);
        if (atomic_load(&st->closing)) {
            pthread_mutex_unlock(&st->mu);
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        if (atomic_exchange(&st->notified, false)) { /* published while we looked: again */
            pthread_mutex_unlock(&st->mu);
            continue;
        }
        st->suspended = true;
        MHD_suspend_connection(st->conn);
        pthread_mutex_unlock(&st->mu);
        return 0;
    }
    atomic_store(&st->last_write, now_ns());
    return (ssize_t)n;
}

static void unlink_stream(stream *st)
{
    sse_streams *s = st->reg;
    pthread_mutex_lock(&s->mu);
    if (st->prev)
        st->prev->next = st->next;
    else
        s->head = st->next;
    if (st->next) st->next->prev = st->prev;
    s->count--;
    pthread_mutex_unlock(&s->mu);
}

static void destroy(stream *st)
{
    unlink_stream(st);
    if (st->listen_id) hub_unlisten(st->h, st->listen_id);
    pthread_mutex_destroy(&st->mu);
    free(st);
}

/* MHD's free callback: the connection is closing (client gone, error, or server stopping). */
static void on_free(void *cls)
{
    destroy(cls);
}

static void unavailable(http_req *r, const char *message)
{
    http_add_header(r, "Retry-After", "5");
    http_send_error(r, 503, "busy", message, NULL);
}

void http_send_sse(http_req *r, hub *h, int64_t after, sse_filter_fn filter, void *filter_ctx)
{
    sse_streams *s = r->sse;
    if (!s || !h) {
        unavailable(r, "event streams are not available");
        return;
    }
    stream *st = calloc(1, sizeof *st);
    if (!st) {
        http_send_rc(r, HL_ENOMEM);
        return;
    }
    st->reg = s;
    st->conn = r->conn;
    st->h = h;
    st->filter = filter;
    st->fctx = filter_ctx;
    pthread_mutex_init(&st->mu, NULL);
    atomic_init(&st->notified, false);
    atomic_init(&st->closing, false);
    atomic_init(&st->last_write, now_ns());
    int64_t last = hub_last(h);
    st->cursor = after < 0 ? 0 : after;
    if (st->cursor > last) { /* an id from before a restart: start from now */
        st->cursor = last;
        st->resync = true;
    }

    pthread_mutex_lock(&s->mu);
    bool full = s->stopping || s->count >= SSE_MAX_STREAMS;
    if (!full) {
        st->next = s->head;
        if (s->head) s->head->prev = st;
        s->head = st;
        s->count++;
    }
    pthread_mutex_unlock(&s->mu);
    if (full) {
        pthread_mutex_destroy(&st->mu);
        free(st);
        unavailable(r, "too many event streams are open; try again later");
        return;
    }
    if (hub_listen(h, on_event, st, &st->listen_id)) {
        destroy(st);
        unavailable(r, "too many event streams are open; try again later");
        return;
    }
    struct MHD_Response *resp =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, BLOCK_SIZE, reader, st, on_free);
    if (!resp) {
        destroy(st);
        http_send_rc(r, HL_ENOMEM);
        return;
    }
    r->stream = resp; /* from here on, on_free frees st */
    r->status = 200;
    r->content_type = "text/event-stream";
    http_add_header(r, "X-Accel-Buffering", "no");
    r->responded = true;
}

static void *heartbeat_main(void *arg)
{
    sse_streams *s = arg;
    pthread_mutex_lock(&s->mu);
    while (!s->stopping) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_sec += 1;
        pthread_cond_timedwait(&s->tick, &s->mu, &ts);
        if (s->stopping) break;
        int64_t now = now_ns();
        for (stream *st = s->head; st; st = st->next)
            if (now - atomic_load(&st->last_write) >= s->heartbeat_ns) wake(st);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

sse_streams *sse_streams_new(int heartbeat_s)
{
    sse_streams *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->heartbeat_ns = heartbeat_s * NS;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->tick, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&s->mu, NULL);
    if (pthread_create(&s->thread, NULL, heartbeat_main, s)) {
        pthread_cond_destroy(&s->tick);
        pthread_mutex_destroy(&s->mu);
        free(s);
        return NULL;
    }
    return s;
}

void sse_streams_stop(sse_streams *s)
{
    if (!s) return;
    pthread_mutex_lock(&s->mu);
    bool was = s->stopping;
    s->stopping = true;
    for (stream *st = s->head; st; st = st->next) {
        atomic_store(&st->closing, true);
        wake(st);
    }
    pthread_cond_signal(&s->tick);
    pthread_mutex_unlock(&s->mu);
    if (!was) pthread_join(s->thread, NULL);
}

void sse_streams_free(sse_streams *s)
{
    if (!s) return;
    sse_streams_stop(s);
    pthread_mutex_lock(&s->mu);
    int left = s->count;
    pthread_mutex_unlock(&s->mu);
    if (left) { /* their connections still point here: leak rather than free under them */
        log_error("sse: %d streams still open after the server stopped", left);
        return;
    }
    pthread_cond_destroy(&s->tick);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

int sse_streams_count(sse_streams *s)
{
    pthread_mutex_lock(&s->mu);
    int n = s->count;
    pthread_mutex_unlock(&s->mu);
    return n;
}
