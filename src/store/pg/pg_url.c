/* pg_url.c — see pg_url.h. */
#include "store/pg/pg_url.h"
#include "util/err.h"
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_URL_FORM "postgresql://[user[:password]@][host][:port][/dbname][?param=value&...]"

static bool url_form(const char *db)
{
    return strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0;
}

/* "keyword=value ...": libpq parses it only when every keyword is one of its own; a path
 * has no '=' or a first word that is no keyword (PQconninfoParse refuses it) */
static bool keyword_form(const char *db)
{
    if (!strchr(db, '=')) return false;
    PQconninfoOption *opts = PQconninfoParse(db, NULL);
    PQconninfoFree(opts);
    return opts != NULL;
}

bool pg_url_is_pg(const char *db)
{
    return db && (url_form(db) || keyword_form(db));
}

/* True when s is digits only, at most 9 of them, with a value within lo..hi. */
static bool whole_in(const char *s, long lo, long hi)
{
    size_t n = strspn(s, "0123456789");
    if (n == 0 || n > 9 || s[n]) return false;
    long v = strtol(s, NULL, 10);
    return v >= lo && v <= hi;
}

/* Every element of a comma-separated port list (one per host) is a port; an empty element
 * means the default port, as libpq reads it. */
static bool ports_ok(const char *list)
{
    char one[16];
    for (const char *p = list;;) {
        size_t n = strcspn(p, ",");
        if (n >= sizeof one) return false;
        memcpy(one, p, n);
        one[n] = '\0';
        if (n && !whole_in(one, 1, 65535)) return false;
        if (!p[n]) return true;
        p += n + 1;
    }
}

int pg_url_check(const char *url, char *msg, size_t cap)
{
    if (cap) msg[0] = '\0';
    if (!pg_url_is_pg(url)) {
        snprintf(msg, cap, "--db: a PostgreSQL URL starts with postgresql:// (%s)", PG_URL_FORM);
        return HL_EINVAL;
    }
    char *err = NULL;
    PQconninfoOption *opts = PQconninfoParse(url, &err);
    if (!opts) {
        /* libpq's message ends in a newline, and may quote the URL (and so its password)
         * after "in URI": only what comes before; NULL err: it ran out of memory */
        size_t n = err ? strcspn(err, "\n") : 0;
        const char *quoted = err ? strstr(err, " in URI") : NULL;
        if (quoted && (size_t)(quoted - err) < n) n = (size_t)(quoted - err);
        if (err) snprintf(msg, cap, "--db: not a valid PostgreSQL URL: %.*s (%s)", (int)n, err,
                          PG_URL_FORM);
        PQfreemem(err);
        return err ? HL_EINVAL : HL_ENOMEM;
    }
    int rc = 0;
    for (PQconninfoOption *o = opts; o->keyword && !rc; o++) {
        if (!o->val) continue;
        if (strcmp(o->keyword, "port") == 0 && !ports_ok(o->val)) {
            snprintf(msg, cap, "--db: the port in the PostgreSQL URL must be a number from 1 to "
                               "65535");
            rc = HL_EINVAL;
        } else if (strcmp(o->keyword, "connect_timeout") == 0 && !whole_in(o->val, 0, 86400)) {
            snprintf(msg, cap, "--db: connect_timeout in the PostgreSQL URL must be a whole "
                               "number of seconds");
            rc = HL_EINVAL;
        }
    }
    PQconninfoFree(opts);
    return rc;
}
