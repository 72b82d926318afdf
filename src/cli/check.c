/* check.c — `hotline check`: SQLite's integrity check, every request's row compared with
 * the fold of its event log (the row must be exactly what the log says), and every attached
 * file's content hashed again against its address (store/attachments.h). */
#include "cli/cli.h"
#include "store/analytics.h"
#include "store/attachments.h"
#include "store/engine.h"
#include "util/err.h"
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char check_help[] =
    "usage: hotline check [--db PATH]\n"
    "\n"
    "  --db PATH   the database (HOTLINE_DB, default var/hotline.db); may be in use\n"
    "\n"
    "Exits 0 when the database is intact, every request row agrees with its event log and\n"
    "every attached file matches its SHA-256.\n";

int cli_check(int argc, char **argv)
{
    const char *db = cli_env("HOTLINE_DB", "var/hotline.db");
    for (int i = 0; i < argc; i++) {
        const char *v;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(check_help, stdout);
            return 0;
        } else if ((v = cli_opt(argc, argv, &i, "--db"))) db = v;
        else {
            fprintf(stderr, "hotline check: unexpected '%s'\n\n%s", argv[i], check_help);
            return 2;
        }
    }
    if (!cli_store_there("check", db, "")) return 2;
    store *st = NULL;
    bool ok = false;
    int64_t cases = 0, differ = 0;
    bool rollups = false;
    int64_t files = 0, bad_files = 0;
    int rc = store_open(db, &st);
    if (!rc) rc = store_check(st, &ok, &cases, &differ);
    if (!rc) rc = store_rollup_verify(st, &rollups);
    if (!rc) rc = store_attachments_verify(st, &files, &bad_files);
    store_close(st);
    if (rc) {
        fprintf(stderr, "hotline check: %s\n", hl_strerror(rc));
        return 1;
    }
    printf("integrity: %s\nrequests: %lld checked, %lld differ from their event log\n"
           "rollups: %s\nfiles: %lld checked, %lld differ from their SHA-256\n",
           ok ? "ok" : "FAILED", (long long)cases, (long long)differ,
           rollups ? "agree with the requests" : "DIFFER from the requests", (long long)files,
           (long long)bad_files);
    return ok && differ == 0 && rollups && bad_files == 0 ? 0 : 1;
}
