/* error.c: msa_strerror. */
#include "msa/msa.h"

const char *msa_strerror(msa_err e)
{
    switch (e) {
    case MSA_OK: return "success";
    case MSA_E_CBOR: return "the bundle is not well-formed CBOR or has an item of the wrong type";
    case MSA_E_TRUNCATED: return "the bundle is truncated";
    case MSA_E_UNSUPPORTED:
        return "the bundle uses a SUIT or COSE feature the agent does not support";
    case MSA_E_LIMIT: return "an item of the bundle exceeds a configured bound";
    case MSA_E_STRUCTURE: return "a required SUIT member is missing, duplicated or misplaced";
    case MSA_E_SIGNATURE: return "a signature does not verify";
    case MSA_E_KEY_UNKNOWN: return "the signing key is not trusted";
    case MSA_E_KEY_EXPIRED: return "the signing key's certificate is expired or not yet valid";
    case MSA_E_KEY_REVOKED: return "the signing key is revoked";
    case MSA_E_KEY_PURPOSE: return "the signing key is not certified for this purpose";
    case MSA_E_THRESHOLD: return "fewer valid signatures than the trust anchor requires";
    case MSA_E_DIGEST: return "the manifest does not match its authenticated digest";
    case MSA_E_BAD_KEY: return "a key or certificate is malformed";
    case MSA_E_VENDOR: return "the bundle is for another vendor's device";
    case MSA_E_CLASS: return "the bundle is for another device model or hardware";
    case MSA_E_ROLLBACK: return "the bundle is not newer than the installed security version";
    case MSA_E_IMAGE_DIGEST: return "a payload does not match its digest";
    case MSA_E_IMAGE_SIZE: return "a payload's size is wrong or exceeds its slot";
    case MSA_E_CONDITION: return "a SUIT condition failed";
    case MSA_E_PORT: return "the device's storage or crypto reported a failure";
    case MSA_E_STATE: return "not allowed in the agent's current state";
    case MSA_E_NO_IMAGE: return "no slot holds a verified image";
    case MSA_E_LOG: return "the security log is corrupt";
    case MSA_E_ARG: return "invalid argument";
    case MSA_E_ROLLED_BACK:
        return "the new image did not confirm itself on its trial boots: the device rolled back";
    }
    return "unknown error";
}
