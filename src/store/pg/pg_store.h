/* pg_store.h — the PostgreSQL backend's store (internal to src/store/pg/): a pool of
 * connections, and the ways every contract function runs its SQL on one of them.
 *
 *   pg_store_read   one consistent snapshot (REPEATABLE READ, READ ONLY) for the whole call;
 *   pg_store_write  queued to the writer (pg_writer.h), which runs it in a SERIALIZABLE
 *                   transaction shared with the writes queued beside it, acknowledged only
 *                   when COMMIT answered COMMIT. Serializable is what the contract promises
 *                   ("as if no other write ran beside it") across every server on the
 *                   database; a serialization failure or deadlock (HL_EBUSY from pg_db) runs
 *                   fn again from the start, a few times, since nothing of the failed attempt
 *                   remains.
 * fn must do nothing but SQL through c (it may run more than once). A lost connection or a
 * server that is down is HL_EUNAVAIL (answered 503), never tried again here: for a write, an
 * unknown outcome that is never acknowledged. The connection is connected again by the next
 * call that borrows it, once the server is back.
 *
 * Every contract function of this backend is postgres_<name> (build/gen/store_backend.h),
 * taking the `store *` that postgres_open made: a struct pg_store (PGS()). */
#ifndef HOTLINE_STORE_PG_STORE_H
#define HOTLINE_STORE_PG_STORE_H
#include "store/engine.h"
#include "store/pg/pg_db.h"
#include "store_backend.h"
#include <pthread.h>
#include <stdbool.h>

#define PG_STORE_CONNS 8 /* connections in the pool: as many as threads that query at once */
/* the NOTIFY channel of live event appends (pg_live_events.c), LISTENed to by pg_listen.c */
#define PG_LIVE_EVENTS_CHANNEL "hotline_events"

struct pg_job; /* a queued write (pg_writer.c) */

struct pg_store {
    const store_backend *be; /* first: the contract's dispatch reads it */
    char *url;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pg_conn *conns[PG_STORE_CONNS]; /* the readers' pool */
    int free_conns[PG_STORE_CONNS];
    int nfree;
    store_stats stats; /* under mu */
    /* the writer (pg_writer.h): its connection, thread and queue, under wmu */
    pg_conn *wconn;
    pthread_t wthread;
    bool wstarted, wstop;
    pthread_mutex_t wmu;
    pthread_cond_t wqueued, wdone;
    struct pg_job *whead, *wtail;
};

#define PGS(s) ((struct pg_store *)(s))

typedef int (*pg_fn)(pg_conn *c, void *arg);

#define PG_WRITE_ATTEMPTS 5 /* a serialization failure or deadlock is tried again this often */

HL_MUST_CHECK int pg_store_read(store *s, pg_fn fn, void *arg);
HL_MUST_CHECK int pg_store_write(store *s, pg_fn fn, void *arg);
/* pg_store_write at READ COMMITTED, for fn whose every statement is whole on its own: a counter
 * changed by one UPSERT (pg_limits.c). SERIALIZABLE would only turn every two concurrent
 * changes of one row into a serialization failure and a retry; READ COMMITTED makes the second
 * wait for the first and apply itself to the row the first committed. */
HL_MUST_CHECK int pg_store_write_committed(store *s, pg_fn fn, void *arg);
/* Counts a transaction in the store's statistics: committed with writes, or failed at COMMIT. */
void pg_store_count(struct pg_store *p, int writes, bool committed);

#endif
