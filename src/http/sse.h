/* sse.h — server-sent event streams: a request answered with an endless text/event-stream that
 * carries the hub's events ("id: N\nevent: TYPE\ndata: JSON\n\n"), resumable by Last-Event-ID.
 * Idle streams cost no thread and no CPU: their connections are suspended in libmicrohttpd and
 * resumed by a hub listener when an event arrives, or by the heartbeat thread after the
 * heartbeat interval without a write (a comment line that keeps proxies from closing the
 * stream). The interval is measured on CLOCK_MONOTONIC, never on the tests' clock. */
#ifndef HOTLINE_HTTP_SSE_H
#define HOTLINE_HTTP_SSE_H
#include "http/hub.h"
#include "http/request.h"
#include <stdbool.h>
#include <stdint.h>

#define SSE_MAX_STREAMS 2000 /* concurrent streams per server; more get 503 */
#define SSE_RETRY_MS 2000    /* the client's reconnection delay, sent first */

/* Decides whether a stream's client receives an event; runs on the connection's thread. `to`
 * is the event's recipient (hub_publish_to; 0 = everyone). A stream without a filter never
 * gets an addressed event (to > 0): only a filter that knows whose stream it is may pass one. */
typedef bool (*sse_filter_fn)(void *ctx, const char *type, const char *data, int64_t to);

/* Answers r with a stream of the hub's events with sequence number > after. When the client is
 * further behind than the hub keeps (or `after` is newer than the hub, e.g. after a restart),
 * it first gets "event: resync" and then continues with the oldest (newest) event kept. filter
 * may be NULL (everything); filter_ctx must live until the request completes (allocate it from
 * r->a). Answers 503 when the server is at SSE_MAX_STREAMS or stopping. h must outlive the
 * server. */
void http_send_sse(http_req *r, hub *h, int64_t after, sse_filter_fn filter, void *filter_ctx);

/* ---- for http/server.c only ---- */

/* One server's streams and its heartbeat thread. */
typedef struct sse_streams sse_streams;
/* Idle streams get a comment line every heartbeat_s (>= 1) seconds; the thread looks once a
 * second. NULL when out of memory or the thread cannot start. */
sse_streams *sse_streams_new(int heartbeat_s);
/* Ends every stream (each finishes at its next write) and refuses new ones. Must be called
 * before MHD_stop_daemon, which must not find a suspended connection. Stops the thread. */
void sse_streams_stop(sse_streams *s);
/* After the daemon stopped (all streams are freed by then). Accepts NULL. */
void sse_streams_free(sse_streams *s);
/* Streams open right now. */
int sse_streams_count(sse_streams *s);

#endif
