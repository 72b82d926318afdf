/* phone.c — see phone.h. */
#include "core/phone.h"
#include "util/err.h"

int phone_digits(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    if (!in || cap < PHONE_DIGITS_MAX + 1) return HL_EINVAL;
    for (const char *p = in; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            if (n == PHONE_DIGITS_MAX) return HL_EINVAL;
            out[n++] = *p;
        } else if (*p != '+' && *p != '-' && *p != ' ') {
            return HL_EINVAL;
        }
    }
    out[n] = 0;
    return n >= PHONE_DIGITS_MIN ? 0 : HL_EINVAL;
}
