/* msa/port.h: the porting layer, everything the agent needs from a device. An integrator fills
 * one struct msa_port with functions for the device's flash, persistent state, clock and crypto;
 * agent/port/posix is the host port (file-backed, used by the tests and medsec-agent) and
 * agent/port/template a commented starting point (docs/agent.md, "Porting").
 *
 * Every function gets the port's @ctx first and returns 0 on success, nonzero on failure (the
 * agent turns that into MSA_E_PORT). None may allocate on the agent's behalf. Writes need not be
 * atomic: the agent survives a power cut between any two calls (docs/agent.md, "Power cuts"). */
#ifndef MSA_PORT_H
#define MSA_PORT_H

#include <stddef.h>
#include <stdint.h>

#include "msa_config.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Signature algorithms, by their COSE numbers (RFC 9053). */
#define MSA_ALG_ES256 (-7)
#define MSA_ALG_EDDSA (-8)
/* Digest algorithm SHA-256 by its COSE number (RFC 9054). */
#define MSA_ALG_SHA256 (-16)

/* An incremental SHA-256; the port keeps its state in these bytes (MSA_SHA256_CTX_BYTES of
 * msa_config.h, aligned for any state type). */
struct msa_sha256 {
    union {
        uint64_t align;
        unsigned char bytes[MSA_SHA256_CTX_BYTES];
    } u;
};

struct msa_port {
    void *ctx;

    /* Slots: the two image slots (0 = A, 1 = B) and any other component; @off and @n are byte
     * offsets. erase sets a range to the erased state; write only ever follows erase. */
    uint32_t (*slot_size)(void *ctx, unsigned slot);
    int (*slot_read)(void *ctx, unsigned slot, uint32_t off, void *buf, size_t n);
    int (*slot_write)(void *ctx, unsigned slot, uint32_t off, const void *buf, size_t n);
    int (*slot_erase)(void *ctx, unsigned slot, uint32_t off, size_t n);

    /* Persistent state: two copies (0 and 1) of a small record of at most MSA_STATE_BYTES bytes;
     * the agent writes one copy at a time and checks each copy itself (sequence + digest). */
    int (*state_read)(void *ctx, unsigned copy, void *buf, size_t n);
    int (*state_write)(void *ctx, unsigned copy, const void *buf, size_t n);

    /* The monotonic security counter (anti-rollback). advance may only raise it: a port backs it
     * with OTP fuses, a secure element's counter or, on the host, a file. */
    int (*counter_read)(void *ctx, uint64_t *value);
    int (*counter_advance)(void *ctx, uint64_t value);

    /* The security log's storage: a region of log_size bytes written in records. */
    uint32_t (*log_size)(void *ctx);
    int (*log_read)(void *ctx, uint32_t off, void *buf, size_t n);
    int (*log_write)(void *ctx, uint32_t off, const void *buf, size_t n);
    int (*log_erase)(void *ctx, uint32_t off, size_t n);

    /* Seconds since 1970-01-01 UTC, or 0 when the device has no trusted time (then certificate
     * validity is not checked, and docs/agent.md says so). */
    uint64_t (*now)(void *ctx);

    /* Crypto backend. */
    int (*sha256_init)(void *ctx, struct msa_sha256 *h);
    int (*sha256_update)(void *ctx, struct msa_sha256 *h, const void *data, size_t n);
    int (*sha256_final)(void *ctx, struct msa_sha256 *h, unsigned char out[32]);
    /* Verify signature @sig over the @n bytes at @msg with public key @pub (ES256: 65-byte
     * uncompressed P-256 point and a 64-byte r||s signature; EdDSA: 32-byte Ed25519 key and 64-byte
     * signature). 0 when valid, nonzero otherwise. A port without an algorithm returns nonzero. */
    int (*verify)(void *ctx, int alg, const unsigned char *pub, size_t pub_len, const void *msg,
                  size_t n, const unsigned char *sig, size_t sig_len);

    /* Device secrets, by id (MSA_KEY_*): get copies a secret out, sign signs with the device key
     * (EdDSA), erase destroys a secret for good (decommissioning). */
    int (*key_get)(void *ctx, unsigned id, unsigned char *buf, size_t n);
    int (*sign)(void *ctx, const void *msg, size_t n, unsigned char sig[64]);
    int (*key_erase)(void *ctx, unsigned id);
    /* Erase patient data (decommissioning): a port whose data is encrypted under MSA_KEY_DATA may
     * do nothing here, the key's erasure makes it unreadable (crypto-erase). */
    int (*data_erase)(void *ctx);
};

/* Device secret ids. */
#define MSA_KEY_DEVICE 0 /* the device's Ed25519 signing key */
#define MSA_KEY_LOG 1    /* the 32-byte key of the security log's MAC */
#define MSA_KEY_DATA 2   /* the key patient data is encrypted under */

#ifdef __cplusplus
}
#endif
#endif
