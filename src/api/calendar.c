/* calendar.c — the working calendar: its exceptions by year, a due-time calculator for any
 * start and limit (what call-takers tell residents), and the administrator's amendments. */
#include "api/api.h"
#include "api/case_deadlines.h"
#include "api/json_out.h"
#include "core/civil.h"
#include "util/err.h"
#include <stdlib.h>
#include <string.h>

static void calendar_list(api_ctx *c)
{
    const char *ys = http_query(c->r, "year");
    int year = 0;
    if (ys) {
        char *end = NULL;
        long v = strtol(ys, &end, 10);
        if (end == ys || *end || v < 1900 || v > 2999) {
            http_send_error(c->r, 400, "invalid_type", "year must be 1900..2999", "year");
            return;
        }
        year = (int)v;
    }
    int64_t from = year ? civil_days_from_ymd(year, 1, 1) : civil_days_from_ymd(1900, 1, 1);
    int64_t to = year ? civil_days_from_ymd(year, 12, 31) : civil_days_from_ymd(2999, 12, 31);
    store_calendar_day *days;
    size_t n;
    int rc = store_calendar_list(c->app->st, c->r->a, from, to, &days, &n);
    if (rc) {
        http_send_rc(c->r, rc);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(arr, json_out_calendar_day(&days[i]));
    http_send_json(c->r, 200,
                   json_pack("{s:o, s:s, s:o}", "year", year ? json_integer(year) : json_null(),
                             "rule", "Monday to Friday are workdays except the days listed",
                             "days", arr));
}

/* GET /api/calendar/due?from=<ISO time>&amount=<n>&unit=<limit unit> */
static void calendar_due(api_ctx *c)
{
    const char *from_s = http_query(c->r, "from"), *amount_s = http_query(c->r, "amount"),
               *unit_s = http_query(c->r, "unit");
    int64_t from = 0;
    time_limit lim = {0};
    char *end = NULL;
    if (!from_s || civil_parse_time(from_s, strlen(from_s), c->app->utc_offset_min, &from)) {
        http_send_error(c->r, 400, "invalid_field", "from must be an ISO 8601 time", "from");
        return;
    }
    long amount = amount_s ? strtol(amount_s, &end, 10) : 0;
    if (!amount_s || end == amount_s || *end || amount < 1 || amount > 100000) {
        http_send_error(c->r, 400, "invalid_field", "amount must be a positive integer", "amount");
        return;
    }
    lim.amount = (int)amount;
    if (!unit_s || limit_unit_parse(unit_s, &lim.unit)) {
        http_send_error(c->r, 400, "invalid_field",
                        "unit must be minutes, hours, natural_days or working_days", "unit");
        return;
    }
    if (time_limit_check(lim)) {
        http_send_error(c->r, 400, "out_of_range", "amount is too large for this unit", "amount");
        return;
    }
    calendar *cal = NULL;
    int64_t due = 0;
    int rc = store_calendar_build(c->app->st, c->app->utc_offset_min, &cal);
    if (!rc) rc = deadline_compute(cal, from, lim, &due);
    calendar_free(cal);
    if (rc == HL_ERANGE || rc == HL_EINVAL) {
        http_send_error(c->r, 422, "out_of_range", "no due time within range", "from");
        return;
    }
    if (rc) {
        http_send_rc(c->r, rc);
        return;
    }
    int off = c->app->utc_offset_min;
    http_send_json(c->r, 200,
                   json_pack("{s:o, s:i, s:s, s:o}", "from", json_out_time(from, off), "amount",
                             lim.amount, "unit", limit_unit_name(lim.unit), "due",
                             json_out_time(due, off)));
}

/* The :date path parameter: 0, or refuses 400 (HL_DONE). */
static int date_param(api_ctx *c, int64_t *day)
{
    const char *d = http_param(c->r, "date");
    if (!d || civil_parse_date(d, strlen(d), day))
        return api_refuse(c, 400, "invalid_field", "the date must be YYYY-MM-DD", "date");
    return 0;
}

/* After an amendment committed: every open request's running clock follows the new calendar
 * (each move recorded in its log); the answer says how many moved. */
static void answer_amendment(api_ctx *c, int rc, int64_t day, json_t *doc)
{
    char date[11];
    civil_format_date(day, date);
    int changed = 0;
    if (!rc)
        rc = case_deadlines_recalculate(c, arena_printf(c->r->a, "calendar amended: %s", date),
                                        &changed);
    if (rc) {
        json_decref(doc);
        http_send_rc(c->r, rc);
        return;
    }
    json_object_set_new(doc, "recalculated_requests", json_integer(changed));
    http_send_json(c->r, 200, doc);
}

static const json_field put_fields[] = {
    {"kind", JF_STRING, true, false, 1, 10},
    {"name", JF_STRING, false, false, 0, 100},
};

static void calendar_put(api_ctx *c)
{
    store_calendar_day d = {0};
    if (date_param(c, &d.day)) return; /* refused */
    json_t *b = NULL;
    if (api_body(c, put_fields, 2, &b)) return; /* refused */
    const char *kind = api_str(b, "kind");
    d.name = api_str(b, "name");
    int wd = civil_weekday(d.day);
    bool weekend = wd == 0 || wd == 6;
    if (strcmp(kind, "off") != 0 && strcmp(kind, "work") != 0) {
        api_invalid(c, "kind", "kind must be off (holiday) or work (make-up workday)");
    } else if (strcmp(kind, "work") == 0 && !weekend) {
        api_invalid(c, "kind", "a make-up workday must fall on a Saturday or Sunday");
    } else {
        d.workday = strcmp(kind, "work") == 0;
        int rc = store_calendar_put(c->app->st, &d);
        answer_amendment(c, rc, d.day, json_out_calendar_day(&d));
    }
    json_decref(b);
}

static void calendar_delete(api_ctx *c)
{
    int64_t day;
    if (date_param(c, &day)) return; /* refused */
    int rc = store_calendar_delete(c->app->st, day);
    if (rc == HL_ENOTFOUND) api_not_found(c, "calendar exception on that date");
    else answer_amendment(c, rc, day, json_pack("{s:b}", "deleted", 1));
}

const api_route api_calendar_routes[] = {
    {"GET", "/api/calendar", calendar_list, ROLES_ALL},
    {"GET", "/api/calendar/due", calendar_due, ROLES_ALL},
    {"PUT", "/api/admin/calendar/:date", calendar_put, ROLE_BIT(ROLE_ADMIN)},
    {"DELETE", "/api/admin/calendar/:date", calendar_delete, ROLE_BIT(ROLE_ADMIN)},
    {NULL, NULL, NULL, 0},
};
