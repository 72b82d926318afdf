/* test_calls.c — calls (core/calls.c, store/calls.c, store/calls_list.c): the order of a
 * call's events and what a repeat changes, the caller's digits, the figures (answered within
 * 15 seconds, rates, averages); then on a real store: events applied through the writer, the
 * call-taker's call in progress, linking a request to it, lists by period and agent, the sums
 * by local hour, and whole calls written for a history. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fixture_catalog.h"
#include "tmp_dir.h"

#include "core/calls.h"
#include "core/phone.h"
#include "store/calls.h"
#include "store/cases.h"
#include "store/people.h"
#include "util/err.h"
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OFF 480
#define T0 1795000000 /* 2026-11-18T19:06:40+08:00 */

/* ---- core ------------------------------------------------------------------------------ */

static void test_event_names(void **state)
{
    (void)state;
    call_event e;
    for (int i = 0; i < CALL_EVENT_COUNT; i++) {
        assert_int_equal(call_event_parse(call_event_name((call_event)i), &e), 0);
        assert_int_equal(e, i);
    }
    assert_int_equal(call_event_parse("ringing", &e), HL_EINVAL);
    assert_int_equal(call_event_parse("", &e), HL_EINVAL);
    assert_int_equal(call_event_parse(NULL, &e), HL_EINVAL);
    assert_string_equal(call_event_name(CALL_EVENT_COUNT), "");
}

static void test_apply_in_order(void **state)
{
    (void)state;
    call_times t = {0};
    bool changed = false;
    assert_int_equal(call_apply(&t, CALL_OFFERED, T0, &changed), 0);
    assert_true(changed);
    /* the same event again changes nothing, even with another time */
    assert_int_equal(call_apply(&t, CALL_OFFERED, T0 + 5, &changed), 0);
    assert_false(changed);
    assert_int_equal(t.offered_at, T0);
    /* an answer before the offer */
    assert_int_equal(call_apply(&t, CALL_ANSWERED, T0 - 1, &changed), HL_EINVAL);
    assert_false(changed);
    assert_int_equal(t.answered_at, 0);
    assert_int_equal(call_wait_seconds(&t), -1);
    assert_int_equal(call_apply(&t, CALL_ANSWERED, T0 + 12, &changed), 0);
    assert_true(changed);
    assert_int_equal(call_wait_seconds(&t), 12);
    assert_int_equal(call_talk_seconds(&t), -1);
    assert_int_equal(call_apply(&t, CALL_ANSWERED, T0 + 20, &changed), 0);
    assert_false(changed);
    assert_int_equal(t.answered_at, T0 + 12);
    assert_int_equal(call_apply(&t, CALL_ENDED, T0 + 11, &changed), HL_EINVAL); /* before it */
    assert_int_equal(call_apply(&t, CALL_ENDED, T0 + 12, &changed), 0);         /* same second */
    assert_true(changed);
    assert_int_equal(call_talk_seconds(&t), 0);
    assert_false(call_abandoned(&t));
    assert_int_equal(call_placed_at(&t), T0);
    assert_int_equal(call_apply(&t, CALL_ENDED, T0 + 99, &changed), 0);
    assert_false(changed);
    assert_int_equal(t.ended_at, T0 + 12);
    assert_int_equal(call_apply(&t, CALL_ENDED, 0, &changed), HL_EINVAL); /* no time */
}

static void test_answer_after_end_and_missing_offer(void **state)
{
    (void)state;
    bool changed = true;
    /* abandoned: ended without an answer; answering it afterwards is refused */
    call_times t = {.offered_at = T0};
    assert_int_equal(call_apply(&t, CALL_ENDED, T0 + 40, &changed), 0);
    assert_true(call_abandoned(&t));
    assert_int_equal(call_apply(&t, CALL_ANSWERED, T0 + 50, &changed), HL_ESTATE);
    assert_false(changed);
    assert_int_equal(t.answered_at, 0);
    /* a switch that reports only the end: placed there, no wait, abandoned */
    call_times e = {0};
    assert_int_equal(call_apply(&e, CALL_ENDED, T0, &changed), 0);
    assert_int_equal(call_placed_at(&e), T0);
    assert_true(call_abandoned(&e));
    /* reported from its answer on: the late offer is a repeat and cannot move anything */
    call_times a = {0};
    assert_int_equal(call_apply(&a, CALL_ANSWERED, T0 + 30, &changed), 0);
    assert_int_equal(call_apply(&a, CALL_OFFERED, T0, &changed), 0);
    assert_false(changed);
    assert_int_equal(a.offered_at, 0);
    assert_int_equal(call_placed_at(&a), T0 + 30);
    assert_int_equal(call_wait_seconds(&a), -1);
}

static void test_in_progress(void **state)
{
    (void)state;
    call_times t = {.offered_at = T0};
    assert_false(call_in_progress(&t, T0 + 1)); /* ringing: nobody has it yet */
    t.answered_at = T0 + 5;
    assert_true(call_in_progress(&t, T0 + 3600)); /* no end reported */
    t.ended_at = T0 + 100;
    assert_true(call_in_progress(&t, T0 + 100 + CALL_RECENT_S - 1));
    assert_false(call_in_progress(&t, T0 + 100 + CALL_RECENT_S));
}

/* answered in 10 s and in 20 s, abandoned after 30 s, one still ringing, one reported from
 * its answer on (offer unknown) */
static void test_counts_and_figures(void **state)
{
    (void)state;
    const call_times calls[] = {
        {T0, T0 + 10, T0 + 190},
        {T0, T0 + 20, T0 + 320},
        {T0, 0, T0 + 30},
        {T0, 0, 0},
        {0, T0, T0 + 60},
        {T0, T0 + 15, 0}, /* exactly 15 s: within */
    };
    call_counts c = {0};
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) call_count(&c, &calls[i]);
    assert_int_equal(c.offered, 6);
    assert_int_equal(c.answered, 4);
    assert_int_equal(c.abandoned, 1);
    assert_int_equal(c.answered_15s, 2);
    assert_int_equal(c.wait_n, 3);
    assert_int_equal(c.wait_sum, 45);
    assert_int_equal(c.talk_n, 3);
    assert_int_equal(c.talk_sum, 180 + 300 + 60);
    call_figures f;
    call_figures_of(&c, &f);
    assert_true(f.has_rates && f.has_avg_wait && f.has_avg_talk);
    assert_true(f.answer_rate > 0.66666 && f.answer_rate < 0.66667);
    assert_true(f.answer_15s_rate > 0.33333 && f.answer_15s_rate < 0.33334);
    assert_true(f.avg_wait_s == 15.0);
    assert_true(f.avg_talk_s == 180.0);
    call_counts sum = {0};
    call_counts_add(&sum, &c);
    call_counts_add(&sum, &c);
    assert_int_equal(sum.offered, 12);
    assert_int_equal(sum.talk_sum, 2 * c.talk_sum);
    /* nothing to divide by */
    call_counts none = {0};
    call_figures_of(&none, &f);
    assert_false(f.has_rates || f.has_avg_wait || f.has_avg_talk);
    call_counts ringing = {0};
    call_count(&ringing, &calls[3]);
    call_figures_of(&ringing, &f);
    assert_true(f.has_rates);
    assert_true(f.answer_rate == 0.0);
    assert_false(f.has_avg_wait || f.has_avg_talk);
}

/* ---- store ------------------------------------------------------------------------------ */

typedef struct {
    char dir[64], path[128];
    store *s;
    arena *a;
    int64_t wang, li, category;
} fx;

static int64_t user(fx *f, int64_t unit, const char *name)
{
    store_user u = {.unit_id = unit, .username = name, .display_name = name,
                    .role = ROLE_CALLTAKER, .active = true, .password_hash = "x"};
    int64_t id = 0;
    assert_int_equal(store_user_create(f->s, &u, &id), 0);
    return id;
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    tmp_dir_make(f->dir, sizeof f->dir, "calls");
    snprintf(f->path, sizeof f->path, "%s/c.db", f->dir);
    log_set_level(LOG_ERROR);
    assert_int_equal(store_open(f->path, &f->s), 0);
    f->a = arena_new();
    assert_non_null(f->a);
    int64_t centre = 0;
    store_unit u = {.code = "centre", .name_zh = "中心", .name_en = "Centre", .kind = UNIT_CENTRE,
                    .active = true};
    assert_int_equal(store_unit_create(f->s, &u, &centre), 0);
    f->wang = user(f, centre, "ct-wang");
    f->li = user(f, centre, "ct-li");
    f->category = fixture_leaf_category(f->s);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    store_close(f->s);
    arena_free(f->a);
    tmp_dir_remove(f->dir);
    free(f);
    return 0;
}

static int report(fx *f, const char *call_id, call_event e, int64_t at, const char *caller,
                  int64_t agent, int64_t *id, bool *created, bool *changed)
{
    store_call_report in = {.call_id = call_id, .event = e, .at = at, .caller = caller,
                            .agent_id = agent};
    return store_call_report_event(f->s, &in, id, created, changed);
}

static int64_t register_case(fx *f, const char *phone, int64_t by)
{
    store_case k = {.channel = "phone", .type = REQ_REPORT, .category_id = f->category,
                    .urgency = URGENCY_NORMAL, .text = "路灯不亮", .caller_phone = phone,
                    .created_by = by};
    store_case_event ev = {.ev = {.action = ACT_REGISTER, .at = T0, .actor_role = ROLE_CALLTAKER},
                           .actor_id = by};
    int64_t id = 0;
    char number[STORE_CASE_NUMBER_MAX];
    assert_int_equal(store_case_register(f->s, &k, &ev, OFF, &id, number), 0);
    return id;
}

/* A request's phone and a call's caller written differently are the same digits under the one
 * rule of core/phone.h, so the request links to the call. */
static void test_link_same_number_written_differently(void **state)
{
    fx *f = *state;
    int64_t id = 0, call = 0;
    bool created, changed;
    int64_t now = T0 + 1000;
    char from_switch[PHONE_DIGITS_MAX + 1], typed[PHONE_DIGITS_MAX + 1];
    assert_int_equal(phone_digits("+86 139-2222-3333", from_switch, sizeof from_switch), 0);
    assert_int_equal(phone_digits("86 13922223333", typed, sizeof typed), 0);
    assert_int_equal(report(f, "w", CALL_ANSWERED, now - 20, from_switch, f->wang, &id, &created,
                            &changed), 0);
    int64_t k = register_case(f, typed, f->wang);
    assert_int_equal(store_call_link_case(f->s, f->wang, typed, k, now, &call), 0);
    assert_int_equal(call, id);
}

static void test_store_events(void **state)
{
    fx *f = *state;
    int64_t id = 0, id2 = 0;
    bool created = false, changed = false;
    /* unknown call without its caller: nothing to create */
    assert_int_equal(report(f, "sw-1", CALL_ANSWERED, T0, NULL, f->wang, &id, &created, &changed),
                     HL_ENOTFOUND);
    assert_int_equal(report(f, "sw-1", CALL_OFFERED, T0, "13800001111", 0, &id, &created,
                            &changed), 0);
    assert_true(created && changed && id > 0);
    assert_int_equal(report(f, "sw-1", CALL_OFFERED, T0 + 3, "13800001111", 0, &id2, &created,
                            &changed), 0);
    assert_true(!created && !changed && id2 == id);
    assert_int_equal(report(f, "sw-1", CALL_ANSWERED, T0 - 1, NULL, f->wang, &id2, &created,
                            &changed), HL_EINVAL);
    assert_int_equal(report(f, "sw-1", CALL_ANSWERED, T0 + 8, NULL, f->wang, &id2, &created,
                            &changed), 0);
    assert_true(!created && changed);
    /* the same answer again, by someone else: the first stands */
    assert_int_equal(report(f, "sw-1", CALL_ANSWERED, T0 + 9, NULL, f->li, &id2, &created,
                            &changed), 0);
    assert_false(changed);
    assert_int_equal(report(f, "sw-1", CALL_ENDED, T0 + 200, NULL, 0, &id2, &created, &changed),
                     0);
    assert_true(changed);
    store_call c;
    assert_int_equal(store_call_get(f->s, f->a, id, &c), 0);
    assert_string_equal(c.call_id, "sw-1");
    assert_string_equal(c.caller, "13800001111");
    assert_int_equal(c.agent_id, f->wang);
    assert_string_equal(c.agent_username, "ct-wang");
    assert_int_equal(c.t.offered_at, T0);
    assert_int_equal(c.t.answered_at, T0 + 8);
    assert_int_equal(c.t.ended_at, T0 + 200);
    assert_int_equal(c.placed_at, T0);
    assert_int_equal(c.ncases, 0);
    assert_int_equal(report(f, "sw-1", CALL_ANSWERED, T0 + 300, NULL, f->wang, &id2, &created,
                            &changed), 0); /* answered already: a repeat */
    /* abandoned, then answered: refused, nothing changes */
    assert_int_equal(report(f, "sw-2", CALL_OFFERED, T0, "110", 0, &id2, &created, &changed), 0);
    assert_int_equal(report(f, "sw-2", CALL_ENDED, T0 + 30, NULL, 0, &id2, &created, &changed),
                     0);
    assert_int_equal(report(f, "sw-2", CALL_ANSWERED, T0 + 40, NULL, f->wang, &id2, &created,
                            &changed), HL_ESTATE);
    assert_int_equal(store_call_get(f->s, f->a, id2, &c), 0);
    assert_int_equal(c.agent_id, 0);
    assert_string_equal(c.agent_username, "");
    /* created by its end alone */
    assert_int_equal(report(f, "sw-3", CALL_ENDED, T0 + 50, "120", 0, &id2, &created, &changed),
                     0);
    assert_true(created);
    assert_int_equal(store_call_get(f->s, f->a, id2, &c), 0);
    assert_int_equal(c.t.offered_at, 0);
    assert_int_equal(c.placed_at, T0 + 50);
    assert_int_equal(store_call_get(f->s, f->a, 999, &c), HL_ENOTFOUND);
}

static void test_current_and_linking(void **state)
{
    fx *f = *state;
    int64_t id = 0, old = 0, call = 0;
    bool created, changed;
    store_call c;
    int64_t now = T0 + 1000;
    assert_int_equal(store_call_current(f->s, f->a, f->wang, now, &c), HL_ENOTFOUND);
    /* an older call, ended long ago */
    assert_int_equal(report(f, "a", CALL_ANSWERED, T0, "13900000000", f->wang, &old, &created,
                            &changed), 0);
    assert_int_equal(report(f, "a", CALL_ENDED, T0 + 60, NULL, 0, &old, &created, &changed), 0);
    assert_int_equal(store_call_current(f->s, f->a, f->wang, now, &c), HL_ENOTFOUND);
    assert_int_equal(report(f, "b", CALL_OFFERED, now - 30, "13811112222", 0, &id, &created,
                            &changed), 0);
    assert_int_equal(report(f, "b", CALL_ANSWERED, now - 20, NULL, f->wang, &id, &created,
                            &changed), 0);
    assert_int_equal(store_call_current(f->s, f->a, f->wang, now, &c), 0);
    assert_int_equal(c.id, id);
    assert_int_equal(store_call_current(f->s, f->a, f->li, now, &c), HL_ENOTFOUND);

    int64_t k1 = register_case(f, "13811112222", f->wang);
    int64_t k2 = register_case(f, "13811112222", f->wang);
    int64_t other = register_case(f, "13700000000", f->wang);
    assert_int_equal(store_call_link_case(f->s, f->wang, "13811112222", k1, now, &call), 0);
    assert_int_equal(call, id);
    assert_int_equal(store_call_link_case(f->s, f->wang, "13811112222", k1, now, &call), 0);
    /* another caller, another call-taker, nothing in progress */
    assert_int_equal(store_call_link_case(f->s, f->wang, "13700000000", other, now, &call),
                     HL_ENOTFOUND);
    assert_int_equal(store_call_link_case(f->s, f->li, "13811112222", k2, now, &call),
                     HL_ENOTFOUND);
    /* ended a minute ago: still the current call, for the request typed in after hanging up */
    assert_int_equal(report(f, "b", CALL_ENDED, now, NULL, 0, &id, &created, &changed), 0);
    assert_int_equal(store_call_link_case(f->s, f->wang, "13811112222", k2, now + 60, &call), 0);
    assert_int_equal(store_call_current(f->s, f->a, f->wang, now + 60, &c), 0);
    assert_int_equal(c.ncases, 2);
    assert_int_equal(c.cases[0].id, k1);
    assert_int_equal(c.cases[1].id, k2);
    assert_int_equal(store_call_current(f->s, f->a, f->wang, now + CALL_RECENT_S, &c),
                     HL_ENOTFOUND);
    assert_int_equal(store_call_link_case(f->s, f->wang, "13811112222", other,
                                          now + CALL_RECENT_S, &call),
                     HL_ENOTFOUND);
    store_call *items;
    size_t n;
    assert_int_equal(store_case_calls(f->s, f->a, k1, &items, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(items[0].call_id, "b");
    assert_int_equal(store_case_calls(f->s, f->a, other, &items, &n), 0);
    assert_int_equal(n, 0);
}

static void test_list_and_sums(void **state)
{
    fx *f = *state;
    /* 2026-11-18 local: 00:30 (16:30 UTC the day before), 09:00, 09:30, 23:59:59; and the
     * next day */
    const int64_t d0 = 1794931200; /* 2026-11-18T00:00:00+08:00 */
    const store_call_record recs[] = {
        {"r1", "13800000001", f->wang, 0, {d0 + 1800, d0 + 1810, d0 + 1900}},       /* 00h, 10 s */
        {"r2", "13800000002", f->li, 0, {d0 + 9 * 3600, d0 + 9 * 3600 + 20, d0 + 9 * 3600 + 320}},
        {"r3", "13800000003", 0, 0, {d0 + 9 * 3600 + 1800, 0, d0 + 9 * 3600 + 1830}}, /* gone */
        {"r4", "13800000004", f->wang, 0, {d0 + 86399, d0 + 86405, 0}},              /* 23h */
        {"r5", "13800000005", f->wang, 0, {d0 + 86400, d0 + 86401, d0 + 86500}},     /* next day */
    };
    assert_int_equal(store_calls_put(f->s, recs, 5), 0);
    /* a taken call_id or times out of order: the whole batch is refused */
    assert_int_equal(store_calls_put(f->s, recs, 1), HL_ECONFLICT);
    store_call_record bad = {"r9", "1380", f->wang, 0, {d0 + 10, d0 + 5, 0}};
    assert_int_equal(store_calls_put(f->s, &bad, 1), HL_EINVAL);

    call_counts total, by_hour[24];
    assert_int_equal(store_call_sums(f->s, d0, d0 + 86400, OFF, &total, by_hour), 0);
    assert_int_equal(total.offered, 4);
    assert_int_equal(total.answered, 3);
    assert_int_equal(total.abandoned, 1);
    assert_int_equal(total.answered_15s, 2); /* 10 s and 6 s; not 20 s */
    assert_int_equal(total.wait_sum, 10 + 20 + 6);
    assert_int_equal(total.talk_n, 2);
    assert_int_equal(by_hour[0].offered, 1);
    assert_int_equal(by_hour[9].offered, 2);
    assert_int_equal(by_hour[9].answered, 1);
    assert_int_equal(by_hour[23].offered, 1);
    assert_int_equal(by_hour[8].offered, 0);
    /* the same calls in UTC hours */
    assert_int_equal(store_call_sums(f->s, d0, d0 + 86400, 0, &total, by_hour), 0);
    assert_int_equal(by_hour[16].offered, 1);
    assert_int_equal(by_hour[1].offered, 2);

    store_call *items;
    size_t n;
    int64_t count = 0;
    store_call_query q = {.from = d0, .to = d0 + 86400, .limit = 2};
    assert_int_equal(store_calls_list(f->s, f->a, &q, &items, &n, &count), 0);
    assert_int_equal(count, 4);
    assert_int_equal(n, 2);
    assert_string_equal(items[0].call_id, "r4"); /* newest first */
    assert_string_equal(items[1].call_id, "r3");
    q.offset = 2;
    assert_int_equal(store_calls_list(f->s, f->a, &q, &items, &n, &count), 0);
    assert_int_equal(n, 2);
    assert_string_equal(items[1].call_id, "r1");
    q = (store_call_query){.agent_id = f->wang, .limit = 50};
    assert_int_equal(store_calls_list(f->s, f->a, &q, &items, &n, &count), 0);
    assert_int_equal(count, 3);
    assert_string_equal(items[0].call_id, "r5");
    q = (store_call_query){.from = d0 + 86400, .limit = 50};
    assert_int_equal(store_calls_list(f->s, f->a, &q, &items, &n, &count), 0);
    assert_int_equal(count, 1);

    /* a history's call with its request */
    int64_t k = register_case(f, "13800000006", f->wang);
    store_call_record linked = {"r6", "13800000006", f->wang, k, {T0 - 60, T0 - 50, T0 + 200}};
    assert_int_equal(store_calls_put(f->s, &linked, 1), 0);
    assert_int_equal(store_case_calls(f->s, f->a, k, &items, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].t.answered_at, T0 - 50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_event_names),
        cmocka_unit_test(test_apply_in_order),
        cmocka_unit_test(test_answer_after_end_and_missing_offer),
        cmocka_unit_test(test_in_progress),
        cmocka_unit_test(test_counts_and_figures),
        cmocka_unit_test_setup_teardown(test_store_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_current_and_linking, setup, teardown),
        cmocka_unit_test_setup_teardown(test_link_same_number_written_differently, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_list_and_sums, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
