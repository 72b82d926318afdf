/* writer.c — the single writer thread and its group commit. Callers queue a job and sleep;
 * the writer takes every job waiting, runs each inside its own savepoint of one transaction,
 * commits once, then wakes them all. With synchronous=FULL one commit costs ~0.3 ms of fsync,
 * so batching is what lets many clients register requests at once (docs/internals.md,
 * "Why one writer that group-commits"). */
#include "store/case_row.h"
#include "store/store_internal.h"
#include "util/err.h"
#include "util/log.h"
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

static int hist_bucket(int n)
{
    int b = 0;
    while (n > 1 && b < 7) {
        n >>= 1;
        b++;
    }
    return b;
}

/* SQLite reports some full disks and read-only files as I/O errors (a short WAL write, the
 * shared-memory file failing to grow, EPERM on an immutable file), and does not always keep
 * the OS error: tell them apart by the error, else by the files and the file system, so that
 * clients get 503 storage_full / storage_read_only ("nothing was written, try again later")
 * rather than 500. */
static HL_MUST_CHECK int classify(store *s, int rc)
{
    if (rc != HL_EIO) return rc;
    int e = sqlite3_system_errno(s->wdb);
    if (e == ENOSPC || e == EDQUOT) return HL_EFULL;
    if (e == EROFS || e == EPERM || e == EACCES) return HL_EREADONLY;
    char wal[PATH_MAX];
    snprintf(wal, sizeof wal, "%s-wal", s->path);
    if (access(s->path, W_OK) != 0 || (access(wal, F_OK) == 0 && access(wal, W_OK) != 0))
        return HL_EREADONLY;
    struct statvfs v;
    if (statvfs(s->path, &v) == 0 && (uint64_t)v.f_bavail * v.f_frsize < 64 * 1024)
        return HL_EFULL;
    return rc;
}

static void run_batch(store *s, struct store_job *batch, int n)
{
    /* A no-op inside a transaction, so set before BEGIN. Only switched when a bulk job follows
     * a normal batch or the other way round: every change of the pragma expires the
     * connection's prepared statements, and re-preparing the bulk import's multi-row INSERTs
     * after each chunk cost a fifth of the import (measured with callgrind). When the switch
     * fails the batch fails with it: ordinary jobs must not run unchecked, nor a bulk job with
     * checks it was not written for. */
    int rc = 0;
    if (batch->bulk != s->fk_off) {
        rc = classify(s, db_script(s->wdb, batch->bulk ? "PRAGMA foreign_keys=OFF"
                                                       : "PRAGMA foreign_keys=ON"));
        if (!rc) s->fk_off = batch->bulk;
    }
    /* the same for the durability of a batch of light jobs (store_write_light) */
    bool light = true;
    for (struct store_job *j = batch; j && light; j = j->next) light = j->light;
    if (!rc && light != s->sync_normal) {
        rc = classify(s, db_script(s->wdb, light ? "PRAGMA synchronous=NORMAL"
                                                 : "PRAGMA synchronous=FULL"));
        if (!rc) s->sync_normal = light;
    }
    if (!rc) rc = classify(s, db_exec(s->wdb, NULL, "BEGIN IMMEDIATE", NULL));
    for (struct store_job *j = batch; j; j = j->next) {
        if (rc) {
            j->rc = rc;
            continue;
        }
        if (j->bulk) {
            rc = j->rc = classify(s, j->fn(s->wdb, j->arg));
            continue;
        }
        int src = db_exec(s->wdb, NULL, "SAVEPOINT job", NULL);
        if (!src) {
            j->rc = classify(s, j->fn(s->wdb, j->arg));
            /* a full disk or an I/O error inside a job (a page-cache spill) can make SQLite
             * roll back the whole transaction: then the jobs before this one are gone too,
             * and a later SAVEPOINT would open a new transaction that commits only the jobs
             * after it. The whole batch fails with this job's error. */
            if (sqlite3_get_autocommit(s->wdb)) {
                rc = j->rc = j->rc ? j->rc : HL_EIO;
                continue;
            }
            if (j->rc) src = db_exec(s->wdb, NULL, "ROLLBACK TO job", NULL);
            if (!src) src = db_exec(s->wdb, NULL, "RELEASE job", NULL);
        }
        if (src && !j->rc) j->rc = src;
        if (sqlite3_get_autocommit(s->wdb)) rc = j->rc ? j->rc : HL_EIO;
    }
    /* the full-text index of the batch's new requests, once, outside every job's savepoint
     * (store/case_row.h) */
    if (!rc && !batch->bulk && !s->read_only) rc = classify(s, case_row_index_pending(s->wdb));
    if (!rc) rc = classify(s, db_exec(s->wdb, NULL, "COMMIT", NULL));
    if (rc) {
        /* SQLite may have rolled back already (a failed COMMIT on a full disk); otherwise
         * undo the batch here. Either way the connection is ready for the next batch. */
        if (!sqlite3_get_autocommit(s->wdb)) err_ignore(db_script(s->wdb, "ROLLBACK"));
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

/* Gathering: when the last batch had several jobs, callers are writing at once, and the
 * ones still on their way (reading, deciding) would otherwise each pay a commit of their own.
 * The writer waits up to STORE_GATHER_US for the queue to hold as many jobs as the last batch
 * did (PostgreSQL's commit_delay with commit_siblings, adaptive). A lone writer (last batch of
 * one) never waits, so one caller's latency is unchanged. Called with s->mu held. */
static void gather(store *s)
{
    if (s->last_batch < 2 || s->queued >= s->last_batch || s->head->bulk || s->stopping) return;
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_nsec += STORE_GATHER_US * 1000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    while (s->queued < s->last_batch && !s->stopping)
        if (pthread_cond_timedwait(&s->work_cv, &s->mu, &until) == ETIMEDOUT) break;
}

static void *writer_main(void *arg)
{
    store *s = arg;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        while (!s->head && !s->stopping) pthread_cond_wait(&s->work_cv, &s->mu);
        if (!s->head && s->stopping) break;
        gather(s);
        /* take up to STORE_MAX_BATCH jobs off the queue; a whole-transaction job alone */
        struct store_job *batch = s->head, *last = s->head;
        int n = 1;
        while (!last->bulk && last->next && !last->next->bulk && n < STORE_MAX_BATCH) {
            last = last->next;
            n++;
        }
        s->head = last->next;
        if (!s->head) s->tail = NULL;
        s->queued -= n;
        s->last_batch = n;
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

static HL_MUST_CHECK int enqueue(store *s, struct store_job job)
{
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
    s->queued++;
    pthread_cond_signal(&s->work_cv);
    while (!job.done) pthread_cond_wait(&s->done_cv, &s->mu);
    pthread_mutex_unlock(&s->mu);
    return job.rc;
}

int store_write(store *s, store_fn fn, void *arg)
{
    return enqueue(s, (struct store_job){.fn = fn, .arg = arg});
}

int store_write_bulk(store *s, store_fn fn, void *arg)
{
    return enqueue(s, (struct store_job){.fn = fn, .arg = arg, .bulk = true});
}

int store_write_light(store *s, store_fn fn, void *arg)
{
    return enqueue(s, (struct store_job){.fn = fn, .arg = arg, .light = true});
}
