/* xml_out.h — writing XML documents (the GeoReport v2 mandatory format) into a bounded
 * buffer: elements and escaped text, UTF-8 kept as it is. Text is escaped (& < > " ' as
 * entities, CR as &#13; so it survives parsers' line-end normalisation); characters XML 1.0
 * cannot carry (C0 controls other than tab, LF and CR; U+FFFE, U+FFFF) are dropped; invalid
 * UTF-8 is refused. Errors are sticky: after the first, every call does nothing and
 * xml_out_finish reports it. Pure (no I/O). */
#ifndef HOTLINE_HTTP_XML_OUT_H
#define HOTLINE_HTTP_XML_OUT_H
#include "util/err.h"
#include "util/buf.h"
#include <stdbool.h>
#include <stddef.h>

typedef struct {
    buf b;
    int rc; /* first error: HL_EINVAL (bad name or UTF-8), HL_ERANGE (over max), HL_ENOMEM */
} xml_out;

/* Starts a document of at most max bytes with <?xml version="1.0" encoding="utf-8"?>. */
void xml_out_init(xml_out *x, size_t max);
/* Frees the buffer (after finish it holds nothing). */
void xml_out_free(xml_out *x);

/* Element names: an ASCII letter or '_', then letters, digits, '_', '-', '.'; at most 64. */
bool xml_out_name_ok(const char *name);
void xml_out_open(xml_out *x, const char *name);
void xml_out_close(xml_out *x, const char *name);
/* Escaped character data s[0..n). */
void xml_out_text(xml_out *x, const char *s, size_t n);
/* <name>text</name>, or <name/> when n is 0. */
void xml_out_element(xml_out *x, const char *name, const char *s, size_t n);

/* 0 and the document (malloc'd, NUL-terminated; the caller frees it) in *out, or the first
 * error and nothing. The writer is empty afterwards either way. */
HL_MUST_CHECK int xml_out_finish(xml_out *x, char **out, size_t *len);

#endif
