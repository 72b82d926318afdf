/* conn_watch.h — a deadline for each connection to deliver a request's header block
 * (slowloris). libmicrohttpd's own timeout counts idle time only, so a client that sends one
 * byte a second keeps a connection for as long as it likes; here the whole header block must
 * arrive within header_timeout seconds of the connection opening or of the previous request
 * ending (an idle kept-alive connection is closed after the same time). A thread looks
 * several times a second and shuts down the socket of a connection past its deadline, which
 * libmicrohttpd then closes as if the client had. A connection whose headers have arrived
 * (a handler running, a body arriving, an event stream) has no deadline. */
#ifndef HOTLINE_HTTP_CONN_WATCH_H
#define HOTLINE_HTTP_CONN_WATCH_H
#include "util/err.h"

typedef struct conn_watch conn_watch;
typedef struct conn_watch_entry conn_watch_entry;

/* Starts the watching thread; header_timeout_s >= 1. *out is freed with conn_watch_free. */
HL_MUST_CHECK int conn_watch_new(int header_timeout_s, conn_watch **out);
/* Stops the thread and frees; every entry must have been closed. Accepts NULL. */
void conn_watch_free(conn_watch *w);

/* A connection opened on socket fd: its deadline starts. NULL when out of memory (the
 * connection is then not watched). Close it with conn_watch_close before fd is closed. */
conn_watch_entry *conn_watch_open(conn_watch *w, int fd);
void conn_watch_close(conn_watch *w, conn_watch_entry *e);
/* The request's headers arrived: no deadline until conn_watch_wait. Accepts NULL. */
void conn_watch_headers_done(conn_watch *w, conn_watch_entry *e);
/* A request ended: the next one's headers are due within the timeout. Accepts NULL. */
void conn_watch_wait(conn_watch *w, conn_watch_entry *e);

#endif
