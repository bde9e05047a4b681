/* sha256.c: SHA-256 as FIPS 180-4 defines it (section 6.2), incremental, portable C99. */
#include <string.h>

#include "msa_crypto.h"

/* the first 32 bits of the fractional parts of the cube roots of the first 64 primes (4.2.2) */
static const uint32_t k256[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u,
    0xab1c5ed5u, 0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu,
    0x9bdc06a7u, 0xc19bf174u, 0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu,
    0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau, 0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u,
    0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u, 0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu,
    0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u, 0xa2bfe8a1u, 0xa81a664bu,
    0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u, 0x19a4c116u,
    0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u,
    0xc67178f2u};

static uint32_t load_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void store_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

/* one 64-byte block into the state (6.2.2); the schedule is kept as a 16-word ring */
static void compress(uint32_t h[8], const unsigned char *block)
{
    uint32_t w[16];
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    int t;

    for (t = 0; t < 16; t++)
        w[t] = load_be32(block + 4 * t);
    for (t = 0; t < 64; t++) {
        uint32_t wt, t1, t2;
        if (t < 16) {
            wt = w[t];
        } else {
            uint32_t w15 = w[(t - 15) & 15], w2 = w[(t - 2) & 15];
            uint32_t s0 = ROTR(w15, 7) ^ ROTR(w15, 18) ^ (w15 >> 3);
            uint32_t s1 = ROTR(w2, 17) ^ ROTR(w2, 19) ^ (w2 >> 10);
            wt = w[t & 15] + s0 + w[(t - 7) & 15] + s1;
            w[t & 15] = wt;
        }
        t1 = hh + (ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25)) + ((e & f) ^ (~e & g)) + k256[t] + wt;
        t2 = (ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
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

void msa_sha256_init(struct msa_sha256_state *s)
{
    /* the first 32 bits of the fractional parts of the square roots of the first 8 primes (5.3.3)
     */
    static const uint32_t h0[8] = {0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
                                   0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u};
    memcpy(s->h, h0, sizeof h0);
    s->bytes = 0;
}

void msa_sha256_update(struct msa_sha256_state *s, const void *data, size_t n)
{
    const unsigned char *p = data;
    size_t used = (size_t)(s->bytes % 64);

    if (n == 0)
        return;
    s->bytes += n;
    if (used > 0) {
        size_t take = 64 - used < n ? 64 - used : n;
        memcpy(s->buf + used, p, take);
        p += take;
        n -= take;
        if (used + take < 64)
            return;
        compress(s->h, s->buf);
    }
    for (; n >= 64; n -= 64, p += 64)
        compress(s->h, p);
    if (n > 0)
        memcpy(s->buf, p, n);
}

void msa_sha256_final(struct msa_sha256_state *s, unsigned char out[32])
{
    size_t used = (size_t)(s->bytes % 64);
    uint64_t bits = s->bytes * 8;
    int i;

    /* padding (5.1.1): a 1 bit, zeros, the message length in bits as 64 bits big-endian */
    s->buf[used++] = 0x80;
    if (used > 56) {
        memset(s->buf + used, 0, 64 - used);
        compress(s->h, s->buf);
        used = 0;
    }
    memset(s->buf + used, 0, 56 - used);
    store_be32(s->buf + 56, (uint32_t)(bits >> 32));
    store_be32(s->buf + 60, (uint32_t)bits);
    compress(s->h, s->buf);
    for (i = 0; i < 8; i++)
        store_be32(out + 4 * i, s->h[i]);
    memset(s, 0, sizeof *s);
}

void msa_sha256(const void *data, size_t n, unsigned char out[32])
{
    struct msa_sha256_state s;
    msa_sha256_init(&s);
    msa_sha256_update(&s, data, n);
    msa_sha256_final(&s, out);
}
