/* static_files.c — see static_files.h. Files are sent with sendfile through MHD's fd
 * responses, so a large script costs no copy. */
#include "http/static_files.h"
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *static_files_type(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json; charset=utf-8"},
        {".geojson", "application/geo+json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"},
        {".md", "text/markdown; charset=utf-8"},
    };
    const char *dot = strrchr(name, '.');
    if (dot)
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (strcmp(dot, types[i].ext) == 0) return types[i].type;
    return "application/octet-stream";
}

static bool has_dotdot(const char *p)
{
    for (const char *s = p; (s = strstr(s, "..")); s += 2)
        if ((s == p || s[-1] == '/') && (s[2] == 0 || s[2] == '/')) return true;
    return false;
}

void static_files_serve(http_req *r, const char *root)
{
    if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
        http_add_header(r, "Allow", "GET, HEAD");
        http_send_error(r, 405, "method_not_allowed", "only GET is allowed here", NULL);
        return;
    }
    char *rel = NULL;
    size_t rel_len = 0;
    if (urlenc_decode(r->a, r->path, r->path_len, &rel, &rel_len) || has_dotdot(rel) ||
        strlen(rel) != rel_len) {
        http_send_error(r, 404, "not_found", "no such page", NULL);
        return;
    }
    bool dir = rel_len == 0 || rel[rel_len - 1] == '/';
    char *full = arena_printf(r->a, "%s%s%s", root, rel, dir ? "index.html" : "");
    char resolved[PATH_MAX];
    struct stat st;
    if (full && realpath(full, resolved) && stat(resolved, &st) == 0 && S_ISDIR(st.st_mode)) {
        full = arena_printf(r->a, "%s/index.html", resolved);
        if (!full || !realpath(full, resolved)) full = NULL;
    }
    size_t rootlen = strlen(root);
    int fd = -1;
    if (full && realpath(full, resolved) && strncmp(resolved, root, rootlen) == 0 &&
        resolved[rootlen] == '/')
        fd = open(resolved, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0) close(fd);
        http_send_error(r, 404, "not_found", "no such page", NULL);
        return;
    }
    r->status = 200;
    r->resp_fd = fd;
    r->resp_fd_size = st.st_size;
    r->content_type = static_files_type(resolved);
    r->responded = true;
    http_add_header(r, "Cache-Control", "no-cache");
}
