/* thumbnail.c — see thumbnail.h. vips_thumbnail_buffer decodes only as much as the size needs
 * (JPEG shrink-on-load), so a 12-megapixel photo costs a fraction of a full decode. */
#include "media/thumbnail.h"
#include "util/log.h"
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <vips/vips.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static bool started;

static void start(void)
{
    if (VIPS_INIT("hotline") != 0) {
        log_error("thumbnail: libvips does not start: %s", vips_error_buffer());
        vips_error_clear();
        return;
    }
    vips_cache_set_max(0); /* each photo is thumbnailed once: nothing worth keeping */
    started = true;
}

int thumbnail_make(const void *data, size_t n, uint8_t **out, size_t *out_n)
{
    *out = NULL;
    *out_n = 0;
    pthread_once(&once, start);
    if (!started) return HL_EIO;
    VipsImage *img = NULL;
    void *buf = NULL;
    size_t len = 0;
    int rc = 0;
    if (vips_thumbnail_buffer((void *)data, n, &img, THUMBNAIL_SIZE, "height", THUMBNAIL_SIZE,
                              "size", VIPS_SIZE_DOWN, NULL) != 0 ||
        vips_jpegsave_buffer(img, &buf, &len, "Q", 75, "strip", TRUE, NULL) != 0) {
        log_warn("thumbnail: %s", vips_error_buffer());
        vips_error_clear();
        rc = HL_EINVAL;
    }
    if (!rc) {
        *out = malloc(len ? len : 1);
        if (!*out) rc = HL_ENOMEM;
        else {
            memcpy(*out, buf, len);
            *out_n = len;
        }
    }
    g_free(buf);
    if (img) g_object_unref(img);
    return rc;
}

void thumbnail_shutdown(void)
{
    if (started) vips_shutdown();
}
