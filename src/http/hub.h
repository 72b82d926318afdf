/* hub.h — the in-process event hub: the live dashboards' event streams read from it. A bounded
 * ring of the most recent events, each with a sequence number, so a reconnecting client
 * resumes from its Last-Event-ID; listeners are woken (callbacks) when something new arrives.
 * Thread-safe.
 *
 * Numbers: in the server, the numbers are the store's (store/events.h: one sequence for the
 * database, durable) and events arrive with hub_put, in order, from whichever thread reads the
 * store's log first (api/events.c); numbers may have gaps. hub_publish numbers an event itself
 * (the last number + 1), for a hub that is its own source of numbers (tests, benchmarks).
 * An event older than the ring is asked of a source (hub_set_source: the store's log), so a
 * client that was away longer than the ring holds still misses nothing the log keeps. */
#ifndef HOTLINE_HTTP_HUB_H
#define HOTLINE_HTTP_HUB_H
#include "util/err.h"
#include <stddef.h>
#include <stdint.h>

#define HUB_RING 1024      /* events kept for catching up */
#define HUB_MAX_EVENT 4096 /* bytes of one event's data */

typedef struct hub hub;

/* Caller owns it; NULL on allocation failure. */
hub *hub_new(void);
/* Accepts NULL. No listener may be registered any more. */
void hub_free(hub *h);
/* Publishes one event: type ("case", "unit", ...) and data (one line of JSON, no newline).
 * Copies both. Returns the event's sequence number (> 0), or a negative HL_E* code. */
int64_t hub_publish(hub *h, const char *type, const char *data, size_t len);
/* The same for an event addressed to one recipient (to > 0: a user id; 0 = everyone, as
 * hub_publish). The hub only carries the address; the streams decide who may read it (an
 * event that carries a caller's number for one call-taker, see http/sse.h). */
int64_t hub_publish_to(hub *h, const char *type, const char *data, size_t len, int64_t to);
/* Adds the event numbered seq, which follows every event the hub has (seq > hub_last); an
 * event it already has (seq <= hub_last) is ignored, so several readers of one ordered log may
 * put the same events. Returns 1 when added, 0 when ignored, or a negative HL_E* code. */
int hub_put(hub *h, int64_t seq, const char *type, const char *data, size_t len, int64_t to);
/* Before the first event: the hub starts after seq (the newest event of the log, read at
 * start), so hub_last is seq and earlier events are the source's. HL_EINVAL once the hub holds
 * an event. */
HL_MUST_CHECK int hub_start_at(hub *h, int64_t seq);
/* Where events older than the ring are read: fn, as hub_next (1, 0, HL_ERANGE with *seq set
 * to where the caller may go on from, or another error), for the first event with a number
 * above `after`. Called without the hub's locks. Set it before the hub is shared. */
typedef int (*hub_source_fn)(void *ctx, int64_t after, int64_t *seq, char *type, size_t typecap,
                             char *data, size_t datacap, int64_t *to);
void hub_set_source(hub *h, hub_source_fn fn, void *ctx);
/* The sequence number of the newest event (0 when none yet). */
int64_t hub_last(hub *h);
/* Copies the first event with sequence > after into the caller's buffers: *seq, type (up to
 * typecap incl. NUL), data (up to datacap incl. NUL) and, when to is not NULL, its recipient
 * (0 = everyone). Returns 1 when one was copied, 0 when there is none yet, HL_ERANGE when
 * `after` is older than the ring and the source (if any) cannot say what followed it (events
 * were lost: the caller should resynchronise; *seq is then set to the number the ring starts
 * after). */
HL_MUST_CHECK int hub_next(hub *h, int64_t after, int64_t *seq, char *type, size_t typecap,
                           char *data, size_t datacap, int64_t *to);

/* A listener is called (on the publishing thread, outside the hub's lock) after each
 * publish. Register returns an id for removal. The callback must be quick (resume a
 * connection, signal a condition). */
typedef void (*hub_listener_fn)(void *ctx);
HL_MUST_CHECK int hub_listen(hub *h, hub_listener_fn fn, void *ctx, int64_t *id);
void hub_unlisten(hub *h, int64_t id);

#endif
