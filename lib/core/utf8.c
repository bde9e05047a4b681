/* utf8.c: the one UTF-8 well-formedness check every text loader runs before its parser. */
#include "medsec/utf8.h"

/* Length of the well-formed sequence starting at @s[0] (at most @left bytes), or 0 when it is not
 * one. */
static size_t sequence(const unsigned char *s, size_t left)
{
    unsigned char c = s[0];
    size_t n;
    unsigned long min, cp;
    if (c == 0)
        return 0;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2, min = 0x80, cp = c & 0x1Fu;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, min = 0x800, cp = c & 0x0Fu;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, min = 0x10000, cp = c & 0x07u;
    else
        return 0; /* a continuation byte, C0/C1 (always overlong) or F5..FF */
    if (left < n)
        return 0;
    for (size_t k = 1; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[k] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

bool medsec_utf8_check(const char *s, size_t len, struct medsec_utf8_pos *bad)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned line = 1, column = 1;
    size_t i = 0;
    while (i < len) {
        size_t n = sequence(u + i, len - i);
        if (n == 0) {
            if (bad) {
                bad->offset = i;
                bad->line = line;
                bad->column = column;
                bad->byte = u[i];
            }
            return false;
        }
        if (u[i] == '\n')
            line++, column = 1;
        else
            column++;
        i += n;
    }
    return true;
}
