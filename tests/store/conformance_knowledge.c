/* conformance_knowledge.c — the knowledge base (articles, search, the maintenance report),
 * suggestion models and their training rows, and the sensitive-word list. */
#include "conformance.h"

#include <stdlib.h>
#include <string.h>

static int64_t article(cf_group *g, const char *title, const char *body, int64_t cat, int64_t unit,
                       const char *from, const char *to, const char *review, int64_t at)
{
    store_kb_article in = {.title = title,
                           .body = body,
                           .category_id = cat,
                           .unit_id = unit,
                           .valid_from = from,
                           .valid_to = to,
                           .next_review = review,
                           .created_by = g->c.admin,
                           .updated_by = g->c.admin,
                           .created_at = at,
                           .updated_at = at};
    int64_t id = 0;
    assert_int_equal(store_kb_article_create(g->s, &in, &id), 0);
    assert_true(id > 0);
    return id;
}

/* ---- articles -------------------------------------------------------------------------------- */

static void test_article_create_get_update(void **state)
{
    cf_group *g = *state;
    cf_catalogue *c = &g->c;
    int64_t id = article(g, "路灯报修流程", "拨打热线登记", c->leaf, c->d1, "2026-01-01",
                         "2026-12-31", "2026-06-01", 1790000000);
    store_kb_article k;
    assert_int_equal(store_kb_article_get(g->s, g->a, id, &k), 0);
    assert_int_equal(k.id, id);
    assert_string_equal(k.title, "路灯报修流程");
    assert_string_equal(k.body, "拨打热线登记");
    assert_int_equal(k.category_id, c->leaf);
    assert_int_equal(k.unit_id, c->d1);
    assert_string_equal(k.valid_from, "2026-01-01");
    assert_string_equal(k.valid_to, "2026-12-31");
    assert_string_equal(k.next_review, "2026-06-01");
    assert_int_equal(k.created_by, c->admin);
    assert_int_equal(k.created_at, 1790000000);
    assert_int_equal(k.updated_at, 1790000000);
    assert_string_equal(k.category_name, "路灯");
    assert_string_equal(k.unit_name, "d1");
    assert_string_equal(k.created_by_name, "admin");
    assert_string_equal(k.updated_by_name, "admin");

    /* a general article of a unit, no dates */
    int64_t gen = article(g, "General", "Body", 0, c->centre, "", "", "", 1790000000);
    assert_int_equal(store_kb_article_get(g->s, g->a, gen, &k), 0);
    assert_int_equal(k.category_id, 0);
    assert_string_equal(k.category_name, "");
    assert_string_equal(k.valid_from, "");
    assert_string_equal(k.next_review, "");

    /* refusals */
    int64_t x = 0;
    store_kb_article bad = {
        .title = "t", .body = "b", .category_id = c->leaf + 10000, .unit_id = c->d1};
    assert_int_equal(store_kb_article_create(g->s, &bad, &x), HL_EREF);
    bad = (store_kb_article){.title = "t", .body = "b", .unit_id = c->d1 + 10000};
    assert_int_equal(store_kb_article_create(g->s, &bad, &x), HL_EREF);
    assert_int_equal(store_kb_article_get(g->s, g->a, id + 10000, &k), HL_ENOTFOUND);

    /* update: NULL keeps, "" clears a date, category_id < 0 keeps and 0 clears, unit 0 keeps */
    store_kb_article up = {.body = "新的办理流程",
                           .category_id = -1,
                           .valid_to = "",
                           .updated_by = c->supervisor,
                           .updated_at = 1790001000};
    assert_int_equal(store_kb_article_update(g->s, id, &up), 0);
    assert_int_equal(store_kb_article_get(g->s, g->a, id, &k), 0);
    assert_string_equal(k.title, "路灯报修流程");
    assert_string_equal(k.body, "新的办理流程");
    assert_int_equal(k.category_id, c->leaf);
    assert_int_equal(k.unit_id, c->d1);
    assert_string_equal(k.valid_from, "2026-01-01");
    assert_string_equal(k.valid_to, "");
    assert_int_equal(k.updated_by, c->supervisor);
    assert_string_equal(k.updated_by_name, "supervisor");
    assert_int_equal(k.updated_at, 1790001000);
    assert_int_equal(k.created_by, c->admin);
    assert_int_equal(k.created_at, 1790000000);
    up = (store_kb_article){
        .category_id = 0, .unit_id = c->dept, .updated_by = c->admin, .updated_at = 1790002000};
    assert_int_equal(store_kb_article_update(g->s, id, &up), 0);
    assert_int_equal(store_kb_article_get(g->s, g->a, id, &k), 0);
    assert_int_equal(k.category_id, 0);
    assert_int_equal(k.unit_id, c->dept);

    up = (store_kb_article){.category_id = c->leaf + 10000, .updated_at = 1790003000};
    assert_int_equal(store_kb_article_update(g->s, id, &up), HL_EREF);
    up = (store_kb_article){.category_id = -1, .unit_id = c->d1 + 10000};
    assert_int_equal(store_kb_article_update(g->s, id, &up), HL_EREF);
    assert_int_equal(store_kb_article_get(g->s, g->a, id, &k), 0);
    assert_int_equal(k.updated_at, 1790002000); /* nothing of the refusals */
    assert_int_equal(k.unit_id, c->dept);
    up = (store_kb_article){.title = "x", .category_id = -1};
    assert_int_equal(store_kb_article_update(g->s, id + 10000, &up), HL_ENOTFOUND);
}

/* ---- search ---------------------------------------------------------------------------------- */

static void test_search(void **state)
{
    cf_group *g = *state;
    cf_catalogue *c = &g->c;
    int64_t t = 1795000000;
    /* titles count more than bodies; more matching words rank higher */
    int64_t a = article(g, "heating outage", "radiators cold in winter", c->leaf2, c->util, "", "",
                        "", t + 10);
    int64_t b = article(g, "water bills", "heating and water charges", c->leaf, c->s1, "",
                        "2026-06-30", "", t + 20);
    int64_t d = article(g, "parking permits", "apply at the district office", c->leaf, c->d2,
                        "2027-01-01", "", "", t + 30);
    int64_t e = article(g, "heating subsidy heating", "heating heating", c->leaf2, c->util, "", "",
                        "", t + 40);
    store_kb_article *items;
    size_t n = 0;
    int64_t total = 0;
    store_kb_query q = {.text = "heating", .limit = 10};
    assert_int_equal(store_kb_search(g->s, g->a, &q, &items, &n, &total), 0);
    assert_int_equal(total, 3);
    assert_int_equal(n, 3);
    assert_int_equal(items[2].id, b); /* the body alone: last */
    assert_true(items[0].id == a || items[0].id == e);
    for (size_t i = 1; i < n; i++)
        assert_true(items[i - 1].score >= items[i].score);
    assert_true(items[2].score > 0.0 || items[0].score > items[2].score);
    /* any word may match; a rare word weighs more than a common one */
    q.text = "radiators water";
    assert_int_equal(store_kb_search(g->s, g->a, &q, &items, &n, &total), 0);
    assert_int_equal(total, 2);
    q.text = "heating radiators";
    assert_int_equal(store_kb_search(g->s, g->a, &q, &items, &n, &total), 0);
    assert_int_equal(total, 3);
    assert_int_equal(items[0].id, a); /* both words */
    /* pages */
    q = (store_kb_query){.text = "heating", .limit = 1, .offset = 2};
    assert_int_equal(store_kb_search(g->s, g->a, &q, &items, &n, &total), 0);
    assert_int_equal(total, 3);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, b);
    /* filters: category and unit subtrees, validity on a day */
    q = (store_kb_query){.text = "heating", .category_id = c->mid, .limit = 10};
    assert_int_equal(store_kb_search(g->s, g->a, &q, &items, &n, &total), 0);
    assert_int_equal(total, 1);
    assert_int_equal(items[0].id, b);
    q = (store_kb_query){.unit_id = c->d1, .limit = 10};
    assert_int_equal(store_kb_search(g->s, g->a, &q, &items, &n, &total), 0);
    assert_int_equal(total, 1);
    assert_int_equal(items[0].id, b);
    q = (store_kb_query){
        .today = "2026-11-10", .valid_only = true, .category_id = c->leaf, .limit = 10};
    assert_int_equal(store_kb_search(g->s, g->a, &q, &items, &n, &total), 0);
    for (size_t i = 0; i < n; i++)
        assert_true(items[i].id != b && items[i].id != d);
    q.today = "2027-01-01"; /* valid_from's day itself */
    assert_int_equal(store_kb_search(g->s, g->a, &q, &items, &n, &total), 0);
    bool seen = false;
    for (size_t i = 0; i < n; i++)
        seen |= items[i].id == d;
    assert_true(seen);
    /* without text: newest updated first, score 0 */
    q = (store_kb_query){.category_id = c->top, .limit = 2};
    assert_int_equal(store_kb_search(g->s, g->a, &q, &items, &n, &total), 0);
    assert_true(total >= 4);
    assert_int_equal(n, 2);
    assert_int_equal(items[0].id, e);
    assert_int_equal(items[1].id, d);
    assert_true(items[0].score == 0.0);
    /* an update is found by its new words, not its old ones */
    store_kb_article up = {.title = "parking discs",
                           .category_id = -1,
                           .updated_by = g->c.admin,
                           .updated_at = t + 50};
    assert_int_equal(store_kb_article_update(g->s, d, &up), 0);
    q = (store_kb_query){.text = "discs", .limit = 10};
    assert_int_equal(store_kb_search(g->s, g->a, &q, &items, &n, &total), 0);
    assert_int_equal(total, 1);
    assert_int_equal(items[0].id, d);
    q.text = "permits";
    assert_int_equal(store_kb_search(g->s, g->a, &q, &items, &n, &total), 0);
    assert_int_equal(total, 0);
    /* Chinese: two-character terms */
    int64_t zh = article(g, "社保缴费指南", "灵活就业人员缴纳社会保险", c->leaf, c->dept, "", "",
                         "", t + 60);
    q.text = "缴费";
    assert_int_equal(store_kb_search(g->s, g->a, &q, &items, &n, &total), 0);
    assert_int_equal(total, 1);
    assert_int_equal(items[0].id, zh);
    /* no searchable term */
    q.text = "  ";
    assert_int_equal(store_kb_search(g->s, g->a, &q, &items, &n, &total), HL_EINVAL);
}

/* ---- the maintenance report ------------------------------------------------------------------ */

static int64_t reg_answered(cf_group *g, int64_t at, const char *phone, int64_t art, char *number)
{
    int64_t id = cf_register(g, at, phone, "咨询", number);
    store_case_event ev = {.ev = CF_EV(ACT_ANSWER, at + 60, .actor_role = ROLE_CALLTAKER),
                           .body = "见知识库",
                           .actor_id = g->c.calltaker,
                           .article_id = art};
    assert_int_equal(store_case_act(g->s, id, &ev, NULL, NULL), 0);
    return id;
}

static void test_report(void **state)
{
    cf_group *g = *state;
    cf_catalogue *c = &g->c;
    int64_t t = c->t0 + 40 * CF_DAY;
    int64_t k1 = article(g, "报告一", "正文", c->leaf, c->d1, "", "", "2026-11-01", t);
    int64_t k2 = article(g, "报告二", "正文", c->leaf, c->dept, "", "", "2026-10-01", t);
    int64_t k3 = article(g, "报告三", "正文", c->leaf, c->dept, "", "", "2027-06-01", t);
    (void)k3;
    char a1[STORE_CASE_NUMBER_MAX], f1[STORE_CASE_NUMBER_MAX];
    /* k1: two answers, one followed within the window */
    reg_answered(g, t + 100, "13500000001", k1, a1);
    cf_register(g, t + 3600, "13500000001", "又来电", f1);
    reg_answered(g, t + 200, "13500000002", k1, NULL);
    cf_register(g, t + 10 * CF_DAY, "13500000002", "太晚了", NULL); /* outside the window */
    /* k2: two answers, both followed; one of them twice */
    reg_answered(g, t + 300, "13500000003", k2, NULL);
    cf_register(g, t + 2 * CF_DAY, "13500000003", "再次", NULL);
    cf_register(g, t + 3 * CF_DAY, "13500000003", "三次", NULL);
    reg_answered(g, t + 400, "13500000004", k2, NULL);
    cf_register(g, t + CF_DAY, "13500000004", "再次", NULL);

    store_kb_report_item *review, *rep;
    size_t nreview = 0, nrep = 0;
    assert_int_equal(
        store_kb_report(g->s, g->a, "2026-11-15", t, 7 * CF_DAY, 0, &review, &nreview, &rep, &nrep),
        0);
    /* the review list: due on or before today, oldest first; the first test's article, due
     * 2026-06-01, comes first */
    assert_int_equal(nreview, 3);
    assert_string_equal(review[0].a.next_review, "2026-06-01");
    assert_int_equal(review[1].a.id, k2);
    assert_int_equal(review[2].a.id, k1);
    assert_int_equal(review[2].answers, 2);
    assert_int_equal(review[1].answers, 2);
    /* repeats: most first */
    assert_int_equal(nrep, 2);
    assert_int_equal(rep[0].a.id, k2);
    assert_int_equal(rep[0].answers, 2);
    assert_int_equal(rep[0].repeated, 2);
    assert_int_equal(rep[0].nrepeats, 3);
    assert_int_equal(rep[1].a.id, k1);
    assert_int_equal(rep[1].answers, 2);
    assert_int_equal(rep[1].repeated, 1);
    assert_int_equal(rep[1].nrepeats, 1);
    assert_string_equal(rep[1].repeats[0].answered, a1);
    assert_string_equal(rep[1].repeats[0].followup, f1);
    assert_int_equal(rep[1].repeats[0].answered_at, t + 160);
    assert_int_equal(rep[1].repeats[0].followup_at, t + 3600);
    for (size_t i = 1; i < rep[0].nrepeats; i++)
        assert_true(rep[0].repeats[i - 1].answered_at <= rep[0].repeats[i].answered_at);

    /* a unit's articles alone */
    assert_int_equal(store_kb_report(g->s, g->a, "2026-11-15", t, 7 * CF_DAY, c->d1, &review,
                                     &nreview, &rep, &nrep),
                     0);
    assert_int_equal(nreview, 1);
    assert_int_equal(review[0].a.id, k1);
    assert_int_equal(nrep, 1);
    assert_int_equal(rep[0].a.id, k1);
    /* answers before `since` do not count */
    assert_int_equal(store_kb_report(g->s, g->a, "2026-11-15", t + 250, 7 * CF_DAY, 0, &review,
                                     &nreview, &rep, &nrep),
                     0);
    assert_int_equal(nrep, 1);
    assert_int_equal(rep[0].a.id, k2);
    assert_int_equal(rep[0].answers, 2);
    assert_int_equal(review[2].a.id, k1);
    assert_int_equal(review[2].answers, 1); /* the answer at t + 260, not the one at t + 160 */
}

/* ---- models and training rows ---------------------------------------------------------------- */

static void test_models(void **state)
{
    cf_group *g = *state;
    int64_t v0 = -1, v = 0, now = 0;
    assert_int_equal(store_models_version(g->s, &v0), 0);
    assert_int_equal(v0, 0);
    store_model m;
    unsigned char *data = NULL;
    assert_int_equal(store_model_get(g->s, "category", &m, &data), HL_ENOTFOUND);
    free(data);

    static const unsigned char blob1[] = {1, 2, 3, 0, 5}, blob2[] = {9, 8};
    store_model put[] = {
        {.name = "category",
         .trained_at = 1795000000,
         .samples = 100,
         .classes = 7,
         .cv_top1 = 0.5,
         .cv_top3 = 0.75,
         .data = blob1,
         .len = sizeof blob1},
        {.name = "unit",
         .trained_at = 1795000000,
         .samples = 90,
         .classes = 4,
         .cv_top1 = 0.25,
         .cv_top3 = 0.5,
         .data = blob2,
         .len = sizeof blob2},
    };
    assert_int_equal(store_models_put(g->s, put, 2, &v), 0);
    assert_true(v > v0);
    assert_int_equal(store_models_version(g->s, &now), 0);
    assert_int_equal(now, v);
    assert_int_equal(store_model_get(g->s, "category", &m, &data), 0);
    assert_int_equal(m.version, v);
    assert_int_equal(m.trained_at, 1795000000);
    assert_int_equal(m.samples, 100);
    assert_int_equal(m.classes, 7);
    assert_true(m.cv_top1 == 0.5 && m.cv_top3 == 0.75);
    assert_int_equal(m.len, sizeof blob1);
    assert_ptr_equal(m.data, data);
    assert_memory_equal(m.data, blob1, sizeof blob1);
    free(data);

    put[0].data = blob2;
    put[0].len = sizeof blob2;
    int64_t v2 = 0;
    assert_int_equal(store_models_put(g->s, put, 1, &v2), 0);
    assert_int_equal(v2, v + 1);
    assert_int_equal(store_model_get(g->s, "category", &m, &data), 0);
    assert_int_equal(m.version, v2);
    assert_memory_equal(m.data, blob2, sizeof blob2);
    free(data);
    assert_int_equal(store_model_get(g->s, "unit", &m, &data), 0);
    assert_int_equal(m.version, v);
    free(data);
}

typedef struct {
    int n, stop_at;
    store_training_row rows[8];
    char titles[8][32];
} rows_ud;

static int rows_cb(void *ctx, const store_training_row *row)
{
    rows_ud *u = ctx;
    if (u->n < 8) {
        u->rows[u->n] = *row;
        size_t len = strlen(row->title);
        if (len > 31) len = 31;
        memcpy(u->titles[u->n], row->title, len);
        u->titles[u->n][len] = '\0';
        u->rows[u->n].title = u->titles[u->n];
        u->rows[u->n].text = NULL;
    }
    u->n++;
    return u->n == u->stop_at ? 5 : 0;
}

static void test_training_rows(void **state)
{
    cf_group *g = *state;
    cf_catalogue *c = &g->c;
    /* the program's other closed requests are answered ones; these come after them */
    int64_t t = c->t0 + 60 * CF_DAY;
    int64_t done = cf_register(g, t, NULL, "训练甲", NULL);
    cf_walk(g, done, c->s1, CASE_CLOSED, t + 60);
    int64_t invalid = cf_register(g, t + 100, NULL, "无效", NULL);
    cf_act_ok(g, invalid, CF_EV(ACT_INVALIDATE, t + 160, .actor_role = ROLE_DISPATCHER));
    int64_t redis = cf_register(g, t + 200, NULL, "训练乙", NULL);
    cf_act_ok(g, redis,
              CF_EV(ACT_DISPATCH, t + 260, .unit_id = c->d1, .due = {[STAGE_SIGN] = t + CF_H}));
    cf_act_ok(g, redis, CF_EV(ACT_SIGN, t + 300, .due = {[STAGE_REPLY] = t + 9 * CF_H}));
    cf_act_ok(
        g, redis,
        CF_EV(ACT_REDISPATCH, t + 360, .unit_id = c->s2, .due = {[STAGE_SIGN] = t + 2 * CF_H}));
    cf_act_ok(g, redis, CF_EV(ACT_SIGN, t + 400, .due = {[STAGE_REPLY] = t + 9 * CF_H}));
    cf_act_ok(g, redis, CF_EV(ACT_REPLY, t + 460));
    cf_act_ok(g, redis,
              CF_EV(ACT_VISIT, t + 520, .reachable = true, .solved = true,
                    .satisfaction = SATISFACTION_BASIC)); /* closes itself */
    int64_t open = cf_register(g, t + 600, NULL, "未结", NULL);
    (void)open;

    rows_ud u = {0};
    assert_int_equal(store_training_rows(g->s, 2, rows_cb, &u), 0);
    assert_int_equal(u.n, 2); /* the newest closed, not invalid, not open */
    assert_int_equal(u.rows[0].id, redis);
    assert_int_equal(u.rows[1].id, done);
    assert_int_equal(u.rows[0].unit_id, c->d1); /* the centre's dispatch, not the re-dispatch */
    assert_int_equal(u.rows[1].unit_id, c->s1);
    assert_int_equal(u.rows[0].category_id, c->leaf);
    assert_int_equal(u.rows[0].category_parent, c->mid);
    assert_int_equal(u.rows[0].district_id, c->d1);
    assert_string_equal(u.titles[0], "训练乙");
    u = (rows_ud){.stop_at = 1};
    assert_int_equal(store_training_rows(g->s, 10, rows_cb, &u), 5);
    assert_int_equal(u.n, 1);
    /* answered requests are closed and never dispatched */
    u = (rows_ud){0};
    assert_int_equal(store_training_rows(g->s, 1000, rows_cb, &u), 0);
    assert_true(u.n >= 3);
    for (int i = 2; i < u.n && i < 8; i++)
        assert_int_equal(u.rows[i].unit_id, 0);
}

/* ---- sensitive words ------------------------------------------------------------------------- */

static void test_sensitive_words(void **state)
{
    cf_group *g = *state;
    const char **words;
    size_t n = 99;
    assert_int_equal(store_sensitive_words(g->s, g->a, &words, &n), 0);
    assert_int_equal(n, 0);
    const char *put[] = {"zeta", "alpha", "自杀", "alpha", "mid"};
    assert_int_equal(store_sensitive_words_put(g->s, put, 5, 1795000000), 0);
    assert_int_equal(store_sensitive_words(g->s, g->a, &words, &n), 0);
    assert_int_equal(n, 4); /* duplicates collapse; sorted */
    for (size_t i = 1; i < n; i++)
        assert_true(strcmp(words[i - 1], words[i]) < 0);
    assert_string_equal(words[0], "alpha");
    const char *again[] = {"beta"};
    assert_int_equal(store_sensitive_words_put(g->s, again, 1, 1795000100), 0);
    assert_int_equal(store_sensitive_words(g->s, g->a, &words, &n), 0);
    assert_int_equal(n, 1); /* the whole list replaced */
    assert_string_equal(words[0], "beta");
    assert_int_equal(store_sensitive_words_put(g->s, NULL, 0, 1795000200), 0);
    assert_int_equal(store_sensitive_words(g->s, g->a, &words, &n), 0);
    assert_int_equal(n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_article_create_get_update),
        cmocka_unit_test(test_search),
        cmocka_unit_test(test_report),
        cmocka_unit_test(test_models),
        cmocka_unit_test(test_training_rows),
        cmocka_unit_test(test_sensitive_words),
    };
    return cmocka_run_group_tests_name("conformance_knowledge", tests, cf_group_setup,
                                       cf_group_teardown);
}
