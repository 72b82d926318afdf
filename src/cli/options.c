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

/* The end of a password value that starts at v: the URL's next '&' (query), '@' (userinfo),
 * or the keyword string's next space. */
static size_t secret_len(const char *v, bool url)
{
    return strcspn(v, url ? "&@" : " ");
}

void cli_db_shown(const char *db, char *out, size_t cap)
{
    size_t o = 0;
    const char *scheme = strstr(db, "://"), *at = scheme ? strchr(scheme + 3, '@') : NULL;
    const char *colon = at ? memchr(scheme + 3, ':', (size_t)(at - scheme - 3)) : NULL;
    bool url = scheme != NULL;
    if (cap == 0) return;
    for (const char *p = db; *p && o + 1 < cap;) {
        size_t skip = 0;
        if (colon && p == colon + 1) skip = (size_t)(at - p); /* user:password@ */
        else if (strncmp(p, "password=", 9) == 0 && (p == db || strchr(url ? "?&" : " ", p[-1])))
            skip = 9 + secret_len(p + 9, url);
        if (skip) {
            const char *mask = colon && p == colon + 1 ? "***" : "password=***";
            int w = snprintf(out + o, cap - o, "%s", mask);
            o += w > 0 ? (size_t)w : 0;
            if (o >= cap) o = cap - 1;
            p += skip;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
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
