/* msa/stream.h: the streaming verifier. A bundle (SUIT envelope) arrives as chunks of any size, in
 * order. The verifier keeps the envelope's members other than integrated payloads (authentication
 * wrapper, manifest, certificates, revocation list, severed members: at most MSA_MANIFEST_MAX
 * bytes) in a caller buffer, and before it hands out a single payload byte it authenticates them
 * and checks vendor, class and that the sequence number is above the device's counter. Then it
 * hashes payload bytes as they pass and gives them to the caller's sink; the end of each payload
 * checks its size and digest. Detached payloads (uri other than "#...") are fed through
 * msa_stream_payload_* once the envelope is done. Memory is constant whatever the payload size.
 *
 * The members must come in this order (the order medsec writes): authentication wrapper,
 * manifest, other integer-keyed members, then the integrated payloads. */
#ifndef MSA_STREAM_H
#define MSA_STREAM_H

#include "msa/msa.h"
#include "msa/port.h"
#include "msa/suit.h"
#include "msa/trust.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The sink: @n payload bytes of component @component at byte @offset of that payload. A nonzero
 * return stops the stream with MSA_E_PORT. Bytes reach the sink before the payload's digest is
 * checked: the caller writes them to an inactive slot and uses them only after
 * msa_stream_finish / msa_stream_payload_end returned MSA_OK. */
typedef int (*msa_stream_sink)(void *arg, unsigned component, uint64_t offset,
                               const unsigned char *bytes, size_t n);

struct msa_stream_config {
    const struct msa_port *port; /* crypto backend (sha256_*, verify) and now() */
    const struct msa_trust *trust;
    struct msa_revoked *revoked;   /* updated in place by a newer list in the bundle; may be NULL */
    uint64_t counter;              /* the device's security version: sequence must be above it */
    const unsigned char *vendor;   /* 16 bytes, or NULL for the trust anchor's (if any) */
    const unsigned char *class_id; /* 16 bytes, or NULL for the trust anchor's (if any) */
    msa_stream_sink sink;          /* may be NULL: payloads are verified, not delivered */
    void *sink_arg;
    int any_sequence; /* inspection only (never on a device): skip the counter comparison */
};

enum msa_stream_state {
    MSA_STREAM_HEAD = 0, /* reading the envelope's tag and map head */
    MSA_STREAM_MEMBERS,  /* buffering members */
    MSA_STREAM_PAYLOAD,  /* passing an integrated payload through */
    MSA_STREAM_DONE,     /* the envelope ended */
    MSA_STREAM_FAILED    /* an error stopped it; every later call returns that error */
};

/* The verifier's state. Treat as opaque; its size is constant (no pointer into it may be kept
 * across moves). */
struct msa_stream {
    struct msa_stream_config cfg;
    enum msa_stream_state state;
    msa_err error;
    unsigned char *buf;
    size_t cap, used, pos; /* buffered bytes; next unparsed byte */
    uint64_t pairs_left;   /* map pairs still to come */
    int authenticated;
    int have_key; /* the key of the current pair is parsed */
    int64_t key;
    struct msa_bytes name; /* text key of the current pair */
    /* the payload passing through */
    int payload_comp; /* component index, or -1 when no component names it */
    uint64_t payload_left, payload_off;
    unsigned delivered; /* bit per component whose payload was checked */
    int detached_comp;  /* component of the detached payload being fed, or -1 */
    struct msa_sha256 sha;
    struct msa_suit_envelope env;
    struct msa_suit_plan plan;
    unsigned char scratch[MSA_SIG_STRUCTURE_MAX];
};

/* Start verifying a bundle; @buf (capacity @cap, MSA_MANIFEST_MAX is the bound the agent is
 * configured for) holds the members it buffers and must stay alive while the plan is used. */
msa_err msa_stream_init(struct msa_stream *s, const struct msa_stream_config *cfg, void *buf,
                        size_t cap);

/* Feed the next @n bytes of the bundle. Errors: those of msa_suit_authenticate,
 * msa_suit_manifest_decode, msa_suit_check_device; MSA_E_LIMIT when the members to buffer exceed
 * @cap; MSA_E_IMAGE_SIZE / MSA_E_IMAGE_DIGEST at the end of a payload; MSA_E_STRUCTURE for members
 * out of order, an integrated payload no component names, one the agent cannot check
 * (MSA_E_UNSUPPORTED for encrypted ones) or a fetched one the envelope lacks; MSA_E_CBOR for bytes
 * after the envelope; MSA_E_PORT when the sink fails. After an error every call returns it again.
 */
msa_err msa_stream_feed(struct msa_stream *s, const void *data, size_t n);

/* The bundle's bytes are all fed: MSA_E_TRUNCATED when the envelope is not complete. An envelope
 * without integrated payloads is authenticated here. */
msa_err msa_stream_finish(struct msa_stream *s);

/* The plan, once the bundle is authenticated (NULL before). */
const struct msa_suit_plan *msa_stream_plan(const struct msa_stream *s);
/* Nonzero once the manifest is authenticated and checked against the device. */
int msa_stream_authenticated(const struct msa_stream *s);
/* Bit per component whose payload (integrated or detached) arrived and matched its digest. */
unsigned msa_stream_verified(const struct msa_stream *s);

/* A detached payload of component @component, after msa_stream_finish: begin, feed its bytes in
 * chunks of any size (they go through the sink too), end checks size and digest. */
msa_err msa_stream_payload_begin(struct msa_stream *s, unsigned component);
msa_err msa_stream_payload_feed(struct msa_stream *s, const void *data, size_t n);
msa_err msa_stream_payload_end(struct msa_stream *s);

#ifdef __cplusplus
}
#endif
#endif
