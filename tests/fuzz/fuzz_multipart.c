/* fuzz_multipart.c — libFuzzer target for http/multipart: the input's first line is the
 * Content-Type's boundary parameter, the rest the body. Whatever it is, parsing refuses or
 * gives parts that lie inside the body, within the limits, each with a name. */
#include "http/multipart.h"
#include "util/err.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena *a = arena_new();
    if (!a) return 0;
    const uint8_t *nl = memchr(data, '\n', size);
    size_t hn = nl ? (size_t)(nl - data) : size;
    char *ct = malloc(hn + 1);
    size_t bn = size - hn - (nl ? 1 : 0);
    char *body = malloc(bn ? bn : 1); /* exact size: reads past the end are caught */
    if (!ct || !body) goto out;
    memcpy(ct, data, hn);
    ct[hn] = 0;
    memcpy(body, data + size - bn, bn);
    const char *boundary = multipart_boundary(a, ct);
    if (!boundary) boundary = "b"; /* the body is worth parsing anyway */
    multipart_limits lim = {.max_files = 3, .max_file_bytes = 512};
    multipart_part *parts = NULL;
    size_t n = 0;
    multipart_problem p = {0};
    int rc = multipart_parse(a, body, bn, boundary, &lim, &parts, &n, &p);
    if (rc == 0) {
        size_t files = 0;
        for (size_t i = 0; i < n; i++) {
            const multipart_part *it = &parts[i];
            if (!it->name || !it->content_type) abort();
            if (it->data < body || it->data + it->len > body + bn) abort();
            if (it->filename) {
                files++;
                if (it->len > lim.max_file_bytes || it->value) abort();
            } else if (!it->value || it->len > MULTIPART_MAX_FIELD_BYTES) {
                abort();
            }
        }
        if (files > lim.max_files) abort();
    } else if (rc == HL_EINVAL || rc == HL_ERANGE) {
        if (!p.code || !p.message || (p.status != 400 && p.status != 413 && p.status != 422))
            abort();
    } else if (rc != HL_ENOMEM) {
        abort();
    }
out:
    free(ct);
    free(body);
    arena_free(a);
    return 0;
}
