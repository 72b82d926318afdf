/* targets.c — see targets.h. */
#include "core/targets.h"
#include "util/err.h"

static bool handles(const target_unit *u)
{
    return u->exists && u->active && u->kind != UNIT_CENTRE;
}

int target_dispatch_check(const target_unit *lead, const target_unit *co, size_t n_co)
{
    if (!handles(lead) || n_co > LIFECYCLE_CO_UNITS_MAX) return HL_EINVAL;
    for (size_t i = 0; i < n_co; i++) {
        if (!handles(&co[i]) || co[i].id == lead->id) return HL_EINVAL;
        for (size_t j = 0; j < i; j++)
            if (co[j].id == co[i].id) return HL_EINVAL;
    }
    return 0;
}

int target_redispatch_check(int64_t current_unit, const target_unit *to, bool below)
{
    if (to->id == current_unit || !to->exists || !to->active || !below) return HL_EINVAL;
    return 0;
}

int target_merge_check(int64_t case_id, const target_case *into)
{
    if (into->id == case_id || !into->exists) return HL_EINVAL;
    return into->state == CASE_CLOSED || into->state == CASE_MERGED ? HL_EINVAL : 0;
}
