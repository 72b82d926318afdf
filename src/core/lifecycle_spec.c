/* lifecycle_spec.c — the one table of actions (docs/product.md, "Life of a request"): for each
 * action who may take it, from which states, the body it takes, which of that body the event
 * keeps, whether residents see it, the clocks it starts and what it does to the reply text.
 * The API, the store, the importers and the demo generator read it; none restates it. */
#include "core/lifecycle.h"
#include "util/err.h"
#include <stdint.h>
#include <string.h>

#define S(st) ((uint32_t)1u << (st))
#define OPEN_STATES                                                                                \
    (S(CASE_REGISTERED) | S(CASE_DISPATCHED) | S(CASE_SIGNED) | S(CASE_RETURN_PENDING) |           \
     S(CASE_REPLIED) | S(CASE_VISITED))
#define R(role) ROLE_BIT(ROLE_##role)

#define NOTE {"note", JF_STRING, false, false, 0, 2000}
static const json_field f_answer[] = {{"answer", JF_STRING, true, false, 1, 4000},
                                      {"article_id", JF_INT, false, true, 1, INT32_MAX}};
static const json_field f_reason[] = {{"reason", JF_STRING, true, false, 1, 1000}};
static const json_field f_opt_reason[] = {{"reason", JF_STRING, false, false, 0, 1000}};
static const json_field f_merge[] = {{"into", JF_INT, true, false, 1, INT64_MAX}, NOTE};
static const json_field f_dispatch[] = {
    {"unit_id", JF_INT, true, false, 1, INT32_MAX},
    {"co_unit_ids", JF_ARRAY, false, false, 0, LIFECYCLE_CO_UNITS_MAX},
    NOTE};
static const json_field f_redispatch[] = {{"unit_id", JF_INT, true, false, 1, INT32_MAX}, NOTE};
static const json_field f_note[] = {NOTE};
static const json_field f_progress[] = {{"note", JF_STRING, true, false, 1, 2000}};
static const json_field f_return[] = {{"reason", JF_STRING, true, false, 1, 1000},
                                      {"basis", JF_STRING, true, false, 1, 1000}};
static const json_field f_extension[] = {{"until", JF_STRING, true, false, 10, 40},
                                         {"reason", JF_STRING, true, false, 1, 1000}};
static const json_field f_reply[] = {{"reply", JF_STRING, true, false, 1, 4000}};
static const json_field f_visit[] = {{"reachable", JF_BOOL, true, false, 0, 0},
                                     {"solved", JF_BOOL, false, false, 0, 0},
                                     {"satisfaction", JF_STRING, false, false, 1, 20},
                                     NOTE};
#define FIELDS(f) .fields = f, .nfields = sizeof f / sizeof f[0]
#define STARTS1(a) .starts = {a}, .nstarts = 1
#define STARTS_SIGN .starts = {STAGE_SIGN, STAGE_RETURN}, .nstarts = 2

static const lifecycle_spec specs[ACT_COUNT] = {
    [ACT_REGISTER] = {.roles = R(CALLTAKER) | R(INTEGRATOR), .is_public = true,
                      STARTS1(STAGE_DISPATCH)},
    [ACT_ANSWER] = {.roles = R(CALLTAKER), .states = S(CASE_REGISTERED), FIELDS(f_answer),
                    .text_field = "answer", .is_public = true, .reply = REPLY_SAYS_BODY},
    [ACT_INVALIDATE] = {.roles = R(CALLTAKER) | R(DISPATCHER), .states = S(CASE_REGISTERED),
                        FIELDS(f_reason), .reason_field = "reason", .is_public = true},
    [ACT_MERGE] = {.roles = R(CALLTAKER) | R(DISPATCHER), .states = OPEN_STATES,
                   FIELDS(f_merge), .text_field = "note", .is_public = true},
    [ACT_DISPATCH] = {.roles = R(DISPATCHER), .states = S(CASE_REGISTERED), FIELDS(f_dispatch),
                      .text_field = "note", .is_public = true, STARTS_SIGN},
    [ACT_REDISPATCH] = {.roles = R(HANDLER), .states = S(CASE_SIGNED), FIELDS(f_redispatch),
                        .text_field = "note", STARTS_SIGN},
    [ACT_SIGN] = {.roles = R(HANDLER), .states = S(CASE_DISPATCHED), FIELDS(f_note),
                  .text_field = "note", .is_public = true, STARTS1(STAGE_REPLY)},
    [ACT_REQUEST_RETURN] = {.roles = R(HANDLER), .states = S(CASE_DISPATCHED) | S(CASE_SIGNED),
                            FIELDS(f_return), .reason_field = "reason"},
    [ACT_APPROVE_RETURN] = {.roles = R(DISPATCHER), .states = S(CASE_RETURN_PENDING),
                            FIELDS(f_opt_reason), .reason_field = "reason",
                            STARTS1(STAGE_DISPATCH)},
    [ACT_REJECT_RETURN] = {.roles = R(DISPATCHER), .states = S(CASE_RETURN_PENDING),
                           FIELDS(f_reason), .reason_field = "reason"},
    [ACT_REQUEST_EXTENSION] = {.roles = R(HANDLER), .states = S(CASE_SIGNED),
                               .guard = GUARD_NO_EXTENSION, FIELDS(f_extension),
                               .reason_field = "reason"},
    [ACT_APPROVE_EXTENSION] = {.roles = R(DISPATCHER), .states = S(CASE_SIGNED),
                               .guard = GUARD_EXTENSION, FIELDS(f_opt_reason),
                               .reason_field = "reason", .is_public = true},
    [ACT_REJECT_EXTENSION] = {.roles = R(DISPATCHER), .states = S(CASE_SIGNED),
                              .guard = GUARD_EXTENSION, FIELDS(f_reason),
                              .reason_field = "reason"},
    [ACT_URGE] = {.roles = R(DISPATCHER) | R(SUPERVISOR), .states = OPEN_STATES, FIELDS(f_note),
                  .text_field = "note"},
    [ACT_SUPERVISE] = {.roles = R(SUPERVISOR), .states = OPEN_STATES, FIELDS(f_note),
                       .text_field = "note"},
    [ACT_PROGRESS] = {.roles = R(HANDLER), .states = S(CASE_SIGNED), FIELDS(f_progress),
                      .text_field = "note"},
    [ACT_REPLY] = {.roles = R(HANDLER), .states = S(CASE_SIGNED), FIELDS(f_reply),
                   .text_field = "reply", .is_public = true, STARTS1(STAGE_VISIT),
                   .reply = REPLY_SAYS_BODY},
    [ACT_VISIT] = {.roles = R(VISITOR), .states = S(CASE_REPLIED) | S(CASE_VISITED),
                   .guard = GUARD_NO_VALID_VISIT, FIELDS(f_visit), .text_field = "note",
                   .is_public = true},
    [ACT_REOPEN] = {.roles = R(VISITOR) | R(DISPATCHER), .states = S(CASE_VISITED),
                    FIELDS(f_reason), .reason_field = "reason", .is_public = true,
                    STARTS_SIGN, .reply = REPLY_CLEARS},
    [ACT_CLOSE] = {.roles = R(DISPATCHER), .states = S(CASE_VISITED), FIELDS(f_note),
                   .text_field = "note", .is_public = true},
    [ACT_RECALCULATE] = {0},
};

const lifecycle_spec *lifecycle_spec_of(case_action a)
{
    return (unsigned)a < ACT_COUNT ? &specs[a] : NULL;
}

int lifecycle_api_action(const char *name, case_action *out)
{
    case_action a;
    if (!name || case_action_parse(name, &a) || !specs[a].fields) return HL_ENOTFOUND;
    *out = a;
    return 0;
}

role_set lifecycle_roles(case_action a)
{
    const lifecycle_spec *sp = lifecycle_spec_of(a);
    return sp ? sp->roles : 0;
}

int lifecycle_started_stages(case_action a, stage out[2])
{
    const lifecycle_spec *sp = lifecycle_spec_of(a);
    if (!sp) return 0;
    memcpy(out, sp->starts, sizeof(stage) * (size_t)sp->nstarts);
    return sp->nstarts;
}

int lifecycle_dues(case_action a, const calendar *cal, int64_t at,
                   const time_limit *const limits[STAGE_COUNT], int64_t due[STAGE_COUNT])
{
    memset(due, 0, sizeof(int64_t) * STAGE_COUNT);
    const lifecycle_spec *sp = lifecycle_spec_of(a);
    int first = 0;
    for (int i = 0; sp && i < sp->nstarts; i++) {
        stage st = sp->starts[i];
        if (!limits[st]) continue; /* no policy: the stage runs without a due time */
        int rc = deadline_compute(cal, at, *limits[st], &due[st]);
        if (rc) {
            due[st] = 0;
            if (!first) first = rc;
        }
    }
    return first;
}

bool lifecycle_follow_up(const case_snapshot *after, const case_event *e, case_event *out,
                         const char **reason)
{
    if (e->action != ACT_VISIT || !after->visit_valid || !after->solved) return false;
    *out = (case_event){.action = ACT_CLOSE, .at = e->at, .actor_role = ACTOR_SYSTEM};
    *reason = "valid visit: solved";
    return true;
}

const char *lifecycle_reply_text(case_action a, const char *body)
{
    const lifecycle_spec *sp = lifecycle_spec_of(a);
    switch (sp ? sp->reply : REPLY_KEEPS) {
    case REPLY_SAYS_BODY: return body ? body : "";
    case REPLY_CLEARS: return "";
    case REPLY_KEEPS: break;
    }
    return NULL;
}
