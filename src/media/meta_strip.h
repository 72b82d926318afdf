/* meta_strip.h — PNG and WebP without their metadata chunks, where a photo's location may be
 * (EXIF, XMP, text), the image chunks untouched (no decoding, no re-encoding). JPEG has its own
 * (media/jpeg_gps.h: it also reads the position); HEIC is not handled yet. Pure. */
#ifndef HOTLINE_MEDIA_META_STRIP_H
#define HOTLINE_MEDIA_META_STRIP_H
#include "util/err.h"
#include <stddef.h>
#include <stdint.h>

/* PNG data[0..n) without its eXIf, tEXt, zTXt and iTXt chunks, written over data itself (the
 * result is never longer); *out_n its length (n when there was nothing to drop). HL_EINVAL
 * when the chunks do not chain to IEND. */
HL_MUST_CHECK int meta_strip_png(uint8_t *data, size_t n, size_t *out_n);
/* WebP data[0..n) without its EXIF and XMP chunks (and their flags in VP8X), the RIFF size
 * fixed, written over data itself; *out_n its length. HL_EINVAL when the chunks do not chain
 * to the end. */
HL_MUST_CHECK int meta_strip_webp(uint8_t *data, size_t n, size_t *out_n);

#endif
