/* pg_writer.c — see pg_writer.h. */
#include "store/pg/pg_writer.h"
#include "store/pg/pg_case_row.h" /* pg_lock_case_writes */
#include "util/err.h"
#include "util/log.h"
#include <stdlib.h>

#define CONNECT_TIMEOUT_S 10
#define WRITE_ATTEMPTS 5  /* a serialization failure or deadlock is tried again this often */
#define REFUSAL_RERUNS 2  /* batch reruns after refusals before the rest go one by one */

struct pg_job {
    pg_fn fn;
    void *arg;
    int rc;
    bool done;
    struct pg_job *next;
};

static int hist_bucket(int n)
{
    int b = 0;
    while (n > 1 && b < 7) {
        n >>= 1;
        b++;
    }
    return b;
}

/* The statistics of one transaction: committed with n writes, or failed at COMMIT. */
static void count(struct pg_store *p, int n, bool committed)
{
    pthread_mutex_lock(&p->mu);
    if (committed) {
        p->stats.commits++;
        p->stats.writes += (uint64_t)n;
        p->stats.batch_hist[hist_bucket(n)]++;
    } else {
        p->stats.failed_commits++;
    }
    pthread_mutex_unlock(&p->mu);
}

/* One transaction over the jobs still open in batch[0..n): runs each fn in order and commits.
 * 0 when they committed (each open job done, rc 0). A job's refusal (its fn's error) is
 * recorded in that job (done), *refused set, the transaction rolled back and 0 returned: the
 * caller runs the rest again. Errors of the transaction itself (a serialization failure, a
 * lost connection, no memory, a failed COMMIT) are returned, no job done. */
static int one_transaction(struct pg_store *p, struct pg_job **batch, int n, bool *refused)
{
    pg_conn *c = p->wconn;
    *refused = false;
    int rc = pg_begin_with(c, "BEGIN ISOLATION LEVEL SERIALIZABLE"); /* with the first statement */
    if (!rc) rc = pg_lock_case_writes(c); /* before the snapshot: one batch at a time */
    int ran = 0;
    for (int i = 0; !rc && i < n; i++) {
        if (batch[i]->done) continue;
        int r = batch[i]->fn(c, batch[i]->arg);
        if (!r) r = pg_tx_err(c); /* a statement that failed under an fn that went on */
        if (r == HL_EBUSY || r == HL_EUNAVAIL || r == HL_ENOMEM) {
            rc = r; /* the transaction's, not this job's */
        } else if (r) {
            batch[i]->rc = r;
            batch[i]->done = true;
            *refused = true;
            rc = r;
        } else {
            ran++;
        }
    }
    if (rc) {
        pg_rollback(c);
        return *refused ? 0 : rc;
    }
    rc = pg_commit(c);
    count(p, ran, rc == 0);
    if (!rc)
        for (int i = 0; i < n; i++)
            if (!batch[i]->done) {
                batch[i]->rc = 0;
                batch[i]->done = true;
            }
    return rc;
}

/* Runs the batch to its end: every job done, with its answer. */
static void run_batch(struct pg_store *p, struct pg_job **batch, int n)
{
    int reruns = 0;
    for (int attempt = 0; attempt < WRITE_ATTEMPTS;) {
        bool refused = false;
        int rc = one_transaction(p, batch, n, &refused);
        if (refused) { /* the others again, on the state without the refused one */
            if (++reruns > REFUSAL_RERUNS) break;
            continue;
        }
        if (rc == HL_EBUSY) {
            attempt++;
            continue;
        }
        if (rc) { /* lost, or refused at COMMIT (a deferred constraint): the whole batch */
            if (rc != HL_EUNAVAIL && n > 1) break; /* which job? each on its own finds out */
            for (int i = 0; i < n; i++)
                if (!batch[i]->done) {
                    batch[i]->rc = rc;
                    batch[i]->done = true;
                }
        }
        return; /* committed, or answered */
    }
    /* what is left runs one job per transaction: each gets its own answer */
    for (int i = 0; i < n; i++) {
        if (batch[i]->done) continue;
        int rc = HL_EBUSY;
        bool refused = false;
        for (int attempt = 0; rc == HL_EBUSY && attempt < WRITE_ATTEMPTS; attempt++)
            rc = one_transaction(p, &batch[i], 1, &refused);
        if (!batch[i]->done) {
            batch[i]->rc = rc ? rc : HL_EBUSY;
            batch[i]->done = true;
        }
    }
}

static void *writer_main(void *arg)
{
    struct pg_store *p = arg;
    struct pg_job *batch[PG_BATCH_MAX];
    pthread_mutex_lock(&p->wmu);
    for (;;) {
        while (!p->whead && !p->wstop) pthread_cond_wait(&p->wqueued, &p->wmu);
        if (!p->whead) break; /* stopping, and nothing left */
        int n = 0;
        while (p->whead && n < PG_BATCH_MAX) {
            batch[n++] = p->whead;
            p->whead = p->whead->next;
        }
        if (!p->whead) p->wtail = NULL;
        pthread_mutex_unlock(&p->wmu);
        run_batch(p, batch, n);
        pthread_mutex_lock(&p->wmu);
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
