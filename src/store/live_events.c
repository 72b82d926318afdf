/* live_events.c — the live events' durable log on SQLite (store/events.h; pg_live_events.c is
 * PostgreSQL's). One writer: ids (AUTOINCREMENT) are given in commit order by construction.
 * One server per file, so there is no other process to watch. */
#include "store/events.h"
#include "store/live_event_rules.h"
#include "store/store_internal.h"
#include "util/clock.h"
#include "util/err.h"

struct append_args {
    const char *type, *data;
    int64_t to, at, *id;
};

static int append_fn(sqlite3 *db, void *arg)
{
    struct append_args *p = arg;
    int rc = db_exec(db, NULL, "INSERT INTO live_events(type, data, recipient, at) VALUES(?,?,?,?)",
                     "ttii", p->type, p->data, p->to, p->at);
    if (rc) return rc;
    int64_t id = sqlite3_last_insert_rowid(db);
    if (id % LIVE_EVENTS_PRUNE_EVERY == 0)
        rc = db_exec(db, NULL, "DELETE FROM live_events WHERE id <= ?", "i",
                     id - STORE_LIVE_EVENTS_KEPT);
    if (!rc) *p->id = id;
    return rc;
}

int sqlite_live_event_append(store *s, const char *type, const char *data, int64_t to,
                             int64_t *id)
{
    int rc = live_event_check(type, data, to);
    if (rc) return rc;
    struct append_args p = {type, data, to, clock_now(), id};
    return store_write(s, append_fn, &p);
}

static int read_event(db_q *q, arena *a, void *item)
{
    store_live_event *e = item;
    e->id = db_int(q, 0);
    e->type = db_text(q, a, 1);
    e->data = db_text(q, a, 2);
    e->to = db_int(q, 3);
    e->at = db_int(q, 4);
    return e->type && e->data ? 0 : HL_ENOMEM;
}

struct after_args {
    arena *a;
    int64_t after;
    int max;
    store_live_event **items;
    size_t *n;
    int64_t *oldest;
};

static int after_fn(sqlite3 *db, void *arg)
{
    struct after_args *p = arg;
    int rc = db_int1(db, p->oldest, "SELECT ifnull(min(id), 0) FROM live_events", NULL);
    if (!rc)
        rc = db_list(db, p->a, sizeof **p->items, read_event, (void **)p->items, p->n,
                     "SELECT id, type, data, recipient, at FROM live_events WHERE id > ?"
                     " ORDER BY id LIMIT ?",
                     "ii", p->after, (int64_t)p->max);
    return rc;
}

int sqlite_live_events_after(store *s, arena *a, int64_t after, int max, store_live_event **items,
                             size_t *n, int64_t *oldest)
{
    if (after < 0 || max < 1 || max > 1000) return HL_EINVAL;
    struct after_args p = {a, after, max, items, n, oldest};
    return store_read(s, after_fn, &p);
}

static int last_fn(sqlite3 *db, void *arg)
{
    return db_int1(db, arg, "SELECT ifnull(max(id), 0) FROM live_events", NULL);
}

int sqlite_live_event_last(store *s, int64_t *id)
{
    return store_read(s, last_fn, id);
}

int sqlite_watch_events(store *s, store_watch_fn fn, void *ctx, store_watch **out)
{
    (void)s;
    if (!fn || !out) return HL_EINVAL;
    (void)ctx;
    *out = NULL; /* the only writer is this process (events.h) */
    return 0;
}

void sqlite_watch_stop(store *s, store_watch *w)
{
    (void)s;
    (void)w; /* sqlite_watch_events never makes one */
}
