/* pg_store.c — see pg_store.h: the pool, reads and writes, and the engine's functions. */
#include "store/pg/pg_store.h"
#include "store/pg/pg_migrate.h"
#include "store/pg/pg_url.h"
#include "store/pg/pg_writer.h"
#include "util/err.h"
#include "util/log.h"
#include <stdlib.h>
#include <string.h>

#define CONNECT_TIMEOUT_S 10

static pg_conn *borrow(struct pg_store *p, int *idx)
{
    pthread_mutex_lock(&p->mu);
    while (p->nfree == 0) pthread_cond_wait(&p->cv, &p->mu);
    *idx = p->free_conns[--p->nfree];
    pthread_mutex_unlock(&p->mu);
    return p->conns[*idx];
}

static void give_back(struct pg_store *p, int idx)
{
    pthread_mutex_lock(&p->mu);
    p->free_conns[p->nfree++] = idx;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

int pg_store_read(store *s, pg_fn fn, void *arg)
{
    struct pg_store *p = PGS(s);
    int idx;
    pg_conn *c = borrow(p, &idx);
    /* BEGIN travels with the first statement and COMMIT's answer is read by the next call:
     * a read of one statement costs one round trip */
    int rc = pg_begin_with(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    if (!rc) rc = fn(c, arg);
    if (rc) pg_rollback(c);
    else rc = pg_commit_read(c);
    give_back(p, idx);
    return rc;
}

void pg_store_count(struct pg_store *p, int writes, bool committed)
{
    pthread_mutex_lock(&p->mu);
    if (committed) {
        p->stats.commits++;
        p->stats.writes += (uint64_t)writes;
        int b = 0;
        for (int n = writes; n > 1 && b < 7; n >>= 1) b++;
        p->stats.batch_hist[b]++;
    } else {
        p->stats.failed_commits++;
    }
    pthread_mutex_unlock(&p->mu);
}

int pg_store_write(store *s, pg_fn fn, void *arg)
{
    return pg_writer_run(PGS(s), fn, arg);
}

/* Beside the writer, on a pooled connection: these writes need no batch (one UPSERT each, in
 * unlogged tables) and must not wait behind one. */
int pg_store_write_committed(store *s, pg_fn fn, void *arg)
{
    struct pg_store *p = PGS(s);
    int idx;
    pg_conn *c = borrow(p, &idx);
    int rc = HL_EBUSY;
    bool reached_commit = false;
    for (int attempt = 0; rc == HL_EBUSY && attempt < PG_WRITE_ATTEMPTS; attempt++) {
        reached_commit = false;
        rc = pg_begin_with(c, "BEGIN ISOLATION LEVEL READ COMMITTED");
        if (!rc) rc = fn(c, arg);
        if (rc) {
            pg_rollback(c);
        } else {
            reached_commit = true;
            rc = pg_commit(c);
        }
    }
    give_back(p, idx);
    if (!rc || reached_commit) pg_store_count(p, 1, rc == 0);
    return rc;
}

static void close_pool(struct pg_store *p)
{
    pg_writer_stop(p); /* the writes queued are committed first */
    for (int i = 0; i < PG_STORE_CONNS; i++) pg_close(p->conns[i]);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p->url);
    free(p);
}

int postgres_open(const char *url, store **out)
{
    char msg[200];
    int rc = pg_url_check(url, msg, sizeof msg);
    if (rc) {
        log_error("store: %s", msg);
        return rc;
    }
    struct pg_store *p = calloc(1, sizeof *p);
    if (!p) return HL_ENOMEM;
    p->be = &store_backend_postgres;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->url = strdup(url);
    rc = p->url ? 0 : HL_ENOMEM;
    for (int i = 0; !rc && i < PG_STORE_CONNS; i++) {
        rc = pg_connect(url, CONNECT_TIMEOUT_S, &p->conns[i]);
        if (!rc) p->free_conns[p->nfree++] = i;
    }
    int applied = 0;
    if (!rc) rc = pg_migrate(p->conns[0], &applied);
    if (!rc && applied) log_info("store: %d PostgreSQL migration(s) applied", applied);
    if (!rc) rc = pg_writer_start(p, url);
    if (rc) {
        close_pool(p);
        return rc;
    }
    *out = (store *)p;
    return 0;
}

int postgres_exists(const char *where, bool *yes)
{
    char msg[200];
    *yes = false;
    int rc = pg_url_check(where, msg, sizeof msg);
    if (rc) {
        log_error("store: %s", msg);
        return rc;
    }
    pg_conn *c;
    *yes = pg_connect(where, CONNECT_TIMEOUT_S, &c) == 0; /* the reason is in the log */
    pg_close(c);
    return 0;
}

void postgres_close(store *s)
{
    if (s) close_pool(PGS(s));
}

static int version_fn(pg_conn *c, void *arg)
{
    int64_t v = 0;
    int rc = pg_int1(c, &v, "SELECT coalesce(max(version), 0) FROM schema_migrations", "");
    *(int *)arg = (int)v;
    return rc;
}

int postgres_schema_version(store *s, int *version)
{
    return pg_store_read(s, version_fn, version);
}

static int size_fn(pg_conn *c, void *arg)
{
    return pg_int1(c, arg, "SELECT pg_database_size(current_database())", "");
}

int postgres_get_stats(store *s, store_stats *out)
{
    struct pg_store *p = PGS(s);
    pthread_mutex_lock(&p->mu);
    *out = p->stats;
    pthread_mutex_unlock(&p->mu);
    return pg_store_read(s, size_fn, &out->db_bytes);
}
