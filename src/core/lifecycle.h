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
#include "core/role.h"
#include "core/taxonomy.h"
#include <stdbool.h>
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
int case_state_parse(const char *s, case_state *out);
const char *case_action_name(case_action a);
int case_action_parse(const char *s, case_action *out);
const char *close_kind_name(close_kind k);
const char *satisfaction_name(satisfaction s);
int satisfaction_parse(const char *s, satisfaction *out);

/* Open = not closed and not merged. */
bool case_state_open(case_state s);

/* Roles that may take an action (ROLE_BIT set). register: calltaker, integrator (residents
 * register through the portal as ACTOR_RESIDENT); answer: calltaker; invalidate, merge:
 * calltaker, dispatcher; dispatch, approve/reject return, approve/reject extension, close:
 * dispatcher; redispatch, sign, request return, request extension, progress, reply: handler;
 * urge: dispatcher, supervisor; supervise: supervisor; visit: visitor; reopen: visitor,
 * dispatcher; recalculate: nobody (system only). */
role_set lifecycle_roles(case_action a);

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
int lifecycle_check(const case_snapshot *c, const case_event *e);

/* Applies an event to the row (after lifecycle_check passed; it checks again and returns its
 * result without changing c when the event is not allowed). For ACT_REGISTER, c is
 * zero-initialised by the caller first and treated as "no case yet": a row with events == 0
 * is checked as c == NULL, so only ACT_REGISTER applies to it, and ACT_REGISTER on a row with
 * events > 0 → HL_ESTATE. */
int lifecycle_apply(case_snapshot *c, const case_event *e);

/* The actions the state allows (bit (1u << action)), ignoring roles and time rules;
 * ACT_REGISTER and ACT_RECALCULATE never appear. */
uint32_t lifecycle_allowed(const case_snapshot *c);

/* The stages whose clocks an action starts (docs/product.md, Deadlines): register and an
 * approved return start dispatch; dispatch, re-dispatch and reopen start sign-for and the
 * return window; sign starts the reply; reply starts the visit. Writes them to out and
 * returns how many (0..2). */
int lifecycle_started_stages(case_action a, stage out[2]);

/* Which stage's clock is running in this state, if any: registered → dispatch, dispatched →
 * sign, signed and return_pending (from signed) → reply, return_pending from dispatched →
 * sign, replied and visited without a valid visit (unreachable) → visit. false when closed,
 * merged or validly visited. */
bool lifecycle_running_stage(const case_snapshot *c, stage *out);
/* Overdue is computed, never stored: the running stage's due time has passed. */
bool lifecycle_overdue(const case_snapshot *c, int64_t now);

#endif
