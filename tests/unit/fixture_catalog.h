/* fixture_catalog.h — the smallest catalogue a store test can register requests in: a
 * level-1, level-2 and level-3 category (城建 › 市政 › 路灯, a report of normal urgency).
 * Header-only, like tmp_dir.h: each test program is one .c file. */
#ifndef HOTLINE_TESTS_FIXTURE_CATALOG_H
#define HOTLINE_TESTS_FIXTURE_CATALOG_H

#include "store/catalogue.h"

/* Creates the three categories in s; returns the leaf's id. */
static int64_t fixture_leaf_category(store *s)
{
    int64_t top = 0, mid = 0, leaf = 0;
    store_category c = {.code = "02", .name_zh = "城建", .name_en = "Urban", .level = 1,
                        .keywords = "", .active = true};
    assert_int_equal(store_category_create(s, &c, &top), 0);
    c = (store_category){.parent_id = top, .code = "0201", .name_zh = "市政", .name_en = "Works",
                         .level = 2, .keywords = "", .active = true};
    assert_int_equal(store_category_create(s, &c, &mid), 0);
    c = (store_category){.parent_id = mid, .code = "020101", .name_zh = "路灯", .name_en = "Lamps",
                         .level = 3, .leaf_fields = true, .type = REQ_REPORT,
                         .urgency = URGENCY_NORMAL, .keywords = "", .active = true};
    assert_int_equal(store_category_create(s, &c, &leaf), 0);
    return leaf;
}

#endif
