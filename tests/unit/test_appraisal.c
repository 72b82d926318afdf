/* test_appraisal.c — core/appraisal on a small hand-computed fixture: what a request counts,
 * every rate, the composite (default and another scheme), the sum over a unit tree, the
 * ranking with ties, periods, quantiles. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/appraisal.h"
#include "core/civil.h"
#include "util/err.h"
#include <string.h>

#define EPS 1e-9

/* ---- what one request counts ---------------------------------------------------------- */

static case_snapshot walk(const case_event *evs, size_t n)
{
    case_snapshot s = {0};
    for (size_t i = 0; i < n; i++) assert_int_equal(lifecycle_apply(&s, &evs[i]), 0);
    return s;
}

#define REG(t) {.action = ACT_REGISTER, .at = (t), .actor_role = ROLE_CALLTAKER}
#define DISPATCH(t, u, signdue) \
    {.action = ACT_DISPATCH, .at = (t), .unit_id = (u), .due = {[STAGE_SIGN] = (signdue)}}
#define SIGN(t, replydue) {.action = ACT_SIGN, .at = (t), .due = {[STAGE_REPLY] = (replydue)}}
#define REPLY(t) {.action = ACT_REPLY, .at = (t)}
#define VISIT(t, solved_, sat) \
    {.action = ACT_VISIT, .at = (t), .reachable = true, .solved = (solved_), .satisfaction = (sat)}

static void test_case_facts(void **state)
{
    (void)state;
    appraisal_counts f;
    /* registered only, and answered directly: nothing for any unit */
    case_event answered[] = {REG(100), {.action = ACT_ANSWER, .at = 110}};
    case_snapshot s = walk(answered, 1);
    appraisal_case_facts(&s, &f);
    assert_true(appraisal_counts_zero(&f));
    s = walk(answered, 2);
    appraisal_case_facts(&s, &f);
    assert_true(appraisal_counts_zero(&f));

    /* dispatched, not signed yet: dispatched, nothing else */
    case_event life[] = {REG(100), DISPATCH(200, 7, 300), SIGN(250, 1000), REPLY(900),
                         VISIT(1100, true, SATISFACTION_BASIC)};
    s = walk(life, 2);
    appraisal_case_facts(&s, &f);
    assert_int_equal(f.dispatched, 1);
    assert_int_equal(f.signed_ontime, 0);
    /* signed in time, replied in time, valid visit: solved, basically satisfied */
    s = walk(life, 5);
    appraisal_case_facts(&s, &f);
    assert_int_equal(f.dispatched, 1);
    assert_int_equal(f.signed_ontime, 1);
    assert_int_equal(f.replies, 1);
    assert_int_equal(f.replied_ontime, 1);
    assert_int_equal(f.visits_valid, 1);
    assert_int_equal(f.solved, 1);
    assert_int_equal(f.basic, 1);
    assert_int_equal(f.satisfied + f.unsatisfied + f.reopened, 0);

    /* late sign, late reply, unsolved and unsatisfied */
    case_event late[] = {REG(100), DISPATCH(200, 7, 300), SIGN(301, 1000), REPLY(1001),
                         VISIT(1100, false, SATISFACTION_UNSATISFIED)};
    s = walk(late, 5);
    appraisal_case_facts(&s, &f);
    assert_int_equal(f.signed_ontime, 0);
    assert_int_equal(f.replied_ontime, 0);
    assert_int_equal(f.solved, 0);
    assert_int_equal(f.unsatisfied, 1);

    /* reopened: counts once as reopened; the redo is what is visited */
    case_event reopened[] = {REG(100), DISPATCH(200, 7, 300), SIGN(250, 1000), REPLY(900),
                             VISIT(1100, false, SATISFACTION_UNSATISFIED),
                             {.action = ACT_REOPEN, .at = 1200, .unit_id = 7,
                              .due = {[STAGE_SIGN] = 1300}},
                             SIGN(1250, 2000)};
    s = walk(reopened, 7);
    appraisal_case_facts(&s, &f);
    assert_int_equal(f.reopened, 1);
    assert_int_equal(f.signed_ontime, 1);
    assert_int_equal(f.visits_valid, 0);
    assert_int_equal(f.replies, 0);

    /* re-dispatched to a street: the district's sign-for does not count for the street */
    case_event redis[] = {REG(100), DISPATCH(200, 7, 300), SIGN(250, 1000),
                          {.action = ACT_REDISPATCH, .at = 260, .unit_id = 8,
                           .due = {[STAGE_SIGN] = 400}}};
    s = walk(redis, 4);
    appraisal_case_facts(&s, &f);
    assert_int_equal(f.dispatched, 1);
    assert_int_equal(f.signed_ontime, 0);
    /* return requested before signing, still pending: not signed */
    case_event ret[] = {REG(100), DISPATCH(200, 7, 300), {.action = ACT_REQUEST_RETURN, .at = 210},
                        {.action = ACT_APPROVE_RETURN, .at = 220}};
    s = walk(ret, 3);
    appraisal_case_facts(&s, &f);
    assert_int_equal(f.dispatched, 1);
    assert_int_equal(f.signed_ontime, 0);
    /* approved: the request left the unit */
    s = walk(ret, 4);
    appraisal_case_facts(&s, &f);
    assert_true(appraisal_counts_zero(&f));

    /* merged into another request: not counted */
    case_event merged[] = {REG(100), DISPATCH(200, 7, 300), {.action = ACT_MERGE, .at = 210,
                                                             .merged_into = 99}};
    s = walk(merged, 3);
    appraisal_case_facts(&s, &f);
    assert_true(appraisal_counts_zero(&f));

    /* no sign-for limit: any sign-for is in time */
    case_event nolimit[] = {REG(100), DISPATCH(200, 7, 0), SIGN(99999, 0), REPLY(199999)};
    s = walk(nolimit, 4);
    appraisal_case_facts(&s, &f);
    assert_int_equal(f.signed_ontime, 1);
    assert_int_equal(f.replied_ontime, 1);
}

/* The running clocks at `now`, and the rates they make: a hand-computed unit of 6 requests,
 * appraised at t = 1000. */
static void test_case_clocks(void **state)
{
    (void)state;
    enum { NOW = 1000 };
    /* A: signed 250 (due 300), replied 900 (due 950): on time twice
     * B: signed 350 (due 300), late; not replied, reply due 800: overdue
     * C: dispatched, sign due 1200: unsigned, not due yet; no reply clock (not signed)
     * D: dispatched, sign due 500: unsigned and overdue; no reply clock
     * E: dispatched with no sign-for limit, unsigned: on time for both
     * F: signed 260 (due 300), reply due 1500: not replied, not due yet */
    case_event a[] = {REG(100), DISPATCH(200, 7, 300), SIGN(250, 950), REPLY(900)};
    case_event b[] = {REG(100), DISPATCH(200, 7, 300), SIGN(350, 800)};
    case_event c[] = {REG(100), DISPATCH(200, 7, 1200)};
    case_event d[] = {REG(100), DISPATCH(200, 7, 500)};
    case_event e[] = {REG(100), DISPATCH(200, 7, 0)};
    case_event f[] = {REG(100), DISPATCH(200, 7, 300), SIGN(260, 1500)};
    struct {
        case_event *evs;
        size_t n;
    } lives[] = {{a, 4}, {b, 3}, {c, 2}, {d, 2}, {e, 2}, {f, 3}};
    appraisal_counts sum = {0}, one;
    for (size_t i = 0; i < 6; i++) {
        case_snapshot s = walk(lives[i].evs, lives[i].n);
        appraisal_case_facts(&s, &one);
        assert_int_equal(one.sign_pending + one.sign_overdue + one.sign_unclocked +
                             one.reply_pending + one.reply_overdue + one.reply_unclocked,
                         0);
        appraisal_case_clocks(&s, NOW, &one);
        appraisal_counts_add(&sum, &one, 1);
    }
    assert_int_equal(sum.dispatched, 6);
    assert_int_equal(sum.signed_ontime, 2); /* A, F */
    assert_int_equal(sum.sign_pending, 1);  /* C */
    assert_int_equal(sum.sign_overdue, 1);  /* D */
    assert_int_equal(sum.sign_unclocked, 1); /* E */
    assert_int_equal(sum.replies, 1);
    assert_int_equal(sum.replied_ontime, 1); /* A */
    assert_int_equal(sum.reply_pending, 1);  /* F */
    assert_int_equal(sum.reply_overdue, 1);  /* B */
    assert_int_equal(sum.reply_unclocked, 3); /* C, D, E: not signed */
    appraisal_scheme sc;
    appraisal_scheme_default(&sc);
    appraisal_result r;
    appraisal_compute(&sum, &sc, &r);
    /* response: on time A, F, E of the 5 that fell due (C waits); late B, D */
    assert_int_equal(r.num[IND_RESPONSE], 3);
    assert_int_equal(r.den[IND_RESPONSE], 5);
    /* reply: on time A, C, D, E of the 5 that fell due (F waits); late B, never replied */
    assert_int_equal(r.num[IND_ONTIME_REPLY], 4);
    assert_int_equal(r.den[IND_ONTIME_REPLY], 5);

    /* at the due time itself the clock still runs; a second later it is late */
    case_snapshot s = walk(f, 3);
    memset(&one, 0, sizeof one);
    appraisal_case_clocks(&s, 1500, &one);
    assert_int_equal(one.reply_pending, 1);
    memset(&one, 0, sizeof one);
    appraisal_case_clocks(&s, 1501, &one);
    assert_int_equal(one.reply_overdue, 1);
    /* re-dispatched after its sign-for: the new unit's reply clock has not started */
    case_event redis[] = {REG(100), DISPATCH(200, 7, 300), SIGN(250, 400),
                          {.action = ACT_REDISPATCH, .at = 260, .unit_id = 8,
                           .due = {[STAGE_SIGN] = 2000}}};
    s = walk(redis, 4);
    memset(&one, 0, sizeof one);
    appraisal_case_clocks(&s, NOW, &one);
    assert_int_equal(one.sign_pending, 1);
    assert_int_equal(one.reply_unclocked, 1);
    /* merged, or never dispatched: no clock counts */
    case_event merged[] = {REG(100), DISPATCH(200, 7, 300),
                           {.action = ACT_MERGE, .at = 210, .merged_into = 99}};
    s = walk(merged, 3);
    memset(&one, 0, sizeof one);
    appraisal_case_clocks(&s, NOW, &one);
    s = walk(merged, 1);
    appraisal_case_clocks(&s, NOW, &one);
    assert_true(appraisal_counts_zero(&one));
}

/* ---- the fixture: a city of 8 units ------------------------------------------------------ */

enum { CENTRE, DIST, S1, S2, DEPT, DEPT_SUB, UTIL, UTIL2, NU };
static const int parent[NU] = {-1, CENTRE, DIST, DIST, CENTRE, DEPT, CENTRE, CENTRE};

/* dispatched, signed on time, valid visits, solved, satisfied, basic, unsatisfied, replies,
 * replied on time, reopened, returns requested, returns approved */
#define C(d, s, v, so, sa, b, u, r, ro, re, rr, ra) \
    {.dispatched = d, .signed_ontime = s, .visits_valid = v, .solved = so, .satisfied = sa, \
     .basic = b, .unsatisfied = u, .replies = r, .replied_ontime = ro, .reopened = re, \
     .returns_requested = rr, .returns_approved = ra}
static const appraisal_counts own[NU] = {
    [CENTRE] = C(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    [DIST] = C(5, 3, 2, 1, 1, 0, 1, 4, 2, 1, 1, 1),
    [S1] = C(10, 8, 6, 5, 3, 2, 1, 8, 6, 1, 2, 1),
    [S2] = C(5, 5, 4, 4, 4, 0, 0, 5, 5, 0, 0, 0),
    [DEPT] = C(4, 4, 4, 3, 2, 1, 1, 4, 4, 0, 0, 0),
    [DEPT_SUB] = C(6, 3, 2, 2, 2, 0, 0, 6, 3, 0, 0, 0),
    [UTIL] = C(10, 10, 6, 4, 3, 1, 2, 10, 9, 0, 0, 0),
    [UTIL2] = C(10, 7, 6, 5, 4, 1, 1, 10, 10, 0, 0, 0),
};

static void test_tree_sum(void **state)
{
    (void)state;
    appraisal_counts tot[NU];
    assert_int_equal(appraisal_tree_sum(parent, own, NU, tot), 0);
    /* the district includes its two streets */
    assert_int_equal(tot[DIST].dispatched, 20);
    assert_int_equal(tot[DIST].signed_ontime, 16);
    assert_int_equal(tot[DIST].visits_valid, 12);
    assert_int_equal(tot[DIST].solved, 10);
    assert_int_equal(tot[DIST].satisfied, 8);
    assert_int_equal(tot[DIST].basic, 2);
    assert_int_equal(tot[DIST].unsatisfied, 2);
    assert_int_equal(tot[DIST].replies, 17);
    assert_int_equal(tot[DIST].replied_ontime, 13);
    assert_int_equal(tot[DIST].reopened, 2);
    assert_int_equal(tot[DIST].returns_requested, 3);
    assert_int_equal(tot[DIST].returns_approved, 2);
    assert_int_equal(tot[DEPT].dispatched, 10);
    assert_int_equal(tot[S1].dispatched, 10); /* leaves are their own */
    assert_int_equal(tot[CENTRE].dispatched, 5 + 10 + 5 + 4 + 6 + 10 + 10);

    int cyclic[3] = {1, 2, 0};
    appraisal_counts three[3] = {{.dispatched = 1}, {.dispatched = 1}, {.dispatched = 1}}, out3[3];
    assert_int_equal(appraisal_tree_sum(cyclic, three, 3, out3), HL_EINVAL);
    int outside[1] = {5};
    assert_int_equal(appraisal_tree_sum(outside, three, 1, out3), HL_EINVAL);
}

static void test_rates_default_scheme(void **state)
{
    (void)state;
    appraisal_counts tot[NU];
    assert_int_equal(appraisal_tree_sum(parent, own, NU, tot), 0);
    appraisal_scheme sc;
    appraisal_scheme_default(&sc);
    assert_int_equal(appraisal_scheme_check(&sc), 0);
    appraisal_result r;
    appraisal_compute(&tot[DIST], &sc, &r);
    assert_float_equal(r.rate[IND_RESPONSE], 16.0 / 20, EPS);
    assert_float_equal(r.rate[IND_RESOLUTION], 10.0 / 12, EPS);
    assert_float_equal(r.rate[IND_SATISFACTION], 10.0 / 12, EPS);
    assert_float_equal(r.rate[IND_ONTIME_REPLY], 13.0 / 17, EPS);
    assert_float_equal(r.rate[IND_RETURN], 3.0 / 22, EPS); /* volume 20 + 2 approved */
    assert_float_equal(r.rate[IND_REOPEN], 2.0 / 20, EPS);
    assert_int_equal(r.num[IND_SATISFACTION], 10);
    assert_int_equal(r.den[IND_RETURN], 22);
    assert_true(r.has_composite);
    /* 30·0.8 + 35·10/12 + 35·10/12 = 24 + 29.1667 + 29.1667 */
    assert_float_equal(r.composite, 24 + 70.0 * 10 / 12, 1e-9);
    appraisal_compute(&tot[S2], &sc, &r);
    assert_float_equal(r.composite, 100, EPS);
    appraisal_compute(&tot[UTIL], &sc, &r);
    assert_float_equal(r.composite, 30 + 70.0 * 4 / 6, 1e-9); /* 76.67 */

    /* nothing measured: no composite; no visits yet: the other weights carry it */
    appraisal_counts none = {0};
    appraisal_compute(&none, &sc, &r);
    assert_false(r.has_composite);
    assert_false(r.defined[IND_RESPONSE]);
    appraisal_counts unvisited = {.dispatched = 4, .signed_ontime = 3};
    appraisal_compute(&unvisited, &sc, &r);
    assert_true(r.has_composite);
    assert_false(r.defined[IND_RESOLUTION]);
    assert_float_equal(r.composite, 75, EPS);
}

static void test_rates_other_scheme(void **state)
{
    (void)state;
    appraisal_counts tot[NU];
    assert_int_equal(appraisal_tree_sum(parent, own, NU, tot), 0);
    /* response 20, resolution 30, satisfaction 30 (basic scores 0.5), on-time reply 10,
     * return 5, reopen 5 — weights sum to 100 */
    appraisal_scheme sc = {.weight = {20, 30, 30, 10, 5, 5},
                           .score = {[SATISFACTION_SATISFIED] = 1, [SATISFACTION_BASIC] = 0.5}};
    assert_int_equal(appraisal_scheme_check(&sc), 0);
    appraisal_result r;
    appraisal_compute(&tot[DIST], &sc, &r);
    assert_float_equal(r.rate[IND_SATISFACTION], (8 + 0.5 * 2) / 12.0, EPS);
    assert_int_equal(r.num[IND_SATISFACTION], 10); /* the count stays satisfied + basic */
    double want = 20 * 0.8 + 30 * (10.0 / 12) + 30 * (9.0 / 12) + 10 * (13.0 / 17) +
                  5 * (1 - 3.0 / 22) + 5 * (1 - 2.0 / 20);
    assert_float_equal(r.composite, want, 1e-9);

    appraisal_scheme bad = sc;
    bad.weight[IND_RETURN] = -1;
    assert_int_equal(appraisal_scheme_check(&bad), HL_EINVAL);
    bad = sc;
    bad.score[SATISFACTION_BASIC] = 1.5;
    assert_int_equal(appraisal_scheme_check(&bad), HL_EINVAL);
    appraisal_scheme zero;
    memset(&zero, 0, sizeof zero);
    assert_int_equal(appraisal_scheme_check(&zero), HL_EINVAL);
}

static void test_ranking(void **state)
{
    (void)state;
    static const char *const codes[NU] = {"centre", "d-dist", "s-1", "s-2",
                                          "dept-p", "dept-p-sub", "util-u", "util-u2"};
    static const unit_kind kinds[NU] = {UNIT_CENTRE, UNIT_DISTRICT, UNIT_STREET, UNIT_STREET,
                                        UNIT_DEPARTMENT, UNIT_DEPARTMENT, UNIT_UTILITY,
                                        UNIT_UTILITY};
    appraisal_counts tot[NU];
    assert_int_equal(appraisal_tree_sum(parent, own, NU, tot), 0);
    appraisal_scheme sc;
    appraisal_scheme_default(&sc);
    appraisal_rank_item items[NU];
    for (int i = 0; i < NU; i++) {
        appraisal_result r;
        appraisal_compute(&tot[i], &sc, &r);
        items[i] = (appraisal_rank_item){
            .tier = appraisal_tier_of(kinds[i], parent[i] == CENTRE),
            .has_composite = r.has_composite, .composite = r.composite, .code = codes[i]};
    }
    assert_int_equal(items[CENTRE].tier, TIER_NONE);
    assert_int_equal(items[DEPT_SUB].tier, TIER_NONE);
    assert_int_equal(items[UTIL].tier, TIER_DEPARTMENT);
    int rank[NU];
    size_t order[NU];
    appraisal_rank(items, NU, rank, order);
    assert_int_equal(rank[DIST], 1);
    assert_int_equal(rank[S2], 1); /* 100 */
    assert_int_equal(rank[S1], 2); /* 82.33 */
    /* DEPT and UTIL2 both 79.33: they share rank 1, UTIL (76.67) is third */
    assert_float_equal(items[DEPT].composite, items[UTIL2].composite, 1e-9);
    assert_int_equal(rank[DEPT], 1);
    assert_int_equal(rank[UTIL2], 1);
    assert_int_equal(rank[UTIL], 3);
    assert_int_equal(rank[CENTRE], 0);
    assert_int_equal(rank[DEPT_SUB], 0);
    /* order: districts, departments (ties by code), streets, then the unranked (the
     * sub-office at 85 before the whole city at 80) */
    size_t want[NU] = {DIST, DEPT, UTIL2, UTIL, S2, S1, DEPT_SUB, CENTRE};
    assert_memory_equal(order, want, sizeof want);
    /* the same input gives the same output */
    size_t order2[NU];
    int rank2[NU];
    appraisal_rank(items, NU, rank2, order2);
    assert_memory_equal(order, order2, sizeof order);
    assert_memory_equal(rank, rank2, sizeof rank);
}

static void test_indicator_names(void **state)
{
    (void)state;
    for (int i = 0; i < IND_COUNT; i++) {
        appraisal_indicator back;
        assert_int_equal(appraisal_indicator_parse(appraisal_indicator_name(i), &back), 0);
        assert_int_equal(back, i);
    }
    appraisal_indicator x;
    assert_int_equal(appraisal_indicator_parse("speed", &x), HL_EINVAL);
    assert_true(appraisal_lower_is_better(IND_RETURN));
    assert_false(appraisal_lower_is_better(IND_RESPONSE));
    assert_string_equal(appraisal_tier_name(TIER_STREET), "streets");
}

static int64_t day(int y, int m, int d) { return civil_days_from_ymd(y, m, d); }

static void test_periods(void **state)
{
    (void)state;
    appraisal_period p;
    assert_int_equal(appraisal_period_parse("2026-11", NULL, NULL, &p), 0);
    assert_int_equal(p.from_day, day(2026, 11, 1));
    assert_int_equal(p.to_day, day(2026, 11, 30));
    assert_int_equal(p.prev_from_day, day(2026, 10, 1));
    assert_int_equal(p.prev_to_day, day(2026, 10, 31));
    assert_string_equal(p.label, "2026-11");
    assert_int_equal(appraisal_period_parse("2026-01", NULL, NULL, &p), 0);
    assert_int_equal(p.prev_from_day, day(2025, 12, 1));
    assert_int_equal(appraisal_period_parse("2024-02", NULL, NULL, &p), 0);
    assert_int_equal(p.to_day, day(2024, 2, 29));
    assert_int_equal(appraisal_period_parse("2026-q4", NULL, NULL, &p), 0);
    assert_int_equal(p.from_day, day(2026, 10, 1));
    assert_int_equal(p.to_day, day(2026, 12, 31));
    assert_int_equal(p.prev_from_day, day(2026, 7, 1));
    assert_int_equal(p.prev_to_day, day(2026, 9, 30));
    assert_string_equal(p.label, "2026-Q4");
    assert_int_equal(appraisal_period_parse("2026-Q1", NULL, NULL, &p), 0);
    assert_int_equal(p.prev_from_day, day(2025, 10, 1));
    assert_int_equal(appraisal_period_parse("2026", NULL, NULL, &p), 0);
    assert_int_equal(p.from_day, day(2026, 1, 1));
    assert_int_equal(p.to_day, day(2026, 12, 31));
    assert_int_equal(p.prev_from_day, day(2025, 1, 1));
    assert_int_equal(appraisal_period_parse(NULL, "2026-11-03", "2026-11-09", &p), 0);
    assert_int_equal(p.from_day, day(2026, 11, 3));
    assert_int_equal(p.to_day, day(2026, 11, 9));
    assert_int_equal(p.prev_from_day, day(2026, 10, 27));
    assert_int_equal(p.prev_to_day, day(2026, 11, 2));
    assert_string_equal(p.label, "2026-11-03..2026-11-09");
    static const char *const bad[] = {"2026-13", "2026-00", "2026-Q5", "26-11", "2026-1",
                                      "2026-11-01", "", "abcd", "2026-Qx"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(appraisal_period_parse(bad[i], NULL, NULL, &p), HL_EINVAL);
    assert_int_equal(appraisal_period_parse(NULL, "2026-11-09", "2026-11-03", &p), HL_EINVAL);
    assert_int_equal(appraisal_period_parse(NULL, "2026-11-09", NULL, &p), HL_EINVAL);
    assert_int_equal(appraisal_period_parse(NULL, "2000-01-01", "2026-11-03", &p), HL_ERANGE);
}

static void test_quantile(void **state)
{
    (void)state;
    int64_t v[] = {1, 2, 3, 4};
    assert_float_equal(appraisal_quantile(v, 4, 0.5), 2.5, EPS);
    assert_float_equal(appraisal_quantile(v, 4, 0.9), 3.7, EPS);
    assert_float_equal(appraisal_quantile(v, 3, 0.5), 2, EPS);
    assert_float_equal(appraisal_quantile(v, 1, 0.9), 1, EPS);
    assert_float_equal(appraisal_quantile(v, 4, 1), 4, EPS);
    assert_float_equal(appraisal_quantile(v, 4, 0), 1, EPS);
    /* selection gives what sorting gives, on many shapes (duplicates, runs, one value) */
    static int64_t a[997], b[997];
    uint64_t x = 7;
    for (int round = 0; round < 40; round++) {
        size_t n = 1 + (size_t)(round * 25 % 997);
        for (size_t i = 0; i < n; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            a[i] = round % 4 == 0 ? 5 : round % 4 == 1 ? (int64_t)(x >> 60) : (int64_t)(x >> 33);
            if (round % 4 == 3) a[i] = (int64_t)i;
            b[i] = a[i];
        }
        for (size_t i = 1; i < n; i++) /* insertion sort of b */
            for (size_t j = i; j > 0 && b[j - 1] > b[j]; j--) {
                int64_t t = b[j];
                b[j] = b[j - 1];
                b[j - 1] = t;
            }
        static const double ps[] = {0, 0.1, 0.5, 0.9, 0.99, 1};
        for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++)
            assert_float_equal(appraisal_quantile_select(a, n, ps[k]),
                               appraisal_quantile(b, n, ps[k]), 1e-9);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case_facts), cmocka_unit_test(test_case_clocks),        cmocka_unit_test(test_tree_sum),
        cmocka_unit_test(test_rates_default_scheme), cmocka_unit_test(test_rates_other_scheme),
        cmocka_unit_test(test_ranking),           cmocka_unit_test(test_indicator_names),
        cmocka_unit_test(test_periods),           cmocka_unit_test(test_quantile),
    };
    return cmocka_run_group_tests_name("appraisal", tests, NULL, NULL);
}
