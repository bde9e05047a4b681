/* msa/trust.h: who may sign an update for this device. The device holds a trust anchor (k of n
 * manufacturer root keys, its vendor and class ids); roots certify release keys for a time and a
 * purpose; roots (or keys certified for it) publish revocation lists; a bundle is authentic when
 * at least k distinct roots vouch for it. Formats: docs/suit.md, "Keys and trust"; the medsec
 * side writes them (docs/release.md). Nothing here allocates: every pointer points into a buffer
 * the caller keeps alive. */
#ifndef MSA_TRUST_H
#define MSA_TRUST_H

#include "msa/msa.h"
#include "msa/port.h"
#include "msa/cose.h"

#ifdef __cplusplus
extern "C" {
#endif

/* certificate purpose bits (certificate key 6) */
#define MSA_PURPOSE_RELEASE 1u
#define MSA_PURPOSE_REVOCATION 2u
#define MSA_PURPOSE_DECOMMISSION 4u

/* One trusted root key. */
struct msa_root {
    int alg; /* MSA_ALG_ES256 or MSA_ALG_EDDSA */
    const unsigned char *pub;
    size_t pub_len;
    unsigned char kid[MSA_KID_BYTES];
};

/* A decoded trust anchor: CBOR {1: k, 2: [{1: alg, 2: public key}...], 3: vendor-id bstr16,
 * 4: class-id bstr16}. has_vendor / has_class are 0 when the anchor has no such member (then
 * the agent checks no vendor or class unless its caller gives them). */
struct msa_trust {
    unsigned k;
    unsigned n;
    struct msa_root roots[MSA_ROOTS_MAX];
    int has_vendor;
    int has_class;
    unsigned char vendor[16];
    unsigned char class_id[16];
};

/* The revocation state a device persists: the highest list number seen and its revoked key ids. */
struct msa_revoked {
    uint64_t number;
    unsigned n;
    unsigned char kid[MSA_REVOKED_MAX][MSA_KID_BYTES];
};

/* A decoded, verified certificate. */
struct msa_cert {
    unsigned char kid[MSA_KID_BYTES]; /* subject key id */
    int alg;                          /* port algorithm of the subject key */
    const unsigned char *pub;
    size_t pub_len;
    uint64_t not_before, not_after, purposes, serial;
    unsigned char vendor[16];
    unsigned root; /* index of the certifying root in the trust anchor */
};

/* Key id of a raw public key: the first 16 bytes of its SHA-256 (through the port). */
msa_err msa_trust_kid(const struct msa_port *port, const unsigned char *pub, size_t pub_len,
                      unsigned char kid[MSA_KID_BYTES]);

/* Decode the trust anchor in the @n bytes at @buf (kept alive by the caller) and compute the
 * roots' key ids. MSA_E_LIMIT for more than MSA_ROOTS_MAX roots, MSA_E_BAD_KEY for a root with a
 * wrong key length or algorithm, a root listed twice, a repeated member, a vendor or class id not
 * 16 bytes, or k = 0 or k > n; MSA_E_CBOR / MSA_E_TRUNCATED for bad bytes. */
msa_err msa_trust_decode(const struct msa_port *port, const void *buf, size_t n,
                         struct msa_trust *t);

/* A trust anchor of one root key (k = 1) and no vendor or class: for a device that trusts a single
 * key, like the SUIT examples' trust_anchor_secp256r1. @pub stays the caller's. */
msa_err msa_trust_single(const struct msa_port *port, struct msa_trust *t, int alg,
                         const unsigned char *pub, size_t pub_len);

/* Decode and check the certificate (a COSE_Sign1 with attached payload) in @buf: signed by a root
 * of @t, well-formed, for the anchor's vendor, within validity at port->now() (not checked when
 * now is 0 or missing), with purpose @purpose, subject not in @rev (may be NULL). @scratch holds
 * the Sig_structure. Errors: MSA_E_KEY_UNKNOWN (no such root), MSA_E_SIGNATURE, MSA_E_BAD_KEY
 * (malformed payload, kid not the key's), MSA_E_VENDOR, MSA_E_KEY_EXPIRED, MSA_E_KEY_PURPOSE,
 * MSA_E_KEY_REVOKED. */
msa_err msa_cert_verify(const struct msa_port *port, const struct msa_trust *t,
                        const struct msa_revoked *rev, const void *buf, size_t n, unsigned purpose,
                        struct msa_cert *cert, unsigned char *scratch, size_t cap);

/* Nonzero when @kid is in @rev (NULL: never). */
int msa_revoked_has(const struct msa_revoked *rev, const unsigned char kid[MSA_KID_BYTES]);

/* Apply the revocation list in @buf (a COSE_Sign1 signed by a root of @t, or by a key certified
 * for MSA_PURPOSE_REVOCATION by one of the @ncerts encoded certificates @certs[i]/@cert_lens[i]):
 * when its number is above @rev->number, @rev becomes that list; an older or equal list is
 * ignored (MSA_OK). MSA_E_LIMIT for more than MSA_REVOKED_MAX ids; signature errors as above. */
msa_err msa_revocation_apply(const struct msa_port *port, const struct msa_trust *t,
                             const void *buf, size_t n, const unsigned char *const *certs,
                             const size_t *cert_lens, unsigned ncerts, struct msa_revoked *rev,
                             unsigned char *scratch, size_t cap);

/* Check the signatures @sigs (@nsig decoded COSE_Sign1 with detached payload @payload) for
 * purpose @purpose: each counts for one root (a root's own key, or the root that certified the
 * release key in @certs); MSA_OK when at least t->k distinct roots vouch. Otherwise the error of
 * the first signature that failed for a reason other than an unknown key (MSA_E_SIGNATURE,
 * MSA_E_KEY_EXPIRED, MSA_E_KEY_REVOKED, MSA_E_KEY_PURPOSE, ...), else MSA_E_THRESHOLD when some
 * but too few roots vouch, else MSA_E_KEY_UNKNOWN. */
msa_err msa_trust_check(const struct msa_port *port, const struct msa_trust *t,
                        const struct msa_revoked *rev, const struct msa_cose_sign1 *sigs,
                        unsigned nsig, const void *payload, size_t payload_len,
                        const unsigned char *const *certs, const size_t *cert_lens, unsigned ncerts,
                        unsigned purpose, unsigned char *scratch, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
