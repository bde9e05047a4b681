/* install.c: writing an image into the inactive slot, resumable after a power cut. The journal in
 * the persistent state names the slot, the bundle's digest and the bytes written so far (in
 * checkpoints of MSA_JOURNAL_BYTES); the slot is marked invalid before its first byte is erased,
 * and becomes the trial image only after the whole slot was read back and matched its digest. */
#include "msa/agent.h"

#include "internal.h"

unsigned msa_install_slot(const struct msa_agent *a)
{
    unsigned keep = a->st.confirmed;
    if (keep >= MSA_SLOTS)
        keep = a->booted;
    return keep < MSA_SLOTS ? 1u - keep : 0u;
}

static void note(struct msa_agent *a, uint16_t ev, msa_err code, uint64_t value,
                 const unsigned char *detail)
{
    (void)msa_log_append(&a->log, a->port, ev, code, value, detail);
}

/* Erase slot @s from @from to the end of the image's last checkpoint, one checkpoint at a time. */
static msa_err erase_from(struct msa_agent *a, unsigned s, uint32_t from, uint32_t size)
{
    uint32_t cap = a->port->slot_size(a->port->ctx, s);
    uint32_t end =
        size % MSA_JOURNAL_BYTES ? size + (MSA_JOURNAL_BYTES - size % MSA_JOURNAL_BYTES) : size;
    if (end > cap || end < size)
        end = cap;
    for (uint32_t off = from; off < end;) {
        uint32_t n = end - off < MSA_JOURNAL_BYTES ? end - off : MSA_JOURNAL_BYTES;
        if (a->port->slot_erase(a->port->ctx, s, off, n))
            return MSA_E_PORT;
        off += n;
    }
    return MSA_OK;
}

msa_err msa_install_begin(struct msa_agent *a, const unsigned char bundle[32], uint64_t seq,
                          uint32_t size, const unsigned char digest[32], uint32_t *resume)
{
    struct msa_state *st = &a->st;
    uint64_t sv;
    msa_err rc;
    if (st->decommissioned || a->inst_open || st->trial != MSA_NO_SLOT)
        return MSA_E_STATE;
    if ((rc = msa_security_version(a, &sv)))
        return rc;
    if (seq <= sv) {
        note(a, MSA_EV_UPDATE_RESULT, MSA_E_ROLLBACK, seq, bundle);
        return MSA_E_ROLLBACK;
    }
    unsigned t = msa_install_slot(a);
    if (!size || size > a->port->slot_size(a->port->ctx, t)) {
        note(a, MSA_EV_UPDATE_RESULT, MSA_E_IMAGE_SIZE, seq, bundle);
        return MSA_E_IMAGE_SIZE;
    }
    note(a, MSA_EV_UPDATE_START, MSA_OK, seq, bundle);
    a->inst_resumed = st->j_active && st->j_slot == t && st->j_seq == seq && st->j_size == size &&
                      !memcmp(st->j_bundle, bundle, 32) && !memcmp(st->j_digest, digest, 32) &&
                      st->j_done <= size && st->j_done % MSA_JOURNAL_BYTES == 0;
    if (!a->inst_resumed) {
        st->j_active = 1;
        st->j_slot = (uint8_t)t;
        st->j_done = 0;
        st->j_size = size;
        st->j_seq = seq;
        memcpy(st->j_bundle, bundle, 32);
        memcpy(st->j_digest, digest, 32);
        st->slot[t].valid = 0; /* before a byte of it is erased */
        if ((rc = msa_state_store(a->port, st)))
            return rc;
    }
    /* bytes past the last checkpoint may be half written: erase them again */
    if ((rc = erase_from(a, t, st->j_done, size)))
        return rc;
    a->inst_open = 1;
    a->inst_skip = st->j_done;
    a->inst_pos = 0;
    if (resume)
        *resume = st->j_done;
    return MSA_OK;
}

msa_err msa_install_write(struct msa_agent *a, uint32_t off, const void *data, size_t n)
{
    struct msa_state *st = &a->st;
    const unsigned char *p = data;
    if (!a->inst_open)
        return MSA_E_STATE;
    if (off != a->inst_pos)
        return MSA_E_ARG;
    if (n > st->j_size - a->inst_pos)
        return MSA_E_IMAGE_SIZE;
    while (n) {
        uint32_t pos = a->inst_pos;
        uint32_t room = MSA_JOURNAL_BYTES - pos % MSA_JOURNAL_BYTES;
        uint32_t piece = n < room ? (uint32_t)n : room;
        if (pos + piece > a->inst_skip) {
            uint32_t from = pos < a->inst_skip ? a->inst_skip : pos;
            if (a->port->slot_write(a->port->ctx, st->j_slot, from, p + (from - pos),
                                    piece - (from - pos)))
                return MSA_E_PORT;
        }
        a->inst_pos = pos + piece;
        p += piece;
        n -= piece;
        if (a->inst_pos % MSA_JOURNAL_BYTES == 0 && a->inst_pos > st->j_done &&
            a->inst_pos < st->j_size) {
            st->j_done = a->inst_pos;
            msa_err rc = msa_state_store(a->port, st);
            if (rc)
                return rc;
        }
    }
    return MSA_OK;
}

msa_err msa_install_finish(struct msa_agent *a)
{
    struct msa_state *st = &a->st;
    if (!a->inst_open)
        return MSA_E_STATE;
    if (a->inst_pos != st->j_size)
        return msa_install_abort(a, MSA_E_IMAGE_SIZE);
    unsigned t = st->j_slot;
    struct msa_slot_info keep = st->slot[t];
    st->slot[t].valid = 1;
    st->slot[t].size = st->j_size;
    st->slot[t].seq = st->j_seq;
    memcpy(st->slot[t].digest, st->j_digest, 32);
    /* what is in flash is what counts, whatever the stream said */
    msa_err rc = msa_slot_verify(a, t);
    if (rc) {
        st->slot[t] = keep;
        if (rc == MSA_E_PORT)
            return rc;
        return msa_install_abort(a, rc);
    }
    st->trial = (uint8_t)t;
    st->trial_boots = 0;
    st->j_active = 0;
    if ((rc = msa_state_store(a->port, st)))
        return rc;
    a->inst_open = 0;
    note(a, MSA_EV_UPDATE_RESULT, MSA_OK, st->slot[t].seq, st->j_bundle);
    return MSA_OK;
}

msa_err msa_install_abort(struct msa_agent *a, msa_err why)
{
    struct msa_state *st = &a->st;
    a->inst_open = 0;
    note(a, MSA_EV_UPDATE_RESULT, why, st->j_seq, st->j_bundle);
    if (st->j_active) {
        st->j_active = 0;
        msa_err rc = msa_state_store(a->port, st);
        if (rc)
            return rc;
    }
    return why;
}
