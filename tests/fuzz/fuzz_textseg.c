/* fuzz_textseg.c — libFuzzer target for core/textseg: segment the input, check every term. */
#include "core/textseg.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct walk {
    size_t n;          /* input length */
    size_t last_start; /* terms come in order of their start */
    size_t count, stop_at;
};

static int check(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
    struct walk *w = ctx;
    if (len == 0 || len > TEXTSEG_MAX_TERM) abort();
    if (strlen(tok) != len) abort(); /* NUL-terminated at len, no NUL inside */
    if (!(start < end && end <= w->n)) abort();
    if (start < w->last_start) abort();
    w->last_start = start;
    /* ASCII words are lower case letters and digits; CJK terms are 1 or 2 characters */
    if ((unsigned char)tok[0] < 0x80) {
        for (size_t i = 0; i < len; i++)
            if (!((tok[i] >= 'a' && tok[i] <= 'z') || (tok[i] >= '0' && tok[i] <= '9'))) abort();
    } else if (len < 3 || len > 8 || end - start != len) {
        abort();
    }
    if (++w->count == w->stop_at) return 7;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size ? size : 1); /* exact size: reads past the end are caught */
    if (!s) return 0;
    memcpy(s, data, size);
    struct walk w = {.n = size};
    if (textseg_terms(s, size, check, &w) != 0) abort();
    /* again, stopping half-way: the callback's value comes back and no term follows */
    if (w.count > 0) {
        size_t total = w.count;
        struct walk w2 = {.n = size, .stop_at = (total + 1) / 2};
        if (textseg_terms(s, size, check, &w2) != 7 || w2.count != (total + 1) / 2) abort();
    }
    free(s);
    return 0;
}
