/* init.c — `hotline init`: creates a database with the current schema and the calendars, and
 * either the demo city (--demo) or an empty city with its centre and one administrator. */
#include "api/auth.h"
#include "cli/cli.h"
#include "cli/seed.h"
#include "cli/seed_appraisal.h"
#include "store/catalogue.h"
#include "util/arena.h"
#include "util/err.h"
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char init_help[] =
    "usage: hotline init [--demo] [--db PATH] [--data DIR]\n"
    "\n"
    "  --db PATH     database file to create (HOTLINE_DB, default var/hotline.db)\n"
    "  --data DIR    the project's data directory (HOTLINE_DATA, default data)\n"
    "  --demo        load the demo city: units, categories, routing, time limits, users\n"
    "\n"
    "Without --demo, creates the hotline centre and an administrator 'admin' whose password\n"
    "is read from HOTLINE_ADMIN_PASSWORD (8 to 128 characters).\n"
    "Refuses to touch an existing database.\n";

int cli_init(int argc, char **argv)
{
    const char *db = cli_env("HOTLINE_DB", "var/hotline.db");
    const char *data = cli_env("HOTLINE_DATA", "data");
    bool demo = false;
    for (int i = 0; i < argc; i++) {
        const char *v;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(init_help, stdout);
            return 0;
        } else if (strcmp(argv[i], "--demo") == 0) demo = true;
        else if ((v = cli_opt(argc, argv, &i, "--db"))) db = v;
        else if ((v = cli_opt(argc, argv, &i, "--data"))) data = v;
        else {
            fprintf(stderr, "hotline init: unknown option '%s'\n\n%s", argv[i], init_help);
            return 2;
        }
    }
    char where[512];
    cli_db_shown(db, where, sizeof where);
    struct stat sb;
    if (stat(db, &sb) == 0) {
        fprintf(stderr, "hotline init: %s already exists; remove it first\n", where);
        return 1;
    }
    const char *admin_pw = cli_env("HOTLINE_ADMIN_PASSWORD", NULL);
    if (!demo && (!admin_pw || !auth_password_acceptable(admin_pw))) {
        fprintf(stderr, "hotline init: set HOTLINE_ADMIN_PASSWORD (8-128 characters), or use "
                        "--demo\n");
        return 2;
    }
    if (sodium_init() < 0) return 1;
    store *st = NULL;
    int rc = store_open(db, &st);
    if (rc) {
        fprintf(stderr, "hotline init: cannot create %s: %s\n", where, hl_strerror(rc));
        return 1;
    }
    /* a database server's store exists before init (the operator creates the database):
     * what init must never touch is one that already holds a city */
    arena *a = arena_new();
    store_unit *units = NULL;
    size_t n_units = 0;
    rc = a ? store_units_list(st, a, &units, &n_units) : HL_ENOMEM;
    arena_free(a);
    if (rc || n_units) {
        if (rc) fprintf(stderr, "hotline init: cannot read %s: %s\n", where, hl_strerror(rc));
        else fprintf(stderr, "hotline init: %s already holds a city; init never touches one\n",
                     where);
        store_close(st);
        return 1;
    }
    if (demo) {
        rc = seed_demo(st, data);
    } else {
        store_unit centre = {.code = "centre", .name_zh = "12345政务服务便民热线中心",
                             .name_en = "12345 Hotline Centre", .kind = UNIT_CENTRE,
                             .active = true};
        char hash[crypto_pwhash_STRBYTES];
        store_user admin = {.username = "admin", .display_name = "系统管理员",
                            .role = ROLE_ADMIN, .active = true, .password_hash = hash};
        int64_t id;
        rc = seed_calendars(st, data);
        if (!rc) rc = store_unit_create(st, &centre, &admin.unit_id);
        if (!rc) rc = seed_appraisal(st, data);
        if (!rc) rc = auth_hash_password(admin_pw, hash, sizeof hash);
        if (!rc) rc = store_user_create(st, &admin, &id);
    }
    store_close(st);
    if (rc) {
        /* a file init made goes whole; a database server's store keeps what was written */
        if (remove(db) == 0)
            fprintf(stderr, "hotline init: failed (%s); removed %s\n", hl_strerror(rc), where);
        else
            fprintf(stderr, "hotline init: failed (%s); %s may hold part of a city: empty it "
                            "before trying again\n", hl_strerror(rc), where);
        return 1;
    }
    printf("created %s%s\n", where, demo ? " with the demo city" : "");
    return 0;
}
