/* analytics.h — the figures over many requests: the appraisal schemes and each unit's counts,
 * the requests behind a figure and the points they cost, registration volumes, durations,
 * overdue counts, and the walk over requests that exports use. Conventions: store/engine.h. */
#ifndef HOTLINE_STORE_ANALYTICS_H
#define HOTLINE_STORE_ANALYTICS_H
#include "util/err.h"
#include "core/appraisal.h"
#include "core/lifecycle.h"
#include "store/cases.h"
#include "store/engine.h"
#include "util/arena.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int64_t id;
    const char *name;
    int64_t effective_from, effective_to; /* civil days; effective_to 0 = open-ended */
    appraisal_scheme scheme;
    int64_t created_at;
} store_appraisal_scheme;

/* Every scheme, by effective_from then id. */
HL_MUST_CHECK int store_appraisal_schemes_list(store *s, arena *a, store_appraisal_scheme **items,
                                               size_t *n);
/* Adds a scheme; HL_EINVAL when appraisal_scheme_check fails, the name is empty or
 * effective_to is before effective_from. */
HL_MUST_CHECK int store_appraisal_scheme_create(store *s, const store_appraisal_scheme *in,
                                                int64_t *id);
/* The scheme in force on a day: of those with effective_from <= day <= effective_to (or
 * open-ended), the latest effective_from, then the highest id. HL_ENOTFOUND when none. */
HL_MUST_CHECK int store_appraisal_scheme_at(store *s, arena *a, int64_t day,
                                            store_appraisal_scheme *out);

typedef struct {
    int64_t unit_id;
    appraisal_counts c; /* the unit's own, without its sub-units */
} store_unit_counts;

/* Each unit's own counts over the requests registered from_day..to_day (civil days,
 * inclusive), as core/appraisal.h appraisal_case_facts defines them, with the clocks still
 * running at `now` (appraisal_case_clocks); units with nothing are left out. */
HL_MUST_CHECK int store_appraisal_counts(store *s, arena *a, int64_t from_day, int64_t to_day,
                                         int64_t now, store_unit_counts **items, size_t *n);

typedef enum {
    DRILL_NUMERATOR = 0,
    DRILL_DENOMINATOR,
    DRILL_COST, /* what cost points: denominator minus numerator, or for return and reopen
                   (lower is better) the numerator */
} store_drill_part;

typedef struct {
    int64_t unit_id; /* the unit, its sub-units included */
    int64_t from_day, to_day;
    appraisal_indicator indicator;
    store_drill_part part;
    int64_t now; /* the time of the appraisal: response and ontime_reply count a request
                    whose clock still runs at now neither way */
    int offset, limit; /* limit 1..1000 */
} store_drill_query;

/* The requests behind one figure of store_appraisal_counts summed over the unit's subtree, in
 * registration order; *total is the figure itself. For the return indicator each return
 * request is one item (a request returned twice appears twice). */
HL_MUST_CHECK int store_appraisal_drill(store *s, arena *a, const store_drill_query *q,
                                        store_case **items, size_t *n, int64_t *total);

/* A request that cost a unit points: the unit charged and which indicators (bit
 * 1u << appraisal_indicator). */
typedef struct {
    store_case k;
    int64_t unit_id;
    uint32_t indicators;
} store_cost;

typedef int (*store_cost_fn)(const store_cost *c, void *ud);
/* Calls fn for every request of the period that cost a unit within unit_id's subtree (0 = any
 * unit) points at `now` (as store_drill_query's DRILL_COST), by unit then registration; a
 * return request is its own item, charged to the unit that asked. fn's non-zero result stops
 * the walk and is returned. */
HL_MUST_CHECK int store_appraisal_costs_each(store *s, int64_t unit_id, int64_t from_day,
                                             int64_t to_day, int64_t now, store_cost_fn fn,
                                             void *ud);

/* Recomputes what store_appraisal_counts, store_volume_by and store_volume_days report from
 * the cases and their events, and compares; *same when everything agrees. For tests and
 * checks. */
HL_MUST_CHECK int store_rollup_verify(store *s, bool *same);

typedef enum {
    STORE_DIM_ALL = 0,
    STORE_DIM_CATEGORY, /* leaf category id */
    STORE_DIM_DISTRICT, /* district unit id, 0 = unknown */
    STORE_DIM_STREET,   /* street unit id, 0 = unknown */
    STORE_DIM_CHANNEL,  /* label: the channel */
    STORE_DIM_TYPE,     /* label: the request type */
} store_dim;

typedef struct {
    int64_t key;       /* id dimensions: the id */
    const char *label; /* channel and type: the name ("" otherwise) */
    int64_t n;
} store_volume_item;

/* Registrations from_day..to_day along one dimension (not STORE_DIM_ALL), largest first. */
HL_MUST_CHECK int store_volume_by(store *s, arena *a, store_dim dim, int64_t from_day,
                                  int64_t to_day, store_volume_item **items, size_t *n);

typedef struct {
    store_dim dim;        /* STORE_DIM_ALL: every request */
    const int64_t *keys;  /* id dimensions: any of these */
    size_t nkeys;
    const char *label;    /* channel and type: this one */
} store_volume_filter;

typedef struct {
    int64_t day, n;
} store_day_count;

/* Registrations per day (days with none left out), in day order. */
HL_MUST_CHECK int store_volume_days(store *s, arena *a, const store_volume_filter *f,
                                    int64_t from_day, int64_t to_day, store_day_count **items,
                                    size_t *n);

/* The times of a request, for durations. */
typedef struct {
    int64_t unit_id, category_id; /* unit 0: never dispatched */
    int64_t registered_at, signed_at, replied_at, closed_at; /* 0 = not yet */
    bool done; /* closed after reply and visit (not answered, invalid or merged) */
} store_case_times;

typedef int (*store_times_fn)(const store_case_times *t, void *ud);
/* Calls fn for every request registered from_day..to_day; fn's non-zero result stops the
 * walk and is returned. */
HL_MUST_CHECK int store_case_times_each(store *s, int64_t from_day, int64_t to_day,
                                        store_times_fn fn, void *ud);

typedef struct {
    int64_t unit_id; /* 0: not dispatched (registered, waiting for dispatch) */
    case_state state;
    int64_t n;
} store_overdue_count;

/* Open requests whose running stage is past due at now, by unit and state. */
HL_MUST_CHECK int store_overdue_counts(store *s, arena *a, int64_t now, store_overdue_count **items,
                                       size_t *n);

typedef int (*store_case_fn)(const store_case *k, void *ud);
/* Calls fn for each request matching q (its filters and sort; offset and limit ignored), at
 * most max of them; fn's non-zero result stops the walk and is returned. For exports. */
HL_MUST_CHECK int store_cases_each(store *s, const store_case_query *q, int64_t max,
                                   store_case_fn fn, void *ud);

#endif
