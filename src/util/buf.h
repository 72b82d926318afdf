/* buf.h — a bounded growable byte buffer (curl's dynbuf): appends fail with HL_ERANGE
 * once the hard cap is reached, so no input can grow it without limit. */
#ifndef HOTLINE_UTIL_BUF_H
#define HOTLINE_UTIL_BUF_H
#include "util/err.h"
#include <stddef.h>

typedef struct {
    char *data; /* always NUL-terminated when len > 0 */
    size_t len, alloc, max;
} buf;

/* An empty buffer that may grow to max bytes. No allocation until the first append. */
void buf_init(buf *b, size_t max);
/* Frees the storage; the buffer is empty and reusable afterwards. */
void buf_free(buf *b);
void buf_reset(buf *b);
HL_MUST_CHECK int buf_append(buf *b, const void *p, size_t n);
HL_MUST_CHECK int buf_puts(buf *b, const char *s);
HL_MUST_CHECK int buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the storage to the caller (free() it); the buffer becomes empty. */
char *buf_steal(buf *b, size_t *len);

#endif
