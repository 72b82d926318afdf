/* appraisal.h — 考核 (docs/product.md, Appraisal): what each request counts for its unit, the
 * rates, the composite score of a scheme, the sum over a unit tree, the ranking within each
 * tier, periods (month, quarter, year, range) and percentiles. Pure: no I/O.
 *
 * A request counts for the unit that has it now (its lead unit), in the period it was
 * registered in; a request whose return was approved has left the unit and counts only in
 * the unit's returns. The indicators:
 *   response      = on time ÷ the dispatched requests whose sign-for fell due: signed within
 *                   the sign-for limit, or not signed and with no limit, are on time; signed
 *                   late, or not signed after the due time, are late; not signed while the
 *                   limit still runs is not counted yet (approved returns, invalid and merged
 *                   requests are not dispatched to anyone)
 *   resolution    = valid visits answering "solved" ÷ valid visits
 *   satisfaction  = Σ score(level) ÷ valid visits; with the default scores 1/1/0 this is
 *                   (satisfied + basically satisfied) ÷ valid visits
 *   ontime_reply  = on time ÷ the dispatched requests whose reply fell due, replied or not:
 *                   replied by the reply due time, or not replied and with no reply clock
 *                   for this dispatch (not signed yet, or no limit), are on time; replied
 *                   late, or not replied after the due time, are late; not replied while the
 *                   clock still runs is not counted yet (as the 311 cities' on-time/overdue)
 *   return        = return requests ÷ volume (dispatched + approved returns); lower is better
 *   reopen        = reopened requests ÷ dispatched; lower is better */
#ifndef HOTLINE_CORE_APPRAISAL_H
#define HOTLINE_CORE_APPRAISAL_H
#include "util/err.h"
#include "core/lifecycle.h"
#include "core/taxonomy.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    IND_RESPONSE = 0,
    IND_RESOLUTION,
    IND_SATISFACTION,
    IND_ONTIME_REPLY,
    IND_RETURN,
    IND_REOPEN,
    IND_COUNT
} appraisal_indicator;

/* "response", "resolution", "satisfaction", "ontime_reply", "return", "reopen". */
const char *appraisal_indicator_name(appraisal_indicator i);
HL_MUST_CHECK int appraisal_indicator_parse(const char *s, appraisal_indicator *out);
/* Return and reopen rates are better when lower: the composite scores them as 1 - rate. */
bool appraisal_lower_is_better(appraisal_indicator i);

typedef struct {
    int64_t dispatched;    /* with the unit now, dispatched to it, not merged */
    int64_t signed_ontime; /* ... and signed within the sign-for limit */
    int64_t visits_valid, solved, satisfied, basic, unsatisfied;
    int64_t replies, replied_ontime;
    int64_t reopened;          /* dispatched requests reopened at least once */
    int64_t returns_requested; /* return requests the unit made (events) */
    int64_t returns_approved;  /* ... of which approved: the request left the unit */
    /* The clocks still running at the time of the appraisal (appraisal_case_clocks): not in
     * the rollups, since they change with the time and not with an event. Over dispatched
     * requests not signed for this dispatch (sign_*) or not replied (reply_*): due later
     * (pending: due at now or later), past due (overdue), or with no clock (unclocked). */
    int64_t sign_pending, sign_overdue, sign_unclocked;
    int64_t reply_pending, reply_overdue, reply_unclocked;
} appraisal_counts;

/* acc += sign * x, field by field (sign is +1 or -1). */
void appraisal_counts_add(appraisal_counts *acc, const appraisal_counts *x, int sign);
bool appraisal_counts_zero(const appraisal_counts *c);
/* dispatched + returns_approved: the requests that came to the unit. */
int64_t appraisal_volume(const appraisal_counts *c);

/* What one request's row contributes to its lead unit (s->unit_id): all zero when it is not
 * dispatched to a unit. The return counters are events, and the running clocks depend on
 * the time: neither is set here. */
void appraisal_case_facts(const case_snapshot *s, appraisal_counts *out);
/* Adds to *out the running clocks of one request at `now` (the sign_* and reply_* fields):
 * nothing when it is not dispatched to a unit, or is signed and replied. The reply clock of
 * a dispatch starts at its sign-for: before it the request has none. */
void appraisal_case_clocks(const case_snapshot *s, int64_t now, appraisal_counts *out);

/* A scheme (考核方案): weights of the indicators in the composite (0 = not in it) and the score
 * of each satisfaction level, indexed by the satisfaction enum. */
typedef struct {
    double weight[IND_COUNT];
    double score[SATISFACTION_UNSATISFIED + 1];
} appraisal_scheme;

/* Response 30, resolution 35, satisfaction 35; satisfied 1, basic 1, unsatisfied 0. */
void appraisal_scheme_default(appraisal_scheme *s);
/* 0, or HL_EINVAL: a weight below 0 or above 100, no positive weight, a score outside 0..1. */
HL_MUST_CHECK int appraisal_scheme_check(const appraisal_scheme *s);

typedef struct {
    int64_t num[IND_COUNT], den[IND_COUNT];
    bool defined[IND_COUNT]; /* den > 0 */
    double rate[IND_COUNT];  /* 0..1 when defined (satisfaction: with the level scores) */
    bool has_composite;      /* at least one weighted indicator is defined */
    double composite;        /* 0..100: Σ w·score ÷ Σ w over the defined weighted indicators */
} appraisal_result;

void appraisal_compute(const appraisal_counts *c, const appraisal_scheme *s,
                       appraisal_result *out);

/* Sums every unit's own counts into each of its ancestors: out[i] = own[i] + out of its
 * children. parent[i] is the index of unit i's parent, or -1. HL_EINVAL on a cycle or an
 * index out of range. */
HL_MUST_CHECK int appraisal_tree_sum(const int *parent, const appraisal_counts *own, size_t n,
                                     appraisal_counts *out);

typedef enum {
    TIER_NONE = -1,    /* the centre, sub-offices of departments and utilities */
    TIER_DISTRICT = 0, /* districts and counties */
    TIER_DEPARTMENT,   /* departments and utilities directly under the centre */
    TIER_STREET,       /* streets and townships */
    TIER_COUNT
} appraisal_tier;

appraisal_tier appraisal_tier_of(unit_kind kind, bool parent_is_centre);
/* "districts", "departments", "streets"; "" for TIER_NONE. */
const char *appraisal_tier_name(appraisal_tier t);

typedef struct {
    appraisal_tier tier;
    bool has_composite;
    double composite;
    const char *code; /* breaks ties in the order (not in the rank) */
} appraisal_rank_item;

/* rank[i]: 1-based position of item i within its tier, by composite rounded to 0.01, highest
 * first; equal composites share a rank and the next rank skips (1, 1, 3); items without a
 * composite or without a tier get 0. order (n elements) receives the indexes of all items
 * sorted by tier (no tier last), then composite (none last), then code. */
void appraisal_rank(const appraisal_rank_item *items, size_t n, int *rank, size_t *order);

/* ---- periods -------------------------------------------------------------------------- */

typedef struct {
    int64_t from_day, to_day;           /* civil days, inclusive */
    int64_t prev_from_day, prev_to_day; /* the period before it, of the same kind */
    char label[24];                     /* "2026-11", "2026-Q4", "2026", "2026-11-03..2026-11-09" */
} appraisal_period;

/* "2026-11", "2026-Q4", "2026"; or NULL with from/to "YYYY-MM-DD" (inclusive). The previous
 * period of a month, quarter or year is the calendar one before; of a range, the same number
 * of days just before it. HL_EINVAL when it does not parse or to < from; HL_ERANGE for a
 * range over 3660 days. */
HL_MUST_CHECK int appraisal_period_parse(const char *period, const char *from, const char *to,
                                         appraisal_period *out);

/* The p-quantile (0..1) of n sorted values, interpolating linearly between the closest ranks
 * (h = (n-1)p; the median of an even count is the mean of the middle two). n > 0. */
double appraisal_quantile(const int64_t *sorted, size_t n, double p);
/* The same quantile of n values in any order, by selection in O(n) instead of sorting; the
 * values are reordered. n > 0. */
double appraisal_quantile_select(int64_t *v, size_t n, double p);

#endif
