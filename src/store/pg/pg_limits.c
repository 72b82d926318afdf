/* pg_limits.c — token buckets and failed-login counters on PostgreSQL (store/limits.h;
 * limits.c is SQLite's), shared by every server on the database. Each change is one UPSERT
 * at READ COMMITTED (pg_store_write_committed): concurrent takes from one client on several
 * servers queue on the row, each applying itself to the row the one before committed, so none
 * is lost and none fails to serialize. The tables are UNLOGGED (migration 0005): no WAL and no
 * fsync for the write every limited request makes; a crash of PostgreSQL empties them, which
 * only forgives the clients of the last minutes. */
#include "store/limits.h"
#include "store/limit_rules.h"
#include "store/pg/pg_store.h"
#include "util/err.h"

/* Removes up to LIMIT_PRUNE_PER_WRITE rows of table meaningless by column <= $1, skipping rows
 * another write holds (it is updating them: they mean something again). */
#define PRUNE(table, column)                                                                    \
    "DELETE FROM " table " WHERE key IN (SELECT key FROM " table " WHERE " column " <= $1"    \
    " LIMIT $2 FOR UPDATE SKIP LOCKED)"

/* The parts of the bucket's row at $3 (now): refilled by $4 parts a second, capped at $2 (a
 * full bucket); a clock behind the row's (another server's) refills nothing. $5 is a token. */
#define REFILL "LEAST($2::bigint, b.parts + GREATEST(0, $3::bigint - b.at) * $4::bigint)"

struct take_args {
    const char *key;
    int64_t now, per_minute;
    int64_t parts, taken; /* the row after the take */
    int64_t at;           /* the row's time, read before */
};

static int take_row(pg_q *q, arena *a, void *item)
{
    (void)a;
    struct take_args *t = item;
    t->parts = pg_int(q, 0);
    t->taken = pg_int(q, 1);
    return 0;
}

static int take_fn(pg_conn *c, void *arg)
{
    struct take_args *t = arg;
    int64_t full = t->per_minute * LIMIT_TOKEN;
    int rc = pg_exec(c, NULL, PRUNE("limit_buckets", "at"), "ii", t->now - 60,
                     (int64_t)LIMIT_PRUNE_PER_WRITE);
    if (rc) return rc;
    return pg_one(c, NULL, take_row, t,
                  "INSERT INTO limit_buckets AS b(key, parts, at, taken)"
                  " VALUES($1, $2::bigint - $5::bigint, $3::bigint, true)"
                  " ON CONFLICT(key) DO UPDATE SET"
                  "  parts = " REFILL " - CASE WHEN " REFILL " >= $5::bigint THEN $5::bigint ELSE 0 END,"
                  "  taken = " REFILL " >= $5::bigint,"
                  "  at = GREATEST(b.at, $3::bigint)"
                  " RETURNING parts, taken",
                  "tiiii", t->key, full, t->now, limit_refill((int)t->per_minute),
                  (int64_t)LIMIT_TOKEN);
}

static int peek_row(pg_q *q, arena *a, void *item)
{
    (void)a;
    struct take_args *t = item;
    t->parts = pg_int(q, 0);
    t->at = pg_int(q, 1);
    return 0;
}

static int peek_fn(pg_conn *c, void *arg)
{
    struct take_args *t = arg;
    int rc = pg_one(c, NULL, peek_row, t, "SELECT parts, at FROM limit_buckets WHERE key=$1", "t",
                    t->key);
    if (rc != HL_ENOTFOUND) return rc;
    t->parts = LIMIT_TOKEN; /* no row: a full bucket */
    t->at = t->now;
    return 0;
}

/* A read first: a bucket still empty at now refuses without a write (the write would refuse
 * too, and change nothing that matters; other servers only take tokens away meanwhile), so
 * that a client flooding a limited route costs the database only the requests it lets
 * through. */
int postgres_limit_take(store *s, const char *key, int64_t now, int per_minute,
                        int *retry_after)
{
    if (!limit_key_ok(key) || per_minute < 1 || per_minute > 1000000) return HL_EINVAL;
    struct take_args t = {key, now, per_minute, 0, 0, 0};
    int rc = pg_store_read(s, peek_fn, &t);
    if (rc) return rc;
    int64_t parts = limit_refilled(t.parts, t.at, now, per_minute);
    if (parts < LIMIT_TOKEN) {
        *retry_after = limit_retry_after(parts, per_minute);
        return HL_EBUSY;
    }
    rc = pg_store_write_committed(s, take_fn, &t);
    if (rc) return rc;
    if (t.taken) return 0;
    *retry_after = limit_retry_after(t.parts, per_minute);
    return HL_EBUSY;
}

/* One failure against the counter of $1 at $2, for $3 failures within $4 seconds locking it
 * for $5 seconds. Of the old row: LOCKED, a lock in force (nothing changes); WINDOW_OVER, its
 * window has ended (this failure begins a new one); LOCKS, this failure reaches the count. */
#define NOW "$2::bigint"
#define LOCKED "(f.locked_until > " NOW ")"
#define WINDOW_OVER "(f.since + $4::bigint <= " NOW ")"
#define COUNT "(CASE WHEN " WINDOW_OVER " THEN 1 ELSE f.failures + 1 END)"
#define LOCKS "(NOT " LOCKED " AND " COUNT " >= $3::bigint)"

struct failure_args {
    const store_login_rule *rules;
    size_t n;
    int64_t now;
    int retry_after;
    bool locked_now;
};

struct failure_row {
    int64_t locked_until, locked_last;
};

static int failure_row_read(pg_q *q, arena *a, void *item)
{
    (void)a;
    struct failure_row *f = item;
    f->locked_until = pg_int(q, 0);
    f->locked_last = pg_int(q, 1);
    return 0;
}

static int failure_fn(pg_conn *c, void *arg)
{
    struct failure_args *f = arg;
    int rc = pg_exec(c, NULL, PRUNE("login_failures", "expires_at"), "ii", f->now,
                     (int64_t)LIMIT_PRUNE_PER_WRITE);
    f->retry_after = 0;
    f->locked_now = false;
    for (size_t i = 0; !rc && i < f->n; i++) {
        const store_login_rule *r = &f->rules[i];
        struct failure_row row = {0, 0};
        rc = pg_one(
            c, NULL, failure_row_read, &row,
            "INSERT INTO login_failures AS f(key, failures, since, locked_until, expires_at,"
            " locked_last)"
            " VALUES($1, CASE WHEN $3::bigint <= 1 THEN 0 ELSE 1 END, " NOW ","
            "  CASE WHEN $3::bigint <= 1 THEN " NOW " + $5::bigint ELSE 0 END,"
            "  " NOW " + GREATEST($4::bigint, $5::bigint), $3::bigint <= 1)"
            " ON CONFLICT(key) DO UPDATE SET"
            "  failures = CASE WHEN " LOCKED " THEN f.failures WHEN " LOCKS " THEN 0"
            "   ELSE " COUNT " END,"
            "  since = CASE WHEN " LOCKED " THEN f.since WHEN " LOCKS " OR " WINDOW_OVER
            "   THEN " NOW " ELSE f.since END,"
            "  locked_until = CASE WHEN " LOCKS " THEN " NOW " + $5::bigint"
            "   ELSE f.locked_until END,"
            "  expires_at = CASE WHEN " LOCKED " THEN f.expires_at WHEN " LOCKS
            "   THEN " NOW " + GREATEST($4::bigint, $5::bigint)"
            "   ELSE GREATEST(f.locked_until,"
            "    CASE WHEN " WINDOW_OVER " THEN " NOW " ELSE f.since END + $4::bigint) END,"
            "  locked_last = " LOCKS
            " RETURNING locked_until, locked_last",
            "tiiii", r->key, f->now, (int64_t)r->max_failures, (int64_t)r->window_s,
            (int64_t)r->lock_s);
        int left = limit_lock_left(row.locked_until, f->now);
        if (left > f->retry_after) f->retry_after = left;
        if (row.locked_last) f->locked_now = true;
    }
    return rc;
}

int postgres_login_failure(store *s, const store_login_rule *rules, size_t n, int64_t now,
                           int *retry_after, bool *locked_now)
{
    for (size_t i = 0; i < n; i++)
        if (!limit_rule_ok(&rules[i])) return HL_EINVAL;
    struct failure_args f = {rules, n, now, 0, false};
    int rc = pg_store_write_committed(s, failure_fn, &f);
    if (rc) return rc;
    *retry_after = f.retry_after;
    *locked_now = f.locked_now;
    return 0;
}

struct check_args {
    const char *const *keys;
    size_t n;
    int64_t now;
    int retry_after;
};

static int check_fn(pg_conn *c, void *arg)
{
    struct check_args *k = arg;
    k->retry_after = 0;
    for (size_t i = 0; i < k->n; i++) {
        int64_t until = 0;
        int rc = pg_int1(c, &until,
                         "SELECT locked_until FROM login_failures"
                         " WHERE key=$1 AND locked_until > $2::bigint",
                         "ti", k->keys[i], k->now);
        if (rc == HL_ENOTFOUND) continue;
        if (rc) return rc;
        int left = limit_lock_left(until, k->now);
        if (left > k->retry_after) k->retry_after = left;
    }
    return 0;
}

int postgres_login_check(store *s, const char *const *keys, size_t n, int64_t now,
                         int *retry_after)
{
    for (size_t i = 0; i < n; i++)
        if (!limit_key_ok(keys[i])) return HL_EINVAL;
    struct check_args k = {keys, n, now, 0};
    int rc = pg_store_read(s, check_fn, &k);
    if (!rc) *retry_after = k.retry_after;
    return rc;
}

struct forget_args {
    const char *key;
    int64_t now;
};

static int forget_fn(pg_conn *c, void *arg)
{
    struct forget_args *f = arg;
    return pg_exec(c, NULL, "DELETE FROM login_failures WHERE key=$1 AND locked_until <= $2::bigint",
                   "ti", f->key, f->now);
}

int postgres_login_forget(store *s, const char *key, int64_t now)
{
    if (!limit_key_ok(key)) return HL_EINVAL;
    struct forget_args f = {key, now};
    return pg_store_write_committed(s, forget_fn, &f);
}
