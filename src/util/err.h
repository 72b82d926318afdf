/* err.h — the one error convention of hotline.
 * Functions return int: 0 on success, a negative HL_E* code on failure; results go through
 * out-parameters. The HTTP layer maps these codes to statuses in one place (http/response.c). */
#ifndef HOTLINE_UTIL_ERR_H
#define HOTLINE_UTIL_ERR_H

enum {
    HL_OK = 0,
    HL_ENOMEM = -1,    /* allocation failed */
    HL_EINVAL = -2,    /* bad argument or input that does not parse */
    HL_ENOTFOUND = -3, /* the object does not exist */
    HL_ECONFLICT = -4, /* unique key taken, or state does not allow it */
    HL_EIO = -5,       /* storage failed */
    HL_EFULL = -6,     /* disk or database full */
    HL_ERANGE = -7,    /* value or size out of bounds */
    HL_EBUSY = -8,     /* shutting down or overloaded */
    HL_EREADONLY = -9, /* storage cannot be written */
    HL_EREF = -10,     /* refers to an object that does not exist, or is still referenced */
    HL_EFORBIDDEN = -11, /* this role or unit may not do this */
    HL_ESTATE = -12,   /* the object's current state does not allow this action */
    HL_DONE = -13,     /* the request has been refused and the refusal recorded (api_refuse in
                        * api/api.h); the caller stops and returns it */
    HL_EUNAVAIL = -14, /* the store cannot be reached (its server stopped, the connection was
                        * lost): nothing was written, or a commit's outcome is unknown; never
                        * an acknowledgement. Worth trying again later. */
};

/* On the declaration of every function that returns 0 or a negative HL_E* code (the header's
 * comment says so): the compiler then refuses a call whose result is dropped. Not on functions
 * that return a count, an index, an id or a descriptor. */
#define HL_MUST_CHECK __attribute__((warn_unused_result))

/* Drops an HL_E* result on purpose: err_ignore(f()); followed by a comment saying why (a
 * best-effort cleanup, a rollback after an error already being returned, a log line).
 * A (void) cast would say the same, but GCC does not let it silence warn_unused_result (GCC bug
 * 66425; clang does); a value passed to a function is used, so this does on every compiler. */
static inline void err_ignore(int rc)
{
    (void)rc;
}

/* Keeps the first error of a run of calls checked once at the end: *rc takes r only while it
 * is still 0. (OR-ing the codes instead mixes them: a full buffer's HL_ERANGE | a later
 * HL_ENOMEM is HL_ENOMEM, and a 413 became a 500.) */
static inline void err_first(int *rc, int r)
{
    if (*rc == 0) *rc = r;
}

/* A short stable name for an error code, e.g. "not_found". Never NULL. */
const char *hl_strerror(int rc);

#endif
