/* backup.c — `hotline backup --db LIVE FILE`: an online copy of a database that may be in use
 * by a running server (one consistent snapshot: SQLite's backup API, or PostgreSQL's pg_dump
 * for a postgresql:// LIVE). */
#include "cli/cli.h"
#include "store/engine.h"
#include "util/err.h"
#include <stdio.h>
#include <string.h>

static const char backup_help[] =
    "usage: hotline backup [--db PATH] FILE\n"
    "\n"
    "  --db PATH   the live database (HOTLINE_DB, default var/hotline.db)\n"
    "  FILE        where to write the copy (replaced if it exists)\n"
    "\n"
    "Safe while 'hotline serve' runs: the copy is one consistent snapshot, written to FILE.tmp,\n"
    "checked and renamed to FILE. Restore it with 'hotline restore' (server stopped).\n";

int cli_backup(int argc, char **argv)
{
    const char *db = cli_env("HOTLINE_DB", "var/hotline.db"), *dest = NULL;
    for (int i = 0; i < argc; i++) {
        const char *v;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(backup_help, stdout);
            return 0;
        } else if ((v = cli_opt(argc, argv, &i, "--db"))) db = v;
        else if (argv[i][0] != '-' && !dest) dest = argv[i];
        else {
            fprintf(stderr, "hotline backup: unexpected '%s'\n\n%s", argv[i], backup_help);
            return 2;
        }
    }
    if (!dest) {
        fputs(backup_help, stderr);
        return 2;
    }
    if (!cli_store_there("backup", db, "")) return 2;
    /* by path, not through store_open: no writer thread, no migration and no checkpoint on a
     * database that a server is using */
    int rc = store_backup_path(db, dest);
    if (rc) {
        fprintf(stderr, "hotline backup: failed (%s)\n", hl_strerror(rc));
        return 1;
    }
    char where[512];
    cli_db_shown(db, where, sizeof where);
    printf("backup of %s written to %s\n", where, dest);
    return 0;
}
