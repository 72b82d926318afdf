/* pg_db.h — the one way to run a query against PostgreSQL inside src/store/pg/ (internal: libpq
 * types stop here), the counterpart of store/db.h, so that SQL helpers of both backends read
 * alike. Binding is by the same type string: 'i' int64_t, 'z' int64_t where 0 binds NULL, 't'
 * const char* where NULL binds NULL, 'b' bool (a BOOLEAN parameter). Parameters are $1, $2, ...
 * Errors map to HL_E* codes with pg_err().
 *
 * A pg_conn is one libpq connection with its own statement cache; it is used by one thread at
 * a time and never shared (libpq connections are not thread-safe). Statements are prepared
 * once per connection and found again by the address of their SQL text, as db.c does.
 *
 * Durability: a transaction is acknowledged only when COMMIT answered COMMIT. A lost
 * connection, a failed statement inside the transaction, or a COMMIT the server turned into a
 * ROLLBACK is an error from pg_commit (HL_EUNAVAIL when the connection was lost: the outcome is
 * unknown), never success. */
#ifndef HOTLINE_STORE_PG_DB_H
#define HOTLINE_STORE_PG_DB_H
#include "store/db.h" /* db_arg: the same parameter array for queries built at run time */
#include "util/arena.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct pg_conn pg_conn;

/* A query's result: every row is read when it runs (libpq's default), then walked with
 * pg_step. */
typedef struct {
    struct pg_result *res; /* libpq's PGresult */
    int row;               /* the current row, -1 before the first pg_step */
    int nrows;
} pg_q;

/* Connects to url (a libpq URL or keyword/value string, see pg_url.h), waiting at most
 * timeout_s seconds per host (a connect_timeout in the URL wins). With several hosts (and
 * target_session_attrs=read-write) libpq tries them in order until one takes writes; a
 * connection found lost is connected again the same way (pg_open_q, pg_begin), so after a
 * failover it finds the new primary by itself. TCP keepalives (idle 10 s, then 3 probes 5 s
 * apart) and tcp_user_timeout 20 s by default, each overridable in the URL: a vanished server
 * machine is a lost connection within about half a minute. Client encoding UTF8; server
 * notices go to the debug log.
 * HL_EUNAVAIL when the server cannot be reached or refuses (logged with libpq's reason). */
int pg_connect(const char *url, int timeout_s, pg_conn **out);
/* Closes the connection and its prepared statements (NULL: nothing). */
void pg_close(pg_conn *c);

/* Runs sql with the arguments described by types; the rows are then read with pg_step. On
 * error nothing is left open. Outside a transaction, a connection found lost is connected
 * again first (its statements prepared afresh); inside one, it is an error. */
int pg_open_q(pg_conn *c, pg_q *q, const char *sql, const char *types, ...);
/* pg_open_q with n arguments from an array ('i' or 't', as db_open_qa). */
int pg_open_qa(pg_conn *c, pg_q *q, const char *sql, const db_arg *args, int n);
/* 1 when a row is ready, 0 when done. */
int pg_step(pg_q *q);
void pg_close_q(pg_q *q);
/* The column as int64 (0 for NULL; a BOOLEAN column reads 1 or 0). */
int64_t pg_int(pg_q *q, int col);
/* Column text copied into the arena ("" for NULL); NULL only when the arena is exhausted. */
const char *pg_text(pg_q *q, arena *a, int col);
bool pg_is_null(pg_q *q, int col);

/* Runs a statement that returns no rows (or rows nobody wants). *changes (may be NULL) gets
 * the rows it inserted, updated or deleted. */
int pg_exec(pg_conn *c, int *changes, const char *sql, const char *types, ...);
/* Runs a query expected to return one integer; HL_ENOTFOUND when there is no row. */
int pg_int1(pg_conn *c, int64_t *out, const char *sql, const char *types, ...);
/* Runs several ;-separated statements without parameters (migrations), unprepared. */
int pg_script(pg_conn *c, const char *sql);
/* Reads one row into an item (a store_* struct) with strings from the arena. */
typedef int (*pg_row_fn)(pg_q *q, arena *a, void *item);
/* Runs a query and reads every row with fn into a new arena array of item_size elements. */
int pg_list(pg_conn *c, arena *a, size_t item_size, pg_row_fn fn, void **items, size_t *n,
            const char *sql, const char *types, ...);
/* Runs a query and reads its first row with fn into item; HL_ENOTFOUND when there is none. */
int pg_one(pg_conn *c, arena *a, pg_row_fn fn, void *item, const char *sql, const char *types,
           ...);

/* COPY ... FROM STDIN (bulk loads): pg_copy_begin runs the COPY statement sql, pg_copy_put
 * sends rows in COPY's text format (any split into pieces), pg_copy_end finishes it — or, with
 * abort, cancels it (nothing is loaded) — and *rows (may be NULL) gets the rows loaded. A row
 * the server refuses (a constraint) is pg_copy_end's error. Inside a transaction, as any
 * statement: a failure becomes the transaction's error. */
int pg_copy_begin(pg_conn *c, const char *sql);
int pg_copy_put(pg_conn *c, const char *data, size_t n);
int pg_copy_end(pg_conn *c, bool abort, int64_t *rows);

/* COPY ... TO STDOUT (bulk reads): pg_copy_out_begin runs the COPY statement sql, then
 * pg_copy_get gives its rows one at a time in COPY's text format (the newline included): 1
 * with *row (free it with pg_copy_free) and *n set, 0 when the rows are over and the COPY
 * succeeded, or its error. Every row must be taken before the connection runs anything else. */
int pg_copy_out_begin(pg_conn *c, const char *sql);
int pg_copy_get(pg_conn *c, char **row, int *n);
void pg_copy_free(char *row);

/* BEGIN (READ COMMITTED). HL_EINVAL inside a transaction already. A connection that turns
 * out lost at BEGIN is connected again and BEGIN sent once more (nothing had run). */
int pg_begin(pg_conn *c);
/* Starts a transaction whose BEGIN (begin_sql: "BEGIN ISOLATION LEVEL ...", a string that
 * outlives the transaction) is sent with its first statement, in one round trip; a
 * transaction that runs no statement never reaches the server. HL_EINVAL inside a transaction
 * already. Setting the isolation in BEGIN itself also means no statement (a prepare, a
 * DEALLOCATE) can take the snapshot before it. */
int pg_begin_with(pg_conn *c, const char *begin_sql);
/* COMMIT of a transaction that only read: sent without waiting for the answer, which the
 * connection's next use reads (the read is whole already, and the server ends the transaction
 * either way). A statement's failure inside it is returned, as pg_commit does. */
int pg_commit_read(pg_conn *c);
/* COMMIT. 0 only when the server answered COMMIT. When a statement of the transaction failed,
 * the transaction is rolled back and that statement's error returned; a COMMIT that fails
 * (a deferred constraint: its code), or whose answer is lost (HL_EUNAVAIL: it may or may
 * not have committed), is an error too. The transaction is over in every case. */
int pg_commit(pg_conn *c);
/* Marks a savepoint inside the open transaction, sent with the next statement (no round trip
 * of its own); pg_rollback_to_savepoint undoes everything after it and clears the
 * transaction's error, so the transaction can go on and commit. A savepoint made again
 * replaces the previous one for pg_rollback_to_savepoint. HL_EINVAL outside a transaction;
 * pg_rollback_to_savepoint answers HL_EUNAVAIL when the connection is lost (the transaction
 * with it). */
int pg_savepoint(pg_conn *c);
int pg_rollback_to_savepoint(pg_conn *c);
/* The first error of the open transaction (0: none so far): what its COMMIT would answer. */
int pg_tx_err(const pg_conn *c);
/* ROLLBACK; the transaction is over (on a lost connection the server rolled it back). */
void pg_rollback(pg_conn *c);

/* Maps a SQLSTATE (five characters; NULL when libpq had none: the connection failed) to an
 * HL_E* code: 23505 HL_ECONFLICT, 23503 HL_EREF, other integrity violations HL_EINVAL;
 * 40001/40P01 (serialization failure, deadlock) and 55P03/57014 (lock or statement timeout)
 * HL_EBUSY, which a caller may retry; 53100 HL_EFULL, other 53xxx HL_EBUSY; 25006 and 42501
 * HL_EREADONLY; 22001/22003 HL_ERANGE, other 22xxx HL_EINVAL; 08xxx (connection exceptions)
 * and 57P0x (shutting down, starting up) HL_EUNAVAIL (PostgreSQL unavailable: 503); everything
 * else, NULL included, HL_EIO. A result on a connection found lost is HL_EUNAVAIL whatever its
 * SQLSTATE. */
int pg_err(const char *sqlstate);

#endif
