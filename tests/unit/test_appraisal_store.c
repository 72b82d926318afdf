/* test_appraisal_store.c — the appraisal store on a hand-computed fixture: requests walked
 * through the lifecycle (signed late, re-dispatched, returned, reopened, answered, invalid),
 * then each unit's counts from the rollups, the drill-down lists, schemes with effective
 * dates, dashboard aggregates, the rollups against a recomputation (live hook, migration
 * backfill), and the bulk import (rows = fold of the log, rollups kept). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tmp_dir.h"

#include "core/civil.h"
#include "store/analytics.h"
#include "store/cases.h"
#include "store/catalogue.h"
#include "store/engine.h"
#include "store/import.h"
#include "store/migrations.h"
#include "util/err.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OFF 480
#define H 3600

typedef struct {
    char dir[64], path[128];
    store *s;
    int64_t centre, dist, s1, s2, dept, cat;
    int64_t c[10]; /* the fixture's cases, 1-based */
    int64_t t0;    /* 2026-11-10 09:00 local */
} fx;

static int64_t unit(store *s, const char *code, unit_kind kind, int64_t parent)
{
    store_unit u = {.parent_id = parent, .code = code, .name_zh = code, .name_en = code,
                    .kind = kind, .active = true};
    int64_t id = 0;
    assert_int_equal(store_unit_create(s, &u, &id), 0);
    return id;
}

static int64_t category(store *s, const char *code, int64_t parent, bool leaf)
{
    store_category c = {.parent_id = parent, .code = code, .name_zh = code, .name_en = code,
                        .leaf_fields = leaf, .type = REQ_COMPLAINT, .urgency = URGENCY_NORMAL,
                        .keywords = "", .active = true};
    int64_t id = 0;
    assert_int_equal(store_category_create(s, &c, &id), 0);
    return id;
}

static int64_t reg(fx *f, int64_t at, const char *channel)
{
    store_case k = {.channel = channel, .type = REQ_COMPLAINT, .category_id = f->cat,
                    .urgency = URGENCY_NORMAL, .text = "路灯不亮", .caller_phone = "13812345678",
                    .district_id = f->dist};
    store_case_event ev = {.ev = {.action = ACT_REGISTER, .at = at, .actor_role = ROLE_CALLTAKER}};
    int64_t id = 0;
    char num[STORE_CASE_NUMBER_MAX];
    assert_int_equal(store_case_register(f->s, &k, &ev, OFF, &id, num), 0);
    return id;
}

static void act(fx *f, int64_t id, case_event e)
{
    store_case_event ev = {.ev = e, .body = e.action == ACT_REPLY ? "已处理" : NULL};
    assert_int_equal(store_case_act(f->s, id, &ev, NULL, NULL), 0);
}

#define DISPATCH(t, u) \
    (case_event){.action = ACT_DISPATCH, .at = (t), .unit_id = (u), .due = {[STAGE_SIGN] = (t) + H}}
#define REDISPATCH(t, u) \
    (case_event){.action = ACT_REDISPATCH, .at = (t), .unit_id = (u), .due = {[STAGE_SIGN] = (t) + H}}
#define SIGN(t) (case_event){.action = ACT_SIGN, .at = (t), .due = {[STAGE_REPLY] = (t) + 24 * H}}
#define REPLY(t) (case_event){.action = ACT_REPLY, .at = (t)}
#define VISIT(t, so, sat) \
    (case_event){.action = ACT_VISIT, .at = (t), .reachable = true, .solved = (so), .satisfaction = (sat)}
#define ACT(a, t) (case_event){.action = (a), .at = (t)}

static void build_fixture(fx *f)
{
    store *s = f->s;
    f->centre = unit(s, "centre", UNIT_CENTRE, 0);
    f->dist = unit(s, "d", UNIT_DISTRICT, f->centre);
    f->s1 = unit(s, "s1", UNIT_STREET, f->dist);
    f->s2 = unit(s, "s2", UNIT_STREET, f->dist);
    f->dept = unit(s, "p", UNIT_DEPARTMENT, f->centre);
    int64_t l1 = category(s, "c1", 0, false), l2 = category(s, "c2", l1, false);
    f->cat = category(s, "c3", l2, true);
    int64_t t = f->t0 = civil_day_start(civil_days_from_ymd(2026, 11, 10), OFF) + 9 * H;
    for (int i = 1; i <= 9; i++) f->c[i] = reg(f, t + i * 60, i == 7 ? "web" : "phone");
    int64_t *c = f->c;
    /* 1: S1 in time everywhere, solved and satisfied: closes itself */
    act(f, c[1], DISPATCH(t + H, f->s1));
    act(f, c[1], SIGN(t + H + 60));
    act(f, c[1], REPLY(t + 3 * H));
    act(f, c[1], VISIT(t + 4 * H, true, SATISFACTION_SATISFIED));
    /* 2: S1 late sign-for, late reply, unsolved and unsatisfied */
    act(f, c[2], DISPATCH(t + H, f->s1));
    act(f, c[2], SIGN(t + 3 * H));
    act(f, c[2], REPLY(t + 30 * H));
    act(f, c[2], VISIT(t + 31 * H, false, SATISFACTION_UNSATISFIED));
    /* 3: to the district, signed, re-dispatched to S2, which signs in time: solved, basic */
    act(f, c[3], DISPATCH(t + H, f->dist));
    act(f, c[3], SIGN(t + H + 60));
    act(f, c[3], REDISPATCH(t + 2 * H, f->s2));
    act(f, c[3], SIGN(t + 2 * H + 60));
    act(f, c[3], REPLY(t + 5 * H));
    act(f, c[3], VISIT(t + 6 * H, true, SATISFACTION_BASIC));
    /* 4: the district returns it (approved), then the department signs in time */
    act(f, c[4], DISPATCH(t + H, f->dist));
    act(f, c[4], ACT(ACT_REQUEST_RETURN, t + H + 60));
    act(f, c[4], ACT(ACT_APPROVE_RETURN, t + H + 120));
    act(f, c[4], DISPATCH(t + 2 * H, f->dept));
    act(f, c[4], SIGN(t + 2 * H + 60));
    /* 5: the department, unsatisfied, reopened, signed again in time */
    act(f, c[5], DISPATCH(t + H, f->dept));
    act(f, c[5], SIGN(t + H + 60));
    act(f, c[5], REPLY(t + 3 * H));
    act(f, c[5], VISIT(t + 4 * H, false, SATISFACTION_UNSATISFIED));
    act(f, c[5], ((case_event){.action = ACT_REOPEN, .at = t + 5 * H, .unit_id = f->dept,
                               .due = {[STAGE_SIGN] = t + 6 * H}}));
    act(f, c[5], SIGN(t + 5 * H + 60));
    /* 6: S2, not signed yet */
    act(f, c[6], DISPATCH(t + H, f->s2));
    /* 7: answered directly; 8: invalid */
    act(f, c[7], ACT(ACT_ANSWER, t + H));
    act(f, c[8], ACT(ACT_INVALIDATE, t + H));
    /* 9: S1 asks to return it, refused; signs late */
    act(f, c[9], DISPATCH(t + H, f->s1));
    act(f, c[9], ACT(ACT_REQUEST_RETURN, t + H + 60));
    act(f, c[9], ACT(ACT_REJECT_RETURN, t + H + 120));
    act(f, c[9], SIGN(t + 3 * H));
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    tmp_dir_make(f->dir, sizeof f->dir, "appr");
    snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
    assert_int_equal(store_open(f->path, &f->s), 0);
    build_fixture(f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    store_close(f->s);
    tmp_dir_remove(f->dir);
    free(f);
    return 0;
}

/* ---- tests ---------------------------------------------------------------------------------- */

static appraisal_counts own_of(fx *f, arena *a, int64_t unit_id)
{
    store_unit_counts *items;
    size_t n;
    int64_t day = civil_local_day(f->t0, OFF);
    assert_int_equal(store_appraisal_counts(f->s, a, day, day, f->t0 + 26 * H, &items, &n), 0);
    for (size_t i = 0; i < n; i++)
        if (items[i].unit_id == unit_id) return items[i].c;
    return (appraisal_counts){0};
}

static void test_counts(void **state)
{
    fx *f = *state;
    arena *a = arena_new();
    appraisal_counts s1 = own_of(f, a, f->s1), s2 = own_of(f, a, f->s2),
                     d = own_of(f, a, f->dist), p = own_of(f, a, f->dept);
    assert_int_equal(s1.dispatched, 3);
    assert_int_equal(s1.signed_ontime, 1);
    assert_int_equal(s1.visits_valid, 2);
    assert_int_equal(s1.solved, 1);
    assert_int_equal(s1.satisfied, 1);
    assert_int_equal(s1.unsatisfied, 1);
    assert_int_equal(s1.replies, 2);
    assert_int_equal(s1.replied_ontime, 1);
    assert_int_equal(s1.returns_requested, 1);
    assert_int_equal(s1.returns_approved, 0);
    assert_int_equal(s2.dispatched, 2);
    assert_int_equal(s2.signed_ontime, 1);
    assert_int_equal(s2.basic, 1);
    assert_int_equal(s2.solved, 1);
    assert_int_equal(d.dispatched, 0); /* what it had moved on */
    assert_int_equal(d.returns_requested, 1);
    assert_int_equal(d.returns_approved, 1);
    assert_int_equal(p.dispatched, 2);
    assert_int_equal(p.signed_ontime, 2);
    assert_int_equal(p.visits_valid, 0); /* the reopened one is being handled afresh */
    assert_int_equal(p.replies, 0);
    assert_int_equal(p.reopened, 1);
    /* another day has nothing */
    store_unit_counts *items;
    size_t n = 9;
    int64_t day = civil_local_day(f->t0, OFF);
    assert_int_equal(store_appraisal_counts(f->s, a, day + 1, day + 30, f->t0, &items, &n), 0);
    assert_int_equal(n, 0);
    bool same = false;
    assert_int_equal(store_rollup_verify(f->s, &same), 0);
    assert_true(same);
    arena_free(a);
}

static void drill_is(fx *f, int64_t unit_id, appraisal_indicator ind, store_drill_part part,
                     const int *want, size_t nwant)
{
    arena *a = arena_new();
    int64_t day = civil_local_day(f->t0, OFF), total = -1;
    /* at 26 h every reply clock still runs and 6's sign-for is overdue */
    store_drill_query q = {.unit_id = unit_id, .from_day = day, .to_day = day, .indicator = ind,
                           .part = part, .now = f->t0 + 26 * H, .limit = 100};
    store_case *items;
    size_t n;
    assert_int_equal(store_appraisal_drill(f->s, a, &q, &items, &n, &total), 0);
    assert_int_equal(total, nwant);
    assert_int_equal(n, nwant);
    for (size_t i = 0; i < n; i++) assert_int_equal(items[i].id, f->c[want[i]]);
    arena_free(a);
}

static void test_drill(void **state)
{
    fx *f = *state;
    /* the district's subtree: S1 has 1, 2, 9; S2 has 3, 6 */
    int den[] = {1, 2, 3, 6, 9}, num[] = {1, 3}, cost[] = {2, 6, 9};
    drill_is(f, f->dist, IND_RESPONSE, DRILL_DENOMINATOR, den, 5);
    drill_is(f, f->dist, IND_RESPONSE, DRILL_NUMERATOR, num, 2);
    drill_is(f, f->dist, IND_RESPONSE, DRILL_COST, cost, 3);
    int valid[] = {1, 2, 3}, solved[] = {1, 3}, unsolved[] = {2};
    drill_is(f, f->dist, IND_RESOLUTION, DRILL_DENOMINATOR, valid, 3);
    drill_is(f, f->dist, IND_RESOLUTION, DRILL_NUMERATOR, solved, 2);
    drill_is(f, f->dist, IND_SATISFACTION, DRILL_NUMERATOR, solved, 2); /* satisfied + basic */
    drill_is(f, f->dist, IND_SATISFACTION, DRILL_COST, unsolved, 1);
    int replied[] = {1, 2, 3, 6}, late[] = {2}; /* 6, not signed, has no reply clock yet */
    drill_is(f, f->dist, IND_ONTIME_REPLY, DRILL_DENOMINATOR, replied, 4);
    drill_is(f, f->dist, IND_ONTIME_REPLY, DRILL_COST, late, 1);
    /* returns: the district's (4, approved) and S1's (9, refused); volume adds 4 back */
    int returns[] = {4, 9}, volume[] = {1, 2, 3, 4, 6, 9};
    drill_is(f, f->dist, IND_RETURN, DRILL_NUMERATOR, returns, 2);
    drill_is(f, f->dist, IND_RETURN, DRILL_DENOMINATOR, volume, 6);
    int s1returns[] = {9};
    drill_is(f, f->s1, IND_RETURN, DRILL_NUMERATOR, s1returns, 1);
    int reopened[] = {5}, pden[] = {4, 5};
    drill_is(f, f->dept, IND_REOPEN, DRILL_NUMERATOR, reopened, 1);
    drill_is(f, f->dept, IND_REOPEN, DRILL_COST, reopened, 1);
    drill_is(f, f->dept, IND_RESPONSE, DRILL_DENOMINATOR, pden, 2);
    /* a street sees only its own */
    int s2den[] = {3, 6};
    drill_is(f, f->s2, IND_RESPONSE, DRILL_DENOMINATOR, s2den, 2);
}

struct cost_acc {
    int n;
    uint32_t flags[16];
    int64_t ids[16], units[16];
};

static int on_cost(const store_cost *c, void *ud)
{
    struct cost_acc *acc = ud;
    if (acc->n < 16) {
        acc->ids[acc->n] = c->k.id;
        acc->units[acc->n] = c->unit_id;
        acc->flags[acc->n] = c->indicators;
    }
    acc->n++;
    return 0;
}

static void test_costs(void **state)
{
    fx *f = *state;
    int64_t day = civil_local_day(f->t0, OFF);
    struct cost_acc acc = {0};
    assert_int_equal(store_appraisal_costs_each(f->s, 0, day, day, f->t0 + 26 * H, on_cost, &acc),
                     0);
    /* case rows by unit: S1 2 (response, resolution, satisfaction, reply) and 9 (response);
     * S2 6 (response); P 5 (reopen); then the return requests: D for 4, S1 for 9 */
    assert_int_equal(acc.n, 6);
    uint32_t all4 = (1u << IND_RESPONSE) | (1u << IND_RESOLUTION) | (1u << IND_SATISFACTION) |
                    (1u << IND_ONTIME_REPLY);
    assert_int_equal(acc.ids[0], f->c[2]);
    assert_int_equal(acc.flags[0], all4);
    assert_int_equal(acc.ids[1], f->c[9]);
    assert_int_equal(acc.flags[1], 1u << IND_RESPONSE);
    assert_int_equal(acc.ids[2], f->c[6]);
    assert_int_equal(acc.ids[3], f->c[5]);
    assert_int_equal(acc.flags[3], 1u << IND_REOPEN);
    assert_int_equal(acc.ids[4], f->c[4]);
    assert_int_equal(acc.units[4], f->dist);
    assert_int_equal(acc.flags[4], 1u << IND_RETURN);
    assert_int_equal(acc.units[5], f->s1);
    /* scoped to S2 */
    struct cost_acc s2 = {0};
    assert_int_equal(
        store_appraisal_costs_each(f->s, f->s2, day, day, f->t0 + 26 * H, on_cost, &s2), 0);
    assert_int_equal(s2.n, 1);
    assert_int_equal(s2.ids[0], f->c[6]);
}

static void test_schemes(void **state)
{
    fx *f = *state;
    arena *a = arena_new();
    store_appraisal_scheme out;
    int64_t nov1 = civil_days_from_ymd(2026, 11, 1), dec1 = civil_days_from_ymd(2026, 12, 1);
    assert_int_equal(store_appraisal_scheme_at(f->s, a, nov1, &out), HL_ENOTFOUND);
    store_appraisal_scheme base = {.name = "default", .effective_from = civil_days_from_ymd(2020, 1, 1)};
    appraisal_scheme_default(&base.scheme);
    int64_t id1 = 0, id2 = 0;
    assert_int_equal(store_appraisal_scheme_create(f->s, &base, &id1), 0);
    store_appraisal_scheme dec = base;
    dec.name = "2026-12";
    dec.effective_from = dec1;
    dec.scheme.weight[IND_ONTIME_REPLY] = 10;
    dec.scheme.score[SATISFACTION_BASIC] = 0.8;
    assert_int_equal(store_appraisal_scheme_create(f->s, &dec, &id2), 0);
    assert_int_equal(store_appraisal_scheme_at(f->s, a, nov1, &out), 0);
    assert_int_equal(out.id, id1);
    assert_int_equal(store_appraisal_scheme_at(f->s, a, dec1 - 1, &out), 0);
    assert_int_equal(out.id, id1);
    assert_int_equal(store_appraisal_scheme_at(f->s, a, dec1, &out), 0);
    assert_int_equal(out.id, id2);
    assert_float_equal(out.scheme.score[SATISFACTION_BASIC], 0.8, 1e-12);
    assert_float_equal(out.scheme.weight[IND_ONTIME_REPLY], 10, 1e-12);
    store_appraisal_scheme *items;
    size_t n;
    assert_int_equal(store_appraisal_schemes_list(f->s, a, &items, &n), 0);
    assert_int_equal(n, 2);
    /* refused: bad weights, an end before the start */
    store_appraisal_scheme bad = dec;
    bad.scheme.weight[IND_RESPONSE] = -5;
    assert_int_equal(store_appraisal_scheme_create(f->s, &bad, &id2), HL_EINVAL);
    bad = dec;
    bad.effective_to = dec1 - 10;
    assert_int_equal(store_appraisal_scheme_create(f->s, &bad, &id2), HL_EINVAL);
    arena_free(a);
}

struct times_acc {
    int n, done, signed_n;
    int64_t sum_close;
};

static int on_times(const store_case_times *t, void *ud)
{
    struct times_acc *acc = ud;
    acc->n++;
    if (t->done) {
        acc->done++;
        acc->sum_close += t->closed_at - t->registered_at;
    }
    if (t->signed_at) acc->signed_n++;
    return 0;
}

static void test_dashboard(void **state)
{
    fx *f = *state;
    arena *a = arena_new();
    int64_t day = civil_local_day(f->t0, OFF);
    store_volume_item *v;
    size_t n;
    assert_int_equal(store_volume_by(f->s, a, STORE_DIM_CHANNEL, day, day, &v, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].label, "phone");
    assert_int_equal(v[0].n, 8);
    assert_int_equal(v[1].n, 1);
    assert_int_equal(store_volume_by(f->s, a, STORE_DIM_DISTRICT, day, day, &v, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].key, f->dist);
    assert_int_equal(v[0].n, 9);
    store_day_count *d;
    store_volume_filter all = {.dim = STORE_DIM_ALL};
    assert_int_equal(store_volume_days(f->s, a, &all, day - 5, day + 5, &d, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(d[0].day, day);
    assert_int_equal(d[0].n, 9);
    store_volume_filter web = {.dim = STORE_DIM_CHANNEL, .label = "web"};
    assert_int_equal(store_volume_days(f->s, a, &web, day, day, &d, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(d[0].n, 1);
    int64_t keys[] = {f->cat};
    store_volume_filter cat = {.dim = STORE_DIM_CATEGORY, .keys = keys, .nkeys = 1};
    assert_int_equal(store_volume_days(f->s, a, &cat, day, day, &d, &n), 0);
    assert_int_equal(d[0].n, 9);
    struct times_acc acc = {0};
    assert_int_equal(store_case_times_each(f->s, day, day, on_times, &acc), 0);
    assert_int_equal(acc.n, 9);
    assert_int_equal(acc.done, 2); /* 1 and 3 closed themselves */
    assert_int_equal(acc.sum_close, (4 * H - 60) + (6 * H - 180));
    /* overdue a day later: 6 waits for sign-for (S2); 4 (P, signed, reply due t+26h) is not
     * yet; 2 (visited, valid) runs no clock */
    store_overdue_count *o;
    assert_int_equal(store_overdue_counts(f->s, a, f->t0 + 25 * H, &o, &n), 0);
    int64_t total = 0, s2 = 0;
    for (size_t i = 0; i < n; i++) {
        total += o[i].n;
        if (o[i].unit_id == f->s2 && o[i].state == CASE_DISPATCHED) s2 = o[i].n;
    }
    assert_int_equal(s2, 1);
    assert_true(total >= 1);
    arena_free(a);
}

/* The migration's backfill recomputes the same rollups the writer kept. */
static void test_backfill(void **state)
{
    fx *f = *state;
    const char *mig = NULL;
    for (int i = 0; i < store_migrations_count; i++)
        if (store_migrations[i].version == 6) mig = store_migrations[i].sql;
    assert_non_null(mig);
    const char *backfill = strstr(mig, "-- backfill");
    assert_non_null(backfill);
    store_close(f->s);
    f->s = NULL;
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "DELETE FROM rollup_unit_day; DELETE FROM appraisal_returns;"
                                  " DELETE FROM rollup_volume_day; DELETE FROM rollup_labels;",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    char *err = NULL;
    int rc = sqlite3_exec(db, backfill, NULL, NULL, &err);
    if (rc != SQLITE_OK) fprintf(stderr, "backfill: %s\n", err ? err : "?");
    sqlite3_free(err);
    assert_int_equal(rc, SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(store_open(f->path, &f->s), 0);
    bool same = false;
    assert_int_equal(store_rollup_verify(f->s, &same), 0);
    assert_true(same);
    arena *a = arena_new();
    appraisal_counts s1 = own_of(f, a, f->s1), d = own_of(f, a, f->dist);
    assert_int_equal(s1.dispatched, 3);
    assert_int_equal(s1.returns_requested, 1);
    assert_int_equal(d.returns_approved, 1);
    arena_free(a);
}

static void test_bulk_import(void **state)
{
    fx *f = *state;
    int64_t t = f->t0 + 2 * 24 * H; /* two days later: a day of their own */
    store_case k = {.channel = "app", .type = REQ_HELP, .category_id = f->cat,
                    .urgency = URGENCY_NORMAL, .text = "imported", .title = "t",
                    .district_id = f->dist};
    store_case_event a[] = {
        {.ev = {.action = ACT_REGISTER, .at = t, .actor_role = ACTOR_SYSTEM}},
        {.ev = DISPATCH(t, f->s1)},
        {.ev = SIGN(t + 60)},
        {.ev = REPLY(t + 2 * H), .body = "done"},
        {.ev = VISIT(t + 3 * H, true, SATISFACTION_SATISFIED)}, /* closes itself */
    };
    store_case_event b[] = {
        {.ev = {.action = ACT_REGISTER, .at = t + 60, .actor_role = ACTOR_SYSTEM}},
        {.ev = DISPATCH(t + 60, f->s2)},
        {.ev = SIGN(t + 2 * H)}, /* late */
        {.ev = REPLY(t + 40 * H)}, /* late */
    };
    store_case_event c[] = {{.ev = {.action = ACT_REGISTER, .at = t + 120, .actor_role = ACTOR_SYSTEM}}};
    store_bulk_case cases[] = {{k, a, 5}, {k, b, 4}, {k, c, 1}};
    size_t bad = 99;
    assert_int_equal(store_bulk_import(f->s, cases, 3, OFF, &bad), 0);
    bool ok = false, same = false;
    int64_t ncases = 0, differ = -1;
    assert_int_equal(store_check(f->s, &ok, &ncases, &differ), 0);
    assert_true(ok);
    assert_int_equal(ncases, 12);
    assert_int_equal(differ, 0);
    assert_int_equal(store_rollup_verify(f->s, &same), 0);
    assert_true(same);
    arena *ar = arena_new();
    store_unit_counts *items;
    size_t n;
    int64_t day = civil_local_day(t, OFF);
    assert_int_equal(store_appraisal_counts(f->s, ar, day, day, t, &items, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(items[0].unit_id, f->s1);
    assert_int_equal(items[0].c.solved, 1);
    assert_int_equal(items[1].c.signed_ontime, 0);
    assert_int_equal(items[1].c.replies, 1);
    assert_int_equal(items[1].c.replied_ontime, 0);
    store_case got;
    assert_int_equal(store_case_get(f->s, ar, f->c[9] + 1, &got), 0);
    assert_int_equal(got.snap.state, CASE_CLOSED);
    assert_int_equal(got.snap.events, 6); /* with the automatic close */
    assert_string_equal(got.reply_text, "done");
    /* a history the lifecycle refuses fails the chunk and names the request */
    store_case_event wrong[] = {{.ev = {.action = ACT_REGISTER, .at = t, .actor_role = ACTOR_SYSTEM}},
                                {.ev = SIGN(t + 60)}};
    store_bulk_case bad_cases[] = {{k, c, 1}, {k, wrong, 2}};
    assert_int_equal(store_bulk_import(f->s, bad_cases, 2, OFF, &bad), HL_ESTATE);
    assert_int_equal(bad, 1);
    assert_int_equal(store_check(f->s, &ok, &ncases, &differ), 0);
    assert_int_equal(ncases, 12); /* nothing of the failed chunk */
    /* references are checked although the writer does not enforce foreign keys for it */
    store_case nowhere = k;
    nowhere.category_id = 999999;
    store_bulk_case ref_cases[] = {{k, c, 1}, {nowhere, c, 1}};
    assert_int_equal(store_bulk_import(f->s, ref_cases, 2, OFF, &bad), HL_EREF);
    store_case_event lost[] = {{.ev = {.action = ACT_REGISTER, .at = t, .actor_role = ACTOR_SYSTEM}},
                               {.ev = DISPATCH(t, 999999)}};
    store_bulk_case lost_cases[] = {{k, lost, 2}};
    assert_int_equal(store_bulk_import(f->s, lost_cases, 1, OFF, &bad), HL_EREF);
    assert_int_equal(store_check(f->s, &ok, &ncases, &differ), 0);
    assert_int_equal(ncases, 12);
    /* a session keeps its statements across chunks */
    store_bulk *ses = NULL;
    assert_int_equal(store_bulk_open(f->s, &ses), 0);
    for (int round = 0; round < 3; round++)
        assert_int_equal(store_bulk_write(ses, cases, 3, OFF, &bad), 0);
    store_bulk_close(ses);
    assert_int_equal(store_check(f->s, &ok, &ncases, &differ), 0);
    assert_int_equal(ncases, 21);
    assert_int_equal(differ, 0);
    assert_int_equal(store_rollup_verify(f->s, &same), 0);
    assert_true(same);
    arena_free(ar);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drill, setup, teardown),
        cmocka_unit_test_setup_teardown(test_costs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schemes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dashboard, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backfill, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bulk_import, setup, teardown),
    };
    return cmocka_run_group_tests_name("appraisal_store", tests, NULL, NULL);
}
