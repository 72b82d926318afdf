/* seed_appraisal.h — the appraisal scheme a new city starts with: data/demo/appraisal_scheme.json,
 * or the built-in 30/35/35 default when that file is absent. Used by `hotline init`. */
#ifndef HOTLINE_CLI_SEED_APPRAISAL_H
#define HOTLINE_CLI_SEED_APPRAISAL_H
#include "util/err.h"
#include "store/engine.h"

/* 0 or HL_E* (printed to stderr). */
HL_MUST_CHECK int seed_appraisal(store *st, const char *data_dir);

#endif
