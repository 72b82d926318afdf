/* import_bulk.h — what the history importers `hotline import --csv` (import_csv.c) and
 * `hotline import --boston311` (import_boston.c) share: the dispatch from `hotline import`,
 * reading a whole file, finding or creating units and categories by code, and a chunk of
 * requests with their histories written by store_bulk_import (one transaction per chunk). */
#ifndef HOTLINE_CLI_IMPORT_BULK_H
#define HOTLINE_CLI_IMPORT_BULK_H
#include "util/err.h"
#include "store/cases.h"
#include "store/import.h"
#include <pthread.h>
#include <stdio.h>

/* Runs `hotline import` when its options are this module's (--csv, --boston311) and returns
 * the exit status; returns -1 when they are not (the Open311 import then handles them). */
int import_bulk_dispatch(int argc, char **argv);

int cli_import_csv(int argc, char **argv);
int cli_import_boston(int argc, char **argv);

/* Whether the database an import writes into is there; says so on stderr when it is not (an
 * import never creates one: `hotline init` makes the city first). */
bool import_db_exists(const char *db);

/* Maps a whole file read-only (a 2.7 GB history is then page cache, not the process's memory);
 * *data is not NUL-terminated. Release it with import_unmap. 0 or HL_E*. */
HL_MUST_CHECK int import_map_file(const char *path, const char **data, size_t *len);
void import_unmap(const char *data, size_t len);

/* A stable code for a name: prefix + 8 hex digits of its FNV-1a hash ("bos-t-1a2b3c4d"). */
void import_code(const char *prefix, const char *name, char *out, size_t cap);

/* The unit / category with that code, created (active) when missing; an inactive one is
 * made active again for the import. 0 or HL_E*. */
HL_MUST_CHECK int import_unit(store *st, const char *code, const char *name, unit_kind kind,
                              int64_t parent, int64_t *id);
HL_MUST_CHECK int import_category(store *st, const char *code, const char *name, int level,
                                  int64_t parent, int64_t *id);

#define IMPORT_CHUNK 16384 /* requests per transaction */
#define IMPORT_MAX_EVENTS 12 /* events per request */

/* One chunk's requests, events and strings. */
typedef struct {
    arena *a;
    store_bulk_case *cases;
    const char **ids; /* each request's id in the source, or NULL */
    store_case_event *events;
    size_t n, nev;
} import_buf;

/* Requests are gathered into one buffer while the other is written on a thread of its own:
 * reading and folding the source then runs beside the writer instead of before it. */
typedef struct {
    store *st;
    const char *source; /* "csv", "boston311": the register event's extra names it */
    store_bulk *bulk;   /* statements kept across chunks */
    int utc_offset_min;
    import_buf buf[2];
    int cur;   /* the buffer being filled */
    arena *a;  /* its strings: buf[cur].a */
    pthread_t writing;
    bool busy; /* a chunk is being written */
    int write_rc;
    int64_t imported, refused; /* refused: histories the lifecycle did not accept */
    int64_t skipped;           /* already in the store (an earlier run), or repeated in a chunk */
    int64_t chunks;
} import_chunk;

HL_MUST_CHECK int import_chunk_init(import_chunk *ch, store *st, int utc_offset_min,
                                    const char *source);
/* Before store_close. */
void import_chunk_free(import_chunk *ch);
/* Room for the next request's events (at most IMPORT_MAX_EVENTS), zeroed. */
store_case_event *import_chunk_events(import_chunk *ch);
/* Adds a request whose nev events were written at import_chunk_events() (id: its id in the
 * source, or NULL); starts writing the chunk when full. A request whose id is already in the
 * store, or earlier in the same chunk, is skipped when the chunk is written. 0 or HL_E* (a
 * store failure, perhaps of the chunk before; refused histories are counted, not failures). */
HL_MUST_CHECK int import_chunk_add(import_chunk *ch, const store_case *k, size_t nev,
                                   const char *id);
/* Writes what is pending and waits until all is written. */
HL_MUST_CHECK int import_chunk_flush(import_chunk *ch);

/* A request's history as a source knows it (times in Unix seconds, 0 = unknown). */
typedef struct {
    int64_t opened, dispatched, sign_due, signed_at, reply_due, replied, visited, closed;
    int64_t unit_id; /* 0: never dispatched (closed ones were answered directly) */
    bool has_visit, reachable, solved;
    satisfaction satisfaction;
    const char *reply_text;
    const char *import_id; /* the request's id in the source (NULL: none): an import run again
                              skips the requests it already brought in */
} import_history;

/* Adds a request with the events its history implies: register; dispatch, sign-for, reply
 * (each at its time, or at the next known one); the return visit if the source has one (a
 * valid visit that found it solved closes the request, as in the live system); a request
 * closed in the source without a visit gets an unreachable visit and a close at its close
 * time. Every event is the system's. 0 or HL_E*. */
HL_MUST_CHECK int import_add_history(import_chunk *ch, const store_case *k,
                                     const import_history *h);

/* Seconds since some fixed point, for rates. */
double import_now(void);

#endif
