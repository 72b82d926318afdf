/* role.h — the roles of docs/product.md (Roles) and what scope each works in.
 * Unit roles (unit handlers) see only their unit's subtree; centre roles see the city. */
#ifndef HOTLINE_CORE_ROLE_H
#define HOTLINE_CORE_ROLE_H
#include "util/err.h"
#include <stdbool.h>
#include <stdint.h>

typedef enum {
    ROLE_CALLTAKER = 0, /* 接线员 */
    ROLE_DISPATCHER,    /* 派单员 */
    ROLE_HANDLER,       /* 承办单位 unit handler */
    ROLE_VISITOR,       /* 回访员 return-visit agent */
    ROLE_SUPERVISOR,    /* 督办 / leader */
    ROLE_ADMIN,         /* administrator */
    ROLE_INTEGRATOR,    /* another system, through an API token */
    ROLE_COUNT
} role;

/* Bit sets of roles, for route declarations. */
typedef uint32_t role_set;
#define ROLE_BIT(r) ((role_set)1u << (r))
#define ROLES_STAFF                                                                         \
    (ROLE_BIT(ROLE_CALLTAKER) | ROLE_BIT(ROLE_DISPATCHER) | ROLE_BIT(ROLE_HANDLER) |      \
     ROLE_BIT(ROLE_VISITOR) | ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_ADMIN))
#define ROLES_ALL (ROLES_STAFF | ROLE_BIT(ROLE_INTEGRATOR))

/* "calltaker", "dispatcher", "handler", "visitor", "supervisor", "admin", "integrator". */
const char *role_name(role r);
/* 0, or HL_EINVAL for an unknown name. */
HL_MUST_CHECK int role_parse(const char *s, role *out);
/* True for roles confined to their unit's subtree (the unit handler). */
bool role_is_unit_scoped(role r);

#endif
