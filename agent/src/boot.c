/* boot.c: starting the agent, the boot decision (trial boot counter, automatic rollback, digest
 * and anti-rollback checks before a slot runs) and the trial image's confirmation. */
#include "msa/agent.h"

#include "internal.h"

msa_err msa_agent_init(struct msa_agent *a, const struct msa_port *port)
{
    memset(a, 0, sizeof *a);
    a->port = port;
    a->booted = MSA_NO_SLOT;
    msa_err rc = msa_state_load(port, &a->st);
    if (rc == MSA_E_NO_IMAGE) {
        /* a new device (or both copies destroyed): nothing installed, nothing trusted */
        memset(&a->st, 0, sizeof a->st);
        a->st.confirmed = MSA_NO_SLOT;
        a->st.trial = MSA_NO_SLOT;
        rc = MSA_OK;
    }
    if (rc)
        return rc;
    return msa_log_open(&a->log, port);
}

msa_err msa_security_version(const struct msa_agent *a, uint64_t *v)
{
    if (a->port->counter_read(a->port->ctx, v))
        return MSA_E_PORT;
    uint8_t c = a->st.confirmed;
    if (c < MSA_SLOTS && a->st.slot[c].valid && a->st.slot[c].seq > *v)
        *v = a->st.slot[c].seq;
    return MSA_OK;
}

msa_err msa_slot_verify(const struct msa_agent *a, unsigned slot)
{
    const struct msa_port *p = a->port;
    const struct msa_slot_info *si = &a->st.slot[slot];
    unsigned char buf[MSA_CHUNK_BYTES], d[32];
    struct msa_sha256 h;
    if (slot >= MSA_SLOTS || !si->valid)
        return MSA_E_NO_IMAGE;
    if (si->size > p->slot_size(p->ctx, slot))
        return MSA_E_IMAGE_SIZE;
    if (p->sha256_init(p->ctx, &h))
        return MSA_E_PORT;
    for (uint32_t off = 0; off < si->size;) {
        size_t n = si->size - off < sizeof buf ? si->size - off : sizeof buf;
        if (p->slot_read(p->ctx, slot, off, buf, n) || p->sha256_update(p->ctx, &h, buf, n))
            return MSA_E_PORT;
        off += (uint32_t)n;
    }
    if (p->sha256_final(p->ctx, &h, d))
        return MSA_E_PORT;
    return msa_ct_diff(d, si->digest, 32) ? MSA_E_IMAGE_DIGEST : MSA_OK;
}

/* Log an event; a boot goes on when the log cannot be written (its storage failing must not
 * brick the device), the caller sees the state's own errors only. */
static void note(struct msa_agent *a, uint16_t ev, msa_err code, uint64_t value, unsigned slot)
{
    unsigned char detail[16] = {0};
    detail[0] = (unsigned char)slot;
    (void)msa_log_append(&a->log, a->port, ev, code, value, detail);
}

/* @s may run: it holds a valid image not below the counter @ctr whose bytes match. */
static msa_err runnable(struct msa_agent *a, unsigned s, uint64_t ctr)
{
    if (s >= MSA_SLOTS || !a->st.slot[s].valid)
        return MSA_E_NO_IMAGE;
    if (a->st.slot[s].seq < ctr)
        return MSA_E_ROLLBACK;
    msa_err rc = msa_slot_verify(a, s);
    if (rc == MSA_E_IMAGE_DIGEST)
        note(a, MSA_EV_TAMPER, rc, a->st.slot[s].seq, s);
    return rc;
}

msa_err msa_boot(struct msa_agent *a, unsigned *slot)
{
    struct msa_state *st = &a->st;
    uint64_t ctr;
    msa_err rc;
    if (st->decommissioned)
        return MSA_E_STATE;
    if (a->port->counter_read(a->port->ctx, &ctr))
        return MSA_E_PORT;
    /* a confirmation cut short between its state write and the counter: finish it */
    uint8_t c = st->confirmed;
    if (c < MSA_SLOTS && st->slot[c].valid && st->slot[c].seq > ctr) {
        if (a->port->counter_advance(a->port->ctx, st->slot[c].seq))
            return MSA_E_PORT;
        ctr = st->slot[c].seq;
    }
    if (st->trial < MSA_SLOTS) {
        unsigned t = st->trial;
        /* MSA_OK as the reason of a rollback: the boots were used up */
        rc = st->trial_boots < MSA_TRIAL_BOOTS ? runnable(a, t, ctr) : MSA_OK;
        int run = st->trial_boots < MSA_TRIAL_BOOTS && !rc;
        if (rc == MSA_E_PORT)
            return rc;
        if (run) {
            /* count the boot before the image runs: a trial image that hangs or resets uses
             * up its boots */
            st->trial_boots++;
            if ((rc = msa_state_store(a->port, st)))
                return rc;
            note(a, MSA_EV_BOOT, MSA_OK, st->slot[t].seq, t);
            a->booted = (uint8_t)t;
            *slot = t;
            return MSA_OK;
        }
        /* roll back: the trial image never confirmed itself (or no longer verifies) */
        uint64_t seq = st->slot[t].seq;
        msa_err why = rc;
        st->slot[t].valid = 0;
        st->trial = MSA_NO_SLOT;
        st->trial_boots = 0;
        if ((rc = msa_state_store(a->port, st)))
            return rc;
        note(a, MSA_EV_ROLLBACK, why, seq, t);
    }
    unsigned order[MSA_SLOTS] = {0, 1};
    if (c == 1) {
        order[0] = 1;
        order[1] = 0;
    }
    for (unsigned i = 0; i < MSA_SLOTS; i++) {
        unsigned s = order[i];
        if (st->j_active && st->j_slot == s)
            continue;
        rc = runnable(a, s, ctr);
        if (rc == MSA_E_PORT)
            return rc;
        if (!rc) {
            note(a, MSA_EV_BOOT, MSA_OK, st->slot[s].seq, s);
            a->booted = (uint8_t)s;
            *slot = s;
            return MSA_OK;
        }
    }
    return MSA_E_NO_IMAGE;
}

msa_err msa_running(struct msa_agent *a, unsigned slot)
{
    if (slot >= MSA_SLOTS)
        return MSA_E_ARG;
    a->booted = (uint8_t)slot;
    return MSA_OK;
}

msa_err msa_confirm(struct msa_agent *a)
{
    struct msa_state *st = &a->st;
    if (st->decommissioned || a->booted == MSA_NO_SLOT || a->booted != st->trial)
        return MSA_E_STATE;
    unsigned t = st->trial;
    uint64_t seq = st->slot[t].seq, ctr;
    st->confirmed = (uint8_t)t;
    st->trial = MSA_NO_SLOT;
    st->trial_boots = 0;
    /* the state first: a cut before the counter moves leaves a confirmed image above the
     * counter, which msa_boot finishes; the other order could leave no bootable image */
    msa_err rc = msa_state_store(a->port, st);
    if (rc)
        return rc;
    if (a->port->counter_read(a->port->ctx, &ctr))
        return MSA_E_PORT;
    if (seq > ctr && a->port->counter_advance(a->port->ctx, seq))
        return MSA_E_PORT;
    note(a, MSA_EV_CONFIRM, MSA_OK, seq, t);
    return MSA_OK;
}
