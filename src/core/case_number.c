/* case_number.c — see case_number.h. */
#include "core/case_number.h"
#include "core/civil.h"
#include "util/err.h"
#include <stdio.h>

void case_number_day_key(int64_t local_day, char out[CASE_NUMBER_DAY_KEY])
{
    int y, m, d;
    civil_ymd_from_days(local_day, &y, &m, &d);
    /* the modulos tell the compiler each part fits its width */
    snprintf(out, CASE_NUMBER_DAY_KEY, "%04u%02u%02u", (unsigned)y % 10000u,
             (unsigned)m % 100u, (unsigned)d % 100u);
}

int case_number_format(int64_t local_day, int64_t seq, char *out, size_t cap)
{
    if (seq < 1) return HL_EINVAL;
    char key[CASE_NUMBER_DAY_KEY];
    case_number_day_key(local_day, key);
    int n = snprintf(out, cap, "%s-%05lld", key, (long long)seq);
    return n < 0 || (size_t)n >= cap ? HL_ERANGE : 0;
}
