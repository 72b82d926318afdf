/* import_bulk.c — see import_bulk.h. */
#include "store/engine.h"
#include "cli/import_bulk.h"
#include "cli/cli.h"
#include "store/catalogue.h"
#include "util/err.h"
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int import_bulk_dispatch(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--csv") == 0 || strncmp(argv[i], "--csv=", 6) == 0)
            return cli_import_csv(argc, argv);
        if (strcmp(argv[i], "--boston311") == 0 || strncmp(argv[i], "--boston311=", 12) == 0)
            return cli_import_boston(argc, argv);
    }
    return -1;
}

bool import_db_exists(const char *db) { return cli_store_there("import", db, " (hotline init first)"); }

int import_map_file(const char *path, const char **data, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return HL_ENOTFOUND;
    struct stat st;
    int rc = fstat(fd, &st) == 0 ? 0 : HL_EIO;
    void *m = NULL;
    if (!rc && st.st_size > 0) {
        m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED) rc = HL_EIO;
        else madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
    }
    close(fd);
    if (rc) return rc;
    *data = st.st_size > 0 ? m : "";
    *len = (size_t)st.st_size;
    return 0;
}

void import_unmap(const char *data, size_t len)
{
    if (len) munmap((void *)data, len);
}

void import_code(const char *prefix, const char *name, char *out, size_t cap)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) h = (h ^ *p) * 16777619u;
    snprintf(out, cap, "%s%08x", prefix, (unsigned)h);
}

int import_unit(store *st, const char *code, const char *name, unit_kind kind, int64_t parent,
                int64_t *id)
{
    arena *a = arena_new();
    store_unit u;
    int rc = a ? store_unit_by_code(st, a, code, &u) : HL_ENOMEM;
    if (!rc) {
        *id = u.id;
        if (!u.active) {
            store_unit on = {.parent_id = -1, .active = true};
            rc = store_unit_update(st, u.id, &on);
        }
    } else if (rc == HL_ENOTFOUND) {
        store_unit in = {.parent_id = parent, .code = code, .name_zh = name, .name_en = name,
                         .kind = kind, .active = true};
        rc = store_unit_create(st, &in, id);
    }
    arena_free(a);
    return rc;
}

int import_category(store *st, const char *code, const char *name, int level, int64_t parent,
                    int64_t *id)
{
    arena *a = arena_new();
    store_category c;
    int rc = a ? store_category_by_code(st, a, code, &c) : HL_ENOMEM;
    if (!rc) {
        *id = c.id;
        if (!c.active) {
            store_category on = c;
            on.name_zh = on.name_en = on.keywords = NULL;
            on.active = true;
            rc = store_category_update(st, c.id, &on);
        }
    } else if (rc == HL_ENOTFOUND) {
        store_category in = {.parent_id = parent, .code = code, .name_zh = name, .name_en = name,
                             .level = level, .leaf_fields = level == CATEGORY_MAX_LEVEL,
                             .type = REQ_REPORT, .urgency = URGENCY_NORMAL, .keywords = "",
                             .active = true};
        rc = store_category_create(st, &in, id);
    }
    arena_free(a);
    return rc;
}

static void buf_free_all(import_buf *b)
{
    arena_free(b->a);
    free(b->cases);
    free(b->ids);
    free(b->events);
    memset(b, 0, sizeof *b);
}

static HL_MUST_CHECK int buf_init(import_buf *b)
{
    b->a = arena_new();
    b->cases = calloc(IMPORT_CHUNK, sizeof *b->cases);
    b->ids = calloc(IMPORT_CHUNK, sizeof *b->ids);
    b->events = calloc((size_t)IMPORT_CHUNK * IMPORT_MAX_EVENTS, sizeof *b->events);
    return b->a && b->cases && b->ids && b->events ? 0 : HL_ENOMEM;
}

int import_chunk_init(import_chunk *ch, store *st, int utc_offset_min, const char *source)
{
    memset(ch, 0, sizeof *ch);
    ch->st = st;
    ch->source = source;
    ch->utc_offset_min = utc_offset_min;
    int rc = buf_init(&ch->buf[0]);
    if (!rc) rc = buf_init(&ch->buf[1]);
    ch->a = ch->buf[0].a;
    return rc ? rc : store_bulk_open(st, &ch->bulk);
}

/* Waits for the chunk being written; its result. */
static HL_MUST_CHECK int wait_written(import_chunk *ch)
{
    if (ch->busy) {
        pthread_join(ch->writing, NULL);
        ch->busy = false;
    }
    return ch->write_rc;
}

void import_chunk_free(import_chunk *ch)
{
    /* joins the writer; its result was import_chunk_flush's, or the import is failing already */
    err_ignore(wait_written(ch));
    store_bulk_close(ch->bulk);
    buf_free_all(&ch->buf[0]);
    buf_free_all(&ch->buf[1]);
    memset(ch, 0, sizeof *ch);
}

store_case_event *import_chunk_events(import_chunk *ch)
{
    store_case_event *e = &ch->buf[ch->cur].events[ch->buf[ch->cur].nev];
    memset(e, 0, IMPORT_MAX_EVENTS * sizeof *e);
    return e;
}

/* Marks known a request whose id came earlier in the same chunk (a source that lists a
 * request twice: the store cannot tell, the first one is not written yet). */
static int mark_repeats(const char *const *ids, size_t n, bool *known)
{
    size_t cap = 2 * IMPORT_CHUNK; /* a power of two, at most half full */
    size_t *slot = calloc(cap, sizeof *slot); /* index + 1 of the first request with the id */
    if (!slot) return HL_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (!ids[i] || known[i]) continue;
        uint32_t h = 2166136261u;
        for (const unsigned char *p = (const unsigned char *)ids[i]; *p; p++) h = (h ^ *p) * 16777619u;
        size_t at = h & (cap - 1);
        while (slot[at] && strcmp(ids[slot[at] - 1], ids[i]) != 0) at = (at + 1) & (cap - 1);
        if (slot[at]) known[i] = true;
        else slot[at] = i + 1;
    }
    free(slot);
    return 0;
}

/* Drops from the chunk the requests already imported, by an earlier run or earlier in it. */
static int drop_known(import_chunk *ch, import_buf *b)
{
    bool *known = calloc(b->n ? b->n : 1, sizeof *known);
    int rc = known ? store_imported(ch->st, ch->source, b->ids, b->n, known) : HL_ENOMEM;
    if (!rc) rc = mark_repeats(b->ids, b->n, known);
    size_t kept = 0;
    for (size_t i = 0; !rc && i < b->n; i++) {
        if (known[i]) {
            ch->skipped++;
            continue;
        }
        b->cases[kept] = b->cases[i];
        b->ids[kept++] = b->ids[i];
    }
    if (!rc) b->n = kept;
    free(known);
    return rc;
}

/* The writing thread: the buffer that is not being filled. */
static void *write_chunk(void *arg)
{
    import_chunk *ch = arg;
    import_buf *b = &ch->buf[!ch->cur];
    size_t start = 0;
    int rc = drop_known(ch, b);
    while (!rc && start < b->n) {
        size_t bad = 0, unused;
        rc = store_bulk_write(ch->bulk, b->cases + start, b->n - start, ch->utc_offset_min, &bad);
        if (rc != HL_ESTATE && rc != HL_EINVAL) {
            if (!rc) ch->imported += (int64_t)(b->n - start);
            break;
        }
        /* one history the lifecycle refuses: count it, write those before it, go on after */
        ch->refused++;
        rc = bad ? store_bulk_write(ch->bulk, b->cases + start, bad, ch->utc_offset_min, &unused) : 0;
        if (rc) break;
        ch->imported += (int64_t)bad;
        start += bad + 1;
    }
    if (b->n) ch->chunks++; /* transactions: none when the whole chunk was known */
    ch->write_rc = rc;
    return NULL;
}

/* Hands the filled buffer to a writing thread (after the previous one is written) and
 * goes on filling the other. */
static HL_MUST_CHECK int start_writing(import_chunk *ch)
{
    int rc = wait_written(ch);
    if (rc || ch->buf[ch->cur].n == 0) return rc;
    ch->cur = !ch->cur;
    import_buf *next = &ch->buf[ch->cur];
    arena_free(next->a);
    next->a = ch->a = arena_new();
    next->n = next->nev = 0;
    if (!next->a) return HL_ENOMEM;
    if (pthread_create(&ch->writing, NULL, write_chunk, ch) != 0) {
        write_chunk(ch); /* no thread to be had: write it here */
        return ch->write_rc;
    }
    ch->busy = true;
    return 0;
}

int import_chunk_flush(import_chunk *ch)
{
    int rc = start_writing(ch);
    return rc ? rc : wait_written(ch);
}

int import_chunk_add(import_chunk *ch, const store_case *k, size_t nev, const char *id)
{
    import_buf *b = &ch->buf[ch->cur];
    if (nev == 0 || nev > IMPORT_MAX_EVENTS) return HL_EINVAL;
    b->ids[b->n] = id;
    b->cases[b->n++] = (store_bulk_case){.k = *k, .events = &b->events[b->nev], .nevents = nev};
    b->nev += nev;
    return b->n == IMPORT_CHUNK ? start_writing(ch) : 0;
}

static store_case_event *ev(store_case_event *e, size_t *n, case_action a, int64_t at)
{
    store_case_event *x = &e[(*n)++];
    x->ev.action = a;
    x->ev.at = at;
    x->ev.actor_role = ACTOR_SYSTEM;
    x->is_public = lifecycle_spec_of(a)->is_public;
    return x;
}

int import_add_history(import_chunk *ch, const store_case *k, const import_history *h)
{
    const char *id = h->import_id && *h->import_id ? arena_strdup(ch->a, h->import_id) : NULL;
    if (h->import_id && *h->import_id && !id) return HL_ENOMEM;
    store_case_event *e = import_chunk_events(ch);
    size_t n = 0;
    store_case_event *r = ev(e, &n, ACT_REGISTER, h->opened);
    if (id) { /* what store_imported looks up when the import runs again */
        r->import_source = ch->source;
        r->import_id = id;
    }
    if (!h->unit_id) {
        if (h->closed) ev(e, &n, ACT_ANSWER, h->closed)->body = h->reply_text ? h->reply_text : "";
        return import_chunk_add(ch, k, n, id);
    }
    int64_t dispatched = h->dispatched ? h->dispatched : h->opened;
    store_case_event *d = ev(e, &n, ACT_DISPATCH, dispatched);
    d->ev.unit_id = h->unit_id;
    d->ev.due[STAGE_SIGN] = h->sign_due;
    bool replied = h->replied || h->closed || h->has_visit;
    if (h->signed_at || replied) {
        ev(e, &n, ACT_SIGN, h->signed_at ? h->signed_at : dispatched)->ev.due[STAGE_REPLY] =
            h->reply_due;
    }
    int64_t reply_at = h->replied ? h->replied : h->closed ? h->closed : h->visited;
    if (replied) ev(e, &n, ACT_REPLY, reply_at ? reply_at : dispatched)->body =
        h->reply_text ? h->reply_text : "";
    bool closed_by_visit = false;
    if (h->has_visit) {
        store_case_event *v = ev(e, &n, ACT_VISIT, h->visited ? h->visited : reply_at);
        v->ev.reachable = h->reachable;
        v->ev.solved = h->reachable && h->solved;
        v->ev.satisfaction = h->reachable ? h->satisfaction : SATISFACTION_NONE;
        closed_by_visit = v->ev.solved; /* the store appends the automatic close */
    }
    if (h->closed && !closed_by_visit) {
        if (!h->has_visit)
            ev(e, &n, ACT_VISIT, h->closed)->reason = "imported: the source records no return visit";
        ev(e, &n, ACT_CLOSE, h->closed)->reason = "imported: closed in the source";
    }
    return import_chunk_add(ch, k, n, id);
}

double import_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}
