/* crypto.c: the host port's crypto backend: SHA-256 and Ed25519 through libsodium. (ES256 comes
 * with the SUIT verifier's backend.) */
#include <sodium.h>

#include "posix.h"

_Static_assert(sizeof(crypto_hash_sha256_state) <= MSA_SHA256_CTX_BYTES,
               "MSA_SHA256_CTX_BYTES holds a libsodium SHA-256 state");

static int sha_init(void *ctx, struct msa_sha256 *h)
{
    (void)ctx;
    return crypto_hash_sha256_init((crypto_hash_sha256_state *)(void *)h->u.bytes);
}

static int sha_update(void *ctx, struct msa_sha256 *h, const void *data, size_t n)
{
    (void)ctx;
    return crypto_hash_sha256_update((crypto_hash_sha256_state *)(void *)h->u.bytes, data, n);
}

static int sha_final(void *ctx, struct msa_sha256 *h, unsigned char out[32])
{
    (void)ctx;
    return crypto_hash_sha256_final((crypto_hash_sha256_state *)(void *)h->u.bytes, out);
}

static int verify(void *ctx, int alg, const unsigned char *pub, size_t pub_len, const void *msg,
                  size_t n, const unsigned char *sig, size_t sig_len)
{
    (void)ctx;
    if (alg != MSA_ALG_EDDSA || pub_len != crypto_sign_PUBLICKEYBYTES ||
        sig_len != crypto_sign_BYTES)
        return -1;
    return crypto_sign_verify_detached(sig, msg, n, pub);
}

void msa_posix_crypto(struct msa_port *port)
{
    if (sodium_init() < 0)
        return;
    port->sha256_init = sha_init;
    port->sha256_update = sha_update;
    port->sha256_final = sha_final;
    port->verify = verify;
}
