/* test_trust.c: trust anchors, certificates and revocation lists built here (a tiny CBOR writer,
 * Ed25519 keys from libsodium) against msa_trust_decode, msa_cert_verify, msa_revocation_apply
 * and msa_trust_check: each malformed or out-of-policy input gives its documented error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "msa/cose.h"
#include "msa/trust.h"
#include "posix.h"

/* a bounded CBOR writer */
struct w {
    unsigned char b[1024];
    size_t n;
};

static void head(struct w *w, unsigned major, uint64_t v)
{
    unsigned char m = (unsigned char)(major << 5);
    assert_true(w->n + 9 <= sizeof w->b);
    if (v < 24) {
        w->b[w->n++] = (unsigned char)(m | v);
    } else if (v <= 0xff) {
        w->b[w->n++] = m | 24;
        w->b[w->n++] = (unsigned char)v;
    } else if (v <= 0xffff) {
        w->b[w->n++] = m | 25;
        w->b[w->n++] = (unsigned char)(v >> 8);
        w->b[w->n++] = (unsigned char)v;
    } else {
        int i;
        w->b[w->n++] = m | 27;
        for (i = 7; i >= 0; i--)
            w->b[w->n++] = (unsigned char)(v >> (8 * i));
    }
}

static void num(struct w *w, int64_t v)
{
    if (v >= 0)
        head(w, 0, (uint64_t)v);
    else
        head(w, 1, (uint64_t)(-1 - v));
}

static void bytes(struct w *w, const void *p, size_t n)
{
    head(w, 2, n);
    assert_true(w->n + n <= sizeof w->b);
    memcpy(w->b + w->n, p, n);
    w->n += n;
}

static struct msa_port port;
static unsigned char root_pk[32], root_sk[64], rel_pk[32], rel_sk[64], other_pk[32], other_sk[64];
static unsigned char vendor[16] = {0xcf, 0xbf, 0xf0, 0xd1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
static uint64_t clock_now;

static uint64_t now(void *ctx)
{
    (void)ctx;
    return clock_now;
}

static void kid(const unsigned char *pk, size_t n, unsigned char out[16])
{
    assert_int_equal(msa_trust_kid(&port, pk, n, out), MSA_OK);
}

/* anchor {1: k, 2: [{1: -8, 2: pk}...], 3: vendor} */
static void anchor(struct w *w, uint64_t k, const unsigned char (*pks)[32], unsigned n)
{
    unsigned i;
    w->n = 0;
    head(w, 5, 3);
    num(w, 1);
    num(w, (int64_t)k);
    num(w, 2);
    head(w, 4, n);
    for (i = 0; i < n; i++) {
        head(w, 5, 2);
        num(w, 1);
        num(w, MSA_ALG_EDDSA);
        num(w, 2);
        bytes(w, pks[i], 32);
    }
    num(w, 3);
    bytes(w, vendor, 16);
}

/* COSE_Sign1 (tag 18) by @sk with kid of @pk over @payload (attached) */
static void sign1(struct w *out, const unsigned char *sk, const unsigned char *pk,
                  const struct w *payload)
{
    struct w prot = {{0}, 0}, tbs = {{0}, 0};
    unsigned char k[16], sig[64];
    kid(pk, 32, k);
    head(&prot, 5, 2);
    num(&prot, 1);
    num(&prot, MSA_ALG_EDDSA);
    num(&prot, 4);
    bytes(&prot, k, 16);
    head(&tbs, 4, 4);
    head(&tbs, 3, 10);
    memcpy(tbs.b + tbs.n, "Signature1", 10);
    tbs.n += 10;
    bytes(&tbs, prot.b, prot.n);
    bytes(&tbs, "", 0);
    bytes(&tbs, payload->b, payload->n);
    crypto_sign_detached(sig, NULL, tbs.b, tbs.n, sk);
    out->n = 0;
    head(out, 6, 18);
    head(out, 4, 4);
    bytes(out, prot.b, prot.n);
    head(out, 5, 0);
    bytes(out, payload->b, payload->n);
    bytes(out, sig, 64);
}

/* a certificate of @pk by the root; @drop leaves out member @drop (0: none) */
static void cert(struct w *out, const unsigned char *pk, uint64_t nbf, uint64_t naf,
                 uint64_t purposes, const unsigned char *vend, int drop)
{
    struct w p = {{0}, 0};
    unsigned char k[16];
    kid(pk, 32, k);
    head(&p, 5, drop ? 7 : 8);
    if (drop != 1) {
        num(&p, 1);
        bytes(&p, k, 16);
    }
    num(&p, 2);
    num(&p, MSA_ALG_EDDSA);
    num(&p, 3);
    bytes(&p, pk, 32);
    num(&p, 4);
    num(&p, (int64_t)nbf);
    num(&p, 5);
    num(&p, (int64_t)naf);
    num(&p, 6);
    num(&p, (int64_t)purposes);
    num(&p, 7);
    bytes(&p, vend, 16);
    if (drop != 8) {
        num(&p, 8);
        num(&p, 42);
    }
    sign1(out, root_sk, root_pk, &p);
}

static int setup(void **state)
{
    (void)state;
    assert_true(sodium_init() >= 0);
    crypto_sign_keypair(root_pk, root_sk);
    crypto_sign_keypair(rel_pk, rel_sk);
    crypto_sign_keypair(other_pk, other_sk);
    memset(&port, 0, sizeof port);
    msa_posix_crypto(&port);
    port.now = now;
    return 0;
}

static void test_anchor(void **state)
{
    struct w w;
    struct msa_trust t;
    unsigned char pks[5][32], k[16];
    size_t cut;
    (void)state;
    memcpy(pks[0], root_pk, 32);
    memcpy(pks[1], other_pk, 32);
    anchor(&w, 1, pks, 2);
    assert_int_equal(msa_trust_decode(&port, w.b, w.n, &t), MSA_OK);
    assert_int_equal(t.k, 1);
    assert_int_equal(t.n, 2);
    assert_true(t.has_vendor && !t.has_class);
    kid(root_pk, 32, k);
    assert_memory_equal(t.roots[0].kid, k, 16);
    for (cut = 0; cut < w.n; cut++)
        assert_int_equal(msa_trust_decode(&port, w.b, cut, &t), MSA_E_TRUNCATED);
    w.b[w.n++] = 0;
    assert_int_equal(msa_trust_decode(&port, w.b, w.n, &t), MSA_E_CBOR);
    anchor(&w, 0, pks, 2);
    assert_int_equal(msa_trust_decode(&port, w.b, w.n, &t), MSA_E_BAD_KEY);
    anchor(&w, 3, pks, 2);
    assert_int_equal(msa_trust_decode(&port, w.b, w.n, &t), MSA_E_BAD_KEY);
    memcpy(pks[1], root_pk, 32); /* one root twice */
    anchor(&w, 2, pks, 2);
    assert_int_equal(msa_trust_decode(&port, w.b, w.n, &t), MSA_E_BAD_KEY);
    memset(pks, 7, sizeof pks);
    pks[1][0] = pks[2][0] = pks[3][0] = pks[4][0] = 0;
    pks[2][1] = 1;
    pks[3][1] = 2;
    pks[4][1] = 3;
    anchor(&w, 1, (const unsigned char(*)[32])pks, 5);
    assert_int_equal(msa_trust_decode(&port, w.b, w.n, &t), MSA_E_LIMIT);
}

static void test_cert(void **state)
{
    struct w w, a;
    struct msa_trust t;
    struct msa_cert c;
    struct msa_revoked rev;
    unsigned char scratch[MSA_SIG_STRUCTURE_MAX], k[16];
    unsigned char pks[1][32];
    static const unsigned char other_vendor[16] = {9};
    (void)state;
    memcpy(pks[0], root_pk, 32);
    anchor(&a, 1, (const unsigned char(*)[32])pks, 1);
    assert_int_equal(msa_trust_decode(&port, a.b, a.n, &t), MSA_OK);

    clock_now = 1500;
    cert(&w, rel_pk, 1000, 2000, MSA_PURPOSE_RELEASE, vendor, 0);
    assert_int_equal(msa_cert_verify(&port, &t, NULL, w.b, w.n, MSA_PURPOSE_RELEASE, &c, scratch,
                                     sizeof scratch),
                     MSA_OK);
    kid(rel_pk, 32, k);
    assert_memory_equal(c.kid, k, 16);
    assert_int_equal(c.serial, 42);
    assert_int_equal(msa_cert_verify(&port, &t, NULL, w.b, w.n, MSA_PURPOSE_REVOCATION, &c, scratch,
                                     sizeof scratch),
                     MSA_E_KEY_PURPOSE);
    clock_now = 2001;
    assert_int_equal(msa_cert_verify(&port, &t, NULL, w.b, w.n, MSA_PURPOSE_RELEASE, &c, scratch,
                                     sizeof scratch),
                     MSA_E_KEY_EXPIRED);
    clock_now = 0; /* no trusted time: validity not checked */
    assert_int_equal(msa_cert_verify(&port, &t, NULL, w.b, w.n, MSA_PURPOSE_RELEASE, &c, scratch,
                                     sizeof scratch),
                     MSA_OK);
    memset(&rev, 0, sizeof rev);
    rev.n = 1;
    memcpy(rev.kid[0], k, 16);
    assert_int_equal(msa_cert_verify(&port, &t, &rev, w.b, w.n, MSA_PURPOSE_RELEASE, &c, scratch,
                                     sizeof scratch),
                     MSA_E_KEY_REVOKED);
    /* a flipped signature byte, a missing member, another vendor, a tiny scratch buffer */
    w.b[w.n - 1] ^= 1;
    assert_int_equal(msa_cert_verify(&port, &t, NULL, w.b, w.n, MSA_PURPOSE_RELEASE, &c, scratch,
                                     sizeof scratch),
                     MSA_E_SIGNATURE);
    cert(&w, rel_pk, 0, 10, 1, vendor, 8);
    assert_int_equal(msa_cert_verify(&port, &t, NULL, w.b, w.n, 1, &c, scratch, sizeof scratch),
                     MSA_E_BAD_KEY);
    cert(&w, rel_pk, 0, 10, 1, other_vendor, 0);
    assert_int_equal(msa_cert_verify(&port, &t, NULL, w.b, w.n, 1, &c, scratch, sizeof scratch),
                     MSA_E_VENDOR);
    assert_int_equal(msa_cert_verify(&port, &t, NULL, w.b, w.n, 1, &c, scratch, 40), MSA_E_LIMIT);
}

static void test_revocation(void **state)
{
    struct w a, p, rl;
    struct msa_trust t;
    struct msa_revoked rev;
    unsigned char scratch[MSA_SIG_STRUCTURE_MAX], k[16];
    unsigned char pks[1][32];
    (void)state;
    memcpy(pks[0], root_pk, 32);
    anchor(&a, 1, (const unsigned char(*)[32])pks, 1);
    assert_int_equal(msa_trust_decode(&port, a.b, a.n, &t), MSA_OK);
    kid(rel_pk, 32, k);
    /* list 5 revoking the release key */
    p.n = 0;
    head(&p, 5, 3);
    num(&p, 1);
    num(&p, 5);
    num(&p, 2);
    num(&p, 1700000000);
    num(&p, 3);
    head(&p, 4, 1);
    bytes(&p, k, 16);
    sign1(&rl, root_sk, root_pk, &p);
    memset(&rev, 0, sizeof rev);
    rev.number = 4;
    assert_int_equal(
        msa_revocation_apply(&port, &t, rl.b, rl.n, NULL, NULL, 0, &rev, scratch, sizeof scratch),
        MSA_OK);
    assert_int_equal(rev.number, 5);
    assert_int_equal(rev.n, 1);
    assert_true(msa_revoked_has(&rev, k));
    /* an equal or older list changes nothing */
    rev.number = 6;
    rev.n = 0;
    assert_int_equal(
        msa_revocation_apply(&port, &t, rl.b, rl.n, NULL, NULL, 0, &rev, scratch, sizeof scratch),
        MSA_OK);
    assert_int_equal(rev.n, 0);
    /* signed by a key the anchor does not know */
    sign1(&rl, other_sk, other_pk, &p);
    assert_int_equal(
        msa_revocation_apply(&port, &t, rl.b, rl.n, NULL, NULL, 0, &rev, scratch, sizeof scratch),
        MSA_E_KEY_UNKNOWN);
}

/* k of n over a detached payload */
static void test_threshold(void **state)
{
    struct w a, p, s1, s2, c;
    struct msa_trust t;
    struct msa_cose_sign1 sigs[2];
    unsigned char scratch[MSA_SIG_STRUCTURE_MAX];
    unsigned char pks[2][32];
    const unsigned char *certs[1];
    size_t cert_lens[1];
    (void)state;
    memcpy(pks[0], root_pk, 32);
    memcpy(pks[1], other_pk, 32);
    anchor(&a, 2, (const unsigned char(*)[32])pks, 2);
    assert_int_equal(msa_trust_decode(&port, a.b, a.n, &t), MSA_OK);
    p.n = 0;
    bytes(&p, "digest", 6);
    sign1(&s1, root_sk, root_pk, &p);
    sign1(&s2, other_sk, other_pk, &p);
    assert_int_equal(msa_cose_sign1_decode(s1.b, s1.n, &sigs[0]), MSA_OK);
    assert_int_equal(msa_cose_sign1_decode(s2.b, s2.n, &sigs[1]), MSA_OK);
    /* the attached payload is what was signed; check as detached */
    assert_int_equal(msa_trust_check(&port, &t, NULL, sigs, 2, p.b, p.n, NULL, NULL, 0, 1, scratch,
                                     sizeof scratch),
                     MSA_OK);
    assert_int_equal(msa_trust_check(&port, &t, NULL, sigs, 1, p.b, p.n, NULL, NULL, 0, 1, scratch,
                                     sizeof scratch),
                     MSA_E_THRESHOLD);
    sigs[1] = sigs[0]; /* the same root twice counts once */
    assert_int_equal(msa_trust_check(&port, &t, NULL, sigs, 2, p.b, p.n, NULL, NULL, 0, 1, scratch,
                                     sizeof scratch),
                     MSA_E_THRESHOLD);
    /* a release key certified by the first root also counts for the first root only */
    clock_now = 0;
    cert(&c, rel_pk, 0, 10, MSA_PURPOSE_RELEASE, vendor, 0);
    sign1(&s2, rel_sk, rel_pk, &p);
    assert_int_equal(msa_cose_sign1_decode(s2.b, s2.n, &sigs[1]), MSA_OK);
    certs[0] = c.b;
    cert_lens[0] = c.n;
    assert_int_equal(msa_trust_check(&port, &t, NULL, sigs, 2, p.b, p.n, certs, cert_lens, 1, 1,
                                     scratch, sizeof scratch),
                     MSA_E_THRESHOLD);
    /* a wrong payload: the signature fails, and says so */
    assert_int_equal(msa_trust_check(&port, &t, NULL, sigs, 1, "x", 1, NULL, NULL, 0, 1, scratch,
                                     sizeof scratch),
                     MSA_E_SIGNATURE);
    /* a signer nobody knows */
    sign1(&s2, other_sk, rel_pk, &p); /* kid of rel, no certificate given */
    assert_int_equal(msa_cose_sign1_decode(s2.b, s2.n, &sigs[0]), MSA_OK);
    assert_int_equal(msa_trust_check(&port, &t, NULL, sigs, 1, p.b, p.n, NULL, NULL, 0, 1, scratch,
                                     sizeof scratch),
                     MSA_E_KEY_UNKNOWN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_anchor),
        cmocka_unit_test(test_cert),
        cmocka_unit_test(test_revocation),
        cmocka_unit_test(test_threshold),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
