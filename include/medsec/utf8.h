/* medsec/utf8.h: check that text is well-formed UTF-8 before a parser sees it, and say where it is
 * not. The YAML loaders (security file, rule catalogs) call it first: libfyaml 0.7.12 loops forever
 * on some malformed sequences (an unknown directive followed by a bad byte, found by the fuzzers).
 */
#ifndef MEDSEC_UTF8_H
#define MEDSEC_UTF8_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Where the first bad byte is. */
struct medsec_utf8_pos {
    size_t offset; /* byte offset */
    unsigned line,
        column;         /* 1-based; the column counts characters (code points), as libfyaml does */
    unsigned char byte; /* the byte itself; 0 for a NUL byte */
};

/*
 * True when the @len bytes at @s are well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF, no truncated sequence) and hold no NUL byte. Otherwise false, with *bad
 * (when not NULL) filled in. A byte-order mark is a character like any other.
 */
bool medsec_utf8_check(const char *s, size_t len, struct medsec_utf8_pos *bad)
    __attribute__((warn_unused_result));

#ifdef __cplusplus
}
#endif
#endif
