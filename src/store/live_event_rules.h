/* live_event_rules.h — what makes a live event appendable (store/events.h), checked alike by
 * both backends before they write: the streams turn the type into an SSE "event:" line and the
 * data into one "data:" line, so neither may break a line. Internal to src/store/. */
#ifndef HOTLINE_STORE_LIVE_EVENT_RULES_H
#define HOTLINE_STORE_LIVE_EVENT_RULES_H
#include <stdint.h>

/* 0; HL_EINVAL for a type that is not 1..STORE_LIVE_EVENT_TYPE_MAX printable ASCII bytes
 * without spaces, data with a line break, to < 0 or a NULL; HL_ERANGE for data longer than
 * STORE_LIVE_EVENT_DATA_MAX. */
int live_event_check(const char *type, const char *data, int64_t to);

/* Every how many appends the oldest events beyond the window are deleted: pruning on every
 * append would make concurrent appenders contend for the same rows. */
#define LIVE_EVENTS_PRUNE_EVERY 64

#endif
