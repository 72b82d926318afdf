/* kb.c — the knowledge base (知识库): search for call-takers (Chinese two-character terms and
 * English words, ranked by bm25), articles written by the centre (any article) and by units
 * (their own unit's), the maintenance report, and the check a direct answer makes of the
 * article it cites. */
#include "api/assist.h"
#include "api/json_out.h"
#include "core/civil.h"
#include "core/snippet.h"
#include "store/knowledge.h"
#include "util/err.h"
#include <stdlib.h>
#include <string.h>

#define REVIEW_DEFAULT_DAYS 365 /* a new article without a review date is reviewed in a year */
#define REPEAT_WINDOW (7 * CIVIL_DAY_SECONDS)

static void today(api_ctx *c, char out[11])
{
    civil_format_date(civil_local_day(api_now(), c->app->utc_offset_min), out);
}

static json_t *date_or_null(const char *d) { return d && *d ? json_string(d) : json_null(); }

static json_t *id_or_null(int64_t id) { return id ? json_integer(id) : json_null(); }

/* The article as JSON; with_body adds the body (lists and search show a snippet instead). */
static json_t *article_json(api_ctx *c, const store_kb_article *a, const char *day, bool with_body)
{
    int off = c->app->utc_offset_min;
    bool valid = (!*a->valid_from || strcmp(a->valid_from, day) <= 0) &&
                 (!*a->valid_to || strcmp(a->valid_to, day) >= 0);
    bool review_due = *a->next_review && strcmp(a->next_review, day) <= 0;
    json_t *o = json_pack(
        "{s:I, s:s, s:o, s:o, s:I, s:s, s:o, s:o, s:o, s:b, s:b, s:o, s:o, s:o, s:o}", "id",
        (json_int_t)a->id, "title", a->title, "category_id", id_or_null(a->category_id),
        "category_name", *a->category_name ? json_string(a->category_name) : json_null(),
        "unit_id", (json_int_t)a->unit_id, "unit_name", a->unit_name, "valid_from",
        date_or_null(a->valid_from), "valid_to", date_or_null(a->valid_to), "next_review",
        date_or_null(a->next_review), "valid", valid, "review_due", review_due, "created_by",
        id_or_null(a->created_by), "updated_by", id_or_null(a->updated_by), "created_at",
        json_out_time(a->created_at, off), "updated_at", json_out_time(a->updated_at, off));
    /* the authors by name: staff who read an article may see who wrote and last changed it,
     * and cannot look user ids up (the user list is the administrator's) */
    json_object_set_new(o, "created_by_name",
                        *a->created_by_name ? json_string(a->created_by_name) : json_null());
    json_object_set_new(o, "updated_by_name",
                        *a->updated_by_name ? json_string(a->updated_by_name) : json_null());
    if (with_body) json_object_set_new(o, "body", json_string(a->body));
    return o;
}

static bool query_flag(api_ctx *c, const char *name)
{
    const char *v = http_query(c->r, name);
    return v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
}

/* ---- search and lists ---------------------------------------------------------------------- */

static void send_articles(api_ctx *c, store_kb_query *q, bool search)
{
    int64_t page = 1, size = 20;
    int rc = api_query_int(c, "page", 1, 10000, &page);
    if (!rc) rc = api_query_int(c, "page_size", 1, 200, &size);
    if (!rc) rc = api_query_int(c, "category", 1, INT32_MAX, &q->category_id);
    if (!rc) rc = api_query_int(c, "unit", 1, INT32_MAX, &q->unit_id);
    if (rc) return; /* refused */
    char day[11];
    today(c, day);
    q->today = day;
    q->offset = (int)((page - 1) * size);
    q->limit = (int)size;
    store_kb_article *items;
    size_t n;
    int64_t total = 0;
    rc = store_kb_search(c->app->st, c->r->a, q, &items, &n, &total);
    if (rc == HL_EINVAL) {
        http_send_error(c->r, 400, "invalid_field", "no searchable word in q", "q");
        return;
    }
    if (rc) {
        http_send_rc(c->r, rc);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = article_json(c, &items[i], day, !search);
        if (search) {
            buf sn;
            buf_init(&sn, 4096);
            json_object_set_new(o, "score", json_real(items[i].score));
            if (snippet_make(items[i].body, strlen(items[i].body), q->text, 60, "【", "】",
                             &sn) == 0)
                json_object_set_new(o, "snippet", json_stringn(sn.data ? sn.data : "", sn.len));
            buf_free(&sn);
        }
        json_array_append_new(arr, o);
    }
    http_send_json(c->r, 200,
                   json_pack("{s:I, s:I, s:I, s:o}", "total", (json_int_t)total, "page",
                             (json_int_t)page, "page_size", (json_int_t)size, "items", arr));
}

/* GET /api/kb/search?q= — articles in force (all=1: any) ranked by relevance. */
static void kb_search(api_ctx *c)
{
    const char *q = http_query(c->r, "q");
    if (!q || strspn(q, " \t") == strlen(q)) {
        http_send_error(c->r, 400, "missing_field", "q: the words to search for", "q");
        return;
    }
    if (strlen(q) > 400) {
        http_send_error(c->r, 400, "out_of_range", "q is at most 400 bytes", "q");
        return;
    }
    store_kb_query sq = {.text = q, .valid_only = !query_flag(c, "all")};
    send_articles(c, &sq, true);
}

/* GET /api/kb/articles — every article, newest change first (valid=1: only those in force). */
static void kb_list(api_ctx *c)
{
    store_kb_query q = {.valid_only = query_flag(c, "valid")};
    send_articles(c, &q, false);
}

/* The article of the :id path parameter: 0, or refuses 404 (HL_DONE), or a store error. */
static int load_article(api_ctx *c, store_kb_article *a)
{
    int64_t id = http_param_id(c->r, "id");
    int rc = id ? store_kb_article_get(c->app->st, c->r->a, id, a) : HL_ENOTFOUND;
    return rc == HL_ENOTFOUND ? api_not_found(c, "article") : rc;
}

static void kb_get(api_ctx *c)
{
    store_kb_article a;
    char day[11];
    today(c, day);
    int rc = load_article(c, &a);
    if (rc) api_refuse_rc(c, rc);
    else http_send_json(c->r, 200, article_json(c, &a, day, true));
}

/* ---- writing ------------------------------------------------------------------------------- */

#define DATE_FIELD(name) {name, JF_STRING, false, true, 10, 10}

static const json_field create_fields[] = {
    {"title", JF_STRING, true, false, 1, 200},
    {"body", JF_STRING, true, false, 1, 20000},
    {"category_id", JF_INT, false, true, 1, INT32_MAX},
    {"unit_id", JF_INT, false, true, 1, INT32_MAX},
    DATE_FIELD("valid_from"),
    DATE_FIELD("valid_to"),
    DATE_FIELD("next_review"),
};

static const json_field update_fields[] = {
    {"title", JF_STRING, false, false, 1, 200},
    {"body", JF_STRING, false, false, 1, 20000},
    {"category_id", JF_INT, false, true, 1, INT32_MAX},
    {"unit_id", JF_INT, false, false, 1, INT32_MAX},
    DATE_FIELD("valid_from"),
    DATE_FIELD("valid_to"),
    DATE_FIELD("next_review"),
};

/* The centre's call-takers, dispatchers and administrators write any article; a unit handler
 * only articles owned within its unit. 0, or refuses 403 (HL_DONE), or a store error. */
static int may_write(api_ctx *c, int64_t unit_id)
{
    return c->user.role != ROLE_HANDLER ? 0 : api_require_unit(c, unit_id);
}

/* A date field: absent keeps *out (NULL), null clears it (""), else it must be a real date
 * (refuses 422: HL_DONE). */
static int date_field(api_ctx *c, json_t *b, const char *name, const char **out)
{
    json_t *v = json_object_get(b, name);
    if (!v) return 0;
    if (json_is_null(v)) {
        *out = "";
        return 0;
    }
    const char *s = json_string_value(v);
    int64_t day;
    if (civil_parse_date(s, strlen(s), &day)) return api_invalid(c, name, "a date YYYY-MM-DD");
    *out = s;
    return 0;
}

/* The dates and references of in, checked: 0 or refuses 422 (HL_DONE). */
static int check_article(api_ctx *c, json_t *b, store_kb_article *in, const store_kb_article *cur)
{
    int rc = date_field(c, b, "valid_from", &in->valid_from);
    if (!rc) rc = date_field(c, b, "valid_to", &in->valid_to);
    if (!rc) rc = date_field(c, b, "next_review", &in->next_review);
    if (rc) return rc;
    const char *from = in->valid_from ? in->valid_from : cur ? cur->valid_from : "";
    const char *to = in->valid_to ? in->valid_to : cur ? cur->valid_to : "";
    if (*from && *to && strcmp(from, to) > 0)
        return api_invalid(c, "valid_to", "valid_to is before valid_from");
    if (in->title && strspn(in->title, " \t\r\n") == strlen(in->title))
        return api_invalid(c, "title", "the title is blank");
    return 0;
}

/* The category and unit named in a body exist (0: not named): 0, or refuses 422 (HL_DONE), or
 * a store error. */
static int check_refs(api_ctx *c, int64_t category_id, int64_t unit_id)
{
    store_category k;
    store_unit u;
    int rc = category_id > 0 ? store_category_get(c->app->st, c->r->a, category_id, &k) : 0;
    if (rc == HL_ENOTFOUND) return api_invalid(c, "category_id", "no such category");
    if (!rc && unit_id > 0) rc = store_unit_get(c->app->st, c->r->a, unit_id, &u);
    if (rc == HL_ENOTFOUND) return api_invalid(c, "unit_id", "no such unit");
    return rc;
}

static void refuse_ref(api_ctx *c, int rc)
{
    /* only when a category or unit vanished between the check and the write */
    if (rc == HL_EREF) api_invalid(c, NULL, "the category or unit no longer exists");
    else http_send_rc(c->r, rc);
}

static void kb_create(api_ctx *c)
{
    json_t *b = NULL;
    if (api_body(c, create_fields, sizeof create_fields / sizeof create_fields[0], &b))
        return; /* refused */
    int64_t now = api_now();
    store_kb_article in = {
        .title = api_str(b, "title"), .body = api_str(b, "body"),
        .category_id = json_integer_value(json_object_get(b, "category_id")),
        .unit_id = json_integer_value(json_object_get(b, "unit_id")),
        .created_by = c->user.id, .updated_by = c->user.id, .created_at = now,
        .updated_at = now};
    if (!in.unit_id) in.unit_id = c->user.unit_id;
    store_kb_article a;
    char day[11], review[11];
    int64_t id = 0;
    int rc = check_article(c, b, &in, NULL);
    if (!rc) rc = check_refs(c, in.category_id, in.unit_id);
    if (!rc) rc = may_write(c, in.unit_id);
    if (rc) {
        api_refuse_rc(c, rc);
        goto out;
    }
    if (!in.next_review) {
        civil_format_date(civil_local_day(now, c->app->utc_offset_min) + REVIEW_DEFAULT_DAYS,
                          review);
        in.next_review = review;
    }
    rc = store_kb_article_create(c->app->st, &in, &id);
    if (!rc) rc = store_kb_article_get(c->app->st, c->r->a, id, &a);
    if (rc) {
        refuse_ref(c, rc);
        goto out;
    }
    today(c, day);
    http_send_json(c->r, 201, article_json(c, &a, day, true));
out:
    json_decref(b);
}

static void kb_update(api_ctx *c)
{
    store_kb_article cur, a;
    int rc = load_article(c, &cur);
    if (rc) {
        api_refuse_rc(c, rc);
        return;
    }
    json_t *b = NULL;
    if (api_body(c, update_fields, sizeof update_fields / sizeof update_fields[0], &b))
        return; /* refused */
    json_t *cat = json_object_get(b, "category_id");
    store_kb_article in = {
        .title = api_str(b, "title"), .body = api_str(b, "body"),
        .category_id = !cat ? -1 : json_is_null(cat) ? 0 : json_integer_value(cat),
        .unit_id = json_integer_value(json_object_get(b, "unit_id")),
        .updated_by = c->user.id, .updated_at = api_now()};
    char day[11];
    rc = may_write(c, cur.unit_id);
    if (!rc) rc = check_article(c, b, &in, &cur);
    if (!rc) rc = check_refs(c, in.category_id, in.unit_id);
    if (!rc && in.unit_id) rc = may_write(c, in.unit_id);
    if (rc) {
        api_refuse_rc(c, rc);
        goto out;
    }
    rc = store_kb_article_update(c->app->st, cur.id, &in);
    if (!rc) rc = store_kb_article_get(c->app->st, c->r->a, cur.id, &a);
    if (rc) {
        refuse_ref(c, rc);
        goto out;
    }
    today(c, day);
    http_send_json(c->r, 200, article_json(c, &a, day, true));
out:
    json_decref(b);
}

/* ---- maintenance report -------------------------------------------------------------------- */

static json_t *report_json(api_ctx *c, const store_kb_report_item *it, const char *day)
{
    int off = c->app->utc_offset_min;
    json_t *o = article_json(c, &it->a, day, false);
    json_object_set_new(o, "answers", json_integer(it->answers));
    if (!it->nrepeats) return o;
    json_t *reqs = json_array();
    for (size_t i = 0; i < it->nrepeats; i++) {
        const store_kb_repeat *r = &it->repeats[i];
        json_array_append_new(reqs, json_pack("{s:s, s:o, s:s, s:o}", "answered", r->answered,
                                              "answered_at", json_out_time(r->answered_at, off),
                                              "followup", r->followup, "followup_at",
                                              json_out_time(r->followup_at, off)));
    }
    json_object_set_new(o, "repeated", json_integer(it->repeated));
    json_object_set_new(o, "repeat_rate",
                        json_real(it->answers ? (double)it->repeated / (double)it->answers : 0));
    json_object_set_new(o, "requests", reqs);
    return o;
}

/* GET /api/kb/maintenance?days=90 — articles to review, and articles whose direct answers
 * were followed by a new request from the same caller within 7 days. */
static void kb_maintenance(api_ctx *c)
{
    int64_t days = 90;
    if (api_query_int(c, "days", 1, 3650, &days)) return; /* refused */
    int64_t now = api_now(), since = now - days * CIVIL_DAY_SECONDS;
    char day[11];
    today(c, day);
    store_kb_report_item *review, *repeats;
    size_t nreview, nrepeats;
    int rc = store_kb_report(c->app->st, c->r->a, day, since, REPEAT_WINDOW,
                             role_is_unit_scoped(c->user.role) ? c->user.unit_id : 0, &review,
                             &nreview, &repeats, &nrepeats);
    if (rc) {
        http_send_rc(c->r, rc);
        return;
    }
    json_t *rv = json_array(), *rp = json_array();
    for (size_t i = 0; i < nreview; i++) json_array_append_new(rv, report_json(c, &review[i], day));
    for (size_t i = 0; i < nrepeats; i++)
        json_array_append_new(rp, report_json(c, &repeats[i], day));
    http_send_json(c->r, 200,
                   json_pack("{s:s, s:o, s:i, s:o, s:o}", "today", day, "since",
                             json_out_time(since, c->app->utc_offset_min), "window_days", 7,
                             "review_due", rv, "repeat_requests", rp));
}

/* ---- the direct answer's article ----------------------------------------------------------- */

int api_kb_answer_article(api_ctx *c, json_t *body, int64_t *article_id)
{
    json_t *v = json_object_get(body, "article_id");
    if (!json_is_integer(v)) return 0; /* absent or null: answered without an article */
    store_kb_article a;
    int rc = store_kb_article_get(c->app->st, c->r->a, json_integer_value(v), &a);
    if (rc == HL_ENOTFOUND) return api_invalid(c, "article_id", "no such knowledge-base article");
    if (rc) return rc;
    *article_id = a.id;
    return 0;
}

#define WRITERS                                                                                \
    (ROLE_BIT(ROLE_CALLTAKER) | ROLE_BIT(ROLE_DISPATCHER) | ROLE_BIT(ROLE_ADMIN) |            \
     ROLE_BIT(ROLE_HANDLER))

const api_route api_kb_routes[] = {
    {"GET", "/api/kb/search", kb_search, ROLES_STAFF},
    {"GET", "/api/kb/articles", kb_list, ROLES_STAFF},
    {"POST", "/api/kb/articles", kb_create, WRITERS},
    {"GET", "/api/kb/articles/:id", kb_get, ROLES_STAFF},
    {"PATCH", "/api/kb/articles/:id", kb_update, WRITERS},
    {"GET", "/api/kb/maintenance", kb_maintenance, ROLES_STAFF},
    {NULL, NULL, NULL, 0},
};
