/* sessions.c — login sessions and API tokens, both looked up by a hash of the secret the
 * client holds; the secrets themselves are never stored. */
#include "store/people.h"
#include "store/store_internal.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/log.h"

struct purge_args {
    int64_t now, *removed;
};

static int purge_fn(sqlite3 *db, void *arg)
{
    struct purge_args *p = arg;
    int changes = 0;
    int rc = db_exec(db, &changes, "DELETE FROM sessions WHERE expires_at<=?", "i", p->now);
    *p->removed = changes;
    return rc;
}

struct session_args {
    const char *hash;
    int64_t user_id, now, expires_at;
};

/* Every login also purges: nothing else runs periodically in the store, and a login is when
 * the table grows. */
static int session_create_fn(sqlite3 *db, void *arg)
{
    struct session_args *a = arg;
    int64_t removed = 0;
    struct purge_args p = {a->now, &removed};
    int rc = purge_fn(db, &p);
    if (rc) return rc;
    return db_exec(db, NULL,
                   "INSERT INTO sessions(token_hash, user_id, created_at, expires_at)"
                   " VALUES(?,?,?,?)",
                   "tiii", a->hash, a->user_id, a->now, a->expires_at);
}

int sqlite_session_create(store *s, const char *token_hash, int64_t user_id, int64_t now,
                         int64_t expires_at)
{
    struct session_args a = {token_hash, user_id, now, expires_at};
    return store_write(s, session_create_fn, &a);
}

static int read_session(db_q *q, arena *a, void *item)
{
    store_session *ss = item;
    int rc = store_user_row(q, a, &ss->user);
    if (rc) return rc;
    ss->expires_at = db_int(q, STORE_USER_NCOLS);
    return 0;
}

struct lookup_args {
    arena *a;
    const char *hash;
    int64_t now;
    store_session *out;
};

static int session_lookup_fn(sqlite3 *db, void *arg)
{
    struct lookup_args *l = arg;
    return db_one(db, l->a, read_session, l->out,
                  "SELECT " STORE_USER_COLS ", s.expires_at"
                  " FROM sessions s JOIN users u ON u.id=s.user_id"
                  " WHERE s.token_hash=? AND s.expires_at>? AND u.active",
                  "ti", l->hash, l->now);
}

int sqlite_session_lookup(store *s, arena *a, const char *token_hash, int64_t now,
                         store_session *out)
{
    struct lookup_args l = {a, token_hash, now, out};
    return store_read(s, session_lookup_fn, &l);
}

static int session_delete_fn(sqlite3 *db, void *arg)
{
    return db_exec(db, NULL, "DELETE FROM sessions WHERE token_hash=?", "t", (const char *)arg);
}

int sqlite_session_delete(store *s, const char *token_hash)
{
    return store_write(s, session_delete_fn, (void *)token_hash);
}

int sqlite_sessions_purge(store *s, int64_t now, int64_t *removed)
{
    struct purge_args p = {now, removed};
    return store_write(s, purge_fn, &p);
}

/* ---- API tokens ---- */

static int read_token(db_q *q, arena *a, void *item)
{
    store_token *t = item;
    t->id = db_int(q, 0);
    t->user_id = db_int(q, 1);
    t->name = db_text(q, a, 2);
    t->prefix = db_text(q, a, 3);
    t->username = db_text(q, a, 4);
    t->created_at = db_int(q, 5);
    t->revoked_at = db_int(q, 6);
    t->last_used_at = db_int(q, 7);
    return t->name && t->prefix && t->username ? 0 : HL_ENOMEM;
}

struct tlist_args {
    arena *a;
    store_token **items;
    size_t *n;
};

static int tokens_list_fn(sqlite3 *db, void *arg)
{
    struct tlist_args *l = arg;
    return db_list(db, l->a, sizeof **l->items, read_token, (void **)l->items, l->n,
                   "SELECT t.id, t.user_id, t.name, t.prefix, u.username, t.created_at,"
                   " ifnull(t.revoked_at,0), ifnull(t.last_used_at,0)"
                   " FROM api_tokens t JOIN users u ON u.id=t.user_id"
                   " ORDER BY t.id",
                   NULL);
}

int sqlite_tokens_list(store *s, arena *a, store_token **items, size_t *n)
{
    struct tlist_args l = {a, items, n};
    return store_read(s, tokens_list_fn, &l);
}

struct tcreate_args {
    int64_t user_id;
    const char *name, *hash, *prefix;
    int64_t *id;
};

static int token_create_fn(sqlite3 *db, void *arg)
{
    struct tcreate_args *t = arg;
    int64_t ok = 0;
    int rc = db_int1(db, &ok, "SELECT 1 FROM users WHERE id=? AND active", "i", t->user_id);
    if (rc == HL_ENOTFOUND) return HL_EREF;
    if (!rc)
        rc = db_exec(db, NULL,
                     "INSERT INTO api_tokens(user_id, name, token_hash, prefix, created_at)"
                     " VALUES(?,?,?,?,?)",
                     "ittti", t->user_id, t->name, t->hash, t->prefix, clock_now());
    if (!rc) *t->id = sqlite3_last_insert_rowid(db);
    return rc;
}

int sqlite_token_create(store *s, int64_t user_id, const char *name, const char *token_hash,
                       const char *prefix, int64_t *id)
{
    struct tcreate_args t = {user_id, name, token_hash, prefix, id};
    return store_write(s, token_create_fn, &t);
}

static int token_revoke_fn(sqlite3 *db, void *arg)
{
    int changes = 0;
    int rc = db_exec(db, &changes,
                     "UPDATE api_tokens SET revoked_at=? WHERE id=? AND revoked_at IS NULL",
                     "ii", clock_now(), *(int64_t *)arg);
    return rc ? rc : changes ? 0 : HL_ENOTFOUND;
}

int sqlite_token_revoke(store *s, int64_t id) { return store_write(s, token_revoke_fn, &id); }

#define TOKEN_USE_RESOLUTION 60 /* seconds: last_used_at is noted at most this often */

struct tlookup_args {
    arena *a;
    const char *hash;
    store_user *out;
    int64_t token_id, last_used;
};

static int token_user_row(db_q *q, arena *a, void *item)
{
    struct tlookup_args *l = item;
    l->token_id = db_int(q, STORE_USER_NCOLS);
    l->last_used = db_int(q, STORE_USER_NCOLS + 1);
    return store_user_row(q, a, l->out);
}

static int token_lookup_fn(sqlite3 *db, void *arg)
{
    struct tlookup_args *l = arg;
    return db_one(db, l->a, token_user_row, l,
                  "SELECT " STORE_USER_COLS ", t.id, ifnull(t.last_used_at,0)"
                  " FROM api_tokens t JOIN users u ON u.id=t.user_id"
                  " WHERE t.token_hash=? AND t.revoked_at IS NULL AND u.active",
                  "t", l->hash);
}

struct tused_args {
    int64_t id, now;
};

static int token_used_fn(sqlite3 *db, void *arg)
{
    struct tused_args *u = arg;
    return db_exec(db, NULL, "UPDATE api_tokens SET last_used_at=? WHERE id=?", "ii", u->now, u->id);
}

int sqlite_token_lookup(store *s, arena *a, const char *token_hash, int64_t now, store_user *out)
{
    struct tlookup_args l = {a, token_hash, out, 0, 0};
    int rc = store_read(s, token_lookup_fn, &l);
    /* read-only storage serves the token all the same, unnoted */
    if (rc || now - l.last_used < TOKEN_USE_RESOLUTION || s->read_only) return rc;
    struct tused_args u = {l.token_id, now};
    int wrc = store_write(s, token_used_fn, &u);
    if (wrc)
        log_warn("store: cannot note the use of API token %lld: %s", (long long)u.id,
                 hl_strerror(wrc));
    return 0;
}
