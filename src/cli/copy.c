/* copy.c — `hotline copy --from DB --to DB`: a city's whole store moved to another backend
 * (SQLite to PostgreSQL, or back), through the store contract's row stream (store/copy.h): the
 * source's tables are read on one snapshot and their rows written, a chunk at a time, into an
 * empty target in one transaction, which commits only when every row is in, the derived data
 * rebuilt and every reference checked. */
#include "cli/cli.h"
#include "store/copy.h"
#include "store/engine.h"
#include "util/err.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHUNK_ROWS 4096
#define CHUNK_BYTES ((size_t)8 << 20) /* a chunk is written once it holds this much */

static const char copy_help[] =
    "usage: hotline copy --from DB --to DB [--quiet]\n"
    "\n"
    "  --from DB   the store to copy: an SQLite file or a postgresql:// URL. Stop its servers\n"
    "              first; it is read on one snapshot and never changed\n"
    "  --to DB     an empty store to copy into: a new SQLite file, or a postgresql:// URL of an\n"
    "              empty database (UTF8, see docs/operations.md); refused if it holds data\n"
    "  --quiet     print nothing but errors\n"
    "\n"
    "Copies everything the store holds: units, categories, routing, calendar, time limits,\n"
    "users and API tokens, requests with their event logs, Open311 data, calls, appraisal\n"
    "schemes and figures, the knowledge base, suggestion models, sensitive words and the audit\n"
    "log. Login sessions are not copied: users log in again on the new store. The search\n"
    "indexes are rebuilt on the target. All or nothing: the target's transaction commits only\n"
    "when every row is in. Prints rows and rows/s per table; run 'hotline check' afterwards.\n"
    "Exit status: 0 copied, 1 failed (the target is left as it was), 2 bad usage or a target\n"
    "that is not empty.\n";

/* A value of the chunk: where its bytes are in the chunk's buffer (offsets, since the buffer
 * may move as it grows). */
typedef struct {
    size_t off, n;
    bool null;
} slot;

typedef struct {
    store_copy_load *load;
    bool quiet;
    /* the chunk being gathered, of table `table` */
    int table;
    char *bytes;
    size_t len, cap;
    slot *slots;
    size_t nslots, slots_cap;
    size_t nrows;
    store_copy_value *vals; /* made from the slots when the chunk is written */
    /* figures */
    int64_t table_rows, total_rows;
    double table_start, start;
} copier;

static double now_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int write_chunk(copier *k)
{
    if (!k->nrows) return 0;
    store_copy_value *v = realloc(k->vals, k->nslots * sizeof *v);
    if (!v) return HL_ENOMEM;
    k->vals = v;
    for (size_t i = 0; i < k->nslots; i++)
        v[i] = k->slots[i].null ? (store_copy_value){0}
                                : (store_copy_value){k->bytes + k->slots[i].off, k->slots[i].n};
    int rc = store_copy_load_rows(k->load, k->table, v, k->nrows);
    k->len = k->nslots = k->nrows = 0;
    return rc;
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : 1024;
    while (c < need) c *= 2;
    void *q = realloc(*p, c * size);
    if (!q) return HL_ENOMEM;
    *p = q;
    *cap = c;
    return 0;
}

static int on_row(void *ctx, int table, const store_copy_value *vals)
{
    copier *k = ctx;
    const store_copy_table *t = &store_copy_tables[table];
    if (!vals) { /* the table is over */
        k->table = table;
        int rc = write_chunk(k);
        /* an empty table still starts (a seeded one is emptied) */
        if (!rc && k->table_rows == 0) rc = store_copy_load_rows(k->load, table, NULL, 0);
        if (rc) return rc;
        double secs = now_mono() - k->table_start;
        if (!k->quiet)
            printf("  %-20s %10lld rows %8.2f s %10.0f rows/s\n", t->name,
                   (long long)k->table_rows, secs, secs > 0 ? (double)k->table_rows / secs : 0);
        k->total_rows += k->table_rows;
        k->table_rows = 0;
        k->table_start = now_mono();
        return 0;
    }
    k->table = table;
    size_t bytes = 0;
    for (int c = 0; c < t->ncols; c++) bytes += vals[c].n;
    int rc = grow((void **)&k->bytes, &k->cap, k->len + bytes, 1);
    if (!rc) rc = grow((void **)&k->slots, &k->slots_cap, k->nslots + (size_t)t->ncols, sizeof(slot));
    if (rc) return rc;
    for (int c = 0; c < t->ncols; c++) {
        k->slots[k->nslots++] = (slot){k->len, vals[c].n, vals[c].p == NULL};
        if (vals[c].n) memcpy(k->bytes + k->len, vals[c].p, vals[c].n);
        k->len += vals[c].n;
    }
    k->nrows++;
    k->table_rows++;
    return k->nrows >= CHUNK_ROWS || k->len >= CHUNK_BYTES ? write_chunk(k) : 0;
}

int cli_copy(int argc, char **argv)
{
    const char *from = NULL, *to = NULL;
    bool quiet = false;
    for (int i = 0; i < argc; i++) {
        const char *v;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(copy_help, stdout);
            return 0;
        } else if (strcmp(argv[i], "--quiet") == 0) quiet = true;
        else if ((v = cli_opt(argc, argv, &i, "--from"))) from = v;
        else if ((v = cli_opt(argc, argv, &i, "--to"))) to = v;
        else {
            fprintf(stderr, "hotline copy: unexpected '%s'\n\n%s", argv[i], copy_help);
            return 2;
        }
    }
    if (!from || !to) {
        fprintf(stderr, "hotline copy: --from and --to are both needed\n\n%s", copy_help);
        return 2;
    }
    char from_s[512], to_s[512];
    cli_db_shown(from, from_s, sizeof from_s);
    cli_db_shown(to, to_s, sizeof to_s);
    bool there = false;
    if (!cli_store_there("copy", from, "")) return 2;
    if (store_exists(to, &there)) {
        fprintf(stderr, "hotline copy: --to %s is not a store location hotline can use\n", to_s);
        return 2;
    }

    store *src = NULL, *dst = NULL;
    copier k = {.quiet = quiet, .table = -1};
    int rc = store_open(from, &src);
    if (rc) {
        fprintf(stderr, "hotline copy: cannot open %s (%s)\n", from_s, hl_strerror(rc));
        return 1;
    }
    rc = store_open(to, &dst);
    if (rc) fprintf(stderr, "hotline copy: cannot open %s (%s)\n", to_s, hl_strerror(rc));
    if (!rc) {
        rc = store_copy_load_open(dst, &k.load);
        if (rc == HL_ECONFLICT) {
            fprintf(stderr, "hotline copy: %s is not empty; copy only into a new store\n", to_s);
            store_close(dst);
            store_close(src);
            return 2;
        }
        if (rc) fprintf(stderr, "hotline copy: cannot write to %s (%s)\n", to_s, hl_strerror(rc));
    }
    if (!rc) {
        if (!quiet) printf("copying %s to %s\n", from_s, to_s);
        k.start = k.table_start = now_mono();
        rc = store_copy_read(src, on_row, &k);
        if (!rc) rc = store_copy_load_finish(k.load);
        if (rc) fprintf(stderr, "hotline copy: failed (%s); %s is left as it was\n",
                        hl_strerror(rc), to_s);
    }
    store_copy_load_close(k.load);
    store_close(dst);
    store_close(src);
    free(k.bytes);
    free(k.slots);
    free(k.vals);
    if (rc) return 1;
    double secs = now_mono() - k.start;
    if (!quiet)
        printf("copied %lld rows in %.2f s (%.0f rows/s); login sessions are not copied: users "
               "log in again. Check it with: hotline check --db %s\n",
               (long long)k.total_rows, secs, secs > 0 ? (double)k.total_rows / secs : 0, to_s);
    return 0;
}
