/* test_kb_store.c — unit tests of the issue-7 store functions on a real SQLite file: the
 * knowledge base's search through the hotline_bigram tokenizer (two- and three-character
 * Chinese terms, mixed Chinese and English, numbers, ranking, validity, filters, re-indexing
 * on update), the maintenance report (review dates; direct answers followed by a new request
 * from the same phone within 7 days), suggestion models, training rows, the sensitive-word
 * list, duplicate candidates and merge clusters. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tmp_dir.h"

#include "store/cases.h"
#include "store/catalogue.h"
#include "store/engine.h"
#include "store/knowledge.h"
#include "util/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OFF 480
#define DAY 86400
#define T0 1800000000 /* 2027-01-15 */

typedef struct {
    char dir[64], path[128];
    store *s;
    arena *a;
    int64_t centre, dist, dept, cat_l1, cat_l2, leaf, leaf2;
} fx;

static int64_t unit(store *s, const char *code, unit_kind kind, int64_t parent)
{
    store_unit u = {.parent_id = parent, .code = code, .name_zh = code, .name_en = code,
                    .kind = kind, .active = true};
    int64_t id = 0;
    assert_int_equal(store_unit_create(s, &u, &id), 0);
    return id;
}

static int64_t category(store *s, const char *code, const char *name, int64_t parent, bool leaf)
{
    store_category c = {.parent_id = parent, .code = code, .name_zh = name, .name_en = code,
                        .leaf_fields = leaf, .type = REQ_CONSULTATION, .urgency = URGENCY_NORMAL,
                        .keywords = "", .active = true};
    int64_t id = 0;
    assert_int_equal(store_category_create(s, &c, &id), 0);
    return id;
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    tmp_dir_make(f->dir, sizeof f->dir, "kb");
    snprintf(f->path, sizeof f->path, "%s/kb.db", f->dir);
    assert_int_equal(store_open(f->path, &f->s), 0);
    f->a = arena_new();
    f->centre = unit(f->s, "centre", UNIT_CENTRE, 0);
    f->dist = unit(f->s, "d-east", UNIT_DISTRICT, f->centre);
    f->dept = unit(f->s, "dept-hrss", UNIT_DEPARTMENT, f->centre);
    f->cat_l1 = category(f->s, "05", "劳动和社会保障", 0, false);
    f->cat_l2 = category(f->s, "0502", "社会保险", f->cat_l1, false);
    f->leaf = category(f->s, "050201", "社保缴纳咨询", f->cat_l2, true);
    f->leaf2 = category(f->s, "050202", "养老金领取咨询", f->cat_l2, true);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    store_close(f->s);
    arena_free(f->a);
    tmp_dir_remove(f->dir);
    free(f);
    return 0;
}

static int64_t article(fx *f, const char *title, const char *body, int64_t cat, int64_t unit_id,
                       const char *from, const char *to, const char *review)
{
    store_kb_article in = {.title = title, .body = body, .category_id = cat, .unit_id = unit_id,
                           .valid_from = from, .valid_to = to, .next_review = review,
                           .created_at = T0, .updated_at = T0};
    int64_t id = 0;
    assert_int_equal(store_kb_article_create(f->s, &in, &id), 0);
    return id;
}

/* Titles of the search results for text, in order, joined by '|'. */
static const char *search(fx *f, const char *text, bool valid_only, int64_t cat, int64_t *total)
{
    store_kb_query q = {.text = text, .today = "2027-01-15", .valid_only = valid_only,
                        .category_id = cat, .limit = 50};
    store_kb_article *items;
    size_t n;
    int64_t t = 0;
    int rc = store_kb_search(f->s, f->a, &q, &items, &n, &t);
    if (rc) return rc == HL_EINVAL ? "EINVAL" : "ERROR";
    if (total) *total = t;
    char *out = arena_strdup(f->a, "");
    for (size_t i = 0; i < n; i++) out = arena_printf(f->a, "%s%s%s", out, i ? "|" : "", items[i].title);
    return out;
}

static void seed(fx *f)
{
    article(f, "社保缴费基数", "职工社会保险费按月缴纳，缴费基数每年7月调整。", f->leaf, f->dept,
            NULL, NULL, "2027-06-30");
    article(f, "医保报销比例", "门诊医保报销比例为60%，住院按医院级别报销。", 0, f->dept, NULL,
            NULL, "2027-06-30");
    article(f, "居住证办理", "申领居住证需要居住半年以上，材料包括身份证和租赁合同。", 0,
            f->centre, NULL, NULL, "2026-12-31");
    article(f, "供暖费2025", "2025年采暖季供暖费每平方米22元。", 0, f->centre, "2025-09-01",
            "2026-04-30", "2026-08-31");
    article(f, "English service", "Call 12345 and say English. Report a broken street light or a "
                                  "water pipe burst.",
            0, f->centre, NULL, NULL, NULL);
    article(f, "WiFi密码重置", "政务大厅WiFi密码每月1日更新，可在服务台查询。", 0, f->centre,
            "2027-02-01", NULL, NULL);
}

static void test_search_terms(void **state)
{
    fx *f = *state;
    seed(f);
    int64_t total = 0;
    /* two-character terms (the trigram trap: docs/internals.md, Chinese search) */
    assert_string_equal(search(f, "社保", true, 0, &total), "社保缴费基数");
    assert_string_equal(search(f, "医保", true, 0, NULL), "医保报销比例");
    /* three characters, four, and a phrase spanning words */
    assert_string_equal(search(f, "居住证", true, 0, NULL), "居住证办理");
    assert_string_equal(search(f, "缴费基数", true, 0, NULL), "社保缴费基数");
    /* a question in natural words: any term may match, more matches rank first */
    const char *r = search(f, "怎么办理居住证", true, 0, NULL);
    assert_true(strncmp(r, "居住证办理", strlen("居住证办理")) == 0);
    /* a single character matches only where it stands alone (documents index bigrams) */
    assert_string_equal(search(f, "费", true, 0, NULL), "");
    /* English, case-insensitive; numbers; mixed Chinese and English */
    assert_string_equal(search(f, "Street LIGHT", true, 0, NULL), "English service");
    assert_string_equal(search(f, "12345", true, 0, NULL), "English service");
    assert_string_equal(search(f, "22", false, 0, NULL), "供暖费2025");
    r = search(f, "wifi密码", false, 0, NULL);
    assert_string_equal(r, "WiFi密码重置");
    /* nothing searchable */
    assert_string_equal(search(f, "？！", true, 0, NULL), "EINVAL");
    /* no match */
    assert_string_equal(search(f, "路灯", true, 0, &total), "");
    assert_int_equal(total, 0);
}

static void test_validity_and_filters(void **state)
{
    fx *f = *state;
    seed(f);
    /* expired (2026-04-30) and not yet valid (2027-02-01) articles: only when asked */
    assert_string_equal(search(f, "供暖费", true, 0, NULL), "");
    assert_string_equal(search(f, "供暖费", false, 0, NULL), "供暖费2025");
    assert_string_equal(search(f, "WiFi", true, 0, NULL), "");
    assert_string_equal(search(f, "WiFi", false, 0, NULL), "WiFi密码重置");
    /* category subtree: the level-1 category finds the leaf's article */
    assert_string_equal(search(f, "缴费", true, f->cat_l1, NULL), "社保缴费基数");
    assert_string_equal(search(f, "缴费", true, f->leaf2, NULL), "");
    /* a list without text, newest change first, with a unit filter and paging */
    store_kb_query q = {.unit_id = f->dept, .limit = 1};
    store_kb_article *items;
    size_t n;
    int64_t total;
    assert_int_equal(store_kb_search(f->s, f->a, &q, &items, &n, &total), 0);
    assert_int_equal(total, 2);
    assert_int_equal(n, 1);
    q.limit = 0;
    assert_int_equal(store_kb_search(f->s, f->a, &q, &items, &n, &total), HL_EINVAL);
}

static void test_ranking_and_update(void **state)
{
    fx *f = *state;
    int64_t a = article(f, "停水通知", "计划停水的通知在公众号发布。", 0, f->centre, NULL, NULL, NULL);
    article(f, "水费", "水费按阶梯收取，停水期间不计费。", 0, f->centre, NULL, NULL, NULL);
    /* the title counts three times the body */
    assert_string_equal(search(f, "停水", true, 0, NULL), "停水通知|水费");
    /* an update re-indexes: the old words are gone, the new ones found */
    store_kb_article up = {.title = "爆管抢修", .body = "水管爆裂请拨打12345报修。",
                           .category_id = -1, .updated_by = 0, .updated_at = T0 + 60};
    assert_int_equal(store_kb_article_update(f->s, a, &up), 0);
    assert_string_equal(search(f, "通知", true, 0, NULL), "");
    assert_string_equal(search(f, "爆管", true, 0, NULL), "爆管抢修");
    store_kb_article got;
    assert_int_equal(store_kb_article_get(f->s, f->a, a, &got), 0);
    assert_string_equal(got.title, "爆管抢修");
    assert_int_equal(got.updated_at, T0 + 60);
    assert_int_equal(got.created_at, T0);
    /* dates: "" clears, NULL keeps */
    store_kb_article d1 = {.valid_to = "2027-12-31", .category_id = f->leaf};
    assert_int_equal(store_kb_article_update(f->s, a, &d1), 0);
    assert_int_equal(store_kb_article_get(f->s, f->a, a, &got), 0);
    assert_string_equal(got.valid_to, "2027-12-31");
    assert_int_equal(got.category_id, f->leaf);
    assert_string_equal(got.category_name, "社保缴纳咨询");
    store_kb_article d2 = {.valid_to = "", .category_id = 0};
    assert_int_equal(store_kb_article_update(f->s, a, &d2), 0);
    assert_int_equal(store_kb_article_get(f->s, f->a, a, &got), 0);
    assert_string_equal(got.valid_to, "");
    assert_int_equal(got.category_id, 0);
    /* references */
    store_kb_article bad = {.category_id = 9999};
    assert_int_equal(store_kb_article_update(f->s, a, &bad), HL_EREF);
    assert_int_equal(store_kb_article_update(f->s, 9999, &up), HL_ENOTFOUND);
    store_kb_article nounit = {.title = "x", .body = "y", .unit_id = 9999};
    int64_t id;
    assert_int_equal(store_kb_article_create(f->s, &nounit, &id), HL_EREF);
    assert_int_equal(store_kb_article_get(f->s, f->a, 9999, &got), HL_ENOTFOUND);
}

static int64_t reg(fx *f, int64_t at, const char *phone, const char *text)
{
    store_case k = {.channel = "phone", .type = REQ_CONSULTATION, .category_id = f->leaf,
                    .urgency = URGENCY_NORMAL, .text = text, .caller_phone = phone,
                    .district_id = f->dist, .address = "人民路1号"};
    store_case_event ev = {.ev = {.action = ACT_REGISTER, .at = at, .actor_role = ROLE_CALLTAKER}};
    int64_t id = 0;
    char num[STORE_CASE_NUMBER_MAX];
    assert_int_equal(store_case_register(f->s, &k, &ev, OFF, &id, num), 0);
    return id;
}

static void answer(fx *f, int64_t id, int64_t at, int64_t article_id)
{
    store_case_event ev = {.ev = {.action = ACT_ANSWER, .at = at, .actor_role = ROLE_CALLTAKER},
                           .body = "按知识库答复", .article_id = article_id};
    assert_int_equal(store_case_act(f->s, id, &ev, NULL, NULL), 0);
}

static void test_maintenance_report(void **state)
{
    fx *f = *state;
    int64_t ok = article(f, "社保缴费", "缴费说明", f->leaf, f->dept, NULL, NULL, "2027-06-30");
    int64_t weak = article(f, "养老金", "领取说明", f->leaf2, f->dept, NULL, NULL, "2027-01-10");
    int64_t old = article(f, "旧文章", "过期说明", 0, f->centre, NULL, NULL, "2026-12-01");
    /* "weak": two answers, one caller came back 2 days later (twice), one never */
    int64_t c1 = reg(f, T0, "13800000001", "养老金什么时候发");
    answer(f, c1, T0 + 60, weak);
    int64_t back1 = reg(f, T0 + 2 * DAY, "13800000001", "养老金还没到账");
    int64_t back2 = reg(f, T0 + 3 * DAY, "13800000001", "还是没到账");
    (void)back1;
    (void)back2;
    int64_t c2 = reg(f, T0 + 100, "13800000002", "养老金怎么领");
    answer(f, c2, T0 + 160, weak);
    /* "ok": answered, the caller came back after 8 days: not counted */
    int64_t c3 = reg(f, T0, "13800000003", "社保怎么交");
    answer(f, c3, T0 + 60, ok);
    reg(f, T0 + 8 * DAY, "13800000003", "又来问社保");
    /* answered without an article, and with no phone: never in the report */
    int64_t c4 = reg(f, T0, "13800000004", "问题");
    answer(f, c4, T0 + 60, 0);
    reg(f, T0 + DAY, "13800000004", "又来了");
    int64_t c5 = reg(f, T0, "", "匿名");
    answer(f, c5, T0 + 60, ok);
    reg(f, T0 + DAY, "", "匿名又来");

    store_kb_report_item *review, *rep;
    size_t nreview, nrep;
    assert_int_equal(store_kb_report(f->s, f->a, "2027-01-15", T0 - DAY, 7 * DAY, 0, &review,
                                     &nreview, &rep, &nrep),
                     0);
    /* review due: oldest first; "ok" (2027-06-30) is not due */
    assert_int_equal(nreview, 2);
    assert_int_equal(review[0].a.id, old);
    assert_int_equal(review[1].a.id, weak);
    assert_int_equal(review[1].answers, 2);
    assert_int_equal(nrep, 1);
    assert_int_equal(rep[0].a.id, weak);
    assert_int_equal(rep[0].answers, 2);
    assert_int_equal(rep[0].repeated, 1);
    assert_int_equal(rep[0].nrepeats, 2); /* both follow-ups of the one answer */
    assert_true(rep[0].repeats[0].followup_at < rep[0].repeats[1].followup_at);
    assert_string_equal(rep[0].repeats[0].answered, rep[0].repeats[1].answered);
    /* limited to a unit that owns none of them */
    assert_int_equal(store_kb_report(f->s, f->a, "2027-01-15", T0 - DAY, 7 * DAY, f->dist,
                                     &review, &nreview, &rep, &nrep),
                     0);
    assert_int_equal(nreview, 0);
    assert_int_equal(nrep, 0);
    /* answers before `since` are not counted */
    assert_int_equal(store_kb_report(f->s, f->a, "2027-01-15", T0 + DAY, 7 * DAY, 0, &review,
                                     &nreview, &rep, &nrep),
                     0);
    assert_int_equal(nrep, 0);
    assert_int_equal(review[1].answers, 0);
}

static void test_models_and_words(void **state)
{
    fx *f = *state;
    int64_t v = -1;
    assert_int_equal(store_models_version(f->s, &v), 0);
    assert_int_equal(v, 0);
    store_model m;
    unsigned char *data = NULL;
    assert_int_equal(store_model_get(f->s, "category", &m, &data), HL_ENOTFOUND);
    unsigned char bytes[3] = {1, 0, 2};
    store_model in[2] = {{"category", 0, T0, 10, 2, 0.9, 1.0, bytes, 3},
                         {"unit", 0, T0, 8, 3, 0.8, 0.95, bytes, 2}};
    assert_int_equal(store_models_put(f->s, in, 2, &v), 0);
    assert_int_equal(v, 1);
    assert_int_equal(store_models_put(f->s, in, 1, &v), 0);
    assert_int_equal(v, 2);
    assert_int_equal(store_model_get(f->s, "unit", &m, &data), 0);
    assert_int_equal(m.version, 1);
    assert_int_equal(m.len, 2);
    assert_memory_equal(m.data, bytes, 2);
    assert_true(m.cv_top1 == 0.8 && m.classes == 3);
    free(data);
    store_model bad = {"other", 0, T0, 1, 1, 0, 0, bytes, 1};
    assert_int_equal(store_models_put(f->s, &bad, 1, &v), HL_EINVAL);

    const char *words[] = {"着火", "煤气味", "着火"};
    assert_int_equal(store_sensitive_words_put(f->s, words, 3, T0), 0);
    const char **got;
    size_t n;
    assert_int_equal(store_sensitive_words(f->s, f->a, &got, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(store_sensitive_words_put(f->s, words, 0, T0), 0);
    assert_int_equal(store_sensitive_words(f->s, f->a, &got, &n), 0);
    assert_int_equal(n, 0);
}

struct seen {
    int rows, with_unit;
};

static int count_row(void *ctx, const store_training_row *r)
{
    struct seen *s = ctx;
    s->rows++;
    s->with_unit += r->unit_id != 0;
    assert_true(r->category_parent != 0 && *r->text);
    return 0;
}

static void test_training_and_duplicates(void **state)
{
    fx *f = *state;
    int64_t a = reg(f, T0, "13800000001", "路灯不亮");
    int64_t b = reg(f, T0 + 60, "13800000002", "路灯坏了");
    int64_t c = reg(f, T0 + 120, "13800000003", "路灯不亮了");
    int64_t d = reg(f, T0 + 10 * DAY, "13800000004", "路灯");
    answer(f, d, T0 + 10 * DAY + 60, 0);
    /* a closed, answered request is a training row without a unit */
    struct seen s = {0};
    assert_int_equal(store_training_rows(f->s, 100, count_row, &s), 0);
    assert_int_equal(s.rows, 1);
    assert_int_equal(s.with_unit, 0);
    /* candidates: open, in the window, same category or address, not itself */
    store_dup_query q = {.exclude_id = a, .from = T0 - DAY, .to = T0 + DAY,
                         .category_id = f->leaf2, .address = "人民路1号", .limit = 10};
    store_dup_case *items;
    size_t n;
    assert_int_equal(store_dup_candidates(f->s, f->a, &q, &items, &n), 0);
    assert_int_equal(n, 2); /* b, c by address (another category asked); d closed */
    assert_int_equal(items[0].id, c); /* newest first */
    q.address = "";
    assert_int_equal(store_dup_candidates(f->s, f->a, &q, &items, &n), 0);
    assert_int_equal(n, 0);
    q.category_id = f->leaf;
    assert_int_equal(store_dup_candidates(f->s, f->a, &q, &items, &n), 0);
    assert_int_equal(n, 2);
    /* the category's requests of another district are not candidates, of its own they are */
    q.district_id = f->dist + 1000;
    assert_int_equal(store_dup_candidates(f->s, f->a, &q, &items, &n), 0);
    assert_int_equal(n, 0);
    q.district_id = f->dist;
    assert_int_equal(store_dup_candidates(f->s, f->a, &q, &items, &n), 0);
    assert_int_equal(n, 2);
    q.limit = 1;
    assert_int_equal(store_dup_candidates(f->s, f->a, &q, &items, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, c);
    q.limit = 10;
    /* merge b and c into a: a cluster of three */
    int64_t merged = -1;
    assert_int_equal(store_merged_count(f->s, a, &merged), 0);
    assert_int_equal(merged, 0);
    for (int64_t x = b; x <= c; x++) {
        store_case_event ev = {.ev = {.action = ACT_MERGE, .at = T0 + 200, .merged_into = a,
                                      .actor_role = ROLE_DISPATCHER}};
        assert_int_equal(store_case_act(f->s, x, &ev, NULL, NULL), 0);
    }
    assert_int_equal(store_merged_count(f->s, a, &merged), 0);
    assert_int_equal(merged, 2);
    assert_int_equal(store_merge_clusters(f->s, f->a, T0 - DAY, 2, &items, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(items[0].id, a);
    assert_int_equal(items[1].merged_into, a);
    assert_int_equal(items[1].state, CASE_MERGED);
    assert_int_equal(store_merge_clusters(f->s, f->a, T0 - DAY, 3, &items, &n), 0);
    assert_int_equal(n, 0);
    /* open requests since: a is open, b and c are merged, d closed */
    assert_int_equal(store_cases_open_since(f->s, f->a, T0 - DAY, 100, &items, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_search_terms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validity_and_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ranking_and_update, setup, teardown),
        cmocka_unit_test_setup_teardown(test_maintenance_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_models_and_words, setup, teardown),
        cmocka_unit_test_setup_teardown(test_training_and_duplicates, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
