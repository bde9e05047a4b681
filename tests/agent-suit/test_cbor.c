/* test_cbor.c: the agent's CBOR reader (RFC 8949) on the well-formed examples of Appendix A, the
 * not-well-formed ones of Appendix F, every truncation, huge length claims, and the depth bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "msa/cbor.h"

struct hexcase {
    const char *hex;
    msa_err want;
};

static size_t unhex(const char *hex, unsigned char *out, size_t cap)
{
    size_t n = 0;
    while (hex[0] != '\0' && hex[1] != '\0' && n < cap) {
        unsigned v;
        char two[3] = {hex[0], hex[1], '\0'};
        v = (unsigned)strtoul(two, NULL, 16);
        out[n++] = (unsigned char)v;
        hex += 2;
    }
    return n;
}

/* RFC 8949 Appendix A (a selection covering every major type and head size) */
static const char *const good[] = {"00",
                                   "17",
                                   "1818",
                                   "1903e8",
                                   "1a000f4240",
                                   "1bffffffffffffffff",
                                   "20",
                                   "3863",
                                   "3bffffffffffffffff",
                                   "f93c00",
                                   "fa47c35000",
                                   "fb3ff199999999999a",
                                   "f4",
                                   "f5",
                                   "f6",
                                   "f7",
                                   "f0",
                                   "f8ff",
                                   "c074323031332d30332d32315432303a30343a30305a",
                                   "d74401020304",
                                   "40",
                                   "4401020304",
                                   "60",
                                   "6449455446",
                                   "80",
                                   "83010203",
                                   "8301820203820405",
                                   "a0",
                                   "a201020304",
                                   "a26161016162820203",
                                   "826161a161626163"};

static void test_good(void **state)
{
    unsigned char buf[64];
    size_t i;
    (void)state;
    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        size_t n = unhex(good[i], buf, sizeof buf), cut;
        assert_int_equal(msa_cbor_wellformed(buf, n), MSA_OK);
        /* every proper prefix is truncated, never read past */
        for (cut = 0; cut < n; cut++)
            assert_int_equal(msa_cbor_wellformed(buf, cut), MSA_E_TRUNCATED);
    }
}

static const struct hexcase bad[] = {
    /* reserved additional information 28..30 */
    {"1c", MSA_E_CBOR},
    {"3d", MSA_E_CBOR},
    {"5e", MSA_E_CBOR},
    {"7c", MSA_E_CBOR},
    {"9d", MSA_E_CBOR},
    {"be", MSA_E_CBOR},
    {"dc", MSA_E_CBOR},
    {"fd", MSA_E_CBOR},
    /* indefinite length for 0, 1, 6 and a lone break are not well-formed */
    {"1f", MSA_E_CBOR},
    {"3f", MSA_E_CBOR},
    {"df", MSA_E_CBOR},
    {"ff", MSA_E_CBOR},
    {"8201ff", MSA_E_CBOR},
    /* a two-byte simple value below 32 */
    {"f800", MSA_E_CBOR},
    {"f81f", MSA_E_CBOR},
    /* indefinite lengths: well-formed, but never in SUIT or COSE as the agent reads them */
    {"5f4101ff", MSA_E_UNSUPPORTED},
    {"7f6161ff", MSA_E_UNSUPPORTED},
    {"9f01ff", MSA_E_UNSUPPORTED},
    {"bf0102ff", MSA_E_UNSUPPORTED},
    /* lengths far beyond the buffer */
    {"5bffffffffffffffff", MSA_E_TRUNCATED},
    {"7b8000000000000000", MSA_E_TRUNCATED},
    {"9bffffffffffffffff", MSA_E_TRUNCATED},
    {"bb4000000000000000", MSA_E_TRUNCATED},
    {"9a0000000201", MSA_E_TRUNCATED},
    {"a10102a1", MSA_E_CBOR},
    /* trailing bytes */
    {"0000", MSA_E_CBOR},
};

static void test_bad(void **state)
{
    unsigned char buf[64];
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t n = unhex(bad[i].hex, buf, sizeof buf);
        msa_err e = msa_cbor_wellformed(buf, n);
        if (e != bad[i].want)
            fail_msg("%s: got %d, want %d", bad[i].hex, e, bad[i].want);
    }
}

static void test_depth(void **state)
{
    unsigned char buf[64];
    size_t k;
    (void)state;
    /* k nested one-element arrays around a 0: the reader follows MSA_CBOR_DEPTH_MAX - 1 */
    for (k = 1; k < 40; k++) {
        memset(buf, 0x81, k);
        buf[k] = 0x00;
        assert_int_equal(msa_cbor_wellformed(buf, k + 1),
                         k < MSA_CBOR_DEPTH_MAX ? MSA_OK : MSA_E_LIMIT);
    }
    /* tags count as nesting too */
    memset(buf, 0xc1, 40);
    buf[40] = 0x00;
    assert_int_equal(msa_cbor_wellformed(buf, 41), MSA_E_LIMIT);
}

static void test_typed(void **state)
{
    unsigned char buf[32];
    struct msa_cbor c;
    int64_t i;
    uint64_t u;
    const unsigned char *p;
    size_t n;
    int b;
    (void)state;

    n = unhex("3b7fffffffffffffff", buf, sizeof buf);
    msa_cbor_init(&c, buf, n);
    assert_int_equal(msa_cbor_int(&c, &i), MSA_OK);
    assert_true(i == INT64_MIN);
    assert_true(msa_cbor_done(&c));

    n = unhex("3b8000000000000000", buf, sizeof buf);
    msa_cbor_init(&c, buf, n);
    assert_int_equal(msa_cbor_int(&c, &i), MSA_E_UNSUPPORTED);

    /* a type mismatch leaves the cursor alone */
    n = unhex("6449455446", buf, sizeof buf);
    msa_cbor_init(&c, buf, n);
    assert_int_equal(msa_cbor_uint(&c, &u), MSA_E_CBOR);
    assert_int_equal(msa_cbor_bstr(&c, &p, &n), MSA_E_CBOR);
    assert_int_equal(msa_cbor_tstr(&c, &p, &n), MSA_OK);
    assert_int_equal(n, 4);
    assert_memory_equal(p, "IETF", 4);

    /* a string longer than what is left */
    n = unhex("45010203", buf, sizeof buf);
    msa_cbor_init(&c, buf, n);
    assert_int_equal(msa_cbor_bstr(&c, &p, &n), MSA_E_TRUNCATED);

    /* an optional tag is taken only when it is the one asked for */
    n = unhex("d86ba0", buf, sizeof buf);
    msa_cbor_init(&c, buf, n);
    assert_int_equal(msa_cbor_tag_optional(&c, 18), MSA_OK);
    assert_int_equal(msa_cbor_map(&c, &n), MSA_E_CBOR);
    assert_int_equal(msa_cbor_tag_optional(&c, 107), MSA_OK);
    assert_int_equal(msa_cbor_map(&c, &n), MSA_OK);
    assert_int_equal(n, 0);

    n = unhex("f5f6f7", buf, sizeof buf);
    msa_cbor_init(&c, buf, n);
    assert_int_equal(msa_cbor_bool(&c, &b), MSA_OK);
    assert_true(b);
    assert_true(msa_cbor_is_null(&c));
    assert_int_equal(msa_cbor_null(&c), MSA_OK);
    assert_int_equal(msa_cbor_null(&c), MSA_E_CBOR); /* undefined is not null */

    /* a map claiming more pairs than bytes could hold */
    n = unhex("b8ff00", buf, sizeof buf);
    msa_cbor_init(&c, buf, n);
    assert_int_equal(msa_cbor_map(&c, &n), MSA_E_TRUNCATED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_typed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
