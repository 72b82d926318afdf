/* caller_view.c — see caller_view.h. */
#include "core/caller_view.h"

caller_sight caller_sight_of(role r, caller_use use, bool confidential)
{
    if (use == CALLER_LOOKUP) return role_is_unit_scoped(r) ? CALLER_HIDDEN : CALLER_FULL;
    if (r == ROLE_CALLTAKER || r == ROLE_VISITOR) return CALLER_FULL;
    return confidential ? CALLER_HIDDEN : CALLER_MASKED;
}
