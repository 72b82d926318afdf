/* pg_writer.h — the PostgreSQL backend's writer (internal to src/store/pg/): one thread per
 * server with a connection of its own, which runs the writes that callers queue as batches,
 * each batch one SERIALIZABLE transaction with one COMMIT (group commit, as the SQLite
 * backend's writer.c does). A commit waits for its WAL to reach the disk; writes that queue
 * while one commits share the next, so 64 callers are not 64 times slower than one.
 *
 * Each write keeps its promise (engine.h): it is acknowledged only after the COMMIT that
 * holds it answered COMMIT, and it takes effect whole or not at all, as if no other write ran
 * beside it (the jobs of a batch run one after the other in one transaction; the batch takes
 * the case-writes lock first, pg_lock_case_writes, so batches of several servers run one at a
 * time). A job that refuses (its fn's error) is answered with it, after what it did is
 * rolled back to the savepoint made before it, so the others go on. A serialization failure
 * or deadlock runs the batch again, a few times; a lost connection answers every job of the
 * batch HL_EUNAVAIL (nothing is acknowledged); a COMMIT refused for another reason (a deferred
 * constraint) sends each job through a transaction of its own, to find whose it was. */
#ifndef HOTLINE_STORE_PG_WRITER_H
#define HOTLINE_STORE_PG_WRITER_H
#include "store/pg/pg_store.h"

#define PG_BATCH_MAX 48 /* jobs per transaction, each a subtransaction (its savepoint): below
                           the 64 a PostgreSQL backend caches before snapshots slow down */

/* Connects the writer's own connection to url and starts its thread. */
HL_MUST_CHECK int pg_writer_start(struct pg_store *p, const char *url);
/* Runs the queued jobs, stops the thread and closes its connection. Safe when never started. */
void pg_writer_stop(struct pg_store *p);
/* Queues fn(c, arg) and waits for the COMMIT that holds it: fn's error, the transaction's
 * (HL_EUNAVAIL: the outcome is unknown, nothing is acknowledged), or 0 once committed. */
HL_MUST_CHECK int pg_writer_run(struct pg_store *p, pg_fn fn, void *arg);

#endif
