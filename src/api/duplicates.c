/* duplicates.c — duplicate requests (重复件): hints in the registration response, the list a
 * dispatcher merges from with one click (GET /api/cases/:id/duplicates, then the existing
 * merge action), hot clusters of three or more callers with one problem for the dashboard
 * (GET /api/clusters), and a "cluster" event on the live hub when a cluster reaches three.
 * Scoring is core/duplicates.c's; the store only finds the candidates. */
#include "api/assist.h"
#include "api/cases.h"
#include "api/json_out.h"
#include "core/civil.h"
#include "core/duplicates.h"
#include "util/err.h"
#include "util/log.h"
#include <stdlib.h>
#include <string.h>

#define CANDIDATES 100  /* open requests scored per request: the newest in the window */
#define HINTS 5         /* hints in a registration response */
#define LIST_MAX 20     /* duplicates listed for one request */
#define CLUSTER_MIN 3   /* callers that make a cluster hot */
#define OPEN_MAX 2000   /* open requests clustered for the dashboard */
#define ADDR_TERMS 64

/* Category codes and names of one request's work, looked up once each. */
typedef struct {
    int64_t id;
    const char *code, *name;
} cat_entry;

typedef struct {
    cat_entry e[32];
    size_t n;
} cat_cache;

static const cat_entry *cat_of(api_ctx *c, cat_cache *cc, int64_t id)
{
    for (size_t i = 0; i < cc->n; i++)
        if (cc->e[i].id == id) return &cc->e[i];
    store_category k;
    cat_entry e = {id, NULL, ""};
    if (store_category_get(c->app->st, c->r->a, id, &k) == 0) e = (cat_entry){id, k.code, k.name_zh};
    if (cc->n < sizeof cc->e / sizeof cc->e[0]) {
        cc->e[cc->n] = e;
        return &cc->e[cc->n++];
    }
    cc->e[0] = e; /* full: keep the newest in the first slot */
    return &cc->e[0];
}

/* A registered request as duplicate detection reads it. */
static store_dup_case from_case(const store_case *k)
{
    return (store_dup_case){.id = k->id, .category_id = k->category_id,
                            .district_id = k->district_id, .unit_id = k->snap.unit_id,
                            .merged_into = k->snap.merged_into, .number = k->number,
                            .address = k->address, .title = k->title, .text = k->text,
                            .state = k->snap.state, .has_location = k->has_location,
                            .lat = k->lat, .lng = k->lng, .registered_at = k->snap.registered_at};
}

/* k as scoring sees it; term arrays from the request's arena. False when out of memory. */
static bool make_item(arena *a, const store_dup_case *k, dup_item *it)
{
    uint64_t *terms = arena_alloc(a, DUP_MAX_TERMS * sizeof *terms);
    uint64_t *addr = arena_alloc(a, ADDR_TERMS * sizeof *addr);
    const char *text = arena_printf(a, "%s %s", k->title ? k->title : "", k->text ? k->text : "");
    if (!terms || !addr || !text) return false;
    *it = (dup_item){.id = k->id, .category_id = k->category_id, .district_id = k->district_id,
                     .has_location = k->has_location, .lat = k->lat, .lng = k->lng,
                     .at = k->registered_at, .terms = terms, .addr_terms = addr};
    it->nterms = dup_terms(text, strlen(text), terms, DUP_MAX_TERMS);
    it->naddr = k->address ? dup_terms(k->address, strlen(k->address), addr, ADDR_TERMS) : 0;
    return true;
}

typedef struct {
    store_dup_case k;
    dup_item it;
    double score;
    unsigned why;
} hit;

static int by_score(const void *a, const void *b)
{
    const hit *x = a, *y = b;
    if (x->score != y->score) return x->score < y->score ? 1 : -1;
    return x->k.id < y->k.id ? 1 : x->k.id > y->k.id ? -1 : 0; /* newer first */
}

/* Is candidate id confidential? A public request must never be offered one as its duplicate:
 * merged into it, it would follow a confidential request (and a registrar would learn its
 * number). Read only for the few candidates that score. */
static int is_confidential(api_ctx *c, int64_t id, bool *yes)
{
    store_case k;
    int rc = store_case_get(c->app->st, c->r->a, id, &k);
    *yes = rc == 0 && k.confidential;
    return rc == HL_ENOTFOUND ? 0 : rc;
}

/* The open requests likely to be the same problem as k, best first, into *hits (arena);
 * for a public k (confidential false) no confidential ones. *self gets k as an item. */
static int find_dups(api_ctx *c, cat_cache *cc, const store_dup_case *k, bool confidential,
                     dup_item *self, hit **hits, size_t *n)
{
    *n = 0;
    const cat_entry *cat = cat_of(c, cc, k->category_id);
    dup_rule rule = dup_rule_for(cat->code);
    if (!make_item(c->r->a, k, self)) return HL_ENOMEM;
    store_dup_query q = {.exclude_id = k->id, .from = k->registered_at - rule.window_s,
                         .to = k->registered_at + rule.window_s,
                         .category_id = k->category_id, .district_id = k->district_id,
                         .address = k->address,
                         .limit = CANDIDATES};
    store_dup_case *items;
    size_t m;
    int rc = store_dup_candidates(c->app->st, c->r->a, &q, &items, &m);
    if (rc) return rc;
    hit *out = arena_alloc(c->r->a, (m ? m : 1) * sizeof *out);
    if (!out) return HL_ENOMEM;
    for (size_t i = 0; i < m; i++) {
        hit *h = &out[*n];
        h->k = items[i];
        if (!make_item(c->r->a, &h->k, &h->it)) return HL_ENOMEM;
        h->score = dup_score(self, &h->it, &rule, &h->why);
        bool hidden = false;
        if (h->score >= DUP_THRESHOLD && !confidential &&
            (rc = is_confidential(c, h->k.id, &hidden)))
            return rc;
        if (h->score >= DUP_THRESHOLD && !hidden) (*n)++;
    }
    if (*n > 1) qsort(out, *n, sizeof *out, by_score);
    *hits = out;
    return 0;
}

/* The duplicates found for the request just registered, kept for the registration's answer so
 * that they are not looked for twice (it is the dearest part of registering). A handler runs on
 * one thread from start to end, so one slot per thread; the hits live in that HTTP request's
 * arena, so the slot is only ever used for the same request and the same new case. */
typedef struct {
    const http_req *r;
    int64_t case_id;
    hit *hits;
    size_t n;
} found;
static _Thread_local found last_found;

static int find_dups_once(api_ctx *c, cat_cache *cc, const store_dup_case *k,
                          bool confidential, hit **hits, size_t *n)
{
    if (last_found.r == c->r && last_found.case_id == k->id) {
        *hits = last_found.hits;
        *n = last_found.n;
        return 0;
    }
    dup_item self;
    int rc = find_dups(c, cc, k, confidential, &self, hits, n);
    if (!rc) last_found = (found){c->r, k->id, *hits, *n};
    return rc;
}

static json_t *reasons(unsigned why)
{
    static const struct {
        unsigned bit;
        const char *name;
    } names[] = {{DUP_SAME_ADDRESS, "same_address"},   {DUP_SIMILAR_ADDRESS, "similar_address"},
                 {DUP_NEARBY, "nearby"},               {DUP_SAME_CATEGORY, "same_category"},
                 {DUP_SIMILAR_TEXT, "similar_text"},   {DUP_SAME_DISTRICT, "same_district"}};
    json_t *arr = json_array();
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (why & names[i].bit) json_array_append_new(arr, json_string(names[i].name));
    return arr;
}

/* Two decimals are all a person reads; keeps responses stable across platforms. */
static json_t *score_json(double s) { return json_real((double)(int)(s * 1000 + 0.5) / 1000); }

json_t *api_dup_hints(api_ctx *c, const store_case *k, json_t *view)
{
    cat_cache cc = {0};
    hit *hits;
    size_t n;
    json_t *arr = json_array();
    store_dup_case d = from_case(k);
    int rc = find_dups_once(c, &cc, &d, k->confidential, &hits, &n);
    if (rc) log_warn("duplicates: no hints for %s: %s", k->number, hl_strerror(rc));
    /* ids, numbers and scores only: the registrar may be an outside system */
    for (size_t i = 0; !rc && i < n && i < HINTS; i++)
        json_array_append_new(arr, json_pack("{s:I, s:s, s:o, s:s, s:o}", "id",
                                             (json_int_t)hits[i].k.id, "number", hits[i].k.number,
                                             "score", score_json(hits[i].score), "state",
                                             case_state_name(hits[i].k.state), "reasons",
                                             reasons(hits[i].why)));
    json_object_set_new(view, "duplicate_hints", arr);
    return view;
}

/* ---- hot clusters -------------------------------------------------------------------------- */

static json_t *member_json(api_ctx *c, const store_dup_case *k)
{
    return json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)k->id, "number", k->number,
                     "state", case_state_name(k->state), "registered_at",
                     json_out_time(k->registered_at, c->app->utc_offset_min));
}

void api_dup_check_cluster(api_ctx *c, const store_case *kc)
{
    cat_cache cc = {0};
    hit *hits;
    size_t n;
    store_dup_case kd = from_case(kc), *k = &kd;
    int rc = find_dups_once(c, &cc, k, kc->confidential, &hits, &n);
    if (rc || n + 1 < CLUSTER_MIN) return;
    /* greedy, as core/duplicates.c's dup_clusters: the best partners that fit all the others */
    const hit *group[LIST_MAX];
    size_t ng = 0;
    for (size_t i = 0; i < n && ng < LIST_MAX; i++) {
        bool fits = true;
        for (size_t j = 0; j < ng && fits; j++) {
            dup_rule r = dup_rule_for(cat_of(c, &cc, group[j]->k.category_id)->code);
            fits = dup_score(&group[j]->it, &hits[i].it, &r, NULL) >= DUP_THRESHOLD;
        }
        if (fits) group[ng++] = &hits[i];
    }
    if (ng + 1 < CLUSTER_MIN) return;
    json_t *members = json_array();
    json_array_append_new(members, member_json(c, k));
    for (size_t i = 0; i < ng; i++) json_array_append_new(members, member_json(c, &group[i]->k));
    api_publish(c, "cluster",
                json_pack("{s:s, s:I, s:I, s:s, s:o, s:o, s:o, s:o}", "kind", "similar", "size",
                          (json_int_t)(ng + 1), "category_id", (json_int_t)k->category_id,
                          "category_name", cat_of(c, &cc, k->category_id)->name, "district_id",
                          k->district_id ? json_integer(k->district_id) : json_null(), "unit_id",
                          json_null(), "members", members, "at",
                          json_out_time(api_now(), c->app->utc_offset_min)));
}

void api_dup_after_merge(api_ctx *c, int64_t master_id)
{
    int64_t merged = 0;
    store_case m;
    if (store_merged_count(c->app->st, master_id, &merged) || merged + 1 < CLUSTER_MIN) return;
    if (store_case_get(c->app->st, c->r->a, master_id, &m)) return;
    cat_cache cc = {0};
    api_publish(c, "cluster",
                json_pack("{s:s, s:I, s:I, s:s, s:I, s:s, s:o, s:o, s:o}", "kind", "merged",
                          "size", (json_int_t)(merged + 1), "master_id", (json_int_t)m.id,
                          "master_number", m.number, "category_id", (json_int_t)m.category_id,
                          "category_name", cat_of(c, &cc, m.category_id)->name, "district_id",
                          m.district_id ? json_integer(m.district_id) : json_null(), "unit_id",
                          m.snap.unit_id ? json_integer(m.snap.unit_id) : json_null(), "at",
                          json_out_time(api_now(), c->app->utc_offset_min)));
}

/* ---- endpoints ----------------------------------------------------------------------------- */

/* GET /api/cases/:id/duplicates — what the dispatcher may merge this request into (or with). */
static void case_duplicates(api_ctx *c)
{
    store_case k;
    int rc = api_case_load(c, &k);
    if (rc) {
        api_refuse_rc(c, rc);
        return;
    }
    cat_cache cc = {0};
    dup_item self;
    hit *hits;
    size_t n;
    store_dup_case kd = from_case(&k);
    rc = find_dups(c, &cc, &kd, k.confidential, &self, &hits, &n);
    if (rc) {
        http_send_rc(c->r, rc);
        return;
    }
    int off = c->app->utc_offset_min;
    json_t *arr = json_array();
    for (size_t i = 0; i < n && i < LIST_MAX; i++) {
        const store_dup_case *d = &hits[i].k;
        json_array_append_new(
            arr, json_pack("{s:I, s:s, s:o, s:o, s:s, s:s, s:s, s:I, s:s, s:o, s:o}", "id",
                           (json_int_t)d->id, "number", d->number, "score",
                           score_json(hits[i].score), "reasons", reasons(hits[i].why), "state",
                           case_state_name(d->state), "title", d->title, "address",
                           d->address, "category_id", (json_int_t)d->category_id,
                           "category_name", cat_of(c, &cc, d->category_id)->name, "district_id",
                           d->district_id ? json_integer(d->district_id) : json_null(),
                           "registered_at", json_out_time(d->registered_at, off)));
    }
    http_send_json(c->r, 200,
                   json_pack("{s:I, s:s, s:o}", "id", (json_int_t)k.id, "number", k.number,
                             "duplicates", arr));
}

typedef struct {
    json_t *obj;
    int64_t size, last_at;
} cluster_out;

static int by_size(const void *a, const void *b)
{
    const cluster_out *x = a, *y = b;
    if (x->size != y->size) return x->size < y->size ? 1 : -1;
    return x->last_at < y->last_at ? 1 : x->last_at > y->last_at ? -1 : 0;
}

/* One cluster's JSON from its members (the first is the master for merged ones). */
static cluster_out cluster_json(api_ctx *c, cat_cache *cc, const char *kind,
                                const store_dup_case *const *m, size_t n)
{
    int off = c->app->utc_offset_min;
    int64_t first = m[0]->registered_at, last = first;
    json_t *members = json_array();
    for (size_t i = 0; i < n; i++) {
        int64_t at = m[i]->registered_at;
        first = at < first ? at : first;
        last = at > last ? at : last;
        json_array_append_new(members, member_json(c, m[i]));
    }
    bool merged = strcmp(kind, "merged") == 0;
    json_t *o = json_pack(
        "{s:s, s:I, s:o, s:I, s:s, s:o, s:o, s:o, s:o, s:o}", "kind", kind, "size",
        (json_int_t)n, "master", merged ? json_pack("{s:I, s:s}", "id", (json_int_t)m[0]->id,
                                                    "number", m[0]->number)
                                        : json_null(),
        "category_id", (json_int_t)m[0]->category_id, "category_name",
        cat_of(c, cc, m[0]->category_id)->name, "district_id",
        m[0]->district_id ? json_integer(m[0]->district_id) : json_null(), "first_at",
        json_out_time(first, off), "last_at", json_out_time(last, off), "members", members,
        "hot", json_true());
    return (cluster_out){o, (int64_t)n, last};
}

/* GET /api/clusters?days=3 — hot clusters: masters with two or more merged requests, and
 * groups of three or more open requests that are all alike. Largest first. */
static void clusters(api_ctx *c)
{
    int64_t days = 3;
    const char *v = http_query(c->r, "days");
    if (v) {
        char *end = NULL;
        days = strtoll(v, &end, 10);
        if (end == v || *end || days < 1 || days > 90) {
            http_send_error(c->r, 400, "invalid_field", "days must be an integer from 1 to 90",
                            "days");
            return;
        }
    }
    int64_t since = api_now() - days * CIVIL_DAY_SECONDS;
    store_dup_case *merged, *open;
    size_t nm, no;
    int rc = store_merge_clusters(c->app->st, c->r->a, since, CLUSTER_MIN - 1, &merged, &nm);
    if (!rc) rc = store_cases_open_since(c->app->st, c->r->a, since, OPEN_MAX, &open, &no);
    const store_dup_case **ptrs = rc ? NULL : arena_alloc(c->r->a, (nm + no + 1) * sizeof *ptrs);
    dup_item *items = rc ? NULL : arena_alloc(c->r->a, (no + 1) * sizeof *items);
    dup_rule *rules = rc ? NULL : arena_alloc(c->r->a, (no + 1) * sizeof *rules);
    int *group = rc ? NULL : arena_alloc(c->r->a, (no + 1) * sizeof *group);
    cluster_out *out = rc ? NULL : arena_alloc(c->r->a, (nm + no + 1) * sizeof *out);
    if (!rc && (!ptrs || !items || !rules || !group || !out)) rc = HL_ENOMEM;
    cat_cache cc = {0};
    size_t nout = 0;
    /* merged: rows come master first, then the requests merged into it */
    for (size_t i = 0; !rc && i < nm;) {
        size_t j = i + 1;
        while (j < nm && merged[j].merged_into == merged[i].id) j++;
        for (size_t k = i; k < j; k++) ptrs[k - i] = &merged[k];
        if (j - i >= CLUSTER_MIN) out[nout++] = cluster_json(c, &cc, "merged", ptrs, j - i);
        i = j;
    }
    for (size_t i = 0; !rc && i < no; i++) {
        if (!make_item(c->r->a, &open[i], &items[i])) rc = HL_ENOMEM;
        else rules[i] = dup_rule_for(cat_of(c, &cc, open[i].category_id)->code);
    }
    int ng = rc ? 0 : dup_clusters(items, rules, no, CLUSTER_MIN, group);
    if (ng < 0) rc = ng;
    for (int g = 0; !rc && g < ng; g++) {
        size_t n = 0;
        for (size_t i = 0; i < no; i++)
            if (group[i] == g) ptrs[n++] = &open[i];
        out[nout++] = cluster_json(c, &cc, "similar", ptrs, n);
    }
    if (rc) {
        for (size_t i = 0; i < nout; i++) json_decref(out[i].obj);
        http_send_rc(c->r, rc);
        return;
    }
    if (nout > 1) qsort(out, nout, sizeof *out, by_size);
    json_t *arr = json_array();
    for (size_t i = 0; i < nout; i++) json_array_append_new(arr, out[i].obj);
    http_send_json(c->r, 200, json_pack("{s:I, s:o}", "days", (json_int_t)days, "clusters", arr));
}

#define MERGERS (ROLE_BIT(ROLE_CALLTAKER) | ROLE_BIT(ROLE_DISPATCHER) | ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_ADMIN))
#define CENTRE_STAFF (ROLES_STAFF & ~ROLE_BIT(ROLE_HANDLER))

const api_route api_duplicates_routes[] = {
    {"GET", "/api/cases/:id/duplicates", case_duplicates, MERGERS},
    {"GET", "/api/clusters", clusters, CENTRE_STAFF},
    {NULL, NULL, NULL, 0},
};
