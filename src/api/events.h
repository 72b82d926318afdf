/* events.h — the live event stream's filter, exposed for its unit test: which events a caller
 * may receive on GET /api/events/stream. Every stream has one: events addressed to a user (the
 * `call` event, which carries a caller's number) go to that user's streams only, and a
 * unit-scoped caller (a unit handler) gets only its subtree's. */
#ifndef HOTLINE_API_EVENTS_H
#define HOTLINE_API_EVENTS_H
#include "api/api.h"

typedef struct api_event_scope api_event_scope;

/* A filter state for the stream of user user_id, confined to unit_id's subtree when unit_id >
 * 0 (0: the whole city, for centre roles), allocated from a (it lives as long as the request).
 * NULL when out of memory. */
api_event_scope *api_event_scope_new(arena *a, api_app *app, int64_t user_id, int64_t unit_id);
/* An sse_filter_fn. An event addressed to a user (to > 0) passes only on that user's stream,
 * and a "call" event passes only so addressed (never to everyone, even if published without
 * an address). Otherwise: everything for a city-wide scope; for a unit scope, "announcement"
 * events (city-wide notices) and events whose JSON object has an integer "unit_id" within the
 * scope's subtree. Anything else — no unit_id, a null one, another unit, a store error — is
 * withheld (fail closed). Remembers each unit's answer, so a stream asks the store once per
 * unit it sees. */
bool api_event_scope_filter(void *ctx, const char *type, const char *data, int64_t to);

#endif
