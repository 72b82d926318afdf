/* fuzz_urlencoded.c — libFuzzer target for http/urlencoded: parse the input as a query string. */
#include "http/urlencoded.h"
#include "util/err.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena *a = arena_new();
    if (!a) return 0;
    char *s = malloc(size ? size : 1); /* exact size: reads past the end are caught */
    if (!s) goto out;
    memcpy(s, data, size);
    urlenc_params p;
    int rc = urlenc_parse(a, s, size, &p);
    if (rc == 0) {
        if (p.count > URLENC_MAX_PARAMS) abort();
        for (size_t i = 0; i < p.count; i++) {
            const urlenc_param *it = &p.items[i];
            if (strlen(it->name) != it->name_len || strlen(it->val) != it->val_len) abort();
            if (!urlenc_get(&p, it->name)) abort();
        }
    } else if (rc != HL_EINVAL && rc != HL_ERANGE) {
        abort();
    }
    char *out;
    size_t len;
    rc = urlenc_decode(a, s, size, &out, &len);
    if (rc == 0 && (strlen(out) != len || len > size)) abort();
    if (rc != 0 && rc != HL_EINVAL) abort();
out:
    free(s);
    arena_free(a);
    return 0;
}
