/* decom.c: decommissioning: patient data and device secrets destroyed, then a record signed by the
 * device key that says so and ties itself to the security log's last record (docs/agent.md,
 * "Decommissioning"). */
#include "msa/agent.h"

#include "internal.h"

#define DECOM_MAGIC "MSADECOM"

msa_err msa_decommission(struct msa_agent *a, const unsigned char device_id[16], unsigned char *out,
                         size_t cap, size_t *len)
{
    const struct msa_port *p = a->port;
    uint64_t sv;
    msa_err rc;
    int again = a->st.decommissioned;
    if (a->inst_open)
        return MSA_E_STATE;
    if (!out || cap < MSA_DECOM_BYTES || !p->sign || !p->key_erase || !p->data_erase)
        return MSA_E_ARG;
    if ((rc = msa_security_version(a, &sv)))
        return rc;
    /* the state first: from here on the device neither boots nor updates, whatever happens to
     * the power; a call on a decommissioned device repeats the steps (each is idempotent) */
    if (!again) {
        a->st.decommissioned = 1;
        if ((rc = msa_state_store(p, &a->st)))
            return rc;
    }
    /* logged while the log key still seals it (a repeat is logged too) */
    if ((rc = msa_log_append(&a->log, p, MSA_EV_DECOMMISSION, MSA_OK, sv, device_id)))
        return rc;
    /* patient data, then the key it is encrypted under (crypto-erase), then the log key */
    if (p->data_erase(p->ctx) || p->key_erase(p->ctx, MSA_KEY_DATA) ||
        p->key_erase(p->ctx, MSA_KEY_LOG))
        return MSA_E_PORT;
    memset(out, 0, MSA_DECOM_BYTES);
    memcpy(out, DECOM_MAGIC, 8);
    msa_put32(out + 8, 1);
    msa_put32(out + 12,
              MSA_DECOM_DATA | MSA_DECOM_DATA_KEY | MSA_DECOM_LOG_KEY | MSA_DECOM_DEVICE_KEY);
    msa_put64(out + 16, p->now ? p->now(p->ctx) : 0);
    msa_put64(out + 24, sv);
    msa_put32(out + 32, a->log.last);
    memcpy(out + 36, a->log.head, 32);
    if (device_id)
        memcpy(out + 68, device_id, 16);
    /* the device key signs its last signature, then goes: a record is only valid when this
     * function returned MSA_OK */
    if (p->sign(p->ctx, out, MSA_DECOM_SIGNED, out + MSA_DECOM_SIGNED)) {
        memset(out, 0, MSA_DECOM_BYTES);
        return again ? MSA_E_STATE : MSA_E_PORT; /* again: the device key is already gone */
    }
    if (p->key_erase(p->ctx, MSA_KEY_DEVICE)) {
        memset(out, 0, MSA_DECOM_BYTES);
        return MSA_E_PORT;
    }
    *len = MSA_DECOM_BYTES;
    return MSA_OK;
}

msa_err msa_decom_verify(const struct msa_port *port, const unsigned char *rec, size_t n,
                         const unsigned char pub[32], struct msa_decom_record *out)
{
    if (n != MSA_DECOM_BYTES || memcmp(rec, DECOM_MAGIC, 8) || msa_get32(rec + 8) != 1)
        return MSA_E_STRUCTURE;
    if (!port->verify || port->verify(port->ctx, MSA_ALG_EDDSA, pub, 32, rec, MSA_DECOM_SIGNED,
                                      rec + MSA_DECOM_SIGNED, 64))
        return MSA_E_SIGNATURE;
    if (out) {
        out->version = msa_get32(rec + 8);
        out->erased = msa_get32(rec + 12);
        out->time = msa_get64(rec + 16);
        out->security_version = msa_get64(rec + 24);
        out->log_last = msa_get32(rec + 32);
        memcpy(out->log_head, rec + 36, 32);
        memcpy(out->device_id, rec + 68, 16);
    }
    return MSA_OK;
}
