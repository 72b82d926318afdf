/* restore.c — `hotline restore --db LIVE FILE`: puts a backup back in place of the live
 * database, with the server stopped (a server holding the database is detected and refused).
 * The backup is checked first; the database it replaces is kept as LIVE.pre-restore. */
#include "cli/cli.h"
#include "store/engine.h"
#include "util/err.h"
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char restore_help[] =
    "usage: hotline restore [--db PATH] FILE\n"
    "\n"
    "  --db PATH   the database to replace (HOTLINE_DB, default var/hotline.db)\n"
    "  FILE        a backup made by 'hotline backup'\n"
    "\n"
    "Stop the server first: a database in use is refused. FILE must pass SQLite's integrity\n"
    "check and hold a hotline schema no newer than this binary. The database replaced is\n"
    "kept as PATH.pre-restore; start the server again afterwards.\n";

int cli_restore(int argc, char **argv)
{
    const char *db = cli_env("HOTLINE_DB", "var/hotline.db"), *src = NULL;
    for (int i = 0; i < argc; i++) {
        const char *v;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(restore_help, stdout);
            return 0;
        } else if ((v = cli_opt(argc, argv, &i, "--db")))
            db = v;
        else if (argv[i][0] != '-' && !src)
            src = argv[i];
        else {
            fprintf(stderr, "hotline restore: unexpected '%s'\n\n%s", argv[i], restore_help);
            return 2;
        }
    }
    struct stat sb;
    if (!src || stat(src, &sb) != 0) {
        fprintf(stderr, "%s", !src ? restore_help : "hotline restore: no backup there\n");
        return 2;
    }
    char where[512];
    cli_db_shown(db, where, sizeof where);
    int rc = store_restore(src, db);
    switch (rc) {
    case 0:
        printf("restored %s into %s (the previous database, if any, is %s.pre-restore)\n", src, where,
               where);
        return 0;
    case HL_EBUSY:
        fprintf(stderr, "hotline restore: %s is in use (stop the server first)\n", where);
        return 1;
    case HL_EINVAL:
        fprintf(stderr, "hotline restore: %s is not a hotline database this binary can use\n", src);
        return 1;
    case HL_EIO:
        fprintf(stderr, "hotline restore: %s is damaged or not a database\n", src);
        return 1;
    default:
        fprintf(stderr, "hotline restore: failed (%s)\n", hl_strerror(rc));
        return 1;
    }
}
