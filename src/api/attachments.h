/* attachments.h — files on requests through the API (attachments.c): reading an uploaded
 * multipart/form-data body, checking each file by its content (core/filetype.h) and storing
 * them (store/attachments.h); shared by POST /api/cases/:id/attachments and Open311's POST
 * (open311_post.c). Refusals name the part: 413 too_large, 415 type_not_allowed,
 * 422 too_many_files, 400 damaged. */
#ifndef HOTLINE_API_ATTACHMENTS_H
#define HOTLINE_API_ATTACHMENTS_H
#include "api/api.h"
#include "core/filetype.h"
#include "media/jpeg_gps.h"
#include "store/attachments.h"

#define API_UPLOAD_MAX_FILES 9                  /* files in one upload, by default */
#define API_UPLOAD_MAX_FILE_BYTES (10u << 20)   /* bytes of one file, by default */

/* The upload limits in force: the app's, or the defaults where it leaves them 0. */
multipart_limits api_upload_limits(const multipart_limits *configured);
/* The largest multipart body the server keeps for those limits: every file at its largest
 * plus room for the form's fields and the parts' headers. */
size_t api_upload_cap(const multipart_limits *configured);
/* Whether a route (its pattern) takes multipart/form-data bodies: the dispatcher lets them
 * through its JSON-only check. */
bool api_route_takes_files(const char *pattern);

/* A checked upload: the form's parts, and its files with their sniffed types. */
typedef struct api_upload {
    multipart_part *parts;
    size_t nparts;
    const multipart_part **files; /* the parts that carry a file */
    filetype *types;              /* types[i] of files[i] */
    const char **data;            /* the bytes to store of files[i]: a JPEG without its location
                                   * metadata (media/jpeg_gps.h), else the part's own */
    size_t *size;
    jpeg_gps *gps;                /* where files[i] said it was taken (staff's suggestion) */
    size_t nfiles;
} api_upload;

/* Parses the request's multipart body within the upload limits and checks every file part
 * (any field name; Open311's is "media") by its content; a JPEG loses its location metadata
 * here, before anything is stored (rewritten within the request's own body buffer). 0 with
 * *out; refuses (HL_DONE) with the part named: 415 when the body is not multipart/form-data,
 * 400 damaged, 413 too large, 422 too many, 415 type_not_allowed, 400 empty file. */
HL_MUST_CHECK int api_upload_read(api_ctx *c, api_upload *out);
/* The form's "public" field (true/false, 1/0) into *is_public, left alone when absent;
 * refuses 422 naming it otherwise (HL_DONE). */
HL_MUST_CHECK int api_upload_public(api_ctx *c, const api_upload *up, bool *is_public);
/* Stores the upload's files on the case at step, all or none; *ids (arena, may be NULL)
 * receives their ids. added_by 0 = the resident. 0 or a store error. */
HL_MUST_CHECK int api_upload_store(api_ctx *c, const api_upload *up, int64_t case_id,
                                   const char *step, bool is_public, int64_t added_by,
                                   int64_t **ids, int64_t *deduplicated);
/* An attachment as the API shows staff: {"id","kind","mime","name","size","sha256","step",
 * "public","added_by","added_at","url","suggested_location"} — the last is where the photo
 * said it was taken ({"lat","lng"}, or null), a suggestion for the request's place. */
json_t *api_attachment_json(api_ctx *c, const store_attachment *t);
/* The absolute URL the public fetches a public attachment at (Open311's media_url). */
const char *api_attachment_public_url(api_ctx *c, int64_t id);

#endif
