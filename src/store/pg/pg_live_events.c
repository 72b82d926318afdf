/* pg_live_events.c — the live events' durable log on PostgreSQL (store/events.h; SQLite's is
 * live_events.c), shared by every server on the database.
 *
 * Commit order: a BIGSERIAL alone gives ids in the order transactions asked for them, not the
 * order they commit, so a reader could see 11 before 10 commits and skip 10 for ever. Each
 * append therefore takes one transaction-scoped advisory lock before it draws its id and holds
 * it to its transaction's commit (the writer's batch, pg_writer.c, when it shares one): appends
 * are serialised across servers, and ids grow in commit order, which is the promise of
 * events.h. The NOTIFY is sent in the same transaction,
 * so it is delivered at commit and only for a committed event (pg_listen.c hears it). */
#include "store/events.h"
#include "store/live_event_rules.h"
#include "store/pg/pg_store.h"
#include "util/clock.h"
#include "util/err.h"

/* the advisory lock's key: "hotline live events" in no particular encoding, just unique */
#define APPEND_LOCK 0x686c6c6976650001LL

struct append_args {
    const char *type, *data;
    int64_t to, at, *id;
};

static int append_fn(pg_conn *c, void *arg)
{
    struct append_args *p = arg;
    int64_t id = 0;
    int rc = pg_exec(c, NULL, "SELECT pg_advisory_xact_lock($1)", "i", (int64_t)APPEND_LOCK);
    if (!rc)
        rc = pg_int1(c, &id,
                     "INSERT INTO live_events(type, data, recipient, at) VALUES($1,$2,$3,$4)"
                     " RETURNING id",
                     "ttii", p->type, p->data, p->to, p->at);
    if (!rc && id % LIVE_EVENTS_PRUNE_EVERY == 0)
        rc = pg_exec(c, NULL, "DELETE FROM live_events WHERE id <= $1", "i",
                     id - STORE_LIVE_EVENTS_KEPT);
    if (!rc) rc = pg_exec(c, NULL, "SELECT pg_notify('" PG_LIVE_EVENTS_CHANNEL "', '')", NULL);
    if (!rc) *p->id = id;
    return rc;
}

int postgres_live_event_append(store *s, const char *type, const char *data, int64_t to,
                               int64_t *id)
{
    int rc = live_event_check(type, data, to);
    if (rc) return rc;
    struct append_args p = {type, data, to, clock_now(), id};
    return pg_store_write(s, append_fn, &p);
}

static int read_event(pg_q *q, arena *a, void *item)
{
    store_live_event *e = item;
    e->id = pg_int(q, 0);
    e->type = pg_text(q, a, 1);
    e->data = pg_text(q, a, 2);
    e->to = pg_int(q, 3);
    e->at = pg_int(q, 4);
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

static int after_fn(pg_conn *c, void *arg)
{
    struct after_args *p = arg;
    int rc = pg_int1(c, p->oldest, "SELECT coalesce(min(id), 0) FROM live_events", NULL);
    if (!rc)
        rc = pg_list(c, p->a, sizeof **p->items, read_event, (void **)p->items, p->n,
                     "SELECT id, type, data, recipient, at FROM live_events WHERE id > $1"
                     " ORDER BY id LIMIT $2",
                     "ii", p->after, (int64_t)p->max);
    return rc;
}

int postgres_live_events_after(store *s, arena *a, int64_t after, int max,
                               store_live_event **items, size_t *n, int64_t *oldest)
{
    if (after < 0 || max < 1 || max > 1000) return HL_EINVAL;
    struct after_args p = {a, after, max, items, n, oldest};
    return pg_store_read(s, after_fn, &p);
}

static int last_fn(pg_conn *c, void *arg)
{
    return pg_int1(c, arg, "SELECT coalesce(max(id), 0) FROM live_events", NULL);
}

int postgres_live_event_last(store *s, int64_t *id)
{
    return pg_store_read(s, last_fn, id);
}
