/* import_boston.c — `hotline import --boston311 FILE...`: Boston's 311 cases (the 2015 export;
 * docs/operations.md, Importing history) as history. Each case is registered and
 * dispatched at opened_at to its department (subject; a unit this import creates) and signed
 * for at once (Boston records no sign-for); target_at becomes the reply due time; a closed
 * case is replied to at closed_at with its closure reason and closed then (with an
 * unreachable visit: Boston records no return visit). Types become categories under their
 * reason under one level-1 "Boston 311"; neighbourhoods become districts. The 197 cases
 * closed before they were opened are skipped and counted, and the City Hall default geocode
 * (42.3594,-71.0648) is not a location. Everything the import made is retired afterwards,
 * so it is history, not something to dispatch new requests to. */
#include "cli/cli.h"
#include "cli/import_bulk.h"
#include "core/civil.h"
#include "core/csv.h"
#include "store/catalogue.h"
#include "util/err.h"
#include <stdlib.h>
#include <string.h>

static const char boston_help[] =
    "usage: hotline import --boston311 FILE [FILE...] [--db PATH]\n"
    "\n"
    "  --boston311 FILE  a Boston 311 CSV (case_id, opened_at, target_at, closed_at, ...);\n"
    "                    more files may follow\n"
    "  --db PATH         the database (HOTLINE_DB, default var/hotline.db)\n"
    "\n"
    "Times are read as the city's local time. Prints rows/s. Cases already imported (by\n"
    "case_id) are skipped, so an import that stopped halfway can be run again.\n";

/* name → id, for the handful of departments, reasons, types and neighbourhoods */
#define MAP_SLOTS 4096
typedef struct {
    char *key[MAP_SLOTS];
    int64_t id[MAP_SLOTS];
} name_map;

static uint32_t hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* The slot of a key (found, or the empty one it would go in); NULL when full. */
static size_t slot(const name_map *m, const char *k, size_t n, bool *found)
{
    size_t i = hash(k, n) % MAP_SLOTS;
    for (size_t probes = 0; probes < MAP_SLOTS; probes++, i = (i + 1) % MAP_SLOTS) {
        if (!m->key[i]) {
            *found = false;
            return i;
        }
        if (strlen(m->key[i]) == n && memcmp(m->key[i], k, n) == 0) {
            *found = true;
            return i;
        }
    }
    *found = false;
    return MAP_SLOTS;
}

typedef struct {
    store *st;
    import_chunk ch;
    int off;
    int64_t centre, level1;
    name_map units, reasons, types, hoods;
    int64_t *made_units, *made_cats; /* to retire afterwards */
    size_t nmade_units, nmade_cats;
    int64_t rows, skipped_order, unreadable, open, closed;
} boston;

static HL_MUST_CHECK int remember(int64_t **list, size_t *n, int64_t id)
{
    int64_t *nl = realloc(*list, (*n + 1) * sizeof *nl);
    if (!nl) return HL_ENOMEM;
    nl[(*n)++] = id;
    *list = nl;
    return 0;
}

/* The id for a name in map, found or made by make(name). */
typedef int (*make_fn)(boston *b, const char *name, const char *parent_name, int64_t parent,
                       int64_t *id);

static HL_MUST_CHECK int lookup(boston *b, name_map *m, const char *key, size_t n, make_fn make,
                                const char *parent_name, int64_t parent, int64_t *id)
{
    bool found;
    size_t i = slot(m, key, n, &found);
    if (i == MAP_SLOTS) return HL_ERANGE;
    if (found) {
        *id = m->id[i];
        return 0;
    }
    char *copy = strndup(key, n);
    if (!copy) return HL_ENOMEM;
    int rc = make(b, copy, parent_name, parent, id);
    if (rc) {
        free(copy);
        return rc;
    }
    m->key[i] = copy;
    m->id[i] = *id;
    return 0;
}

static int make_dept(boston *b, const char *name, const char *pn, int64_t parent, int64_t *id)
{
    (void)pn;
    (void)parent;
    char code[48];
    import_code("bos-u-", name, code, sizeof code);
    int rc = import_unit(b->st, code, name, UNIT_DEPARTMENT, b->centre, id);
    return rc ? rc : remember(&b->made_units, &b->nmade_units, *id);
}

static int make_hood(boston *b, const char *name, const char *pn, int64_t parent, int64_t *id)
{
    (void)pn;
    (void)parent;
    char code[48];
    import_code("bos-n-", name, code, sizeof code);
    int rc = import_unit(b->st, code, name, UNIT_DISTRICT, b->centre, id);
    return rc ? rc : remember(&b->made_units, &b->nmade_units, *id);
}

static int make_reason(boston *b, const char *name, const char *pn, int64_t parent, int64_t *id)
{
    (void)pn;
    (void)parent;
    char code[48];
    import_code("bos-r-", name, code, sizeof code);
    int rc = import_category(b->st, code, name, 2, b->level1, id);
    return rc ? rc : remember(&b->made_cats, &b->nmade_cats, *id);
}

/* Types are keyed by "reason\x1ftype": the same type name may sit under two reasons. */
static int make_type(boston *b, const char *key, const char *pn, int64_t parent, int64_t *id)
{
    (void)pn;
    char code[48];
    import_code("bos-t-", key, code, sizeof code);
    const char *name = strchr(key, '\x1f');
    int rc = import_category(b->st, code, name ? name + 1 : key, 3, parent, id);
    return rc ? rc : remember(&b->made_cats, &b->nmade_cats, *id);
}

static const char *channel_of(const csv_field *f)
{
    static const struct {
        const char *boston, *ours;
    } map[] = {
        {"Constituent Call", "phone"}, {"Citizens Connect App", "app"}, {"Self Service", "web"},
        {"City Worker App", "grid"},   {"Employee Generated", "grid"},
        {"Twitter", "wechat"},          /* social media */
        {"Maximo Integration", "province"}, /* handed over by another system */
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (f->n == strlen(map[i].boston) && memcmp(f->s, map[i].boston, f->n) == 0)
            return map[i].ours;
    return "phone";
}

enum { C_ID, C_OPENED, C_TARGET, C_CLOSED, C_STATUS, C_REASON_CLOSED, C_TITLE, C_SUBJECT,
       C_REASON, C_TYPE, C_DEPT, C_SOURCE, C_HOOD, C_STREET, C_LAT, C_LNG, C_COUNT };
static const char *const col_names[C_COUNT] = {
    "case_id", "opened_at", "target_at", "closed_at", "case_status", "closure_reason",
    "case_title", "subject", "reason", "type", "department", "source", "neighborhood",
    "street_name", "latitude", "longitude"};

static HL_MUST_CHECK int parse_time(const boston *b, const csv_field *f, int64_t *t)
{
    *t = 0;
    return f->n ? civil_parse_time(f->s, f->n, b->off, t) : 0;
}

static bool parse_double(const csv_field *f, double *out)
{
    char tmp[40];
    if (!f->n || f->n >= sizeof tmp) return false;
    memcpy(tmp, f->s, f->n);
    tmp[f->n] = 0;
    char *end;
    *out = strtod(tmp, &end);
    return end != tmp && !*end;
}

static const char *dup_field(arena *a, const csv_field *f) { return arena_strndup(a, f->s, f->n); }

static int one_row(boston *b, const csv_field *f)
{
    int64_t opened, target, closed;
    if (parse_time(b, &f[C_OPENED], &opened) || !opened || parse_time(b, &f[C_TARGET], &target) ||
        parse_time(b, &f[C_CLOSED], &closed)) {
        b->unreadable++;
        return 0;
    }
    bool is_closed = f[C_STATUS].n == 6 && memcmp(f[C_STATUS].s, "Closed", 6) == 0 && closed;
    if (is_closed && closed < opened) {
        b->skipped_order++; /* README: closed before opened; dropped */
        return 0;
    }
    arena *a = b->ch.a;
    const csv_field *dept = f[C_SUBJECT].n ? &f[C_SUBJECT] : &f[C_DEPT];
    int64_t unit = 0, reason = 0, type = 0, hood = 0;
    int rc = lookup(b, &b->units, dept->n ? dept->s : "Unknown", dept->n ? dept->n : 7, make_dept,
                    NULL, 0, &unit);
    const csv_field *rs = &f[C_REASON], *ty = &f[C_TYPE];
    const char *rname = rs->n ? dup_field(a, rs) : "Other";
    if (!rc) rc = lookup(b, &b->reasons, rname, strlen(rname), make_reason, NULL, 0, &reason);
    const char *tkey = arena_printf(a, "%s\x1f%.*s", rname, (int)(ty->n ? ty->n : 5),
                                    ty->n ? ty->s : "Other");
    if (!rc) rc = tkey ? lookup(b, &b->types, tkey, strlen(tkey), make_type, NULL, reason, &type)
                       : HL_ENOMEM;
    if (!rc && f[C_HOOD].n)
        rc = lookup(b, &b->hoods, f[C_HOOD].s, f[C_HOOD].n, make_hood, NULL, 0, &hood);
    if (rc) return rc;
    double lat = 0, lng = 0;
    bool located = parse_double(&f[C_LAT], &lat) && parse_double(&f[C_LNG], &lng) &&
                   (lat != 0 || lng != 0) && !(lat == 42.3594 && lng == -71.0648);
    const char *title = ty->n ? dup_field(a, ty) : "Other";
    store_case k = {.channel = channel_of(&f[C_SOURCE]), .type = REQ_REPORT,
                    .category_id = type, .urgency = URGENCY_NORMAL, .district_id = hood,
                    .address = dup_field(a, &f[C_STREET]), .has_location = located, .lat = lat,
                    .lng = lng, .title = title,
                    .text = f[C_TITLE].n ? dup_field(a, &f[C_TITLE]) : title};
    /* signed at opened_at, open or closed: an open case keeps its target as a running reply
     * clock (unsigned, it would have none and could never be late) */
    import_history h = {.opened = opened, .signed_at = opened, .reply_due = target,
                        .closed = is_closed ? closed : 0,
                        .unit_id = unit,
                        .reply_text = f[C_REASON_CLOSED].n ? dup_field(a, &f[C_REASON_CLOSED])
                                                           : "Case closed",
                        .import_id = f[C_ID].n ? dup_field(a, &f[C_ID]) : NULL};
    if (!k.address || !k.text || !h.reply_text || (f[C_ID].n && !h.import_id) || !title)
        return HL_ENOMEM;
    if (is_closed) b->closed++;
    else b->open++;
    return import_add_history(&b->ch, &k, &h);
}

static int import_file(boston *b, const char *path)
{
    const char *data = NULL;
    size_t len = 0;
    int rc = import_map_file(path, &data, &len);
    if (rc) {
        fprintf(stderr, "hotline import: cannot read %s: %s\n", path, hl_strerror(rc));
        return rc;
    }
    csv_cursor cur;
    csv_cursor_init(&cur, data, len);
    csv_field f[64], row[C_COUNT];
    size_t n = 0;
    int ix[C_COUNT];
    static char scratch[1 << 16];
    rc = csv_cursor_next(&cur, f, 64, &n, scratch, sizeof scratch) == 1 ? 0 : HL_EINVAL;
    for (int c = 0; !rc && c < C_COUNT; c++)
        if ((ix[c] = csv_field_find(f, n, col_names[c])) < 0) {
            fprintf(stderr, "hotline import: %s: no column %s\n", path, col_names[c]);
            rc = HL_EINVAL;
        }
    while (!rc) {
        int r = csv_cursor_next(&cur, f, 64, &n, scratch, sizeof scratch);
        if (r == 0) break;
        b->rows++;
        if (r < 0) {
            b->unreadable++;
            continue;
        }
        bool short_row = false;
        for (int c = 0; c < C_COUNT; c++) {
            if ((size_t)ix[c] >= n) short_row = true;
            else row[c] = f[ix[c]];
        }
        if (short_row) {
            b->unreadable++;
            continue;
        }
        /* scratch is reused by the next record: one_row copies what it keeps */
        rc = one_row(b, row);
    }
    import_unmap(data, len);
    return rc;
}

/* Deactivates one category, keeping the rest of it. */
static HL_MUST_CHECK int retire_category(boston *b, arena *a, int64_t id)
{
    store_category c;
    int rc = store_category_get(b->st, a, id, &c);
    if (rc) return rc;
    store_category off = c;
    off.name_zh = off.name_en = off.keywords = NULL; /* NULL keeps them */
    off.active = false;
    return store_category_update(b->st, c.id, &off);
}

/* Everything the import made or woke up goes back to sleep: history, not a live catalogue.
 * 0 or the first HL_E* code (the rest is then left as it is: running the import again wakes
 * and retires it again). */
static int retire(boston *b)
{
    arena *a = arena_new();
    if (!a) return HL_ENOMEM;
    int rc = 0;
    for (size_t i = b->nmade_cats; !rc && i-- > 0;) rc = retire_category(b, a, b->made_cats[i]);
    if (!rc) rc = retire_category(b, a, b->level1);
    for (size_t i = 0; !rc && i < b->nmade_units; i++) {
        store_unit off = {.parent_id = -1, .active = false};
        rc = store_unit_update(b->st, b->made_units[i], &off);
    }
    arena_free(a);
    return rc;
}

static int find_centre(store *st, int64_t *id)
{
    arena *a = arena_new();
    store_unit *u;
    size_t n = 0;
    int rc = a ? store_units_list(st, a, &u, &n) : HL_ENOMEM;
    *id = 0;
    for (size_t i = 0; !rc && i < n; i++)
        if (u[i].kind == UNIT_CENTRE) *id = u[i].id;
    arena_free(a);
    return rc ? rc : *id ? 0 : HL_ENOTFOUND;
}

int cli_import_boston(int argc, char **argv)
{
    const char *db = cli_env("HOTLINE_DB", "var/hotline.db");
    const char *files[64];
    int nfiles = 0;
    for (int i = 0; i < argc; i++) {
        const char *v;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(boston_help, stdout);
            return 0;
        } else if ((v = cli_opt(argc, argv, &i, "--boston311"))) {
            if (nfiles < 64) files[nfiles++] = v;
        } else if ((v = cli_opt(argc, argv, &i, "--db"))) db = v;
        else if (argv[i][0] != '-' && nfiles > 0 && nfiles < 64) files[nfiles++] = argv[i];
        else {
            fprintf(stderr, "hotline import: unknown option '%s'\n\n%s", argv[i], boston_help);
            return 2;
        }
    }
    if (!nfiles) {
        fputs(boston_help, stderr);
        return 2;
    }
    if (!import_db_exists(db)) return 1;
    boston *b = calloc(1, sizeof *b);
    if (!b) return 1;
    b->off = CIVIL_TZ_SHANGHAI; /* the city's clock; Boston's wall times keep their durations */
    double t0 = import_now();
    int rc = store_open(db, &b->st);
    if (!rc) rc = import_chunk_init(&b->ch, b->st, b->off, "boston311");
    if (!rc) rc = find_centre(b->st, &b->centre);
    if (!rc) rc = import_category(b->st, "bos-311", "Boston 311", 1, 0, &b->level1);
    double t1 = import_now();
    for (int i = 0; !rc && i < nfiles; i++) rc = import_file(b, files[i]);
    if (!rc) rc = import_chunk_flush(&b->ch);
    double t2 = import_now();
    if (!rc) rc = retire(b);
    if (rc) fprintf(stderr, "hotline import: failed: %s\n", hl_strerror(rc));
    double secs = t2 - t1 > 0 ? t2 - t1 : 1e-9;
    printf("boston311: %lld rows: %lld imported (%lld open, %lld closed), %lld skipped (closed "
           "before opened), %lld unreadable, %lld refused, %lld already imported\n",
           (long long)b->rows, (long long)b->ch.imported, (long long)b->open,
           (long long)b->closed, (long long)b->skipped_order, (long long)b->unreadable,
           (long long)b->ch.refused, (long long)b->ch.skipped);
    printf("boston311: %.2f s, %.0f rows/s (%lld transactions; setup %.2f s)\n", secs,
           (double)b->rows / secs, (long long)b->ch.chunks, t1 - t0);
    import_chunk_free(&b->ch);
    store_close(b->st);
    for (int i = 0; i < MAP_SLOTS; i++) {
        free(b->units.key[i]);
        free(b->reasons.key[i]);
        free(b->types.key[i]);
        free(b->hoods.key[i]);
    }
    free(b->made_units);
    free(b->made_cats);
    free(b);
    return rc ? 1 : 0;
}
