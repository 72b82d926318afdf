/* options.c — the small option parser shared by the subcommands: "--name VALUE",
 * "--name=VALUE", with environment variables as defaults. */
#include "cli/cli.h"
#include "store/engine.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cli_opt(int argc, char **argv, int *i, const char *name)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0) return NULL;
    if (a[n] == '=') return a + n + 1;
    if (a[n] != 0 || *i + 1 >= argc) return NULL;
    (*i)++;
    return argv[*i];
}

const char *cli_env(const char *var, const char *fallback)
{
    const char *v = getenv(var);
    return v && *v ? v : fallback;
}

void cli_db_shown(const char *db, char *out, size_t cap)
{
    const char *scheme = strstr(db, "://"), *at = scheme ? strchr(scheme + 3, '@') : NULL;
    const char *colon = scheme ? memchr(scheme + 3, ':', at ? (size_t)(at - scheme - 3) : 0) : NULL;
    if (colon) snprintf(out, cap, "%.*s:***%s", (int)(colon - db), db, at);
    else snprintf(out, cap, "%s", db);
}

bool cli_store_there(const char *cmd, const char *db, const char *hint)
{
    bool there = false;
    char where[512];
    cli_db_shown(db, where, sizeof where);
    if (store_exists(db, &there)) {
        fprintf(stderr, "hotline %s: --db %s is not a store location hotline can use\n", cmd,
                where);
        return false;
    }
    if (!there) fprintf(stderr, "hotline %s: no database at %s%s\n", cmd, where, hint);
    return there;
}
