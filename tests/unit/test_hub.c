/* test_hub.c — unit tests for http/hub: sequence numbers, numbers given by the log (hub_put:
 * gaps, repeats, a start after the log's newest, a source for what the ring no longer holds),
 * the ring and its overwrite, SSE framing checks, listeners (called outside the lock, unlisten waits for a running call, the
 * bound), and 4 publisher threads against a reader that must see no gap it is not told of. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "http/hub.h"
#include "util/err.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t pub(hub *h, const char *type, const char *data)
{
    return hub_publish(h, type, data, strlen(data));
}

static int next(hub *h, int64_t after, int64_t *seq, char *type, char *data)
{
    return hub_next(h, after, seq, type, 64, data, HUB_MAX_EVENT + 1, NULL);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void test_publish_next_sequence(void **state)
{
    (void)state;
    hub *h = hub_new();
    assert_non_null(h);
    char type[64], data[HUB_MAX_EVENT + 1];
    int64_t seq = -1;
    assert_int_equal(hub_last(h), 0);
    assert_int_equal(next(h, 0, &seq, type, data), 0);
    assert_int_equal(pub(h, "case", "{\"id\":1}"), 1);
    assert_int_equal(pub(h, "unit", "{\"id\":2}"), 2);
    assert_int_equal(pub(h, "case", "{}"), 3);
    assert_int_equal(hub_last(h), 3);

    assert_int_equal(next(h, 0, &seq, type, data), 1);
    assert_int_equal(seq, 1);
    assert_string_equal(type, "case");
    assert_string_equal(data, "{\"id\":1}");
    assert_int_equal(next(h, 1, &seq, type, data), 1);
    assert_int_equal(seq, 2);
    assert_string_equal(type, "unit");
    assert_string_equal(data, "{\"id\":2}");
    assert_int_equal(next(h, 2, &seq, type, data), 1);
    assert_int_equal(seq, 3);
    assert_string_equal(data, "{}");
    assert_int_equal(next(h, 3, &seq, type, data), 0);
    assert_int_equal(next(h, 99, &seq, type, data), 0); /* newer than the hub: nothing yet */
    assert_int_equal(next(h, -1, &seq, type, data), HL_EINVAL);

    /* empty data is an event too */
    assert_int_equal(hub_publish(h, "ping", "", 0), 4);
    assert_int_equal(next(h, 3, &seq, type, data), 1);
    assert_string_equal(data, "");
    hub_free(h);
    hub_free(NULL);
}

/* An addressed event keeps its recipient; a plain one has none; a negative one is refused. */
static void test_addressed(void **state)
{
    (void)state;
    hub *h = hub_new();
    assert_non_null(h);
    char type[64], data[HUB_MAX_EVENT + 1];
    int64_t seq = 0, to = -1;
    assert_int_equal(hub_publish_to(h, "call", "{\"id\":1}", 8, 42), 1);
    assert_int_equal(pub(h, "case", "{}"), 2);
    assert_int_equal(hub_publish_to(h, "call", "{}", 2, -1), HL_EINVAL);
    assert_int_equal(hub_next(h, 0, &seq, type, sizeof type, data, sizeof data, &to), 1);
    assert_int_equal(seq, 1);
    assert_int_equal(to, 42);
    assert_string_equal(type, "call");
    assert_int_equal(hub_next(h, 1, &seq, type, sizeof type, data, sizeof data, &to), 1);
    assert_int_equal(to, 0);
    hub_free(h);
}

static void test_ring_overwrite_and_erange(void **state)
{
    (void)state;
    hub *h = hub_new();
    assert_non_null(h);
    char buf[32];
    for (int i = 1; i <= HUB_RING + 10; i++) {
        snprintf(buf, sizeof buf, "{\"n\":%d}", i);
        assert_int_equal(pub(h, "case", buf), i);
    }
    char type[64], data[HUB_MAX_EVENT + 1];
    int64_t seq = 0;
    /* events 1..10 were overwritten; 11 is the oldest kept */
    assert_int_equal(next(h, 0, &seq, type, data), HL_ERANGE);
    assert_int_equal(seq, 10);
    assert_int_equal(next(h, 9, &seq, type, data), HL_ERANGE);
    assert_int_equal(seq, 10);
    assert_int_equal(next(h, 10, &seq, type, data), 1);
    assert_int_equal(seq, 11);
    assert_string_equal(data, "{\"n\":11}");
    assert_int_equal(next(h, HUB_RING + 9, &seq, type, data), 1);
    assert_int_equal(seq, HUB_RING + 10);
    snprintf(buf, sizeof buf, "{\"n\":%d}", HUB_RING + 10);
    assert_string_equal(data, buf);
    assert_int_equal(next(h, HUB_RING + 10, &seq, type, data), 0);
    hub_free(h);
}

static void test_refusals(void **state)
{
    (void)state;
    hub *h = hub_new();
    assert_non_null(h);
    /* SSE framing: a data line ends at a line break */
    assert_int_equal(pub(h, "case", "{\"a\":\n1}"), HL_EINVAL);
    assert_int_equal(pub(h, "case", "{\"a\":\r1}"), HL_EINVAL);
    assert_int_equal(hub_publish(h, "case", "{}\0x", 4), HL_EINVAL);
    /* types become an "event:" line */
    assert_int_equal(pub(h, "", "{}"), HL_EINVAL);
    assert_int_equal(pub(h, "a b", "{}"), HL_EINVAL);
    assert_int_equal(pub(h, "a\nb", "{}"), HL_EINVAL);
    char longtype[80];
    memset(longtype, 'x', sizeof longtype - 1);
    longtype[sizeof longtype - 1] = 0;
    assert_int_equal(pub(h, longtype, "{}"), HL_EINVAL);
    longtype[63] = 0;
    assert_int_equal(pub(h, longtype, "{}"), 1); /* 63 bytes fit */
    /* size */
    char *big = malloc(HUB_MAX_EVENT + 2);
    assert_non_null(big);
    memset(big, 'a', HUB_MAX_EVENT + 1);
    assert_int_equal(hub_publish(h, "case", big, HUB_MAX_EVENT + 1), HL_ERANGE);
    assert_int_equal(hub_publish(h, "case", big, HUB_MAX_EVENT), 2);
    assert_int_equal(hub_last(h), 2);

    char type[64], data[HUB_MAX_EVENT + 1];
    int64_t seq = 0;
    assert_int_equal(next(h, 1, &seq, type, data), 1);
    assert_int_equal(strlen(data), HUB_MAX_EVENT);
    /* buffers too small: refused, with seq set so the caller can skip the event */
    seq = 0;
    assert_int_equal(hub_next(h, 1, &seq, type, 64, data, 100, NULL), HL_EINVAL);
    assert_int_equal(seq, 2);
    seq = 0;
    assert_int_equal(hub_next(h, 0, &seq, type, 10, data, sizeof data, NULL), HL_EINVAL);
    assert_int_equal(seq, 1);
    free(big);
    hub_free(h);
}

/* ---- listeners ---------------------------------------------------------------------------- */

typedef struct {
    hub *h;
    atomic_int calls;
    atomic_llong seen_last; /* hub_last as the listener saw it */
    int64_t other_id;       /* registered from inside the listener */
} probe;

static void count_listener(void *ctx)
{
    probe *p = ctx;
    atomic_fetch_add(&p->calls, 1);
}

/* Takes the hub's locks from inside a listener: hub_last and hub_next (the ring lock) and
 * hub_listen / hub_unlisten of another listener (the listener table's lock). If the hub held
 * either while calling, this would deadlock. */
static void reentrant_listener(void *ctx)
{
    probe *p = ctx;
    atomic_store(&p->seen_last, hub_last(p->h));
    char type[64], data[HUB_MAX_EVENT + 1];
    int64_t seq;
    assert_int_equal(hub_next(p->h, 0, &seq, type, sizeof type, data, sizeof data, NULL), 1);
    int64_t id = 0;
    assert_int_equal(hub_listen(p->h, count_listener, p, &id), 0);
    hub_unlisten(p->h, id);
    atomic_fetch_add(&p->calls, 1);
}

static void test_listener_outside_lock(void **state)
{
    (void)state;
    hub *h = hub_new();
    assert_non_null(h);
    probe p = {.h = h};
    int64_t id = 0;
    assert_int_equal(hub_listen(h, reentrant_listener, &p, &id), 0);
    assert_true(id > 0);
    assert_int_equal(pub(h, "case", "{}"), 1);
    assert_int_equal(atomic_load(&p.calls), 1);
    assert_int_equal(atomic_load(&p.seen_last), 1); /* called after the event is in the ring */
    assert_int_equal(pub(h, "case", "{}"), 2);
    assert_int_equal(atomic_load(&p.calls), 2);
    assert_int_equal(atomic_load(&p.seen_last), 2);
    hub_unlisten(h, id);
    hub_free(h);
}

static void test_unlisten(void **state)
{
    (void)state;
    hub *h = hub_new();
    assert_non_null(h);
    probe a = {.h = h}, b = {.h = h};
    int64_t ida = 0, idb = 0;
    assert_int_equal(hub_listen(h, count_listener, &a, &ida), 0);
    assert_int_equal(hub_listen(h, count_listener, &b, &idb), 0);
    assert_true(ida != idb);
    pub(h, "case", "{}");
    assert_int_equal(atomic_load(&a.calls), 1);
    assert_int_equal(atomic_load(&b.calls), 1);
    hub_unlisten(h, ida);
    pub(h, "case", "{}");
    assert_int_equal(atomic_load(&a.calls), 1);
    assert_int_equal(atomic_load(&b.calls), 2);
    hub_unlisten(h, ida);  /* twice: no effect */
    hub_unlisten(h, 9999); /* unknown: no effect */
    hub_unlisten(h, idb);
    pub(h, "case", "{}");
    assert_int_equal(atomic_load(&b.calls), 2);
    /* slots are reused, ids are not */
    int64_t idc = 0;
    assert_int_equal(hub_listen(h, count_listener, &a, &idc), 0);
    assert_true(idc > idb);
    pub(h, "case", "{}");
    assert_int_equal(atomic_load(&a.calls), 2);
    hub_unlisten(h, idc);
    hub_free(h);
}

typedef struct {
    hub *h;
    atomic_int running, done;
} slow_probe;

static void slow_listener(void *ctx)
{
    slow_probe *p = ctx;
    atomic_store(&p->running, 1);
    sleep_ms(200);
    atomic_store(&p->done, 1);
}

static void *publish_once(void *arg)
{
    slow_probe *p = arg;
    pub(p->h, "case", "{}");
    return NULL;
}

/* The guarantee the SSE streams rely on: when hub_unlisten returns, the listener is not
 * running, so its ctx may be freed. */
static void test_unlisten_waits_for_running_call(void **state)
{
    (void)state;
    hub *h = hub_new();
    assert_non_null(h);
    slow_probe p = {.h = h};
    int64_t id = 0;
    assert_int_equal(hub_listen(h, slow_listener, &p, &id), 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, publish_once, &p), 0);
    while (!atomic_load(&p.running))
        sleep_ms(1);
    hub_unlisten(h, id);
    assert_int_equal(atomic_load(&p.done), 1);
    pthread_join(t, NULL);
    hub_free(h);
}

static void test_listener_bound(void **state)
{
    (void)state;
    hub *h = hub_new();
    assert_non_null(h);
    probe p = {.h = h};
    enum { MAX = 4096 };
    int64_t *ids = calloc(MAX, sizeof *ids);
    assert_non_null(ids);
    for (int i = 0; i < MAX; i++)
        assert_int_equal(hub_listen(h, count_listener, &p, &ids[i]), 0);
    int64_t extra = 0;
    assert_int_equal(hub_listen(h, count_listener, &p, &extra), HL_ERANGE);
    pub(h, "case", "{}");
    assert_int_equal(atomic_load(&p.calls), MAX);
    hub_unlisten(h, ids[100]);
    assert_int_equal(hub_listen(h, count_listener, &p, &extra), 0); /* a slot is free again */
    for (int i = 0; i < MAX; i++)
        hub_unlisten(h, ids[i]);
    hub_unlisten(h, extra);
    free(ids);
    hub_free(h);
}

/* ---- concurrency -------------------------------------------------------------------------- */

enum { PUBLISHERS = 4, PER_PUBLISHER = 1000 };

typedef struct {
    hub *h;
    int thread;
} pub_arg;

static void *publisher(void *arg)
{
    pub_arg *a = arg;
    char buf[64];
    for (int i = 0; i < PER_PUBLISHER; i++) {
        int n = snprintf(buf, sizeof buf, "{\"t\":%d,\"i\":%d}", a->thread, i);
        int64_t seq = hub_publish(a->h, "case", buf, (size_t)n);
        if (seq <= 0) abort();
    }
    return NULL;
}

typedef struct {
    hub *h;
    atomic_int stop;
    long received, resyncs, bad;
} reader_arg;

static void *reader(void *arg)
{
    reader_arg *r = arg;
    int64_t cursor = 0;
    int last_i[PUBLISHERS];
    for (int t = 0; t < PUBLISHERS; t++)
        last_i[t] = -1;
    char type[64], data[HUB_MAX_EVENT + 1];
    for (;;) {
        int64_t seq = 0;
        int rc = hub_next(r->h, cursor, &seq, type, sizeof type, data, sizeof data, NULL);
        if (rc == 1) {
            if (seq != cursor + 1) r->bad++; /* a gap nobody told us about */
            int t = -1, i = -1;
            if (sscanf(data, "{\"t\":%d,\"i\":%d}", &t, &i) != 2 || t < 0 || t >= PUBLISHERS ||
                i <= last_i[t])
                r->bad++; /* each publisher's events arrive in its order */
            else
                last_i[t] = i;
            cursor = seq;
            r->received++;
        } else if (rc == HL_ERANGE) {
            if (seq <= cursor) r->bad++; /* the oldest kept must be ahead of us */
            cursor = seq;
            r->resyncs++;
        } else if (rc == 0) {
            if (atomic_load(&r->stop) && hub_last(r->h) == cursor) break;
            sched_yield();
        } else {
            r->bad++;
            break;
        }
    }
    return NULL;
}

static void test_concurrent_publishers(void **state)
{
    (void)state;
    hub *h = hub_new();
    assert_non_null(h);
    probe p = {.h = h};
    int64_t id = 0;
    assert_int_equal(hub_listen(h, count_listener, &p, &id), 0);
    reader_arg ra = {.h = h};
    pthread_t rt, pt[PUBLISHERS];
    pub_arg pa[PUBLISHERS];
    assert_int_equal(pthread_create(&rt, NULL, reader, &ra), 0);
    for (int t = 0; t < PUBLISHERS; t++) {
        pa[t] = (pub_arg){h, t};
        assert_int_equal(pthread_create(&pt[t], NULL, publisher, &pa[t]), 0);
    }
    for (int t = 0; t < PUBLISHERS; t++)
        pthread_join(pt[t], NULL);
    atomic_store(&ra.stop, 1);
    pthread_join(rt, NULL);

    assert_int_equal(hub_last(h), PUBLISHERS * PER_PUBLISHER);
    assert_int_equal(atomic_load(&p.calls), PUBLISHERS * PER_PUBLISHER);
    assert_int_equal(ra.bad, 0);
    /* every event was either received or announced as lost by an HL_ERANGE */
    assert_true(ra.received > 0);
    assert_true(ra.received <= PUBLISHERS * PER_PUBLISHER);
    if (ra.resyncs == 0) assert_int_equal(ra.received, PUBLISHERS * PER_PUBLISHER);
    print_message("concurrent: %ld received, %ld resyncs\n", ra.received, ra.resyncs);
    hub_unlisten(h, id);
    hub_free(h);
}

/* The server's way: numbers from the store's log, with gaps, put by several readers. */
static void test_put_numbers_from_the_log(void **state)
{
    (void)state;
    hub *h = hub_new();
    char type[64], data[HUB_MAX_EVENT + 1];
    int64_t seq = 0;
    assert_int_equal(hub_start_at(h, 100), 0);
    assert_int_equal(hub_last(h), 100);
    assert_int_equal(next(h, 100, &seq, type, data), 0);
    assert_int_equal(hub_put(h, 101, "case", "{\"a\":1}", 7, 0), 1);
    assert_int_equal(hub_put(h, 105, "case", "{\"a\":5}", 7, 0), 1); /* a gap */
    assert_int_equal(hub_put(h, 105, "case", "{\"a\":5}", 7, 0), 0); /* already there */
    assert_int_equal(hub_put(h, 103, "case", "{}", 2, 0), 0);          /* older: ignored */
    assert_int_equal(hub_put(h, 0, "case", "{}", 2, 0), HL_EINVAL);
    assert_int_equal(hub_put(h, 106, "case", "{\n}", 3, 0), HL_EINVAL);
    assert_int_equal(hub_last(h), 105);
    assert_int_equal(hub_start_at(h, 200), HL_EINVAL); /* it holds events now */
    assert_int_equal(next(h, 100, &seq, type, data), 1);
    assert_int_equal(seq, 101);
    assert_int_equal(next(h, 101, &seq, type, data), 1); /* across the gap */
    assert_int_equal(seq, 105);
    assert_string_equal(data, "{\"a\":5}");
    assert_int_equal(next(h, 103, &seq, type, data), 1); /* from inside the gap */
    assert_int_equal(seq, 105);
    /* before the start, with no source: lost, go on from the start */
    assert_int_equal(next(h, 50, &seq, type, data), HL_ERANGE);
    assert_int_equal(seq, 100);
    hub_free(h);
}

typedef struct {
    int asked;
    int64_t last_after;
    int answer; /* 1: the event after `after` (numbered after + 1), or this code */
} log_source;

static int source(void *ctx, int64_t after, int64_t *seq, char *type, size_t typecap, char *data,
                  size_t datacap, int64_t *to)
{
    log_source *ls = ctx;
    ls->asked++;
    ls->last_after = after;
    if (ls->answer != 1) {
        if (ls->answer == HL_ERANGE) *seq = 40;
        return ls->answer;
    }
    assert_true(typecap > 4 && datacap > 8);
    *seq = after + 1;
    snprintf(type, typecap, "old");
    snprintf(data, datacap, "{\"n\":%lld}", (long long)(after + 1));
    if (to) *to = 0;
    return 1;
}

static void test_source_behind_the_ring(void **state)
{
    (void)state;
    hub *h = hub_new();
    log_source ls = {.answer = 1};
    hub_set_source(h, source, &ls);
    char type[64], data[HUB_MAX_EVENT + 1];
    int64_t seq = 0;
    assert_int_equal(hub_start_at(h, 50), 0);
    for (int64_t i = 51; i <= 50 + HUB_RING + 10; i++)
        assert_int_equal(hub_put(h, i, "case", "{}", 2, 0), 1);
    /* the ring now starts after 60: 55 is the source's, 60 and later the ring's */
    assert_int_equal(next(h, 55, &seq, type, data), 1);
    assert_int_equal(seq, 56);
    assert_string_equal(type, "old");
    assert_int_equal(ls.asked, 1);
    assert_int_equal(ls.last_after, 55);
    assert_int_equal(next(h, 60, &seq, type, data), 1);
    assert_int_equal(seq, 61);
    assert_string_equal(type, "case");
    assert_int_equal(ls.asked, 1); /* the ring's: not asked */
    /* the source has lost it too: its answer stands */
    ls.answer = HL_ERANGE;
    assert_int_equal(next(h, 10, &seq, type, data), HL_ERANGE);
    assert_int_equal(seq, 40);
    /* the source fails: resynchronise from the ring */
    ls.answer = HL_EUNAVAIL;
    assert_int_equal(next(h, 10, &seq, type, data), HL_ERANGE);
    assert_int_equal(seq, 60);
    hub_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_publish_next_sequence),
        cmocka_unit_test(test_put_numbers_from_the_log),
        cmocka_unit_test(test_source_behind_the_ring),
        cmocka_unit_test(test_addressed),
        cmocka_unit_test(test_ring_overwrite_and_erange),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_listener_outside_lock),
        cmocka_unit_test(test_unlisten),
        cmocka_unit_test(test_unlisten_waits_for_running_call),
        cmocka_unit_test(test_listener_bound),
        cmocka_unit_test(test_concurrent_publishers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
