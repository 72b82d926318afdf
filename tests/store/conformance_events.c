/* conformance_events.c — the live events' durable log (store/events.h): ids that grow, events
 * read back after an id, the rules of what may be appended, ids that survive a reopen, and the
 * watch of other writers' appends where the backend has one. */
#include "conformance.h"

#include <stdatomic.h>
#include <string.h>
#include <time.h>

static int64_t append_ok(cf_group *g, const char *type, const char *data, int64_t to)
{
    int64_t id = 0;
    assert_int_equal(store_live_event_append(g->s, type, data, to, &id), 0);
    assert_true(id > 0);
    return id;
}

static int64_t last_of(cf_group *g)
{
    int64_t last = -1;
    assert_int_equal(store_live_event_last(g->s, &last), 0);
    return last;
}

static void test_append_and_read_after(void **state)
{
    cf_group *g = *state;
    int64_t before = last_of(g);
    store_live_event *evs = NULL;
    size_t n = 9;
    int64_t oldest = -1;
    assert_int_equal(store_live_events_after(g->s, g->a, before, 10, &evs, &n, &oldest), 0);
    assert_int_equal(n, 0);

    int64_t a = append_ok(g, "case", "{\"id\":1,\"unit_id\":null}", 0);
    int64_t b = append_ok(g, "call", "{\"caller\":\"13800000000\"}", 42);
    int64_t c = append_ok(g, "announcement", "{\"message\":\"停水通知\"}", 0);
    assert_true(before < a && a < b && b < c);
    assert_int_equal(last_of(g), c);

    assert_int_equal(store_live_events_after(g->s, g->a, before, 10, &evs, &n, &oldest), 0);
    assert_int_equal(n, 3);
    assert_true(oldest > 0 && oldest <= a);
    assert_int_equal(evs[0].id, a);
    assert_string_equal(evs[0].type, "case");
    assert_string_equal(evs[0].data, "{\"id\":1,\"unit_id\":null}");
    assert_int_equal(evs[0].to, 0);
    assert_true(evs[0].at > 0);
    assert_int_equal(evs[1].id, b);
    assert_string_equal(evs[1].type, "call");
    assert_int_equal(evs[1].to, 42);
    assert_int_equal(evs[2].id, c);
    assert_string_equal(evs[2].data, "{\"message\":\"停水通知\"}");

    /* after an id, at most max, oldest first */
    assert_int_equal(store_live_events_after(g->s, g->a, a, 1, &evs, &n, &oldest), 0);
    assert_int_equal(n, 1);
    assert_int_equal(evs[0].id, b);
    assert_int_equal(store_live_events_after(g->s, g->a, c, 10, &evs, &n, &oldest), 0);
    assert_int_equal(n, 0);
}

static void test_what_may_be_appended(void **state)
{
    cf_group *g = *state;
    int64_t last = last_of(g), id = 0;
    char long_type[STORE_LIVE_EVENT_TYPE_MAX + 2];
    memset(long_type, 'x', sizeof long_type - 1);
    long_type[sizeof long_type - 1] = 0;
    static char big[STORE_LIVE_EVENT_DATA_MAX + 2];
    memset(big, 'x', sizeof big - 1);
    assert_int_equal(store_live_event_append(g->s, "", "{}", 0, &id), HL_EINVAL);
    assert_int_equal(store_live_event_append(g->s, "a b", "{}", 0, &id), HL_EINVAL);
    assert_int_equal(store_live_event_append(g->s, long_type, "{}", 0, &id), HL_EINVAL);
    assert_int_equal(store_live_event_append(g->s, "case", "{\n}", 0, &id), HL_EINVAL);
    assert_int_equal(store_live_event_append(g->s, "case", "{\r}", 0, &id), HL_EINVAL);
    assert_int_equal(store_live_event_append(g->s, "case", "{}", -1, &id), HL_EINVAL);
    assert_int_equal(store_live_event_append(g->s, "case", NULL, 0, &id), HL_EINVAL);
    assert_int_equal(store_live_event_append(g->s, "case", big, 0, &id), HL_ERANGE);
    assert_int_equal(last_of(g), last); /* nothing was written */
    big[STORE_LIVE_EVENT_DATA_MAX] = 0; /* the longest */
    long_type[STORE_LIVE_EVENT_TYPE_MAX] = 0;
    int64_t ok = append_ok(g, long_type, big, 0);
    store_live_event *evs = NULL;
    size_t n = 0;
    int64_t oldest = 0;
    assert_int_equal(store_live_events_after(g->s, g->a, ok - 1, 1, &evs, &n, &oldest), 0);
    assert_int_equal(n, 1);
    assert_int_equal(strlen(evs[0].data), STORE_LIVE_EVENT_DATA_MAX);
    assert_int_equal(strlen(evs[0].type), STORE_LIVE_EVENT_TYPE_MAX);

    assert_int_equal(store_live_events_after(g->s, g->a, -1, 1, &evs, &n, &oldest), HL_EINVAL);
    assert_int_equal(store_live_events_after(g->s, g->a, 0, 0, &evs, &n, &oldest), HL_EINVAL);
    assert_int_equal(store_live_events_after(g->s, g->a, 0, 1001, &evs, &n, &oldest), HL_EINVAL);
}

static void test_ids_survive_a_reopen(void **state)
{
    cf_group *g = *state;
    int64_t id = append_ok(g, "case", "{}", 0);
    assert_int_equal(cf_store_reopen(&g->st), 0);
    g->s = g->st.s;
    assert_int_equal(last_of(g), id);
    assert_true(append_ok(g, "case", "{}", 0) > id);
}

typedef struct {
    atomic_int calls;
} watched;

static void on_append(void *ctx)
{
    watched *w = ctx;
    atomic_fetch_add(&w->calls, 1);
}

/* Waits (10 ms at a time, at most 10 s) until w has been called more than `than` times. */
static bool called_more(watched *w, int than)
{
    for (int i = 0; i < 1000; i++) {
        if (atomic_load(&w->calls) > than) return true;
        nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
    }
    return false;
}

static void test_watch(void **state)
{
    cf_group *g = *state;
    watched w = {0};
    store_watch *sw = NULL;
    assert_int_equal(store_watch_events(g->s, NULL, &w, &sw), HL_EINVAL);
    assert_int_equal(store_watch_events(g->s, on_append, &w, &sw), 0);
    if (!sw) { /* a backend whose only writer is the process itself (events.h) */
        append_ok(g, "case", "{}", 0);
        assert_int_equal(atomic_load(&w.calls), 0);
        return;
    }
    assert_true(called_more(&w, 0)); /* once connected: read what committed meanwhile */
    int seen = atomic_load(&w.calls);
    append_ok(g, "case", "{}", 0);
    assert_true(called_more(&w, seen));
    store_watch_stop(g->s, sw);
    store_watch_stop(g->s, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_and_read_after),
        cmocka_unit_test(test_what_may_be_appended),
        cmocka_unit_test(test_ids_survive_a_reopen),
        cmocka_unit_test(test_watch),
    };
    return cmocka_run_group_tests_name("conformance_events", tests, cf_group_setup,
                                       cf_group_teardown);
}
