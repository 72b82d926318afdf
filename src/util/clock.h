/* clock.h — the one source of "now". Every reader of the time of day (timestamps, deadlines,
 * sessions, what "today" is) calls clock_now; every measure of how long ago something happened
 * (rate limits, login lockouts, poll intervals) calls clock_mono_ms. By default they are the
 * system's CLOCK_REALTIME and CLOCK_MONOTONIC.
 *
 * For tests (`hotline serve --clock FILE`) both run ahead of the system's clocks by an offset a
 * test process writes to FILE, so the tests and the server share one "now" and a test moves
 * time forward instead of sleeping. Time still passes between moves: a server shared by many
 * tests keeps the order of everything it stamps.
 *
 * Not on this clock: the log's timestamps (they say when a line was written, for the person
 * reading the log) and waits of threads and sockets (the event stream's heartbeat, timeouts),
 * which stay on CLOCK_MONOTONIC. */
#ifndef HOTLINE_UTIL_CLOCK_H
#define HOTLINE_UTIL_CLOCK_H
#include "util/err.h"
#include <stdint.h>

/* Unix time in seconds. */
int64_t clock_now(void);

/* Milliseconds on a clock that never goes back while the offset only grows; only differences
 * mean anything. */
int64_t clock_mono_ms(void);

/* Test only. From now on both clocks run as many seconds ahead of the system's as FILE says: a
 * decimal integer, optionally followed by white space. FILE is read at every call, so a test
 * moves time by writing a new file and renaming it over FILE (a reader sees the old offset or
 * the new one, never half of one); a read that fails keeps the last offset. The offset should
 * only grow while a server runs, or its clocks go back. NULL returns to the system's clocks.
 * HL_EINVAL when FILE cannot be read or holds no offset (nothing changes then). Call before any
 * other thread reads the clock. */
HL_MUST_CHECK int clock_use_file(const char *path);

#endif
