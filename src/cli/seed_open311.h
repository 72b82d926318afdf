/* seed_open311.h — loading the Open311 side of the demo city: service definitions
 * (data/demo/service_attributes.json) and district areas (data/demo/districts.geojson). */
#ifndef HOTLINE_CLI_SEED_OPEN311_H
#define HOTLINE_CLI_SEED_OPEN311_H
#include "util/err.h"
#include "store/engine.h"

/* Loads both files from data_dir/demo/. 0 or HL_E* (printed to stderr). */
HL_MUST_CHECK int seed_open311(store *st, const char *data_dir);

#endif
