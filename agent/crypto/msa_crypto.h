/* msa_crypto.h: the agent's own portable crypto (C99, no heap, no library): SHA-256 and SHA-512
 * (FIPS 180-4), Ed25519 signature verification and signing (RFC 8032), and msa_crypto_port, which
 * fills the crypto members of a struct msa_port with them so that a bare-metal port needs no crypto
 * library. Verification handles public data only, so it may take time that depends on its inputs.
 */
#ifndef MSA_CRYPTO_H
#define MSA_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "msa/port.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define MSA_CRYPTO_MUST_CHECK __attribute__((warn_unused_result))
#else
#define MSA_CRYPTO_MUST_CHECK
#endif

/* An incremental SHA-256: init, update any number of times, final (which leaves the state spent).
 */
struct msa_sha256_state {
    uint32_t h[8];
    uint64_t bytes;        /* message bytes hashed so far */
    unsigned char buf[64]; /* a partial block */
};
void msa_sha256_init(struct msa_sha256_state *s);
void msa_sha256_update(struct msa_sha256_state *s, const void *data, size_t n);
void msa_sha256_final(struct msa_sha256_state *s, unsigned char out[32]);
/* SHA-256 of the @n bytes at @data in one call. */
void msa_sha256(const void *data, size_t n, unsigned char out[32]);

/* An incremental SHA-512 (messages shorter than 2^64 bytes). */
struct msa_sha512_state {
    uint64_t h[8];
    uint64_t bytes;
    unsigned char buf[128];
};
void msa_sha512_init(struct msa_sha512_state *s);
void msa_sha512_update(struct msa_sha512_state *s, const void *data, size_t n);
void msa_sha512_final(struct msa_sha512_state *s, unsigned char out[64]);
void msa_sha512(const void *data, size_t n, unsigned char out[64]);

/* Verify the Ed25519 signature @sig (R || S) of the @n bytes at @msg under the public key @pub.
 * 0 when valid; -1 when not, which includes: S not below the group order L, a public key or R
 * that is not a canonical encoding of a curve point, a public key or R of small order (the same
 * rules as libsodium's crypto_sign_verify_detached), and [S]B != R + [k]A with
 * k = SHA-512(R || A || M) mod L. */
MSA_CRYPTO_MUST_CHECK int msa_ed25519_verify(const unsigned char sig[64], const void *msg, size_t n,
                                             const unsigned char pub[32]);

/* Ed25519 signing (RFC 8032 5.1.5 and 5.1.6), for a device that signs with a key it holds (e.g.
 * decommission records) and has no secure element: the public key of the 32-byte secret @seed, and
 * the deterministic signature of the @n bytes at @msg (the message is read twice). The operations
 * and memory accesses do not depend on the seed (no branch, no table lookup on secrets); the
 * secrets are wiped from the stack before returning. */
void msa_ed25519_public(unsigned char pub[32], const unsigned char seed[32]);
void msa_ed25519_sign(unsigned char sig[64], const void *msg, size_t n,
                      const unsigned char seed[32]);

/* Fill @port's sha256_init, sha256_update, sha256_final and verify with the functions above
 * (verify: EdDSA only; ES256 always fails); the other members are left alone. */
void msa_crypto_port(struct msa_port *port);

#ifdef __cplusplus
}
#endif
#endif
