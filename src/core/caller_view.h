/* caller_view.h — who may see a request's caller (name and phone) and how much of it. The
 * roles that telephone residents (call-takers take the calls, return-visit agents call them
 * back) see the caller in full; every other role sees the name and phone masked
 * (core/mask.h), and nothing at all of the caller of a confidential request. Calls have no
 * confidential flag: the same rule shows their caller's number in full or masked. Looking
 * requests up by the caller's phone is the centre's work: unit roles never may.
 * The roles that call residents back may ask for the caller in full on any request, with a
 * reason the audit log records first (POST /api/cases/:id/reveal): CALLER_REVEAL_ROLES.
 * Pure: no I/O. */
#ifndef HOTLINE_CORE_CALLER_VIEW_H
#define HOTLINE_CORE_CALLER_VIEW_H
#include "core/role.h"
#include <stdbool.h>

typedef enum { CALLER_HIDDEN = 0, CALLER_MASKED, CALLER_FULL } caller_sight;

typedef enum {
    CALLER_READ,   /* a request as the role reads it (detail, lists, exports), or a call */
    CALLER_LOOKUP, /* finding requests by the caller's phone: CALLER_FULL when allowed */
} caller_use;

#define CALLER_REVEAL_ROLES                                                                    \
    (ROLE_BIT(ROLE_CALLTAKER) | ROLE_BIT(ROLE_DISPATCHER) | ROLE_BIT(ROLE_VISITOR) |           \
     ROLE_BIT(ROLE_SUPERVISOR))

/* What role r sees of the caller for a use; confidential is the request's flag (false for a
 * call). */
caller_sight caller_sight_of(role r, caller_use use, bool confidential);

#endif
