/* jsonw.c: streaming JSON writer (valid UTF-8 out, invalid input bytes become U+FFFD). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/json.h"

/* Length of the valid UTF-8 sequence at @s (at most @n bytes), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned min;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

medsec_err medsec_json_escape(struct medsec_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    medsec_err rc = medsec_buf_addc(b, '"');
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (!rc && p < end) {
        const unsigned char *run = p;
        while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
            p++;
        if (p > run)
            rc = medsec_buf_add(b, run, (size_t)(p - run));
        if (rc || p >= end)
            break;
        unsigned char c = *p;
        if (c >= 0x80) {
            size_t l = utf8_len(p, (size_t)(end - p));
            if (l) {
                rc = medsec_buf_add(b, p, l);
                p += l;
            } else {
                rc = medsec_buf_add(b, "\xEF\xBF\xBD", 3);
                p++;
            }
            continue;
        }
        char esc[7] = {'\\', 0};
        size_t el = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            el = 6;
        }
        rc = medsec_buf_add(b, esc, el);
        p++;
    }
    if (!rc)
        rc = medsec_buf_addc(b, '"');
    return rc;
}

void medsec_jsonw_init(struct medsec_jsonw *w, struct medsec_buf *out, int pretty)
{
    memset(w, 0, sizeof *w);
    w->out = out;
    w->pretty = pretty;
}

static void put(struct medsec_jsonw *w, const char *s, size_t n)
{
    if (!w->err)
        w->err = medsec_buf_add(w->out, s, n);
}

static void newline_indent(struct medsec_jsonw *w)
{
    if (!w->pretty)
        return;
    put(w, "\n", 1);
    for (unsigned i = 0; i < w->depth; i++)
        put(w, "  ", 2);
}

/* Called before every value or key: separators and indentation. */
static void before_item(struct medsec_jsonw *w)
{
    if (w->after_key) {
        w->after_key = 0;
        return;
    }
    if (w->depth == 0)
        return;
    uint64_t bit = (uint64_t)1 << ((w->depth - 1) & 63);
    if (w->need_comma & bit)
        put(w, ",", 1);
    w->need_comma |= bit;
    newline_indent(w);
}

static void open(struct medsec_jsonw *w, char c, int object)
{
    before_item(w);
    put(w, &c, 1);
    if (w->depth >= 64) {
        w->err = MEDSEC_ETOOBIG;
        return;
    }
    uint64_t bit = (uint64_t)1 << w->depth;
    w->depth++;
    w->need_comma &= ~bit;
    if (object)
        w->in_object |= bit;
    else
        w->in_object &= ~bit;
}

static void close_(struct medsec_jsonw *w, char c)
{
    if (w->depth == 0) {
        w->err = MEDSEC_EINTERNAL;
        return;
    }
    uint64_t bit = (uint64_t)1 << (w->depth - 1);
    int had = (w->need_comma & bit) != 0;
    w->depth--;
    if (had)
        newline_indent(w);
    put(w, &c, 1);
}

void medsec_jsonw_object_begin(struct medsec_jsonw *w)
{
    open(w, '{', 1);
}
void medsec_jsonw_object_end(struct medsec_jsonw *w)
{
    close_(w, '}');
}
void medsec_jsonw_array_begin(struct medsec_jsonw *w)
{
    open(w, '[', 0);
}
void medsec_jsonw_array_end(struct medsec_jsonw *w)
{
    close_(w, ']');
}

void medsec_jsonw_key(struct medsec_jsonw *w, const char *key)
{
    before_item(w);
    if (!w->err)
        w->err = medsec_json_escape(w->out, key, strlen(key));
    put(w, w->pretty ? ": " : ":", w->pretty ? 2 : 1);
    w->after_key = 1;
}

void medsec_jsonw_stringn(struct medsec_jsonw *w, const char *s, size_t n)
{
    before_item(w);
    if (!w->err)
        w->err = medsec_json_escape(w->out, s, n);
}

void medsec_jsonw_string(struct medsec_jsonw *w, const char *s)
{
    if (!s) {
        medsec_jsonw_null(w);
        return;
    }
    medsec_jsonw_stringn(w, s, strlen(s));
}

static void raw(struct medsec_jsonw *w, const char *s)
{
    before_item(w);
    put(w, s, strlen(s));
}

void medsec_jsonw_int(struct medsec_jsonw *w, long long v)
{
    char t[32];
    snprintf(t, sizeof t, "%lld", v);
    raw(w, t);
}

void medsec_jsonw_uint(struct medsec_jsonw *w, unsigned long long v)
{
    char t[32];
    snprintf(t, sizeof t, "%llu", v);
    raw(w, t);
}

void medsec_jsonw_double(struct medsec_jsonw *w, double v)
{
    if (!isfinite(v)) {
        raw(w, "null");
        return;
    }
    char t[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(t, sizeof t, "%.*g", prec, v);
        if (strtod(t, NULL) == v)
            break;
    }
    raw(w, t);
}

void medsec_jsonw_fixed(struct medsec_jsonw *w, double v, int decimals)
{
    if (!isfinite(v)) {
        raw(w, "null");
        return;
    }
    char t[64];
    snprintf(t, sizeof t, "%.*f", decimals, v);
    raw(w, t);
}

void medsec_jsonw_bool(struct medsec_jsonw *w, bool v)
{
    raw(w, v ? "true" : "false");
}
void medsec_jsonw_null(struct medsec_jsonw *w)
{
    raw(w, "null");
}

void medsec_jsonw_value(struct medsec_jsonw *w, const struct medsec_json *v)
{
    if (!v) {
        medsec_jsonw_null(w);
        return;
    }
    switch (v->type) {
    case MEDSEC_JSON_NULL: medsec_jsonw_null(w); break;
    case MEDSEC_JSON_FALSE: medsec_jsonw_bool(w, false); break;
    case MEDSEC_JSON_TRUE: medsec_jsonw_bool(w, true); break;
    case MEDSEC_JSON_NUMBER:
        before_item(w);
        put(w, v->u.str, v->len);
        break;
    case MEDSEC_JSON_STRING: medsec_jsonw_stringn(w, v->u.str, v->len); break;
    case MEDSEC_JSON_ARRAY:
        medsec_jsonw_array_begin(w);
        for (size_t i = 0; i < v->len; i++)
            medsec_jsonw_value(w, &v->u.items[i]);
        medsec_jsonw_array_end(w);
        break;
    case MEDSEC_JSON_OBJECT:
        medsec_jsonw_object_begin(w);
        for (size_t i = 0; i < v->len; i++) {
            medsec_jsonw_key(w, v->u.members[i].key);
            medsec_jsonw_value(w, &v->u.members[i].value);
        }
        medsec_jsonw_object_end(w);
        break;
    }
}

void medsec_jsonw_kv_string(struct medsec_jsonw *w, const char *key, const char *s)
{
    medsec_jsonw_key(w, key);
    medsec_jsonw_string(w, s);
}

void medsec_jsonw_kv_int(struct medsec_jsonw *w, const char *key, long long v)
{
    medsec_jsonw_key(w, key);
    medsec_jsonw_int(w, v);
}

void medsec_jsonw_kv_bool(struct medsec_jsonw *w, const char *key, bool v)
{
    medsec_jsonw_key(w, key);
    medsec_jsonw_bool(w, v);
}

medsec_err medsec_jsonw_finish(struct medsec_jsonw *w)
{
    if (!w->err && w->depth != 0)
        w->err = MEDSEC_EINTERNAL;
    if (w->pretty)
        put(w, "\n", 1);
    return w->err;
}

void medsec_jsonw_kv_strings(struct medsec_jsonw *w, const char *key, const char *const *v,
                             size_t n)
{
    medsec_jsonw_key(w, key);
    medsec_jsonw_array_begin(w);
    for (size_t i = 0; i < n; i++)
        medsec_jsonw_string(w, v[i]);
    medsec_jsonw_array_end(w);
}
