/* urlencoded.h — application/x-www-form-urlencoded decoding, used for query strings and for
 * form bodies (Open311 POST). Pure: pointer + length input, results in the caller's arena. */
#ifndef HOTLINE_HTTP_URLENCODED_H
#define HOTLINE_HTTP_URLENCODED_H
#include "util/err.h"
#include "util/arena.h"
#include <stddef.h>

#define URLENC_MAX_PARAMS 128

typedef struct {
    const char *name; /* decoded, NUL-terminated, in the arena */
    const char *val;  /* decoded, NUL-terminated, in the arena ("" for "a" or "a=") */
    size_t name_len, val_len;
} urlenc_param;

typedef struct {
    urlenc_param *items;
    size_t count;
} urlenc_params;

/* Splits s[0..n) on '&', each piece on the first '='; decodes "%XX" and '+' (space).
 * Empty pieces ("a=1&&b=2") are skipped. Order and repeats are kept.
 * 0; HL_EINVAL for a malformed escape ("%4", "%zz") or a decoded NUL byte or invalid UTF-8;
 * HL_ERANGE for more than URLENC_MAX_PARAMS pieces; HL_ENOMEM. */
HL_MUST_CHECK int urlenc_parse(arena *a, const char *s, size_t n, urlenc_params *out);
/* First value with that name, or NULL. */
const char *urlenc_get(const urlenc_params *p, const char *name);
/* Decodes one component (as above) into the arena. 0 / HL_EINVAL / HL_ENOMEM. */
HL_MUST_CHECK int urlenc_decode(arena *a, const char *s, size_t n, char **out, size_t *out_len);

#endif
