/* import.h — what the two halves of `hotline import --open311` share: the city's catalogue
 * made or found by import_setup.c, and the plan of one request that import.c walks through
 * the lifecycle. */
#ifndef HOTLINE_CLI_IMPORT_H
#define HOTLINE_CLI_IMPORT_H
#include "util/err.h"
#include "core/deadline.h"
#include "core/taxonomy.h"
#include "store/engine.h"
#include "util/arena.h"
#include <jansson.h>

#define IMPORT_MAX_SERVICES 256
#define IMPORT_MAX_AGENCIES 256

typedef struct {
    const char *code; /* the city's service_code */
    int64_t category_id;
    bool has_limit[STAGE_COUNT];
    time_limit limit[STAGE_COUNT];
} import_service;

typedef struct {
    const char *name;
    int64_t unit_id;
} import_agency;

/* What the city's import owns in the store: a level-1 and a level-2 category, one leaf per
 * service_code, one department per agency_responsible (or one for the city's 311 when the
 * file names none). Strings point into the JSON document or the arena. */
typedef struct {
    const char *city, *slug; /* "Boston", "boston" */
    int64_t centre_id, level1_id, level2_id;
    import_service services[IMPORT_MAX_SERVICES];
    size_t nservices;
    import_agency agencies[IMPORT_MAX_AGENCIES];
    size_t nagencies;
} import_catalogue;

/* Finds or creates the catalogue for every service and agency the records name (active while
 * the import runs), and resolves each service's time limits. 0 or HL_E* (printed). */
HL_MUST_CHECK int import_setup(store *st, arena *a, const json_t *records, import_catalogue *cat);
/* Deactivates what import_setup made active, so the history's services and departments are
 * not offered for new requests. 0 or HL_E*. */
HL_MUST_CHECK int import_retire(store *st, const import_catalogue *cat);
/* The leaf of a service_code / the unit of an agency (NULL: the city's default). 0 if none. */
const import_service *import_service_of(const import_catalogue *cat, const char *code);
int64_t import_agency_of(const import_catalogue *cat, const char *agency);

#endif
