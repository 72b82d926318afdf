/* import.h — writing whole histories of requests at once (hotline import and generate), and
 * finding what an earlier import already wrote. Conventions: store/engine.h. */
#ifndef HOTLINE_STORE_IMPORT_H
#define HOTLINE_STORE_IMPORT_H
#include "util/err.h"
#include "store/cases.h"
#include "store/engine.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One request with its whole history, for store_bulk_import. */
typedef struct {
    store_case k;                   /* as for store_case_register (k.snap is ignored) */
    const store_case_event *events; /* register first, then every action in order */
    size_t nevents;
} store_bulk_case;

/* Writes n requests with their histories in one transaction, much faster than registering
 * and acting on each: each history is folded by core/lifecycle exactly as store_case_act
 * would (a history it refuses fails the call, *bad = its index), numbered by the local day of
 * its first event, made searchable, and counted in the figures of analytics.h. An id that
 * refers to no unit, category, user or request fails the call with HL_EREF. For history
 * imports. */
HL_MUST_CHECK int store_bulk_import(store *s, const store_bulk_case *cases, size_t n,
                                    int utc_offset_min, size_t *bad);
/* The same as a session: what the store prepares for these writes is kept across calls
 * (much faster for many chunks). Caller owns *out; close it with store_bulk_close before
 * store_close. */
typedef struct store_bulk store_bulk;
HL_MUST_CHECK int store_bulk_open(store *s, store_bulk **out);
HL_MUST_CHECK int store_bulk_write(store_bulk *b, const store_bulk_case *cases, size_t n,
                                   int utc_offset_min, size_t *bad);
/* Accepts NULL. */
void store_bulk_close(store_bulk *b);
/* known[i]: whether a request imported from source with the id ids[i] is in the store (its
 * register event's extra is {"source": source, "import_id": ids[i], ...}); a NULL id is never
 * known. So that running an import again, after it stopped halfway or on a file that overlaps
 * an earlier one, adds only what is missing. 0 or HL_E*. */
HL_MUST_CHECK int store_imported(store *s, const char *source, const char *const *ids, size_t n,
                                 bool *known);

/* The case a city import made from that city's request id (hotline import --open311).
 * HL_ENOTFOUND when there is none. */
HL_MUST_CHECK int store_open311_imported(store *s, const char *city, const char *import_id,
                                         int64_t *case_id);

#endif
