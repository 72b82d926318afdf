/* conformance_calls.c — telephone calls as the switch reports them: events applied in order,
 * the call-taker's current call, requests linked to calls, lists, sums by hour, and whole
 * calls written for a history. */
#include "conformance.h"

#include <string.h>

static int report(cf_group *g, const char *call_id, call_event e, int64_t at, const char *caller,
                  int64_t agent, int64_t *id, bool *created, bool *changed)
{
    store_call_report in = {
        .call_id = call_id, .event = e, .at = at, .caller = caller, .agent_id = agent};
    return store_call_report_event(g->s, &in, id, created, changed);
}

static store_call call_of(cf_group *g, int64_t id)
{
    store_call c;
    assert_int_equal(store_call_get(g->s, g->a, id, &c), 0);
    assert_int_equal(c.id, id);
    return c;
}

static void test_report_events(void **state)
{
    cf_group *g = *state;
    int64_t t = g->c.t0, id = 0, id2 = 0, x = 0;
    bool created = false, changed = false;
    /* a new call needs its caller */
    assert_int_equal(report(g, "r-1", CALL_OFFERED, t, NULL, 0, &id, &created, &changed),
                     HL_ENOTFOUND);
    assert_int_equal(report(g, "r-1", CALL_OFFERED, t, "13300000001", 0, &id, &created, &changed),
                     0);
    assert_true(id > 0 && created && changed);
    store_call c = call_of(g, id);
    assert_string_equal(c.call_id, "r-1");
    assert_string_equal(c.caller, "13300000001");
    assert_int_equal(c.t.offered_at, t);
    assert_int_equal(c.t.answered_at, 0);
    assert_int_equal(c.agent_id, 0);
    assert_string_equal(c.agent_username, "");
    assert_int_equal(c.placed_at, t);
    assert_int_equal(c.ncases, 0);

    assert_int_equal(
        report(g, "r-1", CALL_ANSWERED, t + 10, NULL, g->c.calltaker, &id2, &created, &changed), 0);
    assert_int_equal(id2, id);
    assert_false(created);
    assert_true(changed);
    /* the same event again changes nothing */
    assert_int_equal(
        report(g, "r-1", CALL_ANSWERED, t + 10, NULL, g->c.calltaker, &id2, &created, &changed), 0);
    assert_false(created);
    assert_false(changed);
    c = call_of(g, id);
    assert_int_equal(c.t.answered_at, t + 10);
    assert_int_equal(c.agent_id, g->c.calltaker);
    assert_string_equal(c.agent_username, "calltaker");
    assert_string_equal(c.agent_name, "calltaker");
    /* before the latest event: refused, nothing changes */
    assert_int_equal(report(g, "r-1", CALL_ENDED, t + 5, NULL, 0, &id2, &created, &changed),
                     HL_EINVAL);
    assert_int_equal(report(g, "r-1", CALL_ENDED, t + 100, NULL, 0, &id2, &created, &changed), 0);
    /* an answer again, later and by someone else: the first report stands */
    assert_int_equal(
        report(g, "r-1", CALL_ANSWERED, t + 200, NULL, g->c.dispatcher, &id2, &created, &changed),
        0);
    assert_false(changed);
    c = call_of(g, id);
    assert_int_equal(c.t.offered_at, t);
    assert_int_equal(c.t.answered_at, t + 10);
    assert_int_equal(c.t.ended_at, t + 100);
    assert_int_equal(c.agent_id, g->c.calltaker);

    /* a call first reported by its end is placed then */
    assert_int_equal(
        report(g, "r-2", CALL_ENDED, t + 50, "13300000002", 0, &id2, &created, &changed), 0);
    assert_true(created);
    c = call_of(g, id2);
    assert_int_equal(c.t.offered_at, 0);
    assert_int_equal(c.placed_at, t + 50);
    /* an answer after the end */
    assert_int_equal(
        report(g, "r-2", CALL_ANSWERED, t + 60, NULL, g->c.calltaker, &x, &created, &changed),
        HL_ESTATE);
    c = call_of(g, id2);
    assert_int_equal(c.t.answered_at, 0);
    assert_int_equal(c.agent_id, 0);
    assert_int_equal(store_call_get(g->s, g->a, id2 + 1000, &c), HL_ENOTFOUND);
}

static void test_current_call_and_links(void **state)
{
    cf_group *g = *state;
    int64_t t = g->c.t0 + CF_DAY, id = 0, other = 0, x = 0;
    bool created, changed;
    int64_t agent = g->c.dispatcher; /* any user: the caller of report checks the role */
    store_call c;
    assert_int_equal(store_call_current(g->s, g->a, agent, t, &c), HL_ENOTFOUND);
    assert_int_equal(report(g, "c-1", CALL_OFFERED, t, "13311112222", 0, &id, &created, &changed),
                     0);
    assert_int_equal(store_call_current(g->s, g->a, agent, t + 5, &c), HL_ENOTFOUND);
    assert_int_equal(report(g, "c-1", CALL_ANSWERED, t + 5, NULL, agent, &x, &created, &changed),
                     0);
    assert_int_equal(store_call_current(g->s, g->a, agent, t + 60, &c), 0);
    assert_int_equal(c.id, id);
    assert_int_equal(store_call_current(g->s, g->a, g->c.admin, t + 60, &c), HL_ENOTFOUND);

    int64_t k1 = cf_register(g, t + 30, "13311112222", "来电登记", NULL);
    int64_t k2 = cf_register(g, t + 40, "13311112222", "第二件", NULL);
    int64_t call = 0;
    assert_int_equal(store_call_link_case(g->s, agent, "13311112222", k1, t + 60, &call), 0);
    assert_int_equal(call, id);
    assert_int_equal(store_call_link_case(g->s, agent, "13311112222", k1, t + 60, &call), 0);
    assert_int_equal(store_call_link_case(g->s, agent, "13399999999", k2, t + 60, &call),
                     HL_ENOTFOUND);
    assert_int_equal(store_call_link_case(g->s, g->c.admin, "13311112222", k2, t + 60, &call),
                     HL_ENOTFOUND);
    c = call_of(g, id);
    assert_int_equal(c.ncases, 1); /* linked twice, once */
    assert_int_equal(c.cases[0].id, k1);

    /* a later call of the same caller answered by the same agent: the latest is current */
    assert_int_equal(report(g, "c-1", CALL_ENDED, t + 90, NULL, 0, &x, &created, &changed), 0);
    assert_int_equal(
        report(g, "c-2", CALL_ANSWERED, t + 100, "13311112222", agent, &other, &created, &changed),
        0);
    assert_int_equal(store_call_current(g->s, g->a, agent, t + 110, &c), 0);
    assert_int_equal(c.id, other);
    assert_int_equal(store_call_link_case(g->s, agent, "13311112222", k2, t + 110, &call), 0);
    assert_int_equal(call, other);
    assert_int_equal(store_call_link_case(g->s, agent, "13311112222", k1, t + 110, &call), 0);
    /* ended a while ago: no longer current */
    assert_int_equal(report(g, "c-2", CALL_ENDED, t + 200, NULL, 0, &x, &created, &changed), 0);
    assert_int_equal(store_call_current(g->s, g->a, agent, t + 200 + CALL_RECENT_S - 1, &c), 0);
    assert_int_equal(store_call_current(g->s, g->a, agent, t + 200 + CALL_RECENT_S + 1, &c),
                     HL_ENOTFOUND);
    assert_int_equal(
        store_call_link_case(g->s, agent, "13311112222", k2, t + 200 + CALL_RECENT_S + 1, &call),
        HL_ENOTFOUND);

    /* the calls of a request, oldest first */
    store_call *items;
    size_t n = 0;
    assert_int_equal(store_case_calls(g->s, g->a, k1, &items, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(items[0].id, id);
    assert_int_equal(items[1].id, other);
    assert_int_equal(store_case_calls(g->s, g->a, k2, &items, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, other);
    assert_int_equal(items[0].t.answered_at, t + 100);
}

static void test_put_list_and_sums(void **state)
{
    cf_group *g = *state;
    /* a day of its own: 2026-12-01 local midnight */
    int64_t d0 = civil_day_start(civil_days_from_ymd(2026, 12, 1), CF_OFF);
    int64_t h9 = d0 + 9 * CF_H, h10 = d0 + 10 * CF_H;
    int64_t k = cf_register(g, h9 + 30, "13322223333", "历史来电", NULL);
    store_call_record recs[] = {
        {.call_id = "p-1",
         .caller = "13322223333",
         .agent_id = g->c.calltaker,
         .case_id = k,
         .t = {h9, h9 + 10, h9 + 100}}, /* within 15 s */
        {.call_id = "p-2",
         .caller = "13322224444",
         .agent_id = g->c.calltaker,
         .t = {h9 + 200, h9 + 230, h9 + 300}}, /* answered late */
        {.call_id = "p-3", .caller = "13322225555", .t = {h9 + 400, 0, h9 + 420}}, /* abandoned */
        {.call_id = "p-4",
         .caller = "13322226666",
         .agent_id = g->c.dispatcher,
         .t = {h10, h10 + 5, h10 + 65}},
    };
    int64_t total_n = 0;
    store_call *items;
    size_t n = 0;
    store_call_query q = {.from = d0, .to = d0 + CF_DAY, .limit = 50};
    assert_int_equal(store_calls_list(g->s, g->a, &q, &items, &n, &total_n), 0);
    assert_int_equal(total_n, 0);

    /* refusals write nothing of the batch */
    store_call_record bad[] = {recs[0], {.call_id = "p-bad", .caller = "13300000000"}};
    assert_int_equal(store_calls_put(g->s, bad, 2), HL_EINVAL);
    store_call_record order[] = {
        recs[0], {.call_id = "p-bad", .caller = "13300000000", .t = {h9 + 50, h9 + 40, h9 + 60}}};
    assert_int_equal(store_calls_put(g->s, order, 2), HL_EINVAL);
    assert_int_equal(store_calls_list(g->s, g->a, &q, &items, &n, &total_n), 0);
    assert_int_equal(total_n, 0);
    assert_int_equal(store_calls_put(g->s, recs, 4), 0);
    assert_int_equal(store_calls_put(g->s, recs + 1, 1), HL_ECONFLICT);
    store_call_record fresh[] = {
        {.call_id = "p-5", .caller = "13322227777", .t = {h10 + 100, 0, h10 + 110}}, recs[2]};
    assert_int_equal(store_calls_put(g->s, fresh, 2), HL_ECONFLICT);

    assert_int_equal(store_calls_list(g->s, g->a, &q, &items, &n, &total_n), 0);
    assert_int_equal(total_n, 4); /* p-5 was not written */
    assert_int_equal(n, 4);
    assert_string_equal(items[0].call_id, "p-4"); /* newest first */
    assert_string_equal(items[3].call_id, "p-1");
    assert_int_equal(items[3].ncases, 1);
    assert_int_equal(items[3].cases[0].id, k);
    assert_int_equal(items[3].t.answered_at, h9 + 10);
    q.agent_id = g->c.calltaker;
    assert_int_equal(store_calls_list(g->s, g->a, &q, &items, &n, &total_n), 0);
    assert_int_equal(total_n, 2);
    q = (store_call_query){.from = d0, .to = d0 + CF_DAY, .offset = 1, .limit = 2};
    assert_int_equal(store_calls_list(g->s, g->a, &q, &items, &n, &total_n), 0);
    assert_int_equal(total_n, 4);
    assert_int_equal(n, 2);
    assert_string_equal(items[0].call_id, "p-3");
    assert_string_equal(items[1].call_id, "p-2");
    q = (store_call_query){.from = h9 + 200, .to = h10, .limit = 50}; /* [from, to) */
    assert_int_equal(store_calls_list(g->s, g->a, &q, &items, &n, &total_n), 0);
    assert_int_equal(total_n, 2);

    assert_int_equal(store_case_calls(g->s, g->a, k, &items, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(items[0].call_id, "p-1");

    call_counts total, by_hour[24];
    assert_int_equal(store_call_sums(g->s, d0, d0 + CF_DAY, CF_OFF, &total, by_hour), 0);
    assert_int_equal(total.offered, 4);
    assert_int_equal(total.answered, 3);
    assert_int_equal(total.abandoned, 1);
    assert_int_equal(total.answered_15s, 2);
    assert_int_equal(total.wait_n, 3);
    assert_int_equal(total.wait_sum, 10 + 30 + 5);
    assert_int_equal(total.talk_n, 3);
    assert_int_equal(total.talk_sum, 90 + 70 + 60);
    assert_int_equal(by_hour[9].offered, 3);
    assert_int_equal(by_hour[9].abandoned, 1);
    assert_int_equal(by_hour[10].offered, 1);
    assert_int_equal(by_hour[10].answered_15s, 1);
    assert_int_equal(by_hour[8].offered, 0);
    /* the hours are the offset's */
    assert_int_equal(store_call_sums(g->s, d0, d0 + CF_DAY, 0, &total, by_hour), 0);
    assert_int_equal(by_hour[1].offered, 3);
    assert_int_equal(by_hour[2].offered, 1);
    assert_int_equal(store_call_sums(g->s, h9 + 100, h10, CF_OFF, &total, by_hour), 0);
    assert_int_equal(total.offered, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_events),
        cmocka_unit_test(test_current_call_and_links),
        cmocka_unit_test(test_put_list_and_sums),
    };
    return cmocka_run_group_tests_name("conformance_calls", tests, cf_group_setup,
                                       cf_group_teardown);
}
