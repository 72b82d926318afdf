/* lifecycle.c — the request state machine: the checks an event must pass and the fold that
 * applies it. Who may act from which state is the table in lifecycle_spec.c. */
#include "core/lifecycle.h"
#include "util/err.h"

#include <stddef.h>
#include "core/names.h"
#include <string.h>

#define S(st) ((uint32_t)1u << (st))
#define OPEN_STATES                                                                                \
    (S(CASE_REGISTERED) | S(CASE_DISPATCHED) | S(CASE_SIGNED) | S(CASE_RETURN_PENDING) |           \
     S(CASE_REPLIED) | S(CASE_VISITED))

static const char *const state_names[CASE_STATE_COUNT] = {
    [CASE_REGISTERED] = "registered", [CASE_DISPATCHED] = "dispatched",
    [CASE_SIGNED] = "signed",         [CASE_RETURN_PENDING] = "return_pending",
    [CASE_REPLIED] = "replied",       [CASE_VISITED] = "visited",
    [CASE_CLOSED] = "closed",         [CASE_MERGED] = "merged",
};

static const char *const action_names[ACT_COUNT] = {
    [ACT_REGISTER] = "register",
    [ACT_ANSWER] = "answer",
    [ACT_INVALIDATE] = "invalidate",
    [ACT_MERGE] = "merge",
    [ACT_DISPATCH] = "dispatch",
    [ACT_REDISPATCH] = "redispatch",
    [ACT_SIGN] = "sign",
    [ACT_REQUEST_RETURN] = "request_return",
    [ACT_APPROVE_RETURN] = "approve_return",
    [ACT_REJECT_RETURN] = "reject_return",
    [ACT_REQUEST_EXTENSION] = "request_extension",
    [ACT_APPROVE_EXTENSION] = "approve_extension",
    [ACT_REJECT_EXTENSION] = "reject_extension",
    [ACT_URGE] = "urge",
    [ACT_SUPERVISE] = "supervise",
    [ACT_PROGRESS] = "progress",
    [ACT_REPLY] = "reply",
    [ACT_VISIT] = "visit",
    [ACT_REOPEN] = "reopen",
    [ACT_CLOSE] = "close",
    [ACT_RECALCULATE] = "recalculate",
};

static const char *const close_kind_names[] = {
    [CLOSED_NOT] = "",
    [CLOSED_ANSWERED] = "answered",
    [CLOSED_INVALID] = "invalid",
    [CLOSED_DONE] = "done",
};
#define CLOSE_KIND_COUNT (sizeof close_kind_names / sizeof close_kind_names[0])

static const char *const satisfaction_names[] = {
    [SATISFACTION_NONE] = "",
    [SATISFACTION_SATISFIED] = "satisfied",
    [SATISFACTION_BASIC] = "basic",
    [SATISFACTION_UNSATISFIED] = "unsatisfied",
};
#define SATISFACTION_COUNT (sizeof satisfaction_names / sizeof satisfaction_names[0])

const char *case_state_name(case_state s)
{
    return names_at(state_names, CASE_STATE_COUNT, (int)s);
}

int case_state_parse(const char *s, case_state *out)
{
    int i = names_find(state_names, CASE_STATE_COUNT, s);
    if (i < 0 || !out) return HL_EINVAL;
    *out = (case_state)i;
    return 0;
}

const char *case_action_name(case_action a)
{
    return names_at(action_names, ACT_COUNT, (int)a);
}

int case_action_parse(const char *s, case_action *out)
{
    int i = names_find(action_names, ACT_COUNT, s);
    if (i < 0 || !out) return HL_EINVAL;
    *out = (case_action)i;
    return 0;
}

const char *close_kind_name(close_kind k)
{
    return names_at(close_kind_names, CLOSE_KIND_COUNT, (int)k);
}

const char *satisfaction_name(satisfaction s)
{
    return names_at(satisfaction_names, SATISFACTION_COUNT, (int)s);
}

/* "" parses to SATISFACTION_NONE so that every name round-trips; a reachable visit with no
 * satisfaction is still refused by lifecycle_check. */
int satisfaction_parse(const char *s, satisfaction *out)
{
    int i = names_find(satisfaction_names, SATISFACTION_COUNT, s);
    if (i < 0 || !out) return HL_EINVAL;
    *out = (satisfaction)i;
    return 0;
}

const char *lifecycle_actor_name(int actor_role)
{
    if (actor_role == ACTOR_RESIDENT) return "resident";
    if (actor_role == ACTOR_SYSTEM) return "system";
    return role_name((role)actor_role);
}

int lifecycle_actor_parse(const char *s, int *actor_role)
{
    role r;
    if (!s) return HL_EINVAL;
    if (strcmp(s, "resident") == 0) *actor_role = ACTOR_RESIDENT;
    else if (strcmp(s, "system") == 0) *actor_role = ACTOR_SYSTEM;
    else if (role_parse(s, &r) == 0) *actor_role = (int)r;
    else return HL_EINVAL;
    return 0;
}

bool case_state_open(case_state s)
{
    /* Out-of-range values count as not open, so a corrupt row accepts nothing. */
    return (unsigned)s < CASE_STATE_COUNT && (OPEN_STATES & S(s)) != 0;
}

static bool guard_holds(lifecycle_guard g, const case_snapshot *c)
{
    switch (g) {
    case GUARD_NONE:
        return true;
    case GUARD_NO_EXTENSION:
        return !c->extension_pending;
    case GUARD_EXTENSION:
        return c->extension_pending;
    case GUARD_NO_VALID_VISIT:
        /* A valid visit ends the visiting; an unreachable one leaves it to be tried again. */
        return c->state != CASE_VISITED || !c->visit_valid;
    }
    return false;
}

uint32_t lifecycle_allowed(const case_snapshot *c)
{
    if (!c || !case_state_open(c->state)) return 0;
    uint32_t mask = 0;
    for (int a = 0; a < ACT_COUNT; a++) {
        const lifecycle_spec *sp = lifecycle_spec_of((case_action)a);
        if ((sp->states & S(c->state)) && guard_holds(sp->guard, c))
            mask |= (uint32_t)1u << a;
    }
    return mask;
}

/* The field and time rules, once the state allows the action. */
static int check_fields(const case_snapshot *c, const case_event *e)
{
    switch (e->action) {
    case ACT_DISPATCH:
    case ACT_REDISPATCH:
    case ACT_REOPEN:
        if (e->unit_id == 0) return HL_EINVAL;
        return 0;
    case ACT_MERGE:
        if (e->merged_into == 0) return HL_EINVAL;
        return 0;
    case ACT_REQUEST_RETURN:
        /* The window is inclusive: a request at the due second itself is still in time. */
        if (c->due[STAGE_RETURN] != 0 && e->at > c->due[STAGE_RETURN]) return HL_EINVAL;
        return 0;
    case ACT_REQUEST_EXTENSION: {
        int64_t due = c->due[STAGE_REPLY];
        if (due != 0 && e->at >= due) return HL_EINVAL;
        if (e->requested_due == 0 || e->requested_due <= due) return HL_EINVAL;
        return 0;
    }
    case ACT_VISIT:
        if ((unsigned)e->satisfaction >= SATISFACTION_COUNT) return HL_EINVAL;
        if (e->reachable && e->satisfaction == SATISFACTION_NONE) return HL_EINVAL;
        return 0;
    default:
        return 0;
    }
}

int lifecycle_check(const case_snapshot *c, const case_event *e)
{
    if (!e || (unsigned)e->action >= ACT_COUNT) return HL_EINVAL;
    if (e->action == ACT_REGISTER) return c ? HL_ESTATE : 0;
    if (!c) return HL_ESTATE;
    if (e->action == ACT_RECALCULATE) return case_state_open(c->state) ? 0 : HL_ESTATE;
    if (!(lifecycle_allowed(c) & ((uint32_t)1u << e->action))) return HL_ESTATE;
    return check_fields(c, e);
}

int lifecycle_apply(case_snapshot *c, const case_event *e)
{
    if (!c || !e) return HL_EINVAL;
    /* The caller hands a zeroed row for the first event: a row that has folded no event is
     * "no case yet" (only register applies), and one that has is a case (register refused). */
    int rc = lifecycle_check(c->events == 0 ? NULL : c, e);
    if (rc) return rc;

    if (e->action == ACT_REGISTER) *c = (case_snapshot){0};
    for (int s = 0; s < STAGE_COUNT; s++)
        if (e->due[s] != 0) c->due[s] = e->due[s];

    switch (e->action) {
    case ACT_REGISTER:
        c->state = CASE_REGISTERED;
        c->registered_at = e->at;
        break;
    case ACT_ANSWER:
        c->state = CASE_CLOSED;
        c->closed_as = CLOSED_ANSWERED;
        c->closed_at = e->at;
        break;
    case ACT_INVALIDATE:
        c->state = CASE_CLOSED;
        c->closed_as = CLOSED_INVALID;
        c->closed_at = e->at;
        break;
    case ACT_MERGE:
        c->state = CASE_MERGED;
        c->merged_into = e->merged_into;
        c->closed_at = e->at;
        break;
    case ACT_DISPATCH:
        c->state = CASE_DISPATCHED;
        c->unit_id = e->unit_id;
        c->dispatched_at = e->at;
        break;
    case ACT_REDISPATCH:
        c->state = CASE_DISPATCHED;
        c->unit_id = e->unit_id;
        c->redispatch_count++;
        c->dispatched_at = e->at;
        /* A pending extension was asked by the unit that handed the case on; left set, the
         * new unit would inherit a request it never made. */
        c->extension_pending = false;
        break;
    case ACT_SIGN:
        c->state = CASE_SIGNED;
        c->signed_at = e->at;
        break;
    case ACT_REQUEST_RETURN:
        c->return_from = c->state;
        c->state = CASE_RETURN_PENDING;
        c->return_count++;
        break;
    case ACT_APPROVE_RETURN:
        c->state = CASE_REGISTERED;
        c->unit_id = 0;
        /* Same reason as for redispatch: the case leaves the unit that asked. */
        c->extension_pending = false;
        break;
    case ACT_REJECT_RETURN:
        c->state = c->return_from;
        break;
    case ACT_REQUEST_EXTENSION:
        c->extension_pending = true;
        c->extension_requested_due = e->requested_due;
        break;
    case ACT_APPROVE_EXTENSION:
        /* The reviewer may grant another time than asked (sent in due[]); else as asked. */
        c->due[STAGE_REPLY] =
            e->due[STAGE_REPLY] != 0 ? e->due[STAGE_REPLY] : c->extension_requested_due;
        c->extension_pending = false;
        c->extension_count++;
        break;
    case ACT_REJECT_EXTENSION:
        c->extension_pending = false;
        break;
    case ACT_URGE:
        c->urge_count++;
        break;
    case ACT_SUPERVISE:
        c->supervise_count++;
        break;
    case ACT_PROGRESS:
        break;
    case ACT_REPLY:
        c->state = CASE_REPLIED;
        c->replied_at = e->at;
        c->extension_pending = false;
        break;
    case ACT_VISIT:
        c->state = CASE_VISITED;
        c->visit_attempts++;
        c->visited_at = e->at;
        /* An unreachable resident is "no valid visit": nothing of the event's answer counts. */
        c->visit_valid = e->reachable;
        c->solved = e->reachable && e->solved;
        c->satisfaction = e->reachable ? e->satisfaction : SATISFACTION_NONE;
        break;
    case ACT_REOPEN:
        c->state = CASE_DISPATCHED;
        c->unit_id = e->unit_id;
        c->reopen_count++;
        c->visit_valid = false;
        c->solved = false;
        c->satisfaction = SATISFACTION_NONE;
        c->dispatched_at = e->at;
        /* The unit handles it afresh: the old sign / reply / visit no longer describe it. */
        c->signed_at = 0;
        c->replied_at = 0;
        c->visited_at = 0;
        c->due[STAGE_REPLY] = 0;
        c->due[STAGE_VISIT] = 0;
        break;
    case ACT_CLOSE:
        c->state = CASE_CLOSED;
        c->closed_as = CLOSED_DONE;
        c->closed_at = e->at;
        break;
    case ACT_RECALCULATE:
    case ACT_COUNT:
        break;
    }
    c->updated_at = e->at;
    c->events++;
    return 0;
}

/* The stage whose clock runs in c's state; return_from tells which clock a pending return
 * keeps running (the sign clock if the unit never signed, the reply clock if it did). */
static bool stage_of(const case_snapshot *c, stage *out)
{
    switch (c->state) {
    case CASE_REGISTERED:
        *out = STAGE_DISPATCH;
        return true;
    case CASE_DISPATCHED:
        *out = STAGE_SIGN;
        return true;
    case CASE_SIGNED:
        *out = STAGE_REPLY;
        return true;
    case CASE_RETURN_PENDING:
        *out = c->return_from == CASE_SIGNED ? STAGE_REPLY : STAGE_SIGN;
        return true;
    case CASE_REPLIED:
        *out = STAGE_VISIT;
        return true;
    case CASE_VISITED:
        /* after an unreachable resident the visit is still owed, on the same clock */
        *out = STAGE_VISIT;
        return !c->visit_valid;
    default:
        return false;
    }
}

bool lifecycle_running_stage(const case_snapshot *c, stage *out)
{
    stage s;
    if (!c || !stage_of(c, &s)) return false;
    if (out) *out = s;
    return true;
}

bool lifecycle_overdue(const case_snapshot *c, int64_t now)
{
    stage s;
    if (!lifecycle_running_stage(c, &s)) return false;
    /* Due at the second itself is still in time; a stage with no due time never expires. */
    return c->due[s] != 0 && now > c->due[s];
}
