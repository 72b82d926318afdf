/* lifecycle.h — the life of a request (docs/product.md, Life of a request): states, actions, who
 * may take each action from which state, and the fold that derives a case's current row from
 * its append-only event log. Pure: no I/O; unit-tree checks (is the caller's unit the case's
 * unit or above it, is a re-dispatch target below the current unit) need the store and are
 * done by the caller — everything else about a transition is decided here.
 *
 *   registered → dispatched → signed → replied → visited → closed
 *   side paths: answer / invalidate (registered → closed), merge (open → merged),
 *   re-dispatch (signed → dispatched, to a unit below), return (dispatched|signed →
 *   return_pending → registered on approval, back on rejection), extension (flag on signed),
 *   urge / supervise (counted on any open case), progress (note on signed), reopen
 *   (visited → dispatched, same unit), close (visited → closed; also automatic after a valid
 *   visit that found the matter solved). */
#ifndef HOTLINE_CORE_LIFECYCLE_H
#define HOTLINE_CORE_LIFECYCLE_H
#include "util/err.h"
#include "core/deadline.h"
#include "core/fields.h"
#include "core/role.h"
#include "core/taxonomy.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    CASE_REGISTERED = 0,
    CASE_DISPATCHED,
    CASE_SIGNED,
    CASE_RETURN_PENDING,
    CASE_REPLIED,
    CASE_VISITED,
    CASE_CLOSED,
    CASE_MERGED,
    CASE_STATE_COUNT
} case_state;

typedef enum {
    ACT_REGISTER = 0,
    ACT_ANSWER,            /* 直接答复: registered → closed (answered) */
    ACT_INVALIDATE,        /* 无效件: registered → closed (invalid); reason */
    ACT_MERGE,             /* 并单: any open → merged into another case */
    ACT_DISPATCH,          /* 派单: registered → dispatched to a lead unit */
    ACT_REDISPATCH,        /* 二级派单: signed → dispatched to a unit below */
    ACT_SIGN,              /* 签收: dispatched → signed */
    ACT_REQUEST_RETURN,    /* 退单: dispatched|signed → return_pending, within the window */
    ACT_APPROVE_RETURN,    /* return_pending → registered */
    ACT_REJECT_RETURN,     /* return_pending → the state before the request */
    ACT_REQUEST_EXTENSION, /* 延期: signed, none pending, before the reply due time */
    ACT_APPROVE_EXTENSION, /* reply due moves to the requested time */
    ACT_REJECT_EXTENSION,
    ACT_URGE,              /* 催办: any open case, counted */
    ACT_SUPERVISE,         /* 督办: any open case, counted */
    ACT_PROGRESS,          /* note on a signed case */
    ACT_REPLY,             /* 办结回复: signed → replied */
    ACT_VISIT,             /* 回访: replied → visited (or again on visited after unreachable) */
    ACT_REOPEN,            /* 重办: visited → dispatched to the same unit */
    ACT_CLOSE,             /* visited → closed */
    ACT_RECALCULATE,       /* system: deadlines recomputed after a calendar amendment */
    ACT_COUNT
} case_action;

/* Actors that are not logged-in roles. Event actor_role holds a role or one of these. */
#define ACTOR_RESIDENT (-1) /* the public portal */
#define ACTOR_SYSTEM (-2)   /* hotline itself: automatic close, recalculation */

/* An event's actor by name: a role's name (core/role.h), "resident" or "system". The parse
 * gives 0 or HL_EINVAL. */
const char *lifecycle_actor_name(int actor_role);
HL_MUST_CHECK int lifecycle_actor_parse(const char *s, int *actor_role);

#define LIFECYCLE_CO_UNITS_MAX 5 /* co-handling units a dispatch may name besides the lead */

typedef enum {
    CLOSED_NOT = 0,
    CLOSED_ANSWERED, /* answered directly */
    CLOSED_INVALID,  /* marked invalid; excluded from appraisal */
    CLOSED_DONE,     /* after reply and visit */
} close_kind;

typedef enum {
    SATISFACTION_NONE = 0, /* no valid visit */
    SATISFACTION_SATISFIED,
    SATISFACTION_BASIC, /* basically satisfied */
    SATISFACTION_UNSATISFIED,
} satisfaction;

/* One event of the log. Which fields matter depends on the action; unset ones are 0. */
typedef struct {
    case_action action;
    int64_t at;           /* Unix seconds */
    int actor_role;       /* a role, ACTOR_RESIDENT or ACTOR_SYSTEM */
    int64_t actor_unit;   /* the actor's unit (0 for residents and the system) */
    int64_t unit_id;      /* dispatch / re-dispatch / reopen: the new handling unit */
    int64_t merged_into;  /* merge: the master case */
    int64_t requested_due; /* request_extension: the new reply due time asked for */
    int64_t due[STAGE_COUNT]; /* due times this event sets (0 = leaves that stage's due) */
    bool reachable;       /* visit: the resident answered */
    bool solved;          /* visit: the matter is solved */
    satisfaction satisfaction; /* visit */
} case_event;

/* The case's current row: what the log says. */
typedef struct {
    case_state state;
    case_state return_from; /* while return_pending: the state to go back to on rejection */
    close_kind closed_as;
    int64_t unit_id;        /* current handling unit (0 before dispatch) */
    int64_t merged_into;
    bool extension_pending;
    int64_t extension_requested_due;
    int urge_count, supervise_count, reopen_count, return_count, extension_count,
        redispatch_count, visit_attempts;
    bool visit_valid, solved;
    satisfaction satisfaction;
    int64_t due[STAGE_COUNT];
    int64_t registered_at, dispatched_at, signed_at, replied_at, visited_at, closed_at,
        updated_at;
    int events; /* how many events were folded */
} case_snapshot;

/* Names: "registered","dispatched","signed","return_pending","replied","visited","closed",
 * "merged"; actions "register","answer","invalidate","merge","dispatch","redispatch","sign",
 * "request_return","approve_return","reject_return","request_extension",
 * "approve_extension","reject_extension","urge","supervise","progress","reply","visit",
 * "reopen","close","recalculate"; close kinds "", "answered","invalid","done";
 * satisfaction "", "satisfied","basic","unsatisfied". Parse functions: 0 or HL_EINVAL. */
const char *case_state_name(case_state s);
HL_MUST_CHECK int case_state_parse(const char *s, case_state *out);
const char *case_action_name(case_action a);
HL_MUST_CHECK int case_action_parse(const char *s, case_action *out);
const char *close_kind_name(close_kind k);
const char *satisfaction_name(satisfaction s);
HL_MUST_CHECK int satisfaction_parse(const char *s, satisfaction *out);

/* Open = not closed and not merged. */
bool case_state_open(case_state s);

/* ---- the action specification: everything about an action, in one row ------------------ */

/* Conditions on the row, not only on its state, under which an action is allowed. They belong
 * to the state check (HL_ESTATE, and absent from lifecycle_allowed) rather than to the field
 * rules: the API answers 409 with the allowed actions, and that list must agree with it. */
typedef enum {
    GUARD_NONE = 0,
    GUARD_NO_EXTENSION,   /* no extension request is pending */
    GUARD_EXTENSION,      /* an extension request is pending */
    GUARD_NO_VALID_VISIT, /* on a visited case, only after an unreachable visit */
} lifecycle_guard;

/* What an action does to the reply text the resident is shown. */
typedef enum {
    REPLY_KEEPS = 0, /* the latest reply stays */
    REPLY_SAYS_BODY, /* the event's text becomes the reply (reply, direct answer) */
    REPLY_CLEARS,    /* no answer any more (reopen: the unit handles it afresh) */
} lifecycle_reply;

typedef struct {
    role_set roles;           /* who may take it (ROLE_BIT set); register: calltaker and
                                 integrator (residents register through the portal as
                                 ACTOR_RESIDENT); recalculate: nobody (the system only) */
    uint32_t states;          /* bit (1u << case_state) of the states it may be taken from;
                                 0 for register ("no case yet") and recalculate ("any open
                                 case"), which lifecycle_check decides itself */
    lifecycle_guard guard;
    const json_field *fields; /* the body it takes through the API; NULL for register (its
                                 fields depend on who registers) and recalculate */
    size_t nfields;
    const char *text_field;   /* the body field kept as the event's text, or NULL */
    const char *reason_field; /* the body field kept as the event's reason, or NULL */
    bool is_public;           /* residents see the event in the request's public history */
    stage starts[2];          /* the deadline stages whose clocks it starts (docs/product.md,
                                 Deadlines): register and an approved return start dispatch;
                                 dispatch, re-dispatch and reopen start sign-for and the return
                                 window; sign starts the reply; reply starts the visit */
    int nstarts;
    lifecycle_reply reply;
} lifecycle_spec;

/* The row of action a; NULL when a is out of range. */
const lifecycle_spec *lifecycle_spec_of(case_action a);
/* The action called name when staff may take it through the API (neither register nor
 * recalculate). HL_ENOTFOUND for anything else, NULL included. */
HL_MUST_CHECK int lifecycle_api_action(const char *name, case_action *out);

/* The spec's roles; 0 out of range. */
role_set lifecycle_roles(case_action a);
/* The spec's starts: writes them to out and returns how many (0..2). */
int lifecycle_started_stages(case_action a, stage out[2]);

/* The due times action a sets when taken at `at`: each stage it starts lasts the policy in
 * limits[stage] (NULL: no policy, no due time) on the working calendar. Writes every element of
 * due (0 = leaves that stage alone). A stage whose due time cannot be computed is left 0 and
 * its error (HL_EINVAL, HL_ERANGE) returned once the others are filled. */
HL_MUST_CHECK int lifecycle_dues(case_action a, const calendar *cal, int64_t at,
                                 const time_limit *const limits[STAGE_COUNT],
                                 int64_t due[STAGE_COUNT]);

/* The event the log gains by itself right after e, given the row `after` e was applied: a
 * valid visit that found the matter solved closes the request (an ACT_CLOSE by ACTOR_SYSTEM at
 * the visit's time). true with *out and *reason filled; false when none follows. */
bool lifecycle_follow_up(const case_snapshot *after, const case_event *e, case_event *out,
                         const char **reason);

/* The reply text after an event of action a whose text is body: body (or "") when the action
 * says one, "" when it clears it, NULL when the current one stays. */
const char *lifecycle_reply_text(case_action a, const char *body);

/* Checks an event against the current row, state and time rules only (not role, not unit):
 *   0            allowed;
 *   HL_ESTATE    the state does not allow it (→ 409 with the allowed actions); this includes
 *                the row-dependent cases that lifecycle_allowed also leaves out: an extension
 *                request while one is pending, an extension review when none is, and a
 *                second visit when the first was valid;
 *   HL_EINVAL    the event lacks what the action needs or breaks a time rule: dispatch /
 *                redispatch / reopen without unit_id; merge without merged_into; return
 *                after the return window (at > due[STAGE_RETURN] when that is set);
 *                extension at/after the reply due time, or with a requested due of 0 or not
 *                later than the current one; a visit with reachable but no satisfaction, or
 *                with a satisfaction out of range.
 * c is NULL for ACT_REGISTER (the first event); any other action with c NULL → HL_ESTATE,
 * and ACT_REGISTER with c non-NULL → HL_ESTATE. */
HL_MUST_CHECK int lifecycle_check(const case_snapshot *c, const case_event *e);

/* Applies an event to the row (after lifecycle_check passed; it checks again and returns its
 * result without changing c when the event is not allowed). For ACT_REGISTER, c is
 * zero-initialised by the caller first and treated as "no case yet": a row with events == 0
 * is checked as c == NULL, so only ACT_REGISTER applies to it, and ACT_REGISTER on a row with
 * events > 0 → HL_ESTATE. */
HL_MUST_CHECK int lifecycle_apply(case_snapshot *c, const case_event *e);

/* The actions the state allows (bit (1u << action)), ignoring roles and time rules;
 * ACT_REGISTER and ACT_RECALCULATE never appear. */
uint32_t lifecycle_allowed(const case_snapshot *c);

/* Which stage's clock is running in this state, if any: registered → dispatch, dispatched →
 * sign, signed and return_pending (from signed) → reply, return_pending from dispatched →
 * sign, replied and visited without a valid visit (unreachable) → visit. false when closed,
 * merged or validly visited. */
bool lifecycle_running_stage(const case_snapshot *c, stage *out);
/* Overdue is computed, never stored: the running stage's due time has passed. */
bool lifecycle_overdue(const case_snapshot *c, int64_t now);

#endif
