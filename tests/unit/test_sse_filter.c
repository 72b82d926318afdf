/* test_sse_filter.c — unit tests for the live stream's filter (api/events.c): a unit handler
 * receives announcements and events whose "unit_id" is in its subtree, nothing else, against
 * a real store with a small unit tree; an event addressed to a user (the `call` event) reaches
 * that user's stream only, whatever the role. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tmp_dir.h"

#include "api/events.h"
#include "store/catalogue.h"
#include "util/err.h"
#include "util/log.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    char dir[64], path[128];
    store *s;
    api_app app;
    arena *a;
    int64_t centre, donghu, xinhua, xishan;
} fx;

static int64_t unit(store *s, const char *code, unit_kind kind, int64_t parent)
{
    store_unit u = {.parent_id = parent,
                    .code = code,
                    .name_zh = code,
                    .name_en = code,
                    .kind = kind,
                    .active = true};
    int64_t id = 0;
    assert_int_equal(store_unit_create(s, &u, &id), 0);
    return id;
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    tmp_dir_make(f->dir, sizeof f->dir, "sse");
    snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
    assert_int_equal(store_open(f->path, &f->s), 0);
    f->app.st = f->s;
    f->a = arena_new();
    assert_non_null(f->a);
    f->centre = unit(f->s, "centre", UNIT_CENTRE, 0);
    f->donghu = unit(f->s, "d-donghu", UNIT_DISTRICT, f->centre);
    f->xinhua = unit(f->s, "s-donghu-xinhua", UNIT_STREET, f->donghu);
    f->xishan = unit(f->s, "d-xishan", UNIT_DISTRICT, f->centre);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    arena_free(f->a);
    store_close(f->s);
    tmp_dir_remove(f->dir);
    free(f);
    return 0;
}

/* A case event as the cases API publishes it, for a case now at unit_id. */
static bool pass(api_event_scope *sc, int64_t unit_id)
{
    char data[256];
    snprintf(data, sizeof data,
             "{\"id\":7,\"number\":\"20260101-0001\",\"action\":\"assign\","
             "\"state\":\"assigned\",\"unit_id\":%lld,\"category_id\":3}",
             (long long)unit_id);
    return api_event_scope_filter(sc, "case", data, 0);
}

static void test_district_handler(void **state)
{
    fx *f = *state;
    api_event_scope *sc = api_event_scope_new(f->a, &f->app, 41, f->donghu);
    assert_non_null(sc);
    assert_true(pass(sc, f->donghu));  /* its own unit */
    assert_true(pass(sc, f->xinhua));  /* a street under it */
    assert_false(pass(sc, f->xishan)); /* another district: 西山区 */
    assert_false(pass(sc, f->centre)); /* the centre is above it */
    assert_false(pass(sc, 999999));    /* no such unit */
    /* fail closed: no unit_id, a null one, not an integer, not JSON */
    assert_false(api_event_scope_filter(sc, "case", "{\"id\":7,\"unit_id\":null}", 0));
    assert_false(api_event_scope_filter(sc, "case", "{\"id\":7}", 0));
    assert_false(api_event_scope_filter(sc, "case", "{\"unit_id\":\"2\"}", 0));
    assert_false(api_event_scope_filter(sc, "unit", "{\"unit_id\":", 0));
    assert_false(api_event_scope_filter(sc, "case", "{\"x\":{\"unit_id\":2}}", 0));
    /* city-wide notices go to everyone */
    assert_true(api_event_scope_filter(sc, "announcement", "{\"message\":\"hi\",\"by\":\"x\"}", 0));
}

static void test_street_handler(void **state)
{
    fx *f = *state;
    api_event_scope *sc = api_event_scope_new(f->a, &f->app, 42, f->xinhua);
    assert_non_null(sc);
    assert_true(pass(sc, f->xinhua));
    assert_false(pass(sc, f->donghu)); /* its parent is outside its subtree */
    assert_false(pass(sc, f->xishan));
}

static void test_answers_are_remembered(void **state)
{
    fx *f = *state;
    api_event_scope *sc = api_event_scope_new(f->a, &f->app, 41, f->donghu);
    assert_non_null(sc);
    int64_t street = unit(f->s, "s-donghu-two", UNIT_STREET, f->donghu);
    assert_true(pass(sc, street));
    /* move the street to 西山区: a fresh scope sees it, the stream's scope keeps its answer
     * (one store query per unit per stream; a reconnecting client sees the move) */
    store_unit u = {.parent_id = f->xishan, .active = true};
    assert_int_equal(store_unit_update(f->s, street, &u), 0);
    assert_true(pass(sc, street));
    api_event_scope *fresh = api_event_scope_new(f->a, &f->app, 41, f->donghu);
    assert_false(pass(fresh, street));
    /* more units than the cache holds: answers stay right */
    for (int i = 0; i < 200; i++) {
        assert_true(pass(sc, f->xinhua));
        assert_false(pass(sc, 100000 + i));
    }
}

/* The `call` event carries a caller's number: only the stream of the call-taker it is
 * addressed to gets it — not another call-taker, not the centre's city-wide streams, not a
 * unit — and a call event that lost its address goes to nobody. */
static void test_addressed_events(void **state)
{
    fx *f = *state;
    const char *call = "{\"id\":7,\"call_id\":\"sw-1\",\"caller\":\"13800001111\"}";
    api_event_scope *wang = api_event_scope_new(f->a, &f->app, 7, 0);
    api_event_scope *li = api_event_scope_new(f->a, &f->app, 8, 0);
    api_event_scope *unit = api_event_scope_new(f->a, &f->app, 9, f->donghu);
    assert_non_null(wang);
    assert_non_null(li);
    assert_non_null(unit);
    assert_true(api_event_scope_filter(wang, "call", call, 7));
    assert_false(api_event_scope_filter(li, "call", call, 7));
    assert_false(api_event_scope_filter(unit, "call", call, 7));
    assert_false(api_event_scope_filter(wang, "call", call, 0)); /* no address: nobody */
    assert_false(api_event_scope_filter(li, "call", call, 0));
    /* any addressed event, even one that names a unit of the scope */
    assert_true(api_event_scope_filter(unit, "note", "{\"unit_id\":2}", 9));
    char data[64];
    snprintf(data, sizeof data, "{\"unit_id\":%lld}", (long long)f->donghu);
    assert_false(api_event_scope_filter(unit, "case", data, 7));
    assert_true(api_event_scope_filter(unit, "case", data, 0));
    /* a city-wide stream gets every unaddressed event */
    assert_true(api_event_scope_filter(li, "case", data, 0));
    assert_true(api_event_scope_filter(li, "case", "{\"id\":1}", 0));
    assert_true(api_event_scope_filter(li, "announcement", "{\"message\":\"hi\"}", 0));
}

int main(void)
{
    log_set_level(LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_district_handler, setup, teardown),
        cmocka_unit_test_setup_teardown(test_street_handler, setup, teardown),
        cmocka_unit_test_setup_teardown(test_answers_are_remembered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_addressed_events, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
