/* meta_strip.c — see meta_strip.h. Both formats are chains of chunks; the kept ones are moved
 * down over the dropped ones (memmove: the output never runs ahead of the input). */
#include "media/meta_strip.h"
#include <stdbool.h>
#include <string.h>

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

int meta_strip_png(uint8_t *d, size_t n, size_t *out_n)
{
    static const char *const drop[] = {"eXIf", "tEXt", "zTXt", "iTXt", NULL};
    if (n < 8 + 12) return HL_EINVAL;
    size_t at = 8, w = 8;
    for (;;) {
        if (n - at < 12) return HL_EINVAL;
        uint64_t len = be32(d + at);
        if (len > n - at - 12) return HL_EINVAL;
        size_t whole = 12 + (size_t)len;
        bool gone = false;
        for (const char *const *k = drop; *k; k++)
            if (memcmp(d + at + 4, *k, 4) == 0) gone = true;
        bool iend = memcmp(d + at + 4, "IEND", 4) == 0;
        if (!gone) {
            memmove(d + w, d + at, whole);
            w += whole;
        }
        at += whole;
        if (iend) break;
    }
    if (at != n) return HL_EINVAL;
    *out_n = w;
    return 0;
}

int meta_strip_webp(uint8_t *d, size_t n, size_t *out_n)
{
    if (n < 12 || memcmp(d, "RIFF", 4) != 0 || memcmp(d + 8, "WEBP", 4) != 0) return HL_EINVAL;
    uint64_t riff = le32(d + 4);
    if (riff + 8 > n || riff < 4) return HL_EINVAL;
    size_t end = (size_t)riff + 8, at = 12, w = 12, vp8x = 0;
    while (at < end) {
        if (end - at < 8) return HL_EINVAL;
        uint64_t len = le32(d + at + 4);
        uint64_t whole = 8 + len + (len & 1); /* chunks are padded to even sizes */
        if (whole > end - at) return HL_EINVAL;
        bool gone = memcmp(d + at, "EXIF", 4) == 0 || memcmp(d + at, "XMP ", 4) == 0;
        if (!gone) {
            if (memcmp(d + at, "VP8X", 4) == 0 && len >= 1) vp8x = w;
            memmove(d + w, d + at, (size_t)whole);
            w += (size_t)whole;
        }
        at += (size_t)whole;
    }
    if (vp8x) d[vp8x + 8] &= (uint8_t) ~(0x08 | 0x04); /* the EXIF and XMP flags */
    put_le32(d + 4, (uint32_t)(w - 8));
    *out_n = w;
    return 0;
}
