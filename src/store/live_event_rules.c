/* live_event_rules.c — see live_event_rules.h. */
#include "store/live_event_rules.h"
#include "store/events.h"
#include "util/err.h"
#include <string.h>

int live_event_check(const char *type, const char *data, int64_t to)
{
    if (!type || !data || to < 0) return HL_EINVAL;
    size_t n = 0;
    for (; type[n]; n++)
        if (n >= STORE_LIVE_EVENT_TYPE_MAX || (unsigned char)type[n] <= 0x20 ||
            (unsigned char)type[n] >= 0x7f)
            return HL_EINVAL;
    if (n == 0) return HL_EINVAL;
    size_t len = strlen(data);
    if (len > STORE_LIVE_EVENT_DATA_MAX) return HL_ERANGE;
    if (strpbrk(data, "\r\n")) return HL_EINVAL;
    return 0;
}
