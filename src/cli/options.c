/* options.c — the small option parser shared by the subcommands: "--name VALUE",
 * "--name=VALUE", with environment variables as defaults. */
#include "cli/cli.h"
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
