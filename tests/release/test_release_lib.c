/* test_release_lib.c: the CBOR encoder against RFC 8949 appendix A's examples (shortest heads at
 * every boundary), UUIDv5 against SUIT's example vendor id, key files (round trip, wrong
 * passphrase, a changed byte) and raw signatures checked with the other library. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "medsec/alloc.h"
#include "medsec/release.h"

static void hexeq(const struct medsec_buf *b, const char *hex)
{
    char got[256] = "";
    for (size_t i = 0; i < b->len && 2 * i + 2 < sizeof got; i++)
        snprintf(got + 2 * i, 3, "%02x", (unsigned char)b->data[i]);
    assert_string_equal(got, hex);
}

static void test_cbor_ints(void **state)
{
    (void)state;
    static const struct {
        int64_t v;
        const char *hex;
    } cases[] = {
        {0, "00"},
        {1, "01"},
        {23, "17"},
        {24, "1818"},
        {255, "18ff"},
        {256, "190100"},
        {65535, "19ffff"},
        {65536, "1a00010000"},
        {1000000, "1a000f4240"},
        {4294967296, "1b0000000100000000"},
        {-1, "20"},
        {-24, "37"},
        {-25, "3818"},
        {-100, "3863"},
        {-257, "390100"},
        {-258, "390101"},
        {-1000, "3903e7"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct medsec_buf b = MEDSEC_BUF_INIT;
        assert_int_equal(medsec_cbor_int(&b, cases[i].v), MEDSEC_OK);
        hexeq(&b, cases[i].hex);
        medsec_buf_release(&b);
    }
    struct medsec_buf b = MEDSEC_BUF_INIT;
    assert_int_equal(medsec_cbor_uint(&b, UINT64_MAX), MEDSEC_OK);
    hexeq(&b, "1bffffffffffffffff");
    medsec_buf_release(&b);
}

static void test_cbor_items(void **state)
{
    (void)state;
    struct medsec_buf b = MEDSEC_BUF_INIT;
    /* h'01020304', "IETF", [1, [2, 3]], {1: 2}, 18(null), "" */
    assert_int_equal(medsec_cbor_bstr(&b, "\x01\x02\x03\x04", 4), MEDSEC_OK);
    assert_int_equal(medsec_cbor_tstr(&b, "IETF"), MEDSEC_OK);
    assert_int_equal(medsec_cbor_array(&b, 2), MEDSEC_OK);
    assert_int_equal(medsec_cbor_uint(&b, 1), MEDSEC_OK);
    assert_int_equal(medsec_cbor_array(&b, 2), MEDSEC_OK);
    assert_int_equal(medsec_cbor_uint(&b, 2), MEDSEC_OK);
    assert_int_equal(medsec_cbor_uint(&b, 3), MEDSEC_OK);
    assert_int_equal(medsec_cbor_map(&b, 1), MEDSEC_OK);
    assert_int_equal(medsec_cbor_uint(&b, 1), MEDSEC_OK);
    assert_int_equal(medsec_cbor_uint(&b, 2), MEDSEC_OK);
    assert_int_equal(medsec_cbor_tag(&b, 18), MEDSEC_OK);
    assert_int_equal(medsec_cbor_null(&b), MEDSEC_OK);
    assert_int_equal(medsec_cbor_tstr(&b, ""), MEDSEC_OK);
    assert_int_equal(medsec_cbor_tag(&b, 107), MEDSEC_OK);
    assert_int_equal(medsec_cbor_bstr_head(&b, 300), MEDSEC_OK);
    hexeq(&b, "440102030464494554468201820203a10102d2f660d86b59012c");
    medsec_buf_release(&b);
}

static void test_uuid5(void **state)
{
    (void)state;
    /* SUIT's examples: vendor id fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe = UUIDv5(DNS, "arm.com") */
    unsigned char v[16], c[16];
    medsec_release_ids("arm.com", "m", NULL, v, c);
    static const unsigned char want[16] = {0xfa, 0x6b, 0x4a, 0x53, 0xd5, 0xad, 0x5f, 0xdf,
                                           0xbe, 0x9d, 0xe6, 0x63, 0xe4, 0xd4, 0x1f, 0xfe};
    assert_memory_equal(v, want, 16);
    unsigned char c2[16], c3[16];
    medsec_release_uuid5(v, "m", c2);
    assert_memory_equal(c, c2, 16);
    medsec_release_ids("arm.com", "m", "rev-B", v, c3);
    assert_memory_not_equal(c, c3, 16);
    assert_int_equal(c3[6] >> 4, 5);
    assert_int_equal(c3[8] & 0xc0, 0x80);
}

static void roundtrip(int alg)
{
    struct medsec_release_key k, back;
    struct medsec_release_kdf kdf;
    struct medsec_error err;
    char *sec = NULL, *pub = NULL;
    medsec_release_kdf_test(&kdf);
    assert_int_equal(medsec_release_keygen(alg, &k, &err), MEDSEC_OK);
    assert_int_equal(medsec_release_key_format(&k, "pw", 2, &kdf, &sec, &pub, &err), MEDSEC_OK);
    assert_int_equal(medsec_release_key_read(sec, strlen(sec), "k", "pw", 2, &back, &err),
                     MEDSEC_OK);
    assert_memory_equal(&k, &back, sizeof k);
    assert_int_equal(medsec_release_key_read(sec, strlen(sec), "k", "pW", 2, &back, &err),
                     MEDSEC_EVERIFY);
    assert_int_equal(medsec_release_key_read(pub, strlen(pub), "k.pub", "pw", 2, &back, &err),
                     MEDSEC_EINVAL);
    struct medsec_release_pub p;
    assert_int_equal(medsec_release_pub_read(pub, strlen(pub), "k.pub", &p, &err), MEDSEC_OK);
    assert_memory_equal(&p, &k.pub, sizeof p);
    /* every character of the secret's base64 matters */
    char *at = strstr(sec, "\nsecret: ") + 9;
    *at = *at == 'A' ? 'B' : 'A';
    assert_int_not_equal(medsec_release_key_read(sec, strlen(sec), "k", "pw", 2, &back, &err),
                         MEDSEC_OK);
    /* a raw signature verifies with the other library (EdDSA: libsodium itself) */
    unsigned char sig[64];
    assert_int_equal(medsec_release_sign_raw(&k, "msg", 3, sig, &err), MEDSEC_OK);
    if (alg == MEDSEC_RELEASE_EDDSA) {
        assert_int_equal(
            crypto_sign_verify_detached(sig, (const unsigned char *)"msg", 3, k.pub.pub), 0);
        sig[0] ^= 1;
        assert_int_not_equal(
            crypto_sign_verify_detached(sig, (const unsigned char *)"msg", 3, k.pub.pub), 0);
    }
    medsec_free(sec);
    medsec_free(pub);
    medsec_release_key_wipe(&k);
}

static void test_keys(void **state)
{
    (void)state;
    roundtrip(MEDSEC_RELEASE_EDDSA);
    roundtrip(MEDSEC_RELEASE_ES256);
}

/* Refusals of the writers: each names what is wrong and writes nothing. */
static void test_writer_refusals(void **state)
{
    (void)state;
    struct medsec_release_key k;
    struct medsec_error err;
    struct medsec_buf out = MEDSEC_BUF_INIT;
    assert_int_equal(medsec_release_keygen(MEDSEC_RELEASE_EDDSA, &k, &err), MEDSEC_OK);
    /* a validity that ends before it starts, no purpose, a purpose we do not know */
    struct medsec_release_cert_info ci;
    memset(&ci, 0, sizeof ci);
    ci.subject = k.pub;
    ci.not_before = 200;
    ci.not_after = 100;
    ci.purposes = MEDSEC_RELEASE_PURPOSE_SIGN;
    assert_int_equal(medsec_release_certify(&k, &ci, &out, &err), MEDSEC_EINVAL);
    ci.not_after = 300;
    ci.purposes = 0;
    assert_int_equal(medsec_release_certify(&k, &ci, &out, &err), MEDSEC_EINVAL);
    ci.purposes = 8;
    assert_int_equal(medsec_release_certify(&k, &ci, &out, &err), MEDSEC_EINVAL);
    assert_int_equal(out.len, 0);
    /* anchors: k out of 1..n, a root twice */
    unsigned char v[16] = {1}, c[16] = {2};
    struct medsec_release_pub roots[2] = {k.pub, k.pub};
    assert_int_equal(medsec_release_anchor(0, roots, 1, v, c, &out, &err), MEDSEC_EINVAL);
    assert_int_equal(medsec_release_anchor(2, roots, 1, v, c, &out, &err), MEDSEC_EINVAL);
    assert_int_equal(medsec_release_anchor(1, roots, 2, v, c, &out, &err), MEDSEC_EINVAL);
    assert_int_equal(out.len, 0);
    assert_int_equal(medsec_release_anchor(1, roots, 1, v, c, &out, &err), MEDSEC_OK);
    assert_true(out.len > 0);
    /* bundles: no signer, a detached URI that looks integrated, an image that is not there */
    const struct medsec_release_key *keys[1] = {&k};
    struct medsec_release_bundle rb;
    struct medsec_release_bundle_info info;
    memset(&rb, 0, sizeof rb);
    rb.image_path = "/nonexistent/medsec-test-image";
    assert_int_equal(medsec_release_bundle_write(&rb, "/nonexistent/out.suit", &info, &err),
                     MEDSEC_EINVAL);
    rb.keys = keys;
    rb.nkeys = 1;
    rb.uri = "#image0";
    assert_int_equal(medsec_release_bundle_write(&rb, "/nonexistent/out.suit", &info, &err),
                     MEDSEC_EINVAL);
    rb.uri = NULL;
    assert_int_equal(medsec_release_bundle_write(&rb, "/nonexistent/out.suit", &info, &err),
                     MEDSEC_EIO);
    assert_string_equal(err.file, "/nonexistent/medsec-test-image");
    /* a public key of the wrong shape */
    struct medsec_release_pub p;
    unsigned char raw[65] = {3};
    assert_int_equal(medsec_release_pub_init(&p, MEDSEC_RELEASE_ES256, raw, 65, &err),
                     MEDSEC_EINVAL);
    assert_int_equal(medsec_release_pub_init(&p, MEDSEC_RELEASE_EDDSA, raw, 31, &err),
                     MEDSEC_EINVAL);
    assert_int_equal(medsec_release_pub_init(&p, -35, raw, 65, &err), MEDSEC_EUNSUPPORTED);
    medsec_buf_release(&out);
    medsec_release_key_wipe(&k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cbor_ints),       cmocka_unit_test(test_cbor_items),
        cmocka_unit_test(test_uuid5),           cmocka_unit_test(test_keys),
        cmocka_unit_test(test_writer_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
