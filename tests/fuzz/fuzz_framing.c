/* fuzz_framing.c — libFuzzer target for http/framing: the input is a header block, one field a
 * line as "name:value" (byte 0 picks the version and marks a line folded), judged as the
 * server judges what libmicrohttpd parsed. */
#include "http/framing.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    static const char *const versions[] = {"HTTP/1.1", "HTTP/1.0", ""};
    const char *version = versions[data[0] % 3];
    char *s = malloc(size); /* the rest, NUL-terminated, cut into lines in place */
    if (!s) return 0;
    memcpy(s, data + 1, size - 1);
    s[size - 1] = 0;
    http_field f[HTTP_MAX_HEADER_LINES + 2];
    size_t n = 0, lines = 0;
    for (char *p = s, *next; p && *p; p = next) {
        next = strchr(p, '\n');
        if (next) *next++ = 0;
        char *colon = strchr(p, ':');
        lines++;
        if (!colon || n == sizeof f / sizeof f[0]) continue;
        *colon = 0;
        bool folded = (data[0] & 0x80) && n == 1; /* the second field, when asked */
        f[n] = (http_field){p, colon + 1, folded};
        n++;
    }
    http_framing_error err = {0};
    bool ok = http_framing_ok(f, n, lines, version, &err);
    if (!ok && (!err.code || !err.message ||
                (err.status != 400 && err.status != 431 && err.status != 501)))
        abort();
    free(s);
    return 0;
}
