/* verify.c: checking and reading bundles on the manufacturer's side with the device agent's own
 * code (agent/include/msa): verify streams the bundle file through the agent's streaming verifier
 * with the host port's crypto, in chunks, so memory stays constant and the verdict is the one a
 * device with the same anchor would reach; inspect walks the envelope with the agent's CBOR reader
 * and decodes the manifest with the agent's SUIT decoder, skipping integrated payloads. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "medsec/alloc.h"
#include "medsec/release.h"
#include "msa/cbor.h"
#include "msa/cose.h"
#include "msa/stream.h"
#include "msa/suit.h"
#include "msa/trust.h"
#include "posix.h"

#define READ_CHUNK ((size_t)1 << 20)

struct clock {
    uint64_t now;
};

static uint64_t port_now(void *ctx)
{
    return ((const struct clock *)ctx)->now;
}

static void port_init(struct msa_port *port, struct clock *clk)
{
    memset(port, 0, sizeof *port);
    port->ctx = clk;
    port->now = port_now;
    msa_posix_crypto(port);
}

const char *medsec_release_msa_strerror(int e)
{
    return msa_strerror((msa_err)e);
}

/* Open the regular file @path for reading into *fd; its size into *size. */
static medsec_err open_regular(const char *path, int *fd, uint64_t *size, struct medsec_error *err)
{
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0)
        return medsec_error_set(err, MEDSEC_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(*fd, &st) || !S_ISREG(st.st_mode)) {
        close(*fd);
        *fd = -1;
        return medsec_error_set(err, MEDSEC_EIO, path, 0, 0, "not a regular file");
    }
    *size = (uint64_t)st.st_size;
    return MEDSEC_OK;
}

/* Feed the file @fd to @feed in chunks; MEDSEC_OK with *verdict the first msa error. */
static medsec_err feed_file(int fd, const char *path, unsigned char *buf, struct msa_stream *s,
                            bool payload, msa_err *verdict, uint64_t *bytes,
                            struct medsec_error *err)
{
    for (;;) {
        ssize_t n = read(fd, buf, READ_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return medsec_error_set(err, MEDSEC_EIO, path, 0, 0, "cannot read: %s",
                                    strerror(errno));
        if (n == 0)
            return MEDSEC_OK;
        *bytes += (uint64_t)n;
        msa_err e = payload ? msa_stream_payload_feed(s, buf, (size_t)n)
                            : msa_stream_feed(s, buf, (size_t)n);
        if (e != MSA_OK) {
            *verdict = e;
            return MEDSEC_OK;
        }
    }
}

static void copy_span(char *out, size_t cap, const struct msa_bytes *b)
{
    size_t n = b->ptr ? (b->len < cap - 1 ? b->len : cap - 1) : 0;
    if (n)
        memcpy(out, b->ptr, n);
    out[n] = 0;
}

static void fill_plan(const struct msa_suit_plan *plan, struct medsec_release_verdict *v)
{
    v->sequence = plan->sequence;
    copy_span(v->version, sizeof v->version, &plan->medsec.version);
    copy_span(v->model, sizeof v->model, &plan->medsec.model);
    v->ncomponents = plan->ncomponents;
}

static medsec_err anchor_decode(const struct msa_port *port, const void *anchor, size_t len,
                                const char *name, const struct medsec_release_pub *key,
                                struct msa_trust *t, struct medsec_error *err)
{
    if (key) {
        msa_err e = msa_trust_single(port, t, key->alg, key->pub, key->pub_len);
        if (e != MSA_OK)
            return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "the key cannot be trusted: %s",
                                    msa_strerror(e));
        return MEDSEC_OK;
    }
    msa_err e = msa_trust_decode(port, anchor, len, t);
    if (e != MSA_OK)
        return medsec_error_set(err, MEDSEC_EPARSE, name, 0, 0, "not a trust anchor: %s",
                                msa_strerror(e));
    return MEDSEC_OK;
}

medsec_err medsec_release_verify(const char *path, const struct medsec_release_verify_opts *o,
                                 struct medsec_release_verdict *v, struct medsec_error *err)
{
    struct clock clk = {o->now};
    struct msa_port port;
    struct msa_trust trust;
    struct msa_revoked revoked;
    struct msa_stream *s = NULL;
    unsigned char *buf = NULL, *members = NULL;
    uint64_t size = 0;
    memset(v, 0, sizeof *v);
    memset(&revoked, 0, sizeof revoked);
    port_init(&port, &clk);
    medsec_err rc =
        anchor_decode(&port, o->anchor, o->anchor_len, o->anchor_name, o->key, &trust, err);
    if (rc)
        return rc;
    int fd = -1;
    if ((rc = open_regular(path, &fd, &size, err)))
        return rc;
    v->bundle_size = size;
    s = medsec_calloc(1, sizeof *s);
    buf = medsec_malloc(READ_CHUNK);
    members = medsec_malloc(MSA_MANIFEST_MAX);
    if (!s || !buf || !members) {
        rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        goto out_close;
    }
    struct msa_stream_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.port = &port;
    cfg.trust = &trust;
    cfg.revoked = &revoked;
    cfg.counter = o->counter;
    cfg.any_sequence = !o->check_sequence;
    msa_err e = msa_stream_init(s, &cfg, members, MSA_MANIFEST_MAX);
    uint64_t bytes = 0;
    if (e == MSA_OK && !(rc = feed_file(fd, path, buf, s, false, &e, &bytes, err)) && e == MSA_OK)
        e = msa_stream_finish(s);
    if (rc)
        goto out_close;
    const struct msa_suit_plan *plan = msa_stream_plan(s);
    if (plan)
        fill_plan(plan, v);
    /* detached payloads: each component whose uri is not "#..." takes the next --payload */
    size_t next = 0;
    for (unsigned i = 0; e == MSA_OK && plan && i < plan->ncomponents; i++) {
        const struct msa_suit_component *c = &plan->components[i];
        if (c->dependency || !(c->have & MSA_HAVE_URI) || (c->uri.len && c->uri.ptr[0] == '#'))
            continue;
        if (next >= o->npayloads) {
            v->missing_payload = true;
            copy_span(v->missing_uri, sizeof v->missing_uri, &c->uri);
            break;
        }
        uint64_t psize = 0, pbytes = 0;
        int pfd = -1;
        if ((rc = open_regular(o->payloads[next], &pfd, &psize, err)))
            goto out_close;
        e = msa_stream_payload_begin(s, i);
        if (e == MSA_OK)
            rc = feed_file(pfd, o->payloads[next], buf, s, true, &e, &pbytes, err);
        close(pfd);
        if (rc)
            goto out_close;
        if (e == MSA_OK)
            e = msa_stream_payload_end(s);
        v->payload_bytes += pbytes;
        next++;
    }
    if (e == MSA_OK && next < o->npayloads)
        v->extra_payloads = o->npayloads - next;
    v->result = e;
    v->authenticated = msa_stream_authenticated(s) != 0;
    v->verified = msa_stream_verified(s);
out_close:
    close(fd);
    medsec_free(s);
    medsec_free(buf);
    medsec_free(members);
    return rc;
}

/* ---- inspect -------------------------------------------------------------------------------- */

/* Read up to @cap bytes at @off of @fd into @buf; *got the count. */
static medsec_err pread_some(int fd, const char *path, uint64_t off, unsigned char *buf, size_t cap,
                             size_t *got, struct medsec_error *err)
{
    *got = 0;
    while (*got < cap) {
        ssize_t n = pread(fd, buf + *got, cap - *got, (off_t)(off + *got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return medsec_error_set(err, MEDSEC_EIO, path, 0, 0, "cannot read: %s",
                                    strerror(errno));
        if (n == 0)
            break;
        *got += (size_t)n;
    }
    return MEDSEC_OK;
}

static void sig_info(const unsigned char *p, size_t n, struct medsec_release_sig_info *si)
{
    struct msa_cose_sign1 s;
    memset(si, 0, sizeof *si);
    if (msa_cose_sign1_decode(p, n, &s) != MSA_OK)
        return;
    si->decoded = true;
    si->alg = (int)s.alg;
    if (s.kid && s.kid_len == MEDSEC_RELEASE_KID_BYTES) {
        si->has_kid = true;
        memcpy(si->kid, s.kid, s.kid_len);
    }
    if (!s.payload)
        return;
    /* a certificate's or revocation list's payload: the few members inspect shows */
    struct msa_cbor c;
    size_t pairs = 0;
    msa_cbor_init(&c, s.payload, s.payload_len);
    if (msa_cbor_map(&c, &pairs) != MSA_OK)
        return;
    for (size_t i = 0; i < pairs; i++) {
        uint64_t key = 0, u = 0;
        const unsigned char *b;
        size_t bl = 0, an = 0;
        if (msa_cbor_uint(&c, &key) != MSA_OK)
            return;
        if (msa_cbor_uint(&c, &u) == MSA_OK) {
            if (key < 9)
                si->u[key] = u;
            continue;
        }
        if (msa_cbor_bstr(&c, &b, &bl) == MSA_OK) {
            if (key == 1 && bl == MEDSEC_RELEASE_KID_BYTES)
                memcpy(si->subject, b, bl), si->has_subject = true;
            continue;
        }
        if (msa_cbor_array(&c, &an) == MSA_OK) {
            si->list_len = an;
            for (size_t j = 0; j < an; j++)
                if (msa_cbor_skip(&c) != MSA_OK)
                    return;
            continue;
        }
        if (msa_cbor_skip(&c) != MSA_OK)
            return;
    }
}

medsec_err medsec_release_inspect(const char *path, const void *anchor, size_t anchor_len,
                                  const char *anchor_name, const struct medsec_release_pub *key,
                                  uint64_t now, struct medsec_release_inspection *in,
                                  struct medsec_error *err)
{
    struct clock clk = {now};
    struct msa_port port;
    struct msa_suit_envelope env;
    struct msa_suit_plan *plan = NULL;
    unsigned char *buf = NULL;
    uint64_t size = 0;
    medsec_err rc = MEDSEC_OK;
    memset(in, 0, sizeof *in);
    memset(&env, 0, sizeof env);
    port_init(&port, &clk);
    in->auth_result = 1; /* not checked */
    int fd = -1;
    if ((rc = open_regular(path, &fd, &size, err)))
        return rc;
    in->bundle_size = size;
    /* every member but integrated payloads is small: a bound well above any device's */
    const size_t cap = (size_t)1 << 20;
    buf = medsec_malloc(cap);
    plan = medsec_calloc(1, sizeof *plan);
    if (!buf || !plan) {
        rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        goto out_close;
    }
    size_t got = 0;
    if ((rc = pread_some(fd, path, 0, buf, cap, &got, err)))
        goto out_close;
    /* the envelope's head and its members up to the first integrated payload are in buf; the
     * payloads' contents are skipped in the file */
    struct msa_cbor c;
    size_t pairs = 0;
    msa_cbor_init(&c, buf, got);
    msa_err e = msa_cbor_tag_optional(&c, MSA_SUIT_TAG);
    if (e == MSA_OK)
        e = msa_cbor_map(&c, &pairs);
    uint64_t file_off = 0; /* offset of buf[0] in the file */
    for (size_t i = 0; e == MSA_OK && i < pairs; i++) {
        struct msa_cbor_head h;
        if ((e = msa_cbor_peek(&c, &h)) != MSA_OK)
            break;
        if (h.major == MSA_CBOR_TSTR) {
            const unsigned char *name;
            size_t nlen;
            struct msa_cbor_head vh;
            if ((e = msa_cbor_tstr(&c, &name, &nlen)) != MSA_OK ||
                (e = msa_cbor_peek(&c, &vh)) != MSA_OK)
                break;
            if (vh.major != MSA_CBOR_BSTR) {
                e = MSA_E_STRUCTURE;
                break;
            }
            /* the bstr's head is 1 to 9 bytes: find its length by the first byte */
            unsigned ai = c.p[0] & 31;
            size_t hl = ai < 24 ? 1 : ai == 24 ? 2 : ai == 25 ? 3 : ai == 26 ? 5 : 9;
            uint64_t start = file_off + (uint64_t)(c.p - buf) + hl;
            if (vh.arg > size || start > size - vh.arg) {
                e = MSA_E_TRUNCATED;
                break;
            }
            if (in->npayloads < MEDSEC_RELEASE_INSPECT_MAX) {
                struct medsec_release_payload_info *pi = &in->payloads[in->npayloads++];
                snprintf(pi->name, sizeof pi->name, "%.*s", (int)(nlen < 60 ? nlen : 60), name);
                pi->size = vh.arg;
                pi->offset = start;
            }
            /* continue after the payload: the members not yet read are reloaded from there; the
             * members read so far must stay, so they move to the front of buf */
            size_t keep = (size_t)(c.p - buf);
            uint64_t next = start + vh.arg;
            if (next - file_off <= got) {
                c.p += hl + vh.arg;
                continue;
            }
            if (keep > cap / 2) {
                e = MSA_E_LIMIT;
                break;
            }
            size_t more = 0;
            if ((rc = pread_some(fd, path, next, buf + keep, cap - keep, &more, err)))
                goto out_close;
            /* the spans recorded so far point below keep and stay valid */
            file_off = next - keep;
            got = keep + more;
            c.p = buf + keep;
            c.end = buf + got;
            continue;
        }
        int64_t label;
        const unsigned char *v;
        size_t vlen;
        if ((e = msa_cbor_int(&c, &label)) != MSA_OK ||
            (e = msa_cbor_item(&c, &v, &vlen)) != MSA_OK)
            break;
        e = msa_suit_envelope_member(&env, label, NULL, 0, v, vlen);
    }
    if (e == MSA_OK && !msa_cbor_done(&c) && file_off + (uint64_t)(c.p - buf) != size)
        e = MSA_E_CBOR; /* bytes after the envelope */
    in->decode_result = e;
    if (e != MSA_OK)
        goto out_close;
    /* signatures, certificates, revocation list */
    struct msa_cbor a;
    size_t n = 0;
    if (env.auth.ptr)
        msa_cbor_init(&a, env.auth.ptr, env.auth.len);
    if (env.auth.ptr && msa_cbor_array(&a, &n) == MSA_OK) {
        for (size_t i = 0; i < n; i++) {
            const unsigned char *p;
            size_t pl;
            if (msa_cbor_bstr(&a, &p, &pl) != MSA_OK)
                break;
            if (i && in->nsigs < MEDSEC_RELEASE_INSPECT_MAX)
                sig_info(p, pl, &in->sigs[in->nsigs++]);
        }
    }
    if (env.certs.ptr)
        msa_cbor_init(&a, env.certs.ptr, env.certs.len);
    if (env.certs.ptr && msa_cbor_array(&a, &n) == MSA_OK)
        for (size_t i = 0; i < n; i++) {
            const unsigned char *p;
            size_t pl;
            if (msa_cbor_bstr(&a, &p, &pl) != MSA_OK)
                break;
            if (in->ncerts < MEDSEC_RELEASE_INSPECT_MAX)
                sig_info(p, pl, &in->certs[in->ncerts++]);
        }
    if (env.revocation.ptr) {
        in->has_revocation = true;
        sig_info(env.revocation.ptr, env.revocation.len, &in->revocation);
    }
    e = msa_suit_manifest_decode(&port, &env, plan);
    in->manifest_result = e;
    if (e != MSA_OK)
        goto out_close;
    in->sequence = plan->sequence;
    copy_span(in->version, sizeof in->version, &plan->medsec.version);
    copy_span(in->model, sizeof in->model, &plan->medsec.model);
    copy_span(in->sbom_name, sizeof in->sbom_name, &plan->medsec.sbom_name);
    copy_span(in->notes_uri, sizeof in->notes_uri, &plan->medsec.notes_uri);
    if (plan->medsec.sbom_digest.ptr && plan->medsec.sbom_digest.len == 32) {
        in->has_sbom_digest = true;
        memcpy(in->sbom_digest, plan->medsec.sbom_digest.ptr, 32);
    }
    for (unsigned i = 0; i < plan->ncomponents && in->ncomponents < MEDSEC_RELEASE_INSPECT_MAX;
         i++) {
        const struct msa_suit_component *pc = &plan->components[i];
        struct medsec_release_component_info *ci = &in->components[in->ncomponents++];
        size_t idl = pc->id.len < sizeof ci->id ? pc->id.len : sizeof ci->id;
        if (pc->id.ptr)
            memcpy(ci->id, pc->id.ptr, idl);
        ci->id_len = idl;
        ci->dependency = pc->dependency != 0;
        if ((pc->have & MSA_HAVE_VENDOR) && pc->vendor.len == 16)
            ci->has_vendor = true, memcpy(ci->vendor, pc->vendor.ptr, 16);
        if ((pc->have & MSA_HAVE_CLASS) && pc->class_id.len == 16)
            ci->has_class = true, memcpy(ci->class_id, pc->class_id.ptr, 16);
        if ((pc->have & MSA_HAVE_DIGEST) && pc->digest.len == 32)
            ci->has_digest = true, memcpy(ci->digest, pc->digest.ptr, 32);
        ci->digest_alg = pc->digest_alg;
        ci->has_size = (pc->have & MSA_HAVE_SIZE) != 0;
        ci->size = pc->size;
        copy_span(ci->uri, sizeof ci->uri, &pc->uri);
    }
    for (unsigned q = 0; q < MSA_SEQ_COUNT && q < MEDSEC_RELEASE_SEQS; q++) {
        const struct msa_suit_seq *sq = &plan->seqs[q];
        in->seqs[q].present = sq->present != 0;
        in->seqs[q].severed = sq->severed != 0;
        for (unsigned k = 0; k < sq->count && in->seqs[q].ncommands < MEDSEC_RELEASE_COMMANDS_MAX;
             k++)
            in->seqs[q].commands[in->seqs[q].ncommands++] = plan->commands[sq->first + k].code;
    }
    if (anchor || key) {
        struct msa_trust trust;
        struct msa_revoked revoked;
        unsigned char scratch[MSA_SIG_STRUCTURE_MAX];
        memset(&revoked, 0, sizeof revoked);
        if ((rc = anchor_decode(&port, anchor, anchor_len, anchor_name, key, &trust, err)))
            goto out_close;
        in->auth_result =
            msa_suit_authenticate(&port, &trust, &revoked, &env, scratch, sizeof scratch);
    }
out_close:
    close(fd);
    medsec_free(buf);
    medsec_free(plan);
    return rc;
}
