/* test_duplicates.c — unit tests of core/duplicates.c: term sets and cosine similarity,
 * distances, the rule by category, scoring (same address, nearby, time window, location that
 * contradicts, different districts, text alone) and greedy clustering of mutually similar
 * requests. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/duplicates.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

typedef struct {
    uint64_t terms[DUP_MAX_TERMS], addr[64];
    dup_item it;
} req;

static void mk(req *r, int64_t id, int64_t cat, int64_t district, const char *text,
               const char *address, int64_t at)
{
    memset(r, 0, sizeof *r);
    r->it = (dup_item){.id = id, .category_id = cat, .district_id = district, .at = at,
                       .terms = r->terms, .addr_terms = r->addr};
    r->it.nterms = dup_terms(text, strlen(text), r->terms, DUP_MAX_TERMS);
    r->it.naddr = address ? dup_terms(address, strlen(address), r->addr, 64) : 0;
}

static void at_point(req *r, double lat, double lng)
{
    r->it.has_location = true;
    r->it.lat = lat;
    r->it.lng = lng;
}

static void test_terms_and_similarity(void **state)
{
    (void)state;
    uint64_t a[16], b[16];
    size_t na = dup_terms("路灯不亮路灯", strlen("路灯不亮路灯"), a, 16);
    assert_int_equal(na, 4); /* 路灯 灯不 不亮 亮路, 路灯 once */
    for (size_t i = 1; i < na; i++) assert_true(a[i - 1] < a[i]);
    size_t nb = dup_terms("路灯不亮", strlen("路灯不亮"), b, 16);
    assert_true(fabs(dup_similarity(a, na, b, nb) - 3 / sqrt(12.0)) < 1e-12);
    assert_true(fabs(dup_similarity(a, na, a, na) - 1) < 1e-12);
    assert_true(dup_similarity(a, na, b, 0) == 0);
    assert_int_equal(dup_terms("", 0, a, 16), 0);
    assert_int_equal(dup_terms("abc", 3, a, 0), 0);
    /* the cap: only the first terms */
    assert_int_equal(dup_terms("一二三四五六七八九十", strlen("一二三四五六七八九十"), a, 3), 3);
    /* English words, case folded */
    na = dup_terms("Water PIPE burst", 16, a, 16);
    nb = dup_terms("water pipe", 10, b, 16);
    assert_true(fabs(dup_similarity(a, na, b, nb) - 2 / sqrt(6.0)) < 1e-12);
}

static void test_distance_and_rules(void **state)
{
    (void)state;
    /* one degree of latitude is about 111.2 km */
    assert_true(fabs(dup_distance_m(30.0, 114.0, 31.0, 114.0) - 111195) < 50);
    assert_true(dup_distance_m(30.6, 114.3, 30.6, 114.3) == 0);
    assert_true(fabs(dup_distance_m(30.6, 114.3, 30.6009, 114.3) - 100) < 1);
    dup_rule lamp = dup_rule_for("020101"), power = dup_rule_for("090201"),
             noise = dup_rule_for("030201"), none = dup_rule_for(NULL);
    assert_true(lamp.radius_m == 150 && lamp.window_s == 72 * 3600);
    assert_true(power.radius_m == 2000 && power.window_s == 24 * 3600);
    assert_true(noise.radius_m == 500);
    assert_true(none.radius_m == lamp.radius_m);
}

static void test_same_address(void **state)
{
    (void)state;
    req a, b, c;
    int64_t t = 1800000000;
    mk(&a, 1, 7, 2, "建设路128号门口路灯不亮，晚上很黑", "建设路128号", t);
    mk(&b, 2, 7, 2, "128号门口的路灯坏了好几天", "建设路 128号", t + 3600);
    mk(&c, 3, 9, 2, "楼下饭店油烟很大", "建设路128号", t + 7200);
    dup_rule r = dup_rule_for("020101");
    unsigned why = 0;
    double s = dup_score(&a.it, &b.it, &r, &why);
    assert_true(s >= DUP_THRESHOLD);
    assert_true(why & DUP_SAME_ADDRESS);
    assert_true(why & DUP_SAME_CATEGORY);
    assert_true(why & DUP_SAME_DISTRICT);
    /* symmetric for the same rule */
    assert_true(fabs(dup_score(&b.it, &a.it, &r, NULL) - s) < 1e-12);
    /* same address, another problem: a candidate, but below the threshold */
    double other = dup_score(&a.it, &c.it, &r, &why);
    assert_true(other > 0 && other < DUP_THRESHOLD);
    assert_false(why & DUP_SAME_CATEGORY);
}

static void test_nearby_and_window(void **state)
{
    (void)state;
    req a, b, far, late;
    int64_t t = 1800000000;
    const char *text = "路灯不亮，晚上很黑";
    mk(&a, 1, 7, 2, text, NULL, t);
    mk(&b, 2, 7, 2, text, NULL, t + 60);
    at_point(&a, 30.6, 114.3);
    at_point(&b, 30.6005, 114.3); /* ~56 m */
    dup_rule r = dup_rule_for("020101");
    unsigned why = 0;
    double near = dup_score(&a.it, &b.it, &r, &why);
    assert_true(near >= DUP_THRESHOLD);
    assert_true(why & DUP_NEARBY);
    /* 300 m apart: the coordinates say elsewhere, even with the same words */
    mk(&far, 3, 7, 2, text, NULL, t);
    at_point(&far, 30.6027, 114.3);
    assert_true(dup_score(&a.it, &far.it, &r, NULL) == 0);
    /* but a power cut spans 2 km */
    dup_rule p = dup_rule_for("090201");
    assert_true(dup_score(&a.it, &far.it, &p, NULL) >= DUP_THRESHOLD);
    /* closer scores higher */
    req closer;
    mk(&closer, 4, 7, 2, text, NULL, t);
    at_point(&closer, 30.6001, 114.3);
    assert_true(dup_score(&a.it, &closer.it, &r, NULL) > near);
    /* outside the time window: never */
    mk(&late, 5, 7, 2, text, NULL, t + 73 * 3600);
    at_point(&late, 30.6, 114.3);
    assert_true(dup_score(&a.it, &late.it, &r, NULL) == 0);
    assert_true(dup_score(&a.it, &late.it, &p, NULL) == 0); /* 24 h for outages */
}

static void test_text_and_districts(void **state)
{
    (void)state;
    req a, b, c, d;
    int64_t t = 1800000000;
    mk(&a, 1, 7, 2, "幸福里小区停电了，整栋楼都没电", NULL, t);
    mk(&b, 2, 7, 2, "幸福里小区停电，整栋楼没电了", NULL, t + 600);
    mk(&c, 3, 7, 3, "幸福里小区停电，整栋楼没电了", NULL, t + 600); /* another district */
    mk(&d, 4, 7, 2, "电费怎么交", NULL, t + 600);
    dup_rule r = dup_rule_for("090201");
    unsigned why = 0;
    assert_true(dup_score(&a.it, &b.it, &r, &why) >= DUP_THRESHOLD);
    assert_true(why & DUP_SIMILAR_TEXT);
    assert_false(why & (DUP_SAME_ADDRESS | DUP_NEARBY));
    assert_true(dup_score(&a.it, &c.it, &r, NULL) == 0);
    assert_true(dup_score(&a.it, &d.it, &r, NULL) == 0); /* same category, nothing alike */
    /* a similar address without coordinates: the same compound */
    req e, f;
    mk(&e, 5, 8, 2, "小区门口路灯不亮", "幸福里小区3栋", t);
    mk(&f, 6, 8, 2, "路灯坏了，请修理", "幸福里小区5栋", t + 60);
    assert_true(dup_score(&e.it, &f.it, &r, &why) > 0);
    assert_true(why & DUP_SIMILAR_ADDRESS);
}

static void test_clusters(void **state)
{
    (void)state;
    int64_t t = 1800000000;
    req r[7];
    mk(&r[0], 10, 7, 2, "建设路128号路灯不亮", "建设路128号", t);
    mk(&r[1], 11, 7, 2, "建设路128号门口路灯坏了", "建设路128号", t + 100);
    mk(&r[2], 12, 8, 2, "饭店油烟扰民", "人民路5号", t + 200);
    mk(&r[3], 13, 7, 2, "建设路128号的路灯不亮了", "建设路128号", t + 300);
    mk(&r[4], 14, 7, 2, "公园里的灯坏了", "公园路1号", t + 400);
    mk(&r[5], 15, 8, 2, "饭店油烟扰民", "人民路5号", t + 500);
    mk(&r[6], 16, 7, 4, "建设路128号路灯不亮", "建设路128号", t + 100); /* same address string, other district */
    dup_item items[7];
    dup_rule rules[7];
    int group[7];
    for (int i = 0; i < 7; i++) {
        items[i] = r[i].it;
        rules[i] = dup_rule_for(items[i].category_id == 7 ? "020101" : "030101");
    }
    int n = dup_clusters(items, rules, 7, 3, group);
    assert_int_equal(n, 1);
    /* the three lamp reports at 建设路128号 in district 2 — and the fourth, which shares the
     * exact address (the same place is the same place, whatever district was typed) */
    int g = group[0];
    assert_true(g == 0);
    assert_int_equal(group[1], g);
    assert_int_equal(group[3], g);
    assert_int_equal(group[6], g);
    assert_int_equal(group[4], -1);
    assert_int_equal(group[2], -1); /* a pair is not hot */
    assert_int_equal(group[5], -1);
    /* with min_size 2 the fume pair is a cluster too */
    n = dup_clusters(items, rules, 7, 2, group);
    assert_int_equal(n, 2);
    assert_true(group[2] >= 0 && group[2] == group[5]);
    /* nothing to cluster */
    assert_int_equal(dup_clusters(items, rules, 0, 3, group), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_terms_and_similarity), cmocka_unit_test(test_distance_and_rules),
        cmocka_unit_test(test_same_address),         cmocka_unit_test(test_nearby_and_window),
        cmocka_unit_test(test_text_and_districts),   cmocka_unit_test(test_clusters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
