/* pg_listen.c — store_watch_events on PostgreSQL: one thread per watch with its own libpq
 * connection (outside the pool: a LISTENing connection must stay open and idle) that LISTENs
 * on PG_LIVE_EVENTS_CHANNEL and calls fn when a notification arrives.
 *
 * Losing the connection (PostgreSQL restarted, a failover to another host of a multi-host
 * URL) loses the notifications sent meanwhile, never the events: the thread connects again by
 * itself (every RETRY_MS), LISTENs, and then calls fn once, which reads by id whatever
 * committed while it was cut (events.h). LISTEN comes before that call, so an event committed
 * in between is either read by it or notified after it.
 *
 * Stopping: a pipe the thread polls beside the connection's socket; store_watch_stop writes to
 * it and joins the thread, so fn is not running once it returns. */
#include "store/events.h"
#include "store/pg/pg_store.h"
#include "util/err.h"
#include "util/log.h"
#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RETRY_MS 500        /* between attempts to connect again */
#define CONNECT_TIMEOUT "5" /* seconds; a connect_timeout in the URL wins */

struct store_watch {
    char *url;
    store_watch_fn fn;
    void *ctx;
    int stop_pipe[2];
    pthread_t thread;
};

/* Waits up to ms for the stop pipe (true: stop) or, when fd >= 0, for fd to be readable. */
static bool wait_for(store_watch *w, int fd, int ms)
{
    struct pollfd p[2] = {{.fd = w->stop_pipe[0], .events = POLLIN},
                          {.fd = fd, .events = POLLIN}};
    int n = poll(p, fd >= 0 ? 2 : 1, ms);
    return n > 0 && (p[0].revents & POLLIN);
}

static PGconn *connect_and_listen(store_watch *w)
{
    const char *const keys[] = {"connect_timeout", "dbname", "client_encoding", NULL};
    const char *const vals[] = {CONNECT_TIMEOUT, w->url, "UTF8", NULL};
    PGconn *pg = PQconnectdbParams(keys, vals, 1);
    if (!pg || PQstatus(pg) != CONNECTION_OK) {
        PQfinish(pg);
        return NULL;
    }
    PGresult *r = PQexec(pg, "LISTEN " PG_LIVE_EVENTS_CHANNEL);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) {
        PQfinish(pg);
        return NULL;
    }
    return pg;
}

static void *watch_main(void *arg)
{
    store_watch *w = arg;
    PGconn *pg = NULL;
    bool was_lost = false;
    for (;;) {
        if (!pg) {
            pg = connect_and_listen(w);
            if (!pg) {
                if (!was_lost) log_warn("pg: live events: cannot listen; trying again");
                was_lost = true;
                if (wait_for(w, -1, RETRY_MS)) break;
                continue;
            }
            if (was_lost) log_info("pg: live events: listening again");
            was_lost = false;
            w->fn(w->ctx); /* what committed while nobody listened */
        }
        if (wait_for(w, PQsocket(pg), -1)) break;
        if (!PQconsumeInput(pg)) { /* the connection is gone */
            PQfinish(pg);
            pg = NULL;
            was_lost = true;
            log_warn("pg: live events: the listening connection was lost; connecting again");
            continue;
        }
        bool heard = false;
        PGnotify *n;
        while ((n = PQnotifies(pg))) {
            heard = true;
            PQfreemem(n);
        }
        if (heard) w->fn(w->ctx);
    }
    PQfinish(pg);
    return NULL;
}

int postgres_watch_events(store *s, store_watch_fn fn, void *ctx, store_watch **out)
{
    if (!fn || !out) return HL_EINVAL;
    *out = NULL;
    store_watch *w = calloc(1, sizeof *w);
    if (!w) return HL_ENOMEM;
    w->url = strdup(PGS(s)->url);
    w->fn = fn;
    w->ctx = ctx;
    if (!w->url || pipe2(w->stop_pipe, O_CLOEXEC)) {
        free(w->url);
        free(w);
        return HL_ENOMEM;
    }
    if (pthread_create(&w->thread, NULL, watch_main, w)) {
        close(w->stop_pipe[0]);
        close(w->stop_pipe[1]);
        free(w->url);
        free(w);
        return HL_ENOMEM;
    }
    *out = w;
    return 0;
}

void postgres_watch_stop(store *s, store_watch *w)
{
    (void)s;
    if (!w) return;
    ssize_t n = write(w->stop_pipe[1], "x", 1);
    (void)n; /* a pipe with room: one byte always fits */
    pthread_join(w->thread, NULL);
    close(w->stop_pipe[0]);
    close(w->stop_pipe[1]);
    free(w->url);
    free(w);
}
