/* sha512.c: SHA-512 as FIPS 180-4 defines it (section 6.4), incremental, portable C99. */
#include <string.h>

#include "msa_crypto.h"

/* the first 64 bits of the fractional parts of the cube roots of the first 80 primes (4.2.3) */
static const uint64_t k512[80] = {
    UINT64_C(0x428a2f98d728ae22), UINT64_C(0x7137449123ef65cd), UINT64_C(0xb5c0fbcfec4d3b2f),
    UINT64_C(0xe9b5dba58189dbbc), UINT64_C(0x3956c25bf348b538), UINT64_C(0x59f111f1b605d019),
    UINT64_C(0x923f82a4af194f9b), UINT64_C(0xab1c5ed5da6d8118), UINT64_C(0xd807aa98a3030242),
    UINT64_C(0x12835b0145706fbe), UINT64_C(0x243185be4ee4b28c), UINT64_C(0x550c7dc3d5ffb4e2),
    UINT64_C(0x72be5d74f27b896f), UINT64_C(0x80deb1fe3b1696b1), UINT64_C(0x9bdc06a725c71235),
    UINT64_C(0xc19bf174cf692694), UINT64_C(0xe49b69c19ef14ad2), UINT64_C(0xefbe4786384f25e3),
    UINT64_C(0x0fc19dc68b8cd5b5), UINT64_C(0x240ca1cc77ac9c65), UINT64_C(0x2de92c6f592b0275),
    UINT64_C(0x4a7484aa6ea6e483), UINT64_C(0x5cb0a9dcbd41fbd4), UINT64_C(0x76f988da831153b5),
    UINT64_C(0x983e5152ee66dfab), UINT64_C(0xa831c66d2db43210), UINT64_C(0xb00327c898fb213f),
    UINT64_C(0xbf597fc7beef0ee4), UINT64_C(0xc6e00bf33da88fc2), UINT64_C(0xd5a79147930aa725),
    UINT64_C(0x06ca6351e003826f), UINT64_C(0x142929670a0e6e70), UINT64_C(0x27b70a8546d22ffc),
    UINT64_C(0x2e1b21385c26c926), UINT64_C(0x4d2c6dfc5ac42aed), UINT64_C(0x53380d139d95b3df),
    UINT64_C(0x650a73548baf63de), UINT64_C(0x766a0abb3c77b2a8), UINT64_C(0x81c2c92e47edaee6),
    UINT64_C(0x92722c851482353b), UINT64_C(0xa2bfe8a14cf10364), UINT64_C(0xa81a664bbc423001),
    UINT64_C(0xc24b8b70d0f89791), UINT64_C(0xc76c51a30654be30), UINT64_C(0xd192e819d6ef5218),
    UINT64_C(0xd69906245565a910), UINT64_C(0xf40e35855771202a), UINT64_C(0x106aa07032bbd1b8),
    UINT64_C(0x19a4c116b8d2d0c8), UINT64_C(0x1e376c085141ab53), UINT64_C(0x2748774cdf8eeb99),
    UINT64_C(0x34b0bcb5e19b48a8), UINT64_C(0x391c0cb3c5c95a63), UINT64_C(0x4ed8aa4ae3418acb),
    UINT64_C(0x5b9cca4f7763e373), UINT64_C(0x682e6ff3d6b2b8a3), UINT64_C(0x748f82ee5defb2fc),
    UINT64_C(0x78a5636f43172f60), UINT64_C(0x84c87814a1f0ab72), UINT64_C(0x8cc702081a6439ec),
    UINT64_C(0x90befffa23631e28), UINT64_C(0xa4506cebde82bde9), UINT64_C(0xbef9a3f7b2c67915),
    UINT64_C(0xc67178f2e372532b), UINT64_C(0xca273eceea26619c), UINT64_C(0xd186b8c721c0c207),
    UINT64_C(0xeada7dd6cde0eb1e), UINT64_C(0xf57d4f7fee6ed178), UINT64_C(0x06f067aa72176fba),
    UINT64_C(0x0a637dc5a2c898a6), UINT64_C(0x113f9804bef90dae), UINT64_C(0x1b710b35131c471b),
    UINT64_C(0x28db77f523047d84), UINT64_C(0x32caab7b40c72493), UINT64_C(0x3c9ebe0a15c9bebc),
    UINT64_C(0x431d67c49c100d4c), UINT64_C(0x4cc5d4becb3e42b6), UINT64_C(0x597f299cfc657e2a),
    UINT64_C(0x5fcb6fab3ad6faec), UINT64_C(0x6c44198c4a475817)};

static uint64_t load_be64(const unsigned char *p)
{
    uint64_t v = 0;
    int i;
    for (i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static void store_be64(unsigned char *p, uint64_t v)
{
    int i;
    for (i = 7; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)v;
}

#define ROTR(x, n) (((x) >> (n)) | ((x) << (64 - (n))))

/* one 128-byte block into the state (6.4.2); the schedule is kept as a 16-word ring */
static void compress(uint64_t h[8], const unsigned char *block)
{
    uint64_t w[16];
    uint64_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    int t;

    for (t = 0; t < 16; t++)
        w[t] = load_be64(block + 8 * t);
    for (t = 0; t < 80; t++) {
        uint64_t wt, t1, t2;
        if (t < 16) {
            wt = w[t];
        } else {
            uint64_t w15 = w[(t - 15) & 15], w2 = w[(t - 2) & 15];
            uint64_t s0 = ROTR(w15, 1) ^ ROTR(w15, 8) ^ (w15 >> 7);
            uint64_t s1 = ROTR(w2, 19) ^ ROTR(w2, 61) ^ (w2 >> 6);
            wt = w[t & 15] + s0 + w[(t - 7) & 15] + s1;
            w[t & 15] = wt;
        }
        t1 = hh + (ROTR(e, 14) ^ ROTR(e, 18) ^ ROTR(e, 41)) + ((e & f) ^ (~e & g)) + k512[t] + wt;
        t2 = (ROTR(a, 28) ^ ROTR(a, 34) ^ ROTR(a, 39)) + ((a & b) ^ (a & c) ^ (b & c));
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
}

void msa_sha512_init(struct msa_sha512_state *s)
{
    /* the first 64 bits of the fractional parts of the square roots of the first 8 primes (5.3.5)
     */
    static const uint64_t h0[8] = {UINT64_C(0x6a09e667f3bcc908), UINT64_C(0xbb67ae8584caa73b),
                                   UINT64_C(0x3c6ef372fe94f82b), UINT64_C(0xa54ff53a5f1d36f1),
                                   UINT64_C(0x510e527fade682d1), UINT64_C(0x9b05688c2b3e6c1f),
                                   UINT64_C(0x1f83d9abfb41bd6b), UINT64_C(0x5be0cd19137e2179)};
    memcpy(s->h, h0, sizeof h0);
    s->bytes = 0;
}

void msa_sha512_update(struct msa_sha512_state *s, const void *data, size_t n)
{
    const unsigned char *p = data;
    size_t used = (size_t)(s->bytes % 128);

    if (n == 0)
        return;
    s->bytes += n;
    if (used > 0) {
        size_t take = 128 - used < n ? 128 - used : n;
        memcpy(s->buf + used, p, take);
        p += take;
        n -= take;
        if (used + take < 128)
            return;
        compress(s->h, s->buf);
    }
    for (; n >= 128; n -= 128, p += 128)
        compress(s->h, p);
    if (n > 0)
        memcpy(s->buf, p, n);
}

void msa_sha512_final(struct msa_sha512_state *s, unsigned char out[64])
{
    size_t used = (size_t)(s->bytes % 128);
    int i;

    /* padding (5.1.2): a 1 bit, zeros, the length in bits as 128 bits big-endian */
    s->buf[used++] = 0x80;
    if (used > 112) {
        memset(s->buf + used, 0, 128 - used);
        compress(s->h, s->buf);
        used = 0;
    }
    memset(s->buf + used, 0, 112 - used);
    store_be64(s->buf + 112, s->bytes >> 61);
    store_be64(s->buf + 120, s->bytes << 3);
    compress(s->h, s->buf);
    for (i = 0; i < 8; i++)
        store_be64(out + 8 * i, s->h[i]);
    memset(s, 0, sizeof *s);
}

void msa_sha512(const void *data, size_t n, unsigned char out[64])
{
    struct msa_sha512_state s;
    msa_sha512_init(&s);
    msa_sha512_update(&s, data, n);
    msa_sha512_final(&s, out);
}
