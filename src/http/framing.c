/* framing.c — see framing.h. */
#include "http/framing.h"
#include <string.h>
#include <strings.h>

static bool fail(http_framing_error *err, int status, const char *code, const char *message)
{
    *err = (http_framing_error){status, code, message};
    return false;
}

/* RFC 9110 5.6.2: token = 1*tchar */
static bool is_token(const char *s)
{
    if (!*s) return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr("!#$%&'*+-.^_`|~", *p)))
            return false;
    return true;
}

/* RFC 9110 5.5: no control character in a value but HTAB (obs-text, bytes >= 0x80, is fine) */
static bool is_field_value(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 && *p != '\t') || *p == 0x7f) return false;
    return true;
}

static bool all_digits(const char *s)
{
    if (!*s) return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9') return false;
    return true;
}

/* Walks the comma-separated codings of one Transfer-Encoding value: counts them and
 * `chunked`, and whether the last one seen is `chunked`. 0, or 400/501. */
static int codings(const char *v, int *nchunked, bool *last_chunked, int *n)
{
    const char *p = v;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',') p++;
        if (!*p) break;
        const char *start = p;
        while (*p && *p != ',' && *p != ' ' && *p != '\t' && *p != ';') p++;
        size_t len = (size_t)(p - start);
        while (*p && *p != ',') p++; /* parameters or spaces up to the next coding */
        (*n)++;
        bool chunked = len == 7 && strncasecmp(start, "chunked", 7) == 0;
        if (chunked) (*nchunked)++;
        else if (*nchunked) return 400; /* a coding after chunked */
        *last_chunked = chunked;
    }
    return 0;
}

bool http_framing_ok(const http_field *f, size_t n, size_t nlines, const char *version,
                     http_framing_error *err)
{
    size_t bytes = 0;
    int hosts = 0, nchunked = 0, ncodings = 0;
    bool te = false, last_chunked = false, unknown_coding = false;
    const char *length = NULL;
    if (nlines > HTTP_MAX_HEADER_LINES)
        return fail(err, 431, "headers_too_large", "more than 100 request header lines");
    for (size_t i = 0; i < n; i++) {
        bytes += strlen(f[i].name) + strlen(f[i].value) + 4; /* ": " and CRLF */
        if (bytes > HTTP_MAX_HEADER_BYTES)
            return fail(err, 431, "headers_too_large", "the request headers exceed 32 KiB");
    }
    for (size_t i = 0; i < n; i++) {
        const char *name = f[i].name, *v = f[i].value;
        if (f[i].folded)
            return fail(err, 400, "bad_request", "a header line is folded (obs-fold)");
        if (!is_token(name))
            return fail(err, 400, "bad_request", "a header name is not a token");
        if (!is_field_value(v))
            return fail(err, 400, "bad_request", "a header value has a control character");
        if (strcasecmp(name, "Host") == 0) hosts++;
        else if (strcasecmp(name, "Content-Length") == 0) {
            if (!all_digits(v))
                return fail(err, 400, "bad_request", "Content-Length is not a number");
            if (length && strcmp(length, v) != 0)
                return fail(err, 400, "bad_request", "two different Content-Length values");
            length = v;
        } else if (strcasecmp(name, "Transfer-Encoding") == 0) {
            te = true;
            int rc = codings(v, &nchunked, &last_chunked, &ncodings);
            if (rc) return fail(err, 400, "bad_request", "a transfer coding follows chunked");
            if (ncodings > nchunked) unknown_coding = true;
        }
    }
    if (te && length)
        return fail(err, 400, "bad_request", "both Content-Length and Transfer-Encoding");
    if (te && (!last_chunked || nchunked != 1))
        return fail(err, 400, "bad_request", "Transfer-Encoding must end with one chunked");
    if (te && unknown_coding)
        return fail(err, 501, "not_implemented", "only the chunked transfer coding is known");
    if (hosts > 1) return fail(err, 400, "bad_request", "more than one Host header");
    if (hosts == 0 && version && strcmp(version, "HTTP/1.1") == 0)
        return fail(err, 400, "bad_request", "an HTTP/1.1 request without Host");
    return true;
}
