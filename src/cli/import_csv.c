/* import_csv.c — `hotline import --csv FILE --map MAPPING`: any city's history from a CSV
 * export, with a JSON file saying which column holds what (docs/operations.md):
 *
 *   {"columns": {"opened_at": "受理时间", "unit": "承办单位编码", "category": "分类编码", ...},
 *    "values":  {"channel": {"电话": "phone"}, "satisfaction": {"满意": "satisfied"}},
 *    "defaults": {"channel": "phone", "category": "0101"}}
 *
 * Fields: opened_at (required), category (code of a level-3 category; required here or in
 * defaults), text, title, channel, unit (unit code; none = answered directly if closed),
 * district, street (unit codes), address, lat, lng, caller_name, caller_phone, dispatched_at,
 * sign_due, signed_at, reply_due (or target_at), replied_at, visited_at, satisfaction
 * (satisfied / basic / unsatisfied; "" = resident unreachable), solved (true / yes / 1),
 * closed_at, reply_text, source_id. Times are ISO 8601, local time unless they carry an offset.
 * Rows that cannot be read, or name codes that do not exist, are counted and skipped. */
#include "cli/cli.h"
#include "cli/import_bulk.h"
#include "core/civil.h"
#include "core/csv.h"
#include "store/catalogue.h"
#include "util/err.h"
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char csv_help[] =
    "usage: hotline import --csv FILE --map MAPPING.json [--db PATH]\n"
    "\n"
    "  --csv FILE     a CSV file (RFC 4180, UTF-8, header row)\n"
    "  --map FILE     which column holds which field, value maps, defaults (see\n"
    "                 docs/operations.md, \"Importing history\")\n"
    "  --db PATH      the database (HOTLINE_DB, default var/hotline.db)\n"
    "\n"
    "Writes thousands of requests per transaction; prints rows/s. Rows whose source_id is\n"
    "already in the store (an earlier run of the same or an overlapping file) are skipped.\n";

enum {
    F_OPENED, F_CATEGORY, F_TEXT, F_TITLE, F_CHANNEL, F_UNIT, F_DISTRICT, F_STREET, F_ADDRESS,
    F_LAT, F_LNG, F_NAME, F_PHONE, F_DISPATCHED, F_SIGN_DUE, F_SIGNED, F_REPLY_DUE, F_TARGET,
    F_REPLIED, F_VISITED, F_SATISFACTION, F_SOLVED, F_CLOSED, F_REPLY_TEXT, F_SOURCE_ID, F_COUNT
};
static const char *const field_names[F_COUNT] = {
    "opened_at", "category",  "text",         "title",     "channel",    "unit",
    "district",  "street",    "address",      "lat",       "lng",        "caller_name",
    "caller_phone", "dispatched_at", "sign_due", "signed_at", "reply_due", "target_at",
    "replied_at", "visited_at", "satisfaction", "solved",  "closed_at",  "reply_text",
    "source_id"};

typedef struct {
    store *st;
    import_chunk ch;
    int off;
    const char *column[F_COUNT]; /* header names */
    int ix[F_COUNT];             /* column index, -1 = not in the file */
    json_t *values, *defaults;
    int64_t rows, imported_before, unreadable, unknown_code;
    /* code → id, looked up once */
    json_t *cache;
} csv_import;

/* A field's text: the column's value mapped through "values", or the default; "" if none. */
static const char *field(csv_import *x, const csv_field *row, size_t n, int f, arena *a)
{
    const char *v = NULL;
    if (x->ix[f] >= 0 && (size_t)x->ix[f] < n && row[x->ix[f]].n)
        v = arena_strndup(a, row[x->ix[f]].s, row[x->ix[f]].n);
    if (v) {
        const char *mapped = json_string_value(
            json_object_get(json_object_get(x->values, field_names[f]), v));
        if (mapped) v = mapped;
    }
    if (!v) v = json_string_value(json_object_get(x->defaults, field_names[f]));
    return v ? v : "";
}

static HL_MUST_CHECK int code_id(csv_import *x, bool unit, const char *code, int64_t *id)
{
    *id = 0;
    if (!*code) return 0;
    const char *key = unit ? "u" : "c";
    json_t *m = json_object_get(x->cache, key), *hit = json_object_get(m, code);
    if (hit) {
        *id = json_integer_value(hit);
        return *id ? 0 : HL_ENOTFOUND;
    }
    arena *a = arena_new();
    int rc = a ? 0 : HL_ENOMEM;
    if (!rc && unit) {
        store_unit u;
        rc = store_unit_by_code(x->st, a, code, &u);
        if (!rc) *id = u.id;
    } else if (!rc) {
        store_category c;
        rc = store_category_by_code(x->st, a, code, &c);
        if (!rc) *id = c.leaf_fields ? c.id : 0;
        if (!rc && !*id) rc = HL_ENOTFOUND;
    }
    arena_free(a);
    if (rc && rc != HL_ENOTFOUND) return rc;
    if (!m) json_object_set_new(x->cache, key, m = json_object());
    json_object_set_new(m, code, json_integer(*id));
    return rc;
}

static int when(csv_import *x, const char *s, int64_t *t)
{
    *t = 0;
    return *s ? civil_parse_time(s, strlen(s), x->off, t) : 0;
}

/* 0 row taken or skipped (counted); < 0 a store failure. */
static int one_row(csv_import *x, const csv_field *row, size_t n)
{
    arena *a = x->ch.a;
    const char *v[F_COUNT];
    for (int f = 0; f < F_COUNT; f++) v[f] = field(x, row, n, f, a);
    import_history h = {0};
    int64_t t[F_COUNT] = {0};
    static const int times[] = {F_OPENED, F_DISPATCHED, F_SIGN_DUE, F_SIGNED, F_REPLY_DUE,
                                F_TARGET, F_REPLIED, F_VISITED, F_CLOSED};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
        if (when(x, v[times[i]], &t[times[i]])) {
            x->unreadable++;
            return 0;
        }
    if (!t[F_OPENED] || (t[F_CLOSED] && t[F_CLOSED] < t[F_OPENED])) {
        x->unreadable++;
        return 0;
    }
    store_case k = {.channel = *v[F_CHANNEL] ? v[F_CHANNEL] : "phone", .type = REQ_REPORT,
                    .urgency = URGENCY_NORMAL, .address = v[F_ADDRESS], .title = v[F_TITLE],
                    .text = *v[F_TEXT] ? v[F_TEXT] : v[F_TITLE], .caller_name = v[F_NAME],
                    .caller_phone = v[F_PHONE]};
    int rc = code_id(x, false, v[F_CATEGORY], &k.category_id);
    if (!rc) rc = code_id(x, true, v[F_UNIT], &h.unit_id);
    if (!rc) rc = code_id(x, true, v[F_DISTRICT], &k.district_id);
    if (!rc) rc = code_id(x, true, v[F_STREET], &k.street_id);
    if (rc == HL_ENOTFOUND || (!rc && (!k.category_id || !channel_valid(k.channel)))) {
        x->unknown_code++;
        return 0;
    }
    if (rc) return rc;
    char *end;
    k.lat = strtod(v[F_LAT], &end);
    k.has_location = *v[F_LAT] && !*end;
    k.lng = strtod(v[F_LNG], &end);
    k.has_location = k.has_location && *v[F_LNG] && !*end;
    h.opened = t[F_OPENED];
    h.dispatched = t[F_DISPATCHED];
    h.sign_due = t[F_SIGN_DUE];
    h.signed_at = t[F_SIGNED];
    h.reply_due = t[F_REPLY_DUE] ? t[F_REPLY_DUE] : t[F_TARGET];
    h.replied = t[F_REPLIED];
    h.visited = t[F_VISITED];
    h.closed = t[F_CLOSED];
    h.reply_text = v[F_REPLY_TEXT];
    const char *sat = v[F_SATISFACTION], *solved = v[F_SOLVED];
    h.has_visit = h.visited || *sat;
    if (*sat && (satisfaction_parse(sat, &h.satisfaction) || h.satisfaction == SATISFACTION_NONE)) {
        x->unreadable++;
        return 0;
    }
    h.reachable = h.satisfaction != SATISFACTION_NONE;
    h.solved = strcmp(solved, "true") == 0 || strcmp(solved, "yes") == 0 || strcmp(solved, "1") == 0;
    h.import_id = v[F_SOURCE_ID];
    if (!k.text || !*k.text) k.text = "(imported)";
    return import_add_history(&x->ch, &k, &h);
}

static int read_map(csv_import *x, const char *path)
{
    json_error_t err;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
    if (!doc) {
        fprintf(stderr, "hotline import: %s:%d: %s\n", path, err.line, err.text);
        return HL_EINVAL;
    }
    json_t *cols = json_object_get(doc, "columns");
    const char *key;
    json_t *val;
    int rc = json_is_object(cols) ? 0 : HL_EINVAL;
    json_object_foreach(cols, key, val) {
        int f = -1;
        for (int i = 0; i < F_COUNT; i++)
            if (strcmp(key, field_names[i]) == 0) f = i;
        if (f < 0 || !json_is_string(val)) {
            fprintf(stderr, "hotline import: %s: unknown field \"%s\"\n", path, key);
            rc = HL_EINVAL;
            continue;
        }
        x->column[f] = json_string_value(val);
    }
    if (!x->column[F_OPENED]) {
        fprintf(stderr, "hotline import: %s: columns must name opened_at\n", path);
        rc = HL_EINVAL;
    }
    x->values = json_object_get(doc, "values");
    x->defaults = json_object_get(doc, "defaults");
    json_incref(x->values);
    json_incref(x->defaults);
    /* the strings of "columns" live as long as doc: keep it through the defaults' parent */
    json_object_set_new(x->cache, "doc", doc);
    return rc;
}

static int import_csv_file(csv_import *x, const char *path)
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
    static csv_field f[256];
    static char scratch[1 << 20];
    size_t n = 0;
    rc = csv_cursor_next(&cur, f, 256, &n, scratch, sizeof scratch) == 1 ? 0 : HL_EINVAL;
    for (int i = 0; i < F_COUNT; i++) {
        x->ix[i] = -1;
        if (!rc && x->column[i] && (x->ix[i] = csv_field_find(f, n, x->column[i])) < 0) {
            fprintf(stderr, "hotline import: %s has no column \"%s\" (for %s)\n", path,
                    x->column[i], field_names[i]);
            rc = HL_EINVAL;
        }
    }
    while (!rc) {
        int r = csv_cursor_next(&cur, f, 256, &n, scratch, sizeof scratch);
        if (r == 0) break;
        x->rows++;
        if (r < 0) x->unreadable++;
        else rc = one_row(x, f, n);
    }
    import_unmap(data, len);
    return rc;
}

int cli_import_csv(int argc, char **argv)
{
    const char *db = cli_env("HOTLINE_DB", "var/hotline.db"), *file = NULL, *map = NULL;
    for (int i = 0; i < argc; i++) {
        const char *v;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(csv_help, stdout);
            return 0;
        } else if ((v = cli_opt(argc, argv, &i, "--csv"))) file = v;
        else if ((v = cli_opt(argc, argv, &i, "--map"))) map = v;
        else if ((v = cli_opt(argc, argv, &i, "--db"))) db = v;
        else {
            fprintf(stderr, "hotline import: unknown option '%s'\n\n%s", argv[i], csv_help);
            return 2;
        }
    }
    if (!file || !map) {
        fputs(csv_help, stderr);
        return 2;
    }
    if (!import_db_exists(db)) return 1;
    csv_import x = {.off = CIVIL_TZ_SHANGHAI, .cache = json_object()};
    int rc = x.cache ? read_map(&x, map) : HL_ENOMEM;
    if (rc) {
        json_decref(x.cache);
        return 2;
    }
    rc = store_open(db, &x.st);
    if (!rc) rc = import_chunk_init(&x.ch, x.st, x.off, "csv");
    double t0 = import_now();
    if (!rc) rc = import_csv_file(&x, file);
    if (!rc) rc = import_chunk_flush(&x.ch);
    double secs = import_now() - t0;
    if (secs <= 0) secs = 1e-9;
    if (rc) fprintf(stderr, "hotline import: failed: %s\n", hl_strerror(rc));
    printf("csv: %lld rows: %lld imported, %lld unreadable, %lld with unknown codes, %lld "
           "refused, %lld already imported\n",
           (long long)x.rows, (long long)x.ch.imported, (long long)x.unreadable,
           (long long)x.unknown_code, (long long)x.ch.refused, (long long)x.ch.skipped);
    printf("csv: %.2f s, %.0f rows/s (%lld transactions)\n", secs, (double)x.rows / secs,
           (long long)x.ch.chunks);
    import_chunk_free(&x.ch);
    store_close(x.st);
    json_decref(x.values);
    json_decref(x.defaults);
    json_decref(x.cache);
    return rc ? 1 : 0;
}
