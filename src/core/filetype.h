/* filetype.h — what a file is, told by its content (magic bytes and the structure around
 * them), never by its name or the type its sender claims. Only the types a request may carry
 * are known: JPEG, PNG, WebP and HEIC photos; MP3, WAV and AMR recordings; MP4 video; PDF
 * documents. Pure: no allocation, no I/O. */
#ifndef HOTLINE_CORE_FILETYPE_H
#define HOTLINE_CORE_FILETYPE_H
#include <stddef.h>
#include <stdint.h>

typedef enum { FILE_PHOTO, FILE_AUDIO, FILE_VIDEO, FILE_DOCUMENT } file_kind;

typedef struct {
    file_kind kind;
    const char *mime; /* "image/jpeg", ... */
    const char *ext;  /* "jpg", ...: the extension a download is named with */
} filetype;

typedef enum {
    FILETYPE_OK,      /* *out says what it is */
    FILETYPE_UNKNOWN, /* not one of the allowed types (or empty) */
    FILETYPE_DAMAGED, /* starts as an allowed type but its structure is cut short or broken:
                       * a RIFF size, WebP chunk, MP4/HEIC box or PNG chunk chain that does not
                       * reach the end exactly, a JPEG without its end marker, a PDF without
                       * %%EOF */
} filetype_verdict;

/* Tells what the n bytes at data are. */
filetype_verdict filetype_sniff(const uint8_t *data, size_t n, filetype *out);
/* "photo", "audio", "video", "document". */
const char *file_kind_name(file_kind k);

#endif
