/* phone.h — the one rule for a telephone number as hotline keeps it: its digits. Requests
 * (the caller's phone, a search or a resident's lookup by phone) and calls reported by the
 * phone switch use it alike, because calls are linked to requests by these digits.
 * Pure: no I/O.
 *
 * The rule: '+', '-' and spaces are dropped (what people and switches write between digits:
 * "+86 138-0000-1111"); any other character, brackets included, makes the number invalid;
 * what is left is PHONE_DIGITS_MIN..PHONE_DIGITS_MAX digits. */
#ifndef HOTLINE_CORE_PHONE_H
#define HOTLINE_CORE_PHONE_H
#include "util/err.h"
#include <stddef.h>

#define PHONE_DIGITS_MIN 3  /* the shortest service numbers: 110, 120, 12345 is longer */
#define PHONE_DIGITS_MAX 20

/* Writes the digits of `in` NUL-terminated into out (cap >= PHONE_DIGITS_MAX + 1). 0, or
 * HL_EINVAL for a NULL `in`, a short `cap` or a number the rule above refuses (out is then
 * unspecified). */
HL_MUST_CHECK int phone_digits(const char *in, char *out, size_t cap);

#endif
