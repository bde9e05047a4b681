/* crypto.c: the host port's crypto backend: SHA-256 and ES256 through OpenSSL 3 (libcrypto),
 * Ed25519 through libsodium. COSE carries ECDSA signatures as raw r || s (RFC 9053, section
 * 2.1); OpenSSL wants DER, so verify converts. */
#define OPENSSL_SUPPRESS_DEPRECATED /* SHA256_CTX: a fixed-size state, no allocation */
#include "posix.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/sha.h>
#include <sodium.h>

_Static_assert(sizeof(SHA256_CTX) <= MSA_SHA256_CTX_BYTES, "MSA_SHA256_CTX_BYTES too small");

static int sha256_init(void *ctx, struct msa_sha256 *h)
{
    (void)ctx;
    return SHA256_Init((SHA256_CTX *)h->u.bytes) == 1 ? 0 : -1;
}

static int sha256_update(void *ctx, struct msa_sha256 *h, const void *data, size_t n)
{
    (void)ctx;
    return SHA256_Update((SHA256_CTX *)h->u.bytes, data, n) == 1 ? 0 : -1;
}

static int sha256_final(void *ctx, struct msa_sha256 *h, unsigned char out[32])
{
    (void)ctx;
    return SHA256_Final(out, (SHA256_CTX *)h->u.bytes) == 1 ? 0 : -1;
}

/* An EVP_PKEY for the uncompressed P-256 point @pub (65 bytes), or NULL. */
static EVP_PKEY *p256_key(const unsigned char *pub, size_t pub_len)
{
    EVP_PKEY_CTX *pc;
    EVP_PKEY *key = NULL;
    OSSL_PARAM params[3];
    char group[] = "prime256v1";

    if (pub_len != 65 || pub[0] != 0x04)
        return NULL;
    pc = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (pc == NULL)
        return NULL;
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)pub, pub_len);
    params[2] = OSSL_PARAM_construct_end();
    if (EVP_PKEY_fromdata_init(pc) != 1 ||
        EVP_PKEY_fromdata(pc, &key, EVP_PKEY_PUBLIC_KEY, params) != 1)
        key = NULL;
    EVP_PKEY_CTX_free(pc);
    return key;
}

static int es256_verify(const unsigned char *pub, size_t pub_len, const void *msg, size_t n,
                        const unsigned char *sig, size_t sig_len)
{
    EVP_PKEY *key;
    EVP_MD_CTX *md = NULL;
    ECDSA_SIG *es = NULL;
    BIGNUM *r = NULL, *s = NULL;
    unsigned char *der = NULL;
    int der_len, rc = -1;

    if (sig_len != 64)
        return -1;
    key = p256_key(pub, pub_len);
    if (key == NULL)
        return -1;
    es = ECDSA_SIG_new();
    r = BN_bin2bn(sig, 32, NULL);
    s = BN_bin2bn(sig + 32, 32, NULL);
    if (es == NULL || r == NULL || s == NULL || ECDSA_SIG_set0(es, r, s) != 1)
        goto out;
    r = s = NULL; /* owned by es now */
    der_len = i2d_ECDSA_SIG(es, &der);
    if (der_len <= 0)
        goto out;
    md = EVP_MD_CTX_new();
    if (md == NULL || EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) != 1)
        goto out;
    if (EVP_DigestVerify(md, der, (size_t)der_len, msg, n) == 1)
        rc = 0;
out:
    EVP_MD_CTX_free(md);
    OPENSSL_free(der);
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(es);
    EVP_PKEY_free(key);
    return rc;
}

static int verify(void *ctx, int alg, const unsigned char *pub, size_t pub_len, const void *msg,
                  size_t n, const unsigned char *sig, size_t sig_len)
{
    (void)ctx;
    if (alg == MSA_ALG_ES256)
        return es256_verify(pub, pub_len, msg, n, sig, sig_len);
    if (alg == MSA_ALG_EDDSA) {
        if (pub_len != crypto_sign_PUBLICKEYBYTES || sig_len != crypto_sign_BYTES ||
            sodium_init() < 0)
            return -1;
        return crypto_sign_verify_detached(sig, (const unsigned char *)msg, n, pub) == 0 ? 0 : -1;
    }
    return -1;
}

void msa_posix_crypto(struct msa_port *port)
{
    port->sha256_init = sha256_init;
    port->sha256_update = sha256_update;
    port->sha256_final = sha256_final;
    port->verify = verify;
}
