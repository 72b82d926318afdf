/* case_number.h — the request number residents are told and quote back: the local day it was
 * registered and that day's sequence, "20261126-00042". Five digits a day as residents know
 * them; a day past 99,999 simply gets more. Every writer of requests (registration, the bulk
 * importer) formats through here. Pure: no I/O. */
#ifndef HOTLINE_CORE_CASE_NUMBER_H
#define HOTLINE_CORE_CASE_NUMBER_H
#include "util/err.h"
#include <stddef.h>
#include <stdint.h>

#define CASE_NUMBER_DAY_KEY 9 /* bytes of a day key "YYYYMMDD" with its NUL */

/* The day part of the numbers of a local day (days since 1970-01-01, core/civil.h): "YYYYMMDD",
 * also the key the day's sequence is kept under. */
void case_number_day_key(int64_t local_day, char out[CASE_NUMBER_DAY_KEY]);
/* The number of the seq-th request (seq >= 1) of the local day into out. 0, HL_EINVAL for
 * seq < 1, HL_ERANGE when it does not fit in cap bytes. */
HL_MUST_CHECK int case_number_format(int64_t local_day, int64_t seq, char *out, size_t cap);

#endif
