/* conformance_analytics.c — appraisal (schemes, each unit's counts, the requests behind each
 * figure, the requests that cost points, the rollups against a recomputation) and the
 * dashboard's aggregates (volume by dimension and by day, the times of requests, what is
 * overdue), on nine requests of one day walked through the lifecycle with figures worked out
 * by hand. Other tests register on later days and close what they register. */
#include "conformance.h"

#include <string.h>

#define H CF_H

typedef struct {
    int64_t t, day;
    int64_t k[10]; /* 1-based */
} appr_fx;

static appr_fx F; /* built once, by the first test */

/* Two times to appraise at: at 26 h every reply clock still runs (4, 5 and 9 wait) while 6's
 * sign-for (due at 2 h) is overdue; at 40 h every clock has run out. */
#define AT_26H (F.t + 26 * H)
#define AT_40H (F.t + 40 * H)

static int64_t reg(cf_group *g, int64_t at, const char *channel, request_type type,
                   int64_t district)
{
    store_case k = {.channel = channel,
                    .type = type,
                    .category_id = g->c.leaf,
                    .urgency = URGENCY_NORMAL,
                    .caller_phone = "13812345678",
                    .district_id = district,
                    .title = "路灯",
                    .text = "路灯不亮"};
    store_case_event ev = {.ev = {.action = ACT_REGISTER,
                                  .at = at,
                                  .actor_role = ROLE_CALLTAKER,
                                  .due = {[STAGE_DISPATCH] = at + 2 * H}}};
    int64_t id = 0;
    char num[STORE_CASE_NUMBER_MAX];
    assert_int_equal(store_case_register(g->s, &k, &ev, CF_OFF, &id, num), 0);
    return id;
}

#define DISPATCH(t, u) CF_EV(ACT_DISPATCH, (t), .unit_id = (u), .due = {[STAGE_SIGN] = (t) + H})
#define REDISPATCH(t, u) CF_EV(ACT_REDISPATCH, (t), .unit_id = (u), .due = {[STAGE_SIGN] = (t) + H})
#define SIGN(t) CF_EV(ACT_SIGN, (t), .due = {[STAGE_REPLY] = (t) + 24 * H})
#define REPLY(t) CF_EV(ACT_REPLY, (t))
#define VISIT(t, so, sat)                                                                          \
    CF_EV(ACT_VISIT, (t), .reachable = true, .solved = (so), .satisfaction = (sat))
#define ACT(a, t) CF_EV((a), (t))

static void build(cf_group *g)
{
    cf_catalogue *c = &g->c;
    int64_t t = F.t = c->t0;
    F.day = civil_local_day(t, CF_OFF);
    int64_t *k = F.k;
    for (int i = 1; i <= 9; i++)
        k[i] = reg(g, t + i * 60, i == 7 ? "web" : "phone",
                   i == 7 ? REQ_CONSULTATION : REQ_COMPLAINT, i >= 8 ? c->d2 : c->d1);
    /* 1: s1 in time everywhere, solved and satisfied: closes itself */
    cf_act_ok(g, k[1], DISPATCH(t + H, c->s1));
    cf_act_ok(g, k[1], SIGN(t + H + 60));
    cf_act_ok(g, k[1], REPLY(t + 3 * H));
    cf_act_ok(g, k[1], VISIT(t + 4 * H, true, SATISFACTION_SATISFIED));
    /* 2: s1 signs late, replies late; unsolved, unsatisfied */
    cf_act_ok(g, k[2], DISPATCH(t + H, c->s1));
    cf_act_ok(g, k[2], SIGN(t + 3 * H));
    cf_act_ok(g, k[2], REPLY(t + 30 * H));
    cf_act_ok(g, k[2], VISIT(t + 31 * H, false, SATISFACTION_UNSATISFIED));
    /* 3: to d1, signed, re-dispatched to s2, which signs in time: solved, basically satisfied */
    cf_act_ok(g, k[3], DISPATCH(t + H, c->d1));
    cf_act_ok(g, k[3], SIGN(t + H + 60));
    cf_act_ok(g, k[3], REDISPATCH(t + 2 * H, c->s2));
    cf_act_ok(g, k[3], SIGN(t + 2 * H + 60));
    cf_act_ok(g, k[3], REPLY(t + 5 * H));
    cf_act_ok(g, k[3], VISIT(t + 6 * H, true, SATISFACTION_BASIC));
    /* 4: d1 returns it (approved), then the department signs in time */
    cf_act_ok(g, k[4], DISPATCH(t + H, c->d1));
    cf_act_ok(g, k[4], ACT(ACT_REQUEST_RETURN, t + H + 60));
    cf_act_ok(g, k[4], ACT(ACT_APPROVE_RETURN, t + H + 120));
    cf_act_ok(g, k[4], DISPATCH(t + 2 * H, c->dept));
    cf_act_ok(g, k[4], SIGN(t + 2 * H + 60));
    /* 5: the department; unsatisfied, reopened, signed again in time */
    cf_act_ok(g, k[5], DISPATCH(t + H, c->dept));
    cf_act_ok(g, k[5], SIGN(t + H + 60));
    cf_act_ok(g, k[5], REPLY(t + 3 * H));
    cf_act_ok(g, k[5], VISIT(t + 4 * H, false, SATISFACTION_UNSATISFIED));
    cf_act_ok(g, k[5],
              CF_EV(ACT_REOPEN, t + 5 * H, .unit_id = c->dept, .due = {[STAGE_SIGN] = t + 6 * H}));
    cf_act_ok(g, k[5], SIGN(t + 5 * H + 60));
    /* 6: s2, not signed */
    cf_act_ok(g, k[6], DISPATCH(t + H, c->s2));
    /* 7: answered directly; 8: invalid */
    cf_act_ok(g, k[7], ACT(ACT_ANSWER, t + H));
    cf_act_ok(g, k[8], ACT(ACT_INVALIDATE, t + H));
    /* 9: s1 asks to return it, refused; signs late */
    cf_act_ok(g, k[9], DISPATCH(t + H, c->s1));
    cf_act_ok(g, k[9], ACT(ACT_REQUEST_RETURN, t + H + 60));
    cf_act_ok(g, k[9], ACT(ACT_REJECT_RETURN, t + H + 120));
    cf_act_ok(g, k[9], SIGN(t + 3 * H));
}

static int setup(void **state)
{
    int rc = cf_group_setup(state);
    if (!rc) build(*state);
    return rc;
}

static appraisal_counts own_at(cf_group *g, int64_t unit_id, int64_t now, bool *found)
{
    store_unit_counts *items;
    size_t n = 0;
    assert_int_equal(store_appraisal_counts(g->s, g->a, F.day, F.day, now, &items, &n), 0);
    *found = false;
    for (size_t i = 0; i < n; i++)
        if (items[i].unit_id == unit_id) {
            *found = true;
            return items[i].c;
        }
    return (appraisal_counts){0};
}

static appraisal_counts own_of(cf_group *g, int64_t unit_id, bool *found)
{
    return own_at(g, unit_id, AT_26H, found);
}

/* ---- appraisal ------------------------------------------------------------------------------- */

static void test_counts(void **state)
{
    cf_group *g = *state;
    cf_catalogue *c = &g->c;
    bool found = false;
    appraisal_counts s1 = own_of(g, c->s1, &found);
    assert_true(found);
    assert_int_equal(s1.dispatched, 3);
    assert_int_equal(s1.signed_ontime, 1);
    assert_int_equal(s1.visits_valid, 2);
    assert_int_equal(s1.solved, 1);
    assert_int_equal(s1.satisfied, 1);
    assert_int_equal(s1.basic, 0);
    assert_int_equal(s1.unsatisfied, 1);
    assert_int_equal(s1.replies, 2);
    assert_int_equal(s1.replied_ontime, 1);
    assert_int_equal(s1.reopened, 0);
    assert_int_equal(s1.returns_requested, 1);
    assert_int_equal(s1.returns_approved, 0);
    appraisal_counts s2 = own_of(g, c->s2, &found);
    assert_int_equal(s2.dispatched, 2);
    assert_int_equal(s2.signed_ontime, 1);
    assert_int_equal(s2.visits_valid, 1);
    assert_int_equal(s2.basic, 1);
    assert_int_equal(s2.solved, 1);
    assert_int_equal(s2.replies, 1);
    assert_int_equal(s2.replied_ontime, 1);
    appraisal_counts d1 = own_of(g, c->d1, &found); /* its own, not its streets' */
    assert_true(found);
    assert_int_equal(d1.dispatched, 0);
    assert_int_equal(d1.returns_requested, 1);
    assert_int_equal(d1.returns_approved, 1);
    appraisal_counts p = own_of(g, c->dept, &found);
    assert_int_equal(p.dispatched, 2);
    assert_int_equal(p.signed_ontime, 2);
    assert_int_equal(p.visits_valid, 0); /* the reopened one is handled afresh */
    assert_int_equal(p.replies, 0);
    assert_int_equal(p.reopened, 1);
    own_of(g, c->util, &found);
    assert_false(found); /* units with nothing are left out */
    store_unit_counts *items;
    size_t n = 9;
    assert_int_equal(
        store_appraisal_counts(g->s, g->a, F.day + 1, F.day + 5, AT_26H, &items, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(store_appraisal_counts(g->s, g->a, F.day - 5, F.day, AT_26H, &items, &n),
                     0);
    assert_int_equal(n, 4);
    bool same = false;
    assert_int_equal(store_rollup_verify(g->s, &same), 0);
    assert_true(same);
}

static void drill_at(cf_group *g, int64_t now, int64_t unit_id, appraisal_indicator ind,
                     store_drill_part part, const int *want, size_t nwant)
{
    store_drill_query q = {.unit_id = unit_id,
                           .from_day = F.day,
                           .to_day = F.day,
                           .indicator = ind,
                           .part = part,
                           .now = now,
                           .limit = 100};
    store_case *items;
    size_t n = 0;
    int64_t total = -1;
    assert_int_equal(store_appraisal_drill(g->s, g->a, &q, &items, &n, &total), 0);
    assert_int_equal(total, nwant);
    assert_int_equal(n, nwant);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(items[i].id, F.k[want[i]]);
}

static void drill_is(cf_group *g, int64_t unit_id, appraisal_indicator ind, store_drill_part part,
                     const int *want, size_t nwant)
{
    drill_at(g, AT_26H, unit_id, ind, part, want, nwant);
}

static void test_drill(void **state)
{
    cf_group *g = *state;
    cf_catalogue *c = &g->c;
    /* d1's subtree: s1 has 1, 2, 9; s2 has 3, 6 */
    int den[] = {1, 2, 3, 6, 9}, num[] = {1, 3}, cost[] = {2, 6, 9};
    drill_is(g, c->d1, IND_RESPONSE, DRILL_DENOMINATOR, den, 5);
    drill_is(g, c->d1, IND_RESPONSE, DRILL_NUMERATOR, num, 2);
    drill_is(g, c->d1, IND_RESPONSE, DRILL_COST, cost, 3);
    int valid[] = {1, 2, 3}, solved[] = {1, 3}, unsolved[] = {2};
    drill_is(g, c->d1, IND_RESOLUTION, DRILL_DENOMINATOR, valid, 3);
    drill_is(g, c->d1, IND_RESOLUTION, DRILL_NUMERATOR, solved, 2);
    drill_is(g, c->d1, IND_RESOLUTION, DRILL_COST, unsolved, 1);
    drill_is(g, c->d1, IND_SATISFACTION, DRILL_NUMERATOR, solved, 2); /* satisfied + basic */
    drill_is(g, c->d1, IND_SATISFACTION, DRILL_COST, unsolved, 1);
    /* 6, not signed, has no reply clock yet: on time; 9's still runs */
    int replied[] = {1, 2, 3, 6}, ontime[] = {1, 3, 6}, late[] = {2};
    drill_is(g, c->d1, IND_ONTIME_REPLY, DRILL_DENOMINATOR, replied, 4);
    drill_is(g, c->d1, IND_ONTIME_REPLY, DRILL_NUMERATOR, ontime, 3);
    drill_is(g, c->d1, IND_ONTIME_REPLY, DRILL_COST, late, 1);
    /* returns: d1's (4, approved) and s1's (9, refused); the volume adds 4 back */
    int returns[] = {4, 9}, volume[] = {1, 2, 3, 4, 6, 9};
    drill_is(g, c->d1, IND_RETURN, DRILL_NUMERATOR, returns, 2);
    drill_is(g, c->d1, IND_RETURN, DRILL_COST, returns, 2);
    drill_is(g, c->d1, IND_RETURN, DRILL_DENOMINATOR, volume, 6);
    int s1returns[] = {9};
    drill_is(g, c->s1, IND_RETURN, DRILL_NUMERATOR, s1returns, 1);
    int reopened[] = {5}, pden[] = {4, 5};
    drill_is(g, c->dept, IND_REOPEN, DRILL_NUMERATOR, reopened, 1);
    drill_is(g, c->dept, IND_REOPEN, DRILL_COST, reopened, 1);
    drill_is(g, c->dept, IND_RESPONSE, DRILL_DENOMINATOR, pden, 2);
    int s2den[] = {3, 6};
    drill_is(g, c->s2, IND_RESPONSE, DRILL_DENOMINATOR, s2den, 2);
    drill_is(g, c->centre, IND_RESPONSE, DRILL_DENOMINATOR, (int[]){1, 2, 3, 4, 5, 6, 9}, 7);

    /* a page of the list; the total is still the figure */
    store_drill_query q = {.unit_id = c->d1,
                           .from_day = F.day,
                           .to_day = F.day,
                           .indicator = IND_RESPONSE,
                           .part = DRILL_DENOMINATOR,
                           .now = AT_26H,
                           .offset = 1,
                           .limit = 2};
    store_case *items;
    size_t n = 0;
    int64_t total = 0;
    assert_int_equal(store_appraisal_drill(g->s, g->a, &q, &items, &n, &total), 0);
    assert_int_equal(total, 5);
    assert_int_equal(n, 2);
    assert_int_equal(items[0].id, F.k[2]);
    assert_int_equal(items[1].id, F.k[3]);
}

typedef struct {
    int n, stop_at;
    uint32_t flags[16];
    int64_t ids[16], units[16];
} cost_acc;

static int on_cost(const store_cost *c, void *ud)
{
    cost_acc *acc = ud;
    if (acc->n < 16) {
        acc->ids[acc->n] = c->k.id;
        acc->units[acc->n] = c->unit_id;
        acc->flags[acc->n] = c->indicators;
    }
    acc->n++;
    return acc->n == acc->stop_at ? 3 : 0;
}

static void test_costs(void **state)
{
    cf_group *g = *state;
    cf_catalogue *c = &g->c;
    cost_acc acc = {0};
    assert_int_equal(store_appraisal_costs_each(g->s, 0, F.day, F.day, AT_26H, on_cost, &acc), 0);
    /* by unit, then registration: s1 2 (response, resolution, satisfaction, reply) and 9
     * (response); s2 6 (response); the department 5 (reopen); the return requests: d1 for 4,
     * s1 for 9 */
    assert_int_equal(acc.n, 6);
    uint32_t all4 = (1u << IND_RESPONSE) | (1u << IND_RESOLUTION) | (1u << IND_SATISFACTION) |
                    (1u << IND_ONTIME_REPLY);
    bool saw[10] = {0};
    int returns = 0;
    for (int i = 0; i < acc.n; i++) {
        if (acc.flags[i] == (1u << IND_RETURN)) {
            returns++;
            assert_true((acc.ids[i] == F.k[4] && acc.units[i] == c->d1) ||
                        (acc.ids[i] == F.k[9] && acc.units[i] == c->s1));
            continue;
        }
        for (int j = 1; j <= 9; j++)
            if (acc.ids[i] == F.k[j]) saw[j] = true;
        if (acc.ids[i] == F.k[2]) assert_int_equal(acc.flags[i], all4);
        if (acc.ids[i] == F.k[9]) assert_int_equal(acc.flags[i], 1u << IND_RESPONSE);
        if (acc.ids[i] == F.k[5]) {
            assert_int_equal(acc.flags[i], 1u << IND_REOPEN);
            assert_int_equal(acc.units[i], c->dept);
        }
        if (acc.ids[i] == F.k[6]) assert_int_equal(acc.units[i], c->s2);
    }
    assert_int_equal(returns, 2);
    assert_true(saw[2] && saw[9] && saw[6] && saw[5]);
    /* units in order, registration within a unit */
    for (int i = 1; i < acc.n; i++)
        if (acc.units[i] == acc.units[i - 1] && acc.flags[i] != (1u << IND_RETURN) &&
            acc.flags[i - 1] != (1u << IND_RETURN))
            assert_true(acc.ids[i] > acc.ids[i - 1]);
    /* a subtree; stopping */
    cost_acc s2 = {0};
    assert_int_equal(
        store_appraisal_costs_each(g->s, c->s2, F.day, F.day, AT_26H, on_cost, &s2), 0);
    assert_int_equal(s2.n, 1);
    assert_int_equal(s2.ids[0], F.k[6]);
    cost_acc d1 = {0};
    assert_int_equal(
        store_appraisal_costs_each(g->s, c->d1, F.day, F.day, AT_26H, on_cost, &d1), 0);
    assert_int_equal(d1.n, 5); /* 2, 9, 6 and both returns */
    cost_acc stop = {.stop_at = 2};
    assert_int_equal(store_appraisal_costs_each(g->s, 0, F.day, F.day, AT_26H, on_cost, &stop), 3);
    assert_int_equal(stop.n, 2);
}

/* The on-time rates count what is late, replied or not: the same requests at 26 h and at 40 h,
 * figures by hand. At 26 h s1's 9 (signed late at 3 h) waits for its reply, due at 27 h; the
 * department's 4 and 5 wait for theirs (due at 26 h 1 min and 29 h 1 min); s2's 6 was never
 * signed (due at 2 h) and has no reply clock. At 40 h all three replies are overdue. */
static void test_clocks(void **state)
{
    cf_group *g = *state;
    cf_catalogue *c = &g->c;
    appraisal_scheme sc;
    appraisal_scheme_default(&sc);
    appraisal_result r;
    bool found = false;
    appraisal_counts s1 = own_at(g, c->s1, AT_26H, &found), s2 = own_at(g, c->s2, AT_26H, &found),
                     p = own_at(g, c->dept, AT_26H, &found);
    assert_int_equal(s1.reply_pending, 1);
    assert_int_equal(s1.reply_overdue + s1.reply_unclocked, 0);
    assert_int_equal(s1.sign_pending + s1.sign_overdue + s1.sign_unclocked, 0);
    assert_int_equal(s2.sign_overdue, 1);
    assert_int_equal(s2.reply_unclocked, 1);
    assert_int_equal(s2.sign_pending + s2.sign_unclocked + s2.reply_pending + s2.reply_overdue, 0);
    assert_int_equal(p.reply_pending, 2);
    appraisal_compute(&s1, &sc, &r);
    assert_int_equal(r.num[IND_ONTIME_REPLY], 1); /* 1 on time, 2 late; 9 waits */
    assert_int_equal(r.den[IND_ONTIME_REPLY], 2);
    assert_int_equal(r.num[IND_RESPONSE], 1); /* 1; 2 and 9 signed late */
    assert_int_equal(r.den[IND_RESPONSE], 3);
    appraisal_compute(&s2, &sc, &r);
    assert_int_equal(r.num[IND_RESPONSE], 1); /* 3; 6 never signed */
    assert_int_equal(r.den[IND_RESPONSE], 2);
    assert_int_equal(r.num[IND_ONTIME_REPLY], 2); /* 3, and 6 without a clock */
    assert_int_equal(r.den[IND_ONTIME_REPLY], 2);
    appraisal_compute(&p, &sc, &r);
    assert_false(r.defined[IND_ONTIME_REPLY]); /* nothing has fallen due */

    s1 = own_at(g, c->s1, AT_40H, &found);
    p = own_at(g, c->dept, AT_40H, &found);
    assert_int_equal(s1.reply_overdue, 1);
    assert_int_equal(s1.reply_pending, 0);
    assert_int_equal(p.reply_overdue, 2);
    appraisal_compute(&s1, &sc, &r);
    assert_int_equal(r.num[IND_ONTIME_REPLY], 1);
    assert_int_equal(r.den[IND_ONTIME_REPLY], 3); /* 9, never replied, is late */
    appraisal_compute(&p, &sc, &r);
    assert_int_equal(r.num[IND_ONTIME_REPLY], 0);
    assert_int_equal(r.den[IND_ONTIME_REPLY], 2);

    /* the drill-down lists the late ones, replied or not */
    int den40[] = {1, 2, 3, 6, 9}, num40[] = {1, 3, 6}, late40[] = {2, 9}, plate[] = {4, 5};
    drill_at(g, AT_40H, c->d1, IND_ONTIME_REPLY, DRILL_DENOMINATOR, den40, 5);
    drill_at(g, AT_40H, c->d1, IND_ONTIME_REPLY, DRILL_NUMERATOR, num40, 3);
    drill_at(g, AT_40H, c->d1, IND_ONTIME_REPLY, DRILL_COST, late40, 2);
    drill_at(g, AT_40H, c->dept, IND_ONTIME_REPLY, DRILL_COST, plate, 2);
    drill_at(g, AT_26H, c->dept, IND_ONTIME_REPLY, DRILL_DENOMINATOR, NULL, 0);
    /* before 6's sign-for fell due (at 1 h 30) it is not counted for the response */
    int den_early[] = {3}, none[] = {0};
    drill_at(g, F.t + 90 * 60, c->s2, IND_RESPONSE, DRILL_DENOMINATOR, den_early, 1);
    drill_at(g, F.t + 90 * 60, c->s2, IND_RESPONSE, DRILL_COST, none, 0);
    int late_sign[] = {6};
    drill_at(g, AT_26H, c->s2, IND_RESPONSE, DRILL_COST, late_sign, 1);

    /* the requests that cost points at 40 h: 9 now fails the reply too, and 4 appears */
    cost_acc acc = {0};
    assert_int_equal(store_appraisal_costs_each(g->s, 0, F.day, F.day, AT_40H, on_cost, &acc), 0);
    assert_int_equal(acc.n, 7);
    bool saw4 = false;
    for (int i = 0; i < acc.n; i++) {
        if (acc.flags[i] == (1u << IND_RETURN)) continue;
        if (acc.ids[i] == F.k[9])
            assert_int_equal(acc.flags[i], (1u << IND_RESPONSE) | (1u << IND_ONTIME_REPLY));
        if (acc.ids[i] == F.k[4]) {
            saw4 = true;
            assert_int_equal(acc.flags[i], 1u << IND_ONTIME_REPLY);
        }
        if (acc.ids[i] == F.k[5])
            assert_int_equal(acc.flags[i], (1u << IND_ONTIME_REPLY) | (1u << IND_REOPEN));
        if (acc.ids[i] == F.k[6]) assert_int_equal(acc.flags[i], 1u << IND_RESPONSE);
    }
    assert_true(saw4);
}

static void test_schemes(void **state)
{
    cf_group *g = *state;
    store_appraisal_scheme out;
    int64_t nov1 = civil_days_from_ymd(2026, 11, 1), dec1 = civil_days_from_ymd(2026, 12, 1);
    assert_int_equal(store_appraisal_scheme_at(g->s, g->a, nov1, &out), HL_ENOTFOUND);
    store_appraisal_scheme base = {.name = "default",
                                   .effective_from = civil_days_from_ymd(2020, 1, 1)};
    appraisal_scheme_default(&base.scheme);
    int64_t id1 = 0, id2 = 0, id3 = 0, x = 0;
    assert_int_equal(store_appraisal_scheme_create(g->s, &base, &id1), 0);
    store_appraisal_scheme dec = base;
    dec.name = "2026-12";
    dec.effective_from = dec1;
    dec.effective_to = dec1 + 30;
    dec.scheme.weight[IND_ONTIME_REPLY] = 10;
    dec.scheme.score[SATISFACTION_BASIC] = 0.8;
    assert_int_equal(store_appraisal_scheme_create(g->s, &dec, &id2), 0);
    store_appraisal_scheme dec_b = dec;
    dec_b.name = "2026-12 b";
    assert_int_equal(store_appraisal_scheme_create(g->s, &dec_b, &id3), 0);

    assert_int_equal(store_appraisal_scheme_at(g->s, g->a, nov1, &out), 0);
    assert_int_equal(out.id, id1);
    assert_int_equal(store_appraisal_scheme_at(g->s, g->a, dec1 - 1, &out), 0);
    assert_int_equal(out.id, id1);
    assert_int_equal(store_appraisal_scheme_at(g->s, g->a, dec1, &out), 0);
    assert_int_equal(out.id, id3); /* the latest start, then the highest id */
    assert_string_equal(out.name, "2026-12 b");
    assert_int_equal(out.effective_to, dec1 + 30);
    assert_float_equal(out.scheme.score[SATISFACTION_BASIC], 0.8, 1e-12);
    assert_float_equal(out.scheme.weight[IND_ONTIME_REPLY], 10, 1e-12);
    assert_float_equal(out.scheme.weight[IND_RESPONSE], base.scheme.weight[IND_RESPONSE], 1e-12);
    assert_int_equal(store_appraisal_scheme_at(g->s, g->a, dec1 + 30, &out), 0);
    assert_int_equal(out.id, id3);
    assert_int_equal(store_appraisal_scheme_at(g->s, g->a, dec1 + 31, &out), 0);
    assert_int_equal(out.id, id1); /* open-ended */
    assert_int_equal(store_appraisal_scheme_at(g->s, g->a, civil_days_from_ymd(2019, 1, 1), &out),
                     HL_ENOTFOUND);

    store_appraisal_scheme *items;
    size_t n = 0;
    assert_int_equal(store_appraisal_schemes_list(g->s, g->a, &items, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(items[0].id, id1);
    assert_int_equal(items[1].id, id2);
    assert_int_equal(items[2].id, id3);

    /* refusals write nothing */
    store_appraisal_scheme bad = dec;
    bad.scheme.weight[IND_RESPONSE] = -5;
    assert_int_equal(store_appraisal_scheme_create(g->s, &bad, &x), HL_EINVAL);
    bad = dec;
    bad.effective_to = dec1 - 10;
    assert_int_equal(store_appraisal_scheme_create(g->s, &bad, &x), HL_EINVAL);
    bad = dec;
    bad.name = "";
    assert_int_equal(store_appraisal_scheme_create(g->s, &bad, &x), HL_EINVAL);
    assert_int_equal(store_appraisal_schemes_list(g->s, g->a, &items, &n), 0);
    assert_int_equal(n, 3);
}

/* ---- dashboard ------------------------------------------------------------------------------- */

static void test_volume(void **state)
{
    cf_group *g = *state;
    cf_catalogue *c = &g->c;
    store_volume_item *v;
    size_t n = 0;
    assert_int_equal(store_volume_by(g->s, g->a, STORE_DIM_CHANNEL, F.day, F.day, &v, &n), 0);
    assert_int_equal(n, 2); /* largest first */
    assert_string_equal(v[0].label, "phone");
    assert_int_equal(v[0].n, 8);
    assert_string_equal(v[1].label, "web");
    assert_int_equal(v[1].n, 1);
    assert_int_equal(store_volume_by(g->s, g->a, STORE_DIM_TYPE, F.day, F.day, &v, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].label, "complaint");
    assert_int_equal(v[0].n, 8);
    assert_string_equal(v[1].label, "consultation");
    assert_int_equal(store_volume_by(g->s, g->a, STORE_DIM_DISTRICT, F.day, F.day, &v, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].key, c->d1);
    assert_int_equal(v[0].n, 7);
    assert_string_equal(v[0].label, "");
    assert_int_equal(v[1].key, c->d2);
    assert_int_equal(v[1].n, 2);
    assert_int_equal(store_volume_by(g->s, g->a, STORE_DIM_STREET, F.day, F.day, &v, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].key, 0); /* unknown */
    assert_int_equal(v[0].n, 9);
    assert_int_equal(store_volume_by(g->s, g->a, STORE_DIM_CATEGORY, F.day, F.day, &v, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].key, c->leaf);

    /* three more on a later day, closed so nothing else changes */
    int64_t later = F.t + 10 * CF_DAY;
    for (int i = 0; i < 3; i++) {
        int64_t id = reg(g, later + i * 60, i ? "phone" : "web", REQ_HELP, c->d2);
        cf_act_ok(g, id, ACT(ACT_ANSWER, later + i * 60 + 30));
    }
    store_day_count *d;
    store_volume_filter all = {.dim = STORE_DIM_ALL};
    assert_int_equal(store_volume_days(g->s, g->a, &all, F.day - 5, F.day + 20, &d, &n), 0);
    assert_int_equal(n, 2); /* days with none left out, in day order */
    assert_int_equal(d[0].day, F.day);
    assert_int_equal(d[0].n, 9);
    assert_int_equal(d[1].day, F.day + 10);
    assert_int_equal(d[1].n, 3);
    store_volume_filter web = {.dim = STORE_DIM_CHANNEL, .label = "web"};
    assert_int_equal(store_volume_days(g->s, g->a, &web, F.day - 5, F.day + 20, &d, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(d[0].n, 1);
    assert_int_equal(d[1].n, 1);
    store_volume_filter help = {.dim = STORE_DIM_TYPE, .label = "help"};
    assert_int_equal(store_volume_days(g->s, g->a, &help, F.day - 5, F.day + 20, &d, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(d[0].day, F.day + 10);
    int64_t keys[] = {c->d2, c->s1};
    store_volume_filter dist = {.dim = STORE_DIM_DISTRICT, .keys = keys, .nkeys = 2};
    assert_int_equal(store_volume_days(g->s, g->a, &dist, F.day, F.day + 10, &d, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(d[0].n, 2);
    assert_int_equal(d[1].n, 3);
    assert_int_equal(store_volume_days(g->s, g->a, &dist, F.day + 1, F.day + 9, &d, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(store_volume_by(g->s, g->a, STORE_DIM_DISTRICT, F.day, F.day + 10, &v, &n), 0);
    assert_int_equal(v[0].key, c->d1); /* 7 against 5 */
    assert_int_equal(v[1].n, 5);
}

typedef struct {
    int n, done, signed_n, stop_at;
    store_case_times t[16];
} times_acc;

static int on_times(const store_case_times *t, void *ud)
{
    times_acc *acc = ud;
    if (acc->n < 16) acc->t[acc->n] = *t;
    acc->n++;
    if (t->done) acc->done++;
    if (t->signed_at) acc->signed_n++;
    return acc->n == acc->stop_at ? 4 : 0;
}

static void test_times_and_overdue(void **state)
{
    cf_group *g = *state;
    cf_catalogue *c = &g->c;
    int64_t t = F.t;
    times_acc acc = {0};
    assert_int_equal(store_case_times_each(g->s, F.day, F.day, on_times, &acc), 0);
    assert_int_equal(acc.n, 9);
    assert_int_equal(acc.done, 2); /* 1 and 3 closed themselves */
    assert_int_equal(acc.signed_n, 6);
    int seen = 0;
    for (int i = 0; i < acc.n; i++) {
        store_case_times *x = &acc.t[i];
        if (x->registered_at == t + 60) { /* 1 */
            seen++;
            assert_true(x->done);
            assert_int_equal(x->unit_id, c->s1);
            assert_int_equal(x->category_id, c->leaf);
            assert_int_equal(x->signed_at, t + H + 60);
            assert_int_equal(x->replied_at, t + 3 * H);
            assert_int_equal(x->closed_at, t + 4 * H);
        }
        if (x->registered_at == t + 7 * 60) { /* 7: answered */
            seen++;
            assert_false(x->done);
            assert_int_equal(x->unit_id, 0);
            assert_int_equal(x->closed_at, t + H);
        }
        if (x->registered_at == t + 6 * 60) { /* 6 */
            seen++;
            assert_int_equal(x->unit_id, c->s2);
            assert_int_equal(x->signed_at, 0);
            assert_int_equal(x->closed_at, 0);
        }
    }
    assert_int_equal(seen, 3);
    acc = (times_acc){.stop_at = 4};
    assert_int_equal(store_case_times_each(g->s, F.day, F.day, on_times, &acc), 4);
    assert_int_equal(acc.n, 4);
    acc = (times_acc){0};
    assert_int_equal(store_case_times_each(g->s, F.day + 1, F.day + 5, on_times, &acc), 0);
    assert_int_equal(acc.n, 0);

    /* overdue: 6 waits for sign-for (due t + 2h); 2 (validly visited) runs no clock */
    store_overdue_count *o;
    size_t n = 0;
    assert_int_equal(store_overdue_counts(g->s, g->a, t + 2 * H, &o, &n), 0);
    assert_int_equal(n, 0); /* due at the second itself is still in time */
    assert_int_equal(store_overdue_counts(g->s, g->a, t + 3 * H, &o, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(o[0].unit_id, c->s2);
    assert_int_equal(o[0].state, CASE_DISPATCHED);
    assert_int_equal(o[0].n, 1);
    /* a day and more later: 4 (reply due t + 26h + 1m), 5 (t + 29h + 1m), 9 (t + 27h) too */
    assert_int_equal(store_overdue_counts(g->s, g->a, t + 30 * H, &o, &n), 0);
    int64_t dept_signed = 0, s1_signed = 0, s2_disp = 0, total = 0;
    for (size_t i = 0; i < n; i++) {
        total += o[i].n;
        if (o[i].unit_id == c->dept && o[i].state == CASE_SIGNED) dept_signed = o[i].n;
        if (o[i].unit_id == c->s1 && o[i].state == CASE_SIGNED) s1_signed = o[i].n;
        if (o[i].unit_id == c->s2 && o[i].state == CASE_DISPATCHED) s2_disp = o[i].n;
    }
    assert_int_equal(dept_signed, 2);
    assert_int_equal(s1_signed, 1);
    assert_int_equal(s2_disp, 1);
    assert_int_equal(total, 4);
    /* a request waiting for dispatch counts under unit 0 */
    int64_t waiting = reg(g, t + 20 * CF_DAY, "phone", REQ_HELP, c->d1);
    assert_int_equal(store_overdue_counts(g->s, g->a, t + 20 * CF_DAY + 3 * H, &o, &n), 0);
    bool zero = false;
    for (size_t i = 0; i < n; i++)
        zero |= o[i].unit_id == 0 && o[i].state == CASE_REGISTERED && o[i].n == 1;
    assert_true(zero);
    cf_act_ok(g, waiting, ACT(ACT_ANSWER, t + 20 * CF_DAY + 4 * H));
    bool same = false;
    assert_int_equal(store_rollup_verify(g->s, &same), 0);
    assert_true(same);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts), cmocka_unit_test(test_drill),
        cmocka_unit_test(test_costs),  cmocka_unit_test(test_clocks), cmocka_unit_test(test_schemes),
        cmocka_unit_test(test_volume), cmocka_unit_test(test_times_and_overdue),
    };
    return cmocka_run_group_tests_name("conformance_analytics", tests, setup, cf_group_teardown);
}
