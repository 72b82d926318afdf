/* case_deadlines.c — see case_deadlines.h. */
#include "api/case_deadlines.h"
#include "store/catalogue.h"
#include "util/err.h"
#include <string.h>

/* case_deadlines_for on a calendar already built. */
static int dues_on(store *st, const calendar *cal, const store_case *k, case_action a,
                   int64_t at, int64_t due[STAGE_COUNT])
{
    const lifecycle_spec *sp = lifecycle_spec_of(a);
    time_limit lim[STAGE_COUNT];
    const time_limit *limits[STAGE_COUNT] = {0};
    for (int i = 0; sp && i < sp->nstarts; i++) {
        stage s = sp->starts[i];
        int rc = store_time_limit_resolve(st, s, k->urgency, k->type, k->category_id, &lim[s]);
        if (rc == HL_ENOTFOUND) continue; /* no policy: no due time */
        if (rc) return rc;
        limits[s] = &lim[s];
    }
    return lifecycle_dues(a, cal, at, limits, due);
}

int case_deadlines_for(api_ctx *c, const store_case *k, case_action a, int64_t at,
                       int64_t due[STAGE_COUNT])
{
    memset(due, 0, sizeof(int64_t) * STAGE_COUNT);
    stage started[2];
    if (lifecycle_started_stages(a, started) == 0) return 0;
    calendar *cal = NULL;
    int rc = store_calendar_build(c->app->st, c->app->utc_offset_min, &cal);
    if (!rc) rc = dues_on(c->app->st, cal, k, a, at, due);
    calendar_free(cal);
    return rc;
}

/* Actions whose due times come from a policy (and so follow the calendar); an approved
 * extension's due time was asked for and stays. */
static bool policy_setter(case_action a)
{
    stage started[2];
    return lifecycle_started_stages(a, started) > 0;
}

/* New due time for the running stage of k, or 0 when it does not move. */
static int recalc_one(api_ctx *c, const calendar *cal, const store_case *k, stage *st,
                      int64_t *due)
{
    *due = 0;
    if (!lifecycle_running_stage(&k->snap, st)) return 0;
    store_case_event *evs;
    size_t n;
    int rc = store_case_events(c->app->st, c->r->a, k->id, &evs, &n);
    if (rc) return rc;
    const store_case_event *setter = NULL;
    /* the event that started this clock; earlier recalculations only moved it */
    for (size_t i = 0; i < n; i++)
        if (evs[i].ev.due[*st] && evs[i].ev.action != ACT_RECALCULATE) setter = &evs[i];
    if (!setter || !policy_setter(setter->ev.action)) return 0;
    int64_t fresh[STAGE_COUNT];
    rc = dues_on(c->app->st, cal, k, setter->ev.action, setter->ev.at, fresh);
    if (!rc && fresh[*st] && fresh[*st] != k->snap.due[*st]) *due = fresh[*st];
    return rc;
}

int case_deadlines_recalculate(api_ctx *c, const char *why, int *changed)
{
    calendar *cal = NULL;
    int rc = store_calendar_build(c->app->st, c->app->utc_offset_min, &cal);
    *changed = 0;
    /* every open state: a visited request whose resident could not be reached still owes its
     * visit on the visit clock (lifecycle_running_stage says which clock runs) */
    uint32_t open = 0;
    for (int st = 0; st < CASE_STATE_COUNT; st++)
        if (case_state_open((case_state)st)) open |= 1u << st;
    store_case_query q = {.states = open, .urgency = -1, .sort = CASE_SORT_OLDEST, .limit = 200};
    for (int64_t total = 1; !rc && q.offset < total; q.offset += q.limit) {
        arena *page = arena_new(), *saved = c->r->a;
        store_case *items;
        size_t n;
        if (!page) {
            rc = HL_ENOMEM;
            break;
        }
        c->r->a = page; /* one arena per page keeps memory flat over many requests */
        rc = store_cases_search(c->app->st, page, &q, &items, &n, &total);
        for (size_t i = 0; !rc && i < n; i++) {
            stage st;
            int64_t due;
            rc = recalc_one(c, cal, &items[i], &st, &due);
            if (rc || !due) continue;
            store_case_event ev = {.ev = {.action = ACT_RECALCULATE, .at = api_now(),
                                          .actor_role = ACTOR_SYSTEM},
                                   .actor_id = c->user.id, .reason = why};
            ev.ev.due[st] = due;
            rc = store_case_act(c->app->st, items[i].id, &ev, NULL, NULL);
            if (rc == HL_ESTATE) rc = 0; /* closed meanwhile: nothing to move */
            else if (!rc) (*changed)++;
        }
        c->r->a = saved;
        arena_free(page);
    }
    calendar_free(cal);
    return rc;
}
