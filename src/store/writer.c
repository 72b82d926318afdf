/* writer.c — the single writer thread and its group commit. Callers queue a job and sleep;
 * the writer takes every job waiting, runs each inside its own savepoint of one transaction,
 * commits once, then wakes them all. With synchronous=FULL one commit costs ~0.3 ms of fsync,
 * so batching is what lets many clients register requests at once (ENGINEERING.md). */
#include "store/store_internal.h"
#include "util/err.h"
#include "util/log.h"

static int hist_bucket(int n)
{
    int b = 0;
    while (n > 1 && b < 7) {
        n >>= 1;
        b++;
    }
    return b;
}

static void run_batch(store *s, struct store_job *batch, int n)
{
    int rc = db_script(s->wdb, "BEGIN IMMEDIATE");
    for (struct store_job *j = batch; j; j = j->next) {
        if (rc) {
            j->rc = rc;
            continue;
        }
        int src = db_script(s->wdb, "SAVEPOINT job");
        if (!src) {
            j->rc = j->fn(s->wdb, j->arg);
            if (j->rc) src = db_script(s->wdb, "ROLLBACK TO job");
            if (!src) src = db_script(s->wdb, "RELEASE job");
        }
        if (src) j->rc = src;
    }
    if (!rc) rc = db_script(s->wdb, "COMMIT");
    if (rc) {
        db_script(s->wdb, "ROLLBACK");
        log_error("store: batch of %d writes failed: %s", n, hl_strerror(rc));
    }
    /* a job that failed was rolled back to its savepoint: it is not a committed write */
    int committed = 0;
    for (struct store_job *j = batch; j; j = j->next)
        if (!j->rc) committed++;
    pthread_mutex_lock(&s->mu);
    if (rc) {
        s->stats.failed_commits++;
    } else {
        s->stats.commits++;
        s->stats.writes += (uint64_t)committed;
        s->stats.batch_hist[hist_bucket(committed)]++;
    }
    for (struct store_job *j = batch; j; j = j->next) {
        if (rc && !j->rc) j->rc = rc; /* nothing of this batch is on disk */
        j->done = true;
    }
    pthread_cond_broadcast(&s->done_cv);
    pthread_mutex_unlock(&s->mu);
}

static void *writer_main(void *arg)
{
    store *s = arg;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        while (!s->head && !s->stopping) pthread_cond_wait(&s->work_cv, &s->mu);
        if (!s->head && s->stopping) break;
        /* take up to STORE_MAX_BATCH jobs off the queue */
        struct store_job *batch = s->head, *last = s->head;
        int n = 1;
        while (last->next && n < STORE_MAX_BATCH) {
            last = last->next;
            n++;
        }
        s->head = last->next;
        if (!s->head) s->tail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&s->mu);
        run_batch(s, batch, n);
        pthread_mutex_lock(&s->mu);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

int store_writer_start(store *s)
{
    if (pthread_create(&s->writer, NULL, writer_main, s) != 0) return HL_ENOMEM;
    s->writer_started = true;
    return 0;
}

void store_writer_stop(store *s)
{
    pthread_mutex_lock(&s->mu);
    s->stopping = true;
    pthread_cond_signal(&s->work_cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->writer, NULL);
    s->writer_started = false;
}

int store_write(store *s, store_fn fn, void *arg)
{
    struct store_job job = {.fn = fn, .arg = arg};
    pthread_mutex_lock(&s->mu);
    if (s->stopping) {
        pthread_mutex_unlock(&s->mu);
        return HL_EBUSY;
    }
    if (s->tail)
        s->tail->next = &job;
    else
        s->head = &job;
    s->tail = &job;
    pthread_cond_signal(&s->work_cv);
    while (!job.done) pthread_cond_wait(&s->done_cv, &s->mu);
    pthread_mutex_unlock(&s->mu);
    return job.rc;
}
