/* csv.h — an RFC 4180 CSV reader over a buffer in memory: quoted fields, doubled quotes,
 * line breaks inside quotes, CRLF / LF / CR line ends, a leading UTF-8 BOM. Pure: no I/O, no
 * allocation; fields point into the input, or into the caller's scratch when a quoted field
 * had to be unescaped. Blank lines are skipped. Lenient where real exports are sloppy: a quote
 * inside an unquoted field is an ordinary character. */
#ifndef HOTLINE_CORE_CSV_H
#define HOTLINE_CORE_CSV_H
#include "util/err.h"
#include <stdbool.h>
#include <stddef.h>

typedef struct {
    const char *s; /* not NUL-terminated */
    size_t n;
} csv_field;

typedef struct {
    const char *p, *end;
    size_t line; /* 1-based line where the next record starts */
} csv_cursor;

/* Starts reading data[0..len); skips a UTF-8 byte order mark. */
void csv_cursor_init(csv_cursor *r, const char *data, size_t len);

/* Reads the next record into fields (at most cap) and *n. Returns 1 for a record, 0 at the end
 * of the input, HL_EINVAL for a quoted field that never ends or is followed by anything but a
 * separator or line end, HL_ERANGE for more than cap fields or unescaped text beyond
 * scratch_cap bytes. After an error the reader has skipped to the next line, so a caller may
 * count the bad record and go on. Fields stay valid until the next call (scratch is reused). */
HL_MUST_CHECK int csv_cursor_next(csv_cursor *r, csv_field *fields, size_t cap, size_t *n,
                                  char *scratch, size_t scratch_cap);

/* The index of the field equal to name (exact bytes), or -1. */
int csv_field_find(const csv_field *fields, size_t n, const char *name);

/* Would a spreadsheet read cell s (NUL-terminated UTF-8) as a formula? True when it begins
 * with one of OWASP's list for CSV injection: = + - @, TAB, CR, or their full-width forms
 * ＝ ＋ － ＠ (which some spreadsheets fold to ASCII). A writer puts an apostrophe before
 * such a cell, so it is shown as text. */
bool csv_starts_formula(const char *s);

#endif
