/* fuzz_json_check.c — libFuzzer target for http/json_check: parse a body, check a table. */
#include "http/json_check.h"
#include "util/err.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const json_field fields[] = {
    {"title", JF_STRING, true, false, 1, 100},    {"content", JF_STRING, false, true, 0, 0},
    {"unit_id", JF_INT, false, true, 1, 1000000}, {"urgent", JF_BOOL, false, false, 0, 0},
    {"lat", JF_NUMBER, false, false, -90, 90},    {"tags", JF_ARRAY, false, false, 0, 5},
    {"extra", JF_OBJECT, false, true, 0, 3},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size ? size : 1); /* exact size: reads past the end are caught */
    if (!s) return 0;
    memcpy(s, data, size);
    json_t *j;
    json_problem p;
    int rc = json_parse_body(s, size, &j, &p);
    if (rc == 0) {
        if (!json_is_object(j)) abort();
        rc = json_check(j, fields, sizeof fields / sizeof fields[0], &p);
        if (rc != 0 && (rc != HL_EINVAL || !p.code || strlen(p.message) >= sizeof p.message))
            abort();
        json_decref(j);
    } else if (rc != HL_EINVAL || j || !p.code) {
        abort();
    }
    free(s);
    return 0;
}
