/* hub.c — the in-process event hub (see hub.h): a ring of the last HUB_RING events and a
 * bounded table of wake-up listeners.
 *
 * The ring is kept in arrival order (numbers grow but may have gaps), so hub_next finds the
 * first event after a number by binary search. `floor` is the number the ring starts after:
 * every event numbered in (floor, last] is in the ring, so an `after` below floor is the
 * source's to answer, and nothing else is ever mistaken for lost.
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
    int64_t last;       /* the newest event's number */
    int64_t floor;      /* the ring holds every event numbered in (floor, last] */
    size_t head, count; /* the oldest slot, and how many are in use */
    slot ring[HUB_RING];
    hub_source_fn source;
    void *source_ctx;

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

/* Checks an event and copies its data; *copy is the caller's. */
static int event_copy(const char *type, const char *data, size_t len, int64_t to, char **copy)
{
    if (!type || (!data && len) || to < 0) return HL_EINVAL;
    if (len > HUB_MAX_EVENT) return HL_ERANGE;
    if (!type_ok(type)) return HL_EINVAL;
    /* an SSE "data:" line ends at a line break, and C strings at NUL */
    for (size_t i = 0; i < len; i++)
        if (data[i] == '\n' || data[i] == '\r' || data[i] == '\0') return HL_EINVAL;
    *copy = malloc(len + 1);
    if (!*copy) return HL_ENOMEM;
    if (len) memcpy(*copy, data, len);
    (*copy)[len] = 0;
    return 0;
}

/* Appends to the ring (under mu), pushing the oldest event out when it is full; returns the
 * data it pushed out, for the caller to free outside the lock. */
static char *append_locked(hub *h, int64_t seq, const char *type, char *copy, size_t len,
                           int64_t to)
{
    char *old = NULL;
    if (h->count == HUB_RING) {
        slot *o = &h->ring[h->head];
        h->floor = o->seq;
        old = o->data;
        o->data = NULL;
        h->head = (h->head + 1) % HUB_RING;
        h->count--;
    }
    slot *s = &h->ring[(h->head + h->count) % HUB_RING];
    h->count++;
    s->seq = seq;
    memcpy(s->type, type, strlen(type) + 1);
    s->data = copy;
    s->len = len;
    s->to = to;
    h->last = seq;
    return old;
}

int64_t hub_publish_to(hub *h, const char *type, const char *data, size_t len, int64_t to)
{
    if (!h) return HL_EINVAL;
    char *copy = NULL;
    int rc = event_copy(type, data, len, to, &copy);
    if (rc) return rc;
    pthread_mutex_lock(&h->mu);
    int64_t seq = h->last + 1;
    char *old = append_locked(h, seq, type, copy, len, to);
    pthread_mutex_unlock(&h->mu);
    free(old);
    call_listeners(h);
    return seq;
}

int hub_put(hub *h, int64_t seq, const char *type, const char *data, size_t len, int64_t to)
{
    if (!h || seq <= 0) return HL_EINVAL;
    char *copy = NULL;
    int rc = event_copy(type, data, len, to, &copy);
    if (rc) return rc;
    pthread_mutex_lock(&h->mu);
    char *old = copy; /* freed when the hub has it already */
    bool added = seq > h->last;
    if (added) old = append_locked(h, seq, type, copy, len, to);
    pthread_mutex_unlock(&h->mu);
    free(old);
    if (added) call_listeners(h);
    return added ? 1 : 0;
}

int hub_start_at(hub *h, int64_t seq)
{
    if (!h || seq < 0) return HL_EINVAL;
    pthread_mutex_lock(&h->mu);
    bool empty = h->count == 0 && h->last == 0;
    if (empty) h->last = h->floor = seq;
    pthread_mutex_unlock(&h->mu);
    return empty ? 0 : HL_EINVAL;
}

void hub_set_source(hub *h, hub_source_fn fn, void *ctx)
{
    h->source = fn;
    h->source_ctx = ctx;
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
    if (after >= h->last) {
        rc = 0;
    } else if (after < h->floor) {
        int64_t floor = h->floor;
        pthread_mutex_unlock(&h->mu);
        if (h->source) {
            rc = h->source(h->source_ctx, after, seq, type, typecap, data, datacap, to);
            if (rc == 1 || rc == HL_ERANGE) return rc;
        }
        *seq = floor; /* the source knows nothing older, or failed: go on from the ring */
        return HL_ERANGE;
    } else {
        size_t lo = 0, hi = h->count; /* the first slot numbered above `after` */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (h->ring[(h->head + mid) % HUB_RING].seq <= after)
                lo = mid + 1;
            else
                hi = mid;
        }
        const slot *s = &h->ring[(h->head + lo) % HUB_RING];
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
