/* names.c — see names.h. */
#include "core/names.h"
#include <string.h>

int names_find(const char *const *names, size_t count, const char *s)
{
    if (!s) return -1;
    for (size_t i = 0; i < count; i++)
        if (names[i] && strcmp(s, names[i]) == 0) return (int)i;
    return -1;
}

const char *names_at(const char *const *names, size_t count, int v)
{
    if (v < 0 || (size_t)v >= count || !names[v]) return "unknown";
    return names[v];
}
