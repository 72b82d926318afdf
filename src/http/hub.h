/* hub.h — the in-process event hub: every committed action is published here (as a small
 * JSON text) and the live dashboards' event streams read from it. A bounded ring of the most
 * recent events, each with a sequence number, so a reconnecting client resumes from its
 * Last-Event-ID; listeners are woken (callbacks) when something new arrives. Thread-safe. */
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
/* The sequence number of the newest event (0 when none yet). */
int64_t hub_last(hub *h);
/* Copies the first event with sequence > after into the caller's buffers: *seq, type (up to
 * typecap incl. NUL), data (up to datacap incl. NUL) and, when to is not NULL, its recipient
 * (0 = everyone). Returns 1 when one was copied, 0 when there is none yet, HL_ERANGE when
 * `after` is older than the ring (events were lost: the caller should resynchronise; *seq is
 * then set to the oldest event kept minus one). */
HL_MUST_CHECK int hub_next(hub *h, int64_t after, int64_t *seq, char *type, size_t typecap,
                           char *data, size_t datacap, int64_t *to);

/* A listener is called (on the publishing thread, outside the hub's lock) after each
 * publish. Register returns an id for removal. The callback must be quick (resume a
 * connection, signal a condition). */
typedef void (*hub_listener_fn)(void *ctx);
HL_MUST_CHECK int hub_listen(hub *h, hub_listener_fn fn, void *ctx, int64_t *id);
void hub_unlisten(hub *h, int64_t id);

#endif
