/* users.c — staff and integration accounts. Passwords are stored only as Argon2id hashes made
 * by the caller (api/auth.c); deactivating a user ends their sessions and tokens at once. */
#include "store/people.h"
#include "store/store_internal.h"
#include "store/tree_sql.h"
#include "util/clock.h"
#include "util/err.h"

#define USER_COLS STORE_USER_COLS

int store_user_row(db_q *q, arena *a, void *item)
{
    store_user *u = item;
    u->password_hash = NULL; /* only read_user_hash fills it */
    u->id = db_int(q, 0);
    u->unit_id = db_int(q, 1);
    u->username = db_text(q, a, 2);
    u->display_name = db_text(q, a, 3);
    const char *r = db_text(q, a, 4);
    u->active = db_int(q, 5) != 0;
    u->created_at = db_int(q, 6);
    if (!u->username || !u->display_name || !r) return HL_ENOMEM;
    return role_parse(r, &u->role) ? HL_EIO : 0;
}

static int read_user_hash(db_q *q, arena *a, void *item)
{
    store_user *u = item;
    int rc = store_user_row(q, a, item);
    if (!rc) u->password_hash = db_text(q, a, 7);
    return rc ? rc : u->password_hash ? 0 : HL_ENOMEM;
}

struct list_args {
    arena *a;
    int64_t unit_id;
    store_user **items;
    size_t *n;
};

static int list_fn(sqlite3 *db, void *arg)
{
    struct list_args *la = arg;
    if (!la->unit_id)
        return db_list(db, la->a, sizeof **la->items, store_user_row, (void **)la->items, la->n,
                       "SELECT " USER_COLS " FROM users u ORDER BY u.username", NULL);
    return db_list(db, la->a, sizeof **la->items, store_user_row, (void **)la->items, la->n,
                   "WITH RECURSIVE " SQL_SUBTREE_CTE("units", "?1")
                   " SELECT " USER_COLS " FROM users u JOIN sub ON u.unit_id=sub.id"
                   " ORDER BY u.username",
                   "i", la->unit_id);
}

int sqlite_users_list(store *s, arena *a, int64_t unit_id, store_user **items, size_t *n)
{
    struct list_args la = {a, unit_id, items, n};
    return store_read(s, list_fn, &la);
}

struct get_args {
    arena *a;
    int64_t id;
    const char *username;
    store_user *out;
};

static int get_fn(sqlite3 *db, void *arg)
{
    struct get_args *g = arg;
    if (g->username)
        return db_one(db, g->a, read_user_hash, g->out,
                      "SELECT " USER_COLS ", u.password_hash FROM users u WHERE u.username=?", "t",
                      g->username);
    return db_one(db, g->a, store_user_row, g->out, "SELECT " USER_COLS " FROM users u WHERE u.id=?",
                  "i", g->id);
}

int sqlite_user_get(store *s, arena *a, int64_t id, store_user *out)
{
    struct get_args g = {a, id, NULL, out};
    return store_read(s, get_fn, &g);
}

int sqlite_user_by_username(store *s, arena *a, const char *username, store_user *out)
{
    struct get_args g = {a, 0, username, out};
    return store_read(s, get_fn, &g);
}

static HL_MUST_CHECK int unit_usable(sqlite3 *db, int64_t unit_id)
{
    int64_t ok = 0;
    int rc = db_int1(db, &ok, "SELECT 1 FROM units WHERE id=? AND active", "i", unit_id);
    return rc == HL_ENOTFOUND ? HL_EREF : rc;
}

struct write_args {
    const store_user *in;
    int64_t id;
    int64_t *out_id;
    bool set_role;
};

static int create_fn(sqlite3 *db, void *arg)
{
    struct write_args *w = arg;
    const store_user *u = w->in;
    int rc = unit_usable(db, u->unit_id);
    if (!rc)
        rc = db_exec(db, NULL,
                     "INSERT INTO users(username, display_name, role, unit_id, password_hash,"
                     " active, created_at) VALUES(?,?,?,?,?,?,?)",
                     "tttitbi", u->username, u->display_name, role_name(u->role), u->unit_id,
                     u->password_hash, (int)u->active, clock_now());
    if (!rc) *w->out_id = sqlite3_last_insert_rowid(db);
    return rc;
}

int sqlite_user_create(store *s, const store_user *in, int64_t *id)
{
    struct write_args w = {in, 0, id, false};
    return store_write(s, create_fn, &w);
}

#define ADMINS_SQL "SELECT count(*) FROM users WHERE role='admin' AND active"

static int update_fn(sqlite3 *db, void *arg)
{
    struct write_args *w = arg;
    const store_user *u = w->in;
    int64_t exists = 0;
    int rc = db_int1(db, &exists, "SELECT 1 FROM users WHERE id=?", "i", w->id);
    if (!rc && u->unit_id) rc = unit_usable(db, u->unit_id);
    /* one writer: no other change runs between these counts and the update */
    int64_t admins_before = 0, admins = 0;
    if (!rc) rc = db_int1(db, &admins_before, ADMINS_SQL, "");
    if (!rc)
        rc = db_exec(db, NULL,
                     "UPDATE users SET display_name=ifnull(?,display_name),"
                     " role=ifnull(?,role), unit_id=ifnull(?,unit_id),"
                     " password_hash=ifnull(?,password_hash), active=? WHERE id=?",
                     "ttztbi", u->display_name, w->set_role ? role_name(u->role) : NULL,
                     u->unit_id, u->password_hash, (int)u->active, w->id);
    if (!rc) rc = db_int1(db, &admins, ADMINS_SQL, "");
    if (!rc && admins_before > 0 && admins == 0) rc = HL_ESTATE; /* rolled back */
    /* a changed password, role, unit or deactivation ends what the old identity could do */
    if (!rc && (!u->active || u->password_hash || w->set_role || u->unit_id))
        rc = db_exec(db, NULL, "DELETE FROM sessions WHERE user_id=?", "i", w->id);
    if (!rc && !u->active)
        rc = db_exec(db, NULL,
                     "UPDATE api_tokens SET revoked_at=?"
                     " WHERE user_id=? AND revoked_at IS NULL",
                     "ii", clock_now(), w->id);
    return rc;
}

int sqlite_user_update(store *s, int64_t id, const store_user *in, bool set_role)
{
    struct write_args w = {in, id, NULL, set_role};
    return store_write(s, update_fn, &w);
}
