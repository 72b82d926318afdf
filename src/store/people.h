/* people.h — who works with the hotline: users, their login sessions and API tokens, and the
 * audit log of what they saw and changed. Conventions: store/engine.h. */
#ifndef HOTLINE_STORE_PEOPLE_H
#define HOTLINE_STORE_PEOPLE_H
#include "util/err.h"
#include "core/role.h"
#include "store/engine.h"
#include "util/arena.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- users, sessions, tokens -------------------------------------------------------------- */

typedef struct {
    int64_t id, unit_id;
    const char *username, *display_name;
    role role;
    bool active;
    const char *password_hash; /* filled only by store_user_by_username */
    int64_t created_at;        /* set by the store from hotline's clock (util/clock.h) */
} store_user;

/* All users, or those within a unit's subtree when unit_id > 0. */
HL_MUST_CHECK int store_users_list(store *s, arena *a, int64_t unit_id, store_user **items,
                                   size_t *n);
HL_MUST_CHECK int store_user_get(store *s, arena *a, int64_t id, store_user *out);
HL_MUST_CHECK int store_user_by_username(store *s, arena *a, const char *username, store_user *out);
/* The unit must exist and be active. HL_ECONFLICT (username taken), HL_EREF. */
HL_MUST_CHECK int store_user_create(store *s, const store_user *in, int64_t *id);
/* display_name, role, unit, active, password_hash (NULL/0 keep). Deactivating a user ends
 * their sessions and revokes their tokens in the same transaction. HL_ESTATE, and nothing
 * changed, when the change would leave no active administrator where there was one (the city
 * could never be administered again but from the command line); concurrent changes are
 * serialised on it. */
HL_MUST_CHECK int store_user_update(store *s, int64_t id, const store_user *in, bool set_role);

typedef struct {
    store_user user;
    int64_t expires_at;
} store_session;

/* A session of user_id until expires_at, found by token_hash (a hex string made by the caller,
 * api/auth.c). In the same write, removes every session expired at now, so that expired
 * sessions do not pile up while the server runs. HL_ECONFLICT (token_hash taken), HL_EREF
 * (no such user). */
HL_MUST_CHECK int store_session_create(store *s, const char *token_hash, int64_t user_id,
                                       int64_t now, int64_t expires_at);
/* The active user of an unexpired session. HL_ENOTFOUND otherwise. */
HL_MUST_CHECK int store_session_lookup(store *s, arena *a, const char *token_hash, int64_t now,
                                       store_session *out);
HL_MUST_CHECK int store_session_delete(store *s, const char *token_hash);
/* Removes the sessions expired at now; *removed how many. */
HL_MUST_CHECK int store_sessions_purge(store *s, int64_t now, int64_t *removed);

typedef struct {
    int64_t id, user_id;
    const char *name, *prefix, *username;
    int64_t created_at, revoked_at; /* hotline's clock (util/clock.h); revoked_at 0 = live */
    int64_t last_used_at;           /* 0 = never; to the minute */
} store_token;

HL_MUST_CHECK int store_tokens_list(store *s, arena *a, store_token **items, size_t *n);
HL_MUST_CHECK int store_token_create(store *s, int64_t user_id, const char *name,
                                     const char *token_hash, const char *prefix, int64_t *id);
HL_MUST_CHECK int store_token_revoke(store *s, int64_t id);
/* The active user owning a live token. HL_ENOTFOUND otherwise. Notes the token as used at now
 * (a write) when its last use is a minute old or more; a failure to note it is
 * logged and does not refuse the token. */
HL_MUST_CHECK int store_token_lookup(store *s, arena *a, const char *token_hash, int64_t now,
                                     store_user *out);

/* ---- audit log --------------------------------------------------------------------------- */

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

/* Appends an entry (in->id is ignored): committed durably when it returns 0. */
HL_MUST_CHECK int store_audit_add(store *s, const store_audit *in);

typedef struct {
    const char *actor;  /* username, NULL = any */
    const char *action; /* exact, NULL = any */
    int64_t case_id;    /* 0 = any */
    int64_t from, to;   /* at within [from, to]; 0 = open */
    int offset, limit;  /* limit 1..200 */
} store_audit_query;

/* Matching entries, newest first, and *total the number of all matches. */
HL_MUST_CHECK int store_audit_list(store *s, arena *a, const store_audit_query *q,
                                   store_audit **items, size_t *n, int64_t *total);

#endif
