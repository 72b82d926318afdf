/* seed.h — loading the city's data files (data/) into a store: units, categories, routing
 * catalogue, calendars, time limits and users. Used by `hotline init`. */
#ifndef HOTLINE_CLI_SEED_H
#define HOTLINE_CLI_SEED_H
#include "util/err.h"
#include "store/engine.h"

/* Loads every calendar file data_dir/calendar/cn-*.json. 0 or HL_E* (printed to stderr). */
HL_MUST_CHECK int seed_calendars(store *st, const char *data_dir);
/* Loads the demo city from data_dir/demo/ (and the calendars). 0 or HL_E*. */
HL_MUST_CHECK int seed_demo(store *st, const char *data_dir);

#endif
