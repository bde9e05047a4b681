/* keys.c: release and root keys. Ed25519 through libsodium, ECDSA P-256 through OpenSSL 3; private
 * key files encrypted at rest under a passphrase (Argon2id, then XSalsa20-Poly1305, both from
 * libsodium); the text formats of docs/release.md, "Key files", read with a size cap, line by line,
 * every value checked. */
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "medsec/alloc.h"
#include "medsec/release.h"

#define SALT_BYTES crypto_pwhash_SALTBYTES
#define NONCE_BYTES crypto_secretbox_NONCEBYTES
#define BOX_BYTES (32 + crypto_secretbox_MACBYTES)

const char *medsec_release_alg_name(int alg)
{
    return alg == MEDSEC_RELEASE_ES256 ? "ES256" : alg == MEDSEC_RELEASE_EDDSA ? "EdDSA" : NULL;
}

bool medsec_release_alg_parse(const char *s, int *alg)
{
    if (!strcasecmp(s, "ES256"))
        *alg = MEDSEC_RELEASE_ES256;
    else if (!strcasecmp(s, "EdDSA") || !strcasecmp(s, "Ed25519"))
        *alg = MEDSEC_RELEASE_EDDSA;
    else
        return false;
    return true;
}

void medsec_release_kdf_default(struct medsec_release_kdf *k)
{
    k->opslimit = crypto_pwhash_argon2id_OPSLIMIT_MODERATE;
    k->memlimit = crypto_pwhash_argon2id_MEMLIMIT_MODERATE;
}

void medsec_release_kdf_test(struct medsec_release_kdf *k)
{
    k->opslimit = crypto_pwhash_argon2id_OPSLIMIT_MIN;
    k->memlimit = crypto_pwhash_argon2id_MEMLIMIT_MIN;
}

static medsec_err start(struct medsec_error *err)
{
    if (sodium_init() < 0)
        return medsec_error_set(err, MEDSEC_EINTERNAL, NULL, 0, 0, "libsodium failed to start");
    return MEDSEC_OK;
}

void medsec_release_key_wipe(struct medsec_release_key *key)
{
    sodium_memzero(key, sizeof *key);
}

medsec_err medsec_release_pub_init(struct medsec_release_pub *pub, int alg, const void *raw,
                                   size_t n, struct medsec_error *err)
{
    size_t want = alg == MEDSEC_RELEASE_ES256 ? 65 : alg == MEDSEC_RELEASE_EDDSA ? 32 : 0;
    if (!want)
        return medsec_error_set(err, MEDSEC_EUNSUPPORTED, NULL, 0, 0,
                                "unknown algorithm %d (ES256 -7 or EdDSA -8)", alg);
    if (n != want || (alg == MEDSEC_RELEASE_ES256 && ((const unsigned char *)raw)[0] != 4))
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "a %s public key is %zu bytes%s, not %zu",
                                medsec_release_alg_name(alg), want,
                                alg == MEDSEC_RELEASE_ES256 ? " (uncompressed point)" : "", n);
    unsigned char h[crypto_hash_sha256_BYTES];
    memset(pub, 0, sizeof *pub);
    pub->alg = alg;
    memcpy(pub->pub, raw, n);
    pub->pub_len = n;
    crypto_hash_sha256(h, raw, n);
    memcpy(pub->kid, h, MEDSEC_RELEASE_KID_BYTES);
    return MEDSEC_OK;
}

/* The uncompressed public point of the P-256 scalar @d; 0 on success. */
static int p256_public(const unsigned char d[32], unsigned char out[65])
{
    int ok = 0;
    EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    EC_POINT *p = g ? EC_POINT_new(g) : NULL;
    BIGNUM *bn = BN_bin2bn(d, 32, NULL);
    BN_CTX *bctx = BN_CTX_new();
    if (g && p && bn && bctx && !BN_is_zero(bn) && BN_cmp(bn, EC_GROUP_get0_order(g)) < 0 &&
        EC_POINT_mul(g, p, bn, NULL, NULL, bctx) &&
        EC_POINT_point2oct(g, p, POINT_CONVERSION_UNCOMPRESSED, out, 65, bctx) == 65)
        ok = 1;
    BN_clear_free(bn);
    BN_CTX_free(bctx);
    EC_POINT_free(p);
    EC_GROUP_free(g);
    return ok ? 0 : -1;
}

/* Fill key->pub from key->secret for @alg; MEDSEC_EINVAL when the secret is no key. */
static medsec_err derive_public(struct medsec_release_key *key, int alg, struct medsec_error *err)
{
    unsigned char pk[65];
    size_t n;
    if (alg == MEDSEC_RELEASE_EDDSA) {
        unsigned char sk[crypto_sign_SECRETKEYBYTES];
        crypto_sign_seed_keypair(pk, sk, key->secret);
        sodium_memzero(sk, sizeof sk);
        n = 32;
    } else if (alg == MEDSEC_RELEASE_ES256) {
        if (p256_public(key->secret, pk))
            return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                    "the secret is not a P-256 private key");
        n = 65;
    } else {
        return medsec_error_set(err, MEDSEC_EUNSUPPORTED, NULL, 0, 0, "unknown algorithm %d", alg);
    }
    return medsec_release_pub_init(&key->pub, alg, pk, n, err);
}

medsec_err medsec_release_keygen(int alg, struct medsec_release_key *key, struct medsec_error *err)
{
    medsec_err rc = start(err);
    if (rc)
        return rc;
    memset(key, 0, sizeof *key);
    /* a P-256 scalar must lie in [1, n-1]: a random one fails with odds of about 2^-32; draw again
     */
    for (int tries = 0; tries < 8; tries++) {
        randombytes_buf(key->secret, sizeof key->secret);
        struct medsec_error ignored;
        if (!(rc = derive_public(key, alg, alg == MEDSEC_RELEASE_ES256 ? &ignored : err)))
            return MEDSEC_OK;
        if (alg != MEDSEC_RELEASE_ES256)
            break;
    }
    medsec_release_key_wipe(key);
    return rc ? rc : medsec_error_set(err, MEDSEC_EINTERNAL, NULL, 0, 0, "no key was made");
}

/* ---- the text formats ---------------------------------------------------------------------- */

static medsec_err add_b64(struct medsec_buf *b, const char *name, const unsigned char *p, size_t n)
{
    char t[256];
    sodium_bin2base64(t, sizeof t, p, n, sodium_base64_VARIANT_ORIGINAL);
    return medsec_buf_addf(b, "%s: %s\n", name, t);
}

static medsec_err add_hex(struct medsec_buf *b, const char *name, const unsigned char *p, size_t n)
{
    char t[2 * 64 + 1];
    sodium_bin2hex(t, sizeof t, p, n);
    return medsec_buf_addf(b, "%s: %s\n", name, t);
}

static medsec_err add_public(struct medsec_buf *b, const struct medsec_release_pub *pub)
{
    medsec_err rc = medsec_buf_addf(b, "alg: %s\n", medsec_release_alg_name(pub->alg));
    if (!rc)
        rc = add_hex(b, "kid", pub->kid, sizeof pub->kid);
    if (!rc)
        rc = add_b64(b, "public", pub->pub, pub->pub_len);
    return rc;
}

static const char secret_head[] =
    "# medsec release private key (docs/release.md): the secret is encrypted under a passphrase\n"
    "# (Argon2id, then XSalsa20-Poly1305). Keep the file and the passphrase apart.\n"
    "medsec-release-private-key: 1\n";
static const char public_head[] = "# medsec release public key (docs/release.md)\n"
                                  "medsec-release-public-key: 1\n";

medsec_err medsec_release_key_format(const struct medsec_release_key *key, const char *pass,
                                     size_t pass_len, const struct medsec_release_kdf *kdf,
                                     char **secret_text, char **public_text,
                                     struct medsec_error *err)
{
    unsigned char salt[SALT_BYTES], nonce[NONCE_BYTES], box[BOX_BYTES], k[32];
    struct medsec_buf s = MEDSEC_BUF_INIT, p = MEDSEC_BUF_INIT;
    medsec_err rc = start(err);
    *secret_text = *public_text = NULL;
    if (rc)
        return rc;
    if (kdf->opslimit < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
        kdf->memlimit < crypto_pwhash_argon2id_MEMLIMIT_MIN)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "Argon2id cost below its minimum");
    randombytes_buf(salt, sizeof salt);
    randombytes_buf(nonce, sizeof nonce);
    if (crypto_pwhash(k, sizeof k, pass, pass_len, salt, kdf->opslimit, kdf->memlimit,
                      crypto_pwhash_ALG_ARGON2ID13) != 0)
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0,
                                "Argon2id failed (it needs %zu bytes of memory)", kdf->memlimit);
    crypto_secretbox_easy(box, key->secret, sizeof key->secret, nonce, k);
    sodium_memzero(k, sizeof k);
    bool test = kdf->opslimit < crypto_pwhash_argon2id_OPSLIMIT_MODERATE ||
                kdf->memlimit < crypto_pwhash_argon2id_MEMLIMIT_MODERATE;
    rc = medsec_buf_adds(&s, secret_head);
    if (!rc)
        rc = add_public(&s, &key->pub);
    if (!rc)
        rc = medsec_buf_addf(&s, "kdf: argon2id\nopslimit: %llu\nmemlimit: %zu\ncost: %s\n",
                             kdf->opslimit, kdf->memlimit,
                             test ? "test (below the default: protects nothing, for tests only)"
                                  : "default");
    if (!rc)
        rc = add_b64(&s, "salt", salt, sizeof salt);
    if (!rc)
        rc = add_b64(&s, "nonce", nonce, sizeof nonce);
    if (!rc)
        rc = add_b64(&s, "secret", box, sizeof box);
    if (!rc)
        rc = medsec_buf_adds(&p, public_head);
    if (!rc)
        rc = add_public(&p, &key->pub);
    if (rc) {
        medsec_buf_release(&s);
        medsec_buf_release(&p);
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    }
    *secret_text = medsec_buf_detach(&s, NULL);
    *public_text = medsec_buf_detach(&p, NULL);
    return MEDSEC_OK;
}

/* The fields of a key file, as read. */
enum {
    F_MAGIC_SEC,
    F_MAGIC_PUB,
    F_ALG,
    F_KID,
    F_PUBLIC,
    F_KDF,
    F_OPS,
    F_MEM,
    F_COST,
    F_SALT,
    F_NONCE,
    F_SECRET,
    F_COUNT
};
static const char *const field_names[F_COUNT] = {"medsec-release-private-key",
                                                 "medsec-release-public-key",
                                                 "alg",
                                                 "kid",
                                                 "public",
                                                 "kdf",
                                                 "opslimit",
                                                 "memlimit",
                                                 "cost",
                                                 "salt",
                                                 "nonce",
                                                 "secret"};

struct fields {
    const char *v[F_COUNT];
    size_t len[F_COUNT];
    unsigned line[F_COUNT];
};

static medsec_err split(const char *text, size_t len, const char *name, struct fields *f,
                        struct medsec_error *err)
{
    memset(f, 0, sizeof *f);
    if (len > MEDSEC_RELEASE_KEYFILE_MAX)
        return medsec_error_set(err, MEDSEC_ETOOBIG, name, 0, 0, "a key file is at most %d bytes",
                                MEDSEC_RELEASE_KEYFILE_MAX);
    unsigned line = 1;
    for (const char *p = text, *end = text + len; p < end; line++) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *stop = eol ? eol : end, *q = p;
        p = eol ? eol + 1 : end;
        if (stop > q && stop[-1] == '\r')
            stop--;
        if (q == stop || *q == '#')
            continue;
        const char *colon = memchr(q, ':', (size_t)(stop - q));
        if (!colon)
            return medsec_error_set(err, MEDSEC_EPARSE, name, line, 1,
                                    "expected 'name: value' (is this a medsec release key file?)");
        size_t klen = (size_t)(colon - q);
        int which = -1;
        for (int i = 0; i < F_COUNT; i++)
            if (strlen(field_names[i]) == klen && !memcmp(field_names[i], q, klen))
                which = i;
        if (which < 0)
            return medsec_error_set(err, MEDSEC_EPARSE, name, line, 1, "unknown field '%.*s'",
                                    (int)(klen > 40 ? 40 : klen), q);
        if (f->v[which])
            return medsec_error_set(err, MEDSEC_EPARSE, name, line, 1,
                                    "'%s' appears twice (first on line %u)", field_names[which],
                                    f->line[which]);
        const char *v = colon + 1;
        while (v < stop && *v == ' ')
            v++;
        f->v[which] = v;
        f->len[which] = (size_t)(stop - v);
        f->line[which] = line;
    }
    return MEDSEC_OK;
}

static medsec_err need(const struct fields *f, int which, const char *name,
                       struct medsec_error *err)
{
    if (!f->v[which])
        return medsec_error_set(err, MEDSEC_EPARSE, name, 0, 0, "the field '%s' is missing",
                                field_names[which]);
    return MEDSEC_OK;
}

static medsec_err b64_field(const struct fields *f, int which, const char *name, unsigned char *out,
                            size_t min, size_t max, size_t *got, struct medsec_error *err)
{
    medsec_err rc = need(f, which, name, err);
    if (rc)
        return rc;
    const char *rest = NULL;
    size_t n = 0;
    if (sodium_base642bin(out, max, f->v[which], f->len[which], NULL, &n, &rest,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        rest != f->v[which] + f->len[which] || n < min)
        return medsec_error_set(err, MEDSEC_EPARSE, name, f->line[which], 1,
                                "'%s' is not the base64 of %zu bytes", field_names[which], min);
    if (got)
        *got = n;
    return MEDSEC_OK;
}

static medsec_err uint_field(const struct fields *f, int which, const char *name,
                             unsigned long long *out, struct medsec_error *err)
{
    medsec_err rc = need(f, which, name, err);
    if (rc)
        return rc;
    char t[24];
    if (!f->len[which] || f->len[which] >= sizeof t)
        return medsec_error_set(err, MEDSEC_EPARSE, name, f->line[which], 1, "'%s' is no number",
                                field_names[which]);
    memcpy(t, f->v[which], f->len[which]);
    t[f->len[which]] = 0;
    char *e;
    *out = strtoull(t, &e, 10);
    if (*e || t[0] < '0' || t[0] > '9')
        return medsec_error_set(err, MEDSEC_EPARSE, name, f->line[which], 1, "'%s' is no number",
                                field_names[which]);
    return MEDSEC_OK;
}

/* The public part (alg, kid, public) of either kind of file, checked against each other. */
static medsec_err read_public(const struct fields *f, const char *name,
                              struct medsec_release_pub *pub, struct medsec_error *err)
{
    medsec_err rc = need(f, F_ALG, name, err);
    if (rc)
        return rc;
    char alg_s[16] = "";
    int alg = 0;
    if (f->len[F_ALG] < sizeof alg_s)
        memcpy(alg_s, f->v[F_ALG], f->len[F_ALG]);
    if (!medsec_release_alg_parse(alg_s, &alg))
        return medsec_error_set(err, MEDSEC_EUNSUPPORTED, name, f->line[F_ALG], 1,
                                "unknown algorithm (ES256 or EdDSA)");
    unsigned char raw[66];
    size_t n = 0;
    if ((rc = b64_field(f, F_PUBLIC, name, raw, 32, sizeof raw, &n, err)))
        return rc;
    if ((rc = medsec_release_pub_init(pub, alg, raw, n, err))) {
        if (err) {
            err->line = f->line[F_PUBLIC];
            snprintf(err->file, sizeof err->file, "%s", name ? name : "");
        }
        return rc;
    }
    if ((rc = need(f, F_KID, name, err)))
        return rc;
    unsigned char kid[MEDSEC_RELEASE_KID_BYTES];
    size_t kl = 0;
    if (sodium_hex2bin(kid, sizeof kid, f->v[F_KID], f->len[F_KID], NULL, &kl, NULL) != 0 ||
        kl != sizeof kid || f->len[F_KID] != 2 * sizeof kid)
        return medsec_error_set(err, MEDSEC_EPARSE, name, f->line[F_KID], 1,
                                "'kid' is not 32 hexadecimal digits");
    if (memcmp(kid, pub->kid, sizeof kid))
        return medsec_error_set(err, MEDSEC_EVERIFY, name, f->line[F_KID], 1,
                                "'kid' is not the key id of 'public' (the file was changed)");
    return MEDSEC_OK;
}

/* A PEM SubjectPublicKeyInfo of a P-256 or Ed25519 key (another tool's public key, such as the SUIT
 * examples' trust anchor), read with OpenSSL. */
static medsec_err pem_public(const char *text, size_t len, const char *name,
                             struct medsec_release_pub *pub, struct medsec_error *err)
{
    BIO *bio = BIO_new_mem_buf(text, (int)len);
    EVP_PKEY *pk = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
    unsigned char raw[66];
    size_t n = 0;
    medsec_err rc = MEDSEC_OK;
    int alg = 0;
    if (!pk)
        rc = medsec_error_set(err, MEDSEC_EPARSE, name, 0, 0, "not a PEM public key");
    else if (EVP_PKEY_is_a(pk, "ED25519"))
        alg = MEDSEC_RELEASE_EDDSA;
    else if (EVP_PKEY_is_a(pk, "EC")) {
        char group[32] = "";
        if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                           NULL) &&
            !strcmp(group, "prime256v1"))
            alg = MEDSEC_RELEASE_ES256;
    }
    if (!rc && !alg)
        rc = medsec_error_set(err, MEDSEC_EUNSUPPORTED, name, 0, 0,
                              "the PEM key is neither P-256 nor Ed25519");
    if (!rc && alg == MEDSEC_RELEASE_ES256 &&
        !EVP_PKEY_set_utf8_string_param(pk, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                        "uncompressed"))
        rc = medsec_error_set(err, MEDSEC_EINTERNAL, name, 0, 0, "OpenSSL failed on the key");
    if (!rc && !EVP_PKEY_get_octet_string_param(pk, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, raw,
                                                sizeof raw, &n))
        rc = medsec_error_set(err, MEDSEC_EINTERNAL, name, 0, 0, "OpenSSL failed on the key");
    if (!rc)
        rc = medsec_release_pub_init(pub, alg, raw, n, err);
    EVP_PKEY_free(pk);
    BIO_free(bio);
    return rc;
}

medsec_err medsec_release_pub_read(const char *text, size_t len, const char *name,
                                   struct medsec_release_pub *pub, struct medsec_error *err)
{
    struct fields f;
    medsec_err rc = start(err);
    if (rc)
        return rc;
    if (len > MEDSEC_RELEASE_KEYFILE_MAX)
        return medsec_error_set(err, MEDSEC_ETOOBIG, name, 0, 0, "a key file is at most %d bytes",
                                MEDSEC_RELEASE_KEYFILE_MAX);
    static const char pem[] = "-----BEGIN PUBLIC KEY-----";
    for (size_t i = 0; i + sizeof pem - 1 <= len; i++)
        if (!memcmp(text + i, pem, sizeof pem - 1))
            return pem_public(text, len, name, pub, err);
    if (len >= 10 && !memcmp(text, "-----BEGIN", 10))
        return medsec_error_set(err, MEDSEC_EINVAL, name, 1, 1,
                                "a PEM file without a public key (a private key? give the public "
                                "one)");
    rc = split(text, len, name, &f, err);
    if (rc)
        return rc;
    if (!f.v[F_MAGIC_PUB] && !f.v[F_MAGIC_SEC])
        return medsec_error_set(
            err, MEDSEC_EPARSE, name, 0, 0,
            "not a medsec release key file (no 'medsec-release-public-key: 1')");
    return read_public(&f, name, pub, err);
}

medsec_err medsec_release_key_read(const char *text, size_t len, const char *name, const char *pass,
                                   size_t pass_len, struct medsec_release_key *key,
                                   struct medsec_error *err)
{
    struct fields f;
    struct medsec_release_pub pub;
    unsigned char salt[SALT_BYTES], nonce[NONCE_BYTES], box[BOX_BYTES], k[32];
    unsigned long long ops = 0, mem = 0;
    memset(key, 0, sizeof *key);
    medsec_err rc = start(err);
    if (!rc)
        rc = split(text, len, name, &f, err);
    if (rc)
        return rc;
    if (!f.v[F_MAGIC_SEC])
        return medsec_error_set(err, MEDSEC_EINVAL, name, 0, 0,
                                f.v[F_MAGIC_PUB] ? "this is a public key file; signing needs the "
                                                   "private key file"
                                                 : "not a medsec release private key file");
    if ((rc = read_public(&f, name, &pub, err)) || (rc = need(&f, F_KDF, name, err)))
        return rc;
    if (f.len[F_KDF] != 8 || memcmp(f.v[F_KDF], "argon2id", 8))
        return medsec_error_set(err, MEDSEC_EUNSUPPORTED, name, f.line[F_KDF], 1,
                                "unknown kdf (argon2id)");
    if ((rc = uint_field(&f, F_OPS, name, &ops, err)) ||
        (rc = uint_field(&f, F_MEM, name, &mem, err)))
        return rc;
    /* bounds, so that a changed file cannot make us spend unbounded time or memory */
    if (ops < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
        ops > crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE)
        return medsec_error_set(err, MEDSEC_EINVAL, name, f.line[F_OPS], 1,
                                "opslimit outside %llu..%llu",
                                (unsigned long long)crypto_pwhash_argon2id_OPSLIMIT_MIN,
                                (unsigned long long)crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE);
    if (mem < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
        mem > crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE)
        return medsec_error_set(err, MEDSEC_EINVAL, name, f.line[F_MEM], 1,
                                "memlimit outside %llu..%llu bytes",
                                (unsigned long long)crypto_pwhash_argon2id_MEMLIMIT_MIN,
                                (unsigned long long)crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE);
    if ((rc = b64_field(&f, F_SALT, name, salt, sizeof salt, sizeof salt, NULL, err)) ||
        (rc = b64_field(&f, F_NONCE, name, nonce, sizeof nonce, sizeof nonce, NULL, err)) ||
        (rc = b64_field(&f, F_SECRET, name, box, sizeof box, sizeof box, NULL, err)))
        return rc;
    if (crypto_pwhash(k, sizeof k, pass, pass_len, salt, ops, (size_t)mem,
                      crypto_pwhash_ALG_ARGON2ID13) != 0)
        return medsec_error_set(err, MEDSEC_ENOMEM, name, 0, 0,
                                "Argon2id failed (it needs %llu bytes of memory)", mem);
    int bad = crypto_secretbox_open_easy(key->secret, box, sizeof box, nonce, k);
    sodium_memzero(k, sizeof k);
    if (bad) {
        medsec_release_key_wipe(key);
        return medsec_error_set(err, MEDSEC_EVERIFY, name, 0, 0,
                                "wrong passphrase, or the encrypted secret was changed");
    }
    if ((rc = derive_public(key, pub.alg, err)) || key->pub.pub_len != pub.pub_len ||
        memcmp(key->pub.pub, pub.pub, pub.pub_len) ||
        memcmp(key->pub.kid, pub.kid, sizeof pub.kid)) {
        medsec_release_key_wipe(key);
        return rc ? rc
                  : medsec_error_set(err, MEDSEC_EVERIFY, name, f.line[F_PUBLIC], 1,
                                     "the secret does not belong to the file's public key");
    }
    return MEDSEC_OK;
}

/* ---- signing -------------------------------------------------------------------------------- */

/* An EVP_PKEY of the P-256 key pair @key (NULL on failure). */
static EVP_PKEY *p256_pkey(const struct medsec_release_key *key)
{
    EVP_PKEY *pk = NULL;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    BIGNUM *d = BN_secure_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (bld && d && c && BN_bin2bn(key->secret, 32, d) &&
        OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d) &&
        OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, key->pub.pub, 65) &&
        (params = OSSL_PARAM_BLD_to_param(bld)) && EVP_PKEY_fromdata_init(c) > 0 &&
        EVP_PKEY_fromdata(c, &pk, EVP_PKEY_KEYPAIR, params) <= 0)
        pk = NULL;
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_clear_free(d);
    EVP_PKEY_CTX_free(c);
    return pk;
}

static medsec_err es256_sign(const struct medsec_release_key *key, const void *msg, size_t n,
                             unsigned char sig[64], struct medsec_error *err)
{
    EVP_PKEY *pk = p256_pkey(key);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char der[80];
    size_t dlen = sizeof der;
    ECDSA_SIG *es = NULL;
    int ok = pk && md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, pk) > 0 &&
             EVP_DigestSign(md, der, &dlen, msg, n) > 0;
    if (ok) {
        const unsigned char *p = der;
        es = d2i_ECDSA_SIG(NULL, &p, (long)dlen);
        const BIGNUM *r = NULL, *s = NULL;
        if (es)
            ECDSA_SIG_get0(es, &r, &s);
        ok = es && BN_bn2binpad(r, sig, 32) == 32 && BN_bn2binpad(s, sig + 32, 32) == 32;
    }
    ECDSA_SIG_free(es);
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(pk);
    if (!ok)
        return medsec_error_set(err, MEDSEC_EINTERNAL, NULL, 0, 0, "OpenSSL failed to sign");
    return MEDSEC_OK;
}

medsec_err medsec_release_sign_raw(const struct medsec_release_key *key, const void *msg, size_t n,
                                   unsigned char sig[64], struct medsec_error *err)
{
    medsec_err rc = start(err);
    if (rc)
        return rc;
    if (key->pub.alg == MEDSEC_RELEASE_ES256)
        return es256_sign(key, msg, n, sig, err);
    if (key->pub.alg != MEDSEC_RELEASE_EDDSA)
        return medsec_error_set(err, MEDSEC_EUNSUPPORTED, NULL, 0, 0, "unknown algorithm %d",
                                key->pub.alg);
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_seed_keypair(pk, sk, key->secret);
    crypto_sign_detached(sig, NULL, msg, n, sk);
    sodium_memzero(sk, sizeof sk);
    return MEDSEC_OK;
}
