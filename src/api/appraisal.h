/* appraisal.h — what the appraisal, analytics and export handlers share: the period query,
 * the scheme's JSON form, and the month's appraisal computed once for the JSON answer and
 * for the Excel report. */
#ifndef HOTLINE_API_APPRAISAL_H
#define HOTLINE_API_APPRAISAL_H
#include "util/err.h"
#include "api/api.h"
#include "core/appraisal.h"
#include "store/analytics.h"
#include "store/catalogue.h"

/* Reads period=2026-11 | 2026-Q4 | 2026, or from=&to= (dates): 0, or refuses 400 (HL_DONE)
 * when neither parses. */
HL_MUST_CHECK int api_period(api_ctx *c, appraisal_period *p);
/* "YYYY-MM-DD" of a civil day, in the arena. */
const char *api_day(api_ctx *c, int64_t day);
/* {"label","from","to"} */
json_t *api_period_json(const appraisal_period *p);

/* A scheme from its JSON form {"name","effective_from","effective_to"?,"weights":{indicator:
 * weight},"scores":{"satisfied","basic","unsatisfied"}}: missing weights are 0, missing
 * scores the defaults. HL_EINVAL with *field naming the bad member. name points into doc. */
HL_MUST_CHECK int api_scheme_from_json(const json_t *doc, store_appraisal_scheme *out,
                                       const char **field);
json_t *api_scheme_json(const store_appraisal_scheme *s);

/* The appraisal of a period: every unit with its own and subtree counts, rates, composite,
 * tier and rank. Arrays are in the request's arena, indexed like units. */
typedef struct {
    appraisal_period period;
    store_appraisal_scheme scheme; /* id 0: the built-in default (no scheme stored) */
    store_unit *units;
    size_t n;
    int *parent;              /* index of the parent unit, -1 for the root */
    appraisal_counts *total;  /* the unit with its sub-units */
    appraisal_result *result; /* of total, under the scheme */
    appraisal_tier *tier;
    int *rank;      /* 0 = not ranked */
    size_t *order;  /* tier, rank, code */
    bool *visible;  /* within the caller's scope */
} api_appraisal;

/* Computes it for the caller (a unit role sees its own subtree). 0 or HL_E* (a store failure;
 * it never refuses). */
HL_MUST_CHECK int api_appraisal_build(api_ctx *c, const appraisal_period *p, api_appraisal *out);
/* The index of a unit id, or -1. */
int api_appraisal_index(const api_appraisal *ap, int64_t unit_id);

#endif
