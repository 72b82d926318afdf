/* limits.c — token buckets and failed-login counters on SQLite (store/limits.h; pg_limits.c is
 * PostgreSQL's): each change is one UPSERT through the writer, which reads the row and writes
 * it back in the same statement. Light writes (store_write_light): a batch of nothing but
 * counters commits without an fsync. Measured with wrk on the tracking page at c=1, a counted
 * request with an fsync of its own was ten times as slow as one without. */
#include "store/limits.h"
#include "store/limit_rules.h"
#include "store/store_internal.h"
#include "util/err.h"

/* The parts of the bucket's row at ?3 (now): refilled by ?4 parts a second, capped at ?2 (a
 * full bucket); a clock behind the row's (another server's) refills nothing. ?5 is a token. */
#define REFILL "min(?2, parts + max(0, ?3 - at) * ?4)"

struct take_args {
    const char *key;
    int64_t now, per_minute;
    int64_t parts, taken; /* the row after the take */
    int64_t at;           /* the row's time, read before */
};

static int take_row(db_q *q, arena *a, void *item)
{
    (void)a;
    struct take_args *t = item;
    t->parts = db_int(q, 0);
    t->taken = db_int(q, 1);
    return 0;
}

static int take_fn(sqlite3 *db, void *arg)
{
    struct take_args *t = arg;
    int64_t full = t->per_minute * LIMIT_TOKEN;
    int rc = db_exec(db, NULL,
                     "DELETE FROM limit_buckets WHERE key IN"
                     " (SELECT key FROM limit_buckets WHERE at <= ? LIMIT ?)",
                     "ii", t->now - 60, (int64_t)LIMIT_PRUNE_PER_WRITE);
    if (rc) return rc;
    return db_one(db, NULL, take_row, t,
                  "INSERT INTO limit_buckets(key, parts, at, taken) VALUES(?1, ?2 - ?5, ?3, 1)"
                  " ON CONFLICT(key) DO UPDATE SET"
                  "  parts = " REFILL " - CASE WHEN " REFILL " >= ?5 THEN ?5 ELSE 0 END,"
                  "  taken = " REFILL " >= ?5,"
                  "  at = max(at, ?3)"
                  " RETURNING parts, taken",
                  "tiiii", t->key, full, t->now, limit_refill((int)t->per_minute),
                  (int64_t)LIMIT_TOKEN);
}

static int peek_row(db_q *q, arena *a, void *item)
{
    (void)a;
    struct take_args *t = item;
    t->parts = db_int(q, 0);
    t->at = db_int(q, 1);
    return 0;
}

static int peek_fn(sqlite3 *db, void *arg)
{
    struct take_args *t = arg;
    int rc = db_one(db, NULL, peek_row, t, "SELECT parts, at FROM limit_buckets WHERE key=?", "t",
                    t->key);
    if (rc != HL_ENOTFOUND) return rc;
    t->parts = LIMIT_TOKEN; /* no row: a full bucket */
    t->at = t->now;
    return 0;
}

/* A read first: a bucket still empty at now refuses without a write (the write would refuse
 * too, and change nothing that matters), so that a client flooding a limited route costs the
 * writer only the requests it lets through. */
int sqlite_limit_take(store *s, const char *key, int64_t now, int per_minute, int *retry_after)
{
    if (!limit_key_ok(key) || per_minute < 1 || per_minute > 1000000) return HL_EINVAL;
    struct take_args t = {key, now, per_minute, 0, 0, 0};
    int rc = store_read(s, peek_fn, &t);
    if (rc) return rc;
    int64_t parts = limit_refilled(t.parts, t.at, now, per_minute);
    if (parts < LIMIT_TOKEN) {
        *retry_after = limit_retry_after(parts, per_minute);
        return HL_EBUSY;
    }
    rc = store_write_light(s, take_fn, &t);
    if (rc) return rc;
    if (t.taken) return 0;
    *retry_after = limit_retry_after(t.parts, per_minute);
    return HL_EBUSY;
}

/* One failure against the counter of ?1 at ?2, for ?3 failures within ?4 seconds locking it
 * for ?5 seconds. Of the old row: LOCKED, a lock in force (nothing changes); WINDOW_OVER, its
 * window has ended (this failure begins a new one); LOCKS, this failure reaches the count. */
#define LOCKED "(locked_until > ?2)"
#define WINDOW_OVER "(since + ?4 <= ?2)"
#define COUNT "(CASE WHEN " WINDOW_OVER " THEN 1 ELSE failures + 1 END)"
#define LOCKS "(NOT " LOCKED " AND " COUNT " >= ?3)"

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

static int failure_row_read(db_q *q, arena *a, void *item)
{
    (void)a;
    struct failure_row *f = item;
    f->locked_until = db_int(q, 0);
    f->locked_last = db_int(q, 1);
    return 0;
}

static int failure_fn(sqlite3 *db, void *arg)
{
    struct failure_args *f = arg;
    int rc = db_exec(db, NULL,
                     "DELETE FROM login_failures WHERE key IN"
                     " (SELECT key FROM login_failures WHERE expires_at <= ? LIMIT ?)",
                     "ii", f->now, (int64_t)LIMIT_PRUNE_PER_WRITE);
    f->retry_after = 0;
    f->locked_now = false;
    for (size_t i = 0; !rc && i < f->n; i++) {
        const store_login_rule *r = &f->rules[i];
        struct failure_row row = {0, 0};
        rc = db_one(
            db, NULL, failure_row_read, &row,
            "INSERT INTO login_failures(key, failures, since, locked_until, expires_at,"
            " locked_last)"
            " VALUES(?1, CASE WHEN ?3 <= 1 THEN 0 ELSE 1 END, ?2,"
            "  CASE WHEN ?3 <= 1 THEN ?2 + ?5 ELSE 0 END, ?2 + max(?4, ?5), ?3 <= 1)"
            " ON CONFLICT(key) DO UPDATE SET"
            "  failures = CASE WHEN " LOCKED " THEN failures WHEN " LOCKS " THEN 0"
            "   ELSE " COUNT " END,"
            "  since = CASE WHEN " LOCKED " THEN since WHEN " LOCKS " OR " WINDOW_OVER
            "   THEN ?2 ELSE since END,"
            "  locked_until = CASE WHEN " LOCKS " THEN ?2 + ?5 ELSE locked_until END,"
            "  expires_at = CASE WHEN " LOCKED " THEN expires_at WHEN " LOCKS
            "   THEN ?2 + max(?4, ?5)"
            "   ELSE max(locked_until, CASE WHEN " WINDOW_OVER " THEN ?2 ELSE since END + ?4) END,"
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

int sqlite_login_failure(store *s, const store_login_rule *rules, size_t n, int64_t now,
                         int *retry_after, bool *locked_now)
{
    for (size_t i = 0; i < n; i++)
        if (!limit_rule_ok(&rules[i])) return HL_EINVAL;
    struct failure_args f = {rules, n, now, 0, false};
    int rc = store_write_light(s, failure_fn, &f);
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

static int check_fn(sqlite3 *db, void *arg)
{
    struct check_args *c = arg;
    c->retry_after = 0;
    for (size_t i = 0; i < c->n; i++) {
        int64_t until = 0;
        int rc = db_int1(db, &until,
                         "SELECT locked_until FROM login_failures WHERE key=? AND locked_until>?",
                         "ti", c->keys[i], c->now);
        if (rc == HL_ENOTFOUND) continue;
        if (rc) return rc;
        int left = limit_lock_left(until, c->now);
        if (left > c->retry_after) c->retry_after = left;
    }
    return 0;
}

int sqlite_login_check(store *s, const char *const *keys, size_t n, int64_t now,
                       int *retry_after)
{
    for (size_t i = 0; i < n; i++)
        if (!limit_key_ok(keys[i])) return HL_EINVAL;
    struct check_args c = {keys, n, now, 0};
    int rc = store_read(s, check_fn, &c);
    if (!rc) *retry_after = c.retry_after;
    return rc;
}

struct forget_args {
    const char *key;
    int64_t now;
};

static int forget_fn(sqlite3 *db, void *arg)
{
    struct forget_args *f = arg;
    return db_exec(db, NULL, "DELETE FROM login_failures WHERE key=? AND locked_until<=?", "ti",
                   f->key, f->now);
}

int sqlite_login_forget(store *s, const char *key, int64_t now)
{
    if (!limit_key_ok(key)) return HL_EINVAL;
    struct forget_args f = {key, now};
    return store_write_light(s, forget_fn, &f);
}
