/* civil.c — proleptic Gregorian date arithmetic and ISO 8601 timestamps with fixed offsets. */
#include "core/civil.h"
#include "util/err.h"

/* Parsed years are limited to 1900..2999: wide enough for any real request, narrow enough that
 * every later multiplication stays far inside int64_t. */
#define PARSE_YEAR_MIN 1900
#define PARSE_YEAR_MAX 2999
/* More fraction digits than nanoseconds is not a timestamp any client sends. */
#define FRACTION_DIGITS_MAX 9

/* Floor division and modulo: C rounds toward zero, day numbers before 1970 need the floor. */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}

/* Howard Hinnant's days_from_civil: shifts the year to start in March so that the leap day is
 * the last day of the year, then counts 400-year eras of 146097 days. */
int64_t civil_days_from_ymd(int y, int m, int d)
{
    int64_t yy = (int64_t)y - (m <= 2);
    int64_t era = floor_div(yy, 400);
    int64_t yoe = yy - era * 400;                        /* [0, 399] */
    int64_t mp = (m > 2) ? m - 3 : m + 9;                /* March = 0 */
    int64_t doy = (153 * mp + 2) / 5 + d - 1;            /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* [0, 146096] */
    return era * 146097 + doe - 719468; /* 719468 = days from 0000-03-01 to 1970-01-01 */
}

/* Hinnant's civil_from_days, the inverse of the above. */
void civil_ymd_from_days(int64_t days, int *y, int *m, int *d)
{
    int64_t z = days + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;                                      /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153;                                    /* [0, 11] */
    int64_t dd = doy - (153 * mp + 2) / 5 + 1;                           /* [1, 31] */
    int64_t mm = mp < 10 ? mp + 3 : mp - 9;                              /* [1, 12] */
    int64_t yy = yoe + era * 400 + (mm <= 2);
    if (y) *y = (int)yy;
    if (m) *m = (int)mm;
    if (d) *d = (int)dd;
}

int civil_weekday(int64_t days)
{
    /* 1970-01-01 was a Thursday (4); days % 7 is in -6..6, so this never overflows. */
    int64_t r = (days % 7 + 7 + 4) % 7;
    return (int)r;
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && is_leap(y)) return 29;
    return dim[m - 1];
}

bool civil_valid_ymd(int y, int m, int d)
{
    if (m < 1 || m > 12 || d < 1) return false;
    return d <= days_in_month(y, m);
}

int64_t civil_local_day(int64_t unix_s, int utc_offset_min)
{
    return floor_div(unix_s + (int64_t)utc_offset_min * 60, CIVIL_DAY_SECONDS);
}

int64_t civil_day_start(int64_t day, int utc_offset_min)
{
    return day * CIVIL_DAY_SECONDS - (int64_t)utc_offset_min * 60;
}

/* Reads exactly `count` ASCII digits at s[*pos]; the caller has checked they are in bounds. */
static bool read_digits(const char *s, size_t *pos, int count, int *out)
{
    int v = 0;
    for (int i = 0; i < count; i++) {
        char c = s[*pos + (size_t)i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    *pos += (size_t)count;
    *out = v;
    return true;
}

/* "YYYY-MM-DD" at the start of s (n >= 10 checked by the caller) into a day number. */
static bool parse_date_prefix(const char *s, int64_t *days)
{
    size_t pos = 0;
    int y, m, d;
    if (!read_digits(s, &pos, 4, &y) || s[pos++] != '-') return false;
    if (!read_digits(s, &pos, 2, &m) || s[pos++] != '-') return false;
    if (!read_digits(s, &pos, 2, &d)) return false;
    if (y < PARSE_YEAR_MIN || y > PARSE_YEAR_MAX || !civil_valid_ymd(y, m, d)) return false;
    *days = civil_days_from_ymd(y, m, d);
    return true;
}

int civil_parse_date(const char *s, size_t n, int64_t *days)
{
    int64_t v;
    if (!s || !days || n != 10 || !parse_date_prefix(s, &v)) return HL_EINVAL;
    *days = v;
    return 0;
}

/* Writes `count` digits of v (0 <= v < 10^count) into out, most significant first. */
static void put_digits(char *out, int count, int v)
{
    for (int i = count - 1; i >= 0; i--) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

void civil_format_date(int64_t days, char out[11])
{
    int y, m, d;
    civil_ymd_from_days(days, &y, &m, &d);
    /* Four digits is the format; years outside 0..9999 cannot be written in it, so they are
     * clamped rather than overflowing the 11 bytes. */
    if (y < 0) y = 0;
    if (y > 9999) y = 9999;
    put_digits(out, 4, y);
    out[4] = '-';
    put_digits(out + 5, 2, m);
    out[7] = '-';
    put_digits(out + 8, 2, d);
    out[10] = '\0';
}

/* Parses the zone suffix s[pos..n): "Z", "+HH:MM", "-HH:MM", "+HHMM", "-HHMM" or nothing. */
static bool parse_zone(const char *s, size_t pos, size_t n, int default_offset_min, int *offset)
{
    if (pos == n) {
        *offset = default_offset_min;
        return true;
    }
    if (s[pos] == 'Z' || s[pos] == 'z') {
        *offset = 0;
        return pos + 1 == n;
    }
    if (s[pos] != '+' && s[pos] != '-') return false;
    int sign = s[pos] == '-' ? -1 : 1;
    pos++;
    int hh, mm;
    if (n - pos == 5) {
        if (!read_digits(s, &pos, 2, &hh) || s[pos++] != ':') return false;
        if (!read_digits(s, &pos, 2, &mm)) return false;
    } else if (n - pos == 4) {
        if (!read_digits(s, &pos, 2, &hh) || !read_digits(s, &pos, 2, &mm)) return false;
    } else {
        return false;
    }
    /* Real zones lie within -12:00..+14:00; accepting up to 23:59 keeps the check simple and
     * still rejects nonsense. */
    if (hh > 23 || mm > 59) return false;
    *offset = sign * (hh * 60 + mm);
    return true;
}

int civil_parse_time(const char *s, size_t n, int default_offset_min, int64_t *unix_s)
{
    int64_t days;
    if (!s || !unix_s || n < 10 || !parse_date_prefix(s, &days)) return HL_EINVAL;
    if (n == 10) { /* bare date: local midnight */
        *unix_s = civil_day_start(days, default_offset_min);
        return 0;
    }
    if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return HL_EINVAL;
    /* "THH:MM:SS" needs 9 more bytes. */
    if (n < 19) return HL_EINVAL;
    size_t pos = 11;
    int hh, mi, ss;
    if (!read_digits(s, &pos, 2, &hh) || s[pos++] != ':') return HL_EINVAL;
    if (!read_digits(s, &pos, 2, &mi) || s[pos++] != ':') return HL_EINVAL;
    if (!read_digits(s, &pos, 2, &ss)) return HL_EINVAL;
    /* Leap second 60 is refused: Unix time has no place for it. */
    if (hh > 23 || mi > 59 || ss > 59) return HL_EINVAL;
    if (pos < n && s[pos] == '.') {
        /* Fractional seconds are accepted and dropped: deadlines are kept to the second. */
        pos++;
        size_t start = pos;
        while (pos < n && pos - start < FRACTION_DIGITS_MAX + 1 && s[pos] >= '0' && s[pos] <= '9')
            pos++;
        size_t count = pos - start;
        if (count == 0 || count > FRACTION_DIGITS_MAX) return HL_EINVAL;
    }
    int offset;
    if (!parse_zone(s, pos, n, default_offset_min, &offset)) return HL_EINVAL;
    int64_t local = days * CIVIL_DAY_SECONDS + (int64_t)hh * 3600 + (int64_t)mi * 60 + ss;
    *unix_s = local - (int64_t)offset * 60;
    return 0;
}

void civil_format_time(int64_t unix_s, int utc_offset_min, char out[32])
{
    int64_t local = unix_s + (int64_t)utc_offset_min * 60;
    int64_t day = floor_div(local, CIVIL_DAY_SECONDS);
    int64_t sec = local - day * CIVIL_DAY_SECONDS; /* [0, 86399] */
    civil_format_date(day, out);
    out[10] = 'T';
    put_digits(out + 11, 2, (int)(sec / 3600));
    out[13] = ':';
    put_digits(out + 14, 2, (int)(sec / 60 % 60));
    out[16] = ':';
    put_digits(out + 17, 2, (int)(sec % 60));
    if (utc_offset_min == 0) {
        out[19] = 'Z';
        out[20] = '\0';
        return;
    }
    int64_t off = utc_offset_min; /* 64-bit so that negating INT_MIN is defined */
    out[19] = off < 0 ? '-' : '+';
    if (off < 0) off = -off;
    /* Offsets beyond 99:59 are not time zones; clamp so the two-digit fields cannot overflow. */
    if (off > 99 * 60 + 59) off = 99 * 60 + 59;
    put_digits(out + 20, 2, (int)(off / 60));
    out[22] = ':';
    put_digits(out + 23, 2, (int)(off % 60));
    out[25] = '\0';
}
