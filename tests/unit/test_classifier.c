/* test_classifier.c — unit tests of core/classifier.c: a small fixture of Chinese and English
 * requests it must learn (held-out sentences classified right), tags that decide between
 * classes, probabilities that sum to one and are ordered, calibration on noisy labels,
 * save/load round trips, and refusal of damaged model bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/classifier.h"
#include "util/err.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *text, *label;
} fixture[] = {
    {"小区门口的路灯坏了，晚上一片漆黑", "streetlight"},
    {"路灯不亮已经一周了，请尽快维修", "streetlight"},
    {"建设路的路灯白天一直亮着，浪费电", "streetlight"},
    {"人民路两盏路灯不亮，行人看不清路", "streetlight"},
    {"公园旁边路灯坏了好几天", "streetlight"},
    {"家里突然停水了，水龙头一滴水都没有", "water"},
    {"小区从早上开始停水，也没有通知", "water"},
    {"自来水发黄浑浊，有异味，不敢喝", "water"},
    {"停水两天了，老人孩子生活很不方便", "water"},
    {"水压太低，高楼层上不去水", "water"},
    {"楼下饭店油烟太大，呛得睡不着", "fumes"},
    {"餐馆排烟管道直接对着居民窗户，油烟扰民", "fumes"},
    {"烧烤摊油烟很重，晚上没法开窗", "fumes"},
    {"饭店厨房油烟污染，投诉多次没人管", "fumes"},
    {"Street light broken on Main Street, very dark at night", "streetlight"},
    {"No water since this morning in my apartment", "water"},
    {"Restaurant kitchen smoke and cooking fumes all evening", "fumes"},
};
#define NFIX (sizeof fixture / sizeof fixture[0])

static classifier *train_fixture(int folds)
{
    clf_doc docs[NFIX];
    const char *labels[NFIX];
    for (size_t i = 0; i < NFIX; i++) {
        docs[i] = (clf_doc){.text = fixture[i].text, .len = strlen(fixture[i].text)};
        labels[i] = fixture[i].label;
    }
    classifier *m = NULL;
    clf_params p = {.folds = folds};
    assert_int_equal(clf_train(docs, labels, NFIX, &p, &m), 0);
    assert_non_null(m);
    return m;
}

static const char *best(const classifier *m, const char *text)
{
    clf_doc d = {.text = text, .len = strlen(text)};
    clf_guess g[1];
    size_t got = 0;
    assert_int_equal(clf_predict(m, &d, g, 1, &got), 0);
    assert_int_equal(got, 1);
    return g[0].label;
}

static void test_learns_the_fixture(void **state)
{
    (void)state;
    classifier *m = train_fixture(1);
    /* sentences it has not seen */
    assert_string_equal(best(m, "我家门口路灯不亮"), "streetlight");
    assert_string_equal(best(m, "今天又停水了"), "water");
    assert_string_equal(best(m, "隔壁餐馆油烟很大"), "fumes");
    assert_string_equal(best(m, "the street light is broken"), "streetlight");
    assert_string_equal(best(m, "there is no water"), "water");
    clf_info i;
    clf_get_info(m, &i);
    assert_int_equal(i.samples, NFIX);
    assert_int_equal(i.classes, 3);
    assert_true(i.features > 50);
    clf_free(m);
}

static void test_top_k_probabilities(void **state)
{
    (void)state;
    classifier *m = train_fixture(1);
    clf_doc d = {.text = "路灯", .len = strlen("路灯")};
    clf_guess g[5];
    size_t got = 0;
    assert_int_equal(clf_predict(m, &d, g, 5, &got), 0);
    assert_int_equal(got, 3); /* only three classes */
    double sum = 0;
    for (size_t i = 0; i < got; i++) {
        assert_true(g[i].p >= 0 && g[i].p <= 1);
        if (i) assert_true(g[i - 1].p >= g[i].p);
        sum += g[i].p;
    }
    assert_true(fabs(sum - 1) < 1e-9);
    assert_string_equal(g[0].label, "streetlight");
    /* k = 0 asks for nothing */
    assert_int_equal(clf_predict(m, &d, g, 0, &got), 0);
    assert_int_equal(got, 0);
    /* no known term: still an answer, from the class sizes alone */
    clf_doc none = {.text = "？？", .len = strlen("？？")};
    assert_int_equal(clf_predict(m, &none, g, 3, &got), 0);
    assert_int_equal(got, 3);
    clf_free(m);
}

static void test_tags_decide(void **state)
{
    (void)state;
    /* the same text goes to a different unit in each district: only the tag tells them apart */
    const char *texts[] = {"垃圾没人清运", "垃圾没人清运", "垃圾桶满了没人收", "垃圾桶满了没人收",
                           "垃圾清运不及时", "垃圾清运不及时"};
    const char *tags_a[] = {"d:1"}, *tags_b[] = {"d:2"};
    const char *labels[] = {"east", "west", "east", "west", "east", "west"};
    clf_doc docs[6];
    for (int i = 0; i < 6; i++)
        docs[i] = (clf_doc){.text = texts[i], .len = strlen(texts[i]),
                            .tags = i % 2 ? tags_b : tags_a, .ntags = 1};
    classifier *m = NULL;
    clf_params p = {.folds = 1, .tag_weight = 2};
    assert_int_equal(clf_train(docs, labels, 6, &p, &m), 0);
    clf_doc q = {.text = "垃圾没人收", .len = strlen("垃圾没人收"), .tags = tags_b, .ntags = 1};
    clf_guess g[2];
    size_t got = 0;
    assert_int_equal(clf_predict(m, &q, g, 2, &got), 0);
    assert_string_equal(g[0].label, "west");
    assert_true(g[0].p > 0.8);
    q.tags = tags_a;
    assert_int_equal(clf_predict(m, &q, g, 2, &got), 0);
    assert_string_equal(g[0].label, "east");
    clf_free(m);
}

/* Labels that are 30 % noise: the cross-validated temperature must keep the confidence near
 * the real accuracy instead of near 1. */
static void test_calibration(void **state)
{
    (void)state;
    enum { N = 400 };
    static char texts[N][64];
    const char *labels[N];
    clf_doc docs[N];
    unsigned seed = 7;
    for (int i = 0; i < N; i++) {
        int cls = i % 2;
        seed = seed * 1103515245u + 12345u;
        bool noisy = (seed >> 16) % 10 < 3;
        snprintf(texts[i], sizeof texts[i], "%s 编号%d", cls ? "路灯不亮 照明" : "停水 没水", i);
        docs[i] = (clf_doc){.text = texts[i], .len = strlen(texts[i])};
        labels[i] = (cls ^ noisy) ? "light" : "water";
    }
    classifier *m = NULL;
    assert_int_equal(clf_train(docs, labels, N, NULL, &m), 0);
    clf_info info;
    clf_get_info(m, &info);
    assert_true(info.cv_top1 > 0.6 && info.cv_top1 < 0.8);
    assert_true(fabs(info.cv_confidence - info.cv_top1) < 0.08);
    clf_doc d = {.text = "路灯不亮", .len = strlen("路灯不亮")};
    clf_guess g[1];
    size_t got;
    assert_int_equal(clf_predict(m, &d, g, 1, &got), 0);
    assert_string_equal(g[0].label, "light");
    assert_true(g[0].p > 0.55 && g[0].p < 0.9);
    clf_free(m);
}

static void test_save_load(void **state)
{
    (void)state;
    classifier *m = train_fixture(0);
    unsigned char *data = NULL;
    size_t len = 0;
    assert_int_equal(clf_save(m, &data, &len), 0);
    classifier *back = NULL;
    assert_int_equal(clf_load(data, len, &back), 0);
    const char *probes[] = {"路灯坏了", "停水", "油烟", "no water", ""};
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        clf_doc d = {.text = probes[i], .len = strlen(probes[i])};
        clf_guess a[3], b[3];
        size_t na, nb;
        assert_int_equal(clf_predict(m, &d, a, 3, &na), 0);
        assert_int_equal(clf_predict(back, &d, b, 3, &nb), 0);
        assert_int_equal(na, nb);
        for (size_t j = 0; j < na; j++) {
            assert_string_equal(a[j].label, b[j].label);
            assert_true(fabs(a[j].p - b[j].p) < 1e-6); /* log-ratios are stored as floats */
        }
    }
    clf_info x, y;
    clf_get_info(m, &x);
    clf_get_info(back, &y);
    assert_int_equal(x.features, y.features);
    assert_true(x.temperature == y.temperature && x.cv_top1 == y.cv_top1);
    /* the same model saves to the same bytes */
    unsigned char *again = NULL;
    size_t len2 = 0;
    assert_int_equal(clf_save(back, &again, &len2), 0);
    assert_int_equal(len, len2);
    assert_memory_equal(data, again, len);
    free(again);
    clf_free(back);
    clf_free(m);
    free(data);
}

static void test_load_refuses_damage(void **state)
{
    (void)state;
    classifier *m = train_fixture(1);
    unsigned char *data = NULL;
    size_t len = 0;
    assert_int_equal(clf_save(m, &data, &len), 0);
    classifier *out = NULL;
    /* every truncation */
    for (size_t n = 0; n < len; n += (n < 200 ? 1 : 97)) {
        assert_int_equal(clf_load(data, n, &out), HL_EINVAL);
        assert_null(out);
    }
    /* a byte too many */
    unsigned char *longer = malloc(len + 1);
    memcpy(longer, data, len);
    longer[len] = 0;
    assert_int_equal(clf_load(longer, len + 1, &out), HL_EINVAL);
    free(longer);
    /* bad magic, bad version, absurd class count */
    unsigned char *bad = malloc(len);
    memcpy(bad, data, len);
    bad[0] = 'X';
    assert_int_equal(clf_load(bad, len, &out), HL_EINVAL);
    memcpy(bad, data, len);
    bad[4] = 9;
    assert_int_equal(clf_load(bad, len, &out), HL_EINVAL);
    memcpy(bad, data, len);
    bad[8] = 0xff;
    bad[9] = 0xff;
    assert_int_equal(clf_load(bad, len, &out), HL_EINVAL);
    /* flipping any single byte never crashes (ASan watches); it loads or is refused */
    for (size_t i = 0; i < len; i += 3) {
        memcpy(bad, data, len);
        bad[i] ^= 0x5a;
        int rc = clf_load(bad, len, &out);
        assert_true(rc == 0 || rc == HL_EINVAL);
        if (!rc) {
            clf_doc d = {.text = "路灯", .len = strlen("路灯")};
            clf_guess g[3];
            size_t got;
            assert_int_equal(clf_predict(out, &d, g, 3, &got), 0);
            clf_free(out);
            out = NULL;
        }
    }
    free(bad);
    free(data);
    clf_free(m);
}

static void test_bad_input(void **state)
{
    (void)state;
    clf_doc d = {.text = "x", .len = 1};
    const char *empty[] = {""}, *ok[] = {"a"};
    classifier *m = NULL;
    assert_int_equal(clf_train(&d, ok, 0, NULL, &m), HL_EINVAL);
    assert_int_equal(clf_train(&d, empty, 1, NULL, &m), HL_EINVAL);
    char longlabel[CLF_MAX_LABEL + 2];
    memset(longlabel, 'a', sizeof longlabel - 1);
    longlabel[sizeof longlabel - 1] = 0;
    const char *lng[] = {longlabel};
    assert_int_equal(clf_train(&d, lng, 1, NULL, &m), HL_EINVAL);
    assert_null(m);
    /* one document, one class: trains, predicts it with certainty */
    assert_int_equal(clf_train(&d, ok, 1, NULL, &m), 0);
    clf_guess g[2];
    size_t got;
    assert_int_equal(clf_predict(m, &d, g, 2, &got), 0);
    assert_int_equal(got, 1);
    assert_string_equal(g[0].label, "a");
    assert_true(fabs(g[0].p - 1) < 1e-12);
    clf_free(m);
    clf_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_learns_the_fixture), cmocka_unit_test(test_top_k_probabilities),
        cmocka_unit_test(test_tags_decide),        cmocka_unit_test(test_calibration),
        cmocka_unit_test(test_save_load),          cmocka_unit_test(test_load_refuses_damage),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
