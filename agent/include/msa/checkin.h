/* msa/checkin.h: the device's signed check-in (docs/checkin.md): what the device runs (slot,
 * security version, image digest, release version), where its security log stands and how its
 * last install attempt ended, as a deterministic CBOR map with integer keys inside a COSE_Sign1
 * (RFC 9052) signed with EdDSA by the device key (port->sign). The manufacturer's server decodes
 * and verifies it with libmedsec (medsec/checkin.h), which shares this encoder. No heap. */
#ifndef MSA_CHECKIN_H
#define MSA_CHECKIN_H

#include "msa/agent.h"
#include "msa/msa.h"
#include "msa/port.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes of the largest check-in (every field at its widest): a caller's buffer of this size is
 * always enough. */
#define MSA_CHECKIN_MAX 512
/* Longest release version text (bytes, printable ASCII). */
#define MSA_CHECKIN_VERSION_MAX 32
/* The running slot when the agent does not know it (nothing booted, nothing confirmed). */
#define MSA_CHECKIN_NO_SLOT 255u
/* The COSE content type (protected header 3) of a check-in. */
#define MSA_CHECKIN_CONTENT_TYPE "application/vnd.medsec.checkin+cbor"

/* Payload map keys (docs/checkin.md). */
enum msa_checkin_key {
    MSA_CK_DEVICE_ID = 1,       /* bstr 16 */
    MSA_CK_COUNTER = 2,         /* uint, strictly increasing per device */
    MSA_CK_TIME = 3,            /* uint, device clock (0: none) */
    MSA_CK_SECURITY_VER = 4,    /* uint */
    MSA_CK_VERSION = 5,         /* tstr, 0..32 printable ASCII */
    MSA_CK_SLOT = 6,            /* uint 0..255 */
    MSA_CK_IMAGE_DIGEST = 7,    /* bstr 32 */
    MSA_CK_LOG_FIRST = 8,       /* uint 32-bit */
    MSA_CK_LOG_LAST = 9,        /* uint 32-bit */
    MSA_CK_LOG_DROPPED = 10,    /* uint 32-bit */
    MSA_CK_LOG_HEAD = 11,       /* bstr 32 */
    MSA_CK_INSTALL_SEQ = 12,    /* uint */
    MSA_CK_INSTALL_RESULT = 13, /* int 32-bit */
    MSA_CK_BUNDLE_DIGEST = 14   /* bstr 32 */
};
#define MSA_CK_FIELDS 14

/* The fields of one check-in. */
struct msa_checkin {
    unsigned char device_id[16];
    uint64_t counter;
    uint64_t time;
    uint64_t security_version;
    char version[MSA_CHECKIN_VERSION_MAX + 1];
    unsigned slot;
    unsigned char image_digest[32];
    uint32_t log_first, log_last, log_dropped;
    unsigned char log_head[32];
    uint64_t install_seq;
    int32_t install_result;
    unsigned char bundle_digest[32];
};

/* The payload (the CBOR map) of @ci into @out (capacity @cap), *@len its bytes. MSA_E_ARG for a
 * version that is too long or not printable ASCII, or a slot above 255; MSA_E_LIMIT when @cap is
 * too small. */
msa_err msa_checkin_payload(const struct msa_checkin *ci, unsigned char *out, size_t cap,
                            size_t *len);

/* The protected header's bytes ({1: -8, 3: MSA_CHECKIN_CONTENT_TYPE}); *@len gets their count. */
const unsigned char *msa_checkin_protected(size_t *len);

/* The whole check-in of @ci: the COSE_Sign1 (tag 18) signed through @port->sign, into @out
 * (capacity @cap, MSA_CHECKIN_MAX is enough). With @port NULL the signature is left as 64 zero
 * bytes (the verifier uses this to re-encode what it decoded). */
msa_err msa_checkin_encode(const struct msa_port *port, const struct msa_checkin *ci,
                           unsigned char *out, size_t cap, size_t *len);

/* Build and sign the agent's check-in: the running slot (the one msa_boot chose, else the
 * confirmed one, else the trial one), its security version (msa_security_version), the running
 * image's digest, the release version text @version (NULL or "" when unknown), the last install
 * attempt found in the security log: the newest update result, refusal, rollback
 * (MSA_E_ROLLED_BACK when its trial boots ran out) or confirmation, with its sequence number (0
 * when the bundle was refused before its sequence number was read) and the bundle digest when the
 * install journal still names that attempt; and the log's position. The counter is the sequence
 * number of a "checkin" record appended to the security log first, so it strictly increases
 * across reboots and power cuts without a new state field; *@counter (may be NULL) gets it.
 * @device_id: the device's 16-byte id (its UUID). MSA_E_STATE on a decommissioned device,
 * MSA_E_LOG when the log cannot be written. */
msa_err msa_checkin_build(struct msa_agent *a, const unsigned char device_id[16], uint64_t *counter,
                          const char *version, unsigned char *out, size_t cap, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
