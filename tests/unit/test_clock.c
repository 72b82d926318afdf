/* test_clock.c — unit tests for util/clock: the system's clocks by default; with a clock file
 * both clocks run ahead by its offset, follow a file renamed over it, keep the last offset when
 * the file goes, and refuse a file without an offset. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/clock.h"
#include "util/err.h"
#include "tmp_dir.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

typedef struct {
    char dir[128];
    char file[192];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f) return -1;
    tmp_dir_make(f->dir, sizeof f->dir, "clock");
    snprintf(f->file, sizeof f->file, "%s/clock", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    assert_int_equal(clock_use_file(NULL), 0);
    tmp_dir_remove(f->dir);
    free(f);
    return 0;
}

/* Writes text to a new file and renames it over path, as the tests' fixture does. */
static void put(const char *path, const char *text)
{
    char tmp[256];
    snprintf(tmp, sizeof tmp, "%s.new", path);
    FILE *fp = fopen(tmp, "w");
    assert_non_null(fp);
    assert_int_equal(fputs(text, fp) >= 0, 1);
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(rename(tmp, path), 0);
}

static int64_t system_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* clock_now() - time(NULL), read so that a second boundary in between cannot fool it. */
static int64_t wall_offset(void)
{
    for (;;) {
        int64_t before = (int64_t)time(NULL), now = clock_now(), after = (int64_t)time(NULL);
        if (before == after) return now - before;
    }
}

/* clock_mono_ms() - CLOCK_MONOTONIC in ms, rounded to whole seconds (the reads are a few
 * microseconds apart). */
static int64_t mono_offset_s(void)
{
    int64_t d = clock_mono_ms() - system_mono_ms();
    return (d + (d < 0 ? -500 : 500)) / 1000;
}

static void test_system_clocks_by_default(void **state)
{
    (void)state;
    assert_int_equal(wall_offset(), 0);
    assert_int_equal(mono_offset_s(), 0);
    int64_t a = clock_mono_ms(), b = clock_mono_ms();
    assert_true(b >= a);
}

static void test_file_offset_moves_both_clocks(void **state)
{
    fixture *f = *state;
    put(f->file, "62\n");
    assert_int_equal(clock_use_file(f->file), 0);
    assert_int_equal(wall_offset(), 62);
    assert_int_equal(mono_offset_s(), 62);
    /* a test advances: the next reading sees the file that replaced it */
    put(f->file, "962");
    assert_int_equal(wall_offset(), 962);
    assert_int_equal(mono_offset_s(), 962);
    put(f->file, "  -3600 \n");
    assert_int_equal(wall_offset(), -3600);
}

static void test_a_failed_read_keeps_the_last_offset(void **state)
{
    fixture *f = *state;
    put(f->file, "100");
    assert_int_equal(clock_use_file(f->file), 0);
    assert_int_equal(unlink(f->file), 0);
    assert_int_equal(wall_offset(), 100);
    put(f->file, "garbage");
    assert_int_equal(wall_offset(), 100);
    put(f->file, "");
    assert_int_equal(mono_offset_s(), 100);
    put(f->file, "101");
    assert_int_equal(wall_offset(), 101);
}

static void test_a_file_without_an_offset_is_refused(void **state)
{
    fixture *f = *state;
    char missing[256];
    snprintf(missing, sizeof missing, "%s/missing", f->dir);
    assert_int_equal(clock_use_file(missing), HL_EINVAL);
    const char *bad[] = {"",          "\n", "1.5", "12 seconds", "x1", "99999999999999999999",
                         "4000000000" /* more than a century */};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        put(f->file, bad[i]);
        assert_int_equal(clock_use_file(f->file), HL_EINVAL);
    }
    /* nothing changed: still the system's clocks */
    assert_int_equal(wall_offset(), 0);
    assert_int_equal(clock_use_file(""), HL_EINVAL);
}

static void test_null_returns_to_the_system_clocks(void **state)
{
    fixture *f = *state;
    put(f->file, "500");
    assert_int_equal(clock_use_file(f->file), 0);
    assert_int_equal(wall_offset(), 500);
    assert_int_equal(clock_use_file(NULL), 0);
    assert_int_equal(wall_offset(), 0);
    put(f->file, "700"); /* no longer read */
    assert_int_equal(wall_offset(), 0);
    assert_int_equal(mono_offset_s(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_system_clocks_by_default, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_offset_moves_both_clocks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_failed_read_keeps_the_last_offset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_file_without_an_offset_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_null_returns_to_the_system_clocks, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
