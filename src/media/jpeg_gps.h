/* jpeg_gps.h — where a JPEG says it was taken, and the same JPEG without saying it. A phone
 * photo's EXIF (APP1 "Exif\0\0") usually carries the GPS position, which for a resident's
 * photo is often their home: hotline serves photos without it, and offers the position to
 * staff as a suggestion for the request's place. EXIF is read and written again by libexif
 * (never by hand); the image data is not touched (no re-encoding: not a pixel changes).
 * XMP packets (APP1 "http://ns.adobe.com/xap/1.0/"), which may repeat the position, are
 * dropped whole. Other formats (HEIC, PNG, WebP) are not handled here. */
#ifndef HOTLINE_MEDIA_JPEG_GPS_H
#define HOTLINE_MEDIA_JPEG_GPS_H
#include "util/err.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    bool found;      /* the EXIF has a usable position */
    double lat, lng; /* WGS84 degrees, south and west negative */
} jpeg_gps;

/* Reads the position of the JPEG data[0..n) into *gps, and when the JPEG carries any location
 * metadata (an EXIF GPS directory, an XMP packet), makes *out (malloc'd: the caller frees it;
 * *out_n bytes) the same JPEG without it. *out is NULL when there was nothing to remove.
 * 0; HL_EINVAL when the segments before the image data do not parse (the caller keeps the file
 * as it is only if it also refuses it: a JPEG we cannot clean is not served); HL_ENOMEM. */
HL_MUST_CHECK int jpeg_gps_strip(const uint8_t *data, size_t n, jpeg_gps *gps, uint8_t **out,
                                 size_t *out_n);

#endif
