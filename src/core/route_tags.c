/* route_tags.c — see route_tags.h. */
#include "core/route_tags.h"
#include <stdio.h>

void route_tags_make(route_tags *t, int64_t category, int64_t parent, int64_t district)
{
    snprintf(t->buf[0], sizeof t->buf[0], "c:%lld", (long long)category);
    snprintf(t->buf[1], sizeof t->buf[1], "p:%lld", (long long)parent);
    snprintf(t->buf[2], sizeof t->buf[2], "d:%lld", (long long)district);
    snprintf(t->buf[3], sizeof t->buf[3], "cd:%lld/%lld", (long long)category, (long long)district);
    for (int i = 0; i < ROUTE_TAGS; i++) t->tags[i] = t->buf[i];
}
