/* cbor_enc.c: a small CBOR encoder (RFC 8949) over medsec_buf, for what the manufacturer writes:
 * definite lengths only and every head in its shortest form (the core deterministic encoding of
 * RFC 8949 4.2.1); the caller writes map keys in the order 4.2.1 asks (bytewise order of the
 * encoded keys: small unsigned first, then negative, then text). */
#include <string.h>

#include "medsec/release.h"

/* The head of major type @major with argument @v, in the fewest bytes. */
static medsec_err head(struct medsec_buf *b, unsigned major, uint64_t v)
{
    unsigned char h[9];
    size_t n;
    unsigned char m = (unsigned char)(major << 5);
    if (v < 24) {
        h[0] = (unsigned char)(m | v);
        n = 1;
    } else if (v <= 0xff) {
        h[0] = m | 24;
        h[1] = (unsigned char)v;
        n = 2;
    } else if (v <= 0xffff) {
        h[0] = m | 25;
        n = 3;
    } else if (v <= 0xffffffffu) {
        h[0] = m | 26;
        n = 5;
    } else {
        h[0] = m | 27;
        n = 9;
    }
    if (n > 2)
        for (size_t i = 1; i < n; i++)
            h[i] = (unsigned char)(v >> (8 * (n - 1 - i)));
    return medsec_buf_add(b, h, n);
}

medsec_err medsec_cbor_uint(struct medsec_buf *b, uint64_t v)
{
    return head(b, 0, v);
}

medsec_err medsec_cbor_int(struct medsec_buf *b, int64_t v)
{
    /* a negative integer -1-n is major type 1 with argument n */
    return v >= 0 ? head(b, 0, (uint64_t)v) : head(b, 1, (uint64_t)(-(v + 1)));
}

medsec_err medsec_cbor_bstr_head(struct medsec_buf *b, uint64_t n)
{
    return head(b, 2, n);
}

medsec_err medsec_cbor_bstr(struct medsec_buf *b, const void *p, size_t n)
{
    medsec_err rc = head(b, 2, n);
    return rc || !n ? rc : medsec_buf_add(b, p, n);
}

medsec_err medsec_cbor_tstr(struct medsec_buf *b, const char *s)
{
    size_t n = strlen(s);
    medsec_err rc = head(b, 3, n);
    return rc || !n ? rc : medsec_buf_add(b, s, n);
}

medsec_err medsec_cbor_array(struct medsec_buf *b, uint64_t n)
{
    return head(b, 4, n);
}

medsec_err medsec_cbor_map(struct medsec_buf *b, uint64_t n)
{
    return head(b, 5, n);
}

medsec_err medsec_cbor_tag(struct medsec_buf *b, uint64_t tag)
{
    return head(b, 6, tag);
}

medsec_err medsec_cbor_null(struct medsec_buf *b)
{
    return medsec_buf_addc(b, (char)0xf6);
}
