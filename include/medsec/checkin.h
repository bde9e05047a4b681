/* medsec/checkin.h: the manufacturer's side of the device agent's signed check-in: decode one,
 * verify its Ed25519 signature with the device's public key, and build one (tests, the demo fleet,
 * the load benchmark). The wire format (docs/checkin.md) is a deterministic CBOR map with integer
 * keys inside a COSE_Sign1 signed with EdDSA; the encoder is the agent's own (msa/checkin.h), the
 * decoder is strict: unknown, repeated or misplaced keys, wrong types, values out of range, a
 * non-shortest encoding and trailing bytes are errors naming the field. */
#ifndef MEDSEC_CHECKIN_H
#define MEDSEC_CHECKIN_H

#include <stddef.h>
#include <stdint.h>

#include "medsec/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest check-in accepted (bytes); a real one has about 340. */
#define MEDSEC_CHECKIN_MAX 4096

struct medsec_checkin {
    unsigned char device_id[16]; /* the device's UUID (devices.uuid in hex) */
    uint64_t counter;            /* strictly increasing per device: replay protection */
    uint64_t time;               /* device clock, 0 when it has none */
    uint64_t security_version;   /* of the running image */
    char version[33];            /* installed release version text, "" when unknown */
    unsigned slot;               /* running slot (255: unknown) */
    unsigned char image_digest[32];
    uint32_t log_first, log_last, log_dropped;
    unsigned char log_head[32];
    uint64_t install_seq;            /* last install attempt's bundle sequence, 0: none */
    int32_t install_result;          /* its outcome: 0 success, else the agent's msa_err */
    unsigned char bundle_digest[32]; /* digest of that attempt's bundle (zeros: none) */
};

/* Decode without checking the signature (to find the device and its key). MEDSEC_ETOOBIG above
 * MEDSEC_CHECKIN_MAX, MEDSEC_EPARSE for bytes that are not a check-in (err->msg names the field),
 * MEDSEC_EINVAL for a value out of range. */
medsec_err medsec_checkin_parse(const unsigned char *msg, size_t n, struct medsec_checkin *out,
                                struct medsec_error *err) __attribute__((warn_unused_result));

/* Decode and verify the Ed25519 signature with the device's public key. MEDSEC_EVERIFY when it
 * fails; @out is only filled when MEDSEC_OK. */
medsec_err medsec_checkin_verify(const unsigned char *msg, size_t n, const unsigned char pub[32],
                                 struct medsec_checkin *out, struct medsec_error *err)
    __attribute__((warn_unused_result));

/* Build and sign one (for tests, the demo fleet and the load benchmark): priv is the 64-byte
 * libsodium Ed25519 secret key. @out has capacity @cap (512 is always enough); *@len gets the
 * bytes. MEDSEC_EINVAL for a version over 32 bytes or not printable ASCII, or a slot over 255;
 * MEDSEC_ETOOBIG when @cap is too small. */
medsec_err medsec_checkin_make(const struct medsec_checkin *in, const unsigned char priv[64],
                               unsigned char *out, size_t cap, size_t *len,
                               struct medsec_error *err) __attribute__((warn_unused_result));

/* The install report inside a check-in (fields install_seq, install_result, security_version),
 * read against the security version @offered of a release rolled out to the device. */
enum medsec_checkin_install {
    MEDSEC_INSTALL_NONE,       /* no news about that release: still offered */
    MEDSEC_INSTALL_INSTALLING, /* installed as a trial image, not yet confirmed */
    MEDSEC_INSTALL_SUCCEEDED,  /* the device's security version reached @offered (confirmed) */
    MEDSEC_INSTALL_FAILED      /* refused, failed or rolled back: install_result says why */
};
/* SUCCEEDED when security_version >= @offered; else by the last install attempt when its
 * install_seq is @offered (result 0: INSTALLING, else FAILED); else NONE. A refusal before the
 * agent read the bundle's sequence number (install_seq 0, result nonzero: e.g. a bad signature)
 * names no release and gives NONE: the server sees it in install_result (docs/checkin.md). */
enum medsec_checkin_install medsec_checkin_install_state(const struct medsec_checkin *c,
                                                         uint64_t offered);

/* The agent's error name for an install_result ("ok", "signature", ... as msa_strerror's
 * sentence); never NULL. */
const char *medsec_checkin_result_text(int32_t result);

#ifdef __cplusplus
}
#endif
#endif
