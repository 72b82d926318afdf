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
    if (!cap) return;
    /* scheme://user:password@host... : the password is what lies between the first ':' and
     * the last '@' of the authority (a password may itself hold '@' or ':') */
    const char *scheme = strstr(db, "://");
    const char *auth = scheme ? scheme + 3 : NULL;
    size_t auth_n = auth ? strcspn(auth, "/?") : 0;
    const char *at = NULL;
    for (size_t i = 0; i < auth_n; i++)
        if (auth[i] == '@') at = auth + i;
    const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    size_t n = 0;
    for (const char *p = db; *p && n + 1 < cap;) {
        if (colon && p == colon + 1) { /* the password in the authority */
            n += (size_t)snprintf(out + n, cap - n, "***");
            p = at;
            continue;
        }
        /* a password=... parameter (URL query or key=value form) */
        if ((p == db || p[-1] == '?' || p[-1] == '&' || p[-1] == ' ') &&
            strncmp(p, "password=", 9) == 0) {
            n += (size_t)snprintf(out + n, cap - n, "password=***");
            p += 9 + strcspn(p + 9, "& ");
            continue;
        }
        out[n++] = *p++;
    }
    if (n >= cap) n = cap - 1;
    out[n] = '\0';
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
