/* test_work_queue.c — unit tests of core/work_queue.c: the table of the desks' work lists. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/lifecycle.h"
#include "core/work_queue.h"

#include <string.h>

static void test_find(void **state)
{
    (void)state;
    const char *names[] = {"to_dispatch", "to_sign", "in_hand", "due_soon",
                           "overdue",     "returns", "extensions", "to_visit"};
    assert_int_equal(work_queue_count(), 8);
    for (size_t i = 0; i < 8; i++) {
        const work_queue *w = work_queue_find(names[i]);
        assert_non_null(w);
        assert_ptr_equal(w, work_queue_at(i));
        assert_string_equal(w->name, names[i]);
    }
    assert_null(work_queue_find("nope"));
    assert_null(work_queue_find(NULL));
    assert_null(work_queue_at(8));
}

static void test_conditions(void **state)
{
    (void)state;
    assert_int_equal(work_queue_find("to_dispatch")->states, 1u << CASE_REGISTERED);
    assert_int_equal(work_queue_find("to_sign")->states, 1u << CASE_DISPATCHED);
    assert_int_equal(work_queue_find("in_hand")->states, 1u << CASE_SIGNED);
    assert_int_equal(work_queue_find("returns")->states, 1u << CASE_RETURN_PENDING);
    /* due soon and overdue: every open state, never the closed or merged */
    const work_queue *soon = work_queue_find("due_soon"), *late = work_queue_find("overdue");
    for (int s = 0; s < CASE_STATE_COUNT; s++) {
        bool open = s != CASE_CLOSED && s != CASE_MERGED;
        assert_int_equal((soon->states >> s) & 1u, open);
        assert_int_equal((late->states >> s) & 1u, open);
    }
    assert_int_equal(soon->due_within_s, WORK_QUEUE_DUE_SOON_S);
    assert_false(soon->overdue);
    assert_true(late->overdue);
    const work_queue *ext = work_queue_find("extensions");
    assert_true(ext->extension_pending);
    assert_int_equal(ext->states, 0);
    const work_queue *visit = work_queue_find("to_visit");
    assert_int_equal(visit->states, (1u << CASE_REPLIED) | (1u << CASE_VISITED));
    assert_true(visit->no_valid_visit);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_conditions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
