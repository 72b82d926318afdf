/* pg_migrate.c — see pg_migrate.h. */
#include "store/pg/pg_migrate.h"
#include "util/err.h"
#include "util/log.h"
#include <string.h>

/* the advisory lock's key: "hotline" in ASCII, so whoever sees it in pg_locks can tell */
#define PG_MIGRATE_LOCK INT64_C(29395943403646565)

/* Every check and migration, with the lock held. */
static int migrate_locked(pg_conn *c, const struct store_migration *m, int n, int *applied)
{
    int rc = pg_script(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                          " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                          " applied_at BIGINT NOT NULL DEFAULT extract(epoch FROM now()))");
    int64_t current = 0;
    if (!rc)
        rc = pg_int1(c, &current, "SELECT coalesce(max(version), 0) FROM schema_migrations",
                     NULL);
    if (rc) return rc;
    if (n > 0 && current > m[n - 1].version) {
        log_error("store: database schema %lld is newer than this binary", (long long)current);
        return HL_EINVAL;
    }
    /* every migration not recorded yet, in order — also one numbered below the newest
     * applied (merged from a branch later than a higher-numbered one) */
    for (int i = 0; i < n; i++) {
        int64_t done = 0;
        rc = pg_int1(c, &done, "SELECT count(*) FROM schema_migrations WHERE version=$1", "i",
                     (int64_t)m[i].version);
        if (rc) return rc;
        if (done) continue;
        log_info("store: applying PostgreSQL migration %s", m[i].name);
        rc = pg_begin(c);
        if (!rc) rc = pg_script(c, m[i].sql);
        if (!rc)
            rc = pg_exec(c, NULL, "INSERT INTO schema_migrations(version, name) VALUES($1, $2)",
                         "it", (int64_t)m[i].version, m[i].name);
        if (!rc) rc = pg_commit(c);
        else pg_rollback(c);
        if (rc) {
            log_error("store: PostgreSQL migration %s failed", m[i].name);
            return rc;
        }
        if (applied) (*applied)++;
    }
    return 0;
}

int pg_migrate_table(pg_conn *c, const struct store_migration *m, int n, int *applied)
{
    if (applied) *applied = 0;
    /* two branches that each added "the next" migration: merged, one of them would be taken
     * for applied and never run */
    for (int i = 1; i < n; i++)
        if (m[i].version == m[i - 1].version) {
            log_error("store: PostgreSQL migrations %s and %s have the same number",
                      m[i - 1].name, m[i].name);
            return HL_EINVAL;
        }
    /* text is stored and compared as UTF-8 bytes, as in SQLite; another encoding would
     * refuse or change what the callers wrote */
    int64_t utf8 = 0;
    int rc = pg_int1(c, &utf8, "SELECT (current_setting('server_encoding') = 'UTF8')::int",
                     NULL);
    if (rc) return rc;
    if (!utf8) {
        log_error("store: the PostgreSQL database must have ENCODING 'UTF8'");
        return HL_EINVAL;
    }
    rc = pg_exec(c, NULL, "SELECT pg_advisory_lock($1)", "i", PG_MIGRATE_LOCK);
    if (rc) return rc;
    rc = migrate_locked(c, m, n, applied);
    /* a lost connection released the lock with it */
    int urc = pg_exec(c, NULL, "SELECT pg_advisory_unlock($1)", "i", PG_MIGRATE_LOCK);
    err_first(&rc, urc);
    return rc;
}

int pg_migrate(pg_conn *c, int *applied)
{
    return pg_migrate_table(c, pg_migrations, pg_migrations_count, applied);
}
