/* csv.c — see csv.h. */
#include "core/csv.h"
#include "util/err.h"
#include <stdbool.h>
#include <string.h>

void csv_cursor_init(csv_cursor *r, const char *data, size_t len)
{
    r->p = data;
    r->end = data + len;
    r->line = 1;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) r->p += 3;
}

/* Consumes one line end at p (CRLF, LF or CR); returns the position after it. */
static const char *eol(csv_cursor *r, const char *p)
{
    if (p < r->end && *p == '\r') {
        p++;
        if (p < r->end && *p == '\n') p++;
    } else if (p < r->end && *p == '\n')
        p++;
    r->line++;
    return p;
}

/* After an error: skip to the start of the next physical line. */
static HL_MUST_CHECK int resync(csv_cursor *r, const char *p, int rc)
{
    while (p < r->end && *p != '\n' && *p != '\r') p++;
    r->p = p < r->end ? eol(r, p) : r->end;
    return rc;
}

int csv_cursor_next(csv_cursor *r, csv_field *fields, size_t cap, size_t *n, char *scratch,
             size_t scratch_cap)
{
    *n = 0;
    const char *p = r->p;
    /* blank lines are not records */
    while (p < r->end && (*p == '\n' || *p == '\r')) p = eol(r, p);
    r->p = p;
    if (p >= r->end) return 0;
    size_t used = 0;
    for (;;) {
        if (*n >= cap) return resync(r, p, HL_ERANGE);
        csv_field *f = &fields[(*n)++];
        if (p < r->end && *p == '"') {
            /* quoted: copy into scratch only if a doubled quote forces it */
            const char *start = ++p;
            const char *q = p;
            bool copied = false;
            char *dst = scratch + used;
            for (;;) {
                if (q >= r->end) return resync(r, q, HL_EINVAL);
                if (*q == '\n') r->line++;
                if (*q != '"') {
                    q++;
                    continue;
                }
                if (q + 1 < r->end && q[1] == '"') {
                    /* doubled quote: from here on the field lives in scratch */
                    size_t chunk = (size_t)(q + 1 - start);
                    if (used + chunk > scratch_cap) return resync(r, q, HL_ERANGE);
                    memcpy(scratch + used, start, chunk);
                    used += chunk;
                    copied = true;
                    q += 2;
                    start = q;
                    continue;
                }
                break; /* the closing quote */
            }
            if (copied) {
                size_t chunk = (size_t)(q - start);
                if (used + chunk > scratch_cap) return resync(r, q, HL_ERANGE);
                memcpy(scratch + used, start, chunk);
                used += chunk;
                f->s = dst;
                f->n = (size_t)(scratch + used - dst);
            } else {
                f->s = start;
                f->n = (size_t)(q - start);
            }
            p = q + 1;
            if (p < r->end && *p != ',' && *p != '\n' && *p != '\r')
                return resync(r, p, HL_EINVAL);
        } else {
            const char *start = p;
            while (p < r->end && *p != ',' && *p != '\n' && *p != '\r') p++;
            f->s = start;
            f->n = (size_t)(p - start);
        }
        if (p < r->end && *p == ',') {
            p++;
            continue;
        }
        r->p = p < r->end ? eol(r, p) : r->end;
        return 1;
    }
}

int csv_field_find(const csv_field *fields, size_t n, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < n; i++)
        if (fields[i].n == len && memcmp(fields[i].s, name, len) == 0) return (int)i;
    return -1;
}

bool csv_starts_formula(const char *s)
{
    static const char *const wide[] = {"\xef\xbc\x9d", "\xef\xbc\x8b", "\xef\xbc\x8d",
                                       "\xef\xbc\xa0"}; /* ＝ ＋ － ＠ */
    if (!s || !*s) return false;
    if (strchr("=+-@\t\r", *s)) return true;
    for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++)
        if (strncmp(s, wide[i], 3) == 0) return true;
    return false;
}
