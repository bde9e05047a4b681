/* msa/cose.h: COSE_Sign1 (RFC 9052, section 4.2) as the agent reads it: decode the structure,
 * build its Sig_structure (section 4.4) into a bounded caller buffer, verify the signature through
 * the port's crypto backend. Supported algorithms (RFC 9053): ES256 (-7) and its fully specified
 * twin ESP256 (-9, ECDSA P-256 with SHA-256, used by the SUIT examples), EdDSA (-8) and Ed25519
 * (-19). Signatures are the raw 64 bytes of RFC 9053 (ES256: r || s). */
#ifndef MSA_COSE_H
#define MSA_COSE_H

#include "msa/msa.h"
#include "msa/port.h"

#ifdef __cplusplus
extern "C" {
#endif

/* the COSE tag of COSE_Sign1 */
#define MSA_COSE_SIGN1_TAG 18
/* fully specified algorithm numbers the agent also accepts (same computation as -7 and -8) */
#define MSA_ALG_ESP256 (-9)
#define MSA_ALG_ED25519 (-19)
/* length of every key id (first bytes of SHA-256 of the raw public key) */
#define MSA_KID_BYTES 16
/* largest Sig_structure the agent builds (protected header + payload + 24); certificates carry
 * their payload, so this bounds a certificate too */
#ifndef MSA_SIG_STRUCTURE_MAX
#define MSA_SIG_STRUCTURE_MAX 512
#endif

/* A decoded COSE_Sign1; every pointer points into the decoded buffer. */
struct msa_cose_sign1 {
    const unsigned char *protected_hdr; /* the protected header bstr's content */
    size_t protected_len;
    int64_t alg;              /* protected 1 (alg) */
    const unsigned char *kid; /* protected 4, or unprotected 4 as a hint; NULL when absent */
    size_t kid_len;
    const unsigned char *payload; /* NULL when detached (nil) */
    size_t payload_len;
    const unsigned char *sig;
    size_t sig_len;
};

/* Decode the COSE_Sign1 in the @n bytes at @buf (tag 18 optional; nothing may follow it).
 * MSA_E_CBOR / MSA_E_TRUNCATED for bad bytes, MSA_E_STRUCTURE when alg is missing or a header
 * label repeats, MSA_E_UNSUPPORTED for critical headers or a text alg. */
msa_err msa_cose_sign1_decode(const void *buf, size_t n, struct msa_cose_sign1 *s);

/* Write the Sig_structure ["Signature1", protected, h'' (external_aad), payload] into @out
 * (capacity @cap) and set *@len. @payload / @payload_len are the detached payload; pass NULL to
 * use the attached one. MSA_E_LIMIT when it does not fit. */
msa_err msa_cose_sig_structure(const struct msa_cose_sign1 *s, const void *payload,
                               size_t payload_len, unsigned char *out, size_t cap, size_t *len);

/* The port algorithm (MSA_ALG_ES256 or MSA_ALG_EDDSA) that verifies COSE algorithm @alg, or 0 when
 * the agent does not support it. */
int msa_cose_port_alg(int64_t alg);

/* Verify @s with the public key @pub of port algorithm @key_alg (MSA_ALG_ES256: 65-byte
 * uncompressed point; MSA_ALG_EDDSA: 32 bytes). @payload as for msa_cose_sig_structure. @scratch
 * (capacity @cap, MSA_SIG_STRUCTURE_MAX is enough) holds the Sig_structure.
 * MSA_E_UNSUPPORTED for an algorithm outside the list above, MSA_E_SIGNATURE when the algorithm
 * does not match the key's, the signature has the wrong length or does not verify. */
msa_err msa_cose_sign1_verify(const struct msa_port *port, const struct msa_cose_sign1 *s,
                              const void *payload, size_t payload_len, int key_alg,
                              const unsigned char *pub, size_t pub_len, unsigned char *scratch,
                              size_t cap);

#ifdef __cplusplus
}
#endif
#endif
