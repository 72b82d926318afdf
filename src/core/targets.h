/* targets.h — where an action may send a request: the rules on the unit a request is
 * dispatched or re-dispatched to and on the request it is merged into. Pure: the store gathers
 * the facts about the targets inside the action's transaction and asks here. HL_EINVAL for a
 * target the rules refuse (the API's 422). */
#ifndef HOTLINE_CORE_TARGETS_H
#define HOTLINE_CORE_TARGETS_H
#include "util/err.h"
#include "core/lifecycle.h"
#include "core/taxonomy.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What the store knows of a unit named as a target. */
typedef struct {
    int64_t id;
    bool exists, active;
    unit_kind kind;
} target_unit;

/* Dispatch (and reopen, which sends the request back to its unit): the lead unit and every
 * co-handling unit exist, are active and are not the centre (the centre dispatches, it never
 * handles); there are at most LIFECYCLE_CO_UNITS_MAX co-handling units, and they differ from the
 * lead and from each other. */
HL_MUST_CHECK int target_dispatch_check(const target_unit *lead, const target_unit *co,
                                        size_t n_co);

/* Re-dispatch (a district or department passes the request down): to an active unit strictly
 * below the request's current unit. `below` says whether the target lies in the current
 * unit's subtree (itself included). */
HL_MUST_CHECK int target_redispatch_check(int64_t current_unit, const target_unit *to, bool below);

/* What the store knows of a request named as a merge target. */
typedef struct {
    int64_t id;
    bool exists;
    case_state state;
} target_case;

/* Merge: into another request that exists and is open (neither closed nor merged itself). */
HL_MUST_CHECK int target_merge_check(int64_t case_id, const target_case *into);

#endif
