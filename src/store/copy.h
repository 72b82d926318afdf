/* copy.h — a city's whole store as a stream of rows, so that `hotline copy` can move it from one
 * backend to another (SQLite to PostgreSQL and back) through the contract alone.
 * Conventions: store/engine.h.
 *
 * The stream's schema is engine-neutral: store_copy_tables lists the tables that hold data, in
 * an order where every table comes after the tables it refers to, each with its columns and the
 * kind of each. A backend maps that schema onto its own:
 *   - the neutral columns are PostgreSQL's; SQLite keeps an event's article_id, basis,
 *     co_unit_ids, import_source and import_id in its `extra` JSON column, which its backend
 *     parses and writes with the same code as its live path (store/case_row.c);
 *   - what is derived from the data is not in the stream and is rebuilt by the target when the
 *     load finishes: the full-text indexes (SQLite's case_fts and kb_fts, PostgreSQL's `search`
 *     and `search_terms` columns) and PostgreSQL's identity sequences (moved past the ids
 *     copied). The rollups are in the stream: both schemas have them alike, both backends keep
 *     them by the same definitions, and `hotline check` verifies them against the requests;
 *   - login sessions are not copied: they belong to the servers of the old store, and their
 *     users log in again on the new one. Nor is each store's own schema_migrations, nor the
 *     abuse limits' counters (store/limits.h), which start afresh (store_copy_skipped);
 *   - open311_meta and catalog_versions are seeded when a store is made; the copy replaces
 *     their seeded rows with the source's (they come last, after the tables whose triggers
 *     bump them).
 * A migration that adds a table or a column adds it here too: each backend refuses to read or
 * load a store whose schema holds a table or column this list does not account for.
 *
 * Values travel as bytes: NULL is p == NULL; otherwise by kind, INT decimal digits, BOOL "0" or
 * "1", REAL a decimal that reads back as the same double, TEXT its UTF-8, BLOB its raw bytes
 * (the classifier models), IDS decimal ids separated by ','. So booleans, times, reals and blobs
 * arrive byte for byte. */
#ifndef HOTLINE_STORE_COPY_H
#define HOTLINE_STORE_COPY_H
#include "util/err.h"
#include "store/engine.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    STORE_COPY_INT,
    STORE_COPY_BOOL,
    STORE_COPY_REAL,
    STORE_COPY_TEXT,
    STORE_COPY_BLOB,
    STORE_COPY_IDS,
} store_copy_kind;

typedef struct {
    const char *name;
    store_copy_kind kind;
} store_copy_column;

typedef struct {
    const char *name;
    const char *key;  /* its primary key's columns: rows are read in this order */
    bool seeded;      /* a new store already holds rows of it: the load replaces them */
    const store_copy_column *cols;
    int ncols;
} store_copy_table;

extern const store_copy_table store_copy_tables[];
extern const int store_copy_ntables;
/* Tables of either schema that are deliberately not in the stream (NULL-terminated): what
 * belongs to the servers of the old store (sessions), to each store itself
 * (schema_migrations), or is short-lived: the abuse limits' counters, the idempotency
 * keys of registrations (a client's retry comes within minutes, never across a copy made
 * with the servers stopped), and the live events' log (store/events.h: a dashboard that
 * resumes with an id of the old store is told to resynchronise). The derived full-text tables are each backend's own business. */
extern const char *const store_copy_skipped[];

typedef struct {
    const char *p; /* NULL: SQL NULL */
    size_t n;
} store_copy_value;

/* Called for each row of table (an index into store_copy_tables) with its ncols values, valid
 * only during the call; and once more with vals NULL when the table's rows are over (every
 * table, empty ones included, in the list's order). A non-zero return stops the reading and is
 * its result. */
typedef int (*store_copy_row_fn)(void *ctx, int table, const store_copy_value *vals);

/* Reads every table of store_copy_tables, in order, within one consistent snapshot of the
 * store, giving each row to fn. Memory stays bounded whatever the store's size. HL_EINVAL when
 * the store's schema holds a table or column the list does not account for (logged). */
HL_MUST_CHECK int store_copy_read(store *s, store_copy_row_fn fn, void *ctx);

/* A load: rows written into an empty store, all of them in one transaction that only
 * store_copy_load_finish commits (a load closed before that leaves the store as it was). While
 * it is open, nothing else may write to the store. */
typedef struct store_copy_load store_copy_load;
/* Starts a load into s. HL_ECONFLICT when s holds anything the copy writes besides the rows
 * of its seeded tables (only a freshly made store can be the target); HL_EINVAL as for
 * store_copy_read. Caller owns *out: close it with store_copy_load_close before store_close. */
HL_MUST_CHECK int store_copy_load_open(store *s, store_copy_load **out);
/* Writes nrows rows of table (nrows * its ncols values, row after row). The tables must come
 * in the list's order, each in as many calls as the caller likes (rows may refer to rows of the
 * same table in a later call). A row the store refuses (a constraint) is an error here or at
 * store_copy_load_finish. */
HL_MUST_CHECK int store_copy_load_rows(store_copy_load *l, int table, const store_copy_value *vals,
                                       size_t nrows);
/* Rebuilds what is derived (see above), checks every reference, and commits the load. */
HL_MUST_CHECK int store_copy_load_finish(store_copy_load *l);
/* Ends the load (rolled back unless finished) and frees it. Accepts NULL. */
void store_copy_load_close(store_copy_load *l);

#endif
