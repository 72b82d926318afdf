/* test_tree.c — unit tests of core/tree.c: the in-memory walk up a tree. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/tree.h"

static void test_within(void **state)
{
    (void)state;
    /* 0 the centre; 1, 2 districts; 3 a street of 1 */
    const int parent[] = {-1, 0, 0, 1};
    assert_true(tree_within(parent, 3, 3));
    assert_true(tree_within(parent, 3, 1));
    assert_true(tree_within(parent, 3, 0));
    assert_false(tree_within(parent, 3, 2));
    assert_false(tree_within(parent, 1, 3));
    assert_false(tree_within(parent, -1, 0));
}

static void test_bounded(void **state)
{
    (void)state;
    /* a corrupt cycle ends the walk */
    const int cycle[] = {1, 0, -1};
    assert_false(tree_within(cycle, 0, 2));
    /* a chain deeper than the limit is cut at TREE_DEPTH_MAX levels up */
    int chain[TREE_DEPTH_MAX + 2];
    chain[0] = -1;
    for (int i = 1; i < TREE_DEPTH_MAX + 2; i++) chain[i] = i - 1;
    assert_true(tree_within(chain, TREE_DEPTH_MAX, 0));
    assert_false(tree_within(chain, TREE_DEPTH_MAX + 1, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_within),
        cmocka_unit_test(test_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
