/* store_internal.h — what the files of src/store/ share: the store object, the reader pool
 * and the writer queue. Not to be included outside src/store/. */
#ifndef HOTLINE_STORE_INTERNAL_H
#define HOTLINE_STORE_INTERNAL_H
#include "util/err.h"
#include "store/db.h"
#include "store/engine.h"
#include "store_backend.h"
#include <pthread.h>

#define STORE_READERS 8
#define STORE_MAX_BATCH 512
/* Reads of the database file through one shared memory map instead of pread into each
 * connection's page cache: the pages are the kernel's (RssFile, shared by the nine
 * connections and dropped under memory pressure) instead of up to 16 MB of copies per
 * connection (RssAnon). Debian's SQLite caps the map at 2 GB (SQLITE_MAX_MMAP_SIZE); a
 * larger file is read through pread past that. */
#define STORE_MMAP_SIZE "2147418112"
/* How long the writer waits for the rest of a batch when the last one had several jobs
 * (writer.c, "gathering"). */
#define STORE_GATHER_US 300

/* A unit of work run on a connection: a read on a reader, or a write job in the writer's
 * transaction (inside its own savepoint, so a failing job undoes only itself). */
typedef int (*store_fn)(sqlite3 *db, void *arg);

struct store_job {
    store_fn fn;
    void *arg;
    int rc;
    bool done;
    bool bulk; /* runs alone as the whole transaction: store_write_bulk */
    bool light; /* a crash may lose it: store_write_light */
    struct store_job *next;
};

struct store {
    const store_backend *be; /* first: the contract's dispatch reads it (store_backend.h) */
    char *path;
    sqlite3 *wdb; /* the writer's connection */

    pthread_mutex_t pool_mu;
    pthread_cond_t pool_cv;
    sqlite3 *readers[STORE_READERS];
    int free_readers[STORE_READERS];
    int nfree;

    pthread_mutex_t mu; /* guards the queue, done flags and stats */
    pthread_cond_t work_cv, done_cv;
    struct store_job *head, *tail;
    int queued;     /* jobs on the queue */
    int last_batch; /* jobs in the last batch the writer took */
    bool stopping;
    pthread_t writer;
    bool writer_started;
    bool fk_off; /* the writer's connection does not enforce foreign keys: bulk jobs run */
    bool read_only; /* the storage cannot be written: reads only (store/readonly.c) */
    bool sync_normal; /* the writer's connection runs synchronous=NORMAL: a batch of light jobs */
    store_stats stats;
};

/* Runs fn on a reader connection (waits for a free one). */
HL_MUST_CHECK int store_read(store *s, store_fn fn, void *arg);
/* Queues fn for the writer and waits until its transaction has committed or failed. */
HL_MUST_CHECK int store_write(store *s, store_fn fn, void *arg);
/* As store_write, for a bulk job that writes hundreds of MB (history import): fn is the
 * whole transaction, with no savepoint around it, and foreign keys are not enforced while it
 * runs — fn checks the references it writes itself. Measured on the Boston import: an open
 * savepoint makes SQLite copy every page touched into a sub-journal and walk that journal at
 * the end of every statement (a fifth of the time), and enforcing foreign keys row by row
 * cost another fifth. If fn fails, its transaction is rolled back. */
HL_MUST_CHECK int store_write_bulk(store *s, store_fn fn, void *arg);
/* As store_write, for a write a crash may lose (the abuse limits' counters, store/limits.c):
 * a batch of nothing but such writes commits with synchronous=NORMAL, without the fsync that
 * costs an ordinary commit its time; it is on disk with the next ordinary commit (which syncs
 * the whole WAL) or checkpoint. Atomic and isolated all the same: a crash loses whole light
 * commits, never part of one, and never an ordinary commit after them. */
HL_MUST_CHECK int store_write_light(store *s, store_fn fn, void *arg);

HL_MUST_CHECK int store_writer_start(store *s);
void store_writer_stop(store *s);

/* Reads the user columns "u.id, u.unit_id, u.username, u.display_name, u.role, u.active,
 * u.created_at" (STORE_USER_COLS) at the start of a row into a store_user. */
#define STORE_USER_COLS "u.id, u.unit_id, u.username, u.display_name, u.role, u.active, u.created_at"
#define STORE_USER_NCOLS 7 /* its columns: a query's own columns follow them */
HL_MUST_CHECK int store_user_row(db_q *q, arena *a, void *item);

/* Registers the FTS5 tokenizer "hotline_bigram" (CJK bigrams + ASCII words, see
 * core/textseg.h) on a connection; every connection needs it before touching an FTS table. */
HL_MUST_CHECK int store_fts_register(sqlite3 *db);

struct store_open311_extra; /* store/cases.h */
/* Writes an Open311 request's extras for a case (replacing earlier ones), inside the
 * caller's writer job: store_case_register writes them with the case. */
HL_MUST_CHECK int open311_extra_write(sqlite3 *db, int64_t case_id,
                                      const struct store_open311_extra *in);

/* Opens a connection with hotline's pragmas. */
HL_MUST_CHECK int store_connect(const char *path, bool writer, sqlite3 **out);
/* Opens a read-only connection to a database on storage that cannot be written
 * (store/readonly.c): every write on it fails with HL_EREADONLY. */
HL_MUST_CHECK int store_connect_readonly(const char *path, sqlite3 **out);

#endif
