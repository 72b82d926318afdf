/* json_out.h — the one JSON form of each stored object, shared by every endpoint.
 * Each function returns a new reference (NULL only when out of memory). */
#ifndef HOTLINE_API_JSON_OUT_H
#define HOTLINE_API_JSON_OUT_H
#include "store/catalogue.h"
#include "store/people.h"
#include <jansson.h>

/* "2026-11-26T09:05:00+08:00", or null for 0. */
json_t *json_out_time(int64_t unix_s, int utc_offset_min);
json_t *json_out_unit(const store_unit *u);
json_t *json_out_category(const store_category *c);
json_t *json_out_route(const store_route *r);
json_t *json_out_calendar_day(const store_calendar_day *d);
json_t *json_out_time_limit(const store_time_limit *t);
/* The user with their unit ({id, code, name_zh, name_en}) looked up in the store. */
json_t *json_out_user(store *st, arena *a, const store_user *u);
json_t *json_out_token(const store_token *t, int utc_offset_min);

#endif
