/* role.c — names of the roles and which of them are confined to their unit's subtree. */
#include "core/role.h"
#include "core/names.h"
#include "util/err.h"

static const char *const role_names[ROLE_COUNT] = {
    [ROLE_CALLTAKER] = "calltaker",   [ROLE_DISPATCHER] = "dispatcher", [ROLE_HANDLER] = "handler",
    [ROLE_VISITOR] = "visitor",       [ROLE_SUPERVISOR] = "supervisor", [ROLE_ADMIN] = "admin",
    [ROLE_INTEGRATOR] = "integrator",
};

const char *role_name(role r) { return names_at(role_names, ROLE_COUNT, (int)r); }

int role_parse(const char *s, role *out)
{
    int i = names_find(role_names, ROLE_COUNT, s);
    if (i < 0 || !out) return HL_EINVAL;
    *out = (role)i;
    return 0;
}

bool role_is_unit_scoped(role r)
{
    /* Only the unit handler works inside one unit; every other role works for the whole city
     * (an integrator's scope comes from its token, not from its role). */
    return r == ROLE_HANDLER;
}
