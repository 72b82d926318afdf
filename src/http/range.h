/* range.h — the Range request header (RFC 9110 §14), for files served in pieces (long
 * recordings). One byte range is served; a header with several, or one that does not parse,
 * is ignored (the whole file is the answer, as the RFC allows). Pure. */
#ifndef HOTLINE_HTTP_RANGE_H
#define HOTLINE_HTTP_RANGE_H
#include <stdint.h>

typedef enum {
    RANGE_WHOLE,         /* no usable Range: serve everything (200) */
    RANGE_PART,          /* serve [*first, *last] (206) */
    RANGE_UNSATISFIABLE, /* a valid range outside the file: 416 */
} range_kind;

/* The range of a file of size bytes that header (NULL: none) asks for. */
range_kind http_range_parse(const char *header, int64_t size, int64_t *first, int64_t *last);

#endif
