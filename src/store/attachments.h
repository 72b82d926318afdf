/* attachments.h — photos, recordings and documents on requests. Conventions: store/engine.h.
 *
 * Where the bytes are: IN the database, in the same store as the requests — a table of
 * contents addressed by their SHA-256 (a BLOB on SQLite, bytea on PostgreSQL) and a table of
 * attachments that refer to it. So:
 *  - several hotline servers on one PostgreSQL database see the same files, with nothing to
 *    share or mount between them;
 *  - `hotline backup` and restore carry the files with the requests, in one consistent
 *    snapshot, and a restored store never refers to a file it lacks;
 *  - identical files are stored once (the content's key is its hash); each attachment row is
 *    its own (who, when, at which step, public or not);
 *  - an attachment and its content are written in one transaction: a crash (SIGKILL,
 *    power loss) leaves both or neither, never a request pointing at a missing or partial
 *    file (a foreign key says so too);
 *  - store_attachments_verify hashes every content again (`hotline check`).
 * Files are at most a few MB each (the server's upload limit), so keeping them in the
 * database costs its size in the store and in each backup, which is the point. */
#ifndef HOTLINE_STORE_ATTACHMENTS_H
#define HOTLINE_STORE_ATTACHMENTS_H
#include "util/err.h"
#include "store/engine.h"
#include "util/arena.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An attachment as stored. Strings live in the caller's arena. */
typedef struct {
    int64_t id, case_id;
    const char *sha256; /* 64 lowercase hex digits: the content's address */
    const char *kind;   /* "photo", "audio", "video", "document" (core/filetype.h) */
    const char *mime;   /* as sniffed from the content, e.g. "image/jpeg" */
    const char *name;   /* the file name its sender gave, "" when none */
    const char *step;   /* "registration", "reply", "visit", "note" */
    int64_t size;       /* bytes */
    bool is_public;     /* shown to the resident and through Open311 */
    int64_t added_by;   /* the user; 0 = the resident (portal, Open311 without a user) */
    int64_t added_at;
    bool has_gps;       /* the photo said where it was taken (removed from the stored file): */
    double gps_lat, gps_lng; /* staff's suggestion for the request's place, never shown to the public */
} store_attachment;

/* A file to attach: the fields of store_attachment but id, sha256 and size, and its bytes
 * (the store hashes them). */
typedef struct {
    int64_t case_id;
    const char *kind, *mime, *name, *step;
    bool is_public;
    int64_t added_by, added_at;
    bool has_gps;
    double gps_lat, gps_lng;
    const void *data;
    size_t size;
} store_attachment_new;

/* Attaches n files, all or none, in one transaction; ids[i] (may be NULL) receives the new
 * attachment's id, *deduplicated (may be NULL) how many of the contents were stored already.
 * HL_EREF when the case does not exist, HL_EINVAL for a kind or step not listed above. */
HL_MUST_CHECK int store_attachments_add(store *s, const store_attachment_new *in, size_t n,
                                        int64_t *ids, int64_t *deduplicated);
/* One attachment. HL_ENOTFOUND. */
HL_MUST_CHECK int store_attachment_get(store *s, arena *a, int64_t id, store_attachment *out);
/* A case's attachments, oldest first. */
HL_MUST_CHECK int store_case_attachments(store *s, arena *a, int64_t case_id,
                                         store_attachment **items, size_t *n);
/* Bytes [offset, offset+len) of the content with that hash (fewer at its end) into *data,
 * malloc'd: the caller frees it (a whole file can be larger than a request's arena may hold).
 * *got receives the bytes read. HL_ENOTFOUND when no content has that hash. */
HL_MUST_CHECK int store_attachment_content(store *s, const char *sha256, int64_t offset,
                                           int64_t len, char **data, size_t *got);
/* For each of n cases, the id of its first public photo (the oldest), or 0: Open311's
 * media_url. ids receives n values. */
HL_MUST_CHECK int store_cases_first_public_photo(store *s, const int64_t *case_ids, size_t n,
                                                 int64_t *ids);
/* The thumbnail kept for the content with that hash (store_thumbnail_put), as the hash of
 * its own content (arena). HL_ENOTFOUND when none is kept yet. */
HL_MUST_CHECK int store_thumbnail_get(store *s, arena *a, const char *sha256,
                                      const char **thumb_sha256);
/* Keeps data[0..n) as the thumbnail of the content with that hash: a content of its own
 * (stored once, by its hash), made once for every attachment with that content. When
 * another server kept one first, that one stays. *thumb_sha256 (arena) is the one kept.
 * HL_EREF when no content has that hash. */
HL_MUST_CHECK int store_thumbnail_put(store *s, arena *a, const char *sha256, const void *data,
                                      size_t n, const char **thumb_sha256);
/* Hashes every stored content again: *files counts them, *bad those whose hash or size does
 * not match their address. */
HL_MUST_CHECK int store_attachments_verify(store *s, int64_t *files, int64_t *bad);

#endif
