/* pg_sessions.c — login sessions and API tokens on PostgreSQL (sessions.c is SQLite's), both
 * looked up by a hash of the secret the client holds; the secrets themselves are never
 * stored. Both live in the database, so a session made on one server is valid on every
 * other, and a revocation or logout reaches them all at once. */
#include "store/people.h"
#include "store/pg/pg_store.h"
#include "store/pg/pg_users.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/log.h"

struct purge_args {
    int64_t now, *removed;
};

static int purge_fn(pg_conn *c, void *arg)
{
    struct purge_args *p = arg;
    int changes = 0;
    int rc = pg_exec(c, &changes, "DELETE FROM sessions WHERE expires_at<=$1", "i", p->now);
    *p->removed = changes;
    return rc;
}

/* The advisory lock a login's purge holds: "hlpurge" in ASCII (as pg_migrate.c spells its own),
 * so whoever sees it in pg_locks can tell */
#define PURGE_LOCK INT64_C(29392627840477029)

/* A login's purge, unless another login (on any server) is purging now: it removes the same
 * rows, and two purges deleting them at once only make one of them fail to serialize. */
static int login_purge_fn(pg_conn *c, void *arg)
{
    int64_t mine = 0;
    int rc = pg_int1(c, &mine, "SELECT pg_try_advisory_xact_lock($1)", "i", PURGE_LOCK);
    if (rc || !mine) return rc;
    return purge_fn(c, arg);
}

struct session_args {
    const char *hash;
    int64_t user_id, now, expires_at;
};

static int session_create_fn(pg_conn *c, void *arg)
{
    struct session_args *a = arg;
    return pg_exec(c, NULL,
                   "INSERT INTO sessions(token_hash, user_id, created_at, expires_at)"
                   " VALUES($1,$2,$3,$4)",
                   "tiii", a->hash, a->user_id, a->now, a->expires_at);
}

/* Every login also purges: nothing else runs periodically in the store, and a login is when
 * the table grows. The purge commits first, in a transaction of its own: inside the login's,
 * its read of the whole table and the insert made every two concurrent logins a read/write
 * cycle that SERIALIZABLE refuses (measured: 105 of 160 logins from 8 threads on two servers
 * answered HL_EBUSY). Apart, and one purge at a time (login_purge_fn), 16 logins a round for
 * ten rounds on two servers are all made (test_pg_people_catalogue). A purge skipped for
 * another, or that still fails to serialize (HL_EBUSY), leaves its rows to that one or the
 * next login, and this login goes on: an expired session is refused by every lookup anyway,
 * the purge only frees its row. Any other failure refuses the login with nothing written. */
int postgres_session_create(store *s, const char *token_hash, int64_t user_id, int64_t now,
                            int64_t expires_at)
{
    int64_t removed = 0;
    struct purge_args p = {now, &removed};
    int rc = pg_store_write(s, login_purge_fn, &p);
    if (rc == HL_EBUSY) log_debug("store: the sessions purge gave way to a concurrent one");
    else if (rc) return rc;
    struct session_args a = {token_hash, user_id, now, expires_at};
    return pg_store_write(s, session_create_fn, &a);
}

static int read_session(pg_q *q, arena *a, void *item)
{
    store_session *ss = item;
    int rc = pg_user_row(q, a, &ss->user);
    if (rc) return rc;
    ss->expires_at = pg_int(q, PG_USER_NCOLS);
    return 0;
}

struct lookup_args {
    arena *a;
    const char *hash;
    int64_t now;
    store_session *out;
};

static int session_lookup_fn(pg_conn *c, void *arg)
{
    struct lookup_args *l = arg;
    return pg_one(c, l->a, read_session, l->out,
                  "SELECT " PG_USER_COLS ", s.expires_at"
                  " FROM sessions s JOIN users u ON u.id=s.user_id"
                  " WHERE s.token_hash=$1 AND s.expires_at>$2 AND u.active",
                  "ti", l->hash, l->now);
}

int postgres_session_lookup(store *s, arena *a, const char *token_hash, int64_t now,
                            store_session *out)
{
    struct lookup_args l = {a, token_hash, now, out};
    return pg_store_read(s, session_lookup_fn, &l);
}

static int session_delete_fn(pg_conn *c, void *arg)
{
    return pg_exec(c, NULL, "DELETE FROM sessions WHERE token_hash=$1", "t", (const char *)arg);
}

int postgres_session_delete(store *s, const char *token_hash)
{
    return pg_store_write(s, session_delete_fn, (void *)token_hash);
}

int postgres_sessions_purge(store *s, int64_t now, int64_t *removed)
{
    struct purge_args p = {now, removed};
    return pg_store_write(s, purge_fn, &p);
}

/* ---- API tokens ---- */

static int read_token(pg_q *q, arena *a, void *item)
{
    store_token *t = item;
    t->id = pg_int(q, 0);
    t->user_id = pg_int(q, 1);
    t->name = pg_text(q, a, 2);
    t->prefix = pg_text(q, a, 3);
    t->username = pg_text(q, a, 4);
    t->created_at = pg_int(q, 5);
    t->revoked_at = pg_int(q, 6);
    t->last_used_at = pg_int(q, 7);
    return t->name && t->prefix && t->username ? 0 : HL_ENOMEM;
}

struct tlist_args {
    arena *a;
    store_token **items;
    size_t *n;
};

static int tokens_list_fn(pg_conn *c, void *arg)
{
    struct tlist_args *l = arg;
    return pg_list(c, l->a, sizeof **l->items, read_token, (void **)l->items, l->n,
                   "SELECT t.id, t.user_id, t.name, t.prefix, u.username, t.created_at,"
                   " coalesce(t.revoked_at,0), coalesce(t.last_used_at,0)"
                   " FROM api_tokens t JOIN users u ON u.id=t.user_id"
                   " ORDER BY t.id",
                   NULL);
}

int postgres_tokens_list(store *s, arena *a, store_token **items, size_t *n)
{
    struct tlist_args l = {a, items, n};
    return pg_store_read(s, tokens_list_fn, &l);
}

struct tcreate_args {
    int64_t user_id;
    const char *name, *hash, *prefix;
    int64_t *id;
};

static int token_create_fn(pg_conn *c, void *arg)
{
    struct tcreate_args *t = arg;
    int64_t ok = 0;
    int rc = pg_int1(c, &ok, "SELECT 1 FROM users WHERE id=$1 AND active", "i", t->user_id);
    if (rc == HL_ENOTFOUND) return HL_EREF;
    if (!rc)
        rc = pg_int1(c, t->id,
                     "INSERT INTO api_tokens(user_id, name, token_hash, prefix, created_at)"
                     " VALUES($1,$2,$3,$4,$5) RETURNING id",
                     "ittti", t->user_id, t->name, t->hash, t->prefix, clock_now());
    return rc;
}

int postgres_token_create(store *s, int64_t user_id, const char *name, const char *token_hash,
                          const char *prefix, int64_t *id)
{
    struct tcreate_args t = {user_id, name, token_hash, prefix, id};
    return pg_store_write(s, token_create_fn, &t);
}

static int token_revoke_fn(pg_conn *c, void *arg)
{
    int changes = 0;
    int rc = pg_exec(c, &changes,
                     "UPDATE api_tokens SET revoked_at=$2 WHERE id=$1 AND revoked_at IS NULL",
                     "ii", *(int64_t *)arg, clock_now());
    return rc ? rc : changes ? 0 : HL_ENOTFOUND;
}

int postgres_token_revoke(store *s, int64_t id) { return pg_store_write(s, token_revoke_fn, &id); }

#define TOKEN_USE_RESOLUTION 60 /* seconds: last_used_at is noted at most this often */

struct tlookup_args {
    arena *a;
    const char *hash;
    store_user *out;
    int64_t token_id, last_used;
};

static int token_user_row(pg_q *q, arena *a, void *item)
{
    struct tlookup_args *l = item;
    l->token_id = pg_int(q, PG_USER_NCOLS);
    l->last_used = pg_int(q, PG_USER_NCOLS + 1);
    return pg_user_row(q, a, l->out);
}

static int token_lookup_fn(pg_conn *c, void *arg)
{
    struct tlookup_args *l = arg;
    return pg_one(c, l->a, token_user_row, l,
                  "SELECT " PG_USER_COLS ", t.id, coalesce(t.last_used_at,0)"
                  " FROM api_tokens t JOIN users u ON u.id=t.user_id"
                  " WHERE t.token_hash=$1 AND t.revoked_at IS NULL AND u.active",
                  "t", l->hash);
}

struct tused_args {
    int64_t id, now;
};

/* Only when the noted use is still a minute old: another server may have noted a use of the
 * same token since this one read it, and a note never moves back. */
static int token_used_fn(pg_conn *c, void *arg)
{
    struct tused_args *u = arg;
    return pg_exec(c, NULL,
                   "UPDATE api_tokens SET last_used_at=$1"
                   " WHERE id=$2 AND coalesce(last_used_at,0) <= $1 - $3",
                   "iii", u->now, u->id, (int64_t)TOKEN_USE_RESOLUTION);
}

int postgres_token_lookup(store *s, arena *a, const char *token_hash, int64_t now,
                          store_user *out)
{
    struct tlookup_args l = {a, token_hash, out, 0, 0};
    int rc = pg_store_read(s, token_lookup_fn, &l);
    if (rc || now - l.last_used < TOKEN_USE_RESOLUTION) return rc;
    struct tused_args u = {l.token_id, now};
    int wrc = pg_store_write(s, token_used_fn, &u);
    if (wrc)
        log_warn("store: cannot note the use of API token %lld: %s", (long long)u.id,
                 hl_strerror(wrc));
    return 0;
}
