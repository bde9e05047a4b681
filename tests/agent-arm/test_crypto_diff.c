/* test_crypto_diff.c: the agent's own crypto (agent/crypto) against OpenSSL (SHA-256, SHA-512) and
 * libsodium (Ed25519): the RFC 8032 vectors, thousands of random messages, keys and signatures,
 * every mutation of them, and the edge cases of point and scalar encodings; the two must agree on
 * every accept and every reject, and signatures must be libsodium's byte for byte. Random inputs
 * come from a fixed seed, so a failure repeats. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <sodium.h>

#include "msa_crypto.h"

/* deterministic random bytes: libsodium's ChaCha20 stream keyed with a counter */
static uint64_t rnd_counter;

static void rnd(void *buf, size_t n)
{
    unsigned char seed[randombytes_SEEDBYTES] = {0};
    memcpy(seed, &rnd_counter, sizeof rnd_counter);
    rnd_counter++;
    randombytes_buf_deterministic(buf, n, seed);
}

static uint32_t rnd_below(uint32_t n)
{
    uint32_t v;
    rnd(&v, sizeof v);
    return v % n;
}

static void openssl_digest(const EVP_MD *md, const void *data, size_t n, unsigned char *out)
{
    unsigned int len = 0;
    assert_int_equal(EVP_Digest(data, n, out, &len, md, NULL), 1);
}

static void hex_to_bytes(const char *hex, unsigned char *out, size_t n)
{
    size_t i;
    assert_int_equal(strlen(hex), 2 * n);
    for (i = 0; i < n; i++) {
        unsigned v = 0;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (unsigned char)v;
    }
}

/* ---- hashes ---- */

/* FIPS 180-4's example messages, and lengths around every padding boundary */
static void test_sha_boundaries(void **state)
{
    static unsigned char msg[1000001];
    unsigned char a[64], b[64];
    size_t lens[] = {0, 1, 3, 55, 56, 57, 63, 64, 65, 111, 112, 113, 127, 128, 129, 1000000};
    size_t i;
    (void)state;

    memset(msg, 'a', sizeof msg);
    memcpy(msg, "abc", 3);
    for (i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        unsigned char *m = lens[i] == 1000000 ? msg + 1 : msg; /* one million 'a' */
        msa_sha256(m, lens[i], a);
        openssl_digest(EVP_sha256(), m, lens[i], b);
        assert_memory_equal(a, b, 32);
        msa_sha512(m, lens[i], a);
        openssl_digest(EVP_sha512(), m, lens[i], b);
        assert_memory_equal(a, b, 64);
    }
    /* "abc" against FIPS 180-4's published digest too */
    hex_to_bytes("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", b, 32);
    msa_sha256("abc", 3, a);
    assert_memory_equal(a, b, 32);
}

/* random messages fed in random chunks, incremental against one-shot OpenSSL */
static void test_sha_random(void **state)
{
    static unsigned char msg[4096];
    unsigned char a[64], b[64];
    int iter;
    (void)state;

    for (iter = 0; iter < 3000; iter++) {
        size_t n = rnd_below(sizeof msg + 1), off = 0;
        struct msa_sha256_state s256;
        struct msa_sha512_state s512;
        rnd(msg, n);
        msa_sha256_init(&s256);
        msa_sha512_init(&s512);
        while (off < n) {
            size_t take = 1 + rnd_below(iter % 2 ? 200 : 7);
            if (take > n - off)
                take = n - off;
            msa_sha256_update(&s256, msg + off, take);
            msa_sha512_update(&s512, msg + off, take);
            off += take;
        }
        msa_sha256_final(&s256, a);
        openssl_digest(EVP_sha256(), msg, n, b);
        assert_memory_equal(a, b, 32);
        msa_sha512_final(&s512, a);
        openssl_digest(EVP_sha512(), msg, n, b);
        assert_memory_equal(a, b, 64);
    }
}

/* the port backend hashes through struct msa_port as the agent calls it */
static void test_port_sha256(void **state)
{
    struct msa_port port;
    struct msa_sha256 h;
    unsigned char msg[777], a[32], b[32];
    (void)state;

    memset(&port, 0, sizeof port);
    msa_crypto_port(&port);
    assert_non_null(port.sha256_init);
    assert_null(port.slot_read); /* the other members are left alone */
    rnd(msg, sizeof msg);
    assert_int_equal(port.sha256_init(port.ctx, &h), 0);
    assert_int_equal(port.sha256_update(port.ctx, &h, msg, 100), 0);
    assert_int_equal(port.sha256_update(port.ctx, &h, msg + 100, sizeof msg - 100), 0);
    assert_int_equal(port.sha256_final(port.ctx, &h, a), 0);
    openssl_digest(EVP_sha256(), msg, sizeof msg, b);
    assert_memory_equal(a, b, 32);
}

/* ---- Ed25519 ---- */

static int ours(const unsigned char sig[64], const unsigned char *m, size_t n,
                const unsigned char pk[32])
{
    return msa_ed25519_verify(sig, m, n, pk) == 0;
}

static int sodium(const unsigned char sig[64], const unsigned char *m, size_t n,
                  const unsigned char pk[32])
{
    return crypto_sign_verify_detached(sig, m, n, pk) == 0;
}

/* both verifiers give the same answer; returns it */
static int agree(const unsigned char sig[64], const unsigned char *m, size_t n,
                 const unsigned char pk[32])
{
    int a = ours(sig, m, n, pk), b = sodium(sig, m, n, pk);
    if (a != b)
        fail_msg("disagreement: agent crypto %s, libsodium %s", a ? "accepts" : "rejects",
                 b ? "accepts" : "rejects");
    return a;
}

static const struct {
    const char *seed, *pub, *msg, *sig;
} rfc8032[] = {
    {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b4"
     "6bd25bf5f0595bbe24655141438e7a100b"},
    {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d"
     "8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6"
     "594a7c15e9716ed28dc027beceea1ec40a"},
};

/* RFC 8032 7.1 TEST 1-3: libsodium reproduces key and signature from the seed (so the vectors are
 * transcribed right), ours accepts them, and every single-bit flip of the signature is rejected */
static void test_ed25519_rfc8032(void **state)
{
    size_t v;
    (void)state;
    for (v = 0; v < sizeof rfc8032 / sizeof rfc8032[0]; v++) {
        unsigned char seed[32], pub[32], sig[64], msg[2], pk[32], sk[64], s2[64];
        size_t n = strlen(rfc8032[v].msg) / 2;
        int bit;
        hex_to_bytes(rfc8032[v].seed, seed, 32);
        hex_to_bytes(rfc8032[v].pub, pub, 32);
        hex_to_bytes(rfc8032[v].sig, sig, 64);
        hex_to_bytes(rfc8032[v].msg, msg, n);
        assert_int_equal(crypto_sign_seed_keypair(pk, sk, seed), 0);
        assert_memory_equal(pk, pub, 32);
        assert_int_equal(crypto_sign_detached(s2, NULL, msg, n, sk), 0);
        assert_memory_equal(s2, sig, 64);
        assert_true(ours(sig, msg, n, pub));
        for (bit = 0; bit < 512; bit += v == 0 ? 1 : 5) {
            sig[bit / 8] ^= (unsigned char)(1u << (bit % 8));
            assert_false(agree(sig, msg, n, pub));
            sig[bit / 8] ^= (unsigned char)(1u << (bit % 8));
        }
        for (bit = 0; bit < 256; bit += v == 0 ? 1 : 5) {
            pub[bit / 8] ^= (unsigned char)(1u << (bit % 8));
            assert_false(agree(sig, msg, n, pub));
            pub[bit / 8] ^= (unsigned char)(1u << (bit % 8));
        }
    }
}

/* thousands of random keys and messages: every signature accepted; one random bit flipped in the
 * signature, the key or the message, the two verifiers agree */
static void test_ed25519_random(void **state)
{
    unsigned char pk[32], sk[64], seed[32], sig[64], msg[300];
    int iter, accepted = 0, mutated_accepted = 0;
    (void)state;

    for (iter = 0; iter < 2000; iter++) {
        size_t n = rnd_below(sizeof msg + 1);
        uint32_t where;
        rnd(seed, sizeof seed);
        rnd(msg, n);
        assert_int_equal(crypto_sign_seed_keypair(pk, sk, seed), 0);
        assert_int_equal(crypto_sign_detached(sig, NULL, msg, n, sk), 0);
        accepted += agree(sig, msg, n, pk);
        where = rnd_below((uint32_t)(64 + 32 + n) * 8);
        if (where < 512)
            sig[where / 8] ^= (unsigned char)(1u << (where % 8));
        else if (where < 768)
            pk[(where - 512) / 8] ^= (unsigned char)(1u << (where % 8));
        else
            msg[(where - 768) / 8] ^= (unsigned char)(1u << (where % 8));
        mutated_accepted += agree(sig, msg, n, pk);
    }
    print_message("ed25519 random: %d/2000 valid accepted, %d of 2000 mutated accepted by both\n",
                  accepted, mutated_accepted);
    assert_int_equal(accepted, 2000);
    assert_int_equal(mutated_accepted, 0);
}

/* the 8 points of small order, x = 0 with the sign bit set, and the non-canonical y >= p */
static const char *small_order[] = {
    "0100000000000000000000000000000000000000000000000000000000000000",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
    "0100000000000000000000000000000000000000000000000000000000000080",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
};

/* a signature made with scalar arithmetic: A = [a]B + T, R = [r]B + U, S = r + k a mod L */
static void sign_raw(unsigned char sig[64], unsigned char pk[32], const unsigned char *msg,
                     size_t n, const unsigned char *t, const unsigned char *u)
{
    unsigned char a[32], r[32], k[32], h[64], ka[32];
    crypto_hash_sha512_state hs;
    crypto_core_ed25519_scalar_random(a);
    crypto_core_ed25519_scalar_random(r);
    assert_int_equal(crypto_scalarmult_ed25519_base_noclamp(pk, a), 0);
    if (t != NULL)
        assert_int_equal(crypto_core_ed25519_add(pk, pk, t), 0);
    assert_int_equal(crypto_scalarmult_ed25519_base_noclamp(sig, r), 0);
    if (u != NULL)
        assert_int_equal(crypto_core_ed25519_add(sig, sig, u), 0);
    crypto_hash_sha512_init(&hs);
    crypto_hash_sha512_update(&hs, sig, 32);
    crypto_hash_sha512_update(&hs, pk, 32);
    crypto_hash_sha512_update(&hs, msg, n);
    crypto_hash_sha512_final(&hs, h);
    crypto_core_ed25519_scalar_reduce(k, h);
    crypto_core_ed25519_scalar_mul(ka, k, a);
    crypto_core_ed25519_scalar_add(sig + 32, r, ka);
}

static void add_l(unsigned char s[32])
{
    static const unsigned char l[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,       0xd6,
                                        0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, [31] = 0x10};
    unsigned carry = 0;
    int i;
    for (i = 0; i < 32; i++) {
        carry += (unsigned)s[i] + l[i];
        s[i] = (unsigned char)carry;
        carry >>= 8;
    }
}

static void test_ed25519_edges(void **state)
{
    unsigned char pk[32], sk[64], sig[64], msg[64], t[32];
    size_t i;
    int j, iter, mixed_accept = 0, mixed_reject = 0;
    (void)state;

    rnd(msg, sizeof msg);
    assert_int_equal(crypto_sign_keypair(pk, sk), 0);
    assert_int_equal(crypto_sign_detached(sig, NULL, msg, sizeof msg, sk), 0);
    assert_true(agree(sig, msg, sizeof msg, pk));
    /* S + L: the same scalar, not canonical: rejected */
    add_l(sig + 32);
    assert_false(agree(sig, msg, sizeof msg, pk));
    /* S with its top bits set */
    for (j = 0; j < 3; j++) {
        assert_int_equal(crypto_sign_detached(sig, NULL, msg, sizeof msg, sk), 0);
        sig[63] |= (unsigned char)(0x20 << j);
        assert_false(agree(sig, msg, sizeof msg, pk));
    }
    /* small-order keys and R, with any S */
    for (i = 0; i < sizeof small_order / sizeof small_order[0]; i++) {
        unsigned char so[32];
        hex_to_bytes(small_order[i], so, 32);
        for (iter = 0; iter < 4; iter++) {
            rnd(sig, 64);
            sig[63] &= 0x0f;
            assert_false(agree(sig, msg, sizeof msg, so));
            memcpy(sig, so, 32);
            assert_false(agree(sig, msg, sizeof msg, so));
            assert_int_equal(crypto_sign_detached(sig, NULL, msg, sizeof msg, sk), 0);
            memcpy(sig, so, 32);
            assert_false(agree(sig, msg, sizeof msg, pk));
        }
        /* S = 0 and R = a small-order point: [0]B = R + [k]A can only hold for small-order
         * R and A, which both reject */
        memset(sig, 0, 64);
        memcpy(sig, so, 32);
        assert_false(agree(sig, msg, sizeof msg, so));
    }
    /* y >= p for a key: not canonical, rejected whatever the signature */
    for (j = 0; j < 19 * 2; j++) {
        unsigned char bad[32];
        memset(bad, 0xff, 32);
        bad[0] = (unsigned char)(0xed + j / 2);
        bad[31] = j % 2 ? 0xff : 0x7f;
        assert_int_equal(crypto_sign_detached(sig, NULL, msg, sizeof msg, sk), 0);
        assert_false(agree(sig, msg, sizeof msg, bad));
    }
    /* random 32-byte keys (about half not on the curve) */
    for (iter = 0; iter < 500; iter++) {
        rnd(pk, 32);
        assert_false(agree(sig, msg, sizeof msg, pk));
    }
    /* keys with a small-order component (A = [a]B + T): the cofactorless equation holds only
     * when [k]T is the identity; both verifiers must draw the line at the same place */
    for (i = 2; i < 8; i++) {
        hex_to_bytes(small_order[i], t, 32);
        for (iter = 0; iter < 64; iter++) {
            sign_raw(sig, pk, msg, sizeof msg, t, NULL);
            if (agree(sig, msg, sizeof msg, pk))
                mixed_accept++;
            else
                mixed_reject++;
            /* R with a small-order component: never */
            sign_raw(sig, pk, msg, sizeof msg, NULL, t);
            assert_false(agree(sig, msg, sizeof msg, pk));
        }
    }
    /* no torsion: always */
    for (iter = 0; iter < 64; iter++) {
        sign_raw(sig, pk, msg, sizeof msg, NULL, NULL);
        assert_true(agree(sig, msg, sizeof msg, pk));
    }
    print_message("ed25519 mixed-order keys: %d accepted, %d rejected, by both\n", mixed_accept,
                  mixed_reject);
    assert_true(mixed_accept > 0);
    assert_true(mixed_reject > 0);
}

/* signing: the public key and the (deterministic) signature are libsodium's byte for byte, for the
 * RFC 8032 vectors and for random seeds and messages; both verifiers accept them */
static void test_ed25519_sign(void **state)
{
    unsigned char seed[32], pk[32], sk[64], mine_pk[32], sig[64], mine[64], msg[300];
    size_t v;
    int iter;
    (void)state;

    for (v = 0; v < sizeof rfc8032 / sizeof rfc8032[0]; v++) {
        unsigned char pub[32], want[64], m[2];
        size_t n = strlen(rfc8032[v].msg) / 2;
        hex_to_bytes(rfc8032[v].seed, seed, 32);
        hex_to_bytes(rfc8032[v].pub, pub, 32);
        hex_to_bytes(rfc8032[v].sig, want, 64);
        hex_to_bytes(rfc8032[v].msg, m, n);
        msa_ed25519_public(mine_pk, seed);
        assert_memory_equal(mine_pk, pub, 32);
        msa_ed25519_sign(mine, m, n, seed);
        assert_memory_equal(mine, want, 64);
    }
    for (iter = 0; iter < 500; iter++) {
        size_t n = rnd_below(sizeof msg + 1);
        rnd(seed, sizeof seed);
        rnd(msg, n);
        assert_int_equal(crypto_sign_seed_keypair(pk, sk, seed), 0);
        assert_int_equal(crypto_sign_detached(sig, NULL, msg, n, sk), 0);
        msa_ed25519_public(mine_pk, seed);
        assert_memory_equal(mine_pk, pk, 32);
        msa_ed25519_sign(mine, msg, n, seed);
        assert_memory_equal(mine, sig, 64);
        assert_true(agree(mine, msg, n, mine_pk));
    }
}

/* the port backend: EdDSA through struct msa_port, ES256 and wrong lengths fail */
static void test_port_verify(void **state)
{
    struct msa_port port;
    unsigned char pk[32], sk[64], sig[64], msg[40];
    (void)state;

    memset(&port, 0, sizeof port);
    msa_crypto_port(&port);
    rnd(msg, sizeof msg);
    assert_int_equal(crypto_sign_keypair(pk, sk), 0);
    assert_int_equal(crypto_sign_detached(sig, NULL, msg, sizeof msg, sk), 0);
    assert_int_equal(port.verify(port.ctx, MSA_ALG_EDDSA, pk, 32, msg, sizeof msg, sig, 64), 0);
    assert_int_not_equal(port.verify(port.ctx, MSA_ALG_ES256, pk, 32, msg, sizeof msg, sig, 64), 0);
    assert_int_not_equal(port.verify(port.ctx, MSA_ALG_EDDSA, pk, 31, msg, sizeof msg, sig, 64), 0);
    assert_int_not_equal(port.verify(port.ctx, MSA_ALG_EDDSA, pk, 32, msg, sizeof msg, sig, 63), 0);
    msg[0] ^= 1;
    assert_int_not_equal(port.verify(port.ctx, MSA_ALG_EDDSA, pk, 32, msg, sizeof msg, sig, 64), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha_boundaries), cmocka_unit_test(test_sha_random),
        cmocka_unit_test(test_port_sha256),    cmocka_unit_test(test_ed25519_rfc8032),
        cmocka_unit_test(test_ed25519_random), cmocka_unit_test(test_ed25519_edges),
        cmocka_unit_test(test_ed25519_sign),   cmocka_unit_test(test_port_verify),
    };
    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
