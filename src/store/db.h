/* db.h — the one way to run a query inside src/store/ (internal: SQLite types stop here).
 * Binding is by a type string: 'i' int64_t, 'z' int64_t where 0 binds NULL, 't' const char*
 * where NULL binds NULL, 'b' bool as 0/1. Errors map to HL_E* codes with db_err().
 *
 * Statements are kept prepared per connection (db_cache_attach): parsing the SQL was a third
 * of the CPU time of registering a request (measured with perf), the same few hundred
 * statements being prepared again on every call. */
#ifndef HOTLINE_STORE_DB_H
#define HOTLINE_STORE_DB_H
#include "util/err.h"
#include "util/arena.h"
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

struct db_cache;

typedef struct {
    sqlite3 *db;
    sqlite3_stmt *st;
    struct db_cache *cache; /* st is the cache's slot `slot` (NULL: st is the query's own) */
    int slot;
} db_q;

/* Gives a connection a statement cache (from open to db_close; connections that have none
 * prepare every statement afresh). A connection is used by one thread at a time. */
void db_cache_attach(sqlite3 *db);
/* Finalizes the connection's cached statements, then closes it. */
void db_close(sqlite3 *db);

/* Prepares sql and binds the arguments described by types. On error nothing is left open. */
HL_MUST_CHECK int db_open_q(sqlite3 *db, db_q *q, const char *sql, const char *types, ...);
/* A parameter for queries built at run time (search filters): type as in the type strings. */
typedef struct {
    char type; /* 'i' or 't' */
    int64_t i;
    const char *t;
} db_arg;
/* Prepares sql and binds n arguments from an array. */
HL_MUST_CHECK int db_open_qa(sqlite3 *db, db_q *q, const char *sql, const db_arg *args, int n);

/* 1 when a row is ready, 0 when done, or a negative HL_E* code. */
HL_MUST_CHECK int db_step(db_q *q);
void db_close_q(db_q *q);
int64_t db_int(db_q *q, int col);
/* Column text copied into the arena ("" for NULL); NULL only when the arena is exhausted. */
const char *db_text(db_q *q, arena *a, int col);
bool db_is_null(db_q *q, int col);

/* Runs a statement that returns no rows. *changes (may be NULL) gets the rows changed. */
HL_MUST_CHECK int db_exec(sqlite3 *db, int *changes, const char *sql, const char *types, ...);
/* Runs a query expected to return one integer; HL_ENOTFOUND when there is no row. */
HL_MUST_CHECK int db_int1(sqlite3 *db, int64_t *out, const char *sql, const char *types, ...);
/* Runs several ;-separated statements without parameters (migrations, pragmas). */
HL_MUST_CHECK int db_script(sqlite3 *db, const char *sql);
/* Reads one row into an item (a store_* struct) with strings from the arena. */
typedef int (*db_row_fn)(db_q *q, arena *a, void *item);
/* Runs a query and reads every row with fn into a new arena array of item_size elements. */
HL_MUST_CHECK int db_list(sqlite3 *db, arena *a, size_t item_size, db_row_fn fn, void **items,
                          size_t *n, const char *sql, const char *types, ...);
/* db_list with an argument array. */
HL_MUST_CHECK int db_list_a(sqlite3 *db, arena *a, size_t item_size, db_row_fn fn, void **items,
                            size_t *n, const char *sql, const db_arg *args, int nargs);
/* One page of a list filtered at run time: *total from `count` + where ("SELECT count(*) FROM
 * t", " WHERE ..."), the items from `select` + where + order + " LIMIT ? OFFSET ?" (limit
 * 1..200, else 50; offset >= 0), both with the same nargs (at most 16) arguments. */
HL_MUST_CHECK int db_page(sqlite3 *db, arena *a, size_t item_size, db_row_fn fn, void **items,
                          size_t *n, int64_t *total, const char *select, const char *count,
                          const char *where, const char *order, const db_arg *args, int nargs,
                          int limit, int offset);
/* Runs a query and reads its first row with fn into item; HL_ENOTFOUND when there is none. */
HL_MUST_CHECK int db_one(sqlite3 *db, arena *a, db_row_fn fn, void *item, const char *sql,
                         const char *types, ...);
/* Maps a SQLite result code (extended codes included) to an HL_E* code. */
HL_MUST_CHECK int db_err(int sqlite_rc);

#endif
