/* route_tags.h — the tags the unit-suggestion model (core/classifier.h) sees besides a
 * request's text: its category, the category's parent, its district, and the category ×
 * district pair the routing catalogue is made of. One definition, so that `hotline train`
 * and the server describe a request the same way. Pure. */
#ifndef HOTLINE_CORE_ROUTE_TAGS_H
#define HOTLINE_CORE_ROUTE_TAGS_H
#include <stdint.h>

#define ROUTE_TAGS 4

typedef struct {
    char buf[ROUTE_TAGS][48];
    const char *tags[ROUTE_TAGS];
} route_tags;

/* Fills t (district 0 = unknown, parent 0 = none); t->tags then holds ROUTE_TAGS strings. */
void route_tags_make(route_tags *t, int64_t category, int64_t parent, int64_t district);

#endif
