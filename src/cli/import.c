/* import.c — `hotline import --open311 FILE`: a real city's GeoReport v2 requests.json as
 * history. Each request is registered at its requested_datetime by the system (channel
 * open311) and walked through dispatch (to its agency) and sign-for; a closed one is replied
 * to at its updated_datetime with its status_notes. Due times follow the policies and the
 * calendar, as for any request. Worker threads write requests side by side so the store's
 * writer group-commits them. The city's id travels in the register event, in the same
 * transaction as the request, so a second import skips what the first wrote. */
#include "cli/cli.h"
#include "cli/import.h"
#include "cli/import_bulk.h"
#include "core/civil.h"
#include "store/catalogue.h"
#include "util/err.h"
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char import_help[] =
    "usage: hotline import --open311 FILE [--db PATH] [--city NAME] [--threads N]\n"
    "       hotline import --csv FILE --map MAPPING [--db PATH]\n"
    "       hotline import --boston311 FILE... [--db PATH]\n"
    "\n"
    "  --csv, --boston311: a generic CSV with a column mapping, or Boston 311 case files, written\n"
    "                  in bulk (see docs/operations.md, \"Importing history\")\n"
    "  --open311 FILE  a GeoReport v2 requests.json (an array of requests)\n"
    "  --db PATH       the database (HOTLINE_DB, default var/hotline.db)\n"
    "  --city NAME     the city the requests come from (default \"Open311 import\"); its\n"
    "                  services become categories under a level-1 category of that name, its\n"
    "                  agencies departments, all retired after the import\n"
    "  --threads N     requests written side by side (default 64)\n"
    "\n"
    "Requests already imported for the same city (by service_request_id) are skipped, as are\n"
    "repeats within the file. Run one import at a time.\n";

typedef struct {
    store *st;
    const import_catalogue *cat;
    const calendar *cal;
    const json_t *records;
    const bool *repeat; /* a service_request_id seen earlier in the file */
    atomic_size_t next;
    atomic_int imported, skipped, rejected, failed;
    pthread_mutex_t mu; /* the first failure's message */
    char first_error[256];
} job;

static const char *str(const json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v && *v ? v : NULL;
}

static HL_MUST_CHECK int parse_time(const char *s, int64_t *t)
{
    return s ? civil_parse_time(s, strlen(s), 0, t) : HL_EINVAL;
}

static void dues(const job *j, const import_service *svc, case_action a, int64_t at,
                 int64_t due[STAGE_COUNT])
{
    const time_limit *limits[STAGE_COUNT];
    for (int s = 0; s < STAGE_COUNT; s++) limits[s] = svc->has_limit[s] ? &svc->limit[s] : NULL;
    /* a due time out of range is left 0: the stage runs without one, as with no policy */
    err_ignore(lifecycle_dues(a, j->cal, at, limits, due));
}

static HL_MUST_CHECK int act(job *j, const import_service *svc, int64_t id, case_action a,
                             int64_t at, int64_t unit, const char *body)
{
    store_case_event ev = {.ev = {.action = a, .at = at, .actor_role = ACTOR_SYSTEM,
                                  .unit_id = unit},
                           .body = body, .is_public = lifecycle_spec_of(a)->is_public};
    dues(j, svc, a, at, ev.ev.due);
    return store_case_act(j->st, id, &ev, NULL, NULL);
}

/* One record: 1 imported, 0 skipped, HL_EINVAL rejected, other < 0 failed. */
static int import_one(job *j, const json_t *r)
{
    const char *rid = str(r, "service_request_id"), *status = str(r, "status");
    const import_service *svc = import_service_of(j->cat, str(r, "service_code"));
    int64_t requested, updated;
    if (!rid || !svc || !status || parse_time(str(r, "requested_datetime"), &requested))
        return HL_EINVAL;
    bool closed = strcmp(status, "closed") == 0;
    if (!closed && strcmp(status, "open") != 0) return HL_EINVAL;
    if (parse_time(str(r, "updated_datetime"), &updated) || updated < requested)
        updated = requested; /* some cities round updated_datetime down to the minute */
    int64_t found;
    int rc = store_open311_imported(j->st, j->cat->slug, rid, &found);
    if (rc == 0) return 0;
    if (rc != HL_ENOTFOUND) return rc;

    json_t *lat = json_object_get(r, "lat"), *lng = json_object_get(r, "long");
    store_case k = {.channel = "open311", .type = REQ_REPORT, .urgency = URGENCY_NORMAL,
                    .category_id = svc->category_id, .address = str(r, "address"),
                    .title = str(r, "service_name"), .text = str(r, "description")};
    if (!k.text) k.text = "";
    /* 0,0 is how some cities say "no location" */
    k.has_location = json_is_number(lat) && json_is_number(lng) &&
                     (json_number_value(lat) != 0 || json_number_value(lng) != 0);
    k.lat = json_number_value(lat);
    k.lng = json_number_value(lng);
    store_case_event ev = {.ev = {.action = ACT_REGISTER, .at = requested,
                                  .actor_role = ACTOR_SYSTEM},
                           .import_source = j->cat->slug, .import_id = rid,
                           .is_public = lifecycle_spec_of(ACT_REGISTER)->is_public};
    dues(j, svc, ACT_REGISTER, requested, ev.ev.due);
    const char *media = str(r, "media_url"), *address_id = str(r, "address_id");
    const char *zipcode = str(r, "zipcode");
    store_open311_extra x = {.media_url = media, .address_id = address_id, .zipcode = zipcode};
    if (media || address_id || zipcode) k.open311 = &x;
    char number[STORE_CASE_NUMBER_MAX];
    int64_t id = 0;
    rc = store_case_register(j->st, &k, &ev, CIVIL_TZ_SHANGHAI, &id, number);
    int64_t unit = import_agency_of(j->cat, str(r, "agency_responsible"));
    if (!rc) rc = act(j, svc, id, ACT_DISPATCH, requested, unit, NULL);
    if (!rc) rc = act(j, svc, id, ACT_SIGN, closed ? requested : updated, 0, NULL);
    if (!rc && closed) {
        const char *notes = str(r, "status_notes");
        rc = act(j, svc, id, ACT_REPLY, updated, 0, notes ? notes : "已办结 (closed)");
    }
    return rc ? rc : 1;
}

static void *worker(void *arg)
{
    job *j = arg;
    size_t n = json_array_size(j->records);
    for (size_t i; (i = atomic_fetch_add(&j->next, 1)) < n;) {
        if (j->repeat[i]) {
            atomic_fetch_add(&j->skipped, 1);
            continue;
        }
        int rc = import_one(j, json_array_get(j->records, i));
        if (rc == 1) atomic_fetch_add(&j->imported, 1);
        else if (rc == 0) atomic_fetch_add(&j->skipped, 1);
        else if (rc == HL_EINVAL) atomic_fetch_add(&j->rejected, 1);
        else {
            pthread_mutex_lock(&j->mu);
            if (!j->first_error[0])
                snprintf(j->first_error, sizeof j->first_error, "record %zu: %s", i,
                         hl_strerror(rc));
            pthread_mutex_unlock(&j->mu);
            atomic_fetch_add(&j->failed, 1);
        }
    }
    return NULL;
}

typedef struct {
    const char *id;
    size_t index;
} id_at;

static int cmp_ids(const void *x, const void *y)
{
    const id_at *a = x, *b = y;
    int c = strcmp(a->id, b->id);
    return c ? c : (a->index > b->index) - (a->index < b->index);
}

/* Marks every record whose service_request_id appeared earlier in the file (the first one is
 * imported). NULL when out of memory; the caller frees the result. */
static bool *repeats(const json_t *records)
{
    size_t n = json_array_size(records), m = 0;
    id_at *ids = malloc((n ? n : 1) * sizeof *ids);
    bool *rep = calloc(n ? n : 1, sizeof *rep);
    if (!ids || !rep) {
        free(ids);
        free(rep);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        const char *id = str(json_array_get(records, i), "service_request_id");
        if (id) ids[m++] = (id_at){id, i};
    }
    qsort(ids, m, sizeof *ids, cmp_ids);
    for (size_t i = 1; i < m; i++)
        if (strcmp(ids[i].id, ids[i - 1].id) == 0) rep[ids[i].index] = true;
    free(ids);
    return rep;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Writes the records with up to `threads` workers (at least this thread); fills the job's
 * counts. */
static void run(job *j, int threads)
{
    pthread_t tids[64];
    int started = 0;
    while (started < threads && pthread_create(&tids[started], NULL, worker, j) == 0) started++;
    if (started == 0) worker(j);
    for (int i = 0; i < started; i++) pthread_join(tids[i], NULL);
}

int cli_import(int argc, char **argv)
{
    int bulk = import_bulk_dispatch(argc, argv); /* --csv, --boston311: import_bulk.h */
    if (bulk >= 0) return bulk;
    const char *db = cli_env("HOTLINE_DB", "var/hotline.db"), *file = NULL;
    const char *city = "Open311 import", *threads_s = "64";
    for (int i = 0; i < argc; i++) {
        const char *v;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(import_help, stdout);
            return 0;
        } else if ((v = cli_opt(argc, argv, &i, "--open311"))) file = v;
        else if ((v = cli_opt(argc, argv, &i, "--db"))) db = v;
        else if ((v = cli_opt(argc, argv, &i, "--city"))) city = v;
        else if ((v = cli_opt(argc, argv, &i, "--threads"))) threads_s = v;
        else {
            fprintf(stderr, "hotline import: unknown option '%s'\n\n%s", argv[i], import_help);
            return 2;
        }
    }
    char *end = NULL;
    long threads = strtol(threads_s, &end, 10);
    if (!file || !*city || end == threads_s || *end || threads < 1 || threads > 64) {
        fprintf(stderr, "hotline import: give --open311 FILE (and a --city, 1-64 --threads)\n\n%s",
                import_help);
        return 2;
    }
    if (!import_db_exists(db)) return 1;
    json_error_t jerr;
    json_t *records = json_load_file(file, 0, &jerr);
    if (!json_is_array(records)) {
        fprintf(stderr, "hotline import: %s:%d: %s\n", file, jerr.line,
                records ? "not a JSON array of requests" : jerr.text);
        json_decref(records);
        return 1;
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    store *st = NULL;
    arena *a = arena_new();
    import_catalogue *cat = calloc(1, sizeof *cat);
    calendar *cal = NULL;
    bool *rep = repeats(records);
    int rc = a && cat && rep ? store_open(db, &st) : HL_ENOMEM;
    if (!rc) {
        cat->city = city;
        rc = import_setup(st, a, records, cat);
    }
    if (!rc) rc = store_calendar_build(st, CIVIL_TZ_SHANGHAI, &cal);
    job j = {.st = st, .cat = cat, .cal = cal, .records = records, .repeat = rep};
    pthread_mutex_init(&j.mu, NULL);
    if (!rc) run(&j, (int)threads);
    if (st && cat && cat->level1_id) { /* retire even after a failure: offer nothing half-made */
        int rrc = import_retire(st, cat);
        if (!rc) rc = rrc;
    }
    double secs = seconds_since(&t0);
    size_t n = json_array_size(records);
    int dups = 0;
    for (size_t i = 0; rep && i < n; i++) dups += rep[i];
    if (cat && cat->slug)
        printf("import: %zu records from %s as %s: %d imported, %d already there or repeated "
               "(%d repeats in the file), %d rejected, %d failed; %.2f s (%.0f records/s)\n",
               n, file, cat->slug, j.imported, j.skipped, dups, j.rejected,
               j.failed, secs, secs > 0 ? (double)n / secs : 0.0);
    if (j.failed) fprintf(stderr, "hotline import: first failure: %s\n", j.first_error);
    if (rc) fprintf(stderr, "hotline import: %s\n", hl_strerror(rc));
    pthread_mutex_destroy(&j.mu);
    calendar_free(cal);
    store_close(st);
    free(rep);
    free(cat);
    arena_free(a);
    json_decref(records);
    return rc || j.failed ? 1 : 0;
}
