/* role.c — names of the roles and which of them are confined to their unit's subtree. */
#include "core/role.h"
#include "util/err.h"

#include <string.h>

static const char *const role_names[ROLE_COUNT] = {
    [ROLE_CALLTAKER] = "calltaker",   [ROLE_DISPATCHER] = "dispatcher", [ROLE_HANDLER] = "handler",
    [ROLE_VISITOR] = "visitor",       [ROLE_SUPERVISOR] = "supervisor", [ROLE_ADMIN] = "admin",
    [ROLE_INTEGRATOR] = "integrator",
};

const char *role_name(role r)
{
    /* Never NULL: a corrupt value from storage must not crash a log line or a JSON writer. */
    if ((unsigned)r >= ROLE_COUNT) return "unknown";
    return role_names[r];
}

int role_parse(const char *s, role *out)
{
    if (!s || !out) return HL_EINVAL;
    for (int i = 0; i < ROLE_COUNT; i++) {
        if (strcmp(s, role_names[i]) == 0) {
            *out = (role)i;
            return 0;
        }
    }
    return HL_EINVAL;
}

bool role_is_unit_scoped(role r)
{
    /* Only the unit handler works inside one unit; every other role works for the whole city
     * (an integrator's scope comes from its token, not from its role). */
    return r == ROLE_HANDLER;
}
