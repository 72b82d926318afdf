/* mask.h — masking of personal data shown to those who need only part of it.
 * Pure: operates on UTF-8 strings, never reads beyond n bytes. */
#ifndef HOTLINE_CORE_MASK_H
#define HOTLINE_CORE_MASK_H
#include <stddef.h>

/* Phone: keeps the first 3 and last 4 digits of 11+ digit numbers ("138****1234"); for
 * shorter numbers (7..10 digits) keeps the last 4 only ("****5678"); fewer than 7 characters
 * become "****". Non-digit characters (+, -, spaces) are dropped before masking, and the
 * digit count decides ("+86 138-1234-1234" -> "861****1234"). Empty input (n == 0) stays empty.
 * Writes a NUL-terminated result into out (outcap >= 32 always suffices). Returns length. */
size_t mask_phone(const char *in, size_t n, char *out, size_t outcap);
/* Name: keeps the first UTF-8 character and replaces each further character with one '*'
 * ("张三丰" -> "张**", "Li Lei" -> "L*****"). Empty stays empty. Returns length of out.
 * A malformed UTF-8 byte counts as one character and is never copied (so out is valid UTF-8).
 * Both functions truncate to outcap - 1 bytes (never splitting a character) and NUL-terminate. */
size_t mask_name(const char *in, size_t n, char *out, size_t outcap);
/* Free text (a search, a filter) with every phone number in it masked by mask_phone: a run of
 * 7 or more digits, with a leading '+' and single '-' or spaces between digits counted in the
 * run ("电话13812345678" -> "电话138****5678", "tel 8888-6666" -> "tel ****6666"); shorter
 * digit runs and everything else stay. Truncates as above. Returns length of out. */
size_t mask_phones_in(const char *in, size_t n, char *out, size_t outcap);

#endif
