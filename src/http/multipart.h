/* multipart.h — a bounded parser of multipart/form-data bodies (RFC 7578): the parts of a
 * body the server has already received within its upload cap (server.c keeps a multipart
 * body up to max_files × max_file_bytes plus room for the fields, and no more). Pure: the
 * parts point into the body, nothing is copied but their names; every limit is checked while
 * parsing, so a body over any of them stops at the first part that exceeds it. */
#ifndef HOTLINE_HTTP_MULTIPART_H
#define HOTLINE_HTTP_MULTIPART_H
#include "util/arena.h"
#include "util/err.h"
#include <stdbool.h>
#include <stddef.h>

#define MULTIPART_MAX_FIELDS 64          /* parts without a filename */
#define MULTIPART_MAX_FIELD_BYTES 16384  /* bytes of one such part */
#define MULTIPART_MAX_HEADER_BYTES 4096  /* one part's header block */

typedef struct {
    size_t max_files;      /* parts with a filename; default 9 */
    size_t max_file_bytes; /* bytes of one file; default 10 MB */
} multipart_limits;

typedef struct {
    const char *name;     /* the form field's name (arena, NUL-terminated) */
    const char *filename; /* NULL for a plain field; "" for a file sent without a name */
    const char *content_type; /* as the sender said, "" if not (never trusted for files) */
    const char *data;     /* into the body; a field's value is also NUL-terminated in value */
    size_t len;
    const char *value;    /* a plain field's value as a string (arena); NULL for files */
} multipart_part;

typedef struct {
    int status;          /* 400 damaged, 413 too large, 422 too many */
    const char *code;    /* "damaged", "too_large", "too_many_files", "too_many_fields" */
    const char *message; /* English, naming the part */
    const char *part;    /* the offending part's name (field or filename), or NULL */
} multipart_problem;

/* The boundary of a Content-Type "multipart/form-data; boundary=..." (quoted or not, 1..70
 * characters), in the arena; NULL when the type is not multipart/form-data or has none. */
const char *multipart_boundary(arena *a, const char *content_type);
/* True when the Content-Type is multipart/form-data (with or without parameters). */
bool multipart_is_form(const char *content_type);

/* Splits body[0..len) into its parts. 0 with *parts (arena array) and *n; HL_EINVAL (damaged)
 * or HL_ERANGE (a limit) with *p saying which part and why; HL_ENOMEM. */
HL_MUST_CHECK int multipart_parse(arena *a, const char *body, size_t len, const char *boundary,
                                  const multipart_limits *lim, multipart_part **parts,
                                  size_t *n, multipart_problem *p);
/* The first plain field named name, or NULL. */
const char *multipart_field(const multipart_part *parts, size_t n, const char *name);

#endif
