/* test_filetype.c — core/filetype: each allowed type told by its content, damaged ones
 * refused as damaged, everything else unknown whatever its name would say. */
#include "core/filetype.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

static filetype_verdict sniff(const void *d, size_t n, filetype *t)
{
    return filetype_sniff(d, n, t);
}

#define SNIFF(lit, t) sniff(lit, sizeof lit - 1, t)

static void test_photos(void **state)
{
    (void)state;
    filetype t;
    assert_int_equal(SNIFF("\xFF\xD8\xFF\xE0 jfif data \xFF\xD9", &t), FILETYPE_OK);
    assert_string_equal(t.mime, "image/jpeg");
    assert_int_equal(t.kind, FILE_PHOTO);
    assert_string_equal(t.ext, "jpg");
    /* cut short: no end-of-image marker */
    assert_int_equal(SNIFF("\xFF\xD8\xFF\xE0 jfif data", &t), FILETYPE_DAMAGED);

    static const char png[] = "\x89PNG\r\n\x1a\n"
                              "\0\0\0\x0dIHDR" "0123456789abc" "crc!"
                              "\0\0\0\0IEND" "\xae\x42\x60\x82";
    assert_int_equal(sniff(png, sizeof png - 1, &t), FILETYPE_OK);
    assert_string_equal(t.mime, "image/png");
    assert_int_equal(sniff(png, sizeof png - 9, &t), FILETYPE_DAMAGED); /* no IEND */
    assert_int_equal(sniff(png, sizeof png - 2, &t), FILETYPE_DAMAGED); /* IEND cut */

    static const char webp[] = "RIFF\x10\0\0\0WEBPVP8 \x04\0\0\0abcd";
    assert_int_equal(sniff(webp, sizeof webp - 1, &t), FILETYPE_OK);
    assert_string_equal(t.mime, "image/webp");
    assert_int_equal(sniff(webp, sizeof webp - 3, &t), FILETYPE_DAMAGED);
    static const char webp_cut[] = "RIFF\x10\0\0\0WEBPVP8 \x08\0\0\0abcd"; /* chunk past the end */
    assert_int_equal(sniff(webp_cut, sizeof webp_cut - 1, &t), FILETYPE_DAMAGED);

    static const char heic[] = "\0\0\0\x18" "ftypheic\0\0\0\0mif1heic" "\0\0\0\x08" "mdat";
    assert_int_equal(sniff(heic, sizeof heic - 1, &t), FILETYPE_OK);
    assert_string_equal(t.mime, "image/heic");
    static const char heif[] = "\0\0\0\x18" "ftypmif1\0\0\0\0mif1heic" "\0\0\0\x08" "mdat";
    assert_int_equal(sniff(heif, sizeof heif - 1, &t), FILETYPE_OK);
    assert_string_equal(t.mime, "image/heic");
    static const char avif[] = "\0\0\0\x18" "ftypavif\0\0\0\0mif1avif" "\0\0\0\x08" "mdat";
    assert_int_equal(sniff(avif, sizeof avif - 1, &t), FILETYPE_UNKNOWN);
}

static void test_recordings_video_documents(void **state)
{
    (void)state;
    filetype t;
    assert_int_equal(SNIFF("ID3\x04\0\0\0\0\0\0 frames", &t), FILETYPE_OK);
    assert_string_equal(t.mime, "audio/mpeg");
    assert_int_equal(t.kind, FILE_AUDIO);
    assert_int_equal(SNIFF("\xFF\xFB\x90\x64 frame", &t), FILETYPE_OK); /* MPEG-1 layer III */
    assert_int_equal(SNIFF("\xFF\xFD\x90\x64 frame", &t), FILETYPE_UNKNOWN); /* layer II */
    static const char wav[] = "RIFF\x0c\0\0\0WAVEfmt data";
    assert_int_equal(sniff(wav, sizeof wav - 1, &t), FILETYPE_OK);
    assert_int_equal(sniff(wav, sizeof wav - 5, &t), FILETYPE_DAMAGED);
    assert_string_equal(t.mime, "audio/wav");
    assert_int_equal(SNIFF("#!AMR\n\x3c\x48", &t), FILETYPE_OK);
    assert_string_equal(t.mime, "audio/amr");
    assert_int_equal(SNIFF("#!AMR-WB\n\x04", &t), FILETYPE_OK);

    static const char mp4[] = "\0\0\0\x14" "ftypisom\0\0\x02\0mp41" "\0\0\0\x0c" "moov" "abcd";
    assert_int_equal(sniff(mp4, sizeof mp4 - 1, &t), FILETYPE_OK);
    assert_string_equal(t.mime, "video/mp4");
    assert_int_equal(t.kind, FILE_VIDEO);
    assert_int_equal(sniff(mp4, sizeof mp4 - 2, &t), FILETYPE_DAMAGED); /* a box cut short */
    static const char mov[] = "\0\0\0\x14" "ftypqt  \0\0\x02\0qt  " "\0\0\0\x08" "moov";
    assert_int_equal(sniff(mov, sizeof mov - 1, &t), FILETYPE_UNKNOWN);

    assert_int_equal(SNIFF("%PDF-1.7\n1 0 obj\n%%EOF\n", &t), FILETYPE_OK);
    assert_string_equal(t.mime, "application/pdf");
    assert_int_equal(t.kind, FILE_DOCUMENT);
    assert_int_equal(SNIFF("%PDF-1.7\n1 0 obj\n", &t), FILETYPE_DAMAGED);
}

static void test_unknown(void **state)
{
    (void)state;
    filetype t;
    assert_int_equal(filetype_sniff(NULL, 0, &t), FILETYPE_UNKNOWN);
    assert_int_equal(SNIFF("<html><script>alert(1)</script>", &t), FILETYPE_UNKNOWN);
    assert_int_equal(SNIFF("GIF89a....", &t), FILETYPE_UNKNOWN);
    assert_int_equal(SNIFF("MZ\x90\0 an executable", &t), FILETYPE_UNKNOWN);
    assert_int_equal(SNIFF("RIFF\x0c\0\0\0AVI LIST", &t), FILETYPE_UNKNOWN);
    assert_int_equal(SNIFF("\xFF\xD8", &t), FILETYPE_UNKNOWN);
    assert_string_equal(file_kind_name(FILE_AUDIO), "audio");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_photos),
        cmocka_unit_test(test_recordings_video_documents),
        cmocka_unit_test(test_unknown),
    };
    return cmocka_run_group_tests_name("filetype", tests, NULL, NULL);
}
