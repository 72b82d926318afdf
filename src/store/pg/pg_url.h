/* pg_url.h — telling a PostgreSQL `--db` value from a SQLite path, and refusing a malformed
 * one at start with a message for the person who typed it (not a failed connection later). */
#ifndef HOTLINE_STORE_PG_URL_H
#define HOTLINE_STORE_PG_URL_H
#include <stdbool.h>
#include <stddef.h>

/* True when db is for libpq: a URL that starts with "postgresql://" or "postgres://" (as libpq
 * spells them, lower case), or a keyword/value string libpq parses ("host=a,b port=5432,5433
 * dbname=hotline target_session_attrs=read-write": every word a libpq keyword, which no file
 * path is). Anything else is a SQLite file path. Both forms take libpq's multi-host lists. */
bool pg_url_is_pg(const char *db);

/* Checks a PostgreSQL URL (or keyword/value string) with libpq's own parser (PQconninfoParse), then the values libpq
 * only reads when connecting: every port 1..65535 and connect_timeout a whole number of
 * seconds. 0, or HL_EINVAL with one line of English in msg (cap bytes, NUL-terminated), which
 * never repeats the URL (it may hold a password). */
int pg_url_check(const char *url, char *msg, size_t cap);

#endif
