/* test_lifecycle.c — unit tests of lifecycle.c: the state × action matrix, every path, the fold. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/civil.h"
#include "core/lifecycle.h"
#include "util/err.h"

#include <string.h>

/* In these tests snapshots are copied with memcpy, not assignment, so that padding bytes match too
 * and assert_memory_equal compares like with like. */

/* 2026-01-01 00:00:00 UTC. The timeline every built case follows: */
#define T0 1767225600LL
#define HOUR 3600LL
#define DAY 86400LL
#define T_REG T0
#define T_DISPATCH (T0 + 600)
#define T_SIGN (T0 + 1200)
#define T_REPLY (T0 + 3600)
#define T_VISIT (T0 + 7200)
#define T_NOW (T0 + 7800) /* later than every built event, inside every window */

#define DUE_DISPATCH (T_REG + 2 * HOUR)
#define DUE_SIGN (T_DISPATCH + DAY)
#define DUE_RETURN (T_DISPATCH + DAY)
#define DUE_REPLY (T_SIGN + 5 * DAY)
#define DUE_VISIT (T_REPLY + 2 * DAY)

#define UNIT_LEAD 11
#define UNIT_OTHER 22
#define MASTER_CASE 99
#define REQUESTED_DUE (T0 + 10 * DAY)

#define A(act) ((uint32_t)1u << (act))

static case_event ev(case_action a, int64_t at)
{
    case_event e;
    memset(&e, 0, sizeof e);
    e.action = a;
    e.at = at;
    return e;
}

static void step(case_snapshot *c, const case_event *e)
{
    assert_int_equal(lifecycle_check(c->events ? c : NULL, e), 0);
    assert_int_equal(lifecycle_apply(c, e), 0);
}

/* --- the variants of the matrix, each built by folding real events ------------------------ */

typedef enum {
    V_REGISTERED,
    V_DISPATCHED,
    V_SIGNED,
    V_SIGNED_EXTENSION_PENDING,
    V_RETURN_FROM_DISPATCHED,
    V_RETURN_FROM_SIGNED,
    V_REPLIED,
    V_VISITED_VALID,
    V_VISITED_UNREACHABLE,
    V_CLOSED_ANSWERED,
    V_CLOSED_INVALID,
    V_CLOSED_DONE,
    V_MERGED,
    V_COUNT
} variant;

static void do_register(case_snapshot *c)
{
    memset(c, 0, sizeof *c);
    case_event e = ev(ACT_REGISTER, T_REG);
    e.actor_role = ROLE_CALLTAKER;
    e.due[STAGE_DISPATCH] = DUE_DISPATCH;
    step(c, &e);
}

static void do_dispatch(case_snapshot *c)
{
    case_event e = ev(ACT_DISPATCH, T_DISPATCH);
    e.unit_id = UNIT_LEAD;
    e.due[STAGE_SIGN] = DUE_SIGN;
    e.due[STAGE_RETURN] = DUE_RETURN;
    step(c, &e);
}

static void do_sign(case_snapshot *c)
{
    case_event e = ev(ACT_SIGN, T_SIGN);
    e.due[STAGE_REPLY] = DUE_REPLY;
    step(c, &e);
}

static void do_reply(case_snapshot *c)
{
    case_event e = ev(ACT_REPLY, T_REPLY);
    e.due[STAGE_VISIT] = DUE_VISIT;
    step(c, &e);
}

static void do_visit(case_snapshot *c, bool reachable, int64_t at)
{
    case_event e = ev(ACT_VISIT, at);
    e.reachable = reachable;
    e.solved = true;
    e.satisfaction = reachable ? SATISFACTION_SATISFIED : SATISFACTION_NONE;
    step(c, &e);
}

static void build(variant v, case_snapshot *c)
{
    do_register(c);
    case_event e;
    switch (v) {
    case V_REGISTERED:
        return;
    case V_CLOSED_ANSWERED:
        e = ev(ACT_ANSWER, T_DISPATCH);
        step(c, &e);
        return;
    case V_CLOSED_INVALID:
        e = ev(ACT_INVALIDATE, T_DISPATCH);
        step(c, &e);
        return;
    case V_MERGED:
        e = ev(ACT_MERGE, T_DISPATCH);
        e.merged_into = MASTER_CASE;
        step(c, &e);
        return;
    default:
        break;
    }
    do_dispatch(c);
    if (v == V_DISPATCHED) return;
    if (v == V_RETURN_FROM_DISPATCHED) {
        e = ev(ACT_REQUEST_RETURN, T_SIGN);
        step(c, &e);
        return;
    }
    do_sign(c);
    switch (v) {
    case V_SIGNED:
        return;
    case V_SIGNED_EXTENSION_PENDING:
        e = ev(ACT_REQUEST_EXTENSION, T_REPLY);
        e.requested_due = REQUESTED_DUE;
        step(c, &e);
        return;
    case V_RETURN_FROM_SIGNED:
        e = ev(ACT_REQUEST_RETURN, T_REPLY);
        step(c, &e);
        return;
    default:
        break;
    }
    do_reply(c);
    if (v == V_REPLIED) return;
    do_visit(c, v != V_VISITED_UNREACHABLE, T_VISIT);
    if (v != V_CLOSED_DONE) return;
    e = ev(ACT_CLOSE, T_VISIT + 60);
    step(c, &e);
}

/* An event for action a that satisfies every field and time rule, so that the state alone
 * decides whether it is accepted. */
static case_event good_event(case_action a)
{
    case_event e = ev(a, T_NOW);
    e.unit_id = UNIT_OTHER;
    e.merged_into = MASTER_CASE;
    e.requested_due = REQUESTED_DUE;
    e.reachable = true;
    e.solved = true;
    e.satisfaction = SATISFACTION_BASIC;
    return e;
}

/* The expectation, written out from docs/product.md, Life of a request: for each
 * variant, every action that must be accepted. Everything else must be HL_ESTATE. */
#define OPEN_ANY (A(ACT_MERGE) | A(ACT_URGE) | A(ACT_SUPERVISE) | A(ACT_RECALCULATE))
static const struct {
    variant v;
    case_state state;
    uint32_t accepted;
} matrix[V_COUNT] = {
    {V_REGISTERED, CASE_REGISTERED, OPEN_ANY | A(ACT_ANSWER) | A(ACT_INVALIDATE) | A(ACT_DISPATCH)},
    {V_DISPATCHED, CASE_DISPATCHED, OPEN_ANY | A(ACT_SIGN) | A(ACT_REQUEST_RETURN)},
    {V_SIGNED, CASE_SIGNED,
     OPEN_ANY | A(ACT_REDISPATCH) | A(ACT_REQUEST_RETURN) | A(ACT_PROGRESS) | A(ACT_REPLY) |
         A(ACT_REQUEST_EXTENSION)},
    {V_SIGNED_EXTENSION_PENDING, CASE_SIGNED,
     OPEN_ANY | A(ACT_REDISPATCH) | A(ACT_REQUEST_RETURN) | A(ACT_PROGRESS) | A(ACT_REPLY) |
         A(ACT_APPROVE_EXTENSION) | A(ACT_REJECT_EXTENSION)},
    {V_RETURN_FROM_DISPATCHED, CASE_RETURN_PENDING,
     OPEN_ANY | A(ACT_APPROVE_RETURN) | A(ACT_REJECT_RETURN)},
    {V_RETURN_FROM_SIGNED, CASE_RETURN_PENDING,
     OPEN_ANY | A(ACT_APPROVE_RETURN) | A(ACT_REJECT_RETURN)},
    {V_REPLIED, CASE_REPLIED, OPEN_ANY | A(ACT_VISIT)},
    {V_VISITED_VALID, CASE_VISITED, OPEN_ANY | A(ACT_REOPEN) | A(ACT_CLOSE)},
    {V_VISITED_UNREACHABLE, CASE_VISITED, OPEN_ANY | A(ACT_REOPEN) | A(ACT_CLOSE) | A(ACT_VISIT)},
    {V_CLOSED_ANSWERED, CASE_CLOSED, 0},
    {V_CLOSED_INVALID, CASE_CLOSED, 0},
    {V_CLOSED_DONE, CASE_CLOSED, 0},
    {V_MERGED, CASE_MERGED, 0},
};

static void test_state_action_matrix(void **state)
{
    (void)state;
    assert_int_equal(ACT_COUNT, 21);
    for (int i = 0; i < V_COUNT; i++) {
        assert_int_equal(matrix[i].v, i);
        case_snapshot c;
        build(matrix[i].v, &c);
        assert_int_equal(c.state, matrix[i].state);
        /* lifecycle_allowed is the same set, minus recalculate which it never lists. */
        assert_int_equal(lifecycle_allowed(&c), matrix[i].accepted & ~A(ACT_RECALCULATE));
        for (int a = 0; a < ACT_COUNT; a++) {
            case_event e = good_event((case_action)a);
            bool ok = (matrix[i].accepted & A(a)) != 0;
            int want = ok ? 0 : HL_ESTATE;
            int got = lifecycle_check(&c, &e);
            if (got != want)
                print_error("variant %d action %s: got %d want %d\n", i,
                            case_action_name((case_action)a), got, want);
            assert_int_equal(got, want);

            case_snapshot before, after;
            memcpy(&before, &c, sizeof c);
            memcpy(&after, &c, sizeof c);
            assert_int_equal(lifecycle_apply(&after, &e), want);
            if (ok) {
                assert_int_equal(after.events, before.events + 1);
                assert_int_equal(after.updated_at, T_NOW);
            } else {
                assert_memory_equal(&before, &after, sizeof before);
            }
        }
    }
}

static void test_no_case_yet(void **state)
{
    (void)state;
    case_event e = good_event(ACT_REGISTER);
    assert_int_equal(lifecycle_check(NULL, &e), 0);
    for (int a = 1; a < ACT_COUNT; a++) {
        e = good_event((case_action)a);
        assert_int_equal(lifecycle_check(NULL, &e), HL_ESTATE);
        /* A zeroed row is "no case yet" to apply: nothing but register folds into it. */
        case_snapshot zero, c;
        memset(&zero, 0, sizeof zero);
        memcpy(&c, &zero, sizeof c);
        assert_int_equal(lifecycle_apply(&c, &e), HL_ESTATE);
        assert_memory_equal(&c, &zero, sizeof c);
    }
    assert_int_equal(lifecycle_allowed(NULL), 0);

    /* Register on an existing case is refused. */
    case_snapshot c;
    build(V_REGISTERED, &c);
    case_snapshot before;
    memcpy(&before, &c, sizeof before);
    e = good_event(ACT_REGISTER);
    assert_int_equal(lifecycle_check(&c, &e), HL_ESTATE);
    assert_int_equal(lifecycle_apply(&c, &e), HL_ESTATE);
    assert_memory_equal(&c, &before, sizeof c);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    case_snapshot c;
    build(V_REGISTERED, &c);
    case_snapshot before;
    memcpy(&before, &c, sizeof before);
    assert_int_equal(lifecycle_check(&c, NULL), HL_EINVAL);
    assert_int_equal(lifecycle_apply(&c, NULL), HL_EINVAL);
    case_event e = good_event(ACT_URGE);
    assert_int_equal(lifecycle_apply(NULL, &e), HL_EINVAL);
    e.action = ACT_COUNT;
    assert_int_equal(lifecycle_check(&c, &e), HL_EINVAL);
    assert_int_equal(lifecycle_apply(&c, &e), HL_EINVAL);
    e.action = (case_action)-1;
    assert_int_equal(lifecycle_check(&c, &e), HL_EINVAL);
    assert_memory_equal(&c, &before, sizeof c);

    /* A corrupt state accepts nothing, not even recalculation. */
    c.state = CASE_STATE_COUNT;
    assert_int_equal(lifecycle_allowed(&c), 0);
    e = good_event(ACT_RECALCULATE);
    assert_int_equal(lifecycle_check(&c, &e), HL_ESTATE);
    e = good_event(ACT_URGE);
    assert_int_equal(lifecycle_check(&c, &e), HL_ESTATE);
}

/* --- the happy path, every field at every step -------------------------------------------- */

static void expect_snapshot(const case_snapshot *got, const case_snapshot *want)
{
    assert_int_equal(got->state, want->state);
    assert_int_equal(got->return_from, want->return_from);
    assert_int_equal(got->closed_as, want->closed_as);
    assert_int_equal(got->unit_id, want->unit_id);
    assert_int_equal(got->merged_into, want->merged_into);
    assert_int_equal(got->extension_pending, want->extension_pending);
    assert_int_equal(got->extension_requested_due, want->extension_requested_due);
    assert_int_equal(got->urge_count, want->urge_count);
    assert_int_equal(got->supervise_count, want->supervise_count);
    assert_int_equal(got->reopen_count, want->reopen_count);
    assert_int_equal(got->return_count, want->return_count);
    assert_int_equal(got->extension_count, want->extension_count);
    assert_int_equal(got->redispatch_count, want->redispatch_count);
    assert_int_equal(got->visit_attempts, want->visit_attempts);
    assert_int_equal(got->visit_valid, want->visit_valid);
    assert_int_equal(got->solved, want->solved);
    assert_int_equal(got->satisfaction, want->satisfaction);
    for (int s = 0; s < STAGE_COUNT; s++)
        assert_int_equal(got->due[s], want->due[s]);
    assert_int_equal(got->registered_at, want->registered_at);
    assert_int_equal(got->dispatched_at, want->dispatched_at);
    assert_int_equal(got->signed_at, want->signed_at);
    assert_int_equal(got->replied_at, want->replied_at);
    assert_int_equal(got->visited_at, want->visited_at);
    assert_int_equal(got->closed_at, want->closed_at);
    assert_int_equal(got->updated_at, want->updated_at);
    assert_int_equal(got->events, want->events);
}

static void test_happy_path(void **state)
{
    (void)state;
    case_snapshot c, w;
    memset(&w, 0, sizeof w);

    do_register(&c);
    w.state = CASE_REGISTERED;
    w.due[STAGE_DISPATCH] = DUE_DISPATCH;
    w.registered_at = T_REG;
    w.updated_at = T_REG;
    w.events = 1;
    expect_snapshot(&c, &w);

    do_dispatch(&c);
    w.state = CASE_DISPATCHED;
    w.unit_id = UNIT_LEAD;
    w.due[STAGE_SIGN] = DUE_SIGN;
    w.due[STAGE_RETURN] = DUE_RETURN;
    w.dispatched_at = T_DISPATCH;
    w.updated_at = T_DISPATCH;
    w.events = 2;
    expect_snapshot(&c, &w);

    do_sign(&c);
    w.state = CASE_SIGNED;
    w.due[STAGE_REPLY] = DUE_REPLY;
    w.signed_at = T_SIGN;
    w.updated_at = T_SIGN;
    w.events = 3;
    expect_snapshot(&c, &w);

    do_reply(&c);
    w.state = CASE_REPLIED;
    w.due[STAGE_VISIT] = DUE_VISIT;
    w.replied_at = T_REPLY;
    w.updated_at = T_REPLY;
    w.events = 4;
    expect_snapshot(&c, &w);

    do_visit(&c, true, T_VISIT);
    w.state = CASE_VISITED;
    w.visit_attempts = 1;
    w.visit_valid = true;
    w.solved = true;
    w.satisfaction = SATISFACTION_SATISFIED;
    w.visited_at = T_VISIT;
    w.updated_at = T_VISIT;
    w.events = 5;
    expect_snapshot(&c, &w);

    case_event e = ev(ACT_CLOSE, T_VISIT + 60);
    e.actor_role = ACTOR_SYSTEM;
    step(&c, &e);
    w.state = CASE_CLOSED;
    w.closed_as = CLOSED_DONE;
    w.closed_at = T_VISIT + 60;
    w.updated_at = T_VISIT + 60;
    w.events = 6;
    expect_snapshot(&c, &w);
    assert_false(case_state_open(c.state));
    assert_int_equal(lifecycle_allowed(&c), 0);
}

/* --- side paths --------------------------------------------------------------------------- */

static void test_answer_and_invalidate(void **state)
{
    (void)state;
    case_snapshot c, w;
    build(V_REGISTERED, &c);
    memcpy(&w, &c, sizeof w);
    case_event e = ev(ACT_ANSWER, T_NOW);
    step(&c, &e);
    w.state = CASE_CLOSED;
    w.closed_as = CLOSED_ANSWERED;
    w.closed_at = T_NOW;
    w.updated_at = T_NOW;
    w.events = 2;
    expect_snapshot(&c, &w);

    build(V_REGISTERED, &c);
    memcpy(&w, &c, sizeof w);
    e = ev(ACT_INVALIDATE, T_NOW);
    step(&c, &e);
    w.state = CASE_CLOSED;
    w.closed_as = CLOSED_INVALID;
    w.closed_at = T_NOW;
    w.updated_at = T_NOW;
    w.events = 2;
    expect_snapshot(&c, &w);
}

static void test_merge_from_each_open_state(void **state)
{
    (void)state;
    static const variant open[] = {
        V_REGISTERED,
        V_DISPATCHED,
        V_SIGNED,
        V_SIGNED_EXTENSION_PENDING,
        V_RETURN_FROM_DISPATCHED,
        V_RETURN_FROM_SIGNED,
        V_REPLIED,
        V_VISITED_VALID,
        V_VISITED_UNREACHABLE,
    };
    for (size_t i = 0; i < sizeof open / sizeof open[0]; i++) {
        case_snapshot c, w;
        build(open[i], &c);
        memcpy(&w, &c, sizeof w);

        case_event e = ev(ACT_MERGE, T_NOW);
        assert_int_equal(lifecycle_check(&c, &e), HL_EINVAL); /* no master */
        assert_int_equal(lifecycle_apply(&c, &e), HL_EINVAL);
        expect_snapshot(&c, &w);

        e.merged_into = MASTER_CASE;
        step(&c, &e);
        w.state = CASE_MERGED;
        w.merged_into = MASTER_CASE;
        w.closed_at = T_NOW;
        w.updated_at = T_NOW;
        w.events++;
        expect_snapshot(&c, &w);
        assert_false(case_state_open(c.state));
    }
}

static void test_dispatch_needs_unit(void **state)
{
    (void)state;
    case_snapshot c, before;
    build(V_REGISTERED, &c);
    memcpy(&before, &c, sizeof before);
    case_event e = ev(ACT_DISPATCH, T_NOW);
    assert_int_equal(lifecycle_check(&c, &e), HL_EINVAL);
    assert_int_equal(lifecycle_apply(&c, &e), HL_EINVAL);
    assert_memory_equal(&c, &before, sizeof c);
}

static void test_redispatch(void **state)
{
    (void)state;
    case_snapshot c, w;
    build(V_SIGNED_EXTENSION_PENDING, &c);
    memcpy(&w, &c, sizeof w);

    case_event e = ev(ACT_REDISPATCH, T_NOW);
    assert_int_equal(lifecycle_check(&c, &e), HL_EINVAL); /* no target unit */
    e.unit_id = UNIT_OTHER;
    e.due[STAGE_SIGN] = T_NOW + DAY;
    step(&c, &e);
    w.state = CASE_DISPATCHED;
    w.unit_id = UNIT_OTHER;
    w.redispatch_count = 1;
    w.dispatched_at = T_NOW;
    w.due[STAGE_SIGN] = T_NOW + DAY;
    w.extension_pending = false; /* the new unit does not inherit the old unit's request */
    w.updated_at = T_NOW;
    w.events++;
    expect_snapshot(&c, &w);
    /* Not signed by the new unit yet: nothing to review. */
    e = good_event(ACT_APPROVE_EXTENSION);
    assert_int_equal(lifecycle_check(&c, &e), HL_ESTATE);

    e = ev(ACT_SIGN, T_NOW + 60);
    step(&c, &e);
    e = ev(ACT_REDISPATCH, T_NOW + 120);
    e.unit_id = 33;
    step(&c, &e);
    assert_int_equal(c.redispatch_count, 2);
    assert_int_equal(c.unit_id, 33);
    assert_int_equal(c.dispatched_at, T_NOW + 120);
    assert_int_equal(c.state, CASE_DISPATCHED);
}

static void test_return_from_dispatched(void **state)
{
    (void)state;
    case_snapshot c, w;
    build(V_DISPATCHED, &c);
    memcpy(&w, &c, sizeof w);
    case_event e = ev(ACT_REQUEST_RETURN, T_NOW);
    step(&c, &e);
    w.state = CASE_RETURN_PENDING;
    w.return_from = CASE_DISPATCHED;
    w.return_count = 1;
    w.updated_at = T_NOW;
    w.events++;
    expect_snapshot(&c, &w);

    case_snapshot pending;

    memcpy(&pending, &c, sizeof pending);
    e = ev(ACT_REJECT_RETURN, T_NOW + 60);
    step(&c, &e);
    w.state = CASE_DISPATCHED;
    w.updated_at = T_NOW + 60;
    w.events++;
    expect_snapshot(&c, &w);

    memcpy(&c, &pending, sizeof c);
    memcpy(&w, &pending, sizeof w);
    e = ev(ACT_APPROVE_RETURN, T_NOW + 60);
    step(&c, &e);
    w.state = CASE_REGISTERED;
    w.unit_id = 0;
    w.updated_at = T_NOW + 60;
    w.events++;
    expect_snapshot(&c, &w);
    /* Back with the dispatcher: dispatch elsewhere. */
    e = ev(ACT_DISPATCH, T_NOW + 120);
    e.unit_id = UNIT_OTHER;
    step(&c, &e);
    assert_int_equal(c.unit_id, UNIT_OTHER);
    assert_int_equal(c.state, CASE_DISPATCHED);
}

static void test_return_from_signed(void **state)
{
    (void)state;
    case_snapshot c, w;
    build(V_SIGNED_EXTENSION_PENDING, &c);
    memcpy(&w, &c, sizeof w);
    case_event e = ev(ACT_REQUEST_RETURN, T_NOW);
    step(&c, &e);
    w.state = CASE_RETURN_PENDING;
    w.return_from = CASE_SIGNED;
    w.return_count = 1;
    w.updated_at = T_NOW;
    w.events++;
    expect_snapshot(&c, &w);

    case_snapshot pending;

    memcpy(&pending, &c, sizeof pending);
    e = ev(ACT_REJECT_RETURN, T_NOW + 60);
    step(&c, &e);
    w.state = CASE_SIGNED;
    w.updated_at = T_NOW + 60;
    w.events++;
    expect_snapshot(&c, &w);
    assert_true(c.extension_pending); /* same unit, its request still stands */

    memcpy(&c, &pending, sizeof c);
    memcpy(&w, &pending, sizeof w);
    e = ev(ACT_APPROVE_RETURN, T_NOW + 60);
    step(&c, &e);
    w.state = CASE_REGISTERED;
    w.unit_id = 0;
    w.extension_pending = false;
    w.updated_at = T_NOW + 60;
    w.events++;
    expect_snapshot(&c, &w);

    /* A second return of the same case is counted. */
    build(V_SIGNED, &c);
    e = ev(ACT_REQUEST_RETURN, T_NOW);
    step(&c, &e);
    e = ev(ACT_REJECT_RETURN, T_NOW + 1);
    step(&c, &e);
    e = ev(ACT_REQUEST_RETURN, T_NOW + 2);
    step(&c, &e);
    assert_int_equal(c.return_count, 2);
    assert_int_equal(c.return_from, CASE_SIGNED);
}

static void test_return_window(void **state)
{
    (void)state;
    case_snapshot c, before;
    build(V_DISPATCHED, &c);
    memcpy(&before, &c, sizeof before);
    case_event e = ev(ACT_REQUEST_RETURN, DUE_RETURN + 1);
    assert_int_equal(lifecycle_check(&c, &e), HL_EINVAL);
    assert_int_equal(lifecycle_apply(&c, &e), HL_EINVAL);
    assert_memory_equal(&c, &before, sizeof c);
    e.at = DUE_RETURN; /* the last second of the window is still in it */
    assert_int_equal(lifecycle_check(&c, &e), 0);

    build(V_SIGNED, &c);
    e.at = DUE_RETURN + 1;
    assert_int_equal(lifecycle_check(&c, &e), HL_EINVAL);
    e.at = DUE_RETURN;
    assert_int_equal(lifecycle_check(&c, &e), 0);

    /* No window set: no limit. */
    c.due[STAGE_RETURN] = 0;
    e.at = T0 + 365 * DAY;
    assert_int_equal(lifecycle_check(&c, &e), 0);
}

static void test_extension(void **state)
{
    (void)state;
    case_snapshot c, w;
    build(V_SIGNED, &c);
    memcpy(&w, &c, sizeof w);
    case_event e = ev(ACT_REQUEST_EXTENSION, T_NOW);
    e.requested_due = REQUESTED_DUE;
    step(&c, &e);
    w.extension_pending = true;
    w.extension_requested_due = REQUESTED_DUE;
    w.updated_at = T_NOW;
    w.events++;
    expect_snapshot(&c, &w);

    /* Pending: a second request is a state error, and the row is untouched. */
    case_snapshot pending;
    memcpy(&pending, &c, sizeof pending);
    e.at = T_NOW + 10;
    assert_int_equal(lifecycle_check(&c, &e), HL_ESTATE);
    assert_int_equal(lifecycle_apply(&c, &e), HL_ESTATE);
    assert_memory_equal(&c, &pending, sizeof c);

    /* Approve as asked: the reply due moves to the requested time. */
    e = ev(ACT_APPROVE_EXTENSION, T_NOW + 60);
    step(&c, &e);
    w.due[STAGE_REPLY] = REQUESTED_DUE;
    w.extension_pending = false;
    w.extension_count = 1;
    w.updated_at = T_NOW + 60;
    w.events++;
    expect_snapshot(&c, &w);
    e = good_event(ACT_APPROVE_EXTENSION);
    assert_int_equal(lifecycle_check(&c, &e), HL_ESTATE); /* nothing pending any more */
    e = good_event(ACT_REJECT_EXTENSION);
    assert_int_equal(lifecycle_check(&c, &e), HL_ESTATE);

    /* Approve with another time than asked: that time wins. */
    memcpy(&c, &pending, sizeof c);
    e = ev(ACT_APPROVE_EXTENSION, T_NOW + 60);
    e.due[STAGE_REPLY] = REQUESTED_DUE - DAY;
    step(&c, &e);
    assert_int_equal(c.due[STAGE_REPLY], REQUESTED_DUE - DAY);
    assert_int_equal(c.extension_count, 1);
    assert_false(c.extension_pending);

    /* Reject: flag cleared, due and count unchanged; a new request is then allowed. */
    memcpy(&c, &pending, sizeof c);
    memcpy(&w, &pending, sizeof w);
    e = ev(ACT_REJECT_EXTENSION, T_NOW + 60);
    step(&c, &e);
    w.extension_pending = false;
    w.updated_at = T_NOW + 60;
    w.events++;
    expect_snapshot(&c, &w);
    assert_int_equal(c.due[STAGE_REPLY], DUE_REPLY);
    e = ev(ACT_REQUEST_EXTENSION, T_NOW + 120);
    e.requested_due = REQUESTED_DUE;
    assert_int_equal(lifecycle_check(&c, &e), 0);

    /* Reply clears a pending request. */
    memcpy(&c, &pending, sizeof c);
    do_reply(&c);
    assert_false(c.extension_pending);
}

static void test_extension_refused(void **state)
{
    (void)state;
    case_snapshot c, before;
    build(V_SIGNED, &c);
    memcpy(&before, &c, sizeof before);
    case_event e = ev(ACT_REQUEST_EXTENSION, DUE_REPLY);
    e.requested_due = REQUESTED_DUE;
    assert_int_equal(lifecycle_check(&c, &e), HL_EINVAL); /* at the due time */
    assert_int_equal(lifecycle_apply(&c, &e), HL_EINVAL);
    assert_memory_equal(&c, &before, sizeof c);
    e.at = DUE_REPLY + 1;
    assert_int_equal(lifecycle_check(&c, &e), HL_EINVAL); /* after it */
    e.at = DUE_REPLY - 1;
    assert_int_equal(lifecycle_check(&c, &e), 0); /* one second before */

    e.at = T_NOW;
    e.requested_due = DUE_REPLY;
    assert_int_equal(lifecycle_check(&c, &e), HL_EINVAL); /* not later */
    e.requested_due = DUE_REPLY - 1;
    assert_int_equal(lifecycle_check(&c, &e), HL_EINVAL); /* earlier */
    e.requested_due = 0;
    assert_int_equal(lifecycle_check(&c, &e), HL_EINVAL); /* missing */
    e.requested_due = DUE_REPLY + 1;
    assert_int_equal(lifecycle_check(&c, &e), 0);

    /* Without a reply due time there is no "after"; a requested time is still required. */
    c.due[STAGE_REPLY] = 0;
    e.at = T0 + 365 * DAY;
    e.requested_due = T0 + 366 * DAY;
    assert_int_equal(lifecycle_check(&c, &e), 0);
    e.requested_due = 0;
    assert_int_equal(lifecycle_check(&c, &e), HL_EINVAL);
}

static void test_urge_and_supervise_counted(void **state)
{
    (void)state;
    case_snapshot c, w;
    build(V_REGISTERED, &c);
    memcpy(&w, &c, sizeof w);
    int64_t t = T_NOW;
    case_event e = ev(ACT_URGE, t);
    step(&c, &e);
    e = ev(ACT_URGE, ++t);
    step(&c, &e);
    e = ev(ACT_SUPERVISE, ++t);
    step(&c, &e);
    w.urge_count = 2;
    w.supervise_count = 1;
    w.updated_at = t;
    w.events += 3;
    expect_snapshot(&c, &w);

    /* The counts run across the whole life, in every open state. */
    build(V_REPLIED, &c);
    e = ev(ACT_URGE, T_NOW);
    step(&c, &e);
    e = ev(ACT_SUPERVISE, T_NOW);
    step(&c, &e);
    do_visit(&c, false, T_NOW + 1);
    e = ev(ACT_URGE, T_NOW + 2);
    step(&c, &e);
    e = ev(ACT_SUPERVISE, T_NOW + 3);
    step(&c, &e);
    e = ev(ACT_SUPERVISE, T_NOW + 4);
    step(&c, &e);
    assert_int_equal(c.urge_count, 2);
    assert_int_equal(c.supervise_count, 3);
    assert_int_equal(c.state, CASE_VISITED);
}

static void test_progress_is_a_note(void **state)
{
    (void)state;
    case_snapshot c, w;
    build(V_SIGNED, &c);
    memcpy(&w, &c, sizeof w);
    case_event e = ev(ACT_PROGRESS, T_NOW);
    step(&c, &e);
    w.updated_at = T_NOW;
    w.events++;
    expect_snapshot(&c, &w);
}

static void test_visits(void **state)
{
    (void)state;
    case_snapshot c, w;
    build(V_REPLIED, &c);
    memcpy(&w, &c, sizeof w);

    /* Reachable but no satisfaction: refused; out of range too. */
    case_event e = ev(ACT_VISIT, T_NOW);
    e.reachable = true;
    e.solved = true;
    assert_int_equal(lifecycle_check(&c, &e), HL_EINVAL);
    assert_int_equal(lifecycle_apply(&c, &e), HL_EINVAL);
    expect_snapshot(&c, &w);
    e.satisfaction = (satisfaction)4;
    assert_int_equal(lifecycle_check(&c, &e), HL_EINVAL);

    /* Unreachable: no valid visit, whatever the event carries. */
    e = ev(ACT_VISIT, T_NOW);
    e.reachable = false;
    e.solved = true;
    e.satisfaction = SATISFACTION_SATISFIED;
    step(&c, &e);
    w.state = CASE_VISITED;
    w.visit_attempts = 1;
    w.visited_at = T_NOW;
    w.visit_valid = false;
    w.solved = false;
    w.satisfaction = SATISFACTION_NONE;
    w.updated_at = T_NOW;
    w.events++;
    expect_snapshot(&c, &w);

    /* A second attempt is allowed and this one reaches the resident. */
    e = ev(ACT_VISIT, T_NOW + HOUR);
    e.reachable = true;
    e.solved = false;
    e.satisfaction = SATISFACTION_UNSATISFIED;
    step(&c, &e);
    w.visit_attempts = 2;
    w.visited_at = T_NOW + HOUR;
    w.visit_valid = true;
    w.solved = false;
    w.satisfaction = SATISFACTION_UNSATISFIED;
    w.updated_at = T_NOW + HOUR;
    w.events++;
    expect_snapshot(&c, &w);

    /* After a valid visit, no third one. */
    case_snapshot before;
    memcpy(&before, &c, sizeof before);
    e = good_event(ACT_VISIT);
    assert_int_equal(lifecycle_check(&c, &e), HL_ESTATE);
    assert_int_equal(lifecycle_apply(&c, &e), HL_ESTATE);
    assert_memory_equal(&c, &before, sizeof c);
    assert_int_equal(lifecycle_allowed(&c) & A(ACT_VISIT), 0);
}

static void test_reopen(void **state)
{
    (void)state;
    case_snapshot c, w;
    build(V_VISITED_VALID, &c);
    memcpy(&w, &c, sizeof w);

    case_event e = ev(ACT_REOPEN, T_NOW);
    assert_int_equal(lifecycle_check(&c, &e), HL_EINVAL); /* no unit */
    assert_int_equal(lifecycle_apply(&c, &e), HL_EINVAL);
    expect_snapshot(&c, &w);

    e.unit_id = UNIT_LEAD;
    e.due[STAGE_SIGN] = T_NOW + DAY;
    step(&c, &e);
    w.state = CASE_DISPATCHED;
    w.unit_id = UNIT_LEAD;
    w.reopen_count = 1;
    w.visit_valid = false;
    w.solved = false;
    w.satisfaction = SATISFACTION_NONE;
    w.dispatched_at = T_NOW;
    w.signed_at = 0;
    w.replied_at = 0;
    w.visited_at = 0;
    w.due[STAGE_REPLY] = 0; /* the old reply and visit clocks no longer run */
    w.due[STAGE_VISIT] = 0;
    w.due[STAGE_SIGN] = T_NOW + DAY;
    w.updated_at = T_NOW;
    w.events++;
    expect_snapshot(&c, &w);
    assert_int_equal(c.visit_attempts, 1); /* attempts are a lifetime count */

    /* Round two, then close. */
    e = ev(ACT_SIGN, T_NOW + 60);
    step(&c, &e);
    e = ev(ACT_REPLY, T_NOW + 120);
    step(&c, &e);
    do_visit(&c, true, T_NOW + 180);
    assert_int_equal(c.visit_attempts, 2);
    e = ev(ACT_REOPEN, T_NOW + 240);
    e.unit_id = UNIT_LEAD;
    step(&c, &e);
    assert_int_equal(c.reopen_count, 2);
    e = ev(ACT_SIGN, T_NOW + 300);
    step(&c, &e);
    e = ev(ACT_REPLY, T_NOW + 360);
    step(&c, &e);
    do_visit(&c, true, T_NOW + 420);
    e = ev(ACT_CLOSE, T_NOW + 480);
    step(&c, &e);
    assert_int_equal(c.state, CASE_CLOSED);
    assert_int_equal(c.closed_as, CLOSED_DONE);
    assert_int_equal(c.reopen_count, 2);
}

static void test_recalculate_changes_only_dues(void **state)
{
    (void)state;
    for (int v = 0; v < V_COUNT; v++) {
        case_snapshot c, w;
        build((variant)v, &c);
        memcpy(&w, &c, sizeof w);
        case_event e = ev(ACT_RECALCULATE, T_NOW);
        e.actor_role = ACTOR_SYSTEM;
        e.due[STAGE_SIGN] = T0 + 3 * DAY;
        e.due[STAGE_VISIT] = T0 + 4 * DAY;
        if (!case_state_open(c.state)) {
            assert_int_equal(lifecycle_check(&c, &e), HL_ESTATE);
            assert_int_equal(lifecycle_apply(&c, &e), HL_ESTATE);
            assert_memory_equal(&c, &w, sizeof c);
            continue;
        }
        step(&c, &e);
        w.due[STAGE_SIGN] = T0 + 3 * DAY;
        w.due[STAGE_VISIT] = T0 + 4 * DAY;
        w.updated_at = T_NOW;
        w.events++;
        expect_snapshot(&c, &w);
    }
}

static void test_event_dues_copied_when_set(void **state)
{
    (void)state;
    case_snapshot c;
    build(V_DISPATCHED, &c);
    case_event e = ev(ACT_URGE, T_NOW);
    e.due[STAGE_DISPATCH] = 0; /* leaves it */
    e.due[STAGE_REPLY] = T0 + 7 * DAY;
    step(&c, &e);
    assert_int_equal(c.due[STAGE_DISPATCH], DUE_DISPATCH);
    assert_int_equal(c.due[STAGE_SIGN], DUE_SIGN);
    assert_int_equal(c.due[STAGE_RETURN], DUE_RETURN);
    assert_int_equal(c.due[STAGE_REPLY], T0 + 7 * DAY);
    assert_int_equal(c.due[STAGE_VISIT], 0);
}

/* --- roles, names ------------------------------------------------------------------------- */

static void test_roles(void **state)
{
    (void)state;
    const role_set calltaker = 1u << 0, dispatcher = 1u << 1, handler = 1u << 2, visitor = 1u << 3,
                   supervisor = 1u << 4, integrator = 1u << 6;
    static const case_action handler_actions[] = {
        ACT_REDISPATCH,        ACT_SIGN,     ACT_REQUEST_RETURN,
        ACT_REQUEST_EXTENSION, ACT_PROGRESS, ACT_REPLY,
    };
    static const case_action dispatcher_actions[] = {
        ACT_DISPATCH,          ACT_APPROVE_RETURN,   ACT_REJECT_RETURN,
        ACT_APPROVE_EXTENSION, ACT_REJECT_EXTENSION, ACT_CLOSE,
    };
    const role_set want[ACT_COUNT] = {
        [ACT_REGISTER] = calltaker | integrator,
        [ACT_ANSWER] = calltaker,
        [ACT_INVALIDATE] = calltaker | dispatcher,
        [ACT_MERGE] = calltaker | dispatcher,
        [ACT_DISPATCH] = dispatcher,
        [ACT_REDISPATCH] = handler,
        [ACT_SIGN] = handler,
        [ACT_REQUEST_RETURN] = handler,
        [ACT_APPROVE_RETURN] = dispatcher,
        [ACT_REJECT_RETURN] = dispatcher,
        [ACT_REQUEST_EXTENSION] = handler,
        [ACT_APPROVE_EXTENSION] = dispatcher,
        [ACT_REJECT_EXTENSION] = dispatcher,
        [ACT_URGE] = dispatcher | supervisor,
        [ACT_SUPERVISE] = supervisor,
        [ACT_PROGRESS] = handler,
        [ACT_REPLY] = handler,
        [ACT_VISIT] = visitor,
        [ACT_REOPEN] = visitor | dispatcher,
        [ACT_CLOSE] = dispatcher,
        [ACT_RECALCULATE] = 0,
    };
    for (int a = 0; a < ACT_COUNT; a++) {
        if (lifecycle_roles((case_action)a) != want[a])
            print_error("action %s\n", case_action_name((case_action)a));
        assert_int_equal(lifecycle_roles((case_action)a), want[a]);
        /* The administrator manages people and data, not cases. */
        assert_int_equal(lifecycle_roles((case_action)a) & ROLE_BIT(ROLE_ADMIN), 0);
    }
    for (size_t i = 0; i < sizeof handler_actions / sizeof handler_actions[0]; i++)
        assert_int_equal(lifecycle_roles(handler_actions[i]), handler);
    for (size_t i = 0; i < sizeof dispatcher_actions / sizeof dispatcher_actions[0]; i++)
        assert_int_equal(lifecycle_roles(dispatcher_actions[i]), dispatcher);
    assert_int_equal(lifecycle_roles(ACT_COUNT), 0);
    assert_int_equal(lifecycle_roles((case_action)-1), 0);
}

static void test_names(void **state)
{
    (void)state;
    static const char *const states[] = {
        "registered", "dispatched", "signed", "return_pending",
        "replied",    "visited",    "closed", "merged",
    };
    static const char *const actions[] = {
        "register",
        "answer",
        "invalidate",
        "merge",
        "dispatch",
        "redispatch",
        "sign",
        "request_return",
        "approve_return",
        "reject_return",
        "request_extension",
        "approve_extension",
        "reject_extension",
        "urge",
        "supervise",
        "progress",
        "reply",
        "visit",
        "reopen",
        "close",
        "recalculate",
    };
    static const char *const kinds[] = {"", "answered", "invalid", "done"};
    static const char *const sats[] = {"", "satisfied", "basic", "unsatisfied"};

    assert_int_equal(sizeof states / sizeof states[0], CASE_STATE_COUNT);
    for (int s = 0; s < CASE_STATE_COUNT; s++) {
        assert_string_equal(case_state_name((case_state)s), states[s]);
        case_state back = CASE_STATE_COUNT;
        assert_int_equal(case_state_parse(states[s], &back), 0);
        assert_int_equal(back, s);
    }
    assert_int_equal(sizeof actions / sizeof actions[0], ACT_COUNT);
    for (int a = 0; a < ACT_COUNT; a++) {
        assert_string_equal(case_action_name((case_action)a), actions[a]);
        case_action back = ACT_COUNT;
        assert_int_equal(case_action_parse(actions[a], &back), 0);
        assert_int_equal(back, a);
    }
    for (int k = 0; k < 4; k++)
        assert_string_equal(close_kind_name((close_kind)k), kinds[k]);
    for (int s = 0; s < 4; s++) {
        assert_string_equal(satisfaction_name((satisfaction)s), sats[s]);
        satisfaction back = (satisfaction)99;
        assert_int_equal(satisfaction_parse(sats[s], &back), 0);
        assert_int_equal(back, s);
    }

    assert_string_equal(case_state_name(CASE_STATE_COUNT), "unknown");
    assert_string_equal(case_state_name((case_state)-1), "unknown");
    assert_string_equal(case_action_name(ACT_COUNT), "unknown");
    assert_string_equal(close_kind_name((close_kind)4), "unknown");
    assert_string_equal(satisfaction_name((satisfaction)4), "unknown");
}

static void test_parse_rejects_unknown(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",     "Registered",    "SIGNED",         "signed ",        " sign",
        "open", "returned",      "pending",        "closed_done",    "unknown",
        "并单", "requestreturn", "request-return", "very satisfied", "Satisfied",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        case_state s = CASE_MERGED;
        assert_int_equal(case_state_parse(bad[i], &s), HL_EINVAL);
        assert_int_equal(s, CASE_MERGED);
        case_action a = ACT_CLOSE;
        assert_int_equal(case_action_parse(bad[i], &a), HL_EINVAL);
        assert_int_equal(a, ACT_CLOSE);
        if (bad[i][0] == '\0') continue; /* "" is the name of SATISFACTION_NONE */
        satisfaction q = SATISFACTION_BASIC;
        assert_int_equal(satisfaction_parse(bad[i], &q), HL_EINVAL);
        assert_int_equal(q, SATISFACTION_BASIC);
    }
    case_state s;
    case_action a;
    satisfaction q;
    assert_int_equal(case_state_parse(NULL, &s), HL_EINVAL);
    assert_int_equal(case_state_parse("signed", NULL), HL_EINVAL);
    assert_int_equal(case_action_parse(NULL, &a), HL_EINVAL);
    assert_int_equal(case_action_parse("sign", NULL), HL_EINVAL);
    assert_int_equal(satisfaction_parse(NULL, &q), HL_EINVAL);
    assert_int_equal(satisfaction_parse("basic", NULL), HL_EINVAL);
}

static void test_state_open(void **state)
{
    (void)state;
    assert_true(case_state_open(CASE_REGISTERED));
    assert_true(case_state_open(CASE_DISPATCHED));
    assert_true(case_state_open(CASE_SIGNED));
    assert_true(case_state_open(CASE_RETURN_PENDING));
    assert_true(case_state_open(CASE_REPLIED));
    assert_true(case_state_open(CASE_VISITED));
    assert_false(case_state_open(CASE_CLOSED));
    assert_false(case_state_open(CASE_MERGED));
    assert_false(case_state_open(CASE_STATE_COUNT));
    assert_false(case_state_open((case_state)-1));
}

/* --- running stage and overdue ------------------------------------------------------------ */

static void test_running_stage_and_overdue(void **state)
{
    (void)state;
    static const struct {
        variant v;
        bool running;
        stage st;
        int64_t due;
    } want[] = {
        {V_REGISTERED, true, STAGE_DISPATCH, DUE_DISPATCH},
        {V_DISPATCHED, true, STAGE_SIGN, DUE_SIGN},
        {V_SIGNED, true, STAGE_REPLY, DUE_REPLY},
        {V_SIGNED_EXTENSION_PENDING, true, STAGE_REPLY, DUE_REPLY},
        {V_RETURN_FROM_DISPATCHED, true, STAGE_SIGN, DUE_SIGN},
        {V_RETURN_FROM_SIGNED, true, STAGE_REPLY, DUE_REPLY},
        {V_REPLIED, true, STAGE_VISIT, DUE_VISIT},
        {V_VISITED_VALID, false, STAGE_COUNT, 0},
        {V_VISITED_UNREACHABLE, true, STAGE_VISIT, DUE_VISIT}, /* the visit is still owed */
        {V_CLOSED_ANSWERED, false, STAGE_COUNT, 0},
        {V_CLOSED_INVALID, false, STAGE_COUNT, 0},
        {V_CLOSED_DONE, false, STAGE_COUNT, 0},
        {V_MERGED, false, STAGE_COUNT, 0},
    };
    assert_int_equal(sizeof want / sizeof want[0], V_COUNT);
    for (size_t i = 0; i < V_COUNT; i++) {
        case_snapshot c;
        build(want[i].v, &c);
        stage st = STAGE_COUNT;
        assert_int_equal(lifecycle_running_stage(&c, &st), want[i].running);
        assert_int_equal(st, want[i].st);
        if (!want[i].running) {
            /* Nothing runs: never overdue, even long after every due time. */
            assert_false(lifecycle_overdue(&c, T0 + 1000 * DAY));
            continue;
        }
        assert_false(lifecycle_overdue(&c, want[i].due - 1));
        assert_false(lifecycle_overdue(&c, want[i].due)); /* exactly at due: in time */
        assert_true(lifecycle_overdue(&c, want[i].due + 1));
        /* Only the running stage counts: the others being past changes nothing. */
        for (int s = 0; s < STAGE_COUNT; s++)
            if (s != (int)want[i].st) c.due[s] = T0 - DAY;
        assert_false(lifecycle_overdue(&c, want[i].due));
        /* A stage without a due time never expires. */
        c.due[want[i].st] = 0;
        assert_false(lifecycle_overdue(&c, T0 + 1000 * DAY));
    }
    stage st = STAGE_VISIT;
    assert_false(lifecycle_running_stage(NULL, &st));
    assert_int_equal(st, STAGE_VISIT);
    assert_false(lifecycle_overdue(NULL, T0));

    /* The extension moves the reply clock. */
    case_snapshot c;
    build(V_SIGNED_EXTENSION_PENDING, &c);
    case_event e = ev(ACT_APPROVE_EXTENSION, T_NOW);
    step(&c, &e);
    assert_false(lifecycle_overdue(&c, DUE_REPLY + 1));
    assert_false(lifecycle_overdue(&c, REQUESTED_DUE));
    assert_true(lifecycle_overdue(&c, REQUESTED_DUE + 1));
}

static void test_started_stages(void **state)
{
    (void)state;
    /* docs/product.md, Deadlines: which clocks each action starts, written out by hand */
    stage st[2];
    for (int a = 0; a < ACT_COUNT; a++) {
        int n = lifecycle_started_stages((case_action)a, st);
        switch (a) {
        case ACT_REGISTER:
        case ACT_APPROVE_RETURN:
            assert_int_equal(n, 1);
            assert_int_equal(st[0], STAGE_DISPATCH);
            break;
        case ACT_DISPATCH:
        case ACT_REDISPATCH:
        case ACT_REOPEN:
            assert_int_equal(n, 2);
            assert_int_equal(st[0], STAGE_SIGN);
            assert_int_equal(st[1], STAGE_RETURN);
            break;
        case ACT_SIGN:
            assert_int_equal(n, 1);
            assert_int_equal(st[0], STAGE_REPLY);
            break;
        case ACT_REPLY:
            assert_int_equal(n, 1);
            assert_int_equal(st[0], STAGE_VISIT);
            break;
        default: assert_int_equal(n, 0); break;
        }
    }
}

/* The action specification: staff take through the API exactly the actions with a body, and
 * a name that did not decode (NULL) is no action. */
static void test_api_actions(void **state)
{
    (void)state;
    case_action a = ACT_COUNT;
    assert_int_equal(lifecycle_api_action(NULL, &a), HL_ENOTFOUND);
    assert_int_equal(a, ACT_COUNT);
    assert_int_equal(lifecycle_api_action("register", &a), HL_ENOTFOUND);
    assert_int_equal(lifecycle_api_action("recalculate", &a), HL_ENOTFOUND);
    assert_int_equal(lifecycle_api_action("explode", &a), HL_ENOTFOUND);
    assert_int_equal(lifecycle_api_action("", &a), HL_ENOTFOUND);
    for (int i = 0; i < ACT_COUNT; i++) {
        const lifecycle_spec *sp = lifecycle_spec_of((case_action)i);
        bool api = i != ACT_REGISTER && i != ACT_RECALCULATE;
        assert_int_equal(lifecycle_api_action(case_action_name((case_action)i), &a),
                         api ? 0 : HL_ENOTFOUND);
        if (api) assert_int_equal(a, i);
        assert_int_equal(sp->fields != NULL, api);
        /* the field the event keeps as text or reason is one the body takes */
        for (int k = 0; k < 2; k++) {
            const char *f = k ? sp->reason_field : sp->text_field;
            bool found = f == NULL;
            for (size_t j = 0; f && j < sp->nfields; j++) found |= strcmp(sp->fields[j].name, f) == 0;
            assert_true(found);
        }
    }
    assert_null(lifecycle_spec_of(ACT_COUNT));
    assert_null(lifecycle_spec_of((case_action)-1));
}

/* Residents see what concerns them: the steps of their request, not the centre's internal
 * notes, urges, returns or extension requests (written out by hand). */
static void test_public_actions(void **state)
{
    (void)state;
    uint32_t want = 0;
    const case_action pub[] = {ACT_REGISTER, ACT_ANSWER, ACT_INVALIDATE, ACT_MERGE,
                               ACT_DISPATCH, ACT_SIGN, ACT_APPROVE_EXTENSION, ACT_REPLY,
                               ACT_VISIT, ACT_REOPEN, ACT_CLOSE};
    for (size_t i = 0; i < sizeof pub / sizeof pub[0]; i++) want |= 1u << pub[i];
    for (int a = 0; a < ACT_COUNT; a++)
        assert_int_equal(lifecycle_spec_of((case_action)a)->is_public, (want >> a) & 1u);
}

static void test_follow_up_and_reply_text(void **state)
{
    (void)state;
    case_snapshot c;
    build(V_REPLIED, &c);
    case_event v = ev(ACT_VISIT, T_NOW);
    v.reachable = true;
    v.solved = true;
    v.satisfaction = SATISFACTION_SATISFIED;
    step(&c, &v);
    case_event next;
    const char *why = NULL;
    assert_true(lifecycle_follow_up(&c, &v, &next, &why));
    assert_int_equal(next.action, ACT_CLOSE);
    assert_int_equal(next.at, T_NOW);
    assert_int_equal(next.actor_role, ACTOR_SYSTEM);
    assert_non_null(why);
    assert_int_equal(lifecycle_check(&c, &next), 0);
    /* unsolved, or not reached: nothing follows */
    build(V_REPLIED, &c);
    v.solved = false;
    step(&c, &v);
    assert_false(lifecycle_follow_up(&c, &v, &next, &why));
    build(V_REPLIED, &c);
    case_event u = ev(ACT_VISIT, T_NOW);
    step(&c, &u);
    assert_false(lifecycle_follow_up(&c, &u, &next, &why));

    assert_string_equal(lifecycle_reply_text(ACT_REPLY, "done"), "done");
    assert_string_equal(lifecycle_reply_text(ACT_ANSWER, NULL), "");
    assert_string_equal(lifecycle_reply_text(ACT_REOPEN, "why"), "");
    assert_null(lifecycle_reply_text(ACT_SIGN, "note"));
    assert_null(lifecycle_reply_text(ACT_COUNT, "x"));
}

static void test_dues(void **state)
{
    (void)state;
    calendar *cal = calendar_new(CIVIL_TZ_SHANGHAI);
    assert_non_null(cal);
    time_limit sign = {2, LIMIT_HOURS}, bad = {0, LIMIT_HOURS};
    const time_limit *limits[STAGE_COUNT] = {[STAGE_SIGN] = &sign};
    int64_t due[STAGE_COUNT];
    memset(due, 0xff, sizeof due);
    assert_int_equal(lifecycle_dues(ACT_DISPATCH, cal, T_NOW, limits, due), 0);
    assert_int_equal(due[STAGE_SIGN], T_NOW + 2 * 3600);
    assert_int_equal(due[STAGE_RETURN], 0); /* no policy: no due time */
    assert_int_equal(due[STAGE_REPLY], 0);
    assert_int_equal(lifecycle_dues(ACT_URGE, cal, T_NOW, limits, due), 0);
    for (int s = 0; s < STAGE_COUNT; s++) assert_int_equal(due[s], 0);
    const time_limit *broken[STAGE_COUNT] = {[STAGE_SIGN] = &bad, [STAGE_RETURN] = &sign};
    assert_int_equal(lifecycle_dues(ACT_REOPEN, cal, T_NOW, broken, due), HL_EINVAL);
    assert_int_equal(due[STAGE_SIGN], 0);
    assert_int_equal(due[STAGE_RETURN], T_NOW + 2 * 3600); /* the others are still filled */
    calendar_free(cal);
}

static void test_actor_names(void **state)
{
    (void)state;
    const int actors[] = {ACTOR_RESIDENT, ACTOR_SYSTEM, ROLE_CALLTAKER, ROLE_HANDLER, ROLE_ADMIN};
    for (size_t i = 0; i < sizeof actors / sizeof actors[0]; i++) {
        int back = 99;
        assert_int_equal(lifecycle_actor_parse(lifecycle_actor_name(actors[i]), &back), 0);
        assert_int_equal(back, actors[i]);
    }
    assert_string_equal(lifecycle_actor_name(ACTOR_RESIDENT), "resident");
    assert_string_equal(lifecycle_actor_name(ACTOR_SYSTEM), "system");
    int out = 99;
    assert_int_equal(lifecycle_actor_parse("nobody", &out), HL_EINVAL);
    assert_int_equal(lifecycle_actor_parse(NULL, &out), HL_EINVAL);
    assert_int_equal(out, 99);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_state_action_matrix),
        cmocka_unit_test(test_no_case_yet),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_happy_path),
        cmocka_unit_test(test_answer_and_invalidate),
        cmocka_unit_test(test_merge_from_each_open_state),
        cmocka_unit_test(test_dispatch_needs_unit),
        cmocka_unit_test(test_redispatch),
        cmocka_unit_test(test_return_from_dispatched),
        cmocka_unit_test(test_return_from_signed),
        cmocka_unit_test(test_return_window),
        cmocka_unit_test(test_extension),
        cmocka_unit_test(test_extension_refused),
        cmocka_unit_test(test_urge_and_supervise_counted),
        cmocka_unit_test(test_progress_is_a_note),
        cmocka_unit_test(test_visits),
        cmocka_unit_test(test_reopen),
        cmocka_unit_test(test_recalculate_changes_only_dues),
        cmocka_unit_test(test_event_dues_copied_when_set),
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_parse_rejects_unknown),
        cmocka_unit_test(test_state_open),
        cmocka_unit_test(test_running_stage_and_overdue),
        cmocka_unit_test(test_started_stages),
        cmocka_unit_test(test_api_actions),
        cmocka_unit_test(test_public_actions),
        cmocka_unit_test(test_follow_up_and_reply_text),
        cmocka_unit_test(test_dues),
        cmocka_unit_test(test_actor_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
