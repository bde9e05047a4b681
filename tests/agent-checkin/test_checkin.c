/* test_checkin.c: the signed check-in: lib/checkin's make -> verify round trip, every single-byte
 * change and every truncation rejected, strict decoding (field named), and the agent's check-ins
 * over the POSIX port: they verify with the device's public key, and their counter increases
 * across reboots and power cuts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "devtest.h"
#include "medsec/checkin.h"
#include "msa/checkin.h"

static void sample(struct medsec_checkin *c)
{
    memset(c, 0, sizeof *c);
    for (int i = 0; i < 16; i++)
        c->device_id[i] = (unsigned char)(0xa0 + i);
    c->counter = 70000;
    c->time = 1767225600;
    c->security_version = 7;
    strcpy(c->version, "2.4.1");
    c->slot = 1;
    memset(c->image_digest, 0x11, 32);
    c->log_first = 3;
    c->log_last = 300;
    c->log_dropped = 2;
    memset(c->log_head, 0x22, 32);
    c->install_seq = 7;
    c->install_result = -22;
    memset(c->bundle_digest, 0x33, 32);
}

static void test_round_trip(void **state)
{
    (void)state;
    unsigned char pk[32], sk[64], pk2[32], sk2[64], msg[MSA_CHECKIN_MAX];
    struct medsec_checkin in, out;
    struct medsec_error err;
    size_t n = 0;
    crypto_sign_keypair(pk, sk);
    crypto_sign_keypair(pk2, sk2);
    sample(&in);
    assert_int_equal(medsec_checkin_make(&in, sk, msg, sizeof msg, &n, &err), MEDSEC_OK);
    assert_true(n > 200 && n <= MSA_CHECKIN_MAX);
    assert_int_equal(medsec_checkin_verify(msg, n, pk, &out, &err), MEDSEC_OK);
    assert_memory_equal(&in, &out, sizeof in);
    memset(&out, 0, sizeof out);
    assert_int_equal(medsec_checkin_parse(msg, n, &out, &err), MEDSEC_OK);
    assert_memory_equal(&in, &out, sizeof in);
    /* another device's key */
    assert_int_equal(medsec_checkin_verify(msg, n, pk2, &out, &err), MEDSEC_EVERIFY);
    /* widest values, empty version, no slot */
    in.counter = in.time = in.security_version = in.install_seq = UINT64_MAX;
    in.log_first = in.log_last = in.log_dropped = UINT32_MAX;
    in.install_result = INT32_MIN;
    in.slot = 255;
    memset(in.version, 'x', 32);
    in.version[32] = '\0';
    assert_int_equal(medsec_checkin_make(&in, sk, msg, sizeof msg, &n, &err), MEDSEC_OK);
    assert_int_equal(medsec_checkin_verify(msg, n, pk, &out, &err), MEDSEC_OK);
    assert_memory_equal(&in, &out, sizeof in);
    memset(in.version, 0, sizeof in.version);
    in.install_result = INT32_MAX;
    assert_int_equal(medsec_checkin_make(&in, sk, msg, sizeof msg, &n, &err), MEDSEC_OK);
    assert_int_equal(medsec_checkin_verify(msg, n, pk, &out, &err), MEDSEC_OK);
    assert_memory_equal(&in, &out, sizeof in);
    /* bad input to make */
    in.slot = 256;
    assert_int_equal(medsec_checkin_make(&in, sk, msg, sizeof msg, &n, &err), MEDSEC_EINVAL);
    in.slot = 0;
    strcpy(in.version, "1.0\n");
    assert_int_equal(medsec_checkin_make(&in, sk, msg, sizeof msg, &n, &err), MEDSEC_EINVAL);
    strcpy(in.version, "1.0");
    assert_int_equal(medsec_checkin_make(&in, sk, msg, 100, &n, &err), MEDSEC_ETOOBIG);
}

static void test_every_change(void **state)
{
    (void)state;
    unsigned char pk[32], sk[64], msg[MSA_CHECKIN_MAX], bad[MSA_CHECKIN_MAX];
    struct medsec_checkin in, out;
    struct medsec_error err;
    size_t n = 0;
    crypto_sign_keypair(pk, sk);
    sample(&in);
    assert_int_equal(medsec_checkin_make(&in, sk, msg, sizeof msg, &n, &err), MEDSEC_OK);
    static const unsigned char flips[] = {0x01, 0x02, 0x10, 0x40, 0x80, 0xff};
    for (size_t i = 0; i < n; i++)
        for (size_t f = 0; f < sizeof flips; f++) {
            memcpy(bad, msg, n);
            bad[i] ^= flips[f];
            medsec_err rc = medsec_checkin_verify(bad, n, pk, &out, &err);
            if (rc == MEDSEC_OK)
                fail_msg("byte %zu ^ 0x%02x accepted", i, flips[f]);
        }
    for (size_t k = 0; k < n; k++)
        if (medsec_checkin_verify(msg, k, pk, &out, &err) == MEDSEC_OK)
            fail_msg("truncated to %zu bytes accepted", k);
    /* one byte more */
    memcpy(bad, msg, n);
    bad[n] = 0;
    assert_int_equal(medsec_checkin_verify(bad, n + 1, pk, &out, &err), MEDSEC_EPARSE);
    assert_non_null(strstr(err.msg, "trailing"));
    /* the cap */
    assert_int_equal(medsec_checkin_parse(msg, MEDSEC_CHECKIN_MAX + 1, &out, &err), MEDSEC_ETOOBIG);
}

/* The payload of @in re-encoded with a change at the CBOR level, then wrapped and signed: the
 * decoder must reject it for the named reason even with a good signature. */
static medsec_err wrap_payload(const unsigned char *pl, size_t pn, const unsigned char sk[64],
                               unsigned char *out, size_t *n)
{
    size_t plen;
    const unsigned char *prot = msa_checkin_protected(&plen);
    unsigned char tbs[1024], sig[64];
    size_t t = 0;
    tbs[t++] = 0x84;
    tbs[t++] = 0x6a;
    memcpy(tbs + t, "Signature1", 10);
    t += 10;
    tbs[t++] = 0x58;
    tbs[t++] = (unsigned char)plen;
    memcpy(tbs + t, prot, plen);
    t += plen;
    tbs[t++] = 0x40;
    tbs[t++] = 0x58;
    tbs[t++] = (unsigned char)pn;
    memcpy(tbs + t, pl, pn);
    t += pn;
    crypto_sign_detached(sig, NULL, tbs, t, sk);
    size_t o = 0;
    out[o++] = 0xd2;
    out[o++] = 0x84;
    out[o++] = 0x58;
    out[o++] = (unsigned char)plen;
    memcpy(out + o, prot, plen);
    o += plen;
    out[o++] = 0xa0;
    out[o++] = 0x58;
    out[o++] = (unsigned char)pn;
    memcpy(out + o, pl, pn);
    o += pn;
    out[o++] = 0x58;
    out[o++] = 64;
    memcpy(out + o, sig, 64);
    *n = o + 64;
    return MEDSEC_OK;
}

static void expect_reject(const unsigned char *pl, size_t pn, const unsigned char pk[32],
                          const unsigned char sk[64], const char *word)
{
    unsigned char msg[1024];
    size_t n;
    struct medsec_checkin out;
    struct medsec_error err;
    wrap_payload(pl, pn, sk, msg, &n);
    medsec_err rc = medsec_checkin_verify(msg, n, pk, &out, &err);
    if (rc == MEDSEC_OK || !strstr(err.msg, word))
        fail_msg("expected a rejection naming \"%s\", got %d: %s", word, rc, err.msg);
}

static void test_strict(void **state)
{
    (void)state;
    unsigned char pk[32], sk[64], pl[256], v[300];
    struct medsec_checkin in;
    struct msa_checkin ci;
    size_t pn;
    crypto_sign_keypair(pk, sk);
    sample(&in);
    memset(&ci, 0, sizeof ci);
    ci.slot = 1;
    ci.counter = 5;
    strcpy(ci.version, "1.0");
    assert_int_equal(msa_checkin_payload(&ci, pl, sizeof pl, &pn), MSA_OK);
    /* the good one wraps and verifies */
    {
        unsigned char msg[1024];
        size_t n;
        struct medsec_checkin out;
        struct medsec_error err;
        wrap_payload(pl, pn, sk, msg, &n);
        assert_int_equal(medsec_checkin_verify(msg, n, pk, &out, &err), MEDSEC_OK);
        assert_int_equal(out.counter, 5);
    }
    /* pl: a0+14=ae, 01 50 <16>, 02 05, 03 00, 04 00, 05 63 "1.0", 06 01, 07 58 20 <32> ... */
    assert_int_equal(pl[0], 0xae);
    /* an unknown key: map of 15 with key 15 appended */
    memcpy(v, pl, pn);
    v[0] = 0xaf;
    v[pn] = 0x0f;
    v[pn + 1] = 0x00;
    expect_reject(v, pn + 2, pk, sk, "unknown key 15");
    /* a missing field: map of 13 without the last one (bundle_digest, 0e 58 20 <32>) */
    memcpy(v, pl, pn - 35);
    v[0] = 0xad;
    expect_reject(v, pn - 35, pk, sk, "bundle_digest");
    /* counter as a text string: 02 05 -> 02 61 35 */
    size_t at = 1 + 1 + 17; /* after the map head and field 1 */
    assert_int_equal(pl[at], 0x02);
    memcpy(v, pl, at + 1);
    v[at + 1] = 0x61;
    v[at + 2] = '5';
    memcpy(v + at + 3, pl + at + 2, pn - at - 2);
    expect_reject(v, pn + 1, pk, sk, "counter");
    /* counter in a longer head than needed (18 05) */
    memcpy(v, pl, at + 1);
    v[at + 1] = 0x18;
    v[at + 2] = 0x05;
    memcpy(v + at + 3, pl + at + 2, pn - at - 2);
    expect_reject(v, pn + 1, pk, sk, "deterministic");
    /* a duplicate key: field 2 written twice (the map says 15 pairs) */
    memcpy(v, pl, at + 2);
    v[0] = 0xaf;
    v[at + 2] = 0x02;
    v[at + 3] = 0x05;
    memcpy(v + at + 4, pl + at + 2, pn - at - 2);
    expect_reject(v, pn + 2, pk, sk, "twice");
    /* slot 256 (06 19 01 00) */
    size_t s = 0;
    for (size_t i = 1; i + 1 < pn; i++)
        if (pl[i] == 0x06 && pl[i + 1] == 0x01) {
            s = i;
            break;
        }
    assert_true(s > 0);
    memcpy(v, pl, s + 1);
    v[s + 1] = 0x19;
    v[s + 2] = 0x01;
    v[s + 3] = 0x00;
    memcpy(v + s + 4, pl + s + 2, pn - s - 2);
    expect_reject(v, pn + 2, pk, sk, "slot");
    /* the version with a control character */
    for (size_t i = 1; i + 4 < pn; i++)
        if (pl[i] == 0x05 && pl[i + 1] == 0x63) {
            memcpy(v, pl, pn);
            v[i + 3] = '\t';
            expect_reject(v, pn, pk, sk, "version");
            break;
        }
    /* trailing bytes inside the payload */
    memcpy(v, pl, pn);
    v[pn] = 0x00;
    expect_reject(v, pn + 1, pk, sk, "after the map");
}

static void test_agent(void **state)
{
    (void)state;
    char tmp[256];
    struct dt_dev d;
    unsigned char pub[32], msg[MSA_CHECKIN_MAX], id[16];
    size_t n = 0;
    uint64_t c1 = 0, c2 = 0, c3 = 0;
    struct medsec_checkin out;
    struct medsec_error err;
    memset(id, 0x5a, sizeof id);
    assert_int_equal(dt_tmpdir(tmp, sizeof tmp), 0);
    assert_int_equal(dt_create(&d, tmp, "dev", 1), 0);
    FILE *f = fopen(msa_posix_path(&d.px, "device.pub"), "rb");
    assert_non_null(f);
    assert_int_equal(fread(pub, 1, 32, f), 32);
    fclose(f);
    /* a blank device: nothing installed, no install attempt */
    assert_int_equal(msa_checkin_build(&d.a, id, &c1, "", msg, sizeof msg, &n), MSA_OK);
    assert_int_equal(medsec_checkin_verify(msg, n, pub, &out, &err), MEDSEC_OK);
    assert_memory_equal(out.device_id, id, 16);
    assert_int_equal(out.counter, c1);
    assert_int_equal(out.log_last, c1);
    assert_int_equal(out.slot, MSA_CHECKIN_NO_SLOT);
    assert_int_equal(out.install_seq, 0);
    assert_string_equal(out.version, "");
    /* again in the same run, then after a reboot, then after a power cut that tore the check-in's
     * log record: the counter only goes up */
    assert_int_equal(msa_checkin_build(&d.a, id, &c2, "1.0", msg, sizeof msg, &n), MSA_OK);
    assert_true(c2 > c1);
    assert_int_equal(dt_reboot(&d), 0);
    assert_int_equal(msa_checkin_build(&d.a, id, &c3, "1.0", msg, sizeof msg, &n), MSA_OK);
    assert_true(c3 > c2);
    assert_int_equal(medsec_checkin_verify(msg, n, pub, &out, &err), MEDSEC_OK);
    assert_string_equal(out.version, "1.0");
    msa_posix_cut_after(&d.px, 1);
    assert_int_not_equal(msa_checkin_build(&d.a, id, &c2, "1.0", msg, sizeof msg, &n), MSA_OK);
    assert_int_equal(dt_reboot(&d), 0);
    uint64_t c4 = 0;
    assert_int_equal(msa_checkin_build(&d.a, id, &c4, "1.0", msg, sizeof msg, &n), MSA_OK);
    assert_true(c4 > c3);
    /* an install attempt that failed is reported with its sequence and result */
    unsigned char bundle[32], digest[32];
    memset(bundle, 0x77, 32);
    memset(digest, 0x66, 32);
    assert_int_equal(msa_install_begin(&d.a, bundle, 9, 4096, digest, NULL), MSA_OK);
    unsigned char img[4096];
    dt_image(9, img, sizeof img);
    assert_int_equal(msa_install_write(&d.a, 0, img, sizeof img), MSA_OK);
    assert_int_equal(msa_install_finish(&d.a), MSA_E_IMAGE_DIGEST);
    assert_int_equal(msa_checkin_build(&d.a, id, NULL, "1.0", msg, sizeof msg, &n), MSA_OK);
    assert_int_equal(medsec_checkin_verify(msg, n, pub, &out, &err), MEDSEC_OK);
    assert_int_equal(out.install_seq, 9);
    assert_int_equal(out.install_result, MSA_E_IMAGE_DIGEST);
    assert_memory_equal(out.bundle_digest, bundle, 32);
    assert_int_equal(medsec_checkin_install_state(&out, 9), MEDSEC_INSTALL_FAILED);
    assert_int_equal(medsec_checkin_install_state(&out, 10), MEDSEC_INSTALL_NONE);
    /* the same image with its right digest: a trial image (installing) ... */
    struct msa_sha256 h;
    assert_int_equal(d.port.sha256_init(d.port.ctx, &h), 0);
    assert_int_equal(d.port.sha256_update(d.port.ctx, &h, img, sizeof img), 0);
    assert_int_equal(d.port.sha256_final(d.port.ctx, &h, digest), 0);
    bundle[0] = 0x78;
    assert_int_equal(msa_install_begin(&d.a, bundle, 9, 4096, digest, NULL), MSA_OK);
    assert_int_equal(msa_install_write(&d.a, 0, img, sizeof img), MSA_OK);
    assert_int_equal(msa_install_finish(&d.a), MSA_OK);
    assert_int_equal(msa_checkin_build(&d.a, id, NULL, "", msg, sizeof msg, &n), MSA_OK);
    assert_int_equal(medsec_checkin_verify(msg, n, pub, &out, &err), MEDSEC_OK);
    assert_int_equal(out.install_seq, 9);
    assert_int_equal(out.install_result, 0);
    assert_memory_equal(out.bundle_digest, bundle, 32);
    assert_int_equal(medsec_checkin_install_state(&out, 9), MEDSEC_INSTALL_INSTALLING);
    /* ... that never confirms: after its trial boots the device rolls back */
    unsigned slot;
    for (int i = 0; i < MSA_TRIAL_BOOTS; i++) {
        assert_int_equal(dt_reboot(&d), 0);
        assert_int_equal(msa_boot(&d.a, &slot), MSA_OK);
    }
    assert_int_equal(dt_reboot(&d), 0);
    assert_int_equal(msa_boot(&d.a, &slot), MSA_E_NO_IMAGE); /* nothing else to run */
    assert_int_equal(msa_checkin_build(&d.a, id, NULL, "", msg, sizeof msg, &n), MSA_OK);
    assert_int_equal(medsec_checkin_verify(msg, n, pub, &out, &err), MEDSEC_OK);
    assert_int_equal(out.install_seq, 9);
    assert_int_equal(out.install_result, MSA_E_ROLLED_BACK);
    assert_int_equal(medsec_checkin_install_state(&out, 9), MEDSEC_INSTALL_FAILED);
    /* installed again, booted and confirmed: succeeded, running slot and image reported */
    bundle[0] = 0x79;
    assert_int_equal(msa_install_begin(&d.a, bundle, 9, 4096, digest, NULL), MSA_OK);
    assert_int_equal(msa_install_write(&d.a, 0, img, sizeof img), MSA_OK);
    assert_int_equal(msa_install_finish(&d.a), MSA_OK);
    assert_int_equal(dt_reboot(&d), 0);
    assert_int_equal(msa_boot(&d.a, &slot), MSA_OK);
    assert_int_equal(msa_confirm(&d.a), MSA_OK);
    assert_int_equal(msa_checkin_build(&d.a, id, NULL, "", msg, sizeof msg, &n), MSA_OK);
    assert_int_equal(medsec_checkin_verify(msg, n, pub, &out, &err), MEDSEC_OK);
    assert_int_equal(out.security_version, 9);
    assert_int_equal(out.slot, slot);
    assert_memory_equal(out.image_digest, digest, 32);
    assert_int_equal(out.install_result, 0);
    assert_memory_equal(out.bundle_digest, bundle, 32);
    assert_int_equal(medsec_checkin_install_state(&out, 9), MEDSEC_INSTALL_SUCCEEDED);
    /* a decommissioned device does not check in */
    unsigned char rec[MSA_DECOM_BYTES];
    assert_int_equal(msa_decommission(&d.a, id, rec, sizeof rec, &n), MSA_OK);
    assert_int_equal(msa_checkin_build(&d.a, id, NULL, "", msg, sizeof msg, &n), MSA_E_STATE);
    dt_close(&d);
    dt_rmdir(tmp);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_every_change),
        cmocka_unit_test(test_strict),
        cmocka_unit_test(test_agent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
