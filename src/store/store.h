/* store.h — persistence behind one interface. SQLite now (store_sqlite*.c); a PostgreSQL
 * backend will implement the same functions, so nothing here names a SQLite type.
 *
 * Writes go through one writer thread that group-commits: each write call queues a job and
 * blocks until the transaction holding it has committed (durably), so a request is answered
 * only after its commit. Reads run on a pool of reader connections, concurrently with writes.
 *
 * Conventions: every function returns 0 or a negative HL_E* code (util/err.h). Results that
 * hold strings or lists are allocated from the caller's arena and live as long as it. */
#ifndef HOTLINE_STORE_STORE_H
#define HOTLINE_STORE_STORE_H
#include "core/appraisal.h"
#include "core/calls.h"
#include "core/role.h"
#include "core/taxonomy.h"
#include "core/calendar.h"
#include "core/deadline.h"
#include "core/lifecycle.h"
#include "util/arena.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct store store;

/* ---- lifecycle ------------------------------------------------------------------------ */

/* Opens (creating if needed) the database at path, applies pending migrations, starts the
 * writer thread. Caller owns *out; close with store_close. */
int store_open(const char *path, store **out);
/* Drains queued writes, stops the writer, closes every connection. Accepts NULL. */
void store_close(store *s);
/* Schema version after migrations. */
int store_schema_version(store *s, int *version);
/* Copies the live database into dest_path with the online backup API. */
int store_backup(store *s, const char *dest_path);
/* The same by path, without opening a store (store/backup.c): a consistent snapshot of the
 * database at live_path, even while a server writes to it, written to dest_path.tmp, checked
 * and renamed to dest_path. */
int store_backup_path(const char *live_path, const char *dest_path);
/* Replaces the database at live_path with the backup at backup_path (store/backup.c).
 * HL_EIO when the backup is damaged or not a database, HL_EINVAL when it is not hotline's or
 * has a newer schema, HL_EBUSY while a process (a server) has live_path open. The previous
 * database is kept as live_path.pre-restore. */
int store_restore(const char *backup_path, const char *live_path);

typedef struct {
    uint64_t commits;            /* transactions committed by the writer */
    uint64_t writes;             /* jobs committed */
    uint64_t failed_commits;     /* transactions that could not commit */
    uint64_t batch_hist[8];      /* committed jobs per commit: <=1, 2-3, 4-7, ..., 64-127, 128+ */
    int64_t db_bytes;            /* page_count * page_size */
} store_stats;
int store_get_stats(store *s, store_stats *out);

/* ---- units ---------------------------------------------------------------------------- */

typedef struct {
    int64_t id, parent_id; /* parent_id 0 for the root */
    const char *code, *name_zh, *name_en;
    unit_kind kind;
    bool active;
} store_unit;

int store_units_list(store *s, arena *a, store_unit **items, size_t *n);
int store_unit_get(store *s, arena *a, int64_t id, store_unit *out);
int store_unit_by_code(store *s, arena *a, const char *code, store_unit *out);
/* True in *yes when unit_id is ancestor_id or lies below it. */
int store_unit_within(store *s, int64_t unit_id, int64_t ancestor_id, bool *yes);
/* Creates a unit; checks the parent exists and unit_parent_allowed(kind, parent's kind); only
 * a centre may have no parent, and only one centre may exist. HL_ECONFLICT (code taken or
 * second centre), HL_EREF (parent missing), HL_EINVAL (kind not allowed under that parent). */
int store_unit_create(store *s, const store_unit *in, int64_t *id);
/* Changes names, active flag and parent (parent_id < 0 keeps it). Refuses moves that break
 * the kind rules or make a cycle (HL_EINVAL), deactivating a unit with active children or
 * users (HL_EREF). NULL strings keep the current value. */
int store_unit_update(store *s, int64_t id, const store_unit *in);

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

int store_categories_list(store *s, arena *a, store_category **items, size_t *n);
/* A number that changes whenever any category changes (for caches and ETags). */
int store_categories_version(store *s, int64_t *version);
int store_category_get(store *s, arena *a, int64_t id, store_category *out);
int store_category_by_code(store *s, arena *a, const char *code, store_category *out);
/* Level = parent's level + 1 (at most 3); level-3 categories need type and urgency, others
 * must not have them. HL_ECONFLICT (code taken), HL_EREF (parent missing), HL_EINVAL. */
int store_category_create(store *s, const store_category *in, int64_t *id);
/* Names, keywords, active, and (for leaves) type and urgency; NULL strings keep values. */
int store_category_update(store *s, int64_t id, const store_category *in);

/* ---- routing catalogue ------------------------------------------------------------------ */

typedef struct {
    int64_t id, category_id, district_id /* 0 = citywide */, unit_id;
} store_route;

int store_routes_list(store *s, arena *a, store_route **items, size_t *n);
/* Inserts or replaces the rule for (category, district). District must be a district unit;
 * unit must exist and be active. HL_EREF / HL_EINVAL. */
int store_route_put(store *s, const store_route *in, int64_t *id);
int store_route_delete(store *s, int64_t id);
/* The responsible unit for a category in a district (core/precedence.h route_choose): the
 * deepest category rule, preferring a rule for that district over a citywide one.
 * HL_ENOTFOUND when the catalogue has no rule. *rule_id says which rule decided. */
int store_route_resolve(store *s, int64_t category_id, int64_t district_id, int64_t *unit_id,
                        int64_t *rule_id);

/* ---- calendar --------------------------------------------------------------------------- */

typedef struct {
    int64_t day; /* civil day number (core/civil.h) */
    bool workday; /* true: make-up workday; false: holiday */
    const char *name;
} store_calendar_day;

/* Exceptions with from_day <= day <= to_day, in date order. */
int store_calendar_list(store *s, arena *a, int64_t from_day, int64_t to_day,
                        store_calendar_day **items, size_t *n);
int store_calendar_put(store *s, const store_calendar_day *d);
/* Builds the working calendar from every stored exception. Caller owns *out
 * (calendar_free). */
int store_calendar_build(store *s, int utc_offset_min, calendar **out);
int store_calendar_delete(store *s, int64_t day);

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

int store_time_limits_list(store *s, arena *a, store_time_limit **items, size_t *n);
/* Inserts or replaces the policy for (stage, urgency, type, category). */
int store_time_limit_put(store *s, const store_time_limit *in, int64_t *id);
int store_time_limit_delete(store *s, int64_t id);
/* The policy in force for a stage of a request (core/precedence.h time_limit_choose): category
 * (or its nearest ancestor) first, then request type, then the default. HL_ENOTFOUND if none. */
int store_time_limit_resolve(store *s, stage st, urgency u, request_type t, int64_t category_id,
                             time_limit *out);

/* ---- users, sessions, tokens -------------------------------------------------------------- */

typedef struct {
    int64_t id, unit_id;
    const char *username, *display_name;
    role role;
    bool active;
    const char *password_hash; /* filled only by store_user_by_username */
    int64_t created_at;
} store_user;

/* All users, or those within a unit's subtree when unit_id > 0. */
int store_users_list(store *s, arena *a, int64_t unit_id, store_user **items, size_t *n);
int store_user_get(store *s, arena *a, int64_t id, store_user *out);
int store_user_by_username(store *s, arena *a, const char *username, store_user *out);
/* The unit must exist and be active. HL_ECONFLICT (username taken), HL_EREF. */
int store_user_create(store *s, const store_user *in, int64_t *id);
/* display_name, role, unit, active, password_hash (NULL/0 keep). Deactivating a user ends
 * their sessions and revokes their tokens in the same transaction. */
int store_user_update(store *s, int64_t id, const store_user *in, bool set_role);

typedef struct {
    store_user user;
    const char *csrf_token;
    int64_t expires_at;
} store_session;

/* token_hash is a hex string made by the caller (api/auth.c); csrf is "" since migration 0005
 * (the CSRF token is derived from the cookie and never stored). */
int store_session_create(store *s, const char *token_hash, int64_t user_id, const char *csrf,
                         int64_t expires_at);
/* The active user of an unexpired session. HL_ENOTFOUND otherwise. */
int store_session_lookup(store *s, arena *a, const char *token_hash, int64_t now,
                         store_session *out);
int store_session_delete(store *s, const char *token_hash);
/* Removes expired sessions; *removed how many. */
int store_sessions_purge(store *s, int64_t now, int64_t *removed);

typedef struct {
    int64_t id, user_id;
    const char *name, *prefix, *username;
    int64_t created_at, revoked_at; /* revoked_at 0 = live */
    int64_t last_used_at;           /* 0 = never; to the minute */
} store_token;

int store_tokens_list(store *s, arena *a, store_token **items, size_t *n);
int store_token_create(store *s, int64_t user_id, const char *name, const char *token_hash,
                       const char *prefix, int64_t *id);
int store_token_revoke(store *s, int64_t id);
/* The active user owning a live token. HL_ENOTFOUND otherwise. Notes the token as used at now
 * (through the writer) when its last use is a minute old or more; a failure to note it is
 * logged and does not refuse the token. */
int store_token_lookup(store *s, arena *a, const char *token_hash, int64_t now, store_user *out);

/* ---- cases (requests) and their event log -------------------------------------------------- */

typedef struct {
    int64_t id;
    const char *number; /* "20261126-00042" */
    const char *channel;
    request_type type;
    int64_t category_id;
    urgency urgency;
    bool confidential;
    const char *caller_name, *caller_phone; /* phone: digits only */
    int64_t district_id, street_id;         /* 0 = unknown */
    const char *address;
    bool has_location;
    double lat, lng;
    const char *title, *text;
    int64_t created_by; /* user id, 0 for residents */
    /* registration only: an Open311 request's extras, written in the registration's own
     * transaction. NULL for none. */
    const struct store_open311_extra *open311;
    const char *reply_text; /* the latest reply ("" before one) */
    int64_t current_due;    /* due time of the running stage, 0 when none runs */
    case_snapshot snap;     /* the fold of the event log */
} store_case;

typedef struct {
    int seq;
    case_event ev;
    int64_t actor_id;       /* 0 for residents and the system */
    const char *actor_name; /* display name ("" for residents and the system) */
    const char *reason, *body, *extra; /* extra: JSON text or "" */
    bool is_public;
} store_case_event;

#define STORE_CASE_NUMBER_MAX 32 /* bytes for a request number with its NUL */

/* Registers a case: in's fields, and ev the register event (at, actor, dispatch due).
 * Issues the number from the day's sequence (local date of ev->ev.at with utc_offset_min).
 * *id and number (STORE_CASE_NUMBER_MAX bytes) receive the new case's id and number. */
int store_case_register(store *s, const store_case *in, const store_case_event *ev,
                        int utc_offset_min, int64_t *id, char *number);

typedef struct {
    int64_t scope_unit;     /* > 0: the acting user's unit; the case's lead unit (or, with
                               allow_co, a co-handling unit) must lie within it */
    bool allow_co;
    const int64_t *co_units; /* dispatch: co-handling units (replace the previous ones) */
    size_t n_co;
} store_act_guard;

/* Takes an action on a case in one transaction: checks scope (HL_EFORBIDDEN), the targets
 * (core/targets.h: dispatch to an active unit other than the centre; redispatch to a unit
 * strictly below the current one; merge into another open case — else HL_EINVAL), the lifecycle
 * (core/lifecycle.h: HL_ESTATE or HL_EINVAL), appends the event and rewrites the case row.
 * A valid visit that finds the matter solved appends the automatic close as well.
 * *after (may be NULL) receives the row as it is after the action — or, on HL_ESTATE, as it
 * is now (for the 409 answer). */
int store_case_act(store *s, int64_t case_id, const store_case_event *ev,
                   const store_act_guard *guard, case_snapshot *after);

int store_case_get(store *s, arena *a, int64_t id, store_case *out);
int store_case_by_number(store *s, arena *a, const char *number, store_case *out);
/* The events in order. */
int store_case_events(store *s, arena *a, int64_t case_id, store_case_event **items, size_t *n);
/* Co-handling unit ids. */
int store_case_co_units(store *s, arena *a, int64_t case_id, int64_t **ids, size_t *n);
/* Re-derives a case row from its events (core fold) and compares it with the stored row;
 * *same is true when they agree. For tests and `hotline check`. */
int store_case_verify(store *s, int64_t case_id, bool *same);

/* Checks the whole store: SQLite's integrity check, and every case row against the fold of
 * its events. *cases counts the cases, *differ those whose row disagrees with its log. */
int store_check(store *s, bool *integrity_ok, int64_t *cases, int64_t *differ);

typedef enum { CASE_SORT_NEWEST = 0, CASE_SORT_OLDEST, CASE_SORT_DUE } case_sort;

typedef struct {
    const char *number;
    uint32_t states;         /* bit (1u << case_state); 0 = any */
    int64_t unit_id;         /* lead unit within this subtree; 0 = any */
    int64_t category_id;     /* category within this subtree */
    int64_t district_id;
    const char *channel;
    int urgency;             /* -1 = any */
    int64_t from, to;        /* registered_at range, 0 = open */
    const char *phone;       /* exact digits */
    const char *text;        /* full-text terms (Chinese bigrams / English words) */
    int64_t overdue_at;      /* > 0: only cases whose running stage is overdue at this time */
    int64_t due_before;      /* > 0: only cases whose running stage is due by this time */
    int64_t due_after;       /* > 0: ... and not before this time (due-soon lists) */
    bool extension_pending;
    bool visit_pending;      /* no valid visit: not visited, or the visit was not valid */
    int64_t scope_unit;      /* > 0: the caller's unit: lead or co-unit within it */
    case_sort sort;
    int offset, limit;       /* limit 1..200 */
} store_case_query;

/* Cases matching q, a page of them in items, and *total the number of all matches. */
int store_cases_search(store *s, arena *a, const store_case_query *q, store_case **items,
                       size_t *n, int64_t *total);

/* ---- Open311 GeoReport v2 (store/open311.c, store/open311_search.c) ----------------------- */

/* A district's area: its polygons as JSON text [[[[lng,lat],...], hole...], ...] (the
 * coordinates of a GeoJSON MultiPolygon; migration 0004). */
typedef struct {
    int64_t unit_id;
    const char *rings;
} store_district_area;

/* Inserts or replaces a district's area; HL_EREF when unit_id is not a district unit. */
int store_district_area_put(store *s, int64_t unit_id, const char *rings);
int store_district_areas_list(store *s, arena *a, store_district_area **items, size_t *n);

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
int store_service_attr_put(store *s, const store_service_attr *in, int64_t *id);
/* A category's attributes in order; category_id 0 = every category's (by category, order). */
int store_service_attrs_list(store *s, arena *a, int64_t category_id, store_service_attr **items,
                             size_t *n);

typedef struct {
    const char *code, *value;
} store_case_attr;

/* What an Open311 request carries beyond its case. Strings may be NULL (stored as ""). */
typedef struct store_open311_extra {
    const char *email, *device_id, *account_id, *media_url, *address_id, *zipcode;
    const store_case_attr *attrs; /* answers; a multivaluelist answer is one entry per key */
    size_t nattrs;
} store_open311_extra;

/* A case's answers, by code. */
int store_case_attrs(store *s, arena *a, int64_t case_id, store_case_attr **items, size_t *n);
/* When the service catalogue (categories, attributes) last changed: sortable UTC text. */
int store_open311_changeset(store *s, arena *a, const char **out);
/* The case a city import made from that city's request id (hotline import --open311).
 * HL_ENOTFOUND when there is none. */
int store_open311_imported(store *s, const char *city, const char *import_id, int64_t *case_id);

/* A request as Open311 shows it. */
typedef struct {
    store_case k;
    const char *service_code, *service_name; /* the category's code and Chinese name */
    const char *agency;                      /* the lead unit's name, or the centre's */
    const char *media_url, *address_id, *zipcode; /* "" when none */
} store_open311_request;

typedef struct {
    const char *const *ids; /* request numbers or imported ids; when n_ids > 0, the only filter */
    size_t n_ids;
    const int64_t *category_ids; /* any of these (exactly), when n_categories > 0 */
    size_t n_categories;
    int64_t from, to;            /* registered_at within [from, to]; 0 = open */
    uint32_t states;             /* bit (1u << case_state); 0 = any */
    int offset, limit;           /* limit 1..1000 */
} store_open311_query;

/* The newest matching requests first; never a confidential request (Open311 is public).
 * HL_ERANGE for more than 1000 ids or categories. */
int store_open311_requests(store *s, arena *a, const store_open311_query *q,
                           store_open311_request **items, size_t *n);

/* A public event of some request (the servicerequestupdates feed). */
typedef struct {
    int64_t id; /* the event's id: increases with every event */
    const char *number;
    case_action action;
    int64_t at;
    const char *body;      /* reply or direct answer text, else "" */
    const char *unit_name; /* dispatch, re-dispatch, reopen: the unit's name, else "" */
    int64_t reply_due;     /* approve_extension: the granted reply due time, else 0 */
    const char *media_url; /* the request's media link, "" when none */
} store_open311_update;

/* Public events with at within [from, to], oldest first; none of confidential requests. */
int store_open311_updates(store *s, arena *a, int64_t from, int64_t to, int offset, int limit,
                          store_open311_update **items, size_t *n);

/* ---- audit log (store/audit.c, migration 0005) --------------------------------------------- */

typedef struct {
    int64_t id, at;
    int64_t actor_id;              /* 0: nobody logged in */
    const char *actor, *role;      /* username and role name at the time; "" when unknown */
    int64_t unit_id;               /* the actor's unit, 0 for none */
    const char *action;            /* "case.reveal", "auth.login_failed", "units.update", ... */
    const char *object, *object_id; /* "case", "12"; "calendar", "2027-01-01"; "" for none */
    int64_t case_id;               /* the request concerned, 0 for none */
    const char *case_number;       /* its number, read by store_audit_list ("" for none) */
    const char *detail, *client;   /* a reason or a change (never a secret); client address */
} store_audit;

/* Appends an entry (in->id is ignored) through the writer: on disk when it returns 0. */
int store_audit_add(store *s, const store_audit *in);

typedef struct {
    const char *actor;  /* username, NULL = any */
    const char *action; /* exact, NULL = any */
    int64_t case_id;    /* 0 = any */
    int64_t from, to;   /* at within [from, to]; 0 = open */
    int offset, limit;  /* limit 1..200 */
} store_audit_query;

/* Matching entries, newest first, and *total the number of all matches. */
int store_audit_list(store *s, arena *a, const store_audit_query *q, store_audit **items,
                     size_t *n, int64_t *total);

/* ---- calls (store/calls.c, store/calls_list.c, migration 0011) ----------------------------- */

/* A request linked to a call. */
typedef struct {
    int64_t id;
    const char *number;
} store_call_case;

/* A call as the switch reported it (core/calls.h). Times are 0 until reported. */
typedef struct {
    int64_t id;
    const char *call_id, *caller; /* caller: digits */
    int64_t agent_id;             /* 0 = not answered */
    const char *agent_username, *agent_name; /* "" when none */
    call_times t;
    int64_t placed_at;            /* call_placed_at: by this lists and figures select a period */
    store_call_case *cases;       /* the requests linked to it (by request id) */
    size_t ncases;
} store_call;

/* One event of a call from the switch (POST /api/calls). */
typedef struct {
    const char *call_id;
    call_event event;
    int64_t at;
    const char *caller; /* digits; NULL = not given */
    int64_t agent_id;   /* answered: the call-taker (checked by the caller of this function) */
} store_call_report;

/* Applies a reported event to the call with that call_id through the writer (core/calls.h
 * call_apply), creating the call when the switch has not reported it before — which needs the
 * caller (HL_ENOTFOUND without). *id receives the call's id, *created whether it is new,
 * *changed whether anything changed (false for the same event again). HL_EINVAL when `at` is
 * before the call's latest event, HL_ESTATE for an answer after the end. */
int store_call_report_event(store *s, const store_call_report *in, int64_t *id, bool *created,
                            bool *changed);
/* The call with its linked requests. HL_ENOTFOUND. */
int store_call_get(store *s, arena *a, int64_t id, store_call *out);
/* The agent's call in progress at now (core/calls.h call_in_progress), the latest answered;
 * HL_ENOTFOUND when none. */
int store_call_current(store *s, arena *a, int64_t agent_id, int64_t now, store_call *out);
/* Links a request to the agent's call in progress at now whose caller is `caller` (the latest
 * such call), through the writer; *call_id receives the call's id. HL_ENOTFOUND when the agent
 * has no such call. Linking twice is not an error. */
int store_call_link_case(store *s, int64_t agent_id, const char *caller, int64_t case_id,
                         int64_t now, int64_t *call_id);
/* The calls a request is linked to, oldest first (cases not filled). */
int store_case_calls(store *s, arena *a, int64_t case_id, store_call **items, size_t *n);

typedef struct {
    int64_t from, to;  /* placed_at within [from, to); 0 = open */
    int64_t agent_id;  /* answered by this user; 0 = any */
    int offset, limit; /* limit 1..200 */
} store_call_query;

/* Matching calls, newest first, each with its linked requests; *total counts all matches. */
int store_calls_list(store *s, arena *a, const store_call_query *q, store_call **items,
                     size_t *n, int64_t *total);

/* The sums of the calls placed within [from, to): all of them in *total, and by the local hour
 * (utc_offset_min) they were placed in. */
int store_call_sums(store *s, int64_t from, int64_t to, int utc_offset_min, call_counts *total,
                    call_counts by_hour[24]);

/* A whole call for a history (hotline generate): its times (core/calls.h), who answered
 * (0 = nobody) and the request registered during it (0 = none). */
typedef struct {
    const char *call_id, *caller;
    int64_t agent_id, case_id;
    call_times t;
} store_call_record;

/* Writes n whole calls in one writer job (a history writes thousands: one round trip for
 * many). HL_ECONFLICT when a call_id is taken, HL_EINVAL for a call with no time or times out
 * of order; nothing is written then. */
int store_calls_put(store *s, const store_call_record *calls, size_t n);

/* ---- knowledge base, suggestion models, duplicates, sensitive words (issue 7: store/kb.c,
 * store/kb_report.c, store/suggest_data.c, store/duplicates.c; migration 0007) ------------- */

/* A knowledge-base article. Dates are "YYYY-MM-DD" (local) or "" for none. */
typedef struct {
    int64_t id;
    const char *title, *body;
    int64_t category_id; /* 0 = general */
    int64_t unit_id;     /* the owning unit */
    const char *valid_from, *valid_to, *next_review;
    int64_t created_by, updated_by; /* user ids, 0 = none (seeded) */
    int64_t created_at, updated_at;
    /* filled by reads */
    const char *category_name, *unit_name; /* "" when none */
    const char *created_by_name, *updated_by_name; /* display names, "" for none (seeded) */
    double score; /* search relevance (bm25, higher is better); 0 in lists */
} store_kb_article;

/* Checks that the category (if any) and the unit exist (HL_EREF). created_at/updated_at and
 * created_by/updated_by are taken from in. */
int store_kb_article_create(store *s, const store_kb_article *in, int64_t *id);
/* Changes the given fields: NULL strings keep their value, "" clears a date; category_id < 0
 * keeps it (0 clears), unit_id 0 keeps it. Sets updated_by and updated_at from in.
 * HL_ENOTFOUND, HL_EREF. */
int store_kb_article_update(store *s, int64_t id, const store_kb_article *in);
int store_kb_article_get(store *s, arena *a, int64_t id, store_kb_article *out);

typedef struct {
    const char *text;    /* search words (Chinese bigrams / English words); NULL = list all */
    const char *today;   /* "YYYY-MM-DD": with valid_only, only articles in force that day */
    bool valid_only;
    int64_t category_id; /* within this category's subtree; 0 = any */
    int64_t unit_id;     /* owned within this unit's subtree; 0 = any */
    int offset, limit;   /* limit 1..200 */
} store_kb_query;

/* With text: ranked by bm25 over title (weighted 3) and body; any of the words' terms may
 * match, more and rarer matches rank higher. Without: newest updated first. *total counts all
 * matches. HL_EINVAL when text has no searchable term. */
int store_kb_search(store *s, arena *a, const store_kb_query *q, store_kb_article **items,
                    size_t *n, int64_t *total);

/* One direct answer citing an article that was followed by a new request from the same
 * caller phone within the window. */
typedef struct {
    const char *answered, *followup; /* request numbers */
    int64_t answered_at, followup_at;
} store_kb_repeat;

/* An article in the maintenance report. */
typedef struct {
    store_kb_article a;
    int64_t answers;         /* direct answers citing it since the report's start */
    int64_t repeated;        /* of those, answers followed by a new request (distinct) */
    store_kb_repeat *repeats; /* every (answer, follow-up) pair, oldest answer first */
    size_t nrepeats;
} store_kb_report_item;

/* Articles whose next_review is on or before today (oldest review first), and articles whose
 * direct answers since `since` were followed by a new request from the same caller within
 * window_s (most repeats first). unit_id > 0 limits both to articles owned within that unit. */
int store_kb_report(store *s, arena *a, const char *today, int64_t since, int64_t window_s,
                    int64_t unit_id, store_kb_report_item **review, size_t *nreview,
                    store_kb_report_item **repeats, size_t *nrepeats);

/* A trained suggestion model ("category" or "unit") and what training said of it. */
typedef struct {
    const char *name;
    int64_t version, trained_at, samples, classes;
    double cv_top1, cv_top3;
    const unsigned char *data;
    size_t len;
} store_model;

/* Stores the models in one transaction under a new version (max + 1), returned in *version. */
int store_models_put(store *s, const store_model *models, size_t n, int64_t *version);
/* The newest version stored (0 when none) — cheap, for polling. */
int store_models_version(store *s, int64_t *version);
/* The model called name: *data is a malloc'd copy (the caller frees it; models are megabytes,
 * beyond a request arena's purpose), out->data points at it. HL_ENOTFOUND when none. */
int store_model_get(store *s, const char *name, store_model *out, unsigned char **data);

/* A closed request (not invalid) to learn from. */
typedef struct {
    int64_t id, category_id, category_parent, district_id;
    int64_t unit_id; /* the unit of its last dispatch by the centre; 0 when never dispatched */
    const char *title, *text; /* valid during the callback only */
} store_training_row;

typedef int (*store_training_fn)(void *ctx, const store_training_row *row);
/* Calls fn for the newest `limit` closed requests, newest first, inside one read; a non-zero
 * return from fn stops and is returned. */
int store_training_rows(store *s, int64_t limit, store_training_fn fn, void *ctx);

/* The sensitive-word list, sorted. */
int store_sensitive_words(store *s, arena *a, const char ***words, size_t *n);
/* Replaces the whole list (duplicates collapse) in one transaction. */
int store_sensitive_words_put(store *s, const char *const *words, size_t n, int64_t now);

/* What duplicate detection reads of a request: a few columns, not the whole row, because it
 * reads many at every registration. */
typedef struct {
    int64_t id, category_id, district_id, unit_id, merged_into; /* 0 = none */
    const char *number, *address, *title, *text;
    case_state state;
    bool has_location;
    double lat, lng;
    int64_t registered_at;
} store_dup_case;

/* Open requests that may be the same problem as a request: registered within [from, to],
 * not closed or merged, other than exclude_id, and either of category_id (and of district_id
 * or of no district, when district_id > 0) or at the same (non-empty) address. Newest first,
 * at most limit (1..1000). */
typedef struct {
    int64_t exclude_id, from, to, category_id, district_id;
    const char *address;
    int limit;
} store_dup_query;
int store_dup_candidates(store *s, arena *a, const store_dup_query *q, store_dup_case **items,
                         size_t *n);
/* Open requests (neither closed nor merged) registered at or after since, newest first, at
 * most limit (1..5000): the material of the dashboard's similar-request clusters. */
int store_cases_open_since(store *s, arena *a, int64_t since, int limit, store_dup_case **items,
                           size_t *n);
/* Every request merged into a master that now has at least min_merged of them, with the
 * master itself, for masters still open or registered at or after since; ordered by master
 * (newest first), master first, then the merged ones by registration. */
int store_merge_clusters(store *s, arena *a, int64_t since, int min_merged,
                         store_dup_case **items, size_t *n);
/* How many requests are merged into master_id. */
int store_merged_count(store *s, int64_t master_id, int64_t *n);

/* ---- appraisal and analytics (store/appraisal*.c, store/analytics.c, store/rollup.c) ------ */

typedef struct {
    int64_t id;
    const char *name;
    int64_t effective_from, effective_to; /* civil days; effective_to 0 = open-ended */
    appraisal_scheme scheme;
    int64_t created_at;
} store_appraisal_scheme;

/* Every scheme, by effective_from then id. */
int store_appraisal_schemes_list(store *s, arena *a, store_appraisal_scheme **items, size_t *n);
/* Adds a scheme; HL_EINVAL when appraisal_scheme_check fails, the name is empty or
 * effective_to is before effective_from. */
int store_appraisal_scheme_create(store *s, const store_appraisal_scheme *in, int64_t *id);
/* The scheme in force on a day: of those with effective_from <= day <= effective_to (or
 * open-ended), the latest effective_from, then the highest id. HL_ENOTFOUND when none. */
int store_appraisal_scheme_at(store *s, arena *a, int64_t day, store_appraisal_scheme *out);

typedef struct {
    int64_t unit_id;
    appraisal_counts c; /* the unit's own, without its sub-units */
} store_unit_counts;

/* Each unit's own counts over the requests registered from_day..to_day (civil days,
 * inclusive), from the rollups; units with nothing are left out. */
int store_appraisal_counts(store *s, arena *a, int64_t from_day, int64_t to_day,
                           store_unit_counts **items, size_t *n);

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
    int offset, limit; /* limit 1..1000 */
} store_drill_query;

/* The requests behind one figure of store_appraisal_counts summed over the unit's subtree, in
 * registration order; *total is the figure itself. For the return indicator each return
 * request is one item (a request returned twice appears twice). */
int store_appraisal_drill(store *s, arena *a, const store_drill_query *q, store_case **items,
                          size_t *n, int64_t *total);

/* A request that cost a unit points: the unit charged and which indicators (bit
 * 1u << appraisal_indicator). */
typedef struct {
    store_case k;
    int64_t unit_id;
    uint32_t indicators;
} store_cost;

typedef int (*store_cost_fn)(const store_cost *c, void *ud);
/* Calls fn for every request of the period that cost a unit within unit_id's subtree (0 = any
 * unit) points, by unit then registration; a return request is its own item, charged to the
 * unit that asked. fn's non-zero result stops the walk and is returned. */
int store_appraisal_costs_each(store *s, int64_t unit_id, int64_t from_day, int64_t to_day,
                               store_cost_fn fn, void *ud);

/* Recomputes the rollups from the case rows and events; *same when they agree. */
int store_rollup_verify(store *s, bool *same);

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
int store_volume_by(store *s, arena *a, store_dim dim, int64_t from_day, int64_t to_day,
                    store_volume_item **items, size_t *n);

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
int store_volume_days(store *s, arena *a, const store_volume_filter *f, int64_t from_day,
                      int64_t to_day, store_day_count **items, size_t *n);

/* The times of a request, for durations. */
typedef struct {
    int64_t unit_id, category_id; /* unit 0: never dispatched */
    int64_t registered_at, signed_at, replied_at, closed_at; /* 0 = not yet */
    bool done; /* closed after reply and visit (not answered, invalid or merged) */
} store_case_times;

typedef int (*store_times_fn)(const store_case_times *t, void *ud);
/* Calls fn for every request registered from_day..to_day (read from an index alone); fn's
 * non-zero result stops the walk and is returned. */
int store_case_times_each(store *s, int64_t from_day, int64_t to_day, store_times_fn fn,
                          void *ud);

typedef struct {
    int64_t unit_id; /* 0: not dispatched (registered, waiting for dispatch) */
    case_state state;
    int64_t n;
} store_overdue_count;

/* Open requests whose running stage is past due at now, by unit and state. */
int store_overdue_counts(store *s, arena *a, int64_t now, store_overdue_count **items,
                         size_t *n);

typedef int (*store_case_fn)(const store_case *k, void *ud);
/* Calls fn for each request matching q (its filters and sort; offset and limit ignored), at
 * most max of them; fn's non-zero result stops the walk and is returned. For exports. */
int store_cases_each(store *s, const store_case_query *q, int64_t max, store_case_fn fn,
                     void *ud);

/* One request with its whole history, for store_bulk_import. */
typedef struct {
    store_case k;                   /* as for store_case_register (k.snap is ignored) */
    const store_case_event *events; /* register first, then every action in order */
    size_t nevents;
} store_bulk_case;

/* Writes n requests with their histories in one transaction, bypassing the per-request
 * writer round trip: each history is folded by core/lifecycle exactly as store_case_act
 * would (a history it refuses fails the call, *bad = its index), numbered by the local day of
 * its first event, indexed for search, and added to the rollups. An id that refers to no
 * unit, category, user or request fails the call with HL_EREF. For history imports. */
int store_bulk_import(store *s, const store_bulk_case *cases, size_t n, int utc_offset_min,
                      size_t *bad);
/* The same as a session: statements are prepared once and kept across calls (much faster for
 * many chunks). Caller owns *out; close it with store_bulk_close before store_close. */
typedef struct store_bulk store_bulk;
int store_bulk_open(store *s, store_bulk **out);
int store_bulk_write(store_bulk *b, const store_bulk_case *cases, size_t n, int utc_offset_min,
                     size_t *bad);
/* Accepts NULL. */
void store_bulk_close(store_bulk *b);
/* known[i]: whether a request imported from source with the id ids[i] is in the store (its
 * register event's extra is {"source": source, "import_id": ids[i], ...}); a NULL id is never
 * known. So that running an import again, after it stopped halfway or on a file that overlaps
 * an earlier one, adds only what is missing. 0 or HL_E*. */
int store_imported(store *s, const char *source, const char *const *ids, size_t n, bool *known);

#endif
