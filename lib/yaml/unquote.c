/* unquote.c: decode quoted YAML scalars from their source text (YAML 1.2, 7.3.1 and 7.3.2). */
#include <string.h>

#include "yamlsrc.h"

static bool is_white(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_break(char c)
{
    return c == '\n' || c == '\r';
}

/* Skip one line break (CR LF, LF or CR). */
static const char *skip_break(const char *s, const char *e)
{
    return *s == '\r' && s + 1 < e && s[1] == '\n' ? s + 2 : s + 1;
}

/* After a line break: count the empty (white-only) lines that follow and skip them and the next
 * line's leading white space. */
static const char *skip_lines(const char *s, const char *e, size_t *empty)
{
    *empty = 0;
    for (;;) {
        const char *p = s;
        while (p < e && is_white(*p))
            p++;
        if (p == e || !is_break(*p))
            return p;
        s = skip_break(p, e);
        (*empty)++;
    }
}

static size_t utf8_put(unsigned long cp, char *out)
{
    unsigned char *u = (unsigned char *)out;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD; /* not a character: the replacement character */
    if (cp < 0x80) {
        u[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        u[0] = (unsigned char)(0xC0 | (cp >> 6));
        u[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        u[0] = (unsigned char)(0xE0 | (cp >> 12));
        u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    u[0] = (unsigned char)(0xF0 | (cp >> 18));
    u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    u[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* @n hex digits at *s into *cp; false (nothing consumed) when they are not there. */
static bool hex(const char **s, const char *e, int n, unsigned long *cp)
{
    unsigned long v = 0;
    if (e - *s < n)
        return false;
    for (int i = 0; i < n; i++) {
        char c = (*s)[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return false;
        v = v << 4 | (unsigned long)d;
    }
    *s += n;
    *cp = v;
    return true;
}

/* The escape after a backslash at *s (not a line break), written to @out; returns its length. */
static size_t escape(const char **s, const char *e, char *out)
{
    static const char from[] = "0abt\tnvfre \"/\\";
    static const char to[] = "\0\a\b\t\t\n\v\f\r\033 \"/\\";
    char c = **s;
    const char *p = memchr(from, c, sizeof from - 1);
    (*s)++;
    if (c && p) {
        out[0] = to[p - from];
        return 1;
    }
    unsigned long cp;
    switch (c) {
    case 'N': return utf8_put(0x85, out);
    case '_': return utf8_put(0xA0, out);
    case 'L': return utf8_put(0x2028, out);
    case 'P': return utf8_put(0x2029, out);
    case 'x':
        if (hex(s, e, 2, &cp))
            return utf8_put(cp, out);
        break;
    case 'u':
        if (hex(s, e, 4, &cp)) {
            unsigned long lo;
            const char *q = *s;
            /* a UTF-16 surrogate pair written as two escapes is one character */
            if (cp >= 0xD800 && cp <= 0xDBFF && e - q >= 6 && q[0] == '\\' && q[1] == 'u' &&
                (q += 2, hex(&q, e, 4, &lo)) && lo >= 0xDC00 && lo <= 0xDFFF) {
                *s = q;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            return utf8_put(cp, out);
        }
        break;
    case 'U':
        if (hex(s, e, 8, &cp))
            return utf8_put(cp, out);
        break;
    default: break;
    }
    /* not an escape YAML knows: keep it as written */
    out[0] = '\\';
    out[1] = c;
    return 2;
}

size_t medsec_yaml_unquote(const char *s, const char *e, bool double_quoted, char *out)
{
    size_t o = 0, keep = 0; /* out[keep..o) is source white space a line break would drop */
    while (s < e) {
        char c = *s;
        if (!double_quoted && c == '\'') { /* inside single quotes a quote is always doubled */
            out[o++] = '\'';
            s += s + 1 < e ? 2 : 1;
            keep = o;
        } else if (double_quoted && c == '\\' && s + 1 < e) {
            s++;
            if (is_break(*s)) {
                /* an escaped line break: gone, with the next line's indentation; white before stays
                 */
                size_t empty;
                s = skip_lines(skip_break(s, e), e, &empty);
                for (size_t k = 0; k < empty; k++)
                    out[o++] = '\n';
            } else {
                o += escape(&s, e, out + o);
            }
            keep = o;
        } else if (is_break(c)) {
            size_t empty;
            o = keep; /* trailing white space is not content */
            s = skip_lines(skip_break(s, e), e, &empty);
            if (empty == 0)
                out[o++] = ' ';
            for (size_t k = 0; k < empty; k++)
                out[o++] = '\n';
            keep = o;
        } else {
            out[o++] = c;
            s++;
            if (!is_white(c))
                keep = o;
        }
    }
    out[o] = '\0';
    return o;
}

const char *medsec_yaml_nul_escape(const char *s, const char *e, size_t *len)
{
    static const struct {
        char letter;
        int digits;
    } zero[] = {{'0', 0}, {'x', 2}, {'u', 4}, {'U', 8}};
    for (; s + 1 < e; s++) {
        if (*s != '\\')
            continue;
        for (size_t k = 0; k < sizeof zero / sizeof *zero; k++) {
            const char *d = s + 2;
            if (s[1] != zero[k].letter || e - d < zero[k].digits)
                continue;
            int n = 0;
            while (n < zero[k].digits && d[n] == '0')
                n++;
            if (n == zero[k].digits) {
                *len = (size_t)(2 + n);
                return s;
            }
        }
        s++; /* the escaped character is not the start of another escape */
    }
    return NULL;
}
