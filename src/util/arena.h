/* arena.h — a per-request arena (h2o's request pool): many small allocations, one free.
 * Everything allocated from an arena lives until arena_free(). */
#ifndef HOTLINE_UTIL_ARENA_H
#define HOTLINE_UTIL_ARENA_H
#include <stddef.h>
#include <stdarg.h>

typedef struct arena arena;

/* New empty arena; NULL on allocation failure. Caller owns it; free with arena_free. */
arena *arena_new(void);
/* Frees the arena and everything allocated from it. Accepts NULL. */
void arena_free(arena *a);
/* n bytes aligned for any type, zeroed; NULL on failure or if the arena exceeds its cap. */
void *arena_alloc(arena *a, size_t n);
/* Copy of s[0..n) plus a NUL terminator. */
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_strdup(arena *a, const char *s);
/* printf into arena memory. */
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(arena *a, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#endif
