/* test_meta_strip.c — media/meta_strip: PNG and WebP lose their metadata chunks and keep the
 * rest byte for byte; broken chains are refused. */
#include "core/filetype.h"
#include "media/meta_strip.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#define PNG_SIG "\x89PNG\r\n\x1a\n"
#define IHDR "\0\0\0\x0dIHDR" "0123456789abc" "crc!"
#define EXIF "\0\0\0\x04" "eXIf" "II*\0" "crc!"
#define ITXT "\0\0\0\x03" "iTXt" "xmp" "crc!"
#define IDAT "\0\0\0\x02" "IDAT" "zz" "crc!"
#define IEND "\0\0\0\0IEND" "\xae\x42\x60\x82"

static void test_png(void **state)
{
    (void)state;
    uint8_t d[] = PNG_SIG IHDR EXIF IDAT ITXT IEND;
    static const uint8_t want[] = PNG_SIG IHDR IDAT IEND;
    size_t n = 0;
    assert_int_equal(meta_strip_png(d, sizeof d - 1, &n), 0);
    assert_int_equal(n, sizeof want - 1);
    assert_memory_equal(d, want, n);
    filetype t;
    assert_int_equal(filetype_sniff(d, n, &t), FILETYPE_OK);
    /* nothing to drop: the same length */
    assert_int_equal(meta_strip_png(d, n, &n), 0);
    assert_int_equal(n, sizeof want - 1);
    uint8_t cut[] = PNG_SIG IHDR IDAT;
    assert_int_equal(meta_strip_png(cut, sizeof cut - 1, &n), HL_EINVAL);
}

static void test_webp(void **state)
{
    (void)state;
    /* RIFF size = 4 (WEBP) + VP8X (8+10) + EXIF (8+3+1 pad) + VP8 (8+4) + XMP (8+2) = 56 */
    uint8_t d[] = "RIFF\x38\0\0\0WEBP"
                  "VP8X\x0a\0\0\0\x0c\0\0\0\0\0\0\0\0\0"
                  "EXIF\x03\0\0\0abc\0"
                  "VP8 \x04\0\0\0wxyz"
                  "XMP \x02\0\0\0<>";
    size_t n = 0;
    filetype t;
    assert_int_equal(filetype_sniff(d, sizeof d - 1, &t), FILETYPE_OK);
    assert_int_equal(meta_strip_webp(d, sizeof d - 1, &n), 0);
    static const uint8_t want[] = "RIFF\x22\0\0\0WEBP"
                                  "VP8X\x0a\0\0\0\x00\0\0\0\0\0\0\0\0\0"
                                  "VP8 \x04\0\0\0wxyz";
    assert_int_equal(n, sizeof want - 1);
    assert_memory_equal(d, want, n);
    assert_int_equal(filetype_sniff(d, n, &t), FILETYPE_OK);
    uint8_t bad[] = "RIFF\x10\0\0\0WEBPVP8 \x40\0\0\0ab";
    assert_int_equal(meta_strip_webp(bad, sizeof bad - 1, &n), HL_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_png),
        cmocka_unit_test(test_webp),
    };
    return cmocka_run_group_tests_name("meta_strip", tests, NULL, NULL);
}
