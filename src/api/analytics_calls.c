/* analytics_calls.c — GET /api/analytics/calls: the centre's call figures of GB/T 33358 for a
 * period (answered, abandoned, answered within 15 seconds, connection rate, average wait and
 * talk) and the calls by local hour, from store_call_sums and core/calls.h. */
#include "api/appraisal.h"
#include "api/calls.h"
#include "core/civil.h"
#include <math.h>

static json_t *rate(bool defined, double x)
{
    return defined ? json_real(round(x * 10000.0) / 10000.0) : json_null();
}

static json_t *average(bool defined, double x)
{
    return defined ? json_real(round(x * 10.0) / 10.0) : json_null();
}

void api_analytics_calls(api_ctx *c)
{
    int off = c->app->utc_offset_min;
    appraisal_period p;
    if (!http_query(c->r, "period") && !http_query(c->r, "from") && !http_query(c->r, "to")) {
        char today[11];
        civil_format_date(civil_local_day(api_now(), off), today);
        int rc = appraisal_period_parse(NULL, today, today, &p); /* a date it formatted */
        if (rc) {
            http_send_rc(c->r, rc);
            return;
        }
    } else if (api_period(c, &p)) {
        return; /* refused */
    }
    call_counts total, by_hour[24];
    int rc = store_call_sums(c->app->st, civil_day_start(p.from_day, off),
                             civil_day_start(p.to_day + 1, off), off, &total, by_hour);
    if (rc) {
        http_send_rc(c->r, rc);
        return;
    }
    call_figures f;
    call_figures_of(&total, &f);
    json_t *hours = json_array();
    for (int h = 0; h < 24; h++)
        json_array_append_new(hours, json_pack("{s:i, s:I, s:I}", "hour", h, "offered",
                                               (json_int_t)by_hour[h].offered, "answered",
                                               (json_int_t)by_hour[h].answered));
    json_t *o = json_pack("{s:o, s:I, s:I, s:I, s:I}", "period", api_period_json(&p), "offered",
                          (json_int_t)total.offered, "answered", (json_int_t)total.answered,
                          "abandoned", (json_int_t)total.abandoned, "answered_15s",
                          (json_int_t)total.answered_15s);
    json_object_set_new(o, "answer_rate", rate(f.has_rates, f.answer_rate));
    json_object_set_new(o, "answer_15s_rate", rate(f.has_rates, f.answer_15s_rate));
    json_object_set_new(o, "avg_wait_seconds", average(f.has_avg_wait, f.avg_wait_s));
    json_object_set_new(o, "avg_talk_seconds", average(f.has_avg_talk, f.avg_talk_s));
    json_object_set_new(o, "by_hour", hours);
    http_send_json(c->r, 200, o);
}
