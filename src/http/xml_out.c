/* xml_out.c — see xml_out.h. */
#include "http/xml_out.h"
#include "util/err.h"
#include <stdint.h>
#include <string.h>
#include <strings.h>

void xml_out_init(xml_out *x, size_t max)
{
    buf_init(&x->b, max);
    x->rc = buf_puts(&x->b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
}

void xml_out_free(xml_out *x) { buf_free(&x->b); }

bool xml_out_name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 64) return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        bool more = (c >= '0' && c <= '9') || c == '-' || c == '.';
        if (!letter && (i == 0 || !more)) return false;
    }
    /* names starting with "xml" (any case) are reserved by the XML specification */
    return strncasecmp(name, "xml", 3) != 0;
}

static void put(xml_out *x, const char *s, size_t n)
{
    if (!x->rc) x->rc = buf_append(&x->b, s, n);
}

static void tag(xml_out *x, const char *pre, const char *name, const char *post)
{
    if (x->rc) return;
    if (!xml_out_name_ok(name)) {
        x->rc = HL_EINVAL;
        return;
    }
    put(x, pre, strlen(pre));
    put(x, name, strlen(name));
    put(x, post, strlen(post));
}

void xml_out_open(xml_out *x, const char *name) { tag(x, "<", name, ">"); }

void xml_out_close(xml_out *x, const char *name) { tag(x, "</", name, ">"); }

/* Length of the UTF-8 sequence at s (at most n bytes) and its code point; 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t need;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) need = 1, v = c & 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF) need = 2, v = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4) need = 3, v = c & 0x07, min = 0x10000;
    else return 0;
    if (n - 1 < need) return 0;
    for (size_t k = 1; k <= need; k++) {
        if ((s[k] & 0xC0) != 0x80) return 0;
        v = (v << 6) | (s[k] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    *cp = v;
    return need + 1;
}

void xml_out_text(xml_out *x, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, run = 0; /* bytes [i - run, i) are copied as they are */
    while (!x->rc && i < n) {
        uint32_t cp;
        size_t len = utf8_seq(u + i, n - i, &cp);
        if (len == 0) {
            x->rc = HL_EINVAL;
            return;
        }
        const char *rep = NULL;
        bool drop = false;
        switch (cp) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&apos;"; break;
        case '\r': rep = "&#13;"; break;
        case '\t':
        case '\n': break;
        default: drop = cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF; break;
        }
        if (rep || drop) {
            put(x, s + i - run, run);
            run = 0;
            if (rep) put(x, rep, strlen(rep));
        } else {
            run += len;
        }
        i += len;
    }
    put(x, s + i - run, run);
}

void xml_out_element(xml_out *x, const char *name, const char *s, size_t n)
{
    if (n == 0) {
        tag(x, "<", name, "/>");
        return;
    }
    xml_out_open(x, name);
    xml_out_text(x, s, n);
    xml_out_close(x, name);
}

int xml_out_finish(xml_out *x, char **out, size_t *len)
{
    int rc = x->rc;
    *out = NULL;
    if (len) *len = 0;
    if (!rc && !x->b.data) rc = HL_ENOMEM;
    if (rc) {
        buf_free(&x->b);
        return rc;
    }
    *out = buf_steal(&x->b, len);
    return 0;
}
