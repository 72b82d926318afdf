/* admin.c — `hotline admin create|reset USERNAME`: recovery of administration from the
 * server's command line, for a city left without a usable administrator (a forgotten
 * password, an account deactivated or demoted). The API refuses to remove the last active
 * administrator; this is the way back when every administrator is lost anyway. The password
 * is read from standard input (one line), never from the command line, where other users of
 * the machine could read it in the process list. */
#include "api/auth.h"
#include "cli/cli.h"
#include "store/catalogue.h"
#include "store/people.h"
#include "util/err.h"
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char admin_help[] =
    "usage: hotline admin create [--db PATH] USERNAME\n"
    "       hotline admin reset  [--db PATH] USERNAME\n"
    "\n"
    "  create   adds an active administrator USERNAME in the hotline centre\n"
    "  reset    makes the user USERNAME an active administrator with a new password, and\n"
    "           ends their sessions\n"
    "  --db PATH  the database (HOTLINE_DB, default var/hotline.db); may be in use\n"
    "\n"
    "The password (8 to 128 characters) is read from the first line of standard input.\n";

/* The first line of standard input, without its line end, into pw. */
static bool read_password(char *pw, size_t cap)
{
    if (isatty(STDIN_FILENO)) fputs("password: ", stderr);
    if (!fgets(pw, (int)cap, stdin)) return false;
    pw[strcspn(pw, "\r\n")] = 0;
    return true;
}

/* The hotline centre's id (the one unit of kind centre). */
static int centre_id(store *st, int64_t *id)
{
    arena *a = arena_new();
    if (!a) return HL_ENOMEM;
    store_unit *units;
    size_t n;
    int rc = store_units_list(st, a, &units, &n);
    *id = 0;
    for (size_t i = 0; !rc && i < n; i++)
        if (units[i].kind == UNIT_CENTRE) *id = units[i].id;
    arena_free(a);
    return rc ? rc : *id ? 0 : HL_ENOTFOUND;
}

static int create(store *st, const char *username, const char *hash)
{
    store_user u = {.username = username, .display_name = username, .role = ROLE_ADMIN,
                    .active = true, .password_hash = hash};
    int64_t id;
    int rc = centre_id(st, &u.unit_id);
    return rc ? rc : store_user_create(st, &u, &id);
}

static int reset(store *st, const char *username, const char *hash)
{
    arena *a = arena_new();
    if (!a) return HL_ENOMEM;
    store_user cur;
    int rc = store_user_by_username(st, a, username, &cur);
    store_user u = {.role = ROLE_ADMIN, .active = true, .password_hash = hash};
    if (!rc) rc = store_user_update(st, cur.id, &u, true);
    arena_free(a);
    return rc;
}

int cli_admin(int argc, char **argv)
{
    const char *db = cli_env("HOTLINE_DB", "var/hotline.db"), *verb = NULL, *username = NULL;
    for (int i = 0; i < argc; i++) {
        const char *v;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(admin_help, stdout);
            return 0;
        } else if ((v = cli_opt(argc, argv, &i, "--db"))) db = v;
        else if (!verb && (strcmp(argv[i], "create") == 0 || strcmp(argv[i], "reset") == 0))
            verb = argv[i];
        else if (verb && !username && argv[i][0] != '-') username = argv[i];
        else {
            fprintf(stderr, "hotline admin: unexpected '%s'\n\n%s", argv[i], admin_help);
            return 2;
        }
    }
    if (!verb || !username) {
        fputs(admin_help, stderr);
        return 2;
    }
    char pw[256];
    if (!read_password(pw, sizeof pw) || !auth_password_acceptable(pw)) {
        fprintf(stderr, "hotline admin: the password must have at least 8 and at most 128 "
                        "characters (one line on standard input)\n");
        return 2;
    }
    if (!cli_store_there("admin", db, "(hotline init makes one)")) return 2;
    if (sodium_init() < 0) return 1;
    char hash[crypto_pwhash_STRBYTES];
    int rc = auth_hash_password(pw, hash, sizeof hash);
    sodium_memzero(pw, sizeof pw);
    store *st = NULL;
    if (!rc) rc = store_open(db, &st);
    if (!rc) rc = strcmp(verb, "create") == 0 ? create(st, username, hash) : reset(st, username, hash);
    store_close(st);
    if (rc == HL_ECONFLICT) fprintf(stderr, "hotline admin: the username %s is taken\n", username);
    else if (rc == HL_ENOTFOUND && strcmp(verb, "reset") == 0)
        fprintf(stderr, "hotline admin: no user %s\n", username);
    else if (rc) fprintf(stderr, "hotline admin: %s\n", hl_strerror(rc));
    else
        printf("%s is an active administrator%s\n", username,
               strcmp(verb, "reset") == 0 ? " with the new password; their sessions ended" : "");
    return rc ? 1 : 0;
}
