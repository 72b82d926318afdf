/* events.h — the live event stream's unit scope, exposed for its unit test: which events a
 * unit-scoped caller (a unit handler) may receive on GET /api/events/stream. */
#ifndef HOTLINE_API_EVENTS_H
#define HOTLINE_API_EVENTS_H
#include "api/api.h"

typedef struct api_event_scope api_event_scope;

/* A filter state for a caller confined to unit_id's subtree, allocated from a (it lives as
 * long as the request). NULL when out of memory. */
api_event_scope *api_event_scope_new(arena *a, api_app *app, int64_t unit_id);
/* An sse_filter_fn: true for "announcement" events (city-wide notices) and for events whose
 * JSON object has an integer "unit_id" within the scope's subtree. Anything else — no
 * unit_id, a null one, another unit, a store error — is withheld (fail closed). Remembers
 * each unit's answer, so a stream asks the store once per unit it sees. */
bool api_event_scope_filter(void *ctx, const char *type, const char *data);

#endif
