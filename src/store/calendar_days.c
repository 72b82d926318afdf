/* calendar_days.c — the stored exceptions of the working calendar (holidays and make-up
 * workdays). Dates are kept as 'YYYY-MM-DD' so the table reads naturally in the sqlite3 shell. */
#include "core/civil.h"
#include "store/catalogue.h"
#include "store/store_internal.h"
#include "util/err.h"

static int read_day(db_q *q, arena *a, void *item)
{
    store_calendar_day *d = item;
    const char *date = db_text(q, a, 0);
    d->workday = db_int(q, 1) != 0;
    d->name = db_text(q, a, 2);
    if (!date || !d->name) return HL_ENOMEM;
    return civil_parse_date(date, 10, &d->day) ? HL_EIO : 0;
}

struct list_args {
    arena *a;
    int64_t from, to;
    store_calendar_day **items;
    size_t *n;
};

static int list_fn(sqlite3 *db, void *arg)
{
    struct list_args *la = arg;
    char from[11], to[11];
    civil_format_date(la->from, from);
    civil_format_date(la->to, to);
    return db_list(db, la->a, sizeof **la->items, read_day, (void **)la->items, la->n,
                   "SELECT date, kind='work', name FROM calendar_days"
                   " WHERE date BETWEEN ? AND ? ORDER BY date",
                   "tt", from, to);
}

int sqlite_calendar_list(store *s, arena *a, int64_t from_day, int64_t to_day,
                        store_calendar_day **items, size_t *n)
{
    struct list_args la = {a, from_day, to_day, items, n};
    return store_read(s, list_fn, &la);
}

static int put_fn(sqlite3 *db, void *arg)
{
    const store_calendar_day *d = arg;
    char date[11];
    civil_format_date(d->day, date);
    return db_exec(db, NULL, "INSERT OR REPLACE INTO calendar_days(date, kind, name) VALUES(?,?,?)",
                   "ttt", date, d->workday ? "work" : "off", d->name ? d->name : "");
}

int sqlite_calendar_put(store *s, const store_calendar_day *d)
{
    return store_write(s, put_fn, (void *)d);
}

static int delete_fn(sqlite3 *db, void *arg)
{
    char date[11];
    civil_format_date(*(int64_t *)arg, date);
    int changes = 0;
    int rc = db_exec(db, &changes, "DELETE FROM calendar_days WHERE date=?", "t", date);
    return rc ? rc : changes ? 0 : HL_ENOTFOUND;
}

int sqlite_calendar_delete(store *s, int64_t day) { return store_write(s, delete_fn, &day); }

struct build_args {
    calendar *cal;
};

static int build_fn(sqlite3 *db, void *arg)
{
    struct build_args *b = arg;
    db_q q;
    int rc = db_open_q(db, &q, "SELECT date, kind='work' FROM calendar_days", NULL);
    if (rc) return rc;
    while ((rc = db_step(&q)) == 1) {
        int64_t day;
        const char *date = (const char *)sqlite3_column_text(q.st, 0);
        if (!date || civil_parse_date(date, 10, &day)) {
            rc = HL_EIO;
            break;
        }
        rc = calendar_set_day(b->cal, day, db_int(&q, 1) ? CAL_WORK : CAL_OFF);
        if (rc) break;
    }
    db_close_q(&q);
    return rc < 0 ? rc : 0;
}

int sqlite_calendar_build(store *s, int utc_offset_min, calendar **out)
{
    struct build_args b = {calendar_new(utc_offset_min)};
    if (!b.cal) return HL_ENOMEM;
    int rc = store_read(s, build_fn, &b);
    if (rc) {
        calendar_free(b.cal);
        return rc;
    }
    *out = b.cal;
    return 0;
}
