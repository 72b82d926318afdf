/* pg_backup.c — engine.h's backup and restore for PostgreSQL, the counterpart of backup.c, in
 * PostgreSQL's own way: PostgreSQL's own tools, run from the binary without a shell.
 *
 * Backup is pg_dump's custom format: one REPEATABLE READ snapshot of the whole database, taken
 * while the servers keep writing (pg_dump never blocks writers). It is written to FILE.tmp,
 * read back whole by pg_restore --list (a truncated or damaged archive fails it), flushed, and
 * renamed into place, so FILE is whole or absent.
 *
 * Restore checks the backup (an archive pg_restore can read, with a hotline schema no newer
 * than this binary's), refuses while any other session is connected to the live database
 * (HL_EBUSY: a server has it open), keeps the previous store as the schema `pre_restore` of
 * the same database (the counterpart of LIVE.pre-restore: a database cannot be renamed while
 * connected to, and a schema rename is one transaction), and loads the backup into a new,
 * empty `public` with pg_restore in a single transaction; if that fails, the previous store is
 * put back. The backup holds the schema public alone, so a store kept by an earlier restore
 * is not in it. */
#include "store/pg/pg_migrate.h"
#include "store/pg/pg_store.h"
#include "store/pg/pg_url.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/log.h"
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define CONNECT_TIMEOUT_S 10
#define PRE_RESTORE "pre_restore" /* the schema the previous store is kept in */

/* Runs a PostgreSQL tool (found on PATH) with argv, its standard output into *out (may be
 * NULL: discarded), its errors on ours; 0 when it exited 0, else HL_EIO. */
static int run_tool(char *const argv[], buf *out)
{
    int fds[2] = {-1, -1};
    posix_spawn_file_actions_t fa;
    if (posix_spawn_file_actions_init(&fa)) return HL_ENOMEM;
    int rc = 0;
    if (out) {
        if (pipe2(fds, O_CLOEXEC) != 0) rc = HL_EIO;
        if (!rc && posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO)) rc = HL_ENOMEM;
    } else if (posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0)) {
        rc = HL_ENOMEM;
    }
    pid_t pid = -1;
    if (!rc && posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
        log_error("store: cannot run %s: %s", argv[0], strerror(errno));
        rc = HL_EIO;
    }
    posix_spawn_file_actions_destroy(&fa);
    if (fds[1] >= 0) close(fds[1]);
    if (fds[0] >= 0) {
        char chunk[65536];
        ssize_t n;
        while ((n = read(fds[0], chunk, sizeof chunk)) > 0 || (n < 0 && errno == EINTR))
            if (n > 0 && !rc) rc = buf_append(out, chunk, (size_t)n); /* read on: no SIGPIPE */
        close(fds[0]);
    }
    if (pid > 0) {
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            if (!rc) log_error("store: %s failed (status %d)", argv[0], status);
            if (!rc) rc = HL_EIO;
        }
    }
    return rc;
}

/* Whether path is an archive pg_restore reads whole; *creates_public (may be NULL): whether
 * it makes the schema public itself (a dump of that schema does; one of the whole database
 * leaves public to the database it is restored into). */
static int archive_readable(const char *path, bool *creates_public)
{
    buf list;
    buf_init(&list, (size_t)1 << 26);
    char *argv[] = {"pg_restore", "--list", "--file=-", (char *)path, NULL};
    int rc = run_tool(argv, &list);
    if (creates_public) *creates_public = !rc && list.len && strstr(list.data, " SCHEMA - public ");
    buf_free(&list);
    return rc;
}

static char *with_suffix(const char *path, const char *suffix)
{
    size_t n = strlen(path) + strlen(suffix) + 1;
    char *s = malloc(n);
    if (s) snprintf(s, n, "%s%s", path, suffix);
    return s;
}

/* fsync of a file, or of the directory holding path (a rename in it made durable). */
static int sync_path(const char *path, bool dir)
{
    char *copy = strdup(path);
    if (!copy) return HL_ENOMEM;
    int fd = open(dir ? dirname(copy) : copy, O_RDONLY | (dir ? O_DIRECTORY : 0));
    int rc = fd >= 0 && fsync(fd) == 0 ? 0 : HL_EIO;
    if (fd >= 0) close(fd);
    free(copy);
    return rc;
}

static int check_url(const char *url)
{
    char msg[200];
    int rc = pg_url_check(url, msg, sizeof msg);
    if (rc) log_error("store: %s", msg);
    return rc;
}

int postgres_backup_path(const char *live_path, const char *dest_path)
{
    int rc = check_url(live_path);
    if (rc) return rc;
    char *tmp = with_suffix(dest_path, ".tmp");
    char *file_arg = tmp ? with_suffix("--file=", tmp) : NULL;
    char *dbname_arg = with_suffix("--dbname=", live_path);
    rc = tmp && file_arg && dbname_arg ? 0 : HL_ENOMEM;
    if (!rc) {
        unlink(tmp);
        /* the URL travels as an argument (pg_dump has no other way to take one); a password
         * belongs in ~/.pgpass or PGPASSWORD rather than in the URL */
        /* the store is the schema public: a store kept by a restore (pre_restore) is not
         * part of it */
        char *argv[] = {"pg_dump", "--format=custom", "--schema=public", "--no-owner",
                        "--no-privileges", file_arg, dbname_arg, NULL};
        rc = run_tool(argv, NULL);
    }
    if (!rc) rc = archive_readable(tmp, NULL);
    if (!rc) rc = sync_path(tmp, false);
    if (!rc && rename(tmp, dest_path) != 0) {
        log_error("store: cannot rename %s: %s", tmp, strerror(errno));
        rc = HL_EIO;
    }
    if (!rc) rc = sync_path(dest_path, true);
    if (rc && tmp) unlink(tmp);
    free(tmp);
    free(file_arg);
    free(dbname_arg);
    return rc;
}

int postgres_backup(store *s, const char *dest_path)
{
    return postgres_backup_path(PGS(s)->url, dest_path);
}

/* The schema version a backup holds: the largest version in its schema_migrations rows
 * (pg_restore writes them as COPY data: a line "COPY public.schema_migrations ...", then one
 * line per row with the version first, up to "\."). HL_EINVAL when it has none. */
static int backup_version(const char *path, int64_t *version)
{
    buf out;
    buf_init(&out, (size_t)1 << 24);
    char *argv[] = {"pg_restore", "--data-only", "--table=schema_migrations", "--file=-",
                    (char *)path, NULL};
    int rc = run_tool(argv, &out);
    *version = 0;
    bool in_copy = false, found = false;
    for (char *line = out.data, *next; !rc && line && *line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        if (!in_copy) {
            in_copy = strncmp(line, "COPY ", 5) == 0 && strstr(line, "schema_migrations");
        } else if (strcmp(line, "\\.") == 0) {
            in_copy = false;
        } else {
            int64_t v = strtoll(line, NULL, 10);
            if (v > *version) *version = v;
            found = true;
        }
    }
    buf_free(&out);
    if (!rc && !found) rc = HL_EINVAL;
    return rc;
}

/* HL_EBUSY when another session is connected to c's database (a server has it open). */
static int check_unused(pg_conn *c)
{
    int64_t others = 0;
    int rc = pg_int1(c, &others,
                     "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                     " AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
                     NULL);
    if (!rc && others) {
        log_error("store: %lld other session(s) use the database; stop the servers first",
                  (long long)others);
        rc = HL_EBUSY;
    }
    return rc;
}

/* Runs the statements of sql in one transaction. */
static int in_tx(pg_conn *c, const char *sql)
{
    int rc = pg_begin(c);
    if (!rc) rc = pg_script(c, sql);
    if (rc) pg_rollback(c);
    else rc = pg_commit(c);
    return rc;
}

int postgres_restore(const char *backup_path, const char *live_path)
{
    int rc = check_url(live_path);
    if (rc) return rc;
    bool creates_public = false;
    rc = archive_readable(backup_path, &creates_public);
    if (rc) log_error("store: %s is damaged or not a PostgreSQL backup", backup_path);
    int64_t version = 0;
    if (!rc) rc = backup_version(backup_path, &version);
    if (rc == HL_EINVAL) log_error("store: %s is not a hotline backup", backup_path);
    if (!rc && version > pg_migrations[pg_migrations_count - 1].version) {
        log_error("store: %s has schema %lld, newer than this binary", backup_path,
                  (long long)version);
        rc = HL_EINVAL;
    }
    pg_conn *c = NULL;
    if (!rc) rc = pg_connect(live_path, CONNECT_TIMEOUT_S, &c);
    if (!rc) rc = check_unused(c);
    if (!rc)
        rc = in_tx(c, creates_public ? "DROP SCHEMA IF EXISTS " PRE_RESTORE " CASCADE;"
                                       " ALTER SCHEMA public RENAME TO " PRE_RESTORE
                                     : "DROP SCHEMA IF EXISTS " PRE_RESTORE " CASCADE;"
                                       " ALTER SCHEMA public RENAME TO " PRE_RESTORE ";"
                                       " CREATE SCHEMA public");
    if (!rc) {
        char *dbname_arg = with_suffix("--dbname=", live_path);
        char *argv[] = {"pg_restore", "--single-transaction", "--exit-on-error", "--no-owner",
                        "--no-privileges", dbname_arg, (char *)backup_path, NULL};
        rc = dbname_arg ? run_tool(argv, NULL) : HL_ENOMEM;
        free(dbname_arg);
        if (rc) {
            log_error("store: restoring %s failed; the previous store is put back", backup_path);
            /* the restore was one transaction: nothing of it is left, only the empty public
             * made above, if any */
            int back = in_tx(c, "DROP SCHEMA IF EXISTS public CASCADE;"
                                " ALTER SCHEMA " PRE_RESTORE " RENAME TO public");
            if (back) log_error("store: the previous store is in the schema " PRE_RESTORE);
        }
    }
    pg_close(c);
    return rc;
}
