/* ed25519.c: Ed25519 signature verification (RFC 8032, 5.1), portable C99, no heap. Field
 * arithmetic modulo p = 2^255 - 19 on 10 limbs of 26 and 25 bits with 64-bit products; points in
 * extended coordinates (X, Y, Z, T) with the unified addition and doubling formulas of 5.1.4;
 * [S]B - [k]A by one joint double-and-add. Verification works on public values only, so its time
 * may depend on them. */
#include <string.h>

#include "msa_crypto.h"

/* A field element: value = sum v[i] * 2^ceil(25.5 i), limbs never negative and within their 26 or
 * 25 bits between operations (each operation ends with a carry; limb 0 may exceed 2^26 by less
 * than 2^9), so that 64-bit sums of products (below 2^61) never overflow. */
typedef struct {
    uint32_t v[10];
} fe;

/* A point in extended coordinates: x = X/Z, y = Y/Z, x*y = T/Z. */
typedef struct {
    fe X, Y, Z, T;
} ge;

/* p in the limbs of a field element; 4p's limbs exceed any carried limb (below 2^26 + 2^9), so
 * that a + 4p - b never goes negative */
static const uint32_t p_limbs[10] = {0x3ffffed, 0x1ffffff, 0x3ffffff, 0x1ffffff, 0x3ffffff,
                                     0x1ffffff, 0x3ffffff, 0x1ffffff, 0x3ffffff, 0x1ffffff};

/* constants as 32-byte little-endian integers (computed from RFC 8032 5.1's definitions) */
static const fe d2 = {{/* 2 * d, d = -121665 / 121666 mod p, in limbs (used by every addition) */
                       0x2b2f159, 0x1a6e509, 0x22add7a, 0x0d4141d, 0x0038052, 0x0f3d130, 0x3407977,
                       0x19ce331, 0x1c56dff, 0x0901b67}};
static const unsigned char d_bytes[32] = {
    0xa3, 0x78, 0x59, 0x13, 0xca, 0x4d, 0xeb, 0x75, 0xab, 0xd8, 0x41, 0x41, 0x4d, 0x0a, 0x70, 0x00,
    0x98, 0xe8, 0x79, 0x77, 0x79, 0x40, 0xc7, 0x8c, 0x73, 0xfe, 0x6f, 0x2b, 0xee, 0x6c, 0x03, 0x52};
static const unsigned char sqrtm1_bytes[32] = {/* 2^((p-1)/4), a square root of -1 */
                                               0xb0, 0xa0, 0x0e, 0x4a, 0x27, 0x1b, 0xee, 0xc4,
                                               0x78, 0xe4, 0x2f, 0xad, 0x06, 0x18, 0x43, 0x2f,
                                               0xa7, 0xd7, 0xfb, 0x3d, 0x99, 0x00, 0x4d, 0x2b,
                                               0x0b, 0xdf, 0xc1, 0x4f, 0x80, 0x24, 0x83, 0x2b};
static const unsigned char bx_bytes[32] = {/* the base point B: x even, y = 4/5 */
                                           0x1a, 0xd5, 0x25, 0x8f, 0x60, 0x2d, 0x56, 0xc9,
                                           0xb2, 0xa7, 0x25, 0x95, 0x60, 0xc7, 0x2c, 0x69,
                                           0x5c, 0xdc, 0xd6, 0xfd, 0x31, 0xe2, 0xa4, 0xc0,
                                           0xfe, 0x53, 0x6e, 0xcd, 0xd3, 0x36, 0x69, 0x21};
static const unsigned char by_bytes[32] = {
    0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
    0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66};
static const unsigned char bt_bytes[32] = {/* x * y of B */
                                           0xa3, 0xdd, 0xb7, 0xa5, 0xb3, 0x8a, 0xde, 0x6d,
                                           0xf5, 0x52, 0x51, 0x77, 0x80, 0x9f, 0xf0, 0x20,
                                           0x7d, 0xe3, 0xab, 0x64, 0x8e, 0x4e, 0xea, 0x66,
                                           0x65, 0x76, 0x8b, 0xd7, 0x0f, 0x5f, 0x87, 0x67};
/* the group order L = 2^252 + 27742317777372353535851937790883648493 */
static const unsigned char l_bytes[32] = {
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10};
/* exponents p - 2 (inversion) and (p - 5) / 8 (square roots, 5.1.3) */
static const unsigned char pm2_bytes[32] = {
    0xeb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f};
static const unsigned char pm5d8_bytes[32] = {
    0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f};

/* ---- the field ---- */

/* limb i holds 26 bits when i is even, 25 when odd: limb i has weight 2^ceil(25.5 i) */
#define FE_WIDTH(i) (26 - ((i)&1))

/* @t (limbs below 2^61) into @o. What leaves the top limb is worth 2^255 = 19 (mod p) and goes
 * back into limb 0. Shifts are by constants (a variable 64-bit shift is a library call on a 32-bit
 * processor), and the second pass runs on 32 bits once the limbs fit. */
static void fe_carry(fe *o, uint64_t t[10])
{
    uint32_t r[10];
    int i;
    for (i = 0; i < 8; i += 2) {
        t[i + 1] += t[i] >> 26;
        t[i] &= 0x3ffffff;
        t[i + 2] += t[i + 1] >> 25;
        t[i + 1] &= 0x1ffffff;
    }
    t[9] += t[8] >> 26;
    t[8] &= 0x3ffffff;
    t[0] += 19 * (t[9] >> 25); /* below 2^41 */
    t[9] &= 0x1ffffff;
    t[1] += t[0] >> 26;
    t[0] &= 0x3ffffff;
    for (i = 0; i < 10; i++)
        r[i] = (uint32_t)t[i];
    for (i = 1; i < 9; i += 2) {
        r[i + 1] += r[i] >> 25;
        r[i] &= 0x1ffffff;
        r[i + 2] += r[i + 1] >> 26;
        r[i + 1] &= 0x3ffffff;
    }
    r[0] += 19 * (r[9] >> 25); /* at most 19 */
    r[9] &= 0x1ffffff;
    memcpy(o->v, r, sizeof r);
}

/* one carry pass on 32 bits, for sums below 2^29 (limb 0 ends below 2^26 + 2^9) */
static void fe_carry32(fe *o, uint32_t t[10])
{
    int i;
    for (i = 0; i < 8; i += 2) {
        t[i + 1] += t[i] >> 26;
        t[i] &= 0x3ffffff;
        t[i + 2] += t[i + 1] >> 25;
        t[i + 1] &= 0x1ffffff;
    }
    t[9] += t[8] >> 26;
    t[8] &= 0x3ffffff;
    t[0] += 19 * (t[9] >> 25);
    t[9] &= 0x1ffffff;
    memcpy(o->v, t, 10 * sizeof t[0]);
}

/* the low 255 bits of @b, little-endian */
static void fe_from_bytes(fe *o, const unsigned char b[32])
{
    int i, off = 0;
    for (i = 0; i < 10; i++) {
        uint64_t acc = 0;
        int k, first = off / 8, last = (off + FE_WIDTH(i) - 1) / 8;
        for (k = last; k >= first; k--)
            acc = acc << 8 | b[k];
        o->v[i] = (uint32_t)((acc >> (off % 8)) & (((uint64_t)1 << FE_WIDTH(i)) - 1));
        off += FE_WIDTH(i);
    }
}

static void fe_set_small(fe *o, uint32_t n)
{
    memset(o, 0, sizeof *o);
    o->v[0] = n;
}

/* the canonical encoding: the value reduced below p, 32 bytes little-endian */
static void fe_to_bytes(unsigned char out[32], const fe *a)
{
    uint64_t t[10], m[10], borrow = 0, acc = 0;
    int i, k, bits = 0, n = 0;

    for (i = 0; i < 10; i++)
        t[i] = a->v[i];
    /* two passes leave limb 0 below 2^26 + 19; a third leaves every limb within its width */
    for (k = 0; k < 3; k++) {
        for (i = 0; i < 10; i++) {
            uint64_t c = t[i] >> FE_WIDTH(i);
            t[i] &= ((uint64_t)1 << FE_WIDTH(i)) - 1;
            if (i < 9)
                t[i + 1] += c;
            else
                t[0] += 19 * c;
        }
    }
    /* now the value is below 2^255 < 2p: subtract p unless that goes below zero */
    for (i = 0; i < 10; i++) {
        uint64_t x = t[i] - p_limbs[i] - borrow;
        borrow = x >> 63;
        m[i] = x & (((uint64_t)1 << FE_WIDTH(i)) - 1);
    }
    for (i = 0; i < 10; i++) /* take m when there was no borrow, without a branch */
        t[i] = (m[i] & (borrow - 1)) | (t[i] & (0 - borrow));
    for (i = 0; i < 10; i++) {
        acc |= t[i] << bits;
        bits += FE_WIDTH(i);
        while (bits >= 8) {
            out[n++] = (unsigned char)acc;
            acc >>= 8;
            bits -= 8;
        }
    }
    out[n] = (unsigned char)acc; /* the last 7 bits (255 = 31 * 8 + 7) */
}

static void fe_add(fe *o, const fe *a, const fe *b)
{
    uint32_t t[10];
    int i;
    for (i = 0; i < 10; i++)
        t[i] = a->v[i] + b->v[i];
    fe_carry32(o, t);
}

/* a - b as a + 4p - b, limb by limb: 4p's limbs (at least 2^27 - 4) exceed any of b's */
static void fe_sub(fe *o, const fe *a, const fe *b)
{
    uint32_t t[10];
    int i;
    for (i = 0; i < 10; i++)
        t[i] = a->v[i] + 4 * p_limbs[i] - b->v[i];
    fe_carry32(o, t);
}

static void fe_neg(fe *o, const fe *a)
{
    fe zero;
    fe_set_small(&zero, 0);
    fe_sub(o, &zero, a);
}

/* a * b: the product of limbs i and j has weight 2^(w(i) + w(j)), which is limb i + j's weight
 * times 2 when i and j are both odd, and wraps past limb 9 as 2^255 = 19 (mod p). Limb k of the
 * result takes a[i] * b[k - i], or a[i] * 19 b[k - i + 10] when k < i; with i odd, j = k - i is
 * odd exactly when k is even. */
static void fe_mul(fe *o, const fe *a, const fe *b)
{
    uint64_t t[10];
    uint32_t bx[20]; /* bx[k - i + 10]: 19 b[0..9], then b[0..9] */
    int i, k;

    for (i = 0; i < 10; i++) {
        bx[i] = 19 * b->v[i];
        bx[i + 10] = b->v[i];
        t[i] = 0;
    }
    for (i = 0; i < 10; i++) {
        uint64_t ai = a->v[i], ae = (i & 1) ? 2 * ai : ai;
        const uint32_t *col = bx + 10 - i;
        for (k = 0; k < 10; k += 2) {
            t[k] += ae * col[k];
            t[k + 1] += ai * col[k + 1];
        }
    }
    fe_carry(o, t);
}

static void fe_sq(fe *o, const fe *a)
{
    fe_mul(o, a, a);
}

/* a^e for the 255-bit exponent @e (little-endian), square and multiply from the top bit */
static void fe_pow(fe *o, const fe *a, const unsigned char e[32])
{
    fe r;
    int bit;
    fe_set_small(&r, 1);
    for (bit = 254; bit >= 0; bit--) {
        fe_sq(&r, &r);
        if ((e[bit >> 3] >> (bit & 7)) & 1)
            fe_mul(&r, &r, a);
    }
    *o = r;
}

static int fe_equal(const fe *a, const fe *b)
{
    unsigned char x[32], y[32];
    fe_to_bytes(x, a);
    fe_to_bytes(y, b);
    return memcmp(x, y, 32) == 0;
}

static int fe_is_zero(const fe *a)
{
    fe zero;
    fe_set_small(&zero, 0);
    return fe_equal(a, &zero);
}

static int fe_is_odd(const fe *a)
{
    unsigned char x[32];
    fe_to_bytes(x, a);
    return x[0] & 1;
}

/* ---- the curve ---- */

static void ge_identity(ge *r)
{
    fe_set_small(&r->X, 0);
    fe_set_small(&r->Y, 1);
    fe_set_small(&r->Z, 1);
    fe_set_small(&r->T, 0);
}

static void ge_base(ge *r)
{
    fe_from_bytes(&r->X, bx_bytes);
    fe_from_bytes(&r->Y, by_bytes);
    fe_set_small(&r->Z, 1);
    fe_from_bytes(&r->T, bt_bytes);
}

/* r = p + q (5.1.4, addition for a = -1); r may be p or q */
static void ge_add(ge *r, const ge *p, const ge *q)
{
    fe a, b, c, d, e, f, g, h, t;

    fe_sub(&a, &p->Y, &p->X);
    fe_sub(&t, &q->Y, &q->X);
    fe_mul(&a, &a, &t);
    fe_add(&b, &p->Y, &p->X);
    fe_add(&t, &q->Y, &q->X);
    fe_mul(&b, &b, &t);
    fe_mul(&c, &p->T, &d2);
    fe_mul(&c, &c, &q->T);
    fe_add(&d, &p->Z, &p->Z);
    fe_mul(&d, &d, &q->Z);
    fe_sub(&e, &b, &a);
    fe_sub(&f, &d, &c);
    fe_add(&g, &d, &c);
    fe_add(&h, &b, &a);
    fe_mul(&r->X, &e, &f);
    fe_mul(&r->Y, &g, &h);
    fe_mul(&r->T, &e, &h);
    fe_mul(&r->Z, &f, &g);
}

/* r = 2p (5.1.4, doubling); r may be p */
static void ge_double(ge *r, const ge *p)
{
    fe a, b, c, e, f, g, h;

    fe_sq(&a, &p->X);
    fe_sq(&b, &p->Y);
    fe_sq(&c, &p->Z);
    fe_add(&c, &c, &c);
    fe_add(&h, &a, &b);
    fe_add(&e, &p->X, &p->Y);
    fe_sq(&e, &e);
    fe_sub(&e, &h, &e);
    fe_sub(&g, &a, &b);
    fe_add(&f, &c, &g);
    fe_mul(&r->X, &e, &f);
    fe_mul(&r->Y, &g, &h);
    fe_mul(&r->T, &e, &h);
    fe_mul(&r->Z, &f, &g);
}

/* whether [8]p is the identity (p is one of the 8 points of small order) */
static int ge_small_order(const ge *p)
{
    ge q;
    ge_double(&q, p);
    ge_double(&q, &q);
    ge_double(&q, &q);
    return fe_is_zero(&q.X) && fe_equal(&q.Y, &q.Z);
}

static void ge_to_bytes(unsigned char out[32], const ge *p)
{
    fe zi, x, y;
    fe_pow(&zi, &p->Z, pm2_bytes);
    fe_mul(&x, &p->X, &zi);
    fe_mul(&y, &p->Y, &zi);
    fe_to_bytes(out, &y);
    out[31] = (unsigned char)(out[31] | fe_is_odd(&x) << 7);
}

/* decode a point (5.1.3); 0, or -1 when @s is not the canonical encoding of a curve point */
static int ge_from_bytes(ge *r, const unsigned char s[32])
{
    unsigned char check[32];
    fe y, y2, u, v, v3, x, t, one;
    int sign = s[31] >> 7;

    fe_from_bytes(&y, s);
    fe_to_bytes(check, &y); /* y must be below p: its canonical form gives back the same bytes */
    check[31] = (unsigned char)(check[31] | (s[31] & 0x80));
    if (memcmp(check, s, 32) != 0)
        return -1;
    fe_set_small(&one, 1);
    fe_sq(&y2, &y);
    fe_sub(&u, &y2, &one); /* u = y^2 - 1 */
    fe_from_bytes(&t, d_bytes);
    fe_mul(&v, &t, &y2);
    fe_add(&v, &v, &one); /* v = d y^2 + 1 */
    /* candidate root x = u v^3 (u v^7)^((p-5)/8) */
    fe_sq(&v3, &v);
    fe_mul(&v3, &v3, &v);
    fe_sq(&t, &v3);
    fe_mul(&t, &t, &v);
    fe_mul(&t, &t, &u);
    fe_pow(&t, &t, pm5d8_bytes);
    fe_mul(&x, &u, &v3);
    fe_mul(&x, &x, &t);
    /* v x^2 = u: x is a root; v x^2 = -u: x * sqrt(-1) is; otherwise there is none */
    fe_sq(&t, &x);
    fe_mul(&t, &t, &v);
    if (!fe_equal(&t, &u)) {
        fe_neg(&u, &u);
        if (!fe_equal(&t, &u))
            return -1;
        fe_from_bytes(&t, sqrtm1_bytes);
        fe_mul(&x, &x, &t);
    }
    if (fe_is_zero(&x) && sign)
        return -1;
    if (fe_is_odd(&x) != sign)
        fe_neg(&x, &x);
    r->X = x;
    r->Y = y;
    fe_set_small(&r->Z, 1);
    fe_mul(&r->T, &x, &y);
    return 0;
}

/* ---- scalars modulo L ---- */

/* zero @n bytes at @p through a volatile pointer, so that the compiler keeps it (secrets) */
static void wipe(void *p, size_t n)
{
    volatile unsigned char *b = p;
    while (n-- > 0)
        *b++ = 0;
}

/* whether the 256-bit little-endian @s is below L */
static int sc_is_canonical(const unsigned char s[32])
{
    int i;
    for (i = 31; i >= 0; i--) {
        if (s[i] != l_bytes[i])
            return s[i] < l_bytes[i];
    }
    return 0;
}

/* @in (512 bits, little-endian) mod L into @out, one bit at a time from the top: r = 2r + bit,
 * minus L when that reaches L (r stays below L < 2^253, so 2r + 1 fits in 256 bits). The same
 * operations whatever the value (signing reduces secrets): the subtraction always runs, and a mask
 * from its borrow picks the result. */
static void sc_reduce(unsigned char out[32], const unsigned char in[64])
{
    uint32_t r[8], l[8], d[8];
    int bit, i;

    for (i = 0; i < 8; i++) {
        r[i] = 0;
        l[i] = (uint32_t)l_bytes[4 * i] | (uint32_t)l_bytes[4 * i + 1] << 8 |
               (uint32_t)l_bytes[4 * i + 2] << 16 | (uint32_t)l_bytes[4 * i + 3] << 24;
    }
    for (bit = 511; bit >= 0; bit--) {
        uint32_t carry = (uint32_t)(in[bit >> 3] >> (bit & 7)) & 1, borrow = 0, keep;
        for (i = 0; i < 8; i++) {
            uint32_t next = r[i] >> 31;
            r[i] = r[i] << 1 | carry;
            carry = next;
        }
        for (i = 0; i < 8; i++) {
            uint64_t x = (uint64_t)r[i] - l[i] - borrow;
            d[i] = (uint32_t)x;
            borrow = (uint32_t)(x >> 32) & 1;
        }
        keep = 0 - borrow; /* all ones: r was below L, keep it */
        for (i = 0; i < 8; i++)
            r[i] = (r[i] & keep) | (d[i] & ~keep);
    }
    for (i = 0; i < 8; i++) {
        out[4 * i] = (unsigned char)r[i];
        out[4 * i + 1] = (unsigned char)(r[i] >> 8);
        out[4 * i + 2] = (unsigned char)(r[i] >> 16);
        out[4 * i + 3] = (unsigned char)(r[i] >> 24);
    }
}

/* (a * b + c) mod L for 256-bit little-endian a, b, c: the 512-bit value, then sc_reduce */
static void sc_muladd(unsigned char out[32], const unsigned char a[32], const unsigned char b[32],
                      const unsigned char c[32])
{
    uint32_t x[8], y[8], t[16];
    unsigned char wide[64];
    uint64_t carry;
    int i, j;

    for (i = 0; i < 8; i++) {
        x[i] = (uint32_t)a[4 * i] | (uint32_t)a[4 * i + 1] << 8 | (uint32_t)a[4 * i + 2] << 16 |
               (uint32_t)a[4 * i + 3] << 24;
        y[i] = (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 | (uint32_t)b[4 * i + 2] << 16 |
               (uint32_t)b[4 * i + 3] << 24;
        t[i] = (uint32_t)c[4 * i] | (uint32_t)c[4 * i + 1] << 8 | (uint32_t)c[4 * i + 2] << 16 |
               (uint32_t)c[4 * i + 3] << 24;
        t[i + 8] = 0;
    }
    for (i = 0; i < 8; i++) {
        carry = 0;
        for (j = 0; j < 8; j++) {
            uint64_t p = (uint64_t)x[i] * y[j] + t[i + j] + carry; /* below 2^64 */
            t[i + j] = (uint32_t)p;
            carry = p >> 32;
        }
        t[i + 8] = (uint32_t)carry; /* untouched by the rows before */
    }
    for (i = 0; i < 16; i++) {
        wide[4 * i] = (unsigned char)t[i];
        wide[4 * i + 1] = (unsigned char)(t[i] >> 8);
        wide[4 * i + 2] = (unsigned char)(t[i] >> 16);
        wide[4 * i + 3] = (unsigned char)(t[i] >> 24);
    }
    sc_reduce(out, wide);
    wipe(wide, sizeof wide);
    wipe(x, sizeof x);
    wipe(t, sizeof t);
}

/* ---- verification (5.1.7) ---- */

int msa_ed25519_verify(const unsigned char sig[64], const void *msg, size_t n,
                       const unsigned char pub[32])
{
    struct msa_sha512_state h;
    unsigned char digest[64], k[32], rcheck[32];
    ge a, b, ba, q;
    unsigned diff = 0;
    int bit, i;

    if (!sc_is_canonical(sig + 32))
        return -1;
    if (ge_from_bytes(&a, pub) != 0 || ge_small_order(&a))
        return -1;
    /* k = SHA-512(R || A || M) mod L */
    msa_sha512_init(&h);
    msa_sha512_update(&h, sig, 32);
    msa_sha512_update(&h, pub, 32);
    msa_sha512_update(&h, msg, n);
    msa_sha512_final(&h, digest);
    sc_reduce(k, digest);
    /* q = [S]B + [k](-A), both scalars below L < 2^253 */
    fe_neg(&a.X, &a.X);
    fe_neg(&a.T, &a.T);
    ge_base(&b);
    ge_add(&ba, &b, &a);
    ge_identity(&q);
    for (bit = 252; bit >= 0; bit--) {
        int sb = (sig[32 + (bit >> 3)] >> (bit & 7)) & 1;
        int kb = (k[bit >> 3] >> (bit & 7)) & 1;
        ge_double(&q, &q);
        if (sb && kb)
            ge_add(&q, &q, &ba);
        else if (sb)
            ge_add(&q, &q, &b);
        else if (kb)
            ge_add(&q, &q, &a);
    }
    /* valid when q encodes as R exactly, and R is not of small order */
    ge_to_bytes(rcheck, &q);
    for (i = 0; i < 32; i++)
        diff |= (unsigned)(rcheck[i] ^ sig[i]);
    if (diff != 0 || ge_small_order(&q))
        return -1;
    return 0;
}

/* ---- signing (5.1.5, 5.1.6): secrets involved, so the same operations whatever their value ----
 */

/* o = a when @flag is 1, unchanged when 0, without a branch */
static void fe_cmov(fe *o, const fe *a, uint32_t flag)
{
    uint32_t mask = 0 - flag;
    int i;
    for (i = 0; i < 10; i++)
        o->v[i] ^= mask & (o->v[i] ^ a->v[i]);
}

/* r = [s]B for the 256-bit little-endian @s: double, add B, keep the sum when the bit is set */
static void ge_scalarmult_base(ge *r, const unsigned char s[32])
{
    ge q, t, b;
    int bit;

    ge_identity(&q);
    ge_base(&b);
    for (bit = 255; bit >= 0; bit--) {
        uint32_t set = (uint32_t)(s[bit >> 3] >> (bit & 7)) & 1;
        ge_double(&q, &q);
        ge_add(&t, &q, &b);
        fe_cmov(&q.X, &t.X, set);
        fe_cmov(&q.Y, &t.Y, set);
        fe_cmov(&q.Z, &t.Z, set);
        fe_cmov(&q.T, &t.T, set);
    }
    *r = q;
    wipe(&q, sizeof q);
    wipe(&t, sizeof t);
}

/* the secret scalar and the prefix from the seed: SHA-512, low half clamped (5.1.5) */
static void expand_seed(unsigned char h[64], const unsigned char seed[32])
{
    msa_sha512(seed, 32, h);
    h[0] &= 248;
    h[31] &= 127;
    h[31] |= 64;
}

void msa_ed25519_public(unsigned char pub[32], const unsigned char seed[32])
{
    unsigned char h[64];
    ge a;
    expand_seed(h, seed);
    ge_scalarmult_base(&a, h);
    ge_to_bytes(pub, &a);
    wipe(h, sizeof h);
    wipe(&a, sizeof a);
}

void msa_ed25519_sign(unsigned char sig[64], const void *msg, size_t n,
                      const unsigned char seed[32])
{
    struct msa_sha512_state hs;
    unsigned char h[64], pub[32], digest[64], r[32], k[32];
    ge p;

    expand_seed(h, seed);
    ge_scalarmult_base(&p, h);
    ge_to_bytes(pub, &p);
    /* r = SHA-512(prefix || M) mod L, R = [r]B */
    msa_sha512_init(&hs);
    msa_sha512_update(&hs, h + 32, 32);
    msa_sha512_update(&hs, msg, n);
    msa_sha512_final(&hs, digest);
    sc_reduce(r, digest);
    ge_scalarmult_base(&p, r);
    ge_to_bytes(sig, &p);
    /* k = SHA-512(R || A || M) mod L, S = r + k s mod L */
    msa_sha512_init(&hs);
    msa_sha512_update(&hs, sig, 32);
    msa_sha512_update(&hs, pub, 32);
    msa_sha512_update(&hs, msg, n);
    msa_sha512_final(&hs, digest);
    sc_reduce(k, digest);
    sc_muladd(sig + 32, k, h, r);
    wipe(h, sizeof h);
    wipe(digest, sizeof digest);
    wipe(r, sizeof r);
    wipe(&p, sizeof p);
}
