/* audit.h — recording who saw or changed what (the audit log of store/audit.c) and reading it
 * back (GET /api/admin/audit). Recorded: reveals of a caller, logins (success, failure,
 * lockout — never a password), every administrator's change and every export (by the
 * dispatcher, for every route under /api/admin/ and /api/export/), and case reads by unit
 * roles. */
#ifndef HOTLINE_API_AUDIT_H
#define HOTLINE_API_AUDIT_H
#include "util/err.h"
#include "api/api.h"

/* Records action by the caller (c->user when authed, else nobody) on object/id, with detail
 * (may be NULL; never a secret) and the client's address. When object is "case", id is the
 * case id and is also recorded as the case concerned. 0 once it is on disk, or the store's
 * HL_E* code. */
HL_MUST_CHECK int api_audit(api_ctx *c, const char *action, const char *object, const char *id,
                            const char *detail);
/* The same for a login attempt: who is the user tried (NULL when no such user: the name tried
 * is then not kept, as it may be a mistyped password). */
HL_MUST_CHECK int api_audit_login(api_ctx *c, const char *action, const store_user *who);
/* A case read (GET /api/cases/:id): recorded for unit roles, whose reads are the ones to
 * watch (centre roles read every request as their work). A failure to record is logged and
 * the read goes on: what a unit sees is masked already. */
void api_audit_case_read(api_ctx *c, int64_t case_id);
/* The dispatcher's hook after a handler ran, for every route: a successful write under
 * /api/admin/ becomes "<object>.<create|put|update|delete>" (object: the route's literal
 * segments after /api/admin/) with the object's id and the body (passwords and tokens
 * removed) as detail; a successful export (/api/export/...) becomes "export" with the route
 * and its filters (a phone filter masked). A failure to record is logged; the answer stands. */
void api_audit_route(api_ctx *c);

#endif
