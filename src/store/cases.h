/* cases.h — requests (cases) and their event log: registering and acting on them, reading and
 * searching them, the Open311 extras and public views of them, and the candidates of duplicate
 * detection. A case row is always the fold of its events (core/lifecycle.h).
 * Conventions: store/engine.h. */
#ifndef HOTLINE_STORE_CASES_H
#define HOTLINE_STORE_CASES_H
#include "util/err.h"
#include "core/lifecycle.h"
#include "core/taxonomy.h"
#include "store/engine.h"
#include "util/arena.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
    /* registration only: the client's Idempotency-Key (NULL: none), written with the request
     * in the registration's own transaction (store_case_register) */
    const char *idempotency_key;
    const char *reply_text; /* the latest reply ("" before one) */
    int64_t current_due;    /* due time of the running stage, 0 when none runs */
    case_snapshot snap;     /* the fold of the event log */
} store_case;

typedef struct {
    int seq;
    case_event ev;
    int64_t actor_id;       /* 0 for residents and the system */
    const char *actor_name; /* display name ("" for residents and the system) */
    const char *reason, *body;
    /* what some actions carry besides (0, NULL or none when absent) */
    int64_t article_id; /* answer: the knowledge-base article the answer follows */
    const char *basis;  /* request_return: what the unit's return relies on */
    int64_t co_units[LIFECYCLE_CO_UNITS_MAX]; /* dispatch: the co-handling units (they replace
                                                 the previous ones) */
    int n_co;
    const char *import_source, *import_id; /* register of an imported request: where it comes
                                              from and its id there */
    bool is_public; /* residents see it: the action specification's is_public */
} store_case_event;

#define STORE_CASE_NUMBER_MAX 32 /* bytes for a request number with its NUL */

/* Registers a case: in's fields, and ev the register event (at, actor, dispatch due).
 * Issues the number from the day's sequence (local date of ev->ev.at with utc_offset_min).
 * *id and number (STORE_CASE_NUMBER_MAX bytes) receive the new case's id and number.
 * With in->idempotency_key, a key its registrar (in->created_by, 0 for residents) has already
 * registered a request with writes nothing: HL_ECONFLICT, and *id and number receive that
 * request's (the one meaning of HL_ECONFLICT here). */
HL_MUST_CHECK int store_case_register(store *s, const store_case *in, const store_case_event *ev,
                                      int utc_offset_min, int64_t *id, char *number);

typedef struct {
    int64_t scope_unit;     /* > 0: the acting user's unit; the case's lead unit (or, with
                               allow_co, a co-handling unit) must lie within it */
    bool allow_co;
} store_act_guard;

/* Takes an action on a case in one transaction: checks scope (HL_EFORBIDDEN), the targets
 * (core/targets.h: dispatch to an active unit other than the centre, co-handling units likewise
 * and other than the lead and each other; redispatch to a unit strictly below the current one;
 * merge into another open case — else HL_EINVAL), the lifecycle (core/lifecycle.h: HL_ESTATE or HL_EINVAL),
 * appends the event and rewrites the case row. The event the log gains by itself after it
 * (lifecycle_follow_up: the close after a valid visit that found the matter solved) is
 * appended in the same transaction.
 * *after (may be NULL) receives the row as it is after the action — or, on HL_ESTATE, as it
 * is now (for the 409 answer). */
HL_MUST_CHECK int store_case_act(store *s, int64_t case_id, const store_case_event *ev,
                                 const store_act_guard *guard, case_snapshot *after);

HL_MUST_CHECK int store_case_get(store *s, arena *a, int64_t id, store_case *out);
HL_MUST_CHECK int store_case_by_number(store *s, arena *a, const char *number, store_case *out);
/* The events in order. */
HL_MUST_CHECK int store_case_events(store *s, arena *a, int64_t case_id, store_case_event **items,
                                    size_t *n);
/* Co-handling unit ids. */
HL_MUST_CHECK int store_case_co_units(store *s, arena *a, int64_t case_id, int64_t **ids,
                                      size_t *n);
/* Re-derives a case row from its events (core fold) and compares it with the stored row;
 * *same is true when they agree. For tests and `hotline check`. */
HL_MUST_CHECK int store_case_verify(store *s, int64_t case_id, bool *same);

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
HL_MUST_CHECK int store_cases_search(store *s, arena *a, const store_case_query *q,
                                     store_case **items, size_t *n, int64_t *total);

/* ---- Open311 GeoReport v2: a request's extras and the public views ---------------------- */

/* An answer to a question of the service definition (catalogue.h store_service_attr). */
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
HL_MUST_CHECK int store_case_attrs(store *s, arena *a, int64_t case_id, store_case_attr **items,
                                   size_t *n);

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
HL_MUST_CHECK int store_open311_requests(store *s, arena *a, const store_open311_query *q,
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
HL_MUST_CHECK int store_open311_updates(store *s, arena *a, int64_t from, int64_t to, int offset,
                                        int limit, store_open311_update **items, size_t *n);

/* ---- duplicates and merges -------------------------------------------------------------- */

/* What duplicate detection reads of a request: a few of its fields, not the whole request,
 * because it reads many at every registration. */
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
HL_MUST_CHECK int store_dup_candidates(store *s, arena *a, const store_dup_query *q,
                                       store_dup_case **items, size_t *n);
/* Open requests (neither closed nor merged) registered at or after since, newest first, at
 * most limit (1..5000): the material of the dashboard's similar-request clusters. */
HL_MUST_CHECK int store_cases_open_since(store *s, arena *a, int64_t since, int limit,
                                         store_dup_case **items, size_t *n);
/* Every request merged into a master that now has at least min_merged of them, with the
 * master itself, for masters still open or registered at or after since; ordered by master
 * (newest first), master first, then the merged ones by registration. */
HL_MUST_CHECK int store_merge_clusters(store *s, arena *a, int64_t since, int min_merged,
                                       store_dup_case **items, size_t *n);
/* How many requests are merged into master_id. */
HL_MUST_CHECK int store_merged_count(store *s, int64_t master_id, int64_t *n);

#endif
