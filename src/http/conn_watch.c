/* conn_watch.c — see conn_watch.h. The entries form one list under a mutex: libmicrohttpd's
 * pool threads open, mark and close them; the watching thread scans it every 200 ms (a few
 * thousand connections at most: a scan is microseconds). Deadlines are on the monotonic
 * clock: they are about the network, not about the city's time. */
#include "http/conn_watch.h"
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

struct conn_watch_entry {
    int fd;
    int64_t deadline_ns; /* 0: none */
    conn_watch_entry *prev, *next;
};

struct conn_watch {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    bool stop;
    int64_t timeout_ns;
    conn_watch_entry *head;
};

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void *watch(void *arg)
{
    conn_watch *w = arg;
    pthread_mutex_lock(&w->mu);
    while (!w->stop) {
        int64_t now = mono_ns();
        for (conn_watch_entry *e = w->head; e; e = e->next)
            if (e->deadline_ns && now > e->deadline_ns) {
                e->deadline_ns = 0; /* once: libmicrohttpd closes it on its next look */
                shutdown(e->fd, SHUT_RDWR);
            }
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += 200 * 1000 * 1000;
        if (until.tv_nsec >= 1000000000) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&w->cv, &w->mu, &until);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

int conn_watch_new(int header_timeout_s, conn_watch **out)
{
    conn_watch *w = calloc(1, sizeof *w);
    if (!w) return HL_ENOMEM;
    w->timeout_ns = (int64_t)header_timeout_s * 1000000000;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&w->thread, NULL, watch, w) != 0) {
        pthread_cond_destroy(&w->cv);
        pthread_mutex_destroy(&w->mu);
        free(w);
        return HL_ENOMEM;
    }
    *out = w;
    return 0;
}

void conn_watch_free(conn_watch *w)
{
    if (!w) return;
    pthread_mutex_lock(&w->mu);
    w->stop = true;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    while (w->head) { /* connections libmicrohttpd never reported closed */
        conn_watch_entry *e = w->head;
        w->head = e->next;
        free(e);
    }
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    free(w);
}

conn_watch_entry *conn_watch_open(conn_watch *w, int fd)
{
    conn_watch_entry *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    e->fd = fd;
    pthread_mutex_lock(&w->mu);
    e->deadline_ns = mono_ns() + w->timeout_ns;
    e->next = w->head;
    if (w->head) w->head->prev = e;
    w->head = e;
    pthread_mutex_unlock(&w->mu);
    return e;
}

void conn_watch_close(conn_watch *w, conn_watch_entry *e)
{
    if (!e) return;
    pthread_mutex_lock(&w->mu);
    if (e->prev) e->prev->next = e->next;
    else w->head = e->next;
    if (e->next) e->next->prev = e->prev;
    pthread_mutex_unlock(&w->mu);
    free(e);
}

void conn_watch_headers_done(conn_watch *w, conn_watch_entry *e)
{
    if (!e) return;
    pthread_mutex_lock(&w->mu);
    e->deadline_ns = 0;
    pthread_mutex_unlock(&w->mu);
}

void conn_watch_wait(conn_watch *w, conn_watch_entry *e)
{
    if (!e) return;
    pthread_mutex_lock(&w->mu);
    e->deadline_ns = mono_ns() + w->timeout_ns;
    pthread_mutex_unlock(&w->mu);
}
