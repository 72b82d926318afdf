/* events.h — live events in the server: how the hub is fed from the store's log, and the
 * stream's filter.
 *
 * Feeding: every event is appended to the store's log first (store/events.h), which numbers it
 * for the whole database; the hub (http/hub.h) then holds the log's newest events under the
 * same numbers. api_events_pump reads the log after the hub's newest number and puts what it
 * finds; it runs after each local publish and, on a database several servers share, whenever
 * the store's watch hears of another server's append (LISTEN/NOTIFY on PostgreSQL). Since ids
 * grow in commit order, reading "after the newest I have" never skips an event, and two pumps
 * at once only put the same events twice (the hub ignores the second). A client whose
 * Last-Event-ID is older than the ring is served from the log (the hub's source), so it
 * resumes on any server, after a restart or a failover.
 *
 * The filter, exposed for its unit test: which events a caller may receive on GET
 * /api/events/stream. Every stream has one: events addressed to a user (the `call` event,
 * which carries a caller's number) go to that user's streams only, and a unit-scoped caller
 * (a unit handler) gets only its subtree's. */
#ifndef HOTLINE_API_EVENTS_H
#define HOTLINE_API_EVENTS_H
#include "api/api.h"

/* Starts the hub after the log's newest event, makes the log its source for older ones, and
 * starts the store's watch of other servers' events. Before the server serves. */
HL_MUST_CHECK int api_events_start(api_app *app);
/* Stops the watch (accepts an app whose events never started). Before the hub is freed. */
void api_events_stop(api_app *app);
/* Puts the log's events after the hub's newest into the hub. 0, or the store's error (the
 * events stay in the log for the next pump). */
int api_events_pump(api_app *app);

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
