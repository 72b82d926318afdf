/* framing.h — the request header block judged as RFC 9112 says, before anything reads it:
 * what libmicrohttpd 0.9.75 lets through and a proxy in front might read another way
 * (request smuggling). Refused: a header name that is not a token (a space in it or before
 * the colon), a folded line (obs-fold), a field value with CR, LF, NUL or another control
 * character, two different Content-Length values or one that is not digits, Content-Length
 * together with Transfer-Encoding, a Transfer-Encoding whose last coding is not `chunked` or
 * that names `chunked` twice, HTTP/1.1 without exactly one Host (and any request with two).
 * A transfer coding other than chunked is 501 (we implement none). The header block is also
 * held to HTTP_MAX_HEADER_BYTES and HTTP_MAX_HEADER_LINES (431). Pure: no I/O. */
#ifndef HOTLINE_HTTP_FRAMING_H
#define HOTLINE_HTTP_FRAMING_H
#include <stdbool.h>
#include <stddef.h>

#define HTTP_MAX_HEADER_BYTES 32768 /* all request header lines together; more gets 431 */
#define HTTP_MAX_HEADER_LINES 100   /* header lines; more gets 431 */

typedef struct {
    const char *name, *value; /* NUL-terminated */
    bool folded;              /* the line was continued on the next (obs-fold) */
} http_field;

typedef struct {
    int status;          /* 400, 431 or 501 */
    const char *code;    /* "bad_request", "headers_too_large", "not_implemented" */
    const char *message; /* English, for the error shape */
} http_framing_error;

/* Judges the header fields f[0..n) of a request of version ("HTTP/1.1", "HTTP/1.0", "" for
 * HTTP/0.9). nlines is the number of header lines received (it may exceed n when the caller
 * kept only n). Returns true when the request may be read; else false and *err. */
bool http_framing_ok(const http_field *f, size_t n, size_t nlines, const char *version,
                     http_framing_error *err);

#endif
