/* range.c — see range.h. Forms: "bytes=a-b", "bytes=a-" (to the end), "bytes=-n" (the last
 * n bytes); b past the end is cut to the end. */
#include "http/range.h"
#include <stdbool.h>
#include <string.h>
#include <strings.h>

/* Digits at *s into *v (at most 18 of them: no overflow); false when there are none. */
static bool digits(const char **s, int64_t *v)
{
    const char *p = *s;
    int64_t x = 0;
    int n = 0;
    while (*p >= '0' && *p <= '9') {
        if (++n > 18) return false;
        x = x * 10 + (*p++ - '0');
    }
    if (!n) return false;
    *s = p;
    *v = x;
    return true;
}

range_kind http_range_parse(const char *h, int64_t size, int64_t *first, int64_t *last)
{
    *first = 0;
    *last = size - 1;
    if (!h || strncasecmp(h, "bytes=", 6) != 0) return RANGE_WHOLE;
    const char *p = h + 6;
    while (*p == ' ') p++;
    int64_t a = -1, b = -1;
    if (*p == '-') {
        p++;
        if (!digits(&p, &b)) return RANGE_WHOLE;
    } else {
        if (!digits(&p, &a) || *p++ != '-') return RANGE_WHOLE;
        if (*p >= '0' && *p <= '9' && !digits(&p, &b)) return RANGE_WHOLE;
    }
    while (*p == ' ') p++;
    if (*p) return RANGE_WHOLE; /* several ranges, or trailing junk */
    if (a < 0) { /* a suffix: the last b bytes */
        if (b == 0 || size == 0) return RANGE_UNSATISFIABLE;
        *first = b >= size ? 0 : size - b;
        return RANGE_PART;
    }
    if (b >= 0 && b < a) return RANGE_WHOLE; /* invalid: ignored */
    if (a >= size) return RANGE_UNSATISFIABLE;
    *first = a;
    *last = b >= 0 && b < size ? b : size - 1;
    return RANGE_PART;
}
