/* test_jpeg_gps.c — media/jpeg_gps: the position a phone's EXIF carries is read, and removed
 * with any XMP packet while every other byte of the JPEG (other EXIF entries, the image data)
 * stays; JPEGs without location metadata are left alone, broken ones refused. */
#include "media/jpeg_gps.h"
#include <libexif/exif-data.h>
#include <libexif/exif-utils.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

static void add(ExifData *ed, ExifIfd ifd, ExifTag tag, ExifFormat fmt, unsigned comps,
                const void *data, size_t size)
{
    ExifEntry *e = exif_entry_new();
    e->tag = tag;
    e->format = fmt;
    e->components = comps;
    e->size = (unsigned)size;
    e->data = malloc(size);
    memcpy(e->data, data, size);
    exif_content_add_entry(ed->ifd[ifd], e);
    exif_entry_unref(e);
}

static void dms(unsigned char out[24], unsigned d, unsigned m, unsigned s100)
{
    exif_set_rational(out, EXIF_BYTE_ORDER_INTEL, (ExifRational){d, 1});
    exif_set_rational(out + 8, EXIF_BYTE_ORDER_INTEL, (ExifRational){m, 1});
    exif_set_rational(out + 16, EXIF_BYTE_ORDER_INTEL, (ExifRational){s100, 100});
}

/* A JPEG: SOI, APP1 EXIF (Make, and GPS when gps), APP1 XMP when xmp, DQT, SOS + data, EOI. */
static size_t make_jpeg(uint8_t *out, bool gps, bool xmp)
{
    ExifData *ed = exif_data_new();
    exif_data_set_byte_order(ed, EXIF_BYTE_ORDER_INTEL);
    add(ed, EXIF_IFD_0, EXIF_TAG_MAKE, EXIF_FORMAT_ASCII, 6, "Phone", 6);
    if (gps) {
        unsigned char lat[24], lng[24];
        dms(lat, 30, 30, 0);       /* 30.5 N */
        dms(lng, 114, 9, 0);       /* 114.15 E */
        add(ed, EXIF_IFD_GPS, EXIF_TAG_GPS_LATITUDE_REF, EXIF_FORMAT_ASCII, 2, "N", 2);
        add(ed, EXIF_IFD_GPS, EXIF_TAG_GPS_LATITUDE, EXIF_FORMAT_RATIONAL, 3, lat, 24);
        add(ed, EXIF_IFD_GPS, EXIF_TAG_GPS_LONGITUDE_REF, EXIF_FORMAT_ASCII, 2, "W", 2);
        add(ed, EXIF_IFD_GPS, EXIF_TAG_GPS_LONGITUDE, EXIF_FORMAT_RATIONAL, 3, lng, 24);
    }
    unsigned char *ex = NULL;
    unsigned int exn = 0;
    exif_data_save_data(ed, &ex, &exn);
    exif_data_unref(ed);
    size_t n = 0;
    out[n++] = 0xFF, out[n++] = 0xD8;
    out[n++] = 0xFF, out[n++] = 0xE1, out[n++] = (uint8_t)((exn + 2) >> 8), out[n++] = (uint8_t)(exn + 2);
    memcpy(out + n, ex, exn);
    n += exn;
    free(ex);
    if (xmp) {
        static const char x[] = "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta exif:GPSLatitude=\"30,30N\"/>";
        out[n++] = 0xFF, out[n++] = 0xE1, out[n++] = 0, out[n++] = (uint8_t)(sizeof x - 1 + 2);
        memcpy(out + n, x, sizeof x - 1);
        n += sizeof x - 1;
    }
    static const uint8_t rest[] = {0xFF, 0xDB, 0x00, 0x04, 0x01, 0x02,             /* DQT */
                                   0xFF, 0xDA, 0x00, 0x03, 0x00, 0x11, 0x22, 0x33, /* SOS */
                                   0xFF, 0x00, 0x44, 0xFF, 0xD9};
    memcpy(out + n, rest, sizeof rest);
    return n + sizeof rest;
}

static void test_position_read_and_removed(void **state)
{
    (void)state;
    uint8_t in[4096];
    size_t n = make_jpeg(in, true, true);
    jpeg_gps g;
    uint8_t *out = NULL;
    size_t on = 0;
    assert_int_equal(jpeg_gps_strip(in, n, &g, &out, &on), 0);
    assert_true(g.found);
    assert_true(g.lat > 30.4999 && g.lat < 30.5001);
    assert_true(g.lng < -114.1499 && g.lng > -114.1501);
    assert_non_null(out);
    assert_true(on < n);
    /* the image data is the same bytes */
    assert_memory_equal(out + on - 19, in + n - 19, 19);
    assert_null(memmem(out, on, "ns.adobe.com", 12));
    /* read again: no position, nothing more to remove; the Make entry is still there */
    jpeg_gps g2;
    uint8_t *out2 = NULL;
    size_t on2 = 0;
    assert_int_equal(jpeg_gps_strip(out, on, &g2, &out2, &on2), 0);
    assert_false(g2.found);
    assert_null(out2);
    assert_non_null(memmem(out, on, "Phone", 5));
    free(out);
}

static void test_nothing_to_remove_and_broken(void **state)
{
    (void)state;
    uint8_t in[4096];
    size_t n = make_jpeg(in, false, false);
    jpeg_gps g;
    uint8_t *out = (uint8_t *)"x";
    size_t on = 1;
    assert_int_equal(jpeg_gps_strip(in, n, &g, &out, &on), 0);
    assert_false(g.found);
    assert_null(out);
    assert_int_equal(on, 0);
    /* XMP alone is removed too */
    n = make_jpeg(in, false, true);
    assert_int_equal(jpeg_gps_strip(in, n, &g, &out, &on), 0);
    assert_non_null(out);
    free(out);
    /* a segment running past the end, no SOI, a cut file */
    n = make_jpeg(in, true, false);
    in[4] = 0xFF;
    assert_int_equal(jpeg_gps_strip(in, n, &g, &out, &on), HL_EINVAL);
    assert_int_equal(jpeg_gps_strip((const uint8_t *)"\xFF\xD9\xFF\xD8", 4, &g, &out, &on), HL_EINVAL);
    assert_int_equal(jpeg_gps_strip(in, 3, &g, &out, &on), HL_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_position_read_and_removed),
        cmocka_unit_test(test_nothing_to_remove_and_broken),
    };
    return cmocka_run_group_tests_name("jpeg_gps", tests, NULL, NULL);
}
