/* arena.c — chained blocks; large requests get a block of their own. A hard cap per arena
 * keeps one hostile request from eating the machine. */
#include "util/arena.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK 8192
#define ARENA_CAP (64u << 20) /* 64 MiB per request is far above any legitimate need */

struct block {
    struct block *next;
    size_t used, size;
    _Alignas(max_align_t) unsigned char data[];
};

struct arena {
    struct block *head;
    size_t total;
};

arena *arena_new(void) { return calloc(1, sizeof(arena)); }

void arena_free(arena *a)
{
    if (!a) return;
    struct block *b = a->head;
    while (b) {
        struct block *n = b->next;
        free(b);
        b = n;
    }
    free(a);
}

void *arena_alloc(arena *a, size_t n)
{
    const size_t align = _Alignof(max_align_t);
    if (n > ARENA_CAP) return NULL; /* also keeps the rounding and the sums below from wrapping */
    n = (n + align - 1) & ~(align - 1);
    if (n == 0) n = align;
    struct block *b = a->head;
    if (!b || b->size - b->used < n) {
        size_t size = n > ARENA_BLOCK / 2 ? n : ARENA_BLOCK;
        if (a->total + size > ARENA_CAP) return NULL;
        b = malloc(sizeof *b + size);
        if (!b) return NULL;
        b->used = 0;
        b->size = size;
        a->total += size;
        /* a dedicated big block goes behind the current one so the current keeps filling */
        if (a->head && size != ARENA_BLOCK) {
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
    }
    void *p = b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    if (n >= ARENA_CAP) return NULL;
    char *p = arena_alloc(a, n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *arena_strdup(arena *a, const char *s) { return arena_strndup(a, s, strlen(s)); }

char *arena_vprintf(arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) return NULL;
    char *p = arena_alloc(a, (size_t)n + 1);
    if (!p) return NULL;
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}
