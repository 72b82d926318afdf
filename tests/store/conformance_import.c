/* conformance_import.c — history imports: whole requests with their event logs written in one
 * transaction, folded exactly as actions one by one would be, numbered, searchable and counted;
 * a refused history or a dangling reference writes nothing; sessions of many chunks; which
 * source ids are already in the store. */
#include "conformance.h"

#include <stdio.h>
#include <string.h>

#define H CF_H

typedef struct {
    store_case k;
    store_case_event ev[8];
    size_t nev;
} hist;

/* A history of a lamp request in d1 registered at `at` by the call-taker from `phone`. */
static void hist_start(cf_group *g, hist *h, int64_t at, const char *phone, const char *text)
{
    memset(h, 0, sizeof *h);
    h->k = (store_case){.channel = "phone",
                        .type = REQ_REPORT,
                        .category_id = g->c.leaf,
                        .urgency = URGENCY_NORMAL,
                        .caller_name = "赵六",
                        .caller_phone = phone,
                        .district_id = g->c.d1,
                        .address = "人民路",
                        .title = text,
                        .text = text,
                        .created_by = g->c.calltaker};
    h->ev[0] = (store_case_event){.ev = {.action = ACT_REGISTER,
                                         .at = at,
                                         .actor_role = ROLE_CALLTAKER,
                                         .actor_unit = g->c.centre,
                                         .due = {[STAGE_DISPATCH] = at + 2 * H}},
                                  .actor_id = g->c.calltaker,
                                  .is_public = true};
    h->nev = 1;
}

static void hist_add(hist *h, case_event e, int64_t actor, const char *body)
{
    assert_true(h->nev < 8);
    h->ev[h->nev++] = (store_case_event){.ev = e, .actor_id = actor, .body = body};
}

/* The whole life: dispatched to s1, signed, replied, visited valid and solved (closes). */
static void hist_full(cf_group *g, hist *h, int64_t at)
{
    hist_add(h,
             CF_EV(ACT_DISPATCH, at + H, .actor_role = ROLE_DISPATCHER, .unit_id = g->c.s1,
                   .due = {[STAGE_SIGN] = at + 2 * H, [STAGE_RETURN] = at + 2 * H}),
             g->c.dispatcher, NULL);
    hist_add(h,
             CF_EV(ACT_SIGN, at + H + 60, .actor_role = ROLE_HANDLER, .actor_unit = g->c.s1,
                   .due = {[STAGE_REPLY] = at + 24 * H}),
             g->c.handler_s1, NULL);
    hist_add(h,
             CF_EV(ACT_REPLY, at + 3 * H, .actor_role = ROLE_HANDLER, .actor_unit = g->c.s1,
                   .due = {[STAGE_VISIT] = at + 48 * H}),
             g->c.handler_s1, "已修复");
    hist_add(h,
             CF_EV(ACT_VISIT, at + 4 * H, .actor_role = ROLE_VISITOR, .reachable = true,
                   .solved = true, .satisfaction = SATISFACTION_SATISFIED),
             g->c.visitor, NULL);
}

static store_bulk_case bulk_of(hist *h)
{
    return (store_bulk_case){.k = h->k, .events = h->ev, .nevents = h->nev};
}

static int64_t cases_n(cf_group *g)
{
    bool ok = false;
    int64_t n = 0, differ = -1;
    assert_int_equal(store_check(g->s, &ok, &n, &differ), 0);
    assert_true(ok);
    assert_int_equal(differ, 0);
    return n;
}

static store_case by_text(cf_group *g, const char *phone)
{
    store_case_query q = {.urgency = -1, .phone = phone, .limit = 10};
    store_case *items;
    size_t n = 0;
    int64_t total = 0;
    assert_int_equal(store_cases_search(g->s, g->a, &q, &items, &n, &total), 0);
    assert_int_equal(n, 1);
    return items[0];
}

static void test_import_folds_as_actions_do(void **state)
{
    cf_group *g = *state;
    int64_t at = g->c.t0;
    /* the same life twice: imported, and registered and acted on one by one */
    hist h;
    hist_start(g, &h, at, "13100000001", "导入路灯");
    hist_full(g, &h, at);
    store_bulk_case b = bulk_of(&h);
    size_t bad = 99;
    int64_t n0 = cases_n(g);
    assert_int_equal(store_bulk_import(g->s, &b, 1, CF_OFF, &bad), 0);
    assert_int_equal(cases_n(g), n0 + 1);

    hist live;
    hist_start(g, &live, at, "13100000002", "逐条路灯");
    hist_full(g, &live, at);
    int64_t id = 0;
    char num[STORE_CASE_NUMBER_MAX];
    assert_int_equal(store_case_register(g->s, &live.k, &live.ev[0], CF_OFF, &id, num), 0);
    for (size_t i = 1; i < live.nev; i++)
        assert_int_equal(store_case_act(g->s, id, &live.ev[i], NULL, NULL), 0);

    store_case imp = by_text(g, "13100000001"), act = cf_case(g, id);
    imp = cf_case(g, imp.id);                      /* its row is the fold of its log */
    assert_int_equal(imp.snap.state, CASE_CLOSED); /* with the automatic close */
    assert_int_equal(imp.snap.closed_as, CLOSED_DONE);
    assert_int_equal(imp.snap.events, act.snap.events);
    assert_int_equal(imp.snap.events, 6);
    assert_memory_equal(imp.snap.due, act.snap.due, sizeof imp.snap.due);
    assert_int_equal(imp.snap.registered_at, act.snap.registered_at);
    assert_int_equal(imp.snap.signed_at, act.snap.signed_at);
    assert_int_equal(imp.snap.closed_at, act.snap.closed_at);
    assert_int_equal(imp.snap.unit_id, act.snap.unit_id);
    assert_int_equal(imp.snap.satisfaction, act.snap.satisfaction);
    assert_string_equal(imp.reply_text, act.reply_text);
    assert_int_equal(imp.current_due, act.current_due);
    assert_string_equal(imp.caller_name, "赵六");
    assert_int_equal(imp.created_by, g->c.calltaker);
    /* numbered from the same day's sequence as registrations */
    assert_int_equal(strncmp(imp.number, "20261110-", 9), 0);
    assert_string_not_equal(imp.number, act.number);
    store_case_event *evs;
    size_t n = 0;
    assert_int_equal(store_case_events(g->s, g->a, imp.id, &evs, &n), 0);
    assert_int_equal(n, 6);
    assert_int_equal(evs[3].ev.action, ACT_REPLY);
    assert_string_equal(evs[3].body, "已修复");
    assert_int_equal(evs[3].actor_id, g->c.handler_s1);
    assert_int_equal(evs[5].ev.action, ACT_CLOSE);

    /* searchable, and counted in the rollups as the live one is */
    store_case_query q = {.urgency = -1, .text = "导入", .limit = 10};
    store_case *items;
    int64_t total = 0;
    assert_int_equal(store_cases_search(g->s, g->a, &q, &items, &n, &total), 0);
    assert_int_equal(total, 1);
    assert_int_equal(items[0].id, imp.id);
    store_unit_counts *uc;
    int64_t day = civil_local_day(at, CF_OFF);
    assert_int_equal(store_appraisal_counts(g->s, g->a, day, day, at, &uc, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(uc[0].unit_id, g->c.s1);
    assert_int_equal(uc[0].c.dispatched, 2);
    assert_int_equal(uc[0].c.signed_ontime, 2);
    assert_int_equal(uc[0].c.satisfied, 2);
    bool same = false;
    assert_int_equal(store_rollup_verify(g->s, &same), 0);
    assert_true(same);
}

static void test_refused_history_writes_nothing(void **state)
{
    cf_group *g = *state;
    int64_t at = g->c.t0 + CF_DAY;
    hist ok1, wrong, ok2;
    hist_start(g, &ok1, at, "13100000011", "好的一");
    hist_start(g, &wrong, at + 60, "13100000012", "坏的");
    hist_add(&wrong, CF_EV(ACT_SIGN, at + 120, .actor_role = ROLE_HANDLER), 0,
             NULL); /* not dispatched */
    hist_start(g, &ok2, at + 180, "13100000013", "好的二");
    store_bulk_case b[] = {bulk_of(&ok1), bulk_of(&wrong), bulk_of(&ok2)};
    int64_t n0 = cases_n(g);
    size_t bad = 99;
    assert_int_not_equal(store_bulk_import(g->s, b, 3, CF_OFF, &bad), 0);
    assert_int_equal(bad, 1);
    assert_int_equal(cases_n(g), n0);

    /* dangling references: a unit, a category, a user, a request */
    hist r;
    hist_start(g, &r, at, "13100000014", "引用");
    hist_add(
        &r,
        CF_EV(ACT_DISPATCH, at + 60, .unit_id = g->c.s1 + 10000, .due = {[STAGE_SIGN] = at + H}), 0,
        NULL);
    b[1] = bulk_of(&r);
    assert_int_equal(store_bulk_import(g->s, b, 3, CF_OFF, &bad), HL_EREF);
    hist_start(g, &r, at, "13100000014", "引用");
    r.k.category_id = g->c.leaf + 10000;
    b[1] = bulk_of(&r);
    assert_int_equal(store_bulk_import(g->s, b, 3, CF_OFF, &bad), HL_EREF);
    hist_start(g, &r, at, "13100000014", "引用");
    r.ev[0].actor_id = g->c.admin + 10000;
    b[1] = bulk_of(&r);
    assert_int_equal(store_bulk_import(g->s, b, 3, CF_OFF, &bad), HL_EREF);
    hist_start(g, &r, at, "13100000014", "引用");
    hist_add(&r, CF_EV(ACT_MERGE, at + 60, .merged_into = 999999), 0, NULL);
    b[1] = bulk_of(&r);
    assert_int_equal(store_bulk_import(g->s, b, 3, CF_OFF, &bad), HL_EREF);
    assert_int_equal(cases_n(g), n0);
    store_case_query q = {.urgency = -1, .phone = "13100000011", .limit = 10};
    store_case *items;
    size_t n = 0;
    int64_t total = -1;
    assert_int_equal(store_cases_search(g->s, g->a, &q, &items, &n, &total), 0);
    assert_int_equal(total, 0);

    /* without the bad one, all go in */
    b[1] = b[2];
    assert_int_equal(store_bulk_import(g->s, b, 2, CF_OFF, &bad), 0);
    assert_int_equal(cases_n(g), n0 + 2);
}

static void test_sessions_and_already_imported(void **state)
{
    cf_group *g = *state;
    int64_t at = g->c.t0 + 2 * CF_DAY;
    store_bulk *b = NULL;
    assert_int_equal(store_bulk_open(g->s, &b), 0);
    int64_t n0 = cases_n(g);
    static const char *ids[] = {"A-1", "A-2", "A-3", "A-4"};
    for (int chunk = 0; chunk < 2; chunk++) {
        hist h[2];
        store_bulk_case cs[2];
        char phone[2][16];
        for (int i = 0; i < 2; i++) {
            snprintf(phone[i], sizeof phone[i], "1320000000%d", chunk * 2 + i);
            hist_start(g, &h[i], at + (chunk * 2 + i) * 60, phone[i], "会话导入");
            cf_mark_import(&h[i].ev[0], "csv", ids[chunk * 2 + i]);
            cs[i] = bulk_of(&h[i]);
        }
        size_t bad = 99;
        assert_int_equal(store_bulk_write(b, cs, 2, CF_OFF, &bad), 0);
    }
    store_bulk_close(b);
    store_bulk_close(NULL);
    assert_int_equal(cases_n(g), n0 + 4);

    const char *ask[] = {"A-1", "A-9", NULL, "A-4"};
    bool known[4] = {false, true, true, false};
    assert_int_equal(store_imported(g->s, "csv", ask, 4, known), 0);
    assert_true(known[0]);
    assert_false(known[1]);
    assert_false(known[2]); /* a NULL id is never known */
    assert_true(known[3]);
    bool other[1] = {true};
    assert_int_equal(store_imported(g->s, "boston", ask, 1, other), 0);
    assert_false(other[0]); /* another source's */
    assert_int_equal(store_imported(g->s, "csv", ask, 0, other), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_folds_as_actions_do),
        cmocka_unit_test(test_refused_history_writes_nothing),
        cmocka_unit_test(test_sessions_and_already_imported),
    };
    return cmocka_run_group_tests_name("conformance_import", tests, cf_group_setup,
                                       cf_group_teardown);
}
