/* conformance_open311.c — what the Open311 GeoReport v2 layer reads and writes: a request's
 * extras written with its registration, the public request list and its filters, the public
 * updates feed, and requests imported from a city. */
#include "conformance.h"

#include <stdio.h>
#include <string.h>

static int64_t reg(cf_group *g, int64_t at, bool confidential, const store_open311_extra *x,
                   const char *city_import_id, char *number)
{
    store_case k = {.channel = "open311",
                    .type = REQ_REPORT,
                    .category_id = g->c.leaf,
                    .urgency = URGENCY_NORMAL,
                    .confidential = confidential,
                    .caller_phone = "13600000000",
                    .district_id = g->c.d1,
                    .text = "路灯不亮",
                    .title = "路灯",
                    .open311 = x};
    store_case_event ev = {.ev = {.action = ACT_REGISTER,
                                  .at = at,
                                  .actor_role = ROLE_INTEGRATOR,
                                  .due = {[STAGE_DISPATCH] = at + 2 * CF_H}},
                           .actor_id = g->c.integrator,
                           .is_public = true};
    if (city_import_id) cf_mark_import(&ev, "boston", city_import_id);
    int64_t id = 0;
    char num[STORE_CASE_NUMBER_MAX];
    assert_int_equal(store_case_register(g->s, &k, &ev, CF_OFF, &id, num), 0);
    if (number) memcpy(number, num, sizeof num);
    return id;
}

static int act_public(cf_group *g, int64_t id, case_event e, const char *body, bool pub)
{
    store_case_event ev = {.ev = e, .body = body, .is_public = pub};
    return store_case_act(g->s, id, &ev, NULL, NULL);
}

static void test_extras_are_written_with_the_request(void **state)
{
    cf_group *g = *state;
    store_case_attr answers[] = {{"count", "2"}, {"times", "night"}, {"times", "dawn"}};
    store_open311_extra x = {.email = "a@example.org",
                             .device_id = "dev",
                             .account_id = NULL,
                             .media_url = "https://example.org/a.jpg",
                             .address_id = "addr-9",
                             .zipcode = "310000",
                             .attrs = answers,
                             .nattrs = 3};
    char number[STORE_CASE_NUMBER_MAX];
    int64_t id = reg(g, g->c.t0, false, &x, NULL, number);
    store_case_attr *got;
    size_t n = 0;
    assert_int_equal(store_case_attrs(g->s, g->a, id, &got, &n), 0);
    assert_int_equal(n, 3);
    assert_string_equal(got[0].code, "count");
    assert_string_equal(got[0].value, "2");
    /* by code; a multivaluelist answer is one entry per key */
    assert_string_equal(got[1].code, "times");
    assert_string_equal(got[2].code, "times");
    assert_true((!strcmp(got[1].value, "dawn") && !strcmp(got[2].value, "night")) ||
                (!strcmp(got[1].value, "night") && !strcmp(got[2].value, "dawn")));

    const char *ids[] = {number};
    store_open311_query q = {.ids = ids, .n_ids = 1, .limit = 10};
    store_open311_request *items;
    assert_int_equal(store_open311_requests(g->s, g->a, &q, &items, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].k.id, id);
    assert_string_equal(items[0].media_url, "https://example.org/a.jpg");
    assert_string_equal(items[0].address_id, "addr-9");
    assert_string_equal(items[0].zipcode, "310000");
    assert_string_equal(items[0].service_code, "020101");
    assert_string_equal(items[0].service_name, "路灯");
    assert_string_equal(items[0].agency, "centre"); /* not dispatched: the centre's name */

    /* no extras: no answers, empty strings */
    char n2[STORE_CASE_NUMBER_MAX];
    int64_t plain = reg(g, g->c.t0 + 60, false, NULL, NULL, n2);
    assert_int_equal(store_case_attrs(g->s, g->a, plain, &got, &n), 0);
    assert_int_equal(n, 0);
    ids[0] = n2;
    assert_int_equal(store_open311_requests(g->s, g->a, &q, &items, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(items[0].media_url, "");
    assert_string_equal(items[0].zipcode, "");
}

static void test_requests_list(void **state)
{
    cf_group *g = *state;
    cf_catalogue *c = &g->c;
    int64_t d = c->t0 + 5 * CF_DAY;
    char na[STORE_CASE_NUMBER_MAX], nb[STORE_CASE_NUMBER_MAX], nsecret[STORE_CASE_NUMBER_MAX];
    int64_t a = reg(g, d + 60, false, NULL, NULL, na);
    int64_t b = reg(g, d + 120, false, NULL, NULL, nb);
    int64_t secret = reg(g, d + 180, true, NULL, NULL, nsecret);
    int64_t dd = reg(g, d + 240, false, NULL, NULL, NULL);
    cf_walk(g, dd, c->s1, CASE_DISPATCHED, d + 300);
    cf_act_ok(g, b, CF_EV(ACT_ANSWER, d + 300, .actor_role = ROLE_CALLTAKER));
    (void)secret;

    store_open311_request *items;
    size_t n = 0;
    store_open311_query q = {.from = d, .to = d + CF_DAY, .limit = 100};
    assert_int_equal(store_open311_requests(g->s, g->a, &q, &items, &n), 0);
    assert_int_equal(n, 3); /* never the confidential one; newest first */
    assert_int_equal(items[0].k.id, dd);
    assert_int_equal(items[1].k.id, b);
    assert_int_equal(items[2].k.id, a);
    assert_string_equal(items[0].agency, "s1"); /* the lead unit's name */
    q.offset = 1;
    q.limit = 1;
    assert_int_equal(store_open311_requests(g->s, g->a, &q, &items, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].k.id, b);
    /* both ends of the period inclusive */
    q = (store_open311_query){.from = d + 120, .to = d + 240, .limit = 100};
    assert_int_equal(store_open311_requests(g->s, g->a, &q, &items, &n), 0);
    assert_int_equal(n, 2);
    q = (store_open311_query){
        .from = d, .to = d + CF_DAY, .states = 1u << CASE_CLOSED, .limit = 100};
    assert_int_equal(store_open311_requests(g->s, g->a, &q, &items, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].k.id, b);
    /* categories exactly, not their subtrees */
    int64_t cats[] = {c->mid};
    q = (store_open311_query){
        .category_ids = cats, .n_categories = 1, .from = d, .to = d + CF_DAY, .limit = 100};
    assert_int_equal(store_open311_requests(g->s, g->a, &q, &items, &n), 0);
    assert_int_equal(n, 0);
    cats[0] = c->leaf;
    assert_int_equal(store_open311_requests(g->s, g->a, &q, &items, &n), 0);
    assert_int_equal(n, 3);
    /* ids are the only filter when given; a confidential request is not found by its number */
    const char *ids[] = {na, nsecret, "20000101-00001"};
    q = (store_open311_query){.ids = ids, .n_ids = 3, .states = 1u << CASE_CLOSED, .limit = 100};
    assert_int_equal(store_open311_requests(g->s, g->a, &q, &items, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].k.id, a);

    /* more than 1000 ids or categories */
    static const char *many[1001];
    static int64_t many_cats[1001];
    for (int i = 0; i < 1001; i++) {
        many[i] = na;
        many_cats[i] = c->leaf;
    }
    q = (store_open311_query){.ids = many, .n_ids = 1001, .limit = 10};
    assert_int_equal(store_open311_requests(g->s, g->a, &q, &items, &n), HL_ERANGE);
    q = (store_open311_query){.category_ids = many_cats, .n_categories = 1001, .limit = 10};
    assert_int_equal(store_open311_requests(g->s, g->a, &q, &items, &n), HL_ERANGE);
    q.n_categories = 1000;
    assert_int_equal(store_open311_requests(g->s, g->a, &q, &items, &n), 0);
}

static void test_updates_feed(void **state)
{
    cf_group *g = *state;
    cf_catalogue *c = &g->c;
    int64_t d = c->t0 + 10 * CF_DAY;
    store_open311_extra x = {.media_url = "https://example.org/m.jpg"};
    char num[STORE_CASE_NUMBER_MAX];
    int64_t id = reg(g, d, false, &x, NULL, num);
    int64_t secret = reg(g, d + 1, true, NULL, NULL, NULL);
    case_event dis = CF_EV(ACT_DISPATCH, d + 100, .actor_role = ROLE_DISPATCHER, .unit_id = c->s1,
                           .due = {[STAGE_SIGN] = d + CF_H});
    assert_int_equal(act_public(g, id, dis, NULL, true), 0);
    assert_int_equal(act_public(g, secret, dis, NULL, true), 0);
    assert_int_equal(act_public(g, id,
                                CF_EV(ACT_SIGN, d + 200, .due = {[STAGE_REPLY] = d + 2 * CF_H}),
                                NULL, false),
                     0);
    assert_int_equal(
        act_public(g, id, CF_EV(ACT_REQUEST_EXTENSION, d + 300, .requested_due = d + 50 * CF_H),
                   NULL, false),
        0);
    assert_int_equal(
        act_public(g, id,
                   CF_EV(ACT_APPROVE_EXTENSION, d + 400, .due = {[STAGE_REPLY] = d + 50 * CF_H}),
                   NULL, true),
        0);
    assert_int_equal(act_public(g, id, CF_EV(ACT_REPLY, d + 500), "已修复", true), 0);

    store_open311_update *u;
    size_t n = 0;
    assert_int_equal(store_open311_updates(g->s, g->a, d, d + 1000, 0, 100, &u, &n), 0);
    assert_int_equal(n, 4); /* register, dispatch, approve_extension, reply: oldest first */
    assert_int_equal(u[0].action, ACT_REGISTER);
    assert_string_equal(u[0].number, num);
    assert_int_equal(u[0].at, d);
    assert_string_equal(u[0].media_url, "https://example.org/m.jpg");
    assert_int_equal(u[1].action, ACT_DISPATCH);
    assert_string_equal(u[1].unit_name, "s1");
    assert_int_equal(u[2].action, ACT_APPROVE_EXTENSION);
    assert_int_equal(u[2].reply_due, d + 50 * CF_H);
    assert_string_equal(u[2].unit_name, "");
    assert_int_equal(u[3].action, ACT_REPLY);
    assert_string_equal(u[3].body, "已修复");
    assert_int_equal(u[3].reply_due, 0);
    for (size_t i = 1; i < n; i++)
        assert_true(u[i].id > u[i - 1].id);
    /* pages, and both ends of the period inclusive */
    assert_int_equal(store_open311_updates(g->s, g->a, d, d + 1000, 1, 2, &u, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(u[0].action, ACT_DISPATCH);
    assert_int_equal(store_open311_updates(g->s, g->a, d + 100, d + 400, 0, 100, &u, &n), 0);
    assert_int_equal(n, 2);
}

static void test_city_imports(void **state)
{
    cf_group *g = *state;
    int64_t d = g->c.t0 + 15 * CF_DAY;
    int64_t id = reg(g, d, false, NULL, "BOS-101", NULL);
    int64_t found = 0;
    assert_int_equal(store_open311_imported(g->s, "boston", "BOS-101", &found), 0);
    assert_int_equal(found, id);
    assert_int_equal(store_open311_imported(g->s, "boston", "BOS-999", &found), HL_ENOTFOUND);
    assert_int_equal(store_open311_imported(g->s, "chicago", "BOS-101", &found), HL_ENOTFOUND);
    /* an imported id finds the request in the public list too */
    const char *ids[] = {"BOS-101"};
    store_open311_query q = {.ids = ids, .n_ids = 1, .limit = 10};
    store_open311_request *items;
    size_t n = 0;
    assert_int_equal(store_open311_requests(g->s, g->a, &q, &items, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].k.id, id);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_extras_are_written_with_the_request),
        cmocka_unit_test(test_requests_list),
        cmocka_unit_test(test_updates_feed),
        cmocka_unit_test(test_city_imports),
    };
    return cmocka_run_group_tests_name("conformance_open311", tests, cf_group_setup,
                                       cf_group_teardown);
}
