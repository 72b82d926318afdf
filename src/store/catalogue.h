/* catalogue.h — what the centre configures and every request is measured against: the units,
 * the categories, the routing rules, the working calendar, the time limits, the districts'
 * areas and the Open311 service definitions. Conventions: store/engine.h. */
#ifndef HOTLINE_STORE_CATALOGUE_H
#define HOTLINE_STORE_CATALOGUE_H
#include "util/err.h"
#include "core/calendar.h"
#include "core/deadline.h"
#include "core/taxonomy.h"
#include "store/engine.h"
#include "util/arena.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- units ---------------------------------------------------------------------------- */

typedef struct {
    int64_t id, parent_id; /* parent_id 0 for the root */
    const char *code, *name_zh, *name_en;
    unit_kind kind;
    bool active;
} store_unit;

HL_MUST_CHECK int store_units_list(store *s, arena *a, store_unit **items, size_t *n);
HL_MUST_CHECK int store_unit_get(store *s, arena *a, int64_t id, store_unit *out);
HL_MUST_CHECK int store_unit_by_code(store *s, arena *a, const char *code, store_unit *out);
/* True in *yes when unit_id is ancestor_id or lies below it. */
HL_MUST_CHECK int store_unit_within(store *s, int64_t unit_id, int64_t ancestor_id, bool *yes);
/* Creates a unit; checks the parent exists and unit_parent_allowed(kind, parent's kind); only
 * a centre may have no parent, and only one centre may exist. HL_ECONFLICT (code taken or
 * second centre), HL_EREF (parent missing), HL_EINVAL (kind not allowed under that parent). */
HL_MUST_CHECK int store_unit_create(store *s, const store_unit *in, int64_t *id);
/* Changes names, active flag and parent (parent_id < 0 keeps it). Refuses moves that break
 * the kind rules or make a cycle (HL_EINVAL), deactivating a unit with active children or
 * users (HL_EREF). NULL strings keep the current value. */
HL_MUST_CHECK int store_unit_update(store *s, int64_t id, const store_unit *in);

/* ---- categories ----------------------------------------------------------------------- */

typedef struct {
    int64_t id, parent_id; /* 0 for level 1 */
    const char *code, *name_zh, *name_en;
    int level;                /* 1..3 */
    bool leaf_fields;         /* request_type and urgency are set (level 3) */
    request_type type;
    urgency urgency;
    const char *keywords; /* space-separated */
    bool active;
} store_category;

HL_MUST_CHECK int store_categories_list(store *s, arena *a, store_category **items, size_t *n);
/* A number that changes whenever any category changes (for caches and ETags). */
HL_MUST_CHECK int store_categories_version(store *s, int64_t *version);
HL_MUST_CHECK int store_category_get(store *s, arena *a, int64_t id, store_category *out);
HL_MUST_CHECK int store_category_by_code(store *s, arena *a, const char *code, store_category *out);
/* Level = parent's level + 1 (at most 3); level-3 categories need type and urgency, others
 * must not have them. HL_ECONFLICT (code taken), HL_EREF (parent missing), HL_EINVAL. */
HL_MUST_CHECK int store_category_create(store *s, const store_category *in, int64_t *id);
/* Names, keywords, active, and (for leaves) type and urgency; NULL strings keep values. */
HL_MUST_CHECK int store_category_update(store *s, int64_t id, const store_category *in);

/* ---- routing catalogue ------------------------------------------------------------------ */

typedef struct {
    int64_t id, category_id, district_id /* 0 = citywide */, unit_id;
} store_route;

HL_MUST_CHECK int store_routes_list(store *s, arena *a, store_route **items, size_t *n);
/* Inserts or replaces the rule for (category, district). District must be a district unit;
 * unit must exist and be active. HL_EREF / HL_EINVAL. */
HL_MUST_CHECK int store_route_put(store *s, const store_route *in, int64_t *id);
HL_MUST_CHECK int store_route_delete(store *s, int64_t id);
/* The responsible unit for a category in a district (core/precedence.h route_choose): the
 * deepest category rule, preferring a rule for that district over a citywide one.
 * HL_ENOTFOUND when the catalogue has no rule. *rule_id says which rule decided. */
HL_MUST_CHECK int store_route_resolve(store *s, int64_t category_id, int64_t district_id,
                                      int64_t *unit_id, int64_t *rule_id);

/* ---- calendar --------------------------------------------------------------------------- */

typedef struct {
    int64_t day; /* civil day number (core/civil.h) */
    bool workday; /* true: make-up workday; false: holiday */
    const char *name;
} store_calendar_day;

/* Exceptions with from_day <= day <= to_day, in date order. */
HL_MUST_CHECK int store_calendar_list(store *s, arena *a, int64_t from_day, int64_t to_day,
                                      store_calendar_day **items, size_t *n);
HL_MUST_CHECK int store_calendar_put(store *s, const store_calendar_day *d);
/* Builds the working calendar from every stored exception. Caller owns *out
 * (calendar_free). */
HL_MUST_CHECK int store_calendar_build(store *s, int utc_offset_min, calendar **out);
HL_MUST_CHECK int store_calendar_delete(store *s, int64_t day);

/* ---- time limits ------------------------------------------------------------------------ */

typedef struct {
    int64_t id;
    stage stage;
    urgency urgency;
    bool has_type;
    request_type type;
    int64_t category_id; /* 0 = any */
    time_limit limit;
} store_time_limit;

HL_MUST_CHECK int store_time_limits_list(store *s, arena *a, store_time_limit **items, size_t *n);
/* Inserts or replaces the policy for (stage, urgency, type, category). */
HL_MUST_CHECK int store_time_limit_put(store *s, const store_time_limit *in, int64_t *id);
HL_MUST_CHECK int store_time_limit_delete(store *s, int64_t id);
/* The policy in force for a stage of a request (core/precedence.h time_limit_choose): category
 * (or its nearest ancestor) first, then request type, then the default. HL_ENOTFOUND if none. */
HL_MUST_CHECK int store_time_limit_resolve(store *s, stage st, urgency u, request_type t,
                                           int64_t category_id, time_limit *out);

/* ---- district areas and the Open311 service definitions ---------------------------------- */

/* A district's area: its polygons as JSON text [[[[lng,lat],...], hole...], ...] (the
 * coordinates of a GeoJSON MultiPolygon). */
typedef struct {
    int64_t unit_id;
    const char *rings;
} store_district_area;

/* Inserts or replaces a district's area; HL_EREF when unit_id is not a district unit. */
HL_MUST_CHECK int store_district_area_put(store *s, int64_t unit_id, const char *rings);
HL_MUST_CHECK int store_district_areas_list(store *s, arena *a, store_district_area **items,
                                            size_t *n);

/* One question of a category's service definition. */
typedef struct {
    int64_t id, category_id;
    const char *code;     /* unique within the category */
    const char *datatype; /* string, number, datetime, text, singlevaluelist, multivaluelist */
    bool required, variable;
    const char *description, *datatype_description;
    int order;            /* 1.., unique within the category */
    const char *values;   /* JSON [{"key","name"}] for the list datatypes, "[]" otherwise */
} store_service_attr;

/* Inserts or replaces the attribute (category_id, code). HL_EREF when the category is not a
 * leaf; HL_ECONFLICT when another attribute of the category has that order; HL_EINVAL for a
 * datatype outside the six or an order below 1. */
HL_MUST_CHECK int store_service_attr_put(store *s, const store_service_attr *in, int64_t *id);
/* A category's attributes in order; category_id 0 = every category's (by category, order). */
HL_MUST_CHECK int store_service_attrs_list(store *s, arena *a, int64_t category_id,
                                           store_service_attr **items, size_t *n);

/* When the service catalogue (categories, attributes) last changed: sortable UTC text. */
HL_MUST_CHECK int store_open311_changeset(store *s, arena *a, const char **out);

#endif
