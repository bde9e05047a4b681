/* msa/msa.h: the medsec device agent (C99, no heap in the core). Error codes shared by every part
 * of the agent, and the agent's version. docs/agent.md describes the agent; docs/suit.md the SUIT
 * subset it reads.
 *
 * Every function of the agent returns an msa_err; MSA_OK is 0, failures are negative so that a
 * caller may test `< 0`. msa_strerror gives a fixed English sentence for each. */
#ifndef MSA_MSA_H
#define MSA_MSA_H

#include <stddef.h>
#include <stdint.h>

#include "msa_config.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MSA_VERSION "0.1.0"

typedef enum msa_err {
    MSA_OK = 0,
    /* the bundle's bytes */
    MSA_E_CBOR = -1,        /* not well-formed CBOR, or a CBOR type other than the one required */
    MSA_E_TRUNCATED = -2,   /* the bundle ends before one of its items does */
    MSA_E_UNSUPPORTED = -3, /* well-formed, but uses a SUIT or COSE feature outside our subset */
    MSA_E_LIMIT = -4,       /* an item exceeds a bound of msa_config.h (buffer, depth, count) */
    MSA_E_STRUCTURE = -5,   /* a required SUIT member is missing, duplicated or misplaced */
    /* authenticity */
    MSA_E_SIGNATURE = -10,   /* a signature does not verify */
    MSA_E_KEY_UNKNOWN = -11, /* no trusted key or valid certificate has the signer's key id */
    MSA_E_KEY_EXPIRED = -12, /* the signer's certificate is outside its validity at the time */
    MSA_E_KEY_REVOKED = -13, /* the signer's key is on the revocation list */
    MSA_E_KEY_PURPOSE = -14, /* the signer's certificate does not allow this purpose */
    MSA_E_THRESHOLD = -15,   /* fewer valid signatures than the trust anchor requires (k of n) */
    MSA_E_DIGEST = -16,      /* the manifest does not match the authenticated digest */
    MSA_E_BAD_KEY = -17,     /* a key or certificate is malformed */
    /* the update against this device */
    MSA_E_VENDOR = -20,       /* vendor identifier is not this device's */
    MSA_E_CLASS = -21,        /* class identifier (model / hardware) is not this device's */
    MSA_E_ROLLBACK = -22,     /* sequence number not above the device's security version */
    MSA_E_IMAGE_DIGEST = -23, /* a payload does not match its digest */
    MSA_E_IMAGE_SIZE = -24, /* a payload's size differs from the manifest's, or exceeds the slot */
    MSA_E_CONDITION = -25,  /* another SUIT condition failed */
    /* the device */
    MSA_E_PORT = -30,       /* the porting layer reported an I/O failure */
    MSA_E_STATE = -31,      /* the call is not allowed in the agent's current state */
    MSA_E_NO_IMAGE = -32,   /* no slot holds a verified image */
    MSA_E_LOG = -33,        /* the security log is corrupt (its chain does not verify) */
    MSA_E_ARG = -34,        /* a caller passed an invalid argument */
    MSA_E_ROLLED_BACK = -35 /* a trial image never confirmed itself: the device rolled back
                               (reported in check-ins, docs/checkin.md) */
} msa_err;

/* A fixed sentence for @e (never NULL). */
const char *msa_strerror(msa_err e);

#ifdef __cplusplus
}
#endif
#endif
