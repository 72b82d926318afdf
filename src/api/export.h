/* export.h — what the export handlers share: temporary files that are streamed to the client
 * and deleted, and spreadsheet-friendly times. */
#ifndef HOTLINE_API_EXPORT_H
#define HOTLINE_API_EXPORT_H
#include "api/api.h"

/* Creates an empty temporary file ($TMPDIR or /tmp) and writes its path into path (cap
 * bytes). Returns an open descriptor or a negative HL_E* code. */
int export_temp(char *path, size_t cap);
/* Answers 200 with the file's content as an attachment named filename; takes fd (closed when
 * the response is done) and removes path now, so nothing is left behind. */
void export_send(api_ctx *c, int fd, const char *path, const char *content_type,
                 const char *filename);
/* "2026-11-26 09:05:00" in local time, "" for 0; out has 20 bytes. */
void export_time(int64_t t, int utc_offset_min, char out[20]);

/* GET /api/export/appraisal.xlsx (export_appraisal.c) */
void api_export_appraisal(api_ctx *c);

#endif
