/* medsec/release.h: the manufacturer's side of signed updates (docs/release.md): release and root
 * keys (Ed25519 with libsodium, ES256 with OpenSSL 3), private keys encrypted at rest (Argon2id +
 * XSalsa20-Poly1305), certificates by which a root vouches for a release key, revocation lists,
 * the device's trust anchor, and the bundle itself, a SUIT envelope (docs/suit.md) signed k of n.
 * Decoding and verifying is the device agent's (agent/include/msa): this side only writes.
 *
 * Every function returns a medsec_err and fills the caller's struct medsec_error on failure. */
#ifndef MEDSEC_RELEASE_H
#define MEDSEC_RELEASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "medsec/buf.h"
#include "medsec/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- a CBOR encoder (cbor_enc.c): definite lengths, shortest heads (RFC 8949 4.2.1) ---------- */

/* Each appends one item (or an array/map head: the caller then appends its members) to @b and
 * returns MEDSEC_ENOMEM when @b cannot grow. */
medsec_err medsec_cbor_uint(struct medsec_buf *b, uint64_t v);
medsec_err medsec_cbor_int(struct medsec_buf *b, int64_t v);
medsec_err medsec_cbor_bstr(struct medsec_buf *b, const void *p, size_t n);
medsec_err medsec_cbor_tstr(struct medsec_buf *b, const char *s);
medsec_err medsec_cbor_array(struct medsec_buf *b, uint64_t n);
medsec_err medsec_cbor_map(struct medsec_buf *b, uint64_t n);
medsec_err medsec_cbor_tag(struct medsec_buf *b, uint64_t tag);
medsec_err medsec_cbor_null(struct medsec_buf *b);
/* the head of a byte string of @n bytes whose content the caller appends (or streams) itself */
medsec_err medsec_cbor_bstr_head(struct medsec_buf *b, uint64_t n);

/* ---- keys (keys.c) -------------------------------------------------------------------------- */

#define MEDSEC_RELEASE_ES256 (-7) /* COSE: ECDSA P-256 with SHA-256 */
#define MEDSEC_RELEASE_EDDSA (-8) /* COSE: EdDSA, here Ed25519 */
#define MEDSEC_RELEASE_KID_BYTES 16
#define MEDSEC_RELEASE_KEYFILE_MAX 8192 /* bytes of a key file we read */

/* "ES256" / "EdDSA", or NULL for another number; parse accepts any case. */
const char *medsec_release_alg_name(int alg);
bool medsec_release_alg_parse(const char *s, int *alg);

/* A public key: ES256 65-byte uncompressed P-256 point, EdDSA 32 bytes. kid = the first 16 bytes
 * of SHA-256 of those bytes (the same rule as the agent). */
struct medsec_release_pub {
    int alg;
    unsigned char pub[65];
    size_t pub_len;
    unsigned char kid[MEDSEC_RELEASE_KID_BYTES];
};

/* A private key in memory: the 32-byte Ed25519 seed or P-256 scalar, and its public half. Wipe it
 * with medsec_release_key_wipe when done. */
struct medsec_release_key {
    struct medsec_release_pub pub;
    unsigned char secret[32];
};

/* Cost of Argon2id for a private key file. The default is libsodium's MODERATE (3 passes over
 * 256 MiB, about a second); the test cost (1 pass over 8 KiB) protects nothing and is written into
 * the file as such so that it is visible (docs/release.md, "Private keys at rest"). */
struct medsec_release_kdf {
    unsigned long long opslimit;
    size_t memlimit;
};
void medsec_release_kdf_default(struct medsec_release_kdf *k);
void medsec_release_kdf_test(struct medsec_release_kdf *k);

/* A new random key of @alg. */
medsec_err medsec_release_keygen(int alg, struct medsec_release_key *key, struct medsec_error *err)
    __attribute__((warn_unused_result));
void medsec_release_key_wipe(struct medsec_release_key *key);
/* The private key file (encrypted under @pass) and the public key file of @key, as new texts
 * (caller frees both with medsec_free; the secret text holds no secret in clear). */
medsec_err medsec_release_key_format(const struct medsec_release_key *key, const char *pass,
                                     size_t pass_len, const struct medsec_release_kdf *kdf,
                                     char **secret_text, char **public_text,
                                     struct medsec_error *err) __attribute__((warn_unused_result));
/* Decrypt a private key file (@name for messages). MEDSEC_EVERIFY for a wrong passphrase or a
 * changed file, MEDSEC_EPARSE for a malformed one. */
medsec_err medsec_release_key_read(const char *text, size_t len, const char *name, const char *pass,
                                   size_t pass_len, struct medsec_release_key *key,
                                   struct medsec_error *err) __attribute__((warn_unused_result));
/* The public key of a public key file or of a private key file (its public half is in clear). */
medsec_err medsec_release_pub_read(const char *text, size_t len, const char *name,
                                   struct medsec_release_pub *pub, struct medsec_error *err)
    __attribute__((warn_unused_result));
/* Fill pub_len and kid from alg and pub; MEDSEC_EINVAL when the key is not of @alg's shape. */
medsec_err medsec_release_pub_init(struct medsec_release_pub *pub, int alg, const void *raw,
                                   size_t n, struct medsec_error *err);
/* A raw signature (ES256: r||s, 64 bytes; EdDSA: 64 bytes) of @n bytes. */
medsec_err medsec_release_sign_raw(const struct medsec_release_key *key, const void *msg, size_t n,
                                   unsigned char sig[64], struct medsec_error *err)
    __attribute__((warn_unused_result));

/* ---- COSE_Sign1 (cose.c) --------------------------------------------------------------------- */

/* A COSE_Sign1 (RFC 9052 4.2) by @key with protected header {1: alg, 4: kid} over @payload:
 * attached (the payload in the structure) or detached (nil there); tag 18 in front when @tagged. */
medsec_err medsec_release_sign1(const struct medsec_release_key *key, const void *payload, size_t n,
                                bool detached, bool tagged, struct medsec_buf *out,
                                struct medsec_error *err) __attribute__((warn_unused_result));

/* ---- identities (ids.c) --------------------------------------------------------------------- */

/* RFC 4122 version-5 UUID of @name under the namespace UUID @ns. */
void medsec_release_uuid5(const unsigned char ns[16], const char *name, unsigned char out[16]);
/* SUIT's vendor id = UUIDv5(DNS namespace, @vendor_domain) and class id = UUIDv5(vendor id, @model
 * " " @hardware) (hardware NULL or "": the model alone). */
void medsec_release_ids(const char *vendor_domain, const char *model, const char *hardware,
                        unsigned char vendor_id[16], unsigned char class_id[16]);

/* ---- certificates, revocation lists, trust anchors (cert.c) -------------------------------- */

#define MEDSEC_RELEASE_PURPOSE_SIGN 1u         /* release bundles */
#define MEDSEC_RELEASE_PURPOSE_REVOKE 2u       /* revocation lists */
#define MEDSEC_RELEASE_PURPOSE_DECOMMISSION 4u /* decommission records */
#define MEDSEC_RELEASE_CERT_MAX 1024           /* bytes of one certificate file we read */

struct medsec_release_cert_info {
    struct medsec_release_pub subject;
    uint64_t not_before, not_after; /* Unix seconds */
    unsigned purposes;              /* MEDSEC_RELEASE_PURPOSE_* */
    unsigned char vendor_id[16];
    uint64_t serial;
};
/* @root certifies @ci: a tagged COSE_Sign1 with the payload of docs/release.md, "Certificates". */
medsec_err medsec_release_certify(const struct medsec_release_key *root,
                                  const struct medsec_release_cert_info *ci, struct medsec_buf *out,
                                  struct medsec_error *err) __attribute__((warn_unused_result));
/* A revocation list number @number, issued at @issued, of @n key ids, signed by @root. */
medsec_err medsec_release_revocation(const struct medsec_release_key *root, uint64_t number,
                                     uint64_t issued, const unsigned char (*kids)[16], size_t n,
                                     struct medsec_buf *out, struct medsec_error *err)
    __attribute__((warn_unused_result));
/* A trust anchor: at least @k of the @n roots must vouch for a bundle for vendor/class. */
medsec_err medsec_release_anchor(unsigned k, const struct medsec_release_pub *roots, size_t n,
                                 const unsigned char vendor_id[16],
                                 const unsigned char class_id[16], struct medsec_buf *out,
                                 struct medsec_error *err) __attribute__((warn_unused_result));

/* ---- bundles (bundle.c) --------------------------------------------------------------------- */

struct medsec_release_bundle {
    uint64_t sequence; /* the monotonic security version */
    unsigned char vendor_id[16], class_id[16];
    const char *image_path; /* the firmware image, read twice in chunks (hash, then copy) */
    const char *uri;        /* NULL: integrated as "#image0"; else the detached payload's URI */
    /* metadata member -257; each may be NULL (then left out) */
    const char *version, *model, *sbom_name, *notes_uri;
    bool has_sbom_digest;
    unsigned char sbom_digest[32];
    /* signers (k of n: one COSE_Sign1 each, in order) */
    const struct medsec_release_key *const *keys;
    size_t nkeys;
    /* certificates (-258) and a revocation list (-259) carried along; may be empty */
    const struct medsec_buf *certs;
    size_t ncerts;
    const void *revocation;
    size_t revocation_len;
    /* the most bytes before the payload a device buffers (0: the agent's default MSA_MANIFEST_MAX
     * of msa_config.h): a bigger envelope is refused at signing rather than by every device */
    size_t members_max;
};

/* What was written. */
struct medsec_release_bundle_info {
    uint64_t image_size, bundle_size;
    unsigned char image_digest[32], manifest_digest[32];
};

/* Build and sign the envelope and write it to @path (a temporary file renamed in place). Memory is
 * constant in the image's size: the image is hashed, then copied, in chunks. */
medsec_err medsec_release_bundle_write(const struct medsec_release_bundle *rb, const char *path,
                                       struct medsec_release_bundle_info *info,
                                       struct medsec_error *err)
    __attribute__((warn_unused_result));

/* SHA-256 of a file read in chunks (@size gets its length). */
medsec_err medsec_release_file_sha256(const char *path, unsigned char out[32], uint64_t *size,
                                      struct medsec_error *err) __attribute__((warn_unused_result));

/* ---- verify and inspect (verify.c): through the device agent's decoder and verifier ---------- */

/* The agent's sentence for one of its error codes (msa_err, agent/include/msa/msa.h). */
const char *medsec_release_msa_strerror(int msa_err);

struct medsec_release_verify_opts {
    const void *anchor; /* the trust anchor file's bytes */
    size_t anchor_len;
    const char *anchor_name;
    /* instead of an anchor: trust this one key (k = 1, no vendor or class to check) */
    const struct medsec_release_pub *key;
    const char *const *payloads; /* files of the detached payloads, in component order */
    size_t npayloads;
    bool check_sequence; /* the sequence number must be above @counter (a device's counter) */
    uint64_t counter;
    uint64_t now; /* Unix seconds for certificate validity; 0: not checked */
};

/* The verdict: result is MSA_OK (0) for an authentic bundle for the anchor's device whose every
 * payload matched, else the agent's error code (a negative msa_err). */
struct medsec_release_verdict {
    int result;
    bool authenticated;   /* signatures, manifest and device checks passed */
    unsigned verified;    /* bit per component whose payload matched */
    bool missing_payload; /* a detached payload was not given (missing_uri names it) */
    char missing_uri[256];
    size_t extra_payloads; /* payload files given beyond the detached components */
    uint64_t bundle_size, payload_bytes, sequence;
    unsigned ncomponents;
    char version[128], model[128];
};

/* Verify the bundle file @path. MEDSEC_OK when the check ran (the verdict in @v); MEDSEC_EIO when a
 * file cannot be read, MEDSEC_EPARSE for an anchor that does not decode. */
medsec_err medsec_release_verify(const char *path, const struct medsec_release_verify_opts *o,
                                 struct medsec_release_verdict *v, struct medsec_error *err)
    __attribute__((warn_unused_result));

#define MEDSEC_RELEASE_INSPECT_MAX 8
#define MEDSEC_RELEASE_SEQS 8
#define MEDSEC_RELEASE_COMMANDS_MAX 32

/* A COSE_Sign1 as inspect shows it; for a certificate or revocation list, u[] holds the payload's
 * unsigned members by key (certificate: 4 not-before, 5 not-after, 6 purposes, 8 serial;
 * revocation list: 1 number, 2 issued) and list_len the revoked ids. */
struct medsec_release_sig_info {
    bool decoded, has_kid, has_subject;
    int alg;
    unsigned char kid[MEDSEC_RELEASE_KID_BYTES], subject[MEDSEC_RELEASE_KID_BYTES];
    uint64_t u[9];
    size_t list_len;
};

struct medsec_release_component_info {
    unsigned char id[64]; /* the encoded component identifier */
    size_t id_len;
    bool dependency, has_vendor, has_class, has_digest, has_size;
    unsigned char vendor[16], class_id[16], digest[32];
    int64_t digest_alg;
    uint64_t size;
    char uri[256];
};

struct medsec_release_payload_info {
    char name[64];
    uint64_t size, offset;
};

struct medsec_release_inspection {
    uint64_t bundle_size;
    int decode_result;   /* msa_err of the envelope's decoding */
    int manifest_result; /* msa_err of the manifest's decoding */
    int auth_result;     /* msa_err of authentication with the anchor; 1 = not checked */
    unsigned nsigs, ncerts, npayloads, ncomponents;
    struct medsec_release_sig_info sigs[MEDSEC_RELEASE_INSPECT_MAX];
    struct medsec_release_sig_info certs[MEDSEC_RELEASE_INSPECT_MAX];
    bool has_revocation;
    struct medsec_release_sig_info revocation;
    struct medsec_release_payload_info payloads[MEDSEC_RELEASE_INSPECT_MAX];
    uint64_t sequence;
    char version[128], model[128], sbom_name[256], notes_uri[256];
    bool has_sbom_digest;
    unsigned char sbom_digest[32];
    struct medsec_release_component_info components[MEDSEC_RELEASE_INSPECT_MAX];
    /* command sequences in the agent's order: shared, dependency-resolution, payload-fetch,
     * install, validate, load, invoke, uninstall */
    struct {
        bool present, severed;
        unsigned ncommands;
        int commands[MEDSEC_RELEASE_COMMANDS_MAX];
    } seqs[MEDSEC_RELEASE_SEQS];
};

/* Decode the bundle @path (integrated payloads are skipped, not read) with the agent's decoder;
 * with @anchor or @key (both may be NULL) also authenticate it. MEDSEC_OK when the file could be
 * read: the decoding's verdicts are in @in. */
medsec_err medsec_release_inspect(const char *path, const void *anchor, size_t anchor_len,
                                  const char *anchor_name, const struct medsec_release_pub *key,
                                  uint64_t now, struct medsec_release_inspection *in,
                                  struct medsec_error *err) __attribute__((warn_unused_result));

#ifdef __cplusplus
}
#endif
#endif
