/* conformance_cases.c — requests: registration and numbering, actions (targets, scope, the
 * lifecycle, the automatic close, nothing written on a refusal), the reads, the fold check,
 * search and export with every filter, sort and page, and the duplicate-detection reads. Each
 * test registers its requests on a day of its own, so the shared store does not mix them. */
#include "conformance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t day_of(cf_group *g, int n)
{
    return g->c.t0 + (int64_t)n * CF_DAY;
}

/* Registers k (missing fields from the catalogue's defaults) at `at`. */
static int64_t reg(cf_group *g, store_case k, int64_t at, char *number)
{
    if (!k.channel) k.channel = "phone";
    if (!k.category_id) {
        k.category_id = g->c.leaf;
        k.type = REQ_REPORT;
    }
    if (!k.caller_phone) k.caller_phone = "13800000000";
    if (!k.text) k.text = "路灯不亮";
    if (!k.title) k.title = k.text;
    store_case_event ev = {.ev = {.action = ACT_REGISTER,
                                  .at = at,
                                  .actor_role = ROLE_CALLTAKER,
                                  .actor_unit = g->c.centre,
                                  .due = {[STAGE_DISPATCH] = at + 2 * CF_H}},
                           .actor_id = g->c.calltaker};
    int64_t id = 0;
    char num[STORE_CASE_NUMBER_MAX];
    assert_int_equal(store_case_register(g->s, &k, &ev, CF_OFF, &id, num), 0);
    if (number) memcpy(number, num, sizeof num);
    return id;
}

/* An action, with the co-handling units a dispatch names (n of co; n 0 for none). */
static int act_co(cf_group *g, int64_t id, case_event e, const int64_t *co, int n,
                  const store_act_guard *guard, case_snapshot *after)
{
    store_case_event ev = {.ev = e, .n_co = n};
    for (int i = 0; i < n; i++) ev.co_units[i] = co[i];
    return store_case_act(g->s, id, &ev, guard, after);
}

static int act_guarded(cf_group *g, int64_t id, case_event e, const store_act_guard *guard,
                       case_snapshot *after)
{
    return act_co(g, id, e, NULL, 0, guard, after);
}

static size_t events_n(cf_group *g, int64_t id)
{
    store_case_event *evs;
    size_t n = 0;
    assert_int_equal(store_case_events(g->s, g->a, id, &evs, &n), 0);
    return n;
}

static case_event dispatch(int64_t at, int64_t unit)
{
    return CF_EV(ACT_DISPATCH, at, .actor_role = ROLE_DISPATCHER, .unit_id = unit,
                 .due = {[STAGE_SIGN] = at + CF_H, [STAGE_RETURN] = at + CF_H});
}

static case_event sign(int64_t at)
{
    return CF_EV(ACT_SIGN, at, .actor_role = ROLE_HANDLER, .due = {[STAGE_REPLY] = at + 24 * CF_H});
}

/* ---- registration and reads ------------------------------------------------------------------ */

static void test_register_and_read(void **state)
{
    cf_group *g = *state;
    int64_t at = day_of(g, 1) + 60; /* 2026-11-11 09:01 local */
    store_case in = {.channel = "web",
                     .type = REQ_COMPLAINT,
                     .category_id = g->c.leaf2,
                     .urgency = URGENCY_URGENT,
                     .confidential = true,
                     .caller_name = "王五",
                     .caller_phone = "13911112222",
                     .district_id = g->c.d2,
                     .street_id = 0,
                     .address = "解放路 8 号",
                     .has_location = true,
                     .lat = 30.25,
                     .lng = 120.5,
                     .title = "垃圾未清运",
                     .text = "小区垃圾三天没人清运",
                     .created_by = g->c.calltaker};
    char n1[STORE_CASE_NUMBER_MAX], n2[STORE_CASE_NUMBER_MAX], n3[STORE_CASE_NUMBER_MAX];
    int64_t id = reg(g, in, at, n1);
    int64_t id2 = reg(g, (store_case){0}, at + 60, n2);
    /* 2026-11-11 16:30 UTC is 00:30 on the 12th in the city */
    int64_t id3 =
        reg(g, (store_case){0},
            civil_day_start(civil_days_from_ymd(2026, 11, 12), 0) - 7 * CF_H - 30 * 60, n3);
    assert_true(id > 0 && id2 > id && id3 > id2);
    assert_int_equal(strncmp(n1, "20261111-", 9), 0);
    assert_int_equal(strncmp(n2, "20261111-", 9), 0);
    assert_int_equal(strncmp(n3, "20261112-", 9), 0);
    assert_int_equal(strlen(n1), 14);
    long s1 = strtol(n1 + 9, NULL, 10), s2 = strtol(n2 + 9, NULL, 10);
    assert_true(s1 >= 1);
    assert_int_equal(s2, s1 + 1); /* the day's sequence */

    store_case k = cf_case(g, id);
    assert_string_equal(k.number, n1);
    assert_string_equal(k.channel, "web");
    assert_int_equal(k.type, REQ_COMPLAINT);
    assert_int_equal(k.category_id, g->c.leaf2);
    assert_int_equal(k.urgency, URGENCY_URGENT);
    assert_true(k.confidential);
    assert_string_equal(k.caller_name, "王五");
    assert_string_equal(k.caller_phone, "13911112222");
    assert_int_equal(k.district_id, g->c.d2);
    assert_int_equal(k.street_id, 0);
    assert_string_equal(k.address, "解放路 8 号");
    assert_true(k.has_location);
    assert_true(k.lat > 30.2499 && k.lat < 30.2501 && k.lng > 120.4999 && k.lng < 120.5001);
    assert_string_equal(k.title, "垃圾未清运");
    assert_string_equal(k.text, "小区垃圾三天没人清运");
    assert_int_equal(k.created_by, g->c.calltaker);
    assert_string_equal(k.reply_text, "");
    assert_int_equal(k.snap.state, CASE_REGISTERED);
    assert_int_equal(k.snap.registered_at, at);
    assert_int_equal(k.snap.events, 1);
    assert_int_equal(k.snap.unit_id, 0);
    assert_int_equal(k.current_due, at + 2 * CF_H);

    store_case byn;
    assert_int_equal(store_case_by_number(g->s, g->a, n2, &byn), 0);
    assert_int_equal(byn.id, id2);
    assert_false(byn.has_location);
    assert_int_equal(store_case_by_number(g->s, g->a, "19990101-00001", &byn), HL_ENOTFOUND);
    assert_int_equal(store_case_get(g->s, g->a, id3 + 1000, &byn), HL_ENOTFOUND);

    store_case_event *evs;
    size_t n = 0;
    assert_int_equal(store_case_events(g->s, g->a, id, &evs, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(evs[0].seq, 1);
    assert_int_equal(evs[0].ev.action, ACT_REGISTER);
    assert_int_equal(evs[0].ev.at, at);
    assert_int_equal(evs[0].actor_id, g->c.calltaker);
    assert_string_equal(evs[0].actor_name, "calltaker");

    /* registering takes a register event only */
    store_case_event notreg = {.ev = {.action = ACT_DISPATCH, .at = at}};
    int64_t bad = 0;
    char nb[STORE_CASE_NUMBER_MAX];
    store_case kk = {
        .channel = "phone", .category_id = g->c.leaf, .caller_phone = "1", .text = "x"};
    bool ok = false;
    int64_t before = 0, after = 0, differ = 0;
    assert_int_equal(store_check(g->s, &ok, &before, &differ), 0);
    assert_int_equal(store_case_register(g->s, &kk, &notreg, CF_OFF, &bad, nb), HL_EINVAL);
    assert_int_equal(store_check(g->s, &ok, &after, &differ), 0);
    assert_int_equal(after, before);
}

/* An idempotency key: the registrar's second registration under it writes nothing and names
 * the first request (HL_ECONFLICT, same id and number, no number drawn); another registrar's
 * same key is another request; a registration that fails leaves its key unused. */
static void test_idempotency_key(void **state)
{
    cf_group *g = *state;
    int64_t at = day_of(g, 8);
    store_case_event ev = {.ev = {.action = ACT_REGISTER,
                                  .at = at,
                                  .actor_role = ROLE_CALLTAKER,
                                  .actor_unit = g->c.centre,
                                  .due = {[STAGE_DISPATCH] = at + 2 * CF_H}},
                           .actor_id = g->c.calltaker};
    store_case k = {.channel = "phone", .type = REQ_REPORT, .category_id = g->c.leaf,
                    .caller_phone = "13800000040", .text = "重试的登记", .title = "重试的登记",
                    .created_by = g->c.calltaker, .idempotency_key = "0b6f6c52-retry"};
    int64_t id = 0, again = 0, other = 0, cases0 = 0, cases1 = 0, differ = 0;
    char num[STORE_CASE_NUMBER_MAX], num2[STORE_CASE_NUMBER_MAX] = "", num3[STORE_CASE_NUMBER_MAX];
    bool ok = false;
    assert_int_equal(store_case_register(g->s, &k, &ev, CF_OFF, &id, num), 0);
    assert_true(id > 0);
    assert_int_equal(store_check(g->s, &ok, &cases0, &differ), 0);

    assert_int_equal(store_case_register(g->s, &k, &ev, CF_OFF, &again, num2), HL_ECONFLICT);
    assert_int_equal(again, id);
    assert_string_equal(num2, num);
    assert_int_equal(store_check(g->s, &ok, &cases1, &differ), 0);
    assert_int_equal(cases1, cases0);

    /* another registrar's key of the same text is its own: the next number of the day */
    store_case k2 = k;
    k2.created_by = g->c.integrator;
    assert_int_equal(store_case_register(g->s, &k2, &ev, CF_OFF, &other, num3), 0);
    assert_true(other != id);
    assert_int_equal(strcmp(num3 + 9, "00002"), 0);
    assert_int_equal(strcmp(num + 9, "00001"), 0);

    /* a registration refused inside its transaction (no such category) keeps nothing of the
     * key: the same key registers afterwards */
    store_case bad = k;
    bad.idempotency_key = "0b6f6c52-after-failure";
    bad.category_id = 987654321;
    int64_t none = 0, later = 0;
    assert_true(store_case_register(g->s, &bad, &ev, CF_OFF, &none, num2) != 0);
    bad.category_id = g->c.leaf;
    assert_int_equal(store_case_register(g->s, &bad, &ev, CF_OFF, &later, num2), 0);
    assert_true(later > other);
    assert_int_equal(strcmp(num2 + 9, "00003"), 0);
}

static void test_events_in_order(void **state)
{
    cf_group *g = *state;
    int64_t at = day_of(g, 2);
    int64_t id = cf_register(g, at, NULL, "事件顺序", NULL);
    store_case_event ev = {.ev = dispatch(at + 60, g->c.s1),
                           .actor_id = g->c.dispatcher,
                           .reason = "按属地",
                           .is_public = true};
    assert_int_equal(store_case_act(g->s, id, &ev, NULL, NULL), 0);
    ev = (store_case_event){.ev = CF_EV(ACT_URGE, at + 120, .actor_role = ROLE_SUPERVISOR),
                            .actor_id = g->c.supervisor,
                            .reason = "尽快"};
    assert_int_equal(store_case_act(g->s, id, &ev, NULL, NULL), 0);
    ev = (store_case_event){.ev = sign(at + 180), .actor_id = g->c.handler_s1};
    assert_int_equal(store_case_act(g->s, id, &ev, NULL, NULL), 0);
    ev = (store_case_event){.ev = CF_EV(ACT_REPLY, at + 240, .actor_role = ROLE_HANDLER),
                            .actor_id = g->c.handler_s1,
                            .body = "路灯已修好",
                            .is_public = true};
    assert_int_equal(store_case_act(g->s, id, &ev, NULL, NULL), 0);

    store_case_event *evs;
    size_t n = 0;
    assert_int_equal(store_case_events(g->s, g->a, id, &evs, &n), 0);
    assert_int_equal(n, 5);
    case_action want[] = {ACT_REGISTER, ACT_DISPATCH, ACT_URGE, ACT_SIGN, ACT_REPLY};
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(evs[i].seq, (int)i + 1);
        assert_int_equal(evs[i].ev.action, want[i]);
    }
    assert_int_equal(evs[1].ev.unit_id, g->c.s1);
    assert_int_equal(evs[1].ev.due[STAGE_SIGN], at + 60 + CF_H);
    assert_string_equal(evs[1].reason, "按属地");
    assert_string_equal(evs[1].actor_name, "dispatcher");
    assert_int_equal(evs[2].actor_id, g->c.supervisor);
    assert_string_equal(evs[2].reason, "尽快");
    assert_string_equal(evs[4].body, "路灯已修好");
    assert_int_equal(evs[4].ev.at, at + 240);

    store_case k = cf_case(g, id);
    assert_int_equal(k.snap.state, CASE_REPLIED);
    assert_int_equal(k.snap.urge_count, 1);
    assert_int_equal(k.snap.unit_id, g->c.s1);
    assert_int_equal(k.snap.signed_at, at + 180);
    assert_int_equal(k.snap.events, 5);
    assert_string_equal(k.reply_text, "路灯已修好");
}

/* ---- actions --------------------------------------------------------------------------------- */

static void refused_co(cf_group *g, int64_t id, case_event e, const int64_t *co, int n,
                       const store_act_guard *guard, int rc)
{
    size_t n0 = events_n(g, id);
    store_case k0 = cf_case(g, id);
    case_snapshot after = {.events = -1};
    assert_int_equal(act_co(g, id, e, co, n, guard, &after), rc);
    /* nothing written */
    assert_int_equal(events_n(g, id), n0);
    store_case k = cf_case(g, id);
    assert_int_equal(k.snap.state, k0.snap.state);
    assert_int_equal(k.snap.unit_id, k0.snap.unit_id);
    assert_int_equal(k.snap.events, k0.snap.events);
    /* on HL_ESTATE, after holds the row as it is */
    if (rc == HL_ESTATE) {
        assert_int_equal(after.state, k0.snap.state);
        assert_int_equal(after.events, k0.snap.events);
    }
}

static void refused(cf_group *g, int64_t id, case_event e, const store_act_guard *guard, int rc)
{
    refused_co(g, id, e, NULL, 0, guard, rc);
}

static void test_act_targets_and_states(void **state)
{
    cf_group *g = *state;
    cf_catalogue *c = &g->c;
    int64_t at = day_of(g, 3);
    int64_t id = cf_register(g, at, NULL, "派单目标", NULL);
    store_unit off = {.parent_id = c->centre,
                      .code = "cases-off",
                      .name_zh = "停用",
                      .name_en = "Off",
                      .kind = UNIT_DEPARTMENT,
                      .active = false};
    int64_t off_id = 0;
    assert_int_equal(store_unit_create(g->s, &off, &off_id), 0);

    refused(g, id, dispatch(at + 60, c->centre), NULL, HL_EINVAL);
    refused(g, id, dispatch(at + 60, off_id), NULL, HL_EINVAL);
    refused(g, id, dispatch(at + 60, c->s1 + 10000), NULL, HL_EINVAL);
    refused(g, id, dispatch(at + 60, 0), NULL, HL_EINVAL);
    refused(g, id, sign(at + 60), NULL, HL_ESTATE);
    refused(g, id, CF_EV(ACT_REPLY, at + 60), NULL, HL_ESTATE);
    /* co-handling units: not the lead, not the centre */
    int64_t co_bad[] = {c->s1};
    refused_co(g, id, dispatch(at + 60, c->s1), co_bad, 1, NULL, HL_EINVAL);
    int64_t co_centre[] = {c->centre};
    refused_co(g, id, dispatch(at + 60, c->s1), co_centre, 1, NULL, HL_EINVAL);

    int64_t co[] = {c->sub, c->s2};
    case_snapshot after;
    assert_int_equal(act_co(g, id, dispatch(at + 60, c->s1), co, 2, NULL, &after), 0);
    assert_int_equal(after.state, CASE_DISPATCHED);
    assert_int_equal(after.unit_id, c->s1);
    assert_int_equal(after.events, 2);
    int64_t *ids;
    size_t n = 0;
    assert_int_equal(store_case_co_units(g->s, g->a, id, &ids, &n), 0);
    assert_int_equal(n, 2);
    assert_true((ids[0] == c->sub && ids[1] == c->s2) || (ids[0] == c->s2 && ids[1] == c->sub));
    store_case k = cf_case(g, id);
    assert_int_equal(k.current_due, at + 60 + CF_H);
    assert_int_equal(k.snap.dispatched_at, at + 60);

    /* an approved return, then a new dispatch replaces the co-handling units */
    cf_act_ok(g, id, CF_EV(ACT_REQUEST_RETURN, at + 120, .actor_role = ROLE_HANDLER));
    cf_act_ok(g, id,
              CF_EV(ACT_APPROVE_RETURN, at + 180, .actor_role = ROLE_DISPATCHER,
                    .due = {[STAGE_DISPATCH] = at + 3 * CF_H}));
    k = cf_case(g, id);
    assert_int_equal(k.snap.state, CASE_REGISTERED);
    assert_int_equal(k.snap.return_count, 1);
    int64_t co2[] = {c->d2};
    assert_int_equal(act_co(g, id, dispatch(at + 240, c->dept), co2, 1, NULL, NULL), 0);
    assert_int_equal(store_case_co_units(g->s, g->a, id, &ids, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], c->d2);
    assert_int_equal(cf_case(g, id).snap.unit_id, c->dept);

    /* lifecycle refusals of a dispatched case */
    refused(g, id, CF_EV(ACT_DISPATCH, at + 300, .unit_id = c->s1), NULL, HL_ESTATE);
    refused(g, id, CF_EV(ACT_MERGE, at + 300), NULL, HL_EINVAL); /* merge without a master */
}

/* What some events carry besides their text comes back as it was written. */
static void test_event_extras_round_trip(void **state)
{
    cf_group *g = *state;
    cf_catalogue *c = &g->c;
    int64_t at = day_of(g, 5);
    int64_t id = cf_register(g, at, NULL, "附带", NULL);
    int64_t co[] = {c->s2, c->sub};
    assert_int_equal(act_co(g, id, dispatch(at + 60, c->s1), co, 2, NULL, NULL), 0);
    store_case_event ret = {.ev = CF_EV(ACT_REQUEST_RETURN, at + 120, .actor_role = ROLE_HANDLER),
                            .reason = "不属本街道", .basis = "三定方案"};
    assert_int_equal(store_case_act(g->s, id, &ret, NULL, NULL), 0);
    int64_t other = cf_register(g, at + 10, NULL, "咨询", NULL);
    store_case_event ans = {.ev = CF_EV(ACT_ANSWER, at + 70, .actor_role = ROLE_CALLTAKER),
                            .body = "见知识库", .article_id = 4242};
    assert_int_equal(store_case_act(g->s, other, &ans, NULL, NULL), 0);

    store_case_event *evs;
    size_t n = 0;
    assert_int_equal(store_case_events(g->s, g->a, id, &evs, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(evs[0].n_co, 0);
    assert_null(evs[0].basis);
    assert_int_equal(evs[1].n_co, 2);
    assert_int_equal(evs[1].co_units[0], c->s2);
    assert_int_equal(evs[1].co_units[1], c->sub);
    assert_string_equal(evs[2].basis, "三定方案");
    assert_string_equal(evs[2].reason, "不属本街道");
    assert_int_equal(evs[2].article_id, 0);
    assert_int_equal(store_case_events(g->s, g->a, other, &evs, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(evs[1].article_id, 4242);
    assert_null(evs[1].import_source);
    assert_null(evs[1].import_id);
}

static void test_act_scope(void **state)
{
    cf_group *g = *state;
    cf_catalogue *c = &g->c;
    int64_t at = day_of(g, 4);
    int64_t id = cf_register(g, at, NULL, "范围", NULL);
    store_act_guard none_yet = {.scope_unit = c->s1};
    refused(g, id, dispatch(at + 60, c->s1), &none_yet, HL_EFORBIDDEN); /* no lead unit yet */
    int64_t co[] = {c->s2};
    assert_int_equal(act_co(g, id, dispatch(at + 60, c->s1), co, 1, NULL, NULL), 0);

    store_act_guard other = {.scope_unit = c->dept};
    refused(g, id, sign(at + 120), &other, HL_EFORBIDDEN);
    store_act_guard co_only = {.scope_unit = c->s2};
    refused(g, id, sign(at + 120), &co_only, HL_EFORBIDDEN); /* co-units only with allow_co */
    store_act_guard above = {.scope_unit = c->d1};
    assert_int_equal(act_guarded(g, id, sign(at + 120), &above, NULL), 0);
    co_only.allow_co = true;
    case_event progress = CF_EV(ACT_PROGRESS, at + 180, .actor_role = ROLE_HANDLER);
    assert_int_equal(act_guarded(g, id, progress, &co_only, NULL), 0);
    store_act_guard co_above = {.scope_unit = c->d2, .allow_co = true};
    refused(g, id, progress, &co_above, HL_EFORBIDDEN);
    assert_int_equal(cf_case(g, id).snap.events, 4);
}

static void test_redispatch_targets(void **state)
{
    cf_group *g = *state;
    cf_catalogue *c = &g->c;
    int64_t at = day_of(g, 5);
    int64_t id = cf_register(g, at, NULL, "二级派单", NULL);
    cf_act_ok(g, id, dispatch(at + 60, c->d1));
    cf_act_ok(g, id, sign(at + 120));
    case_event to_d2 =
        CF_EV(ACT_REDISPATCH, at + 180, .unit_id = c->d2, .due = {[STAGE_SIGN] = at + CF_H});
    refused(g, id, to_d2, NULL, HL_EINVAL);
    case_event to_self = to_d2;
    to_self.unit_id = c->d1;
    refused(g, id, to_self, NULL, HL_EINVAL);
    case_event to_s1 = to_d2;
    to_s1.unit_id = c->s1;
    cf_act_ok(g, id, to_s1);
    store_case k = cf_case(g, id);
    assert_int_equal(k.snap.state, CASE_DISPATCHED);
    assert_int_equal(k.snap.unit_id, c->s1);
    assert_int_equal(k.snap.redispatch_count, 1);
    cf_act_ok(g, id, sign(at + 240));
    case_event to_sib = to_d2;
    to_sib.unit_id = c->s2; /* a sibling is not below */
    refused(g, id, to_sib, NULL, HL_EINVAL);
    case_event up = to_d2;
    up.unit_id = c->d1;
    refused(g, id, up, NULL, HL_EINVAL);
}

static void test_merge(void **state)
{
    cf_group *g = *state;
    int64_t at = day_of(g, 6);
    int64_t master = cf_register(g, at, NULL, "并单主", NULL);
    int64_t a = cf_register(g, at + 60, NULL, "并单一", NULL);
    int64_t b = cf_register(g, at + 120, NULL, "并单二", NULL);
    int64_t closed = cf_register(g, at + 180, NULL, "已办结", NULL);
    cf_act_ok(g, closed, CF_EV(ACT_ANSWER, at + 200, .actor_role = ROLE_CALLTAKER));
    int64_t n = -1;
    assert_int_equal(store_merged_count(g->s, master, &n), 0);
    assert_int_equal(n, 0);

    refused(g, a, CF_EV(ACT_MERGE, at + 240, .merged_into = a), NULL, HL_EINVAL);
    refused(g, a, CF_EV(ACT_MERGE, at + 240, .merged_into = closed), NULL, HL_EINVAL);
    refused(g, a, CF_EV(ACT_MERGE, at + 240, .merged_into = closed + 1000), NULL, HL_EINVAL);
    cf_act_ok(g, a, CF_EV(ACT_MERGE, at + 240, .merged_into = master));
    store_case k = cf_case(g, a);
    assert_int_equal(k.snap.state, CASE_MERGED);
    assert_int_equal(k.snap.merged_into, master);
    refused(g, b, CF_EV(ACT_MERGE, at + 300, .merged_into = a), NULL, HL_EINVAL); /* merged */
    refused(g, a, CF_EV(ACT_URGE, at + 300), NULL, HL_ESTATE);
    cf_act_ok(g, b, CF_EV(ACT_MERGE, at + 300, .merged_into = master));
    assert_int_equal(store_merged_count(g->s, master, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(store_merged_count(g->s, a, &n), 0);
    assert_int_equal(n, 0);
}

static void test_valid_solved_visit_closes(void **state)
{
    cf_group *g = *state;
    int64_t at = day_of(g, 7);
    int64_t id = cf_register(g, at, NULL, "自动办结", NULL);
    cf_walk(g, id, g->c.s1, CASE_REPLIED, at + 60);
    refused(g, id, CF_EV(ACT_VISIT, at + 600, .reachable = true), NULL, HL_EINVAL);
    case_snapshot after;
    store_case_event ev = {.ev = CF_EV(ACT_VISIT, at + 600, .actor_role = ROLE_VISITOR,
                                       .reachable = true, .solved = true,
                                       .satisfaction = SATISFACTION_SATISFIED),
                           .actor_id = g->c.visitor};
    assert_int_equal(store_case_act(g->s, id, &ev, NULL, &after), 0);
    assert_int_equal(after.state, CASE_CLOSED);
    assert_int_equal(after.closed_as, CLOSED_DONE);
    store_case k = cf_case(g, id);
    assert_int_equal(k.snap.state, CASE_CLOSED);
    assert_int_equal(k.snap.closed_at, at + 600);
    assert_int_equal(k.snap.satisfaction, SATISFACTION_SATISFIED);
    assert_true(k.snap.visit_valid && k.snap.solved);
    assert_int_equal(k.current_due, 0);
    store_case_event *evs;
    size_t n = 0;
    assert_int_equal(store_case_events(g->s, g->a, id, &evs, &n), 0);
    assert_int_equal(n, 6);
    assert_int_equal(evs[4].ev.action, ACT_VISIT);
    assert_int_equal(evs[5].ev.action, ACT_CLOSE);
    assert_int_equal(evs[5].actor_id, 0);
    assert_int_equal(k.snap.events, 6);

    /* an unreachable resident: visited, the visit stage still running */
    int64_t id2 = cf_register(g, at + 60, NULL, "回访不通", NULL);
    cf_walk(g, id2, g->c.s1, CASE_REPLIED, at + 120);
    cf_act_ok(g, id2, CF_EV(ACT_VISIT, at + 700, .actor_role = ROLE_VISITOR, .reachable = false));
    k = cf_case(g, id2);
    assert_int_equal(k.snap.state, CASE_VISITED);
    assert_false(k.snap.visit_valid);
    assert_int_equal(k.current_due, at + 120 + 48 * CF_H);
    refused(g, id2, CF_EV(ACT_VISIT, at + 800, .reachable = true, .satisfaction = 99), NULL,
            HL_EINVAL);
}

/* ---- search and export ----------------------------------------------------------------------- */

typedef struct {
    int64_t d, k[6]; /* k[1..5] */
    char num2[STORE_CASE_NUMBER_MAX];
} search_fx;

/* Five requests of one day (see the comments), for the search tests. */
static void search_build(cf_group *g, search_fx *f)
{
    cf_catalogue *c = &g->c;
    int64_t d = f->d = day_of(g, 20);
    /* 1: lamp in d1, dispatched to s1 (sign due d + 2h) */
    f->k[1] = reg(
        g, (store_case){.district_id = c->d1, .caller_phone = "13900000001", .text = "路灯闪烁"},
        d + 60, NULL);
    cf_act_ok(g, f->k[1], dispatch(d + CF_H, c->s1));
    /* 2: urgent rubbish in d2 from the web, waiting for dispatch (due d + 2h + 2m) */
    f->k[2] = reg(g,
                  (store_case){.channel = "web",
                               .category_id = c->leaf2,
                               .type = REQ_COMPLAINT,
                               .urgency = URGENCY_URGENT,
                               .district_id = c->d2,
                               .caller_phone = "13900000002",
                               .text = "垃圾堆积清运"},
                  d + 120, f->num2);
    /* 3: lamp in d1 for the department with s2 co-handling, signed, extension asked */
    f->k[3] = reg(
        g, (store_case){.district_id = c->d1, .caller_phone = "13900000001", .text = "噪音扰民"},
        d + 180, NULL);
    int64_t co[] = {c->s2};
    assert_int_equal(act_co(g, f->k[3], dispatch(d + CF_H, c->dept), co, 1, NULL, NULL), 0);
    cf_act_ok(g, f->k[3], sign(d + CF_H + 60)); /* reply due d + 25h + 1m */
    cf_act_ok(g, f->k[3],
              CF_EV(ACT_REQUEST_EXTENSION, d + 2 * CF_H, .actor_role = ROLE_HANDLER,
                    .requested_due = d + 72 * CF_H));
    /* 4: lamp in d2, replied (visit due d + 2h + 48h) */
    f->k[4] = reg(
        g, (store_case){.district_id = c->d2, .caller_phone = "13900000003", .text = "井盖缺失"},
        d + 240, NULL);
    cf_walk(g, f->k[4], c->s1, CASE_REPLIED, d + 2 * CF_H);
    /* 5: answered directly: closed */
    f->k[5] =
        reg(g, (store_case){.caller_phone = "13900000003", .text = "咨询办事时间"}, d + 300, NULL);
    cf_act_ok(g, f->k[5], CF_EV(ACT_ANSWER, d + 360, .actor_role = ROLE_CALLTAKER));
}

/* The ids found, in order, as "k<i>" indices into f->k joined by ','. */
static const char *found(cf_group *g, const search_fx *f, store_case_query q, int64_t *total)
{
    if (!q.from) q.from = f->d;
    if (!q.to) q.to = f->d + CF_DAY;
    if (!q.limit) q.limit = 50;
    store_case *items;
    size_t n = 0;
    int64_t t = -1;
    assert_int_equal(store_cases_search(g->s, g->a, &q, &items, &n, &t), 0);
    if (total) *total = t;
    char *out = arena_alloc(g->a, 64);
    assert_non_null(out);
    out[0] = '\0';
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        int which = 0;
        for (int j = 1; j <= 5; j++)
            if (items[i].id == f->k[j]) which = j;
        len += (size_t)snprintf(out + len, 64 - len, "%s%d", i ? "," : "", which);
        assert_true(len < 64);
    }
    return out;
}

#define Q(...) ((store_case_query){.urgency = -1, __VA_ARGS__})

static store_case_query of_urgency(urgency u)
{
    store_case_query q = Q(0);
    q.urgency = (int)u;
    return q;
}

static void test_search_filters_sort_and_pages(void **state)
{
    cf_group *g = *state;
    cf_catalogue *c = &g->c;
    search_fx f = {0};
    search_build(g, &f);
    int64_t d = f.d, total = 0;

    assert_string_equal(found(g, &f, Q(0), &total), "5,4,3,2,1"); /* newest first */
    assert_int_equal(total, 5);
    assert_string_equal(found(g, &f, Q(.sort = CASE_SORT_OLDEST), NULL), "1,2,3,4,5");
    assert_string_equal(found(g, &f, Q(.limit = 2, .offset = 2), &total), "3,2");
    assert_int_equal(total, 5); /* all matches, not the page */
    assert_string_equal(found(g, &f, Q(.limit = 2, .offset = 4), &total), "1");
    assert_int_equal(total, 5);

    assert_string_equal(found(g, &f, Q(.number = f.num2), NULL), "2");
    assert_string_equal(
        found(g, &f, Q(.states = (1u << CASE_REGISTERED) | (1u << CASE_CLOSED)), NULL), "5,2");
    assert_string_equal(found(g, &f, Q(.unit_id = c->d1), NULL), "4,1"); /* s1 within d1 */
    assert_string_equal(found(g, &f, Q(.unit_id = c->dept), NULL), "3");
    assert_string_equal(found(g, &f, Q(.category_id = c->mid), NULL), "5,4,3,1");
    assert_string_equal(found(g, &f, Q(.category_id = c->top), NULL), "5,4,3,2,1");
    assert_string_equal(found(g, &f, Q(.category_id = c->leaf2), NULL), "2");
    assert_string_equal(found(g, &f, Q(.district_id = c->d2), NULL), "4,2");
    assert_string_equal(found(g, &f, Q(.channel = "web"), NULL), "2");
    assert_string_equal(found(g, &f, of_urgency(URGENCY_URGENT), NULL), "2");
    assert_string_equal(found(g, &f, of_urgency(URGENCY_NORMAL), NULL), "5,4,3,1");
    assert_string_equal(found(g, &f, Q(.phone = "13900000001"), NULL), "3,1");
    assert_string_equal(found(g, &f, Q(.text = "清运"), NULL), "2");
    assert_string_equal(found(g, &f, Q(.text = "井盖"), NULL), "4");
    assert_string_equal(found(g, &f, Q(.from = d + 150, .to = d + 270), NULL), "4,3");
    assert_string_equal(found(g, &f, Q(.overdue_at = d + 2 * CF_H + 60), NULL), "1");
    assert_string_equal(found(g, &f, Q(.due_before = d + 3 * CF_H), NULL), "2,1");
    assert_string_equal(
        found(g, &f, Q(.due_before = d + 3 * CF_H, .due_after = d + 2 * CF_H + 60), NULL), "2");
    assert_string_equal(found(g, &f, Q(.extension_pending = true), NULL), "3");
    /* no valid visit: with the states that owe one (the visit queue's), only the replied one */
    assert_string_equal(
        found(g, &f,
              Q(.visit_pending = true, .states = (1u << CASE_REPLIED) | (1u << CASE_VISITED)),
              NULL),
        "4");
    /* scope: lead unit or a co-handling unit within it */
    assert_string_equal(found(g, &f, Q(.scope_unit = c->s2), NULL), "3");
    assert_string_equal(found(g, &f, Q(.scope_unit = c->d1), NULL), "4,3,1");
    assert_string_equal(found(g, &f, Q(.scope_unit = c->d2), NULL), "");
    /* soonest due first, among requests whose stage runs */
    uint32_t open = (1u << CASE_REGISTERED) | (1u << CASE_DISPATCHED) | (1u << CASE_SIGNED) |
                    (1u << CASE_REPLIED);
    assert_string_equal(found(g, &f, Q(.states = open, .sort = CASE_SORT_DUE), NULL), "1,2,3,4");
    /* a request whose stage does not run (closed) has no due time: after those that do */
    assert_string_equal(found(g, &f, Q(.sort = CASE_SORT_DUE), NULL), "1,2,3,4,5");
    /* filters combine */
    assert_string_equal(found(g, &f, Q(.phone = "13900000001", .unit_id = c->dept), NULL), "3");
}

typedef struct {
    int calls;
    int stop_after;
    int64_t ids[8];
} each_ud;

static int each_cb(const store_case *k, void *ud)
{
    each_ud *e = ud;
    if (e->calls < 8) e->ids[e->calls] = k->id;
    e->calls++;
    return e->calls == e->stop_after ? 7 : 0;
}

static void test_cases_each(void **state)
{
    cf_group *g = *state;
    int64_t d = day_of(g, 21);
    int64_t a = cf_register(g, d + 60, "13700000001", "导出一", NULL);
    int64_t b = cf_register(g, d + 120, "13700000001", "导出二", NULL);
    int64_t c = cf_register(g, d + 180, "13700000001", "导出三", NULL);
    cf_register(g, d + 240, "13700000009", "导出其他", NULL);
    store_case_query q = {.urgency = -1,
                          .phone = "13700000001",
                          .sort = CASE_SORT_OLDEST,
                          .offset = 2,
                          .limit = 1}; /* offset and limit are ignored */
    each_ud e = {0};
    assert_int_equal(store_cases_each(g->s, &q, 100, each_cb, &e), 0);
    assert_int_equal(e.calls, 3);
    assert_int_equal(e.ids[0], a);
    assert_int_equal(e.ids[1], b);
    assert_int_equal(e.ids[2], c);
    e = (each_ud){0};
    assert_int_equal(store_cases_each(g->s, &q, 2, each_cb, &e), 0); /* at most max */
    assert_int_equal(e.calls, 2);
    e = (each_ud){.stop_after = 1};
    q.sort = CASE_SORT_NEWEST;
    assert_int_equal(store_cases_each(g->s, &q, 100, each_cb, &e), 7); /* stopped */
    assert_int_equal(e.calls, 1);
    assert_int_equal(e.ids[0], c);
}

/* ---- duplicate detection --------------------------------------------------------------------- */

static const char *dup_ids(cf_group *g, store_dup_case *items, size_t n, const int64_t *m)
{
    char *out = arena_alloc(g->a, 64);
    assert_non_null(out);
    out[0] = '\0';
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        int which = 0;
        for (int j = 1; j <= 9; j++)
            if (items[i].id == m[j]) which = j;
        if (!which) continue; /* another test's request */
        len += (size_t)snprintf(out + len, 64 - len, "%s%d", len ? "," : "", which);
        assert_true(len < 64);
    }
    return out;
}

static void test_duplicates_and_clusters(void **state)
{
    cf_group *g = *state;
    cf_catalogue *c = &g->c;
    int64_t d = day_of(g, 30); /* the latest day of this program: open_since sees these alone */
    int64_t m[10] = {0};
    m[1] = reg(g, (store_case){.district_id = c->d1, .address = "A路1号"}, d + 60, NULL);
    m[2] = reg(g, (store_case){.district_id = c->d2, .address = "B路2号"}, d + 120, NULL);
    m[3] = reg(g,
               (store_case){.category_id = c->leaf2,
                            .type = REQ_COMPLAINT,
                            .district_id = c->d1,
                            .address = "A路1号"},
               d + 180, NULL);
    m[4] = reg(g, (store_case){.address = "C路3号"}, d + 240, NULL); /* no district */
    m[5] = reg(g, (store_case){.district_id = c->d1, .address = "A路1号"}, d + 300, NULL);
    cf_act_ok(g, m[5], CF_EV(ACT_ANSWER, d + 310, .actor_role = ROLE_CALLTAKER));
    m[6] = reg(g, (store_case){.district_id = c->d1, .address = "A路1号"}, d + 360, NULL);
    cf_act_ok(g, m[6], CF_EV(ACT_MERGE, d + 370, .merged_into = m[1]));
    m[7] = reg(
        g,
        (store_case){
            .category_id = c->leaf2, .type = REQ_COMPLAINT, .district_id = c->d2, .address = "D路"},
        d + 420, NULL);

    store_dup_case *items;
    size_t n = 0;
    store_dup_query q = {.exclude_id = m[1],
                         .from = d,
                         .to = d + CF_DAY,
                         .category_id = c->leaf,
                         .district_id = c->d1,
                         .address = "A路1号",
                         .limit = 10};
    assert_int_equal(store_dup_candidates(g->s, g->a, &q, &items, &n), 0);
    assert_string_equal(dup_ids(g, items, n, m), "4,3"); /* newest first */
    assert_int_equal(items[1].category_id, c->leaf2);
    assert_int_equal(items[1].district_id, c->d1);
    assert_string_equal(items[1].address, "A路1号");
    assert_int_equal(items[1].state, CASE_REGISTERED);
    assert_int_equal(items[1].registered_at, d + 180);
    q.limit = 1;
    assert_int_equal(store_dup_candidates(g->s, g->a, &q, &items, &n), 0);
    assert_string_equal(dup_ids(g, items, n, m), "4");
    /* no district asked: the category in any district */
    q = (store_dup_query){.from = d, .to = d + CF_DAY, .category_id = c->leaf, .limit = 10};
    assert_int_equal(store_dup_candidates(g->s, g->a, &q, &items, &n), 0);
    assert_string_equal(dup_ids(g, items, n, m), "4,2,1");
    /* the window */
    q = (store_dup_query){.from = d + 100, .to = d + 200, .category_id = c->leaf, .limit = 10};
    assert_int_equal(store_dup_candidates(g->s, g->a, &q, &items, &n), 0);
    assert_string_equal(dup_ids(g, items, n, m), "2");

    assert_int_equal(store_cases_open_since(g->s, g->a, d, 100, &items, &n), 0);
    assert_string_equal(dup_ids(g, items, n, m), "7,4,3,2,1");
    assert_int_equal(store_cases_open_since(g->s, g->a, d + 150, 2, &items, &n), 0);
    assert_string_equal(dup_ids(g, items, n, m), "7,4");

    /* masters newest first, each master before its merged requests */
    m[9] = reg(g, (store_case){.district_id = c->d2}, d + 430, NULL);
    cf_act_ok(g, m[9], CF_EV(ACT_MERGE, d + 440, .merged_into = m[2]));
    assert_int_equal(store_merge_clusters(g->s, g->a, d, 1, &items, &n), 0);
    assert_string_equal(dup_ids(g, items, n, m), "2,9,1,6"); /* m2 is newer than m1 */
    for (size_t i = 0; i < n; i++)
        if (items[i].id == m[6]) {
            assert_int_equal(items[i].merged_into, m[1]);
            assert_int_equal(items[i].state, CASE_MERGED);
        }
    assert_int_equal(store_merge_clusters(g->s, g->a, d, 2, &items, &n), 0);
    assert_string_equal(dup_ids(g, items, n, m), "");
    m[8] = reg(g, (store_case){.district_id = c->d1}, d + 480, NULL);
    cf_act_ok(g, m[8], CF_EV(ACT_MERGE, d + 490, .merged_into = m[1]));
    assert_int_equal(store_merge_clusters(g->s, g->a, d, 2, &items, &n), 0);
    assert_string_equal(dup_ids(g, items, n, m), "1,6,8");
    int64_t count = 0;
    assert_int_equal(store_merged_count(g->s, m[1], &count), 0);
    assert_int_equal(count, 2);
}

static void test_every_row_is_the_fold_of_its_events(void **state)
{
    cf_group *g = *state;
    bool ok = false;
    int64_t cases = 0, differ = -1;
    assert_int_equal(store_check(g->s, &ok, &cases, &differ), 0);
    assert_true(ok);
    assert_true(cases >= 25);
    assert_int_equal(differ, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_register_and_read),
        cmocka_unit_test(test_idempotency_key),
        cmocka_unit_test(test_events_in_order),
        cmocka_unit_test(test_act_targets_and_states),
        cmocka_unit_test(test_event_extras_round_trip),
        cmocka_unit_test(test_act_scope),
        cmocka_unit_test(test_redispatch_targets),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_valid_solved_visit_closes),
        cmocka_unit_test(test_search_filters_sort_and_pages),
        cmocka_unit_test(test_cases_each),
        cmocka_unit_test(test_duplicates_and_clusters),
        cmocka_unit_test(test_every_row_is_the_fold_of_its_events), /* last: all of the above */
    };
    return cmocka_run_group_tests_name("conformance_cases", tests, cf_group_setup,
                                       cf_group_teardown);
}
