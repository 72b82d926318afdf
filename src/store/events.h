/* events.h — the live events' durable log: every event the dashboards' streams carry (a
 * registered request, an alert, an announcement, a call for one call-taker) is appended here
 * first and numbered by the store, so one sequence of event ids holds for every server on the
 * database and survives a restart or a failover. A stream that reconnects with Last-Event-ID
 * resumes from that id on any server (api/events.c, http/hub.h).
 *
 * Ordering promise: ids grow in commit order. A read that sees the event with id n sees every
 * committed event with a smaller id, and no event with a smaller id commits later — so a
 * reader that has everything up to n only ever needs the events after n. (Ids may have gaps.)
 * The log keeps a bounded window: the newest STORE_LIVE_EVENTS_KEPT events at least. */
#ifndef HOTLINE_STORE_EVENTS_H
#define HOTLINE_STORE_EVENTS_H
#include "store/engine.h"
#include "util/arena.h"
#include <stddef.h>
#include <stdint.h>

#define STORE_LIVE_EVENTS_KEPT 10000
#define STORE_LIVE_EVENT_TYPE_MAX 63 /* bytes of a type */
#define STORE_LIVE_EVENT_DATA_MAX 4096 /* bytes of an event's data */

typedef struct {
    int64_t id;
    const char *type; /* "case", "alert", ... */
    const char *data; /* one line of JSON */
    int64_t to;       /* the one user it is addressed to; 0 = every stream that may see it */
    int64_t at;       /* when it was appended (clock_now) */
} store_live_event;

/* Appends one event and sets *id to its number (> 0). type is 1..STORE_LIVE_EVENT_TYPE_MAX
 * bytes, data at most STORE_LIVE_EVENT_DATA_MAX (HL_EINVAL, HL_ERANGE otherwise); to >= 0.
 * Other servers on the same database hear of it at commit (store_watch_events). */
HL_MUST_CHECK int store_live_event_append(store *s, const char *type, const char *data,
                                          int64_t to, int64_t *id);
/* Up to max (1..1000) events with id > after, oldest first, into *items (from a). *oldest gets
 * the smallest id the log still holds (0 when it is empty): when after + 1 < *oldest, events
 * after `after` may have been dropped from the window. */
HL_MUST_CHECK int store_live_events_after(store *s, arena *a, int64_t after, int max,
                                          store_live_event **items, size_t *n, int64_t *oldest);
/* The newest event's id, 0 when there is none. */
HL_MUST_CHECK int store_live_event_last(store *s, int64_t *id);

/* Watching for events other processes append: fn(ctx) runs (on a thread of the store's) soon
 * after another writer's append commits, and once after every reconnection to the database
 * (events committed while the watch was cut are then read by id). fn must be quick and must not
 * call store_watch_stop. A backend whose only writer is the process itself (SQLite: one server
 * per file; the appending process feeds its streams after each append) has nothing to watch:
 * *out is then NULL. */
typedef void (*store_watch_fn)(void *ctx);
typedef struct store_watch store_watch;
HL_MUST_CHECK int store_watch_events(store *s, store_watch_fn fn, void *ctx, store_watch **out);
/* Stops the watch; when it returns fn is not running and will not run again. Accepts NULL. */
void store_watch_stop(store *s, store_watch *w);

#endif
