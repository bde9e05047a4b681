/* msa/suit.h: the SUIT envelope and manifest (draft-ietf-suit-manifest-34) as the agent reads
 * them, and the "plan" it draws from a manifest: sequence number, components with their
 * parameters, the commands of each command sequence, text and medsec's release metadata. The plan
 * is a bounded struct; its byte spans point into the caller's envelope buffer. docs/suit.md lists
 * the subset, our private members and every error. */
#ifndef MSA_SUIT_H
#define MSA_SUIT_H

#include "msa/msa.h"
#include "msa/port.h"
#include "msa/cose.h"
#include "msa/trust.h"

#ifdef __cplusplus
extern "C" {
#endif

/* most commands the plan records (top-level commands of all sequences together) */
#ifndef MSA_SUIT_COMMANDS_MAX
#define MSA_SUIT_COMMANDS_MAX 64
#endif
/* most integrated payloads and severed members an envelope may carry */
#ifndef MSA_SUIT_MEMBERS_MAX
#define MSA_SUIT_MEMBERS_MAX 8
#endif
/* deepest nesting of try-each the interpreter follows */
#ifndef MSA_SUIT_TRY_DEPTH
#define MSA_SUIT_TRY_DEPTH 2
#endif

/* component selections are bit masks of an unsigned int */
#if MSA_COMPONENTS_MAX > 32
#error "MSA_COMPONENTS_MAX must be at most 32"
#endif

/* SUIT_Envelope tag and members (section 8.2; negative keys are medsec's private members) */
#define MSA_SUIT_TAG 107
#define MSA_SUIT_ENV_DELEGATION 1
#define MSA_SUIT_ENV_AUTH 2
#define MSA_SUIT_ENV_MANIFEST 3
#define MSA_SUIT_ENV_CERTS (-258)      /* array of bstr: certificates (COSE_Sign1) */
#define MSA_SUIT_ENV_REVOCATION (-259) /* bstr: a revocation list (COSE_Sign1) */
/* SUIT_Manifest members (section 8.4) */
#define MSA_SUIT_M_VERSION 1
#define MSA_SUIT_M_SEQUENCE 2
#define MSA_SUIT_M_COMMON 3
#define MSA_SUIT_M_REFERENCE_URI 4
#define MSA_SUIT_M_COMPONENT_ID 5
#define MSA_SUIT_M_VALIDATE 7
#define MSA_SUIT_M_LOAD 8
#define MSA_SUIT_M_INVOKE 9
#define MSA_SUIT_M_DEPENDENCY_RESOLUTION 15
#define MSA_SUIT_M_PAYLOAD_FETCH 16
#define MSA_SUIT_M_INSTALL 20
#define MSA_SUIT_M_TEXT 23
#define MSA_SUIT_M_UNINSTALL 24
#define MSA_SUIT_M_MEDSEC (-257) /* medsec release metadata map */
/* SUIT_Common members */
#define MSA_SUIT_C_DEPENDENCIES 1
#define MSA_SUIT_C_COMPONENTS 2
#define MSA_SUIT_C_SHARED 4
/* commands (section 8.4.10; 7, 8, 11, 31-33 from trust-domains, 4, 26-29, 34, 35 from
 * update-management) */
#define MSA_SUIT_COND_VENDOR 1
#define MSA_SUIT_COND_CLASS 2
#define MSA_SUIT_COND_IMAGE_MATCH 3
#define MSA_SUIT_COND_COMPONENT_SLOT 5
#define MSA_SUIT_COND_CHECK_CONTENT 6
#define MSA_SUIT_COND_ABORT 14
#define MSA_SUIT_COND_DEVICE 24
#define MSA_SUIT_DIR_SET_INDEX 12
#define MSA_SUIT_DIR_TRY_EACH 15
#define MSA_SUIT_DIR_WRITE 18
#define MSA_SUIT_DIR_SET_PARAMS 19
#define MSA_SUIT_DIR_OVERRIDE_PARAMS 20
#define MSA_SUIT_DIR_FETCH 21
#define MSA_SUIT_DIR_COPY 22
#define MSA_SUIT_DIR_INVOKE 23
#define MSA_SUIT_DIR_SWAP 31
#define MSA_SUIT_DIR_RUN_SEQUENCE 32
#define MSA_SUIT_DIR_OVERRIDE_MULTIPLE 34
#define MSA_SUIT_DIR_COPY_PARAMS 35
/* parameters */
#define MSA_SUIT_P_VENDOR 1
#define MSA_SUIT_P_CLASS 2
#define MSA_SUIT_P_IMAGE_DIGEST 3
#define MSA_SUIT_P_COMPONENT_SLOT 5
#define MSA_SUIT_P_IMAGE_SIZE 14
#define MSA_SUIT_P_CONTENT 18
#define MSA_SUIT_P_ENCRYPTION_INFO 19
#define MSA_SUIT_P_URI 21
#define MSA_SUIT_P_SOURCE_COMPONENT 22
/* medsec release metadata (manifest member -257) */
#define MSA_SUIT_MD_VERSION 1
#define MSA_SUIT_MD_SBOM_DIGEST 2
#define MSA_SUIT_MD_SBOM_NAME 3
#define MSA_SUIT_MD_NOTES_URI 4
#define MSA_SUIT_MD_MODEL 5

/* The command sequences, in the order the plan keeps them. */
enum msa_suit_seq_id {
    MSA_SEQ_SHARED = 0,
    MSA_SEQ_DEPENDENCY_RESOLUTION,
    MSA_SEQ_PAYLOAD_FETCH,
    MSA_SEQ_INSTALL,
    MSA_SEQ_VALIDATE,
    MSA_SEQ_LOAD,
    MSA_SEQ_INVOKE,
    MSA_SEQ_UNINSTALL,
    MSA_SEQ_COUNT
};

/* A span of bytes inside the envelope buffer (ptr NULL when absent). */
struct msa_bytes {
    const unsigned char *ptr;
    size_t len;
};

/* parameter bits of struct msa_suit_component.have */
#define MSA_HAVE_VENDOR (1u << 0)
#define MSA_HAVE_CLASS (1u << 1)
#define MSA_HAVE_DIGEST (1u << 2)
#define MSA_HAVE_SIZE (1u << 3)
#define MSA_HAVE_URI (1u << 4)
#define MSA_HAVE_SLOT (1u << 5)
#define MSA_HAVE_ENCRYPTION (1u << 6)
#define MSA_HAVE_CONTENT (1u << 7)
#define MSA_HAVE_SOURCE (1u << 8)
/* condition / directive bits of struct msa_suit_component.used */
#define MSA_USED_COND_VENDOR (1u << 0)
#define MSA_USED_COND_CLASS (1u << 1)
#define MSA_USED_COND_IMAGE (1u << 2)
#define MSA_USED_FETCH (1u << 3)
#define MSA_USED_COPY (1u << 4)
#define MSA_USED_WRITE (1u << 5)
#define MSA_USED_INVOKE (1u << 6)

/* One component and the parameters the manifest's sequences gave it (the last value set wins;
 * try-each takes the first alternative whose conditions hold, component-slot compared with 0;
 * override-multiple, copy-params and run-sequence act on parameters too). */
struct msa_suit_component {
    struct msa_bytes id; /* the encoded SUIT_Component_Identifier (array of bstr); for a
                            dependency its dependency-prefix (absent: {NULL, 0}) */
    int dependency;      /* a dependency manifest's index (trust domains), not an image */
    unsigned have;       /* MSA_HAVE_* */
    unsigned used;       /* MSA_USED_* */
    struct msa_bytes vendor, class_id;
    int64_t digest_alg;
    struct msa_bytes digest;
    uint64_t size;
    struct msa_bytes uri;
    uint64_t slot;
};

/* One top-level command of a sequence: its code and, when its argument is an unsigned integer
 * (a reporting policy, a component index), that value; arg_kind is the argument's CBOR major
 * type (7 for true/false/null). */
struct msa_suit_command {
    uint8_t seq; /* enum msa_suit_seq_id */
    uint8_t arg_kind;
    int16_t code;
    uint64_t arg;
};

struct msa_suit_seq {
    int present;            /* the manifest has this sequence */
    int severed;            /* it was a digest in the manifest (the envelope held the bytes) */
    int missing;            /* severed and the envelope did not carry it */
    struct msa_bytes bytes; /* the sequence's encoded command array */
    unsigned first, count;  /* its commands in plan.commands */
};

/* medsec release metadata (-257); fields absent are {NULL, 0}. */
struct msa_suit_medsec {
    int present;
    struct msa_bytes version, sbom_name, notes_uri, model;
    int64_t sbom_digest_alg;
    struct msa_bytes sbom_digest;
};

struct msa_suit_plan {
    uint64_t manifest_version;
    uint64_t sequence; /* manifest-sequence-number: the monotonic security version */
    unsigned ncomponents;
    struct msa_suit_component components[MSA_COMPONENTS_MAX];
    struct msa_suit_seq seqs[MSA_SEQ_COUNT];
    unsigned ncommands;
    struct msa_suit_command commands[MSA_SUIT_COMMANDS_MAX];
    int has_dependencies; /* common has dependencies (trust domains; indices after the
                             components, recorded, not processed) */
    unsigned unsupported; /* bit per sequence using a command the agent cannot execute */
    struct msa_bytes reference_uri;
    struct msa_bytes text; /* the text map (encoded), from the manifest or its severed copy */
    struct msa_suit_medsec medsec;
};

/* A decoded envelope: spans into the caller's buffer. */
struct msa_suit_envelope {
    struct msa_bytes auth;          /* content of the authentication wrapper bstr */
    struct msa_bytes manifest;      /* content of the manifest bstr */
    struct msa_bytes manifest_item; /* the manifest bstr as encoded (what the digest covers) */
    struct msa_bytes certs;         /* encoded array of -258, or absent */
    struct msa_bytes revocation;    /* content of -259, or absent */
    unsigned nsevered;
    int64_t severed_key[MSA_SUIT_MEMBERS_MAX];
    struct msa_bytes severed[MSA_SUIT_MEMBERS_MAX]; /* the member's bstr as encoded */
    unsigned npayloads;
    struct msa_bytes payload_name[MSA_SUIT_MEMBERS_MAX]; /* text key, e.g. "#image0" */
    struct msa_bytes payload[MSA_SUIT_MEMBERS_MAX];      /* bstr content */
};

/* Decode a whole envelope held in memory (tag 107 optional). Only its shape is checked here:
 * MSA_E_CBOR / MSA_E_TRUNCATED for bad bytes or a member of the wrong type, MSA_E_STRUCTURE for a
 * missing or repeated member, MSA_E_LIMIT for too many members. */
msa_err msa_suit_envelope_decode(const void *buf, size_t n, struct msa_suit_envelope *env);

/* Add one envelope member (key @key, value item @value/@len as encoded) to @env; used by
 * msa_suit_envelope_decode and by the streaming verifier. @name/@name_len for text keys (then
 * @key is ignored). */
msa_err msa_suit_envelope_member(struct msa_suit_envelope *env, int64_t key,
                                 const unsigned char *name, size_t name_len,
                                 const unsigned char *value, size_t len);

/* Authenticate @env: apply its revocation list to @rev (may be NULL: no revocation state),
 * decode the authentication wrapper, check the signatures against @t (with the envelope's
 * certificates, purpose release signing), then the manifest against the authenticated digest.
 * @scratch (>= MSA_SIG_STRUCTURE_MAX) holds Sig_structures. Errors: those of msa_trust_check,
 * MSA_E_DIGEST, MSA_E_UNSUPPORTED (digest algorithm other than SHA-256), MSA_E_LIMIT (more than
 * MSA_SIGNATURES_MAX signatures or certificates), MSA_E_STRUCTURE / MSA_E_CBOR for a malformed
 * wrapper. */
msa_err msa_suit_authenticate(const struct msa_port *port, const struct msa_trust *t,
                              struct msa_revoked *rev, const struct msa_suit_envelope *env,
                              unsigned char *scratch, size_t cap);

/* Decode the manifest of @env (authenticate first) into @plan and interpret its command
 * sequences. Severed members are checked against their digests (MSA_E_DIGEST). Errors:
 * MSA_E_STRUCTURE (required member missing, repeated key, command out of place, component index
 * out of range, a severed envelope member no digest in the manifest vouches for),
 * MSA_E_CONDITION (a sequence whose conditions cannot hold), MSA_E_UNSUPPORTED (manifest version
 * other than 1), MSA_E_LIMIT (more than MSA_COMPONENTS_MAX components or MSA_SUIT_COMMANDS_MAX
 * commands, try-each too deep). */
msa_err msa_suit_manifest_decode(const struct msa_port *port, const struct msa_suit_envelope *env,
                                 struct msa_suit_plan *plan);

/* Check @plan against a device: vendor and class (each may be NULL: not checked; when given, the
 * manifest must check it: condition-vendor-identifier / -class-identifier on a component whose
 * parameter equals it) and the sequence number strictly above @counter. MSA_E_VENDOR,
 * MSA_E_CLASS, MSA_E_ROLLBACK. */
msa_err msa_suit_check_device(const struct msa_suit_plan *plan, const unsigned char *vendor,
                              const unsigned char *class_id, uint64_t counter);

/* Index of the component whose uri is the @n bytes at @name, or -1. */
int msa_suit_component_by_uri(const struct msa_suit_plan *plan, const unsigned char *name,
                              size_t n);

/* MSA_OK when the agent can check component @i's payload: an image (not a dependency) with a
 * SHA-256 digest and no encryption; else MSA_E_UNSUPPORTED (dependency, encryption, other
 * digest algorithm) or MSA_E_STRUCTURE (no digest). */
msa_err msa_suit_payload_check(const struct msa_suit_plan *plan, unsigned i);

/* One call for a whole envelope in memory: decode, authenticate, plan, check against the device
 * (vendor/class NULL for the anchor's, see msa_suit_check_device), then every integrated payload
 * that a component's uri names against its digest and size. */
msa_err msa_suit_verify(const struct msa_port *port, const struct msa_trust *t,
                        struct msa_revoked *rev, const void *buf, size_t n,
                        const unsigned char *vendor, const unsigned char *class_id,
                        uint64_t counter, struct msa_suit_envelope *env,
                        struct msa_suit_plan *plan);

#ifdef __cplusplus
}
#endif
#endif
