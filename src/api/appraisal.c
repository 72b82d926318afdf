/* appraisal.c — GET /api/appraisal (each unit's rates, composite and rank within its tier for
 * a period), its drill-down to the requests behind every figure, and the appraisal schemes.
 * A unit handler sees its own subtree only. */
#include "api/appraisal.h"
#include "api/case_view.h"
#include "core/civil.h"
#include "util/err.h"
#include <math.h>
#include <string.h>

/* The counts; then the clocks running now: "pending" ones are not counted yet, "overdue" ones
 * count as late, "unclocked" ones as on time. */
static json_t *counts_json(const appraisal_counts *k)
{
    json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
                          "volume", (json_int_t)appraisal_volume(k), "dispatched",
                          (json_int_t)k->dispatched, "signed_ontime", (json_int_t)k->signed_ontime,
                          "visits_valid", (json_int_t)k->visits_valid, "solved",
                          (json_int_t)k->solved, "satisfied", (json_int_t)k->satisfied, "basic",
                          (json_int_t)k->basic, "unsatisfied", (json_int_t)k->unsatisfied,
                          "replies", (json_int_t)k->replies, "replied_ontime",
                          (json_int_t)k->replied_ontime, "reopened", (json_int_t)k->reopened,
                          "returns_requested", (json_int_t)k->returns_requested,
                          "returns_approved", (json_int_t)k->returns_approved);
    const struct {
        const char *name;
        int64_t v;
    } clocks[] = {{"sign_pending", k->sign_pending},   {"sign_overdue", k->sign_overdue},
                  {"sign_unclocked", k->sign_unclocked}, {"reply_pending", k->reply_pending},
                  {"reply_overdue", k->reply_overdue}, {"reply_unclocked", k->reply_unclocked}};
    for (size_t i = 0; o && i < sizeof clocks / sizeof clocks[0]; i++)
        json_object_set_new(o, clocks[i].name, json_integer(clocks[i].v));
    return o;
}

/* Scores are shown, and ranked, to the hundredth. */
static double hundredth(double x) { return round(x * 100.0) / 100.0; }

static json_t *unit_json(const api_appraisal *ap, size_t i)
{
    const store_unit *u = &ap->units[i];
    const appraisal_result *r = &ap->result[i];
    json_t *rates = json_object();
    for (int k = 0; k < IND_COUNT; k++)
        json_object_set_new(rates, appraisal_indicator_name((appraisal_indicator)k),
                            json_pack("{s:I, s:I, s:o}", "num", (json_int_t)r->num[k], "den",
                                      (json_int_t)r->den[k], "rate",
                                      r->defined[k] ? json_real(r->rate[k]) : json_null()));
    int pi = ap->parent[i];
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:I, s:o, s:o}", "unit_id",
                     (json_int_t)u->id, "code", u->code, "name_zh", u->name_zh, "name_en",
                     u->name_en, "kind", unit_kind_name(u->kind), "parent_id",
                     pi >= 0 ? json_integer(ap->units[pi].id) : json_null(), "tier",
                     ap->tier[i] >= 0 ? json_string(appraisal_tier_name(ap->tier[i])) : json_null(),
                     "rank", ap->rank[i] ? json_integer(ap->rank[i]) : json_null(), "composite",
                     r->has_composite ? json_real(hundredth(r->composite)) : json_null(),
                     "volume", (json_int_t)appraisal_volume(&ap->total[i]), "counts",
                     counts_json(&ap->total[i]), "rates", rates);
}

static void appraisal_get(api_ctx *c)
{
    appraisal_period p;
    api_appraisal ap;
    int rc = api_period(c, &p);
    if (!rc) rc = api_appraisal_build(c, &p, &ap);
    if (rc) {
        api_refuse_rc(c, rc);
        return;
    }
    json_t *tiers = json_object(), *other = json_array();
    for (int t = 0; t < TIER_COUNT; t++)
        json_object_set_new(tiers, appraisal_tier_name((appraisal_tier)t), json_array());
    for (size_t k = 0; k < ap.n; k++) {
        size_t i = ap.order[k];
        if (!ap.visible[i]) continue;
        json_t *arr = ap.tier[i] >= 0 ? json_object_get(tiers, appraisal_tier_name(ap.tier[i]))
                                      : other;
        json_array_append_new(arr, unit_json(&ap, i));
    }
    http_send_json(c->r, 200,
                   json_pack("{s:o, s:o, s:o, s:o}", "period", api_period_json(&p), "scheme",
                             api_scheme_json(&ap.scheme), "tiers", tiers, "other", other));
}

static const char *const part_names[] = {"numerator", "denominator", "cost"};

static void appraisal_drill(api_ctx *c)
{
    int64_t unit_id = http_param_id(c->r, "id"), page = 1, size = 50;
    appraisal_period p;
    store_unit u;
    const char *ind = http_query(c->r, "indicator"), *part = http_query(c->r, "part");
    store_drill_query q = {.unit_id = unit_id};
    if (!ind || appraisal_indicator_parse(ind, &q.indicator)) {
        http_send_error(c->r, 400, "invalid_field",
                        "indicator: response, resolution, satisfaction, ontime_reply, return or"
                        " reopen",
                        "indicator");
        return;
    }
    int pi = -1;
    for (int i = 0; part && i < 3; i++)
        if (strcmp(part, part_names[i]) == 0) pi = i;
    if (pi < 0) {
        http_send_error(c->r, 400, "invalid_field", "part: numerator, denominator or cost", "part");
        return;
    }
    q.part = (store_drill_part)pi;
    int rc = api_period(c, &p);
    if (!rc) rc = api_query_int(c, "page", 1, 100000, &page);
    if (!rc) rc = api_query_int(c, "page_size", 1, 1000, &size);
    if (rc) return; /* refused */
    rc = unit_id ? store_unit_get(c->app->st, c->r->a, unit_id, &u) : HL_ENOTFOUND;
    if (rc == HL_ENOTFOUND) {
        api_not_found(c, "unit");
        return;
    }
    if (rc) {
        http_send_rc(c->r, rc);
        return;
    }
    rc = api_require_unit(c, unit_id);
    if (rc) {
        api_refuse_rc(c, rc);
        return;
    }
    q.from_day = p.from_day;
    q.to_day = p.to_day;
    q.now = api_now();
    q.offset = (int)((page - 1) * size);
    q.limit = (int)size;
    store_case *items;
    size_t n;
    int64_t total = 0;
    rc = store_appraisal_drill(c->app->st, c->r->a, &q, &items, &n, &total);
    if (rc) {
        http_send_rc(c->r, rc);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(arr, case_view(c, &items[i], false));
    http_send_json(c->r, 200,
                   json_pack("{s:I, s:s, s:s, s:o, s:I, s:I, s:I, s:o}", "unit_id",
                             (json_int_t)unit_id, "indicator", appraisal_indicator_name(q.indicator),
                             "part", part_names[pi], "period", api_period_json(&p), "total",
                             (json_int_t)total, "page", (json_int_t)page, "page_size",
                             (json_int_t)size, "items", arr));
}

static void schemes_list(api_ctx *c)
{
    store_appraisal_scheme *items;
    size_t n;
    int rc = store_appraisal_schemes_list(c->app->st, c->r->a, &items, &n);
    if (rc) {
        http_send_rc(c->r, rc);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(arr, api_scheme_json(&items[i]));
    http_send_json(c->r, 200, json_pack("{s:o}", "schemes", arr));
}

static const json_field scheme_fields[] = {
    {"name", JF_STRING, true, false, 1, 100},
    {"effective_from", JF_STRING, true, false, 10, 10},
    {"effective_to", JF_STRING, false, true, 10, 10},
    {"weights", JF_OBJECT, true, false, 0, 0},
    {"scores", JF_OBJECT, false, false, 0, 0},
};

/* What a refused field of a scheme must be. */
static const char *scheme_rule(const char *field)
{
    static const struct {
        const char *field, *rule;
    } rules[] = {
        {"name", "name: 1 to 100 characters"},
        {"effective_from", "effective_from: a date YYYY-MM-DD, today or later (a period already"
                           " past keeps the scheme it was scored under)"},
        {"effective_to", "effective_to: a date YYYY-MM-DD, not before effective_from"},
        {"scores", "scores: satisfied, basic, unsatisfied, each 0 to 1"},
    };
    for (size_t i = 0; field && i < sizeof rules / sizeof rules[0]; i++)
        if (strcmp(field, rules[i].field) == 0) return rules[i].rule;
    return "weights: indicator → 0 to 100, at least one above 0";
}

static void scheme_create(api_ctx *c)
{
    json_t *b = NULL;
    if (api_body(c, scheme_fields, sizeof scheme_fields / sizeof scheme_fields[0], &b))
        return; /* refused */
    store_appraisal_scheme in;
    const char *field = NULL;
    int64_t id = 0;
    int rc = api_scheme_from_json(b, &in, &field);
    /* a period is scored under the scheme in force on its first day: a scheme starting before
     * today would silently rescore months already appraised and published */
    if (!rc && in.effective_from < civil_local_day(api_now(), c->app->utc_offset_min)) {
        rc = HL_EINVAL;
        field = "effective_from";
    }
    if (rc) {
        api_invalid(c, field ? field : "weights", scheme_rule(field));
    } else {
        in.created_at = api_now();
        rc = store_appraisal_scheme_create(c->app->st, &in, &id);
        if (!rc) {
            in.id = id;
            http_send_json(c->r, 201, api_scheme_json(&in));
        } else
            http_send_rc(c->r, rc);
    }
    json_decref(b);
}

#define APPRAISERS                                                                            \
    (ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_DISPATCHER) |            \
     ROLE_BIT(ROLE_HANDLER))

const api_route api_appraisal_routes[] = {
    {"GET", "/api/appraisal", appraisal_get, APPRAISERS},
    {"GET", "/api/appraisal/schemes", schemes_list, APPRAISERS},
    {"GET", "/api/appraisal/:id/drill", appraisal_drill, APPRAISERS},
    {"POST", "/api/admin/appraisal/schemes", scheme_create, ROLE_BIT(ROLE_ADMIN)},
    {NULL, NULL, NULL, 0},
};
