/* hub.c — the in-process event hub (see hub.h): a ring of the last HUB_RING events and a
 * bounded table of wake-up listeners.
 *
 * Two mutexes. `mu` guards the ring and is held only to copy bytes in or out. `lmu` guards the
 * listener table and is never held while a listener runs, so a listener may call hub_last,
 * hub_next, hub_publish or hub_listen without deadlocking.
 *
 * Why unlisten is safe against a concurrent publish: a publisher copies up to LCHUNK
 * (fn, ctx) pairs out of the table under `lmu`, raising each slot's `busy` count, calls them
 * with no lock held, then lowers the counts. hub_unlisten marks its slot `dying` (no publisher
 * picks it up again) and waits on a condition until `busy` is 0 before freeing the slot. So
 * when hub_unlisten returns, the listener is not running and will never run again, and its
 * ctx may be freed. The price: a listener must not call hub_unlisten on itself (it would wait
 * for itself), and the caller of hub_unlisten must not hold a lock that listeners take.
 * Copying in chunks keeps the copy on the stack (no allocation per publish, which could fail
 * and then leave a stream unwoken) and takes `lmu` twice per LCHUNK listeners, not per
 * listener. */
#include "http/hub.h"
#include "util/err.h"
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define HUB_TYPE_MAX 63        /* bytes of an event type; hub_next wants typecap >= this + 1 */
#define HUB_MAX_LISTENERS 4096 /* more listeners get HL_ERANGE */
#define LCHUNK 64              /* listeners copied per pass of a publish */

typedef struct {
    int64_t seq; /* 0 = empty */
    char type[HUB_TYPE_MAX + 1];
    char *data; /* malloc'd, NUL-terminated, len bytes */
    size_t len;
    int64_t to; /* the recipient, 0 = everyone */
} slot;

typedef struct {
    int64_t id; /* 0 = free */
    hub_listener_fn fn;
    void *ctx;
    unsigned busy; /* publishers calling it right now */
    bool dying;    /* hub_unlisten is waiting for busy to reach 0 */
} listener;

struct hub {
    pthread_mutex_t mu; /* the ring */
    int64_t last;
    slot ring[HUB_RING];

    pthread_mutex_t lmu; /* the listener table */
    pthread_cond_t idle; /* a busy count reached 0 */
    listener *ls;        /* HUB_MAX_LISTENERS slots; [0, hw) may be in use */
    size_t hw;
    int64_t next_id;
};

hub *hub_new(void)
{
    hub *h = calloc(1, sizeof *h);
    if (!h) return NULL;
    h->ls = calloc(HUB_MAX_LISTENERS, sizeof *h->ls);
    if (!h->ls) {
        free(h);
        return NULL;
    }
    pthread_mutex_init(&h->mu, NULL);
    pthread_mutex_init(&h->lmu, NULL);
    pthread_cond_init(&h->idle, NULL);
    return h;
}

void hub_free(hub *h)
{
    if (!h) return;
    for (size_t i = 0; i < HUB_RING; i++)
        free(h->ring[i].data);
    free(h->ls);
    pthread_cond_destroy(&h->idle);
    pthread_mutex_destroy(&h->lmu);
    pthread_mutex_destroy(&h->mu);
    free(h);
}

/* Types become an SSE "event:" line: printable ASCII without spaces, 1..HUB_TYPE_MAX bytes. */
static bool type_ok(const char *type)
{
    size_t n = 0;
    for (; type[n]; n++)
        if (n >= HUB_TYPE_MAX || (unsigned char)type[n] <= 0x20 || (unsigned char)type[n] >= 0x7f)
            return false;
    return n > 0;
}

static void call_listeners(hub *h)
{
    struct {
        hub_listener_fn fn;
        void *ctx;
        size_t idx;
    } batch[LCHUNK];
    size_t next = 0;
    for (;;) {
        size_t n = 0;
        pthread_mutex_lock(&h->lmu);
        for (; next < h->hw && n < LCHUNK; next++) {
            listener *l = &h->ls[next];
            if (!l->id || l->dying) continue;
            l->busy++;
            batch[n].fn = l->fn;
            batch[n].ctx = l->ctx;
            batch[n].idx = next;
            n++;
        }
        pthread_mutex_unlock(&h->lmu);
        if (n == 0) return;
        for (size_t i = 0; i < n; i++)
            batch[i].fn(batch[i].ctx);
        bool wake = false;
        pthread_mutex_lock(&h->lmu);
        for (size_t i = 0; i < n; i++) {
            listener *l = &h->ls[batch[i].idx];
            if (--l->busy == 0 && l->dying) wake = true;
        }
        if (wake) pthread_cond_broadcast(&h->idle);
        pthread_mutex_unlock(&h->lmu);
    }
}

int64_t hub_publish(hub *h, const char *type, const char *data, size_t len)
{
    return hub_publish_to(h, type, data, len, 0);
}

int64_t hub_publish_to(hub *h, const char *type, const char *data, size_t len, int64_t to)
{
    if (!h || !type || (!data && len) || to < 0) return HL_EINVAL;
    if (len > HUB_MAX_EVENT) return HL_ERANGE;
    if (!type_ok(type)) return HL_EINVAL;
    /* an SSE "data:" line ends at a line break, and C strings at NUL */
    for (size_t i = 0; i < len; i++)
        if (data[i] == '\n' || data[i] == '\r' || data[i] == '\0') return HL_EINVAL;
    char *copy = malloc(len + 1);
    if (!copy) return HL_ENOMEM;
    if (len) memcpy(copy, data, len);
    copy[len] = 0;

    pthread_mutex_lock(&h->mu);
    int64_t seq = ++h->last;
    slot *s = &h->ring[seq % HUB_RING];
    char *old = s->data;
    s->seq = seq;
    size_t tn = strlen(type);
    memcpy(s->type, type, tn + 1);
    s->data = copy;
    s->len = len;
    s->to = to;
    pthread_mutex_unlock(&h->mu);
    free(old);

    call_listeners(h);
    return seq;
}

int64_t hub_last(hub *h)
{
    pthread_mutex_lock(&h->mu);
    int64_t last = h->last;
    pthread_mutex_unlock(&h->mu);
    return last;
}

/* Beyond hub.h: HL_EINVAL for after < 0, and (with *seq set, so the caller can skip it) when
 * the event does not fit typecap or datacap; HUB_TYPE_MAX + 1 and HUB_MAX_EVENT + 1 always fit. */
int hub_next(hub *h, int64_t after, int64_t *seq, char *type, size_t typecap, char *data,
             size_t datacap, int64_t *to)
{
    if (after < 0) return HL_EINVAL;
    int rc = 1;
    pthread_mutex_lock(&h->mu);
    int64_t oldest = h->last > HUB_RING ? h->last - HUB_RING + 1 : 1;
    if (after >= h->last) {
        rc = 0;
    } else if (after + 1 < oldest) {
        *seq = oldest - 1;
        rc = HL_ERANGE;
    } else {
        const slot *s = &h->ring[(after + 1) % HUB_RING];
        *seq = s->seq;
        size_t tn = strlen(s->type);
        if (tn >= typecap || s->len >= datacap) {
            rc = HL_EINVAL;
        } else {
            memcpy(type, s->type, tn + 1);
            memcpy(data, s->data, s->len + 1);
            if (to) *to = s->to;
        }
    }
    pthread_mutex_unlock(&h->mu);
    return rc;
}

int hub_listen(hub *h, hub_listener_fn fn, void *ctx, int64_t *id)
{
    if (!h || !fn || !id) return HL_EINVAL;
    pthread_mutex_lock(&h->lmu);
    size_t i = 0;
    while (i < h->hw && h->ls[i].id)
        i++;
    if (i == HUB_MAX_LISTENERS) {
        pthread_mutex_unlock(&h->lmu);
        return HL_ERANGE;
    }
    if (i == h->hw) h->hw++;
    listener *l = &h->ls[i];
    l->id = ++h->next_id;
    l->fn = fn;
    l->ctx = ctx;
    l->busy = 0;
    l->dying = false;
    *id = l->id;
    pthread_mutex_unlock(&h->lmu);
    return 0;
}

void hub_unlisten(hub *h, int64_t id)
{
    if (!h || id <= 0) return;
    pthread_mutex_lock(&h->lmu);
    for (size_t i = 0; i < h->hw; i++) {
        listener *l = &h->ls[i];
        if (l->id != id) continue;
        l->dying = true;
        while (l->busy)
            pthread_cond_wait(&h->idle, &h->lmu);
        memset(l, 0, sizeof *l);
        while (h->hw && !h->ls[h->hw - 1].id)
            h->hw--;
        break;
    }
    pthread_mutex_unlock(&h->lmu);
}
