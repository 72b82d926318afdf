/* thumbnail.h — a small JPEG of a photo for lists, galleries and the dashboard, made by libvips
 * (Debian's libvips-dev; its loaders decode JPEG, PNG, WebP and HEIC — no image decoder of
 * ours). The thumbnail carries no metadata (libvips' strip): no location, whatever the photo
 * had. Thread-safe; libvips is started on first use. */
#ifndef HOTLINE_MEDIA_THUMBNAIL_H
#define HOTLINE_MEDIA_THUMBNAIL_H
#include "util/err.h"
#include <stddef.h>
#include <stdint.h>

#define THUMBNAIL_SIZE 320 /* pixels: the longer side at most */

/* A JPEG of the photo data[0..n) within THUMBNAIL_SIZE × THUMBNAIL_SIZE (never enlarged), into
 * *out (malloc'd: the caller frees it), *out_n bytes. HL_EINVAL when libvips cannot decode it
 * (the reason is logged), HL_ENOMEM. */
HL_MUST_CHECK int thumbnail_make(const void *data, size_t n, uint8_t **out, size_t *out_n);
/* Frees what libvips keeps (its caches, threads) at the end of the process; a no-op when it
 * was never started. */
void thumbnail_shutdown(void);

#endif
