/* fuzz_classifier.c — libFuzzer target for core/classifier's clf_load: model bytes come from
 * the database, so whatever they are, loading must refuse or succeed without a crash, and a
 * model that loads must predict and save back to the very same bytes. */
#include "core/classifier.h"
#include "util/err.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *copy = malloc(size ? size : 1); /* exact size: reads past the end are caught */
    if (!copy) return 0;
    memcpy(copy, data, size);
    classifier *m = NULL;
    int rc = clf_load(copy, size, &m);
    if (rc != 0 && rc != HL_EINVAL && rc != HL_ENOMEM) abort();
    if (!rc) {
        clf_doc d = {.text = "路灯不亮 street light", .len = strlen("路灯不亮 street light")};
        clf_guess g[3];
        size_t got = 0;
        if (clf_predict(m, &d, g, 3, &got) != 0 || got == 0) abort();
        for (size_t i = 0; i < got; i++)
            if (!(g[i].p >= 0 && g[i].p <= 1.0000001)) abort();
        unsigned char *again = NULL;
        size_t len = 0;
        if (clf_save(m, &again, &len) != 0 || len != size || memcmp(again, copy, len) != 0) abort();
        free(again);
    }
    clf_free(m);
    free(copy);
    return 0;
}
