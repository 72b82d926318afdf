/* static_files.h — serving the web pages under the web root (GET only). Paths are confined
 * to the root: ".." segments are refused and the resolved file must lie inside the root. */
#ifndef HOTLINE_HTTP_STATIC_FILES_H
#define HOTLINE_HTTP_STATIC_FILES_H
#include "http/request.h"

/* Answers r with the file for r->path under root ("/" and directories → index.html), or a
 * JSON 404. root must be an absolute, resolved path (realpath). */
void static_files_serve(http_req *r, const char *root);
/* The Content-Type for a file name by its extension ("application/octet-stream" if unknown). */
const char *static_files_type(const char *name);

#endif
