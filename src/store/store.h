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
/* The responsible unit for a category in a district: the deepest category rule (the category
 * itself, then its ancestors), preferring a rule for that district over a citywide one.
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
/* The policy in force for a stage of a request: category (or its nearest ancestor) first,
 * then request type, then the default. HL_ENOTFOUND if none applies. */
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

/* token_hash and csrf are hex strings made by the caller (api/auth.c). */
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
} store_token;

int store_tokens_list(store *s, arena *a, store_token **items, size_t *n);
int store_token_create(store *s, int64_t user_id, const char *name, const char *token_hash,
                       const char *prefix, int64_t *id);
int store_token_revoke(store *s, int64_t id);
/* The active user owning a live token. HL_ENOTFOUND otherwise. */
int store_token_lookup(store *s, arena *a, const char *token_hash, store_user *out);

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
 * (dispatch: an active unit other than the centre; redispatch: a unit strictly below the
 * current one; merge: another open case that is not merged — else HL_EINVAL), the lifecycle
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
    bool visit_pending;      /* replied, or visited without a valid visit */
    int64_t scope_unit;      /* > 0: the caller's unit: lead or co-unit within it */
    case_sort sort;
    int offset, limit;       /* limit 1..200 */
} store_case_query;

/* Cases matching q, a page of them in items, and *total the number of all matches. */
int store_cases_search(store *s, arena *a, const store_case_query *q, store_case **items,
                       size_t *n, int64_t *total);

#endif
