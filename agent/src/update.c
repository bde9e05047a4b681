/* update.c: msa_update: a bundle read as a stream goes through the SUIT verifier (msa/stream.h)
 * into the installer; nothing is written before the bundle is authenticated and checked against
 * the device, and the image becomes a trial image only when its digest matched. */
#include "msa/agent.h"

#include "internal.h"

/* The sink of the verifier: component 0's payload bytes into the inactive slot. The install
 * begins with the first byte (the plan is authenticated by then). */
static int sink(void *arg, unsigned component, uint64_t offset, const unsigned char *bytes,
                size_t n)
{
    struct msa_update *u = arg;
    struct msa_agent *a = u->agent;
    msa_err rc = MSA_OK;
    if (component != 0)
        rc = MSA_E_UNSUPPORTED; /* one image per bundle: the A/B slots hold component 0 */
    else if (!u->begun) {
        const struct msa_suit_plan *p = msa_stream_plan(&u->stream);
        const struct msa_suit_component *c = p ? &p->components[0] : NULL;
        const struct msa_bytes *m = &u->stream.env.manifest_item;
        if (!c || !(c->have & MSA_HAVE_SIZE) || !(c->have & MSA_HAVE_DIGEST) || c->digest.len != 32)
            rc = MSA_E_STRUCTURE;
        else if (c->size > UINT32_MAX)
            rc = MSA_E_IMAGE_SIZE;
        else if (!(rc = msa_sha256_buf(a->port, m->ptr, m->len, u->bundle))) {
            rc = msa_install_begin(a, u->bundle, p->sequence, (uint32_t)c->size, c->digest.ptr,
                                   NULL);
            u->begin_refused = rc != MSA_OK; /* it logged why */
        }
        u->begun = rc == MSA_OK;
    }
    if (!rc)
        rc = offset > UINT32_MAX ? MSA_E_IMAGE_SIZE
                                 : msa_install_write(a, (uint32_t)offset, bytes, n);
    if (rc) {
        u->install_rc = rc;
        return -1;
    }
    return 0;
}

/* Pass everything @read gives to @feed; MSA_E_PORT when reading fails. */
static msa_err pump(struct msa_update *u, msa_read_fn read, void *arg, int payload)
{
    unsigned char chunk[MSA_CHUNK_BYTES];
    for (;;) {
        size_t got = 0;
        if (read(arg, chunk, sizeof chunk, &got) || got > sizeof chunk) {
            u->read_failed = 1;
            return MSA_E_PORT;
        }
        if (!got)
            return MSA_OK;
        msa_err rc = payload ? msa_stream_payload_feed(&u->stream, chunk, got)
                             : msa_stream_feed(&u->stream, chunk, got);
        if (rc)
            return rc;
    }
}

static int is_auth_error(msa_err e)
{
    return e <= MSA_E_SIGNATURE && e >= MSA_E_BAD_KEY;
}

msa_err msa_update(struct msa_agent *a, struct msa_update *u, const struct msa_trust *trust,
                   struct msa_revoked *rev, msa_read_fn read, void *arg, msa_read_fn payload,
                   void *parg)
{
    struct msa_stream_config cfg;
    uint64_t sv;
    msa_err rc;
    if (a->st.decommissioned || a->inst_open || a->st.trial != MSA_NO_SLOT)
        return MSA_E_STATE;
    if ((rc = msa_security_version(a, &sv)))
        return rc;
    memset(&cfg, 0, sizeof cfg);
    cfg.port = a->port;
    cfg.trust = trust;
    /* the device's own list: a newer one counts only once the verifier applied it */
    u->revoked = a->st.revoked;
    cfg.revoked = &u->revoked;
    cfg.counter = sv;
    cfg.sink = sink;
    cfg.sink_arg = u;
    u->agent = a;
    u->install_rc = MSA_OK;
    u->begun = 0;
    u->read_failed = 0;
    u->begin_refused = 0;
    rc = msa_stream_init(&u->stream, &cfg, u->buf, sizeof u->buf);
    if (!rc)
        rc = pump(u, read, arg, 0);
    if (!rc)
        rc = msa_stream_finish(&u->stream);
    if (!rc && !(msa_stream_verified(&u->stream) & 1u)) {
        /* component 0's payload is detached: it comes from the second reader */
        if (!payload)
            rc = MSA_E_STRUCTURE;
        else if (!(rc = msa_stream_payload_begin(&u->stream, 0)) &&
                 !(rc = pump(u, payload, parg, 1)))
            rc = msa_stream_payload_end(&u->stream);
    }
    if (rc == MSA_E_PORT && u->install_rc)
        rc = u->install_rc;
    if (!rc && !u->begun)
        rc = MSA_E_IMAGE_SIZE; /* an empty image: nothing to install */
    /* a newer revocation list (authenticated by the verifier) is kept whatever the bundle's
     * fate: with the install's own state write, else with one of its own below */
    int newer = u->revoked.number > a->st.revoked.number;
    if (newer)
        a->st.revoked = u->revoked;
    if (rev)
        *rev = a->st.revoked;
    if (!rc)
        return msa_install_finish(a);
    if (u->begun && a->inst_open) {
        /* a failed read or write, or a bundle cut short, keeps the journal: the same bundle
         * resumes (the whole image is checked at its end anyway); a bundle that proved bad
         * does not */
        if (rc == MSA_E_PORT || rc == MSA_E_TRUNCATED) {
            a->inst_open = 0;
            (void)msa_log_append(&a->log, a->port, MSA_EV_UPDATE_RESULT, rc, a->st.j_seq,
                                 a->st.j_bundle);
        } else
            (void)msa_install_abort(a, rc);
    } else if (!u->begun && rc != MSA_E_PORT && rc != MSA_E_STATE && !u->begin_refused) {
        /* refused before the installer saw it (msa_install_begin logs its own refusals): the
         * sequence number and manifest digest when the bundle got as far as authenticated */
        const struct msa_suit_plan *p = msa_stream_plan(&u->stream);
        const struct msa_bytes *m = &u->stream.env.manifest_item;
        unsigned char d[32] = {0};
        if (p && m->ptr)
            (void)msa_sha256_buf(a->port, m->ptr, m->len, d);
        (void)msa_log_append(&a->log, a->port,
                             is_auth_error(rc) ? MSA_EV_AUTH_FAIL : MSA_EV_UPDATE_RESULT, rc,
                             p ? p->sequence : 0, d);
    }
    if (newer && rc != MSA_E_PORT && msa_state_store(a->port, &a->st))
        return MSA_E_PORT;
    return rc;
}
