/* sign.c: detached Ed25519 signatures of VEX documents with libsodium (medsec/vex_sign.h): key and
 * signature files as one base64 line, parsed with a size cap and checked byte for byte. */
#include <sodium.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/vex_sign.h"

static medsec_err init(struct medsec_error *err)
{
    if (sodium_init() < 0)
        return medsec_error_set(err, MEDSEC_EINTERNAL, NULL, 0, 0, "libsodium failed to start");
    return MEDSEC_OK;
}

/* Decode the first line of @text that is not a comment into exactly @want bytes at @out. */
static medsec_err decode(const char *text, size_t len, const char *name, const char *what,
                         unsigned char *out, size_t want, struct medsec_error *err)
{
    if (len > MEDSEC_VEX_KEY_MAX)
        return medsec_error_set(err, MEDSEC_ETOOBIG, name, 0, 0, "%s file is larger than %d bytes",
                                what, MEDSEC_VEX_KEY_MAX);
    unsigned line = 1;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *stop = eol ? eol : end;
        const char *q = p;
        while (q < stop && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        if (q < stop && *q != '#') {
            const char *e = stop;
            while (e > q && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
                e--;
            size_t got = 0;
            const char *rest = NULL;
            if (sodium_base642bin(out, want, q, (size_t)(e - q), NULL, &got, &rest,
                                  sodium_base64_VARIANT_ORIGINAL) != 0 ||
                got != want || rest != e)
                return medsec_error_set(err, MEDSEC_EPARSE, name, line, (unsigned)(q - p) + 1,
                                        "%s: expected the base64 of %zu bytes", what, want);
            return MEDSEC_OK;
        }
        p = stop + 1;
        line++;
    }
    return medsec_error_set(err, MEDSEC_EPARSE, name, 0, 0, "%s file holds no key or signature",
                            what);
}

/* "[comment]BASE64\n" of @n bytes into a new text. */
static medsec_err encode(const unsigned char *bin, size_t n, const char *comment, char **out,
                         struct medsec_error *err)
{
    size_t b64 = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    size_t clen = comment ? strlen(comment) : 0;
    char *t = medsec_malloc(clen + b64 + 1);
    if (!t)
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    if (comment)
        memcpy(t, comment, clen);
    sodium_bin2base64(t + clen, b64, bin, n, sodium_base64_VARIANT_ORIGINAL);
    size_t l = strlen(t);
    t[l] = '\n';
    t[l + 1] = 0;
    *out = t;
    return MEDSEC_OK;
}

static const char secret_comment[] = "# medsec Ed25519 secret key (base64 of the 32-byte seed): "
                                     "keep it private\n";

medsec_err medsec_vex_keygen(char **secret_text, char **public_text, struct medsec_error *err)
{
    unsigned char seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES],
        sk[crypto_sign_SECRETKEYBYTES];
    medsec_err rc;
    *secret_text = *public_text = NULL;
    if ((rc = init(err)))
        return rc;
    randombytes_buf(seed, sizeof seed);
    crypto_sign_seed_keypair(pk, sk, seed);
    rc = encode(seed, sizeof seed, secret_comment, secret_text, err);
    if (!rc && (rc = encode(pk, sizeof pk, NULL, public_text, err))) {
        sodium_memzero(*secret_text, strlen(*secret_text));
        medsec_free(*secret_text);
        *secret_text = NULL;
    }
    sodium_memzero(seed, sizeof seed);
    sodium_memzero(sk, sizeof sk);
    return rc;
}

/* The key pair of the secret key file text. */
static medsec_err load_secret(const char *key, size_t key_len, const char *key_name,
                              unsigned char pk[crypto_sign_PUBLICKEYBYTES],
                              unsigned char sk[crypto_sign_SECRETKEYBYTES],
                              struct medsec_error *err)
{
    unsigned char seed[crypto_sign_SEEDBYTES];
    medsec_err rc = init(err);
    if (!rc)
        rc = decode(key, key_len, key_name, "secret key", seed, sizeof seed, err);
    if (!rc)
        crypto_sign_seed_keypair(pk, sk, seed);
    sodium_memzero(seed, sizeof seed);
    return rc;
}

medsec_err medsec_vex_key_public(const char *key, size_t key_len, const char *key_name,
                                 char **public_text, struct medsec_error *err)
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    *public_text = NULL;
    medsec_err rc = load_secret(key, key_len, key_name, pk, sk, err);
    if (!rc)
        rc = encode(pk, sizeof pk, NULL, public_text, err);
    sodium_memzero(sk, sizeof sk);
    return rc;
}

medsec_err medsec_vex_sign(const void *data, size_t n, const char *key, size_t key_len,
                           const char *key_name, char **sig_text, struct medsec_error *err)
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES],
        sig[crypto_sign_BYTES];
    *sig_text = NULL;
    medsec_err rc = load_secret(key, key_len, key_name, pk, sk, err);
    if (!rc) {
        crypto_sign_detached(sig, NULL, data, n, sk);
        rc = encode(sig, sizeof sig, NULL, sig_text, err);
    }
    sodium_memzero(sk, sizeof sk);
    return rc;
}

medsec_err medsec_vex_verify(const void *data, size_t n, const char *sig, size_t sig_len,
                             const char *sig_name, const char *pub, size_t pub_len,
                             const char *pub_name, struct medsec_error *err)
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], s[crypto_sign_BYTES];
    medsec_err rc;
    if ((rc = init(err)) ||
        (rc = decode(pub, pub_len, pub_name, "public key", pk, sizeof pk, err)) ||
        (rc = decode(sig, sig_len, sig_name, "signature", s, sizeof s, err)))
        return rc;
    if (crypto_sign_verify_detached(s, data, n, pk) != 0)
        return medsec_error_set(err, MEDSEC_EVERIFY, sig_name, 0, 0,
                                "the signature does not match the document and the public key %s",
                                pub_name ? pub_name : "");
    return MEDSEC_OK;
}
