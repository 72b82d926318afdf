/* pg_calendar_days.c — the stored exceptions of the working calendar (holidays and make-up
 * workdays) on PostgreSQL (calendar_days.c is SQLite's). Dates are 'YYYY-MM-DD' text as in
 * SQLite, so they sort and compare as dates and `hotline copy` moves them unchanged. */
#include "core/civil.h"
#include "store/catalogue.h"
#include "store/pg/pg_store.h"
#include "util/err.h"

static int read_day(pg_q *q, arena *a, void *item)
{
    store_calendar_day *d = item;
    const char *date = pg_text(q, a, 0);
    d->workday = pg_int(q, 1) != 0;
    d->name = pg_text(q, a, 2);
    if (!date || !d->name) return HL_ENOMEM;
    return civil_parse_date(date, 10, &d->day) ? HL_EIO : 0;
}

struct list_args {
    arena *a;
    int64_t from, to;
    store_calendar_day **items;
    size_t *n;
};

static int list_fn(pg_conn *c, void *arg)
{
    struct list_args *la = arg;
    char from[11], to[11];
    civil_format_date(la->from, from);
    civil_format_date(la->to, to);
    return pg_list(c, la->a, sizeof **la->items, read_day, (void **)la->items, la->n,
                   "SELECT date, kind='work', name FROM calendar_days"
                   " WHERE date BETWEEN $1 AND $2 ORDER BY date",
                   "tt", from, to);
}

int postgres_calendar_list(store *s, arena *a, int64_t from_day, int64_t to_day,
                           store_calendar_day **items, size_t *n)
{
    struct list_args la = {a, from_day, to_day, items, n};
    return pg_store_read(s, list_fn, &la);
}

static int put_fn(pg_conn *c, void *arg)
{
    const store_calendar_day *d = arg;
    char date[11];
    civil_format_date(d->day, date);
    return pg_exec(c, NULL,
                   "INSERT INTO calendar_days(date, kind, name) VALUES($1,$2,$3)"
                   " ON CONFLICT (date) DO UPDATE SET kind=excluded.kind, name=excluded.name",
                   "ttt", date, d->workday ? "work" : "off", d->name ? d->name : "");
}

int postgres_calendar_put(store *s, const store_calendar_day *d)
{
    return pg_store_write(s, put_fn, (void *)d);
}

static int delete_fn(pg_conn *c, void *arg)
{
    char date[11];
    civil_format_date(*(int64_t *)arg, date);
    int changes = 0;
    int rc = pg_exec(c, &changes, "DELETE FROM calendar_days WHERE date=$1", "t", date);
    return rc ? rc : changes ? 0 : HL_ENOTFOUND;
}

int postgres_calendar_delete(store *s, int64_t day) { return pg_store_write(s, delete_fn, &day); }

/* Every exception into the calendar (its days only: the names are not the calendar's). */
static int build_fn(pg_conn *c, void *arg)
{
    calendar *cal = arg;
    arena *a = arena_new();
    if (!a) return HL_ENOMEM;
    store_calendar_day *days;
    size_t n = 0;
    int rc = pg_list(c, a, sizeof *days, read_day, (void **)&days, &n,
                     "SELECT date, kind='work', '' FROM calendar_days", NULL);
    for (size_t i = 0; !rc && i < n; i++)
        rc = calendar_set_day(cal, days[i].day, days[i].workday ? CAL_WORK : CAL_OFF);
    arena_free(a);
    return rc;
}

int postgres_calendar_build(store *s, int utc_offset_min, calendar **out)
{
    calendar *cal = calendar_new(utc_offset_min);
    if (!cal) return HL_ENOMEM;
    int rc = pg_store_read(s, build_fn, cal);
    if (rc) {
        calendar_free(cal);
        return rc;
    }
    *out = cal;
    return 0;
}
