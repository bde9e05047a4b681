/* state.c: the agent's persistent state in two copies. Each copy carries a generation number and
 * the SHA-256 of its bytes; a write goes to the copy that does not hold the newest state, so a
 * write torn by a power cut leaves the other copy, one step older, valid. */
#include "msa/agent.h"

#include "internal.h"

#define STATE_MAGIC "MSAS"
#define STATE_VERSION 1u
#define STATE_BODY (MSA_STATE_USED - 32) /* bytes the digest covers */
#define STATE_KIDS 212                   /* the revoked key ids */

/* msa_config.h's MSA_STATE_BYTES must hold a copy (C99: a negative array size stops the build) */
typedef char msa_state_fits[MSA_STATE_BYTES >= MSA_STATE_USED ? 1 : -1];

msa_err msa_state_encode(const struct msa_port *port, const struct msa_state *st,
                         unsigned char out[MSA_STATE_BYTES])
{
    memset(out, 0, MSA_STATE_BYTES);
    memcpy(out, STATE_MAGIC, 4);
    msa_put32(out + 4, STATE_VERSION);
    msa_put32(out + 8, st->gen);
    for (unsigned s = 0; s < MSA_SLOTS; s++) {
        unsigned char *p = out + 12 + 48 * s;
        p[0] = st->slot[s].valid ? 1 : 0;
        msa_put32(p + 4, st->slot[s].size);
        msa_put64(p + 8, st->slot[s].seq);
        memcpy(p + 16, st->slot[s].digest, 32);
    }
    out[108] = st->confirmed;
    out[109] = st->trial;
    out[110] = st->trial_boots;
    out[111] = st->decommissioned;
    msa_put64(out + 112, st->revoked.number);
    out[120] = st->j_active ? 1 : 0;
    out[121] = st->j_slot;
    msa_put32(out + 124, st->j_done);
    msa_put32(out + 128, st->j_size);
    msa_put64(out + 136, st->j_seq);
    memcpy(out + 144, st->j_bundle, 32);
    memcpy(out + 176, st->j_digest, 32);
    msa_put32(out + 208, st->revoked.n);
    for (unsigned i = 0; i < st->revoked.n && i < MSA_REVOKED_MAX; i++)
        memcpy(out + STATE_KIDS + MSA_KID_BYTES * i, st->revoked.kid[i], MSA_KID_BYTES);
    return msa_sha256_buf(port, out, STATE_BODY, out + STATE_BODY);
}

static int slot_ok(uint8_t s)
{
    return s < MSA_SLOTS || s == MSA_NO_SLOT;
}

msa_err msa_state_decode(const struct msa_port *port, const unsigned char in[MSA_STATE_BYTES],
                         struct msa_state *st)
{
    unsigned char d[32];
    if (memcmp(in, STATE_MAGIC, 4) || msa_get32(in + 4) != STATE_VERSION)
        return MSA_E_STRUCTURE;
    msa_err rc = msa_sha256_buf(port, in, STATE_BODY, d);
    if (rc)
        return rc;
    if (msa_ct_diff(d, in + STATE_BODY, 32))
        return MSA_E_DIGEST;
    memset(st, 0, sizeof *st);
    st->gen = msa_get32(in + 8);
    for (unsigned s = 0; s < MSA_SLOTS; s++) {
        const unsigned char *p = in + 12 + 48 * s;
        st->slot[s].valid = p[0] ? 1 : 0;
        st->slot[s].size = msa_get32(p + 4);
        st->slot[s].seq = msa_get64(p + 8);
        memcpy(st->slot[s].digest, p + 16, 32);
    }
    st->confirmed = in[108];
    st->trial = in[109];
    st->trial_boots = in[110];
    st->decommissioned = in[111];
    st->revoked.number = msa_get64(in + 112);
    st->revoked.n = msa_get32(in + 208);
    if (st->revoked.n > MSA_REVOKED_MAX)
        return MSA_E_STRUCTURE;
    for (unsigned i = 0; i < st->revoked.n; i++)
        memcpy(st->revoked.kid[i], in + STATE_KIDS + MSA_KID_BYTES * i, MSA_KID_BYTES);
    st->j_active = in[120] ? 1 : 0;
    st->j_slot = in[121];
    st->j_done = msa_get32(in + 124);
    st->j_size = msa_get32(in + 128);
    st->j_seq = msa_get64(in + 136);
    memcpy(st->j_bundle, in + 144, 32);
    memcpy(st->j_digest, in + 176, 32);
    /* a digest-correct copy with impossible values is treated as damaged */
    if (!slot_ok(st->confirmed) || !slot_ok(st->trial) || (st->j_active && st->j_slot >= MSA_SLOTS))
        return MSA_E_STRUCTURE;
    return MSA_OK;
}

msa_err msa_state_load(const struct msa_port *port, struct msa_state *st)
{
    /* decode straight into @st (no second struct on the stack): the older good copy first,
     * then the newer one over it */
    unsigned char buf[MSA_STATE_BYTES];
    uint32_t gen[2];
    int good[2];
    for (unsigned c = 0; c < 2; c++) {
        memset(buf, 0, sizeof buf);
        if (port->state_read(port->ctx, c, buf, MSA_STATE_USED))
            return MSA_E_PORT;
        msa_err rc = msa_state_decode(port, buf, st);
        if (rc == MSA_E_PORT)
            return rc;
        good[c] = rc == MSA_OK;
        gen[c] = msa_get32(buf + 8);
    }
    if (!good[0] && !good[1])
        return MSA_E_NO_IMAGE;
    /* generations differ by one between the copies; compare modulo 2^32 */
    unsigned best = !good[0] || (good[1] && (int32_t)(gen[1] - gen[0]) > 0) ? 1 : 0;
    if (best == 1 && good[1])
        return MSA_OK; /* copy 1 was decoded last */
    memset(buf, 0, sizeof buf);
    if (port->state_read(port->ctx, best, buf, MSA_STATE_USED))
        return MSA_E_PORT;
    return msa_state_decode(port, buf, st);
}

msa_err msa_state_store(const struct msa_port *port, struct msa_state *st)
{
    unsigned char buf[MSA_STATE_BYTES];
    st->gen++;
    msa_err rc = msa_state_encode(port, st, buf);
    /* generation g lives in copy g % 2: the other copy holds g - 1. After a failed write the
     * same copy is the one to write again, never the last good one. */
    if (!rc && port->state_write(port->ctx, st->gen & 1u, buf, MSA_STATE_USED))
        rc = MSA_E_PORT;
    if (rc)
        st->gen--;
    return rc;
}
