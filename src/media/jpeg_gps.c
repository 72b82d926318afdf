/* jpeg_gps.c — see jpeg_gps.h. A JPEG is SOI (FF D8), then segments FF xx with a two-byte
 * big-endian length (counting itself), up to SOS (FF DA), after which the entropy-coded data
 * runs to the end; metadata lives in the APPn segments before SOS. */
#include "media/jpeg_gps.h"
#include <libexif/exif-data.h>
#include <libexif/exif-utils.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char EXIF_ID[] = "Exif\0\0";                       /* 6 bytes */
static const char XMP_ID[] = "http://ns.adobe.com/xap/1.0/";   /* + NUL */

/* degrees from an EXIF GPS coordinate: three rationals (degrees, minutes, seconds) */
static bool coordinate(ExifContent *gps, ExifTag tag, ExifTag ref_tag, ExifByteOrder o,
                       double lim, double *out)
{
    ExifEntry *e = exif_content_get_entry(gps, tag), *ref = exif_content_get_entry(gps, ref_tag);
    if (!e || e->format != EXIF_FORMAT_RATIONAL || e->components != 3 || e->size < 24 || !ref ||
        ref->size < 1)
        return false;
    double v = 0, scale = 1;
    for (int i = 0; i < 3; i++, scale *= 60) {
        ExifRational r = exif_get_rational(e->data + 8 * i, o);
        if (!r.denominator) return false;
        v += (double)r.numerator / r.denominator / scale;
    }
    char h = (char)ref->data[0];
    if (h == 'S' || h == 'W') v = -v;
    else if (h != 'N' && h != 'E') return false;
    if (!isfinite(v) || fabs(v) > lim) return false;
    *out = v;
    return true;
}

/* The APP1 EXIF payload p[0..n) without its GPS directory, into *out (malloc'd by libexif's
 * allocator: free() it); *removed says whether there was one. */
static int clean_exif(const uint8_t *p, size_t n, jpeg_gps *gps, uint8_t **out, size_t *out_n,
                      bool *removed)
{
    *removed = false;
    ExifData *ed = exif_data_new();
    if (!ed) return HL_ENOMEM;
    /* as it is: no entries added or dropped by libexif's idea of the specification */
    exif_data_unset_option(ed, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
    exif_data_unset_option(ed, EXIF_DATA_OPTION_IGNORE_UNKNOWN_TAGS);
    exif_data_load_data(ed, p, (unsigned)n);
    ExifContent *g = ed->ifd[EXIF_IFD_GPS];
    int rc = 0;
    if (g && g->count) {
        ExifByteOrder o = exif_data_get_byte_order(ed);
        double lat = 0, lng = 0;
        if (coordinate(g, EXIF_TAG_GPS_LATITUDE, EXIF_TAG_GPS_LATITUDE_REF, o, 90, &lat) &&
            coordinate(g, EXIF_TAG_GPS_LONGITUDE, EXIF_TAG_GPS_LONGITUDE_REF, o, 180, &lng))
            *gps = (jpeg_gps){true, lat, lng};
        while (g->count) exif_content_remove_entry(g, g->entries[0]);
        unsigned char *buf = NULL;
        unsigned int size = 0;
        exif_data_save_data(ed, &buf, &size);
        if (!buf || size < 6 || size > 65533) {
            free(buf);
            rc = HL_EINVAL;
        } else {
            *out = buf;
            *out_n = size;
            *removed = true;
        }
    }
    exif_data_unref(ed);
    return rc;
}

int jpeg_gps_strip(const uint8_t *d, size_t n, jpeg_gps *gps, uint8_t **out, size_t *out_n)
{
    *gps = (jpeg_gps){0};
    *out = NULL;
    *out_n = 0;
    if (n < 4 || d[0] != 0xFF || d[1] != 0xD8) return HL_EINVAL;
    /* the segments to keep, and the one EXIF payload to put in place of its original */
    struct seg {
        size_t at, len; /* the whole segment, marker included */
        uint8_t *exif;  /* replacement payload, or NULL */
        size_t exif_n;
    } segs[64];
    size_t nseg = 0, at = 2, body = 0;
    bool changed = false;
    int rc = 0;
    while (!rc) {
        while (at < n && d[at] == 0xFF && at + 1 < n && d[at + 1] == 0xFF) at++; /* fill bytes */
        if (at + 4 > n || d[at] != 0xFF) {
            rc = HL_EINVAL;
            break;
        }
        uint8_t m = d[at + 1];
        if (m == 0xDA || m == 0xD9) { /* SOS: the image data follows; EOI: nothing does */
            body = at;
            break;
        }
        size_t len = (size_t)d[at + 2] << 8 | d[at + 3];
        if (len < 2 || at + 2 + len > n || nseg == sizeof segs / sizeof segs[0]) {
            rc = HL_EINVAL;
            break;
        }
        const uint8_t *p = d + at + 4;
        size_t pn = len - 2;
        struct seg s = {at, len + 2, NULL, 0};
        bool keep = true;
        if (m == 0xE1 && pn >= 6 && memcmp(p, EXIF_ID, 6) == 0) {
            bool removed = false;
            rc = clean_exif(p, pn, gps, &s.exif, &s.exif_n, &removed);
            changed |= removed;
        } else if (m == 0xE1 && pn >= sizeof XMP_ID && memcmp(p, XMP_ID, sizeof XMP_ID) == 0) {
            keep = false; /* XMP may repeat the position (exif:GPSLatitude) */
            changed = true;
        }
        if (keep) segs[nseg++] = s;
        at += len + 2;
    }
    if (!rc && changed) {
        size_t total = 2 + (n - body);
        for (size_t i = 0; i < nseg; i++) total += segs[i].exif ? segs[i].exif_n + 4 : segs[i].len;
        uint8_t *o = malloc(total), *w = o;
        if (!o) rc = HL_ENOMEM;
        else {
            *w++ = 0xFF;
            *w++ = 0xD8;
            for (size_t i = 0; i < nseg; i++) {
                if (segs[i].exif) {
                    *w++ = 0xFF;
                    *w++ = 0xE1;
                    *w++ = (uint8_t)((segs[i].exif_n + 2) >> 8);
                    *w++ = (uint8_t)(segs[i].exif_n + 2);
                    memcpy(w, segs[i].exif, segs[i].exif_n);
                    w += segs[i].exif_n;
                } else {
                    memcpy(w, d + segs[i].at, segs[i].len);
                    w += segs[i].len;
                }
            }
            memcpy(w, d + body, n - body);
            *out = o;
            *out_n = total;
        }
    }
    for (size_t i = 0; i < nseg; i++) free(segs[i].exif);
    return rc;
}
