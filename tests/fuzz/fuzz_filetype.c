/* fuzz_filetype.c — libFuzzer target for core/filetype: any bytes are told apart without
 * reading outside them, and a verdict of OK always names an allowed type; a PNG or WebP
 * without its metadata (media/meta_strip.h) is no longer and still the same type. */
#include "core/filetype.h"
#include "media/meta_strip.h"
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1); /* exact size: reads past the end are caught */
    if (!copy) return 0;
    memcpy(copy, data, size);
    filetype t = {0};
    filetype_verdict v = filetype_sniff(copy, size, &t);
    if (v == FILETYPE_OK) {
        if (!t.mime || !t.ext || t.kind > FILE_DOCUMENT || !file_kind_name(t.kind)) abort();
        bool png = strcmp(t.mime, "image/png") == 0, webp = strcmp(t.mime, "image/webp") == 0;
        size_t n = 0;
        if ((png || webp) && (png ? meta_strip_png(copy, size, &n) : meta_strip_webp(copy, size, &n)))
            abort(); /* what the sniffer accepts, the stripper parses */
        filetype again;
        if ((png || webp) && (n > size || filetype_sniff(copy, n, &again) != FILETYPE_OK ||
                              strcmp(again.mime, t.mime) != 0))
            abort();
    } else if (v != FILETYPE_UNKNOWN && v != FILETYPE_DAMAGED) {
        abort();
    }
    free(copy);
    return 0;
}
