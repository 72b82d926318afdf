/* fuzz_csv.c — libFuzzer target for core/csv: read every record of the input; fields must lie
 * inside the input or the scratch, counts within the caps, and the reader must finish. */
#include "core/csv.h"
#include "util/err.h"
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size ? size : 1); /* exact size: reads past the end are caught */
    if (!s) return 0;
    memcpy(s, data, size);
    csv_cursor r;
    csv_cursor_init(&r, s, size);
    csv_field f[8];
    char scratch[32];
    size_t n, records = 0;
    for (;;) {
        const char *before = r.p;
        int rc = csv_cursor_next(&r, f, 8, &n, scratch, sizeof scratch);
        if (rc == 0) break;
        if (rc != 1 && rc != HL_EINVAL && rc != HL_ERANGE) abort();
        if (r.p <= before && r.p < s + size) abort(); /* no progress: would loop forever */
        if (n > 8) abort();
        for (size_t i = 0; rc == 1 && i < n; i++) {
            bool in_data = f[i].s >= s && f[i].s + f[i].n <= s + size;
            bool in_scratch = f[i].s >= scratch && f[i].s + f[i].n <= scratch + sizeof scratch;
            if (!in_data && !in_scratch) abort();
            volatile char sink = 0;
            for (size_t k = 0; k < f[i].n; k++) sink ^= f[i].s[k];
            (void)sink;
        }
        if (++records > size + 1) abort();
    }
    free(s);
    return 0;
}
