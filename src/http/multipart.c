/* multipart.c — see multipart.h. A body is
 *   [preamble] "--B" CRLF headers CRLF CRLF data CRLF "--B" CRLF ... CRLF "--B--" [epilogue]
 * Data runs to the next CRLF "--B"; the boundary is chosen by the sender so that it does not
 * occur in any part. Header lines are "Name: value"; only Content-Disposition (form-data with
 * name and filename parameters) and Content-Type matter. */
#include "http/multipart.h"
#include <string.h>
#include <strings.h>

static bool is_form_type(const char *ct, size_t *after)
{
    static const char t[] = "multipart/form-data";
    if (!ct) return false;
    while (*ct == ' ' || *ct == '\t') ct++;
    if (strncasecmp(ct, t, sizeof t - 1) != 0) return false;
    char c = ct[sizeof t - 1];
    if (c && c != ';' && c != ' ' && c != '\t') return false;
    if (after) *after = sizeof t - 1;
    return true;
}

bool multipart_is_form(const char *content_type)
{
    return is_form_type(content_type, NULL);
}

/* Finds parameter `name` in "; a=b; c="d"" style text; its value (unquoted, backslash escapes
 * undone) in the arena, or NULL. */
static const char *param(arena *a, const char *s, size_t len, const char *name)
{
    size_t nl = strlen(name), i = 0;
    while (i < len) {
        while (i < len && (s[i] == ';' || s[i] == ' ' || s[i] == '\t')) i++;
        size_t k = i;
        while (i < len && s[i] != '=' && s[i] != ';') i++;
        size_t kend = i;
        while (kend > k && (s[kend - 1] == ' ' || s[kend - 1] == '\t')) kend--;
        if (i >= len || s[i] != '=') continue; /* a bare token such as "form-data" */
        i++;
        while (i < len && (s[i] == ' ' || s[i] == '\t')) i++;
        char *v = arena_alloc(a, len - i + 1);
        if (!v) return NULL;
        size_t vn = 0;
        if (i < len && s[i] == '"') {
            for (i++; i < len && s[i] != '"'; i++) {
                if (s[i] == '\\' && i + 1 < len) i++;
                v[vn++] = s[i];
            }
            if (i < len) i++; /* the closing quote */
        } else {
            while (i < len && s[i] != ';') v[vn++] = s[i++];
            while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t')) vn--;
        }
        v[vn] = 0;
        if (kend - k == nl && strncasecmp(s + k, name, nl) == 0) return v;
    }
    return NULL;
}

const char *multipart_boundary(arena *a, const char *content_type)
{
    size_t after = 0;
    if (!is_form_type(content_type, &after)) return NULL;
    const char *rest = content_type + after;
    while (*rest == ' ' || *rest == '\t') rest++;
    const char *b = param(a, rest, strlen(rest), "boundary");
    size_t n = b ? strlen(b) : 0;
    if (n < 1 || n > 70) return NULL;
    return b;
}

static const char *find(const char *hay, size_t hn, const char *needle, size_t nn)
{
    return nn <= hn ? memmem(hay, hn, needle, nn) : NULL;
}

static int problem(multipart_problem *p, int rc, int status, const char *code, const char *msg,
                   const char *part)
{
    *p = (multipart_problem){status, code, msg, part};
    return rc;
}

/* One part's header block [h, h+hn): fills name, filename, content_type. */
static int part_headers(arena *a, const char *h, size_t hn, multipart_part *out)
{
    out->content_type = "";
    while (hn) {
        const char *eol = find(h, hn, "\r\n", 2);
        size_t ln = eol ? (size_t)(eol - h) : hn;
        const char *colon = memchr(h, ':', ln);
        if (!colon) return HL_EINVAL;
        size_t kn = (size_t)(colon - h);
        const char *v = colon + 1;
        size_t vn = ln - kn - 1;
        while (vn && (*v == ' ' || *v == '\t')) v++, vn--;
        if (kn == 19 && strncasecmp(h, "Content-Disposition", 19) == 0) {
            if (vn < 9 || strncasecmp(v, "form-data", 9) != 0) return HL_EINVAL;
            out->name = param(a, v + 9, vn - 9, "name");
            out->filename = param(a, v + 9, vn - 9, "filename");
            if (!out->name) return HL_EINVAL;
        } else if (kn == 12 && strncasecmp(h, "Content-Type", 12) == 0) {
            out->content_type = arena_strndup(a, v, vn);
            if (!out->content_type) return HL_ENOMEM;
        }
        if (!eol) break;
        hn -= ln + 2;
        h += ln + 2;
    }
    return out->name ? 0 : HL_EINVAL;
}

int multipart_parse(arena *a, const char *body, size_t len, const char *boundary,
                    const multipart_limits *lim, multipart_part **parts, size_t *n,
                    multipart_problem *p)
{
    *parts = NULL;
    *n = 0;
    size_t bn = boundary ? strlen(boundary) : 0;
    if (bn < 1 || bn > 70 || !body) return problem(p, HL_EINVAL, 400, "damaged", "the form has no boundary", NULL);
    char *delim = arena_printf(a, "\r\n--%s", boundary); /* the delimiter inside the body */
    if (!delim) return HL_ENOMEM;
    size_t dn = bn + 4, files = 0, fields = 0, cap = 0;
    /* the first delimiter may open the body (no CRLF before it) */
    const char *at;
    if (len >= dn - 2 && memcmp(body, delim + 2, dn - 2) == 0) at = body + dn - 2;
    else {
        at = find(body, len, delim, dn);
        if (!at) return problem(p, HL_EINVAL, 400, "damaged", "the form has no parts", NULL);
        at += dn;
    }
    const char *end = body + len;
    for (;;) {
        /* after a delimiter: "--" closes the body, CRLF opens a part (transport padding
         * of spaces and tabs is allowed before it) */
        if (end - at >= 2 && at[0] == '-' && at[1] == '-') return 0;
        while (at < end && (*at == ' ' || *at == '\t')) at++;
        if (end - at < 2 || at[0] != '\r' || at[1] != '\n')
            return problem(p, HL_EINVAL, 400, "damaged", "the form is cut short or malformed", NULL);
        at += 2;
        size_t left = (size_t)(end - at);
        const char *hend = find(at, left < MULTIPART_MAX_HEADER_BYTES + 4 ? left
                                                                          : MULTIPART_MAX_HEADER_BYTES + 4,
                                "\r\n\r\n", 4);
        multipart_part part = {0};
        if (at + 2 <= end && at[0] == '\r' && at[1] == '\n') hend = at - 2; /* no headers */
        if (!hend)
            return problem(p, HL_EINVAL, 400, "damaged", "a part's headers are malformed", NULL);
        int rc = hend > at ? part_headers(a, at, (size_t)(hend - at), &part) : HL_EINVAL;
        if (rc == HL_ENOMEM) return rc;
        if (rc)
            return problem(p, HL_EINVAL, 400, "damaged",
                           "a part has no Content-Disposition: form-data with a name", NULL);
        const char *data = hend + 4;
        const char *next = find(data, (size_t)(end - data), delim, dn);
        const char *label = part.filename && *part.filename ? part.filename : part.name;
        size_t dlen = next ? (size_t)(next - data) : (size_t)(end - data);
        if (part.filename) {
            if (++files > lim->max_files)
                return problem(p, HL_ERANGE, 422, "too_many_files",
                               arena_printf(a, "at most %zu files in one upload", lim->max_files), label);
            if (dlen > lim->max_file_bytes)
                return problem(p, HL_ERANGE, 413, "too_large",
                               arena_printf(a, "a file has at most %zu bytes", lim->max_file_bytes), label);
        } else {
            if (++fields > MULTIPART_MAX_FIELDS)
                return problem(p, HL_ERANGE, 422, "too_many_fields", "too many form fields", label);
            if (dlen > MULTIPART_MAX_FIELD_BYTES)
                return problem(p, HL_ERANGE, 413, "too_large", "a form field is too long", label);
        }
        if (!next)
            return problem(p, HL_EINVAL, 400, "damaged", "the form is cut short (no closing boundary)",
                           label);
        part.data = data;
        part.len = dlen;
        if (!part.filename) {
            part.value = arena_strndup(a, data, dlen);
            if (!part.value) return HL_ENOMEM;
        }
        if (*n == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            multipart_part *grown = arena_alloc(a, ncap * sizeof *grown);
            if (!grown) return HL_ENOMEM;
            if (*n) memcpy(grown, *parts, *n * sizeof *grown);
            *parts = grown;
            cap = ncap;
        }
        (*parts)[(*n)++] = part;
        at = next + dn;
    }
}

const char *multipart_field(const multipart_part *parts, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!parts[i].filename && strcmp(parts[i].name, name) == 0) return parts[i].value;
    return NULL;
}
