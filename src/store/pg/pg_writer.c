/* pg_writer.c — see pg_writer.h. */
#include "store/pg/pg_writer.h"
#include "store/pg/pg_case_row.h" /* pg_lock_case_writes */
#include "util/err.h"
#include "util/log.h"
#include <stdlib.h>

#define CONNECT_TIMEOUT_S 10

struct pg_job {
    pg_fn fn;
    void *arg;
    int rc;
    bool done; /* under wmu: its caller returns (and the job's memory goes) once it is set */
    struct pg_job *next;
};

/* A job of the batch being run, as the writer alone sees it until the batch is over. */
struct slot {
    struct pg_job *job;
    int rc;
    bool done;
};

/* One transaction over the jobs of batch[0..n): each fn in order, each after a savepoint (when
 * there are several), then one COMMIT. A job's refusal (its fn's error) is that job's answer:
 * what it did is rolled back to its savepoint and the others go on. 0 when the transaction
 * committed (every job done: refused, or rc 0). Errors of the transaction itself (a
 * serialization failure, a lost connection, no memory, a failed COMMIT) are returned. */
static int one_transaction(struct pg_store *p, struct slot *batch, int n)
{
    pg_conn *c = p->wconn;
    for (int i = 0; i < n; i++) batch[i].done = false;
    int rc = pg_begin_with(c, "BEGIN ISOLATION LEVEL SERIALIZABLE"); /* with the first statement */
    if (!rc) rc = pg_lock_case_writes(c); /* before the snapshot: one batch at a time */
    int ran = 0;
    for (int i = 0; !rc && i < n; i++) {
        if (n > 1) rc = pg_savepoint(c); /* sent with the job's first statement */
        int r = rc ? rc : batch[i].job->fn(c, batch[i].job->arg);
        if (!r) r = pg_tx_err(c); /* a statement that failed under an fn that went on */
        if (r == HL_EBUSY || r == HL_EUNAVAIL || r == HL_ENOMEM) {
            rc = r; /* the transaction's, not this job's */
        } else if (r) {
            batch[i].rc = r;
            batch[i].done = true;
            if (n > 1) rc = pg_rollback_to_savepoint(c);
        } else {
            ran++;
        }
    }
    if (rc || !ran) {
        pg_rollback(c);
        return rc;
    }
    rc = pg_commit(c);
    pg_store_count(p, ran, rc == 0);
    if (!rc)
        for (int i = 0; i < n; i++)
            if (!batch[i].done) {
                batch[i].rc = 0;
                batch[i].done = true;
            }
    return rc;
}

/* Runs the batch to its end: every job done, with its answer. */
static void run_batch(struct pg_store *p, struct slot *batch, int n)
{
    int rc = HL_EBUSY;
    for (int attempt = 0; rc == HL_EBUSY && attempt < PG_WRITE_ATTEMPTS; attempt++)
        rc = one_transaction(p, batch, n);
    if (rc && rc != HL_EUNAVAIL && n > 1) {
        /* refused at COMMIT (a deferred constraint), or out of tries: whose fault is not
         * known, so each job finds out in a transaction of its own */
        for (int i = 0; i < n; i++) run_batch(p, &batch[i], 1);
        return;
    }
    for (int i = 0; i < n; i++)
        if (rc || !batch[i].done) {
            batch[i].rc = rc ? rc : HL_EIO;
            batch[i].done = true;
        }
}

static void *writer_main(void *arg)
{
    struct pg_store *p = arg;
    struct slot batch[PG_BATCH_MAX];
    pthread_mutex_lock(&p->wmu);
    for (;;) {
        while (!p->whead && !p->wstop) pthread_cond_wait(&p->wqueued, &p->wmu);
        if (!p->whead) break; /* stopping, and nothing left */
        int n = 0;
        while (p->whead && n < PG_BATCH_MAX) {
            batch[n++] = (struct slot){.job = p->whead};
            p->whead = p->whead->next;
        }
        if (!p->whead) p->wtail = NULL;
        pthread_mutex_unlock(&p->wmu);
        run_batch(p, batch, n);
        pthread_mutex_lock(&p->wmu);
        for (int i = 0; i < n; i++) {
            batch[i].job->rc = batch[i].rc;
            batch[i].job->done = true;
        }
        pthread_cond_broadcast(&p->wdone);
    }
    pthread_mutex_unlock(&p->wmu);
    return NULL;
}

int pg_writer_start(struct pg_store *p, const char *url)
{
    pthread_mutex_init(&p->wmu, NULL);
    pthread_cond_init(&p->wqueued, NULL);
    pthread_cond_init(&p->wdone, NULL);
    int rc = pg_connect(url, CONNECT_TIMEOUT_S, &p->wconn);
    if (rc) return rc;
    if (pthread_create(&p->wthread, NULL, writer_main, p) != 0) {
        pg_close(p->wconn);
        p->wconn = NULL;
        return HL_ENOMEM;
    }
    p->wstarted = true;
    return 0;
}

void pg_writer_stop(struct pg_store *p)
{
    if (p->wstarted) {
        pthread_mutex_lock(&p->wmu);
        p->wstop = true;
        pthread_cond_signal(&p->wqueued);
        pthread_mutex_unlock(&p->wmu);
        pthread_join(p->wthread, NULL);
        p->wstarted = false;
    }
    pg_close(p->wconn);
    p->wconn = NULL;
}

int pg_writer_run(struct pg_store *p, pg_fn fn, void *arg)
{
    struct pg_job job = {.fn = fn, .arg = arg};
    pthread_mutex_lock(&p->wmu);
    if (p->wtail) p->wtail->next = &job;
    else p->whead = &job;
    p->wtail = &job;
    pthread_cond_signal(&p->wqueued);
    while (!job.done) pthread_cond_wait(&p->wdone, &p->wmu);
    pthread_mutex_unlock(&p->wmu);
    return job.rc;
}
