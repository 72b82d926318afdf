/* engine.h — the store itself: opening and closing it, its statistics, and its administration
 * interface (backup, restore, check). The domains' operations are declared in cases.h,
 * catalogue.h, people.h, analytics.h, knowledge.h, calls.h, import.h, limits.h and events.h;
 * every backend implements all of them, each administration operation in its own way.
 *
 * Writes: every function that changes the store returns only after the write has committed
 * durably, so a request is answered only after its commit. Each write call is atomic and
 * isolated: it takes effect whole or not at all, as if no other write ran beside it. Reads run
 * concurrently with writes, and each read call sees one consistent state of the store.
 *
 * Conventions: every function returns 0 or a negative HL_E* code (util/err.h). Results that
 * hold strings or lists are allocated from the caller's arena and live as long as it. */
#ifndef HOTLINE_STORE_ENGINE_H
#define HOTLINE_STORE_ENGINE_H
#include "util/err.h"
#include <stdbool.h>
#include <stdint.h>

typedef struct store store;

/* Opens (creating if needed) the store at path and brings its schema up to date. Caller owns
 * *out; close with store_close. */
HL_MUST_CHECK int store_open(const char *path, store **out);
/* Whether there is a store at where (a path or a URL), as its backend judges: for the command
 * line's "no database at ..." before anything else. A location no backend can use is
 * HL_EINVAL, its reason said in the log. */
HL_MUST_CHECK int store_exists(const char *where, bool *yes);
/* Finishes the writes in progress, then releases everything the store holds. Accepts NULL. */
void store_close(store *s);
/* The version of the store's schema, once open. */
HL_MUST_CHECK int store_schema_version(store *s, int *version);

typedef struct {
    uint64_t commits;        /* commits that made writes durable */
    uint64_t writes;         /* write calls committed */
    uint64_t failed_commits; /* commits that failed: none of their writes took effect */
    uint64_t batch_hist[8];  /* commits by how many writes each made durable: <=1, 2-3, 4-7,
                                ..., 64-127, 128+ */
    int64_t db_bytes;        /* bytes the store occupies */
} store_stats;
HL_MUST_CHECK int store_get_stats(store *s, store_stats *out);

/* ---- administration -------------------------------------------------------------------- */

/* Writes a consistent copy of the store to dest_path while it keeps serving. */
HL_MUST_CHECK int store_backup(store *s, const char *dest_path);
/* The same by path, without opening a store: a consistent copy of the store at live_path,
 * even while a server writes to it, written to dest_path.tmp, checked and renamed to
 * dest_path (so dest_path is whole or absent). */
HL_MUST_CHECK int store_backup_path(const char *live_path, const char *dest_path);
/* Replaces the store at live_path with the backup at backup_path. HL_EIO when the backup is
 * damaged or not a store, HL_EINVAL when it is not hotline's or has a newer schema, HL_EBUSY
 * while a process (a server) has live_path open. The previous store is kept as
 * live_path.pre-restore. */
HL_MUST_CHECK int store_restore(const char *backup_path, const char *live_path);
/* Checks the whole store: the engine's own consistency check (*integrity_ok), and every case
 * row against the fold of its events. *cases counts the cases, *differ those whose row
 * disagrees with its log. */
HL_MUST_CHECK int store_check(store *s, bool *integrity_ok, int64_t *cases, int64_t *differ);

#endif
