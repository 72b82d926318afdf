/* store.c — opening and closing the SQLite store: pragmas, migrations, the reader pool,
 * statistics (backup and restore: backup.c). */
#include "store/case_row.h"
#include "store/migrations.h"
#include "store/store_internal.h"
#include "util/err.h"
#include "util/log.h"
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Before SQLite's first use: no global memory statistics (we never read them), which take a
 * process-wide mutex on every allocation SQLite makes. */
static void configure_sqlite(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

int store_connect(const char *path, bool writer, sqlite3 **out)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, configure_sqlite);
    sqlite3 *db = NULL;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (writer ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &db, flags, NULL);
    if (rc != SQLITE_OK) {
        log_error("store: cannot open %s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return db_err(rc);
    }
    sqlite3_extended_result_codes(db, 1);
    rc = store_fts_register(db);
    if (rc) {
        sqlite3_close(db);
        return rc;
    }
    /* Set explicitly: Debian's build changes some defaults (see docs/internals.md, "Readers: a
     * pool, one snapshot per read"). FULL makes every acknowledged commit durable; the writer's
     * group commit pays for it. */
    rc = db_script(db, "PRAGMA busy_timeout=5000;"
                       "PRAGMA foreign_keys=ON;"
                       "PRAGMA secure_delete=OFF;"
                       "PRAGMA synchronous=FULL;"
                       "PRAGMA temp_store=MEMORY;"
                       "PRAGMA cache_size=-16000;"
                       "PRAGMA mmap_size=" STORE_MMAP_SIZE ";");
    if (!rc && writer) rc = db_script(db, "PRAGMA journal_mode=WAL;");
    if (!rc && !writer) rc = db_script(db, "PRAGMA query_only=ON;");
    if (rc) {
        sqlite3_close(db);
        return rc;
    }
    db_cache_attach(db);
    *out = db;
    return 0;
}

static int migrate(sqlite3 *db)
{
    int rc = db_script(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                           " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                           " applied_at INTEGER NOT NULL DEFAULT (unixepoch()))");
    if (rc) return rc;
    int64_t current = 0;
    rc = db_int1(db, &current, "SELECT ifnull(max(version),0) FROM schema_migrations", NULL);
    if (rc) return rc;
    /* two branches that each added "the next" migration: merged, one of them would be taken
     * for applied and never run (the table is sorted by file name) */
    for (int i = 1; i < store_migrations_count; i++)
        if (store_migrations[i].version == store_migrations[i - 1].version) {
            log_error("store: migrations %s and %s have the same number",
                      store_migrations[i - 1].name, store_migrations[i].name);
            return HL_EINVAL;
        }
    if (current > store_migrations[store_migrations_count - 1].version) {
        log_error("store: database schema %lld is newer than this binary", (long long)current);
        return HL_EINVAL;
    }
    /* every migration not recorded yet, in order — also one numbered below the newest
     * applied (merged from a branch later than a higher-numbered one) */
    for (int i = 0; i < store_migrations_count; i++) {
        const struct store_migration *m = &store_migrations[i];
        int64_t done = 0;
        rc = db_int1(db, &done, "SELECT count(*) FROM schema_migrations WHERE version=?", "i",
                     (int64_t)m->version);
        if (rc) return rc;
        if (done) continue;
        log_info("store: applying migration %s", m->name);
        rc = db_script(db, "BEGIN IMMEDIATE");
        if (!rc) rc = db_script(db, m->sql);
        if (!rc)
            rc = db_exec(db, NULL, "INSERT INTO schema_migrations(version,name) VALUES(?,?)",
                         "it", (int64_t)m->version, m->name);
        if (!rc) rc = db_script(db, "COMMIT");
        if (rc) {
            err_ignore(db_script(db, "ROLLBACK")); /* undoes the migration; rc is the error */
            log_error("store: migration %s failed", m->name);
            return rc;
        }
    }
    return 0;
}

int sqlite_exists(const char *where, bool *yes)
{
    struct stat st;
    *yes = stat(where, &st) == 0;
    return 0;
}

int sqlite_open(const char *path, store **out)
{
    store *s = calloc(1, sizeof *s);
    if (!s) return HL_ENOMEM;
    s->be = &store_backend_sqlite;
    s->path = strdup(path);
    pthread_mutex_init(&s->pool_mu, NULL);
    pthread_cond_init(&s->pool_cv, NULL);
    pthread_mutex_init(&s->mu, NULL);
    pthread_condattr_t mono; /* the writer's gathering waits by a clock that never jumps */
    pthread_condattr_init(&mono);
    pthread_condattr_setclock(&mono, CLOCK_MONOTONIC);
    pthread_cond_init(&s->work_cv, &mono);
    pthread_condattr_destroy(&mono);
    pthread_cond_init(&s->done_cv, NULL);
    int rc = s->path ? 0 : HL_ENOMEM;
    if (!rc) rc = store_connect(path, true, &s->wdb);
    if (rc == HL_EREADONLY && access(path, F_OK) == 0) {
        /* serve reads; every write answers 503 storage_read_only (store/readonly.c) */
        log_warn("store: %s cannot be written: serving reads only", path);
        s->read_only = true;
        rc = store_connect_readonly(path, &s->wdb);
    }
    if (!rc) rc = migrate(s->wdb);
    if (!rc && !s->read_only) rc = case_row_index_prepare(s->wdb);
    for (int i = 0; !rc && i < STORE_READERS; i++) {
        rc = s->read_only ? store_connect_readonly(path, &s->readers[i])
                          : store_connect(path, false, &s->readers[i]);
        s->free_readers[s->nfree++] = i;
    }
    if (!rc) rc = store_writer_start(s);
    if (rc) {
        store_close(s);
        return rc;
    }
    *out = s;
    return 0;
}

void sqlite_close(store *s)
{
    if (!s) return;
    if (s->writer_started) store_writer_stop(s);
    for (int i = 0; i < STORE_READERS; i++) db_close(s->readers[i]);
    if (s->wdb && !s->read_only) { /* leave no WAL behind on a clean shutdown */
        int rc = db_script(s->wdb, "PRAGMA wal_checkpoint(TRUNCATE)");
        /* nothing is lost: the next open reads the WAL */
        if (rc) log_warn("store: checkpoint at close failed: %s", hl_strerror(rc));
    }
    db_close(s->wdb);
    pthread_mutex_destroy(&s->pool_mu);
    pthread_cond_destroy(&s->pool_cv);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->work_cv);
    pthread_cond_destroy(&s->done_cv);
    free(s->path);
    free(s);
}

int store_read(store *s, store_fn fn, void *arg)
{
    pthread_mutex_lock(&s->pool_mu);
    while (s->nfree == 0) pthread_cond_wait(&s->pool_cv, &s->pool_mu);
    int idx = s->free_readers[--s->nfree];
    pthread_mutex_unlock(&s->pool_mu);

    sqlite3 *db = s->readers[idx];
    /* one read = one snapshot, even when fn runs several queries */
    int rc = db_exec(db, NULL, "BEGIN", NULL);
    if (!rc) {
        rc = fn(db, arg);
        int crc = db_exec(db, NULL, "COMMIT", NULL);
        if (!rc) rc = crc;
        /* a failed COMMIT leaves the read open: end it, or this reader would keep its old
         * snapshot and refuse every later BEGIN (the error is already in rc) */
        if (crc && !sqlite3_get_autocommit(db)) err_ignore(db_script(db, "ROLLBACK"));
    }

    pthread_mutex_lock(&s->pool_mu);
    s->free_readers[s->nfree++] = idx;
    pthread_cond_signal(&s->pool_cv);
    pthread_mutex_unlock(&s->pool_mu);
    return rc;
}

static int version_fn(sqlite3 *db, void *arg)
{
    int64_t v = 0;
    int rc = db_int1(db, &v, "SELECT ifnull(max(version),0) FROM schema_migrations", NULL);
    *(int *)arg = (int)v;
    return rc;
}

int sqlite_schema_version(store *s, int *version) { return store_read(s, version_fn, version); }

static int size_fn(sqlite3 *db, void *arg)
{
    return db_int1(db, arg,
                   "SELECT (SELECT page_count FROM pragma_page_count()) *"
                   " (SELECT page_size FROM pragma_page_size())",
                   NULL);
}

int sqlite_get_stats(store *s, store_stats *out)
{
    pthread_mutex_lock(&s->mu);
    *out = s->stats;
    pthread_mutex_unlock(&s->mu);
    return store_read(s, size_fn, &out->db_bytes);
}

int sqlite_backup(store *s, const char *dest_path)
{
    return store_backup_path(s->path, dest_path); /* store/backup.c */
}
