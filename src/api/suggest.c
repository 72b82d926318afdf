/* suggest.c — routing suggestions: while a call-taker registers a request, the three likeliest
 * categories and responsible units, with calibrated confidence (GET /api/suggest); in the
 * dispatcher's view, the likeliest units for a registered request next to what the routing
 * catalogue says (GET /api/cases/:id/suggestions). The models are `hotline train`'s
 * (core/classifier.c, stored in the database); the server loads them on first use, looks for
 * a newer version every POLL_SECONDS, and reloads at once on POST /api/admin/model/reload —
 * never a restart. Requests in flight keep the model they started with (reference count). */
#include "api/assist.h"
#include "api/cases.h"
#include "api/json_out.h"
#include "core/classifier.h"
#include "core/route_tags.h"
#include "store/knowledge.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/log.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A few seconds: with several servers on one database, a model trained and reloaded through
 * one of them reaches the others within this long; the check is one small query. */
#define POLL_SECONDS 3
#define TOP 3
#define UNIT_CANDIDATES 8 /* units asked of the model, before inactive ones are dropped */

typedef struct {
    classifier *cat, *unit; /* either may be NULL (not trained yet) */
    int64_t version, trained_at;
    int refs; /* one for being current, one per request using it */
} model_set;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static model_set *current;
static int64_t checked_at; /* monotonic seconds of the last version check */
static bool loading, cleanup_registered;

static int64_t mono_s(void)
{
    return clock_mono_ms() / 1000;
}

static void set_free(model_set *m)
{
    if (!m) return;
    clf_free(m->cat);
    clf_free(m->unit);
    free(m);
}

/* Drops one reference (under mu). */
static void unref_locked(model_set *m)
{
    if (m && --m->refs == 0) set_free(m);
}

static void release(model_set *m)
{
    pthread_mutex_lock(&mu);
    unref_locked(m);
    pthread_mutex_unlock(&mu);
}

static void unload_at_exit(void)
{
    pthread_mutex_lock(&mu);
    unref_locked(current);
    current = NULL;
    pthread_mutex_unlock(&mu);
}

static int load_one(store *st, const char *name, classifier **out, int64_t *trained_at)
{
    store_model m;
    unsigned char *data = NULL;
    int rc = store_model_get(st, name, &m, &data);
    if (rc == HL_ENOTFOUND) return 0; /* not trained yet: no suggestions of this kind */
    if (!rc) rc = clf_load(m.data, m.len, out);
    if (!rc && m.trained_at > *trained_at) *trained_at = m.trained_at;
    free(data);
    return rc;
}

/* Loads the stored models when their version differs from the current one (force: even when
 * not), and makes them current. */
static int reload(store *st, bool force)
{
    int64_t version = 0;
    int rc = store_models_version(st, &version);
    if (rc) return rc;
    pthread_mutex_lock(&mu);
    int64_t have = current ? current->version : 0;
    pthread_mutex_unlock(&mu);
    if (version == have && !force) return 0;
    if (version == 0) return 0; /* nothing trained yet: nothing to load */
    model_set *m = calloc(1, sizeof *m);
    if (!m) return HL_ENOMEM;
    m->version = version;
    m->refs = 1;
    rc = load_one(st, "category", &m->cat, &m->trained_at);
    if (!rc) rc = load_one(st, "unit", &m->unit, &m->trained_at);
    if (rc) {
        log_error("suggest: cannot load model version %lld: %s", (long long)version,
                  hl_strerror(rc));
        set_free(m);
        return rc;
    }
    pthread_mutex_lock(&mu);
    model_set *old = current;
    current = m;
    if (!cleanup_registered) cleanup_registered = atexit(unload_at_exit) == 0;
    unref_locked(old);
    pthread_mutex_unlock(&mu);
    log_info("suggest: model version %lld loaded", (long long)version);
    return 0;
}

/* The current models with a reference (NULL when none), checking for a newer version every
 * POLL_SECONDS — one thread checks while the others go on with what they have. */
static model_set *acquire(api_ctx *c)
{
    int64_t now = mono_s();
    pthread_mutex_lock(&mu);
    bool check = !loading && (checked_at == 0 || now - checked_at >= POLL_SECONDS);
    if (check) loading = true;
    pthread_mutex_unlock(&mu);
    if (check) {
        reload(c->app->st, false);
        pthread_mutex_lock(&mu);
        loading = false;
        checked_at = now ? now : 1;
        pthread_mutex_unlock(&mu);
    }
    pthread_mutex_lock(&mu);
    model_set *m = current;
    if (m) m->refs++;
    pthread_mutex_unlock(&mu);
    return m;
}

/* ---- predictions ------------------------------------------------------------------------- */

typedef struct {
    int64_t id;
    double p;
} scored;

/* Adds p * P(unit | text, category, district) for the model's best units into acc. */
static void add_units(const classifier *m, const char *text, int64_t cat, int64_t parent,
                      int64_t district, double p, scored *acc, size_t *nacc, size_t cap)
{
    route_tags t;
    route_tags_make(&t, cat, parent, district);
    clf_doc d = {.text = text, .len = strlen(text), .tags = t.tags, .ntags = ROUTE_TAGS};
    clf_guess g[UNIT_CANDIDATES];
    size_t got = 0;
    if (clf_predict(m, &d, g, UNIT_CANDIDATES, &got)) return;
    for (size_t i = 0; i < got; i++) {
        int64_t id = strtoll(g[i].label, NULL, 10);
        size_t j = 0;
        while (j < *nacc && acc[j].id != id) j++;
        if (j == *nacc) {
            if (*nacc == cap) continue;
            acc[(*nacc)++] = (scored){id, 0};
        }
        acc[j].p += p * g[i].p;
    }
}

static int by_p(const void *a, const void *b)
{
    const scored *x = a, *y = b;
    return x->p < y->p ? 1 : x->p > y->p ? -1 : (x->id > y->id) - (x->id < y->id);
}

static json_t *conf(double p) { return json_real((double)(int)(p * 1000 + 0.5) / 1000); }

/* Suggestions for a text in a district (0: unknown); category > 0 when it is already known.
 * Fills "categories", "units" and "catalogue_unit" of out. */
static int suggest(api_ctx *c, const model_set *ms, const char *text, int64_t district,
                   int64_t category, json_t *out)
{
    json_t *cats = json_array(), *units = json_array();
    json_object_set_new(out, "categories", cats);
    json_object_set_new(out, "units", units);
    json_object_set_new(out, "catalogue_unit", json_null());
    scored top[TOP];
    size_t ntop = 0;
    if (ms->cat) {
        clf_doc d = {.text = text, .len = strlen(text)};
        clf_guess g[TOP];
        size_t got = 0;
        int rc = clf_predict(ms->cat, &d, g, TOP, &got);
        if (rc) return rc;
        for (size_t i = 0; i < got; i++) top[ntop++] = (scored){strtoll(g[i].label, NULL, 10), g[i].p};
    }
    for (size_t i = 0; i < ntop; i++) {
        store_category k;
        if (store_category_get(c->app->st, c->r->a, top[i].id, &k)) continue; /* deleted since */
        json_array_append_new(cats, json_pack("{s:I, s:s, s:s, s:s, s:o}", "id",
                                              (json_int_t)k.id, "code", k.code, "name_zh",
                                              k.name_zh, "name_en", k.name_en, "confidence",
                                              conf(top[i].p)));
    }
    /* units: for a known category directly; otherwise mixed over the likely categories,
     * P(unit) = sum over c of P(c | text) P(unit | text, c, district) */
    scored acc[TOP * UNIT_CANDIDATES];
    size_t nacc = 0;
    double mass = 0;
    int64_t route_cat = category ? category : ntop ? top[0].id : 0;
    if (ms->unit) {
        if (category) {
            store_category k;
            int64_t parent = store_category_get(c->app->st, c->r->a, category, &k) ? 0 : k.parent_id;
            add_units(ms->unit, text, category, parent, district, 1.0, acc, &nacc,
                      sizeof acc / sizeof acc[0]);
            mass = 1;
        } else {
            for (size_t i = 0; i < ntop; i++) {
                store_category k;
                int64_t parent =
                    store_category_get(c->app->st, c->r->a, top[i].id, &k) ? 0 : k.parent_id;
                add_units(ms->unit, text, top[i].id, parent, district, top[i].p, acc, &nacc,
                          sizeof acc / sizeof acc[0]);
                mass += top[i].p;
            }
        }
    }
    if (nacc > 1) qsort(acc, nacc, sizeof *acc, by_p);
    size_t shown = 0;
    for (size_t i = 0; i < nacc && shown < TOP; i++) {
        store_unit u;
        if (store_unit_get(c->app->st, c->r->a, acc[i].id, &u) || !u.active ||
            u.kind == UNIT_CENTRE)
            continue; /* gone or closed since training: never suggest it */
        json_array_append_new(units, json_pack("{s:I, s:s, s:s, s:s, s:o}", "id",
                                               (json_int_t)u.id, "code", u.code, "name_zh",
                                               u.name_zh, "name_en", u.name_en, "confidence",
                                               conf(mass > 0 ? acc[i].p / mass : 0)));
        shown++;
    }
    int64_t unit_id = 0, rule_id = 0;
    store_unit u;
    if (route_cat && store_route_resolve(c->app->st, route_cat, district, &unit_id, &rule_id) == 0 &&
        store_unit_get(c->app->st, c->r->a, unit_id, &u) == 0)
        json_object_set_new(out, "catalogue_unit",
                            json_pack("{s:I, s:s, s:I, s:I}", "id", (json_int_t)u.id, "name_zh",
                                      u.name_zh, "category_id", (json_int_t)route_cat, "rule_id",
                                      (json_int_t)rule_id));
    return 0;
}

static json_t *model_json(api_ctx *c, const model_set *ms)
{
    if (!ms) return json_null();
    clf_info ci = {0}, ui = {0};
    if (ms->cat) clf_get_info(ms->cat, &ci);
    if (ms->unit) clf_get_info(ms->unit, &ui);
    return json_pack("{s:I, s:o, s:I, s:I, s:I, s:I}", "version", (json_int_t)ms->version,
                     "trained_at", json_out_time(ms->trained_at, c->app->utc_offset_min),
                     "category_samples", (json_int_t)ci.samples, "categories",
                     (json_int_t)ci.classes, "unit_samples", (json_int_t)ui.samples, "units",
                     (json_int_t)ui.classes);
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Answers with the suggestions, and how long they took in a Server-Timing header. */
static void answer(api_ctx *c, const char *text, int64_t district, int64_t category,
                   json_t *out, int64_t t0)
{
    model_set *ms = acquire(c);
    json_object_set_new(out, "model", model_json(c, ms));
    int rc = ms ? suggest(c, ms, text, district, category, out) : 0;
    if (!ms) {
        json_object_set_new(out, "categories", json_array());
        json_object_set_new(out, "units", json_array());
        json_object_set_new(out, "catalogue_unit", json_null());
    }
    release(ms);
    if (rc) {
        json_decref(out);
        http_send_rc(c->r, rc);
        return;
    }
    http_add_header(c->r, "Server-Timing",
                    arena_printf(c->r->a, "suggest;dur=%.3f", (double)(now_ns() - t0) / 1e6));
    http_send_json(c->r, 200, out);
}

/* An id query parameter into *out, left alone when absent: 0, or refuses 400 (HL_DONE). */
static int query_id(api_ctx *c, const char *name, int64_t *out)
{
    const char *v = http_query(c->r, name);
    if (!v) return 0;
    char *end = NULL;
    long long id = strtoll(v, &end, 10);
    if (end == v || *end || id <= 0 || id > INT32_MAX)
        return api_refuse(c, 400, "invalid_type", "must be a positive integer id", name);
    *out = id;
    return 0;
}

/* GET /api/suggest?text=&title=&district=&category= */
static void suggest_get(api_ctx *c)
{
    int64_t t0 = now_ns(), district = 0, category = 0;
    const char *text = http_query(c->r, "text"), *title = http_query(c->r, "title");
    int rc = query_id(c, "district", &district);
    if (!rc) rc = query_id(c, "category", &category);
    if (rc) return; /* refused */
    if (!text || strspn(text, " \t\r\n") == strlen(text)) {
        http_send_error(c->r, 400, "missing_field", "text: what the caller says", "text");
        return;
    }
    if (strlen(text) > 12000) { /* 4000 Chinese characters, as a request's text */
        http_send_error(c->r, 400, "out_of_range", "text is at most 12000 bytes", "text");
        return;
    }
    if (title && strlen(title) > 400) {
        http_send_error(c->r, 400, "out_of_range", "title is at most 400 bytes", "title");
        return;
    }
    const char *all = title ? arena_printf(c->r->a, "%s %s", title, text) : text;
    if (!all) {
        http_send_rc(c->r, HL_ENOMEM);
        return;
    }
    answer(c, all, district, category, json_object(), t0);
}

/* GET /api/cases/:id/suggestions — for the dispatcher: the units the model would send this
 * request to, given its registered category and district, and the categories it would
 * choose from the text alone (a check on the registration). */
static void case_suggestions(api_ctx *c)
{
    int64_t t0 = now_ns();
    store_case k;
    int rc = api_case_load(c, &k);
    if (rc) {
        api_refuse_rc(c, rc);
        return;
    }
    const char *text = arena_printf(c->r->a, "%s %s", k.title, k.text);
    if (!text) {
        http_send_rc(c->r, HL_ENOMEM);
        return;
    }
    json_t *out = json_pack("{s:I, s:s, s:I, s:o}", "id", (json_int_t)k.id, "number", k.number,
                            "category_id", (json_int_t)k.category_id, "district_id",
                            k.district_id ? json_integer(k.district_id) : json_null());
    answer(c, text, k.district_id, k.category_id, out, t0);
}

/* POST /api/admin/model/reload — load the newest trained models now. */
static void model_reload(api_ctx *c)
{
    int rc = reload(c->app->st, true);
    if (rc) {
        http_send_rc(c->r, rc);
        return;
    }
    pthread_mutex_lock(&mu);
    checked_at = mono_s();
    pthread_mutex_unlock(&mu);
    model_set *ms = acquire(c);
    http_send_json(c->r, 200, json_pack("{s:o}", "model", model_json(c, ms)));
    release(ms);
}

/* GET /api/admin/model — what is loaded. */
static void model_get(api_ctx *c)
{
    model_set *ms = acquire(c);
    http_send_json(c->r, 200, json_pack("{s:o}", "model", model_json(c, ms)));
    release(ms);
}

#define SUGGEST_ROLES (ROLE_BIT(ROLE_CALLTAKER) | ROLE_BIT(ROLE_DISPATCHER))

const api_route api_suggest_routes[] = {
    {"GET", "/api/suggest", suggest_get, SUGGEST_ROLES},
    {"GET", "/api/cases/:id/suggestions", case_suggestions, SUGGEST_ROLES},
    {"GET", "/api/admin/model", model_get, ROLE_BIT(ROLE_ADMIN)},
    {"POST", "/api/admin/model/reload", model_reload, ROLE_BIT(ROLE_ADMIN)},
    {NULL, NULL, NULL, 0},
};
