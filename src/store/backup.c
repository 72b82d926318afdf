/* backup.c — online backup of a live database and restore of a backup, by path, without
 * opening a store (no writer thread, no migrations, no checkpoint on the live file).
 *
 * Backup copies with SQLite's backup API in one step: in WAL mode that is one read transaction,
 * which never blocks the server's writer (a copy in small steps would restart every time the
 * server commits, and might never finish on a busy server). The copy goes to a temporary file
 * that is checked (quick_check) and then renamed into place, so FILE is whole or absent.
 *
 * Restore checks the backup (integrity, a hotline schema no newer than this binary), refuses
 * while any process has the live database open (an EXCLUSIVE lock cannot be taken), keeps the
 * previous database as LIVE.pre-restore, and renames a checked copy into place. */
#include "store/migrations.h"
#include "store/store_internal.h"
#include "util/err.h"
#include "util/log.h"
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "ok" from PRAGMA quick_check / integrity_check, else HL_EIO. */
static HL_MUST_CHECK int check_db(sqlite3 *db, const char *pragma)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, pragma, -1, &st, NULL);
    if (rc != SQLITE_OK) return db_err(rc);
    rc = sqlite3_step(st);
    bool ok = rc == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
    if (rc == SQLITE_ROW) rc = sqlite3_step(st); /* a second row means more problems */
    sqlite3_finalize(st);
    return ok && rc == SQLITE_DONE ? 0 : HL_EIO;
}

/* Copies the main database of src into dest_path (created or replaced), then checks it. */
static HL_MUST_CHECK int copy_into(sqlite3 *src, const char *dest_path)
{
    sqlite3 *dest = NULL;
    int rc = sqlite3_open_v2(dest_path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_backup *b = sqlite3_backup_init(dest, "main", src, "main");
        if (!b) {
            rc = sqlite3_errcode(dest);
        } else {
            int tries = 0;
            do { /* BUSY only while another process recovers the WAL: wait a little */
                rc = sqlite3_backup_step(b, -1);
                if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(10);
            } while ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && ++tries < 1000);
            sqlite3_backup_finish(b);
            if (rc == SQLITE_DONE) rc = sqlite3_errcode(dest);
        }
    }
    int hrc = db_err(rc);
    /* a backup is a single file: rollback mode, so that reading it creates no -wal or -shm
     * beside it (the server turns WAL on again when it opens a restored copy) */
    if (!hrc) hrc = db_err(sqlite3_exec(dest, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL));
    if (!hrc) hrc = check_db(dest, "PRAGMA quick_check");
    if (hrc) log_error("store: copy to %s failed: %s", dest_path, sqlite3_errstr(rc));
    sqlite3_close(dest);
    return hrc;
}

/* Makes a rename in the directory of path durable. */
static void sync_dir(const char *path)
{
    char *copy = strdup(path);
    if (!copy) return;
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(copy);
}

static char *with_suffix(const char *path, const char *suffix)
{
    size_t n = strlen(path) + strlen(suffix) + 1;
    char *s = malloc(n);
    if (s) snprintf(s, n, "%s%s", path, suffix);
    return s;
}

static void remove_companions(const char *path)
{
    static const char *const sfx[] = {"-journal", "-wal", "-shm"};
    for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
        char *p = with_suffix(path, sfx[i]);
        if (p) unlink(p);
        free(p);
    }
}

/* Copies src into dest_path through dest_path.tmp, renamed into place when checked. */
static int copy_to(sqlite3 *src, const char *dest_path)
{
    char *tmp = with_suffix(dest_path, ".tmp");
    if (!tmp) return HL_ENOMEM;
    unlink(tmp);
    remove_companions(tmp);
    int rc = copy_into(src, tmp);
    if (!rc && rename(tmp, dest_path) != 0) {
        log_error("store: cannot rename %s: %s", tmp, strerror(errno));
        rc = HL_EIO;
    }
    if (rc)
        unlink(tmp);
    else
        sync_dir(dest_path);
    remove_companions(tmp);
    free(tmp);
    return rc;
}

int sqlite_backup_path(const char *live_path, const char *dest_path)
{
    sqlite3 *src = NULL;
    int rc = sqlite3_open_v2(live_path, &src, SQLITE_OPEN_READONLY, NULL);
    if (rc == SQLITE_OK) sqlite3_busy_timeout(src, 5000);
    int hrc = rc == SQLITE_OK ? copy_to(src, dest_path) : db_err(rc);
    sqlite3_close(src);
    return hrc;
}

/* The schema version of a database: HL_EINVAL when it is not a hotline database. */
static int schema_version(sqlite3 *db, int64_t *v)
{
    int rc = db_int1(db, v, "SELECT ifnull(max(version),0) FROM schema_migrations", NULL);
    return rc == HL_EIO || rc == HL_ENOTFOUND ? HL_EINVAL : rc;
}

/* HL_EBUSY when some process has the database at path open (a server): an EXCLUSIVE lock
 * cannot be taken then, in WAL mode or not. 0 when nobody has it, or it does not exist. */
static int check_unused(const char *path)
{
    if (access(path, F_OK) != 0) return 0;
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, "PRAGMA locking_mode=EXCLUSIVE", NULL, NULL, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db); /* the last connection: checkpoints and removes the WAL */
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) return HL_EBUSY;
    return db_err(rc);
}

int sqlite_restore(const char *backup_path, const char *live_path)
{
    sqlite3 *src = NULL;
    int64_t version = 0;
    int rc = sqlite3_open_v2(backup_path, &src, SQLITE_OPEN_READONLY, NULL);
    int hrc = rc == SQLITE_OK ? store_fts_register(src) : db_err(rc);
    if (!hrc) hrc = check_db(src, "PRAGMA integrity_check");
    if (hrc == HL_EIO) log_error("store: %s is damaged or not a database", backup_path);
    if (!hrc) hrc = schema_version(src, &version);
    if (!hrc && version > store_migrations[store_migrations_count - 1].version) {
        log_error("store: %s has schema %lld, newer than this binary", backup_path,
                  (long long)version);
        hrc = HL_EINVAL;
    }
    if (!hrc) hrc = check_unused(live_path);
    char *tmp = hrc ? NULL : with_suffix(live_path, ".tmp");
    char *kept = hrc ? NULL : with_suffix(live_path, ".pre-restore");
    if (!hrc && (!tmp || !kept)) hrc = HL_ENOMEM;
    if (!hrc) {
        unlink(tmp);
        remove_companions(tmp);
        hrc = copy_into(src, tmp);
    }
    if (!hrc && access(live_path, F_OK) == 0) {
        /* keep what is replaced; its WAL was merged by check_unused's close */
        remove_companions(kept);
        if (rename(live_path, kept) != 0) hrc = HL_EIO;
    }
    if (!hrc) {
        remove_companions(live_path);
        if (rename(tmp, live_path) != 0) {
            hrc = HL_EIO;
            rename(kept, live_path); /* put the previous one back */
        } else {
            sync_dir(live_path);
        }
    }
    if (hrc && tmp) unlink(tmp);
    if (tmp) remove_companions(tmp);
    free(tmp);
    free(kept);
    sqlite3_close(src);
    return hrc;
}
