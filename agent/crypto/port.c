/* port.c: msa_crypto_port, the agent's own crypto as the crypto backend of a struct msa_port. */
#include "msa_crypto.h"

/* the port's opaque hash state must hold ours */
typedef char
    msa_sha256_state_fits[sizeof(struct msa_sha256_state) <= MSA_SHA256_CTX_BYTES ? 1 : -1];

static struct msa_sha256_state *state_of(struct msa_sha256 *h)
{
    return (struct msa_sha256_state *)(void *)h->u.bytes;
}

static int port_sha256_init(void *ctx, struct msa_sha256 *h)
{
    (void)ctx;
    msa_sha256_init(state_of(h));
    return 0;
}

static int port_sha256_update(void *ctx, struct msa_sha256 *h, const void *data, size_t n)
{
    (void)ctx;
    msa_sha256_update(state_of(h), data, n);
    return 0;
}

static int port_sha256_final(void *ctx, struct msa_sha256 *h, unsigned char out[32])
{
    (void)ctx;
    msa_sha256_final(state_of(h), out);
    return 0;
}

/* EdDSA (Ed25519) only: ES256 and anything else fail */
static int port_verify(void *ctx, int alg, const unsigned char *pub, size_t pub_len,
                       const void *msg, size_t n, const unsigned char *sig, size_t sig_len)
{
    (void)ctx;
    if (alg != MSA_ALG_EDDSA || pub == NULL || sig == NULL || pub_len != 32 || sig_len != 64)
        return 1;
    if (msg == NULL && n > 0)
        return 1;
    return msa_ed25519_verify(sig, msg, n, pub) == 0 ? 0 : 1;
}

void msa_crypto_port(struct msa_port *port)
{
    port->sha256_init = port_sha256_init;
    port->sha256_update = port_sha256_update;
    port->sha256_final = port_sha256_final;
    port->verify = port_verify;
}
