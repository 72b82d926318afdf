/* json_out.c — see json_out.h. Field names are snake_case English; Chinese text is kept as
 * UTF-8. Secrets (password hashes, token hashes, CSRF tokens) never appear here. */
#include "api/json_out.h"
#include "core/civil.h"

json_t *json_out_time(int64_t unix_s, int utc_offset_min)
{
    if (!unix_s) return json_null();
    char s[32];
    civil_format_time(unix_s, utc_offset_min, s);
    return json_string(s);
}

static json_t *id_or_null(int64_t id) { return id ? json_integer(id) : json_null(); }

json_t *json_out_unit(const store_unit *u)
{
    return json_pack("{s:I, s:o, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)u->id, "parent_id",
                     id_or_null(u->parent_id), "code", u->code, "name_zh", u->name_zh, "name_en",
                     u->name_en, "kind", unit_kind_name(u->kind), "active", u->active);
}

json_t *json_out_category(const store_category *c)
{
    json_t *o = json_pack("{s:I, s:o, s:s, s:s, s:s, s:i, s:s, s:b}", "id", (json_int_t)c->id,
                          "parent_id", id_or_null(c->parent_id), "code", c->code, "name_zh",
                          c->name_zh, "name_en", c->name_en, "level", c->level, "keywords",
                          c->keywords, "active", c->active);
    if (o && c->leaf_fields) {
        json_object_set_new(o, "request_type", json_string(request_type_name(c->type)));
        json_object_set_new(o, "urgency", json_string(urgency_name(c->urgency)));
    }
    return o;
}

json_t *json_out_route(const store_route *r)
{
    return json_pack("{s:I, s:I, s:o, s:I}", "id", (json_int_t)r->id, "category_id",
                     (json_int_t)r->category_id, "district_id", id_or_null(r->district_id),
                     "unit_id", (json_int_t)r->unit_id);
}

json_t *json_out_calendar_day(const store_calendar_day *d)
{
    char date[11];
    civil_format_date(d->day, date);
    return json_pack("{s:s, s:s, s:s}", "date", date, "kind", d->workday ? "work" : "off", "name",
                     d->name ? d->name : "");
}

json_t *json_out_time_limit(const store_time_limit *t)
{
    return json_pack("{s:I, s:s, s:s, s:o, s:o, s:i, s:s}", "id", (json_int_t)t->id, "stage",
                     stage_name(t->stage), "urgency", urgency_name(t->urgency), "request_type",
                     t->has_type ? json_string(request_type_name(t->type)) : json_null(),
                     "category_id", id_or_null(t->category_id), "amount", t->limit.amount, "unit",
                     limit_unit_name(t->limit.unit));
}

json_t *json_out_user(store *st, arena *a, const store_user *u)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:I, s:b}", "id", (json_int_t)u->id, "username",
                          u->username, "display_name", u->display_name, "role",
                          role_name(u->role), "unit_id", (json_int_t)u->unit_id, "active",
                          u->active);
    store_unit unit;
    if (o && store_unit_get(st, a, u->unit_id, &unit) == 0)
        json_object_set_new(o, "unit",
                            json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)unit.id,
                                      "code", unit.code, "name_zh", unit.name_zh, "name_en",
                                      unit.name_en, "kind", unit_kind_name(unit.kind)));
    return o;
}

json_t *json_out_token(const store_token *t, int utc_offset_min)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o}", "id", (json_int_t)t->id, "name",
                     t->name, "prefix", t->prefix, "username", t->username, "created_at",
                     json_out_time(t->created_at, utc_offset_min), "revoked_at",
                     json_out_time(t->revoked_at, utc_offset_min), "last_used_at",
                     json_out_time(t->last_used_at, utc_offset_min));
}
