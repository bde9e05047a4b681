/* fuzz_suit.c: libFuzzer harness for the agent's SUIT reading: the CBOR reader, COSE_Sign1, the
 * trust anchor and certificate decoders, the envelope and manifest interpreter (run on the
 * manifest whatever its signature, so mutations reach it), and the streaming verifier fed in chunks
 * of random sizes. Checks: the stream gives the same result and plan fed in one piece as in random
 * chunks, and a bundle the stream accepts is accepted by msa_suit_verify too. The trusted key is
 * the P-256 key of the SUIT examples, so seeds from ../shared/data/vectors/suit authenticate. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msa/cbor.h"
#include "msa/cose.h"
#include "msa/stream.h"
#include "msa/suit.h"
#include "msa/trust.h"
#include "posix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the public key of ../shared/data/vectors/suit/key/trust_anchor_secp256r1_pub.der */
static const unsigned char example_key[65] = {
    0x04, 0x84, 0x96, 0x81, 0x1a, 0xae, 0x0b, 0xaa, 0xab, 0xd2, 0x61, 0x57, 0x18,
    0x9e, 0xec, 0xda, 0x26, 0xbe, 0xaa, 0x8b, 0xf1, 0x1b, 0x6f, 0x3f, 0xe6, 0xe2,
    0xb5, 0x65, 0x9c, 0x85, 0xdb, 0xc0, 0xad, 0x3b, 0x1f, 0x2a, 0x4b, 0x6c, 0x09,
    0x81, 0x31, 0xc0, 0xa3, 0x6d, 0xac, 0xd1, 0xd7, 0x8b, 0xd3, 0x81, 0xdc, 0xdf,
    0xb0, 0x9c, 0x05, 0x2d, 0xb3, 0x39, 0x91, 0xdb, 0x73, 0x38, 0xb4, 0xa8, 0x96};

static uint64_t sunk;

static int sink(void *arg, unsigned component, uint64_t offset, const unsigned char *bytes,
                size_t n)
{
    (void)arg;
    (void)component;
    (void)offset;
    if (n > 0 && bytes == NULL)
        abort();
    sunk += n;
    return 0;
}

/* Stream @data; chunk sizes from @seed (0: one piece). */
static msa_err stream(const struct msa_port *port, const struct msa_trust *t, const uint8_t *data,
                      size_t size, unsigned seed, struct msa_stream *s, unsigned char *buf)
{
    struct msa_stream_config cfg;
    size_t off = 0;
    msa_err e;

    memset(&cfg, 0, sizeof cfg);
    cfg.port = port;
    cfg.trust = t;
    cfg.sink = sink;
    cfg.any_sequence = 1;
    e = msa_stream_init(s, &cfg, buf, MSA_MANIFEST_MAX);
    while (e == MSA_OK && off < size) {
        size_t n = size - off;
        if (seed != 0) {
            seed = seed * 1103515245u + 12345u;
            n = 1 + (seed >> 16) % 97;
            if (n > size - off)
                n = size - off;
        }
        e = msa_stream_feed(s, data + off, n);
        off += n;
    }
    if (e == MSA_OK)
        e = msa_stream_finish(s);
    return e;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct msa_stream s1, s2;
    static struct msa_suit_envelope env;
    static struct msa_suit_plan plan;
    static unsigned char buf1[MSA_MANIFEST_MAX], buf2[MSA_MANIFEST_MAX];
    unsigned char scratch[MSA_SIG_STRUCTURE_MAX];
    struct msa_port port;
    struct msa_trust t, parsed;
    struct msa_cose_sign1 cs;
    struct msa_cert cert;
    struct msa_revoked rev;
    msa_err e1, e2;
    unsigned seed;

    if (size < 1)
        return 0;
    seed = data[0] | 1u;
    data++;
    size--;

    memset(&port, 0, sizeof port);
    msa_posix_crypto(&port);
    if (msa_trust_single(&port, &t, MSA_ALG_ES256, example_key, sizeof example_key) != MSA_OK)
        abort();

    /* the decoders on the raw bytes */
    (void)msa_cbor_wellformed(data, size);
    (void)msa_trust_decode(&port, data, size, &parsed);
    (void)msa_cose_sign1_decode(data, size, &cs);
    (void)msa_cert_verify(&port, &t, NULL, data, size, MSA_PURPOSE_RELEASE, &cert, scratch,
                          sizeof scratch);
    memset(&rev, 0, sizeof rev);
    (void)msa_revocation_apply(&port, &t, data, size, NULL, NULL, 0, &rev, scratch, sizeof scratch);

    /* the manifest interpreter, on the envelope's manifest and on the bytes as a manifest */
    if (msa_suit_envelope_decode(data, size, &env) == MSA_OK)
        (void)msa_suit_manifest_decode(&port, &env, &plan);
    memset(&env, 0, sizeof env);
    env.manifest.ptr = data;
    env.manifest.len = size;
    (void)msa_suit_manifest_decode(&port, &env, &plan);

    /* the stream: one piece and random chunks agree */
    sunk = 0;
    e1 = stream(&port, &t, data, size, 0, &s1, buf1);
    e2 = stream(&port, &t, data, size, seed, &s2, buf2);
    if (e1 != e2)
        abort();
    if (e1 == MSA_OK) {
        const struct msa_suit_plan *p1 = msa_stream_plan(&s1), *p2 = msa_stream_plan(&s2);
        if (p1 == NULL || p2 == NULL || p1->sequence != p2->sequence ||
            p1->ncomponents != p2->ncomponents || p1->ncommands != p2->ncommands ||
            msa_stream_verified(&s1) != msa_stream_verified(&s2))
            abort();
        /* what the stream accepts, the one-call verifier accepts */
        if (msa_suit_verify(&port, &t, NULL, data, size, NULL, NULL, p1->sequence - 1, &env,
                            &plan) != MSA_OK &&
            p1->sequence > 0)
            abort();
    }
    return 0;
}
