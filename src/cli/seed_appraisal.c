/* seed_appraisal.c — see seed_appraisal.h. The file is read with the same parser as
 * POST /api/admin/appraisal/schemes, so it is held to the same rules. */
#include "cli/seed_appraisal.h"
#include "api/appraisal.h"
#include "core/civil.h"
#include "util/clock.h"
#include "util/err.h"
#include <jansson.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int seed_appraisal(store *st, const char *data_dir)
{
    char path[2048];
    int n = snprintf(path, sizeof path, "%s/demo/appraisal_scheme.json", data_dir);
    if (n < 0 || (size_t)n >= sizeof path) return HL_ERANGE;
    int64_t id, now = clock_now();
    if (access(path, F_OK) != 0) {
        store_appraisal_scheme def = {.name = "默认考核方案 (30/35/35)",
                                      .effective_from = civil_days_from_ymd(2000, 1, 1),
                                      .created_at = now};
        appraisal_scheme_default(&def.scheme);
        return store_appraisal_scheme_create(st, &def, &id);
    }
    json_error_t err;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
    if (!doc) {
        fprintf(stderr, "seed: %s:%d: %s\n", path, err.line, err.text);
        return HL_EINVAL;
    }
    int rc = json_is_array(json_object_get(doc, "schemes")) ? 0 : HL_EINVAL;
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(doc, "schemes"), i, s) {
        store_appraisal_scheme in;
        const char *field = NULL;
        rc = api_scheme_from_json(s, &in, &field);
        in.created_at = now;
        if (!rc) rc = store_appraisal_scheme_create(st, &in, &id);
        if (rc) {
            fprintf(stderr, "seed: %s: scheme %zu: bad %s\n", path, i, field ? field : "scheme");
            break;
        }
    }
    json_decref(doc);
    return rc;
}
