/* test_stream.c: the streaming verifier's contract, on a bundle kept with the fuzz seeds
 * (tests/fuzz/seeds/fuzz_suit/own-two.suit: two components, "#image0" integrated and
 * "file:tiny.bin" detached, both the 17 bytes "firmware image 0\n", sequence 3, signed by the two
 * roots of trust-anchor.cbor next to it). No payload byte before authentication; the sink gets
 * every byte in order; detached payloads; errors stay; bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "msa/stream.h"
#include "posix.h"

static const char image[] = "firmware image 0\n";

static unsigned char bundle[2048], anchor[512], work[MSA_MANIFEST_MAX];
static size_t bundle_len, anchor_len;
static struct msa_port port;
static struct msa_trust trust;
static struct msa_stream st;

/* what the sink saw */
static unsigned char got[2][64];
static uint64_t got_len[2];
static int before_auth, sink_fails;

static int sink(void *arg, unsigned component, uint64_t offset, const unsigned char *bytes,
                size_t n)
{
    (void)arg;
    if (!msa_stream_authenticated(&st))
        before_auth = 1;
    if (sink_fails)
        return -1;
    assert_true(component < 2);
    assert_true(offset == got_len[component]);
    assert_true(offset + n <= sizeof got[0]);
    memcpy(got[component] + offset, bytes, n);
    got_len[component] += n;
    return 0;
}

static size_t slurp(const char *name, unsigned char *buf, size_t cap)
{
    char path[512];
    FILE *f;
    size_t n;
    snprintf(path, sizeof path, "%s/tests/fuzz/seeds/fuzz_suit/%s", MEDSEC_SOURCE_DIR, name);
    f = fopen(path, "rb");
    assert_non_null(f);
    n = fread(buf, 1, cap, f);
    fclose(f);
    assert_true(n > 0 && n < cap);
    return n;
}

static int setup(void **state)
{
    (void)state;
    bundle_len = slurp("own-two.suit", bundle, sizeof bundle);
    anchor_len = slurp("trust-anchor.cbor", anchor, sizeof anchor);
    memset(&port, 0, sizeof port);
    msa_posix_crypto(&port);
    assert_int_equal(msa_trust_decode(&port, anchor, anchor_len, &trust), MSA_OK);
    return 0;
}

static msa_err start(uint64_t counter, size_t cap)
{
    struct msa_stream_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.port = &port;
    cfg.trust = &trust;
    cfg.counter = counter;
    cfg.sink = sink;
    memset(got, 0, sizeof got);
    got_len[0] = got_len[1] = 0;
    before_auth = sink_fails = 0;
    return msa_stream_init(&st, &cfg, work, cap);
}

static void test_bytewise(void **state)
{
    size_t i;
    const struct msa_suit_plan *plan;
    (void)state;
    assert_int_equal(start(2, sizeof work), MSA_OK);
    assert_null(msa_stream_plan(&st));
    for (i = 0; i < bundle_len; i++)
        assert_int_equal(msa_stream_feed(&st, bundle + i, 1), MSA_OK);
    assert_int_equal(msa_stream_finish(&st), MSA_OK);
    assert_false(before_auth);
    plan = msa_stream_plan(&st);
    assert_non_null(plan);
    assert_int_equal(plan->sequence, 3);
    assert_int_equal(plan->ncomponents, 2);
    assert_int_equal(got_len[0], sizeof image - 1);
    assert_memory_equal(got[0], image, sizeof image - 1);
    assert_int_equal(msa_stream_verified(&st), 1u);

    /* the detached payload of component 1, in uneven pieces */
    assert_int_equal(msa_stream_payload_feed(&st, image, 3), MSA_E_STATE);
    assert_int_equal(msa_stream_payload_begin(&st, 7), MSA_E_ARG);
    assert_int_equal(msa_stream_payload_begin(&st, 1), MSA_OK);
    assert_int_equal(msa_stream_payload_begin(&st, 1), MSA_E_STATE);
    assert_int_equal(msa_stream_payload_feed(&st, image, 5), MSA_OK);
    assert_int_equal(msa_stream_payload_feed(&st, image + 5, sizeof image - 1 - 5), MSA_OK);
    assert_int_equal(msa_stream_payload_end(&st), MSA_OK);
    assert_int_equal(msa_stream_verified(&st), 3u);
    assert_memory_equal(got[1], image, sizeof image - 1);

    /* a wrong or long detached payload */
    got_len[1] = 0;
    assert_int_equal(msa_stream_payload_begin(&st, 1), MSA_OK);
    assert_int_equal(msa_stream_payload_feed(&st, "firmware image 1\n", 17), MSA_OK);
    assert_int_equal(msa_stream_payload_end(&st), MSA_E_IMAGE_DIGEST);
    assert_int_equal(msa_stream_verified(&st), 1u); /* its bytes replaced the good ones */
    got_len[1] = 0;
    assert_int_equal(msa_stream_payload_begin(&st, 1), MSA_OK);
    assert_int_equal(msa_stream_payload_feed(&st, "firmware image 0\n!", 18), MSA_E_IMAGE_SIZE);
    assert_int_equal(msa_stream_payload_end(&st), MSA_E_STATE);
}

static void test_early_detached(void **state)
{
    (void)state;
    assert_int_equal(start(2, sizeof work), MSA_OK);
    assert_int_equal(msa_stream_feed(&st, bundle, bundle_len / 2), MSA_OK);
    assert_int_equal(msa_stream_payload_begin(&st, 1), MSA_E_STATE);
    assert_int_equal(msa_stream_finish(&st), MSA_E_TRUNCATED);
    assert_int_equal(msa_stream_feed(&st, bundle + bundle_len / 2, 1), MSA_E_TRUNCATED);
}

static void test_rollback_sticks(void **state)
{
    (void)state;
    assert_int_equal(start(3, sizeof work), MSA_OK);
    assert_int_equal(msa_stream_feed(&st, bundle, bundle_len), MSA_E_ROLLBACK);
    assert_int_equal(got_len[0], 0); /* nothing reached the sink */
    assert_null(msa_stream_plan(&st));
    assert_int_equal(msa_stream_feed(&st, bundle, 1), MSA_E_ROLLBACK);
    assert_int_equal(msa_stream_finish(&st), MSA_E_ROLLBACK);
}

static void test_sink_fails(void **state)
{
    (void)state;
    assert_int_equal(start(0, sizeof work), MSA_OK);
    sink_fails = 1;
    assert_int_equal(msa_stream_feed(&st, bundle, bundle_len), MSA_E_PORT);
    assert_int_equal(msa_stream_finish(&st), MSA_E_PORT);
}

static void test_trailing(void **state)
{
    (void)state;
    assert_int_equal(start(0, sizeof work), MSA_OK);
    assert_int_equal(msa_stream_feed(&st, bundle, bundle_len), MSA_OK);
    assert_int_equal(msa_stream_feed(&st, "", 1), MSA_E_CBOR);
}

static void test_small_buffer(void **state)
{
    size_t cap;
    (void)state;
    /* the members before the payload do not fit: MSA_E_LIMIT, whatever the chunking */
    for (cap = 1; cap < 300; cap += 37) {
        assert_int_equal(start(0, cap), MSA_OK);
        assert_int_equal(msa_stream_feed(&st, bundle, bundle_len), MSA_E_LIMIT);
        assert_int_equal(got_len[0], 0);
    }
}

static void test_device(void **state)
{
    struct msa_stream_config cfg;
    static const unsigned char other[16] = {1};
    (void)state;
    memset(&cfg, 0, sizeof cfg);
    cfg.port = &port;
    cfg.trust = &trust;
    cfg.sink = sink;
    cfg.vendor = other;
    assert_int_equal(msa_stream_init(&st, &cfg, work, sizeof work), MSA_OK);
    assert_int_equal(msa_stream_feed(&st, bundle, bundle_len), MSA_E_VENDOR);
    cfg.vendor = NULL;
    cfg.class_id = other;
    assert_int_equal(msa_stream_init(&st, &cfg, work, sizeof work), MSA_OK);
    assert_int_equal(msa_stream_feed(&st, bundle, bundle_len), MSA_E_CLASS);
    assert_int_equal(msa_stream_init(NULL, &cfg, work, sizeof work), MSA_E_ARG);
    cfg.trust = NULL;
    assert_int_equal(msa_stream_init(&st, &cfg, work, sizeof work), MSA_E_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bytewise),        cmocka_unit_test(test_early_detached),
        cmocka_unit_test(test_rollback_sticks), cmocka_unit_test(test_sink_fails),
        cmocka_unit_test(test_trailing),        cmocka_unit_test(test_small_buffer),
        cmocka_unit_test(test_device),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
