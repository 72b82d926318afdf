/* pg_users.c — staff and integration accounts on PostgreSQL (users.c is SQLite's). Passwords
 * are stored only as Argon2id hashes made by the caller (api/auth.c); deactivating a user ends
 * their sessions and tokens in the same transaction, so no server accepts them afterwards. */
#include "store/people.h"
#include "store/pg/pg_store.h"
#include "store/pg/pg_tree.h"
#include "store/pg/pg_users.h"
#include "util/clock.h"
#include "util/err.h"

int pg_user_row(pg_q *q, arena *a, void *item)
{
    store_user *u = item;
    u->id = pg_int(q, 0);
    u->unit_id = pg_int(q, 1);
    u->username = pg_text(q, a, 2);
    u->display_name = pg_text(q, a, 3);
    const char *r = pg_text(q, a, 4);
    u->active = pg_int(q, 5) != 0;
    u->created_at = pg_int(q, 6);
    u->password_hash = NULL;
    if (!u->username || !u->display_name || !r) return HL_ENOMEM;
    return role_parse(r, &u->role) ? HL_EIO : 0;
}

static int read_user_hash(pg_q *q, arena *a, void *item)
{
    store_user *u = item;
    int rc = pg_user_row(q, a, item);
    if (!rc) u->password_hash = pg_text(q, a, PG_USER_NCOLS);
    return rc ? rc : u->password_hash ? 0 : HL_ENOMEM;
}

struct list_args {
    arena *a;
    int64_t unit_id;
    store_user **items;
    size_t *n;
};

static int list_fn(pg_conn *c, void *arg)
{
    struct list_args *la = arg;
    if (!la->unit_id)
        return pg_list(c, la->a, sizeof **la->items, pg_user_row, (void **)la->items, la->n,
                       "SELECT " PG_USER_COLS " FROM users u ORDER BY u.username", NULL);
    return pg_list(c, la->a, sizeof **la->items, pg_user_row, (void **)la->items, la->n,
                   "WITH RECURSIVE " PG_SUBTREE_CTE("units", "$1")
                   " SELECT " PG_USER_COLS " FROM users u JOIN sub ON u.unit_id=sub.id"
                   " ORDER BY u.username",
                   "i", la->unit_id);
}

int postgres_users_list(store *s, arena *a, int64_t unit_id, store_user **items, size_t *n)
{
    struct list_args la = {a, unit_id, items, n};
    return pg_store_read(s, list_fn, &la);
}

struct get_args {
    arena *a;
    int64_t id;
    const char *username;
    store_user *out;
};

static int get_fn(pg_conn *c, void *arg)
{
    struct get_args *g = arg;
    if (g->username)
        return pg_one(c, g->a, read_user_hash, g->out,
                      "SELECT " PG_USER_COLS ", u.password_hash FROM users u"
                      " WHERE u.username=$1",
                      "t", g->username);
    return pg_one(c, g->a, pg_user_row, g->out,
                  "SELECT " PG_USER_COLS " FROM users u WHERE u.id=$1", "i", g->id);
}

int postgres_user_get(store *s, arena *a, int64_t id, store_user *out)
{
    struct get_args g = {a, id, NULL, out};
    return pg_store_read(s, get_fn, &g);
}

int postgres_user_by_username(store *s, arena *a, const char *username, store_user *out)
{
    struct get_args g = {a, 0, username, out};
    return pg_store_read(s, get_fn, &g);
}

static HL_MUST_CHECK int unit_usable(pg_conn *c, int64_t unit_id)
{
    int64_t ok = 0;
    int rc = pg_int1(c, &ok, "SELECT 1 FROM units WHERE id=$1 AND active", "i", unit_id);
    return rc == HL_ENOTFOUND ? HL_EREF : rc;
}

struct write_args {
    const store_user *in;
    int64_t id;
    int64_t *out_id;
    bool set_role;
};

static int create_fn(pg_conn *c, void *arg)
{
    struct write_args *w = arg;
    const store_user *u = w->in;
    int rc = unit_usable(c, u->unit_id);
    if (!rc)
        rc = pg_int1(c, w->out_id,
                     "INSERT INTO users(username, display_name, role, unit_id, password_hash,"
                     " active, created_at)"
                     " VALUES($1,$2,$3,$4,$5,$6,$7)"
                     " RETURNING id",
                     "tttitbi", u->username, u->display_name, role_name(u->role), u->unit_id,
                     u->password_hash, (int)u->active, clock_now());
    return rc;
}

int postgres_user_create(store *s, const store_user *in, int64_t *id)
{
    struct write_args w = {in, 0, id, false};
    return pg_store_write(s, create_fn, &w);
}

static int update_fn(pg_conn *c, void *arg)
{
    struct write_args *w = arg;
    const store_user *u = w->in;
    int64_t exists = 0;
    int rc = pg_int1(c, &exists, "SELECT 1 FROM users WHERE id=$1", "i", w->id);
    if (!rc && u->unit_id) rc = unit_usable(c, u->unit_id);
    /* two administrators demoting each other at once must not both succeed: the active
     * administrators' rows are locked until commit, and the second change counts again */
    int64_t admins_before = 0, admins = 0;
    if (!rc)
        rc = pg_int1(c, &admins_before,
                     "SELECT count(*) FROM (SELECT id FROM users WHERE role='admin' AND active"
                     " FOR UPDATE) a",
                     "");
    if (!rc)
        rc = pg_exec(c, NULL,
                     "UPDATE users SET display_name=coalesce($1,display_name),"
                     " role=coalesce($2,role), unit_id=coalesce($3,unit_id),"
                     " password_hash=coalesce($4,password_hash), active=$5 WHERE id=$6",
                     "ttztbi", u->display_name, w->set_role ? role_name(u->role) : NULL,
                     u->unit_id, u->password_hash, (int)u->active, w->id);
    if (!rc)
        rc = pg_int1(c, &admins, "SELECT count(*) FROM users WHERE role='admin' AND active", "");
    if (!rc && admins_before > 0 && admins == 0) rc = HL_ESTATE; /* rolled back */
    /* a changed password, role, unit or deactivation ends what the old identity could do */
    if (!rc && (!u->active || u->password_hash || w->set_role || u->unit_id))
        rc = pg_exec(c, NULL, "DELETE FROM sessions WHERE user_id=$1", "i", w->id);
    if (!rc && !u->active)
        rc = pg_exec(c, NULL,
                     "UPDATE api_tokens SET revoked_at=$2 WHERE user_id=$1 AND revoked_at IS NULL",
                     "ii", w->id, clock_now());
    return rc;
}

int postgres_user_update(store *s, int64_t id, const store_user *in, bool set_role)
{
    struct write_args w = {in, id, NULL, set_role};
    return pg_store_write(s, update_fn, &w);
}
