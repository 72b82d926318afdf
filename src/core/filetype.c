/* filetype.c — see filetype.h. Each type's check looks at the magic bytes first, then at the
 * structure a truncated upload would break, reading only within [0, n). */
#include "core/filetype.h"
#include <stdbool.h>
#include <string.h>

static const filetype JPEG = {FILE_PHOTO, "image/jpeg", "jpg"};
static const filetype PNG = {FILE_PHOTO, "image/png", "png"};
static const filetype WEBP = {FILE_PHOTO, "image/webp", "webp"};
static const filetype HEIC = {FILE_PHOTO, "image/heic", "heic"};
static const filetype MP3 = {FILE_AUDIO, "audio/mpeg", "mp3"};
static const filetype WAV = {FILE_AUDIO, "audio/wav", "wav"};
static const filetype AMR = {FILE_AUDIO, "audio/amr", "amr"};
static const filetype MP4 = {FILE_VIDEO, "video/mp4", "mp4"};
static const filetype PDF = {FILE_DOCUMENT, "application/pdf", "pdf"};

const char *file_kind_name(file_kind k)
{
    switch (k) {
    case FILE_PHOTO: return "photo";
    case FILE_AUDIO: return "audio";
    case FILE_VIDEO: return "video";
    case FILE_DOCUMENT: return "document";
    }
    return "document";
}

static bool starts(const uint8_t *d, size_t n, const char *magic, size_t m)
{
    return n >= m && memcmp(d, magic, m) == 0;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* Whether needle occurs within the last `tail` bytes. */
static bool in_tail(const uint8_t *d, size_t n, const char *needle, size_t m, size_t tail)
{
    size_t from = n > tail ? n - tail : 0;
    for (size_t i = from; i + m <= n; i++)
        if (memcmp(d + i, needle, m) == 0) return true;
    return false;
}

/* RIFF: its size field covers the rest of the file (an odd pad byte may follow); with
 * `chain`, its chunks (id, size, data, padded to even) also reach that end exactly. WAV is
 * not held to the chain: recorders that stream write a data chunk's size they never knew. */
static filetype_verdict riff(const uint8_t *d, size_t n, const filetype *t, bool chain,
                             filetype *out)
{
    uint64_t size = le32(d + 4);
    if (size < 4 || size + 8 > n || n > size + 9) return FILETYPE_DAMAGED;
    for (uint64_t at = 12, end = size + 8; chain && at < end;) {
        if (end - at < 8) return FILETYPE_DAMAGED;
        uint64_t len = le32(d + at + 4);
        if (8 + len + (len & 1) > end - at) return FILETYPE_DAMAGED;
        at += 8 + len + (len & 1);
    }
    *out = *t;
    return FILETYPE_OK;
}

/* ISO base media (MP4, HEIC): top-level boxes chain exactly to the end of the file. */
static bool boxes_chain(const uint8_t *d, size_t n)
{
    size_t at = 0;
    while (at < n) {
        if (n - at < 8) return false;
        uint64_t size = be32(d + at);
        if (size == 0) return true; /* the last box runs to the end */
        if (size == 1) {
            if (n - at < 16) return false;
            size = (uint64_t)be32(d + at + 8) << 32 | be32(d + at + 12);
            if (size < 16) return false;
        } else if (size < 8) return false;
        if (size > n - at) return false;
        at += (size_t)size;
    }
    return true;
}

static bool brand_in(const uint8_t *b, const char *const *list)
{
    for (; *list; list++)
        if (memcmp(b, *list, 4) == 0) return true;
    return false;
}

static filetype_verdict iso_bmff(const uint8_t *d, size_t n, filetype *out)
{
    static const char *const heic[] = {"heic", "heix", "hevc", "hevx", "heim", "heis", NULL};
    static const char *const heif[] = {"mif1", "msf1", NULL};
    static const char *const mp4[] = {"isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42",
                                      "avc1", "M4V ", "M4A ", "dash", "3gp4", "3gp5", "3gp6",
                                      "3g2a", NULL};
    uint32_t fsize = be32(d);
    if (fsize < 16 || fsize > n) return n >= 12 ? FILETYPE_DAMAGED : FILETYPE_UNKNOWN;
    const filetype *t = NULL;
    if (brand_in(d + 8, heic)) t = &HEIC;
    else if (brand_in(d + 8, mp4)) t = &MP4;
    else if (brand_in(d + 8, heif)) /* a HEIF container: HEIC when a compatible brand says so */
        for (uint32_t at = 16; at + 4 <= fsize && !t; at += 4)
            if (brand_in(d + at, heic)) t = &HEIC;
    if (!t) return FILETYPE_UNKNOWN;
    if (!boxes_chain(d, n)) return FILETYPE_DAMAGED;
    *out = *t;
    return FILETYPE_OK;
}

/* PNG: chunks (length, type, data, CRC) chain from the signature to an IEND that ends the
 * file. */
static filetype_verdict png(const uint8_t *d, size_t n, filetype *out)
{
    size_t at = 8;
    while (n - at >= 12) {
        uint64_t len = be32(d + at);
        if (len > n - at - 12) return FILETYPE_DAMAGED;
        bool iend = memcmp(d + at + 4, "IEND", 4) == 0;
        at += 12 + (size_t)len;
        if (iend) {
            if (at != n) return FILETYPE_DAMAGED;
            *out = PNG;
            return FILETYPE_OK;
        }
    }
    return FILETYPE_DAMAGED;
}

/* An MPEG audio frame header of layer III (the MP3 without an ID3 tag). */
static bool mp3_frame(const uint8_t *d, size_t n)
{
    if (n < 4 || d[0] != 0xFF || (d[1] & 0xE0) != 0xE0) return false;
    unsigned version = (d[1] >> 3) & 3, layer = (d[1] >> 1) & 3;
    unsigned bitrate = d[2] >> 4, rate = (d[2] >> 2) & 3;
    return version != 1 && layer == 1 && bitrate != 0 && bitrate != 15 && rate != 3;
}

filetype_verdict filetype_sniff(const uint8_t *d, size_t n, filetype *out)
{
    if (!d || n == 0) return FILETYPE_UNKNOWN;
    if (starts(d, n, "\xFF\xD8\xFF", 3)) {
        /* the end-of-image marker, with room for the trailers some phones append after it */
        if (!in_tail(d, n, "\xFF\xD9", 2, 64 * 1024)) return FILETYPE_DAMAGED;
        *out = JPEG;
        return FILETYPE_OK;
    }
    if (starts(d, n, "\x89PNG\r\n\x1a\n", 8)) return png(d, n, out);
    if (starts(d, n, "RIFF", 4) && n >= 12 && memcmp(d + 8, "WEBP", 4) == 0)
        return riff(d, n, &WEBP, true, out);
    if (starts(d, n, "RIFF", 4) && n >= 12 && memcmp(d + 8, "WAVE", 4) == 0)
        return riff(d, n, &WAV, false, out);
    if (n >= 12 && memcmp(d + 4, "ftyp", 4) == 0) return iso_bmff(d, n, out);
    if (starts(d, n, "%PDF-", 5)) {
        if (!in_tail(d, n, "%%EOF", 5, 1024)) return FILETYPE_DAMAGED;
        *out = PDF;
        return FILETYPE_OK;
    }
    if (starts(d, n, "#!AMR\n", 6) || starts(d, n, "#!AMR-WB\n", 9)) {
        *out = AMR;
        return FILETYPE_OK;
    }
    if ((starts(d, n, "ID3", 3) && n >= 10) || mp3_frame(d, n)) {
        *out = MP3;
        return FILETYPE_OK;
    }
    return FILETYPE_UNKNOWN;
}
