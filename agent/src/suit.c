/* suit.c: the SUIT envelope and manifest (draft-ietf-suit-manifest-34): decode, authenticate,
 * interpret the command sequences into a bounded plan, check it against a device. */
#include "msa/suit.h"
#include "msa/cbor.h"

static int bytes_eq(const unsigned char *a, const unsigned char *b, size_t n)
{
    unsigned char d = 0;
    size_t i;
    for (i = 0; i < n; i++)
        d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

static void zero(void *p, size_t n)
{
    unsigned char *b = (unsigned char *)p;
    size_t i;
    for (i = 0; i < n; i++)
        b[i] = 0;
}

static msa_err sha256(const struct msa_port *port, const void *p, size_t n, unsigned char out[32])
{
    struct msa_sha256 h;
    if (port == NULL || port->sha256_init == NULL)
        return MSA_E_ARG;
    if (port->sha256_init(port->ctx, &h) != 0 || port->sha256_update(port->ctx, &h, p, n) != 0 ||
        port->sha256_final(port->ctx, &h, out) != 0)
        return MSA_E_PORT;
    return MSA_OK;
}

/* ---- the envelope ---------------------------------------------------------------------- */

/* The bstr that is the whole item @value/@len: its content. */
static msa_err whole_bstr(const unsigned char *value, size_t len, struct msa_bytes *out)
{
    struct msa_cbor c;
    msa_err e;

    msa_cbor_init(&c, value, len);
    if ((e = msa_cbor_bstr(&c, &out->ptr, &out->len)) != MSA_OK)
        return e;
    return msa_cbor_done(&c) ? MSA_OK : MSA_E_CBOR;
}

msa_err msa_suit_envelope_member(struct msa_suit_envelope *env, int64_t key,
                                 const unsigned char *name, size_t name_len,
                                 const unsigned char *value, size_t len)
{
    struct msa_bytes b;
    unsigned i;
    msa_err e;

    if (name != NULL) { /* an integrated payload (or dependency) */
        for (i = 0; i < env->npayloads; i++)
            if (env->payload_name[i].len == name_len &&
                bytes_eq(env->payload_name[i].ptr, name, name_len))
                return MSA_E_STRUCTURE;
        if ((e = whole_bstr(value, len, &b)) != MSA_OK)
            return e;
        if (env->npayloads >= MSA_SUIT_MEMBERS_MAX)
            return MSA_E_LIMIT;
        env->payload_name[env->npayloads].ptr = name;
        env->payload_name[env->npayloads].len = name_len;
        env->payload[env->npayloads++] = b;
        return MSA_OK;
    }
    switch (key) {
    case MSA_SUIT_ENV_AUTH:
        if (env->auth.ptr != NULL)
            return MSA_E_STRUCTURE;
        return whole_bstr(value, len, &env->auth);
    case MSA_SUIT_ENV_MANIFEST:
        if (env->manifest.ptr != NULL)
            return MSA_E_STRUCTURE;
        if ((e = whole_bstr(value, len, &env->manifest)) != MSA_OK)
            return e;
        env->manifest_item.ptr = value;
        env->manifest_item.len = len;
        return MSA_OK;
    case MSA_SUIT_ENV_CERTS: {
        struct msa_cbor c;
        size_t n;
        if (env->certs.ptr != NULL)
            return MSA_E_STRUCTURE;
        msa_cbor_init(&c, value, len);
        if ((e = msa_cbor_array(&c, &n)) != MSA_OK)
            return e;
        if (n > MSA_SIGNATURES_MAX)
            return MSA_E_LIMIT;
        for (i = 0; i < n; i++)
            if ((e = msa_cbor_bstr(&c, &b.ptr, &b.len)) != MSA_OK)
                return e;
        if (!msa_cbor_done(&c))
            return MSA_E_CBOR;
        env->certs.ptr = value;
        env->certs.len = len;
        return MSA_OK;
    }
    case MSA_SUIT_ENV_REVOCATION:
        if (env->revocation.ptr != NULL)
            return MSA_E_STRUCTURE;
        return whole_bstr(value, len, &env->revocation);
    default: break;
    }
    if (key < 0 || key == MSA_SUIT_ENV_DELEGATION)
        return MSA_OK; /* other private members, delegation chains: not used */
    /* a severable member: kept as encoded, checked against the manifest's digest later */
    for (i = 0; i < env->nsevered; i++)
        if (env->severed_key[i] == key)
            return MSA_E_STRUCTURE;
    if ((e = whole_bstr(value, len, &b)) != MSA_OK)
        return e;
    if (env->nsevered >= MSA_SUIT_MEMBERS_MAX)
        return MSA_E_LIMIT;
    env->severed_key[env->nsevered] = key;
    env->severed[env->nsevered].ptr = value;
    env->severed[env->nsevered++].len = len;
    return MSA_OK;
}

msa_err msa_suit_envelope_decode(const void *buf, size_t n, struct msa_suit_envelope *env)
{
    struct msa_cbor c;
    size_t pairs, i;
    msa_err e;

    zero(env, sizeof *env);
    msa_cbor_init(&c, buf, n);
    if ((e = msa_cbor_tag_optional(&c, MSA_SUIT_TAG)) != MSA_OK)
        return e;
    if ((e = msa_cbor_map(&c, &pairs)) != MSA_OK)
        return e;
    for (i = 0; i < pairs; i++) {
        struct msa_cbor_head h;
        const unsigned char *name = NULL, *value;
        size_t name_len = 0, len;
        int64_t key = 0;

        if ((e = msa_cbor_peek(&c, &h)) != MSA_OK)
            return e;
        if (h.major == MSA_CBOR_TSTR)
            e = msa_cbor_tstr(&c, &name, &name_len);
        else
            e = msa_cbor_int(&c, &key);
        if (e != MSA_OK)
            return e;
        if ((e = msa_cbor_item(&c, &value, &len)) != MSA_OK)
            return e;
        if ((e = msa_suit_envelope_member(env, key, name, name_len, value, len)) != MSA_OK)
            return e;
    }
    if (!msa_cbor_done(&c))
        return MSA_E_CBOR;
    if (env->auth.ptr == NULL || env->manifest.ptr == NULL)
        return MSA_E_STRUCTURE;
    return MSA_OK;
}

/* A SUIT_Digest [alg, bstr] in @c. */
static msa_err suit_digest(struct msa_cbor *c, int64_t *alg, struct msa_bytes *d)
{
    size_t n;
    msa_err e;

    if ((e = msa_cbor_array(c, &n)) != MSA_OK)
        return e;
    if (n != 2)
        return MSA_E_STRUCTURE;
    if ((e = msa_cbor_int(c, alg)) != MSA_OK)
        return e;
    if ((e = msa_cbor_bstr(c, &d->ptr, &d->len)) != MSA_OK)
        return e;
    if (*alg == MSA_ALG_SHA256 && d->len != 32)
        return MSA_E_STRUCTURE;
    return MSA_OK;
}

msa_err msa_suit_authenticate(const struct msa_port *port, const struct msa_trust *t,
                              struct msa_revoked *rev, const struct msa_suit_envelope *env,
                              unsigned char *scratch, size_t cap)
{
    struct msa_cose_sign1 sigs[MSA_SIGNATURES_MAX];
    const unsigned char *certs[MSA_SIGNATURES_MAX];
    size_t cert_lens[MSA_SIGNATURES_MAX];
    unsigned ncerts = 0, nsig = 0;
    struct msa_bytes digest_item, digest;
    unsigned char md[32];
    struct msa_cbor c, dc;
    size_t n, i;
    int64_t alg;
    msa_err e;

    if (env->auth.ptr == NULL || env->manifest.ptr == NULL)
        return MSA_E_STRUCTURE;
    if (env->certs.ptr != NULL) {
        msa_cbor_init(&c, env->certs.ptr, env->certs.len);
        if ((e = msa_cbor_array(&c, &n)) != MSA_OK)
            return e;
        if (n > MSA_SIGNATURES_MAX)
            return MSA_E_LIMIT;
        for (i = 0; i < n; i++) {
            if ((e = msa_cbor_bstr(&c, &certs[i], &cert_lens[i])) != MSA_OK)
                return e;
        }
        ncerts = (unsigned)n;
    }
    if (env->revocation.ptr != NULL) {
        e = msa_revocation_apply(port, t, env->revocation.ptr, env->revocation.len, certs,
                                 cert_lens, ncerts, rev, scratch, cap);
        if (e != MSA_OK)
            return e;
    }
    /* SUIT_Authentication = [bstr .cbor SUIT_Digest, * bstr .cbor SUIT_Authentication_Block] */
    msa_cbor_init(&c, env->auth.ptr, env->auth.len);
    if ((e = msa_cbor_array(&c, &n)) != MSA_OK)
        return e;
    if (n < 2)
        return MSA_E_STRUCTURE;
    if (n - 1 > MSA_SIGNATURES_MAX)
        return MSA_E_LIMIT;
    if ((e = msa_cbor_bstr(&c, &digest_item.ptr, &digest_item.len)) != MSA_OK)
        return e;
    msa_cbor_init(&dc, digest_item.ptr, digest_item.len);
    if ((e = suit_digest(&dc, &alg, &digest)) != MSA_OK)
        return e;
    if (!msa_cbor_done(&dc))
        return MSA_E_CBOR;
    if (alg != MSA_ALG_SHA256)
        return MSA_E_UNSUPPORTED;
    for (i = 1; i < n; i++) {
        const unsigned char *p;
        size_t len;
        struct msa_cbor sc;
        struct msa_cbor_head h;

        if ((e = msa_cbor_bstr(&c, &p, &len)) != MSA_OK)
            return e;
        msa_cbor_init(&sc, p, len);
        if ((e = msa_cbor_peek(&sc, &h)) != MSA_OK)
            return e;
        if (h.major == MSA_CBOR_TAG && h.arg != MSA_COSE_SIGN1_TAG)
            return MSA_E_UNSUPPORTED; /* COSE_Mac0 and others */
        if ((e = msa_cose_sign1_decode(p, len, &sigs[nsig])) != MSA_OK)
            return e;
        if (sigs[nsig].payload != NULL &&
            (sigs[nsig].payload_len != digest_item.len ||
             !bytes_eq(sigs[nsig].payload, digest_item.ptr, digest_item.len)))
            return MSA_E_STRUCTURE; /* an attached payload must be the digest itself */
        nsig++;
    }
    if (!msa_cbor_done(&c))
        return MSA_E_CBOR;
    e = msa_trust_check(port, t, rev, sigs, nsig, digest_item.ptr, digest_item.len, certs,
                        cert_lens, ncerts, MSA_PURPOSE_RELEASE, scratch, cap);
    if (e != MSA_OK)
        return e;
    /* the digest covers the manifest bstr as encoded (section 8.3) */
    if ((e = sha256(port, env->manifest_item.ptr, env->manifest_item.len, md)) != MSA_OK)
        return e;
    if (!bytes_eq(md, digest.ptr, 32))
        return MSA_E_DIGEST;
    return MSA_OK;
}

/* ---- the manifest and its command sequences ------------------------------------------- */

struct interp {
    struct msa_suit_plan *plan;
    unsigned seq; /* enum msa_suit_seq_id being run */
    unsigned sel; /* selected components, one bit each */
    int depth;    /* try-each nesting */
    int record;   /* record commands (top level only) */
};

/* commands the agent can carry out (others are recorded, and mark their sequence unsupported) */
static int executable(int64_t code)
{
    switch (code) {
    case MSA_SUIT_COND_VENDOR:
    case MSA_SUIT_COND_CLASS:
    case MSA_SUIT_COND_IMAGE_MATCH:
    case MSA_SUIT_COND_COMPONENT_SLOT:
    case MSA_SUIT_DIR_SET_INDEX:
    case MSA_SUIT_DIR_TRY_EACH:
    case MSA_SUIT_DIR_SET_PARAMS:
    case MSA_SUIT_DIR_OVERRIDE_PARAMS:
    case MSA_SUIT_DIR_FETCH:
    case MSA_SUIT_DIR_INVOKE: return 1;
    default: return 0;
    }
}

/* Apply the parameter map at @c to component @k; @override 0 keeps values already set. */
static msa_err params(struct msa_cbor *c, struct msa_suit_component *k, int override)
{
    size_t n, i;
    uint32_t seen = 0;
    msa_err e = msa_cbor_map(c, &n);

    if (e != MSA_OK)
        return e;
    for (i = 0; i < n; i++) {
        int64_t key;
        unsigned bit = 0;
        struct msa_bytes b;
        uint64_t v;

        if ((e = msa_cbor_int(c, &key)) != MSA_OK)
            return e;
        if (key >= 0 && key < 32) {
            if (seen & (1ul << key))
                return MSA_E_STRUCTURE;
            seen |= 1ul << key;
        }
        switch (key) {
        case MSA_SUIT_P_VENDOR: bit = MSA_HAVE_VENDOR; break;
        case MSA_SUIT_P_CLASS: bit = MSA_HAVE_CLASS; break;
        case MSA_SUIT_P_IMAGE_DIGEST: bit = MSA_HAVE_DIGEST; break;
        case MSA_SUIT_P_IMAGE_SIZE: bit = MSA_HAVE_SIZE; break;
        case MSA_SUIT_P_URI: bit = MSA_HAVE_URI; break;
        case MSA_SUIT_P_COMPONENT_SLOT: bit = MSA_HAVE_SLOT; break;
        case MSA_SUIT_P_ENCRYPTION_INFO: bit = MSA_HAVE_ENCRYPTION; break;
        case MSA_SUIT_P_CONTENT: bit = MSA_HAVE_CONTENT; break;
        case MSA_SUIT_P_SOURCE_COMPONENT: bit = MSA_HAVE_SOURCE; break;
        default: break;
        }
        if (bit == 0 || (!override && (k->have & bit))) {
            if ((e = msa_cbor_skip(c)) != MSA_OK)
                return e;
            continue;
        }
        switch (key) {
        case MSA_SUIT_P_VENDOR: e = msa_cbor_bstr(c, &k->vendor.ptr, &k->vendor.len); break;
        case MSA_SUIT_P_CLASS: e = msa_cbor_bstr(c, &k->class_id.ptr, &k->class_id.len); break;
        case MSA_SUIT_P_IMAGE_DIGEST: {
            struct msa_cbor dc;
            if ((e = msa_cbor_bstr(c, &b.ptr, &b.len)) != MSA_OK)
                return e;
            msa_cbor_init(&dc, b.ptr, b.len);
            if ((e = suit_digest(&dc, &k->digest_alg, &k->digest)) != MSA_OK)
                return e;
            if (!msa_cbor_done(&dc))
                return MSA_E_CBOR;
            break;
        }
        case MSA_SUIT_P_IMAGE_SIZE: e = msa_cbor_uint(c, &k->size); break;
        case MSA_SUIT_P_URI: e = msa_cbor_tstr(c, &k->uri.ptr, &k->uri.len); break;
        case MSA_SUIT_P_COMPONENT_SLOT: e = msa_cbor_uint(c, &k->slot); break;
        default:
            e = msa_cbor_skip(c);
            (void)v;
            break;
        }
        if (e != MSA_OK)
            return e;
        k->have |= bit;
    }
    return MSA_OK;
}

static msa_err run(struct interp *in, const unsigned char *p, size_t n, int *failed);

/* directive-try-each: the first alternative whose conditions hold wins. */
static msa_err try_each(struct interp *in, struct msa_cbor *c, int *failed)
{
    struct msa_suit_component saved[MSA_COMPONENTS_MAX];
    unsigned saved_sel = in->sel, i, k;
    size_t n;
    int record = in->record;
    msa_err e;

    if (in->depth >= MSA_SUIT_TRY_DEPTH)
        return MSA_E_LIMIT;
    if ((e = msa_cbor_array(c, &n)) != MSA_OK)
        return e;
    if (n == 0)
        return MSA_E_STRUCTURE;
    for (k = 0; k < in->plan->ncomponents; k++)
        saved[k] = in->plan->components[k];
    *failed = 1;
    for (i = 0; i < n; i++) {
        const unsigned char *alt;
        size_t len;
        int alt_failed = 0;

        if (msa_cbor_is_null(c)) { /* an empty alternative always succeeds */
            if ((e = msa_cbor_null(c)) != MSA_OK)
                return e;
            if (*failed)
                *failed = 0;
            continue;
        }
        if ((e = msa_cbor_bstr(c, &alt, &len)) != MSA_OK)
            return e;
        if (!*failed)
            continue; /* one already held: the rest are only checked for shape */
        in->depth++;
        in->record = 0;
        e = run(in, alt, len, &alt_failed);
        in->record = record;
        in->depth--;
        if (e != MSA_OK)
            return e;
        if (alt_failed) {
            for (k = 0; k < in->plan->ncomponents; k++)
                in->plan->components[k] = saved[k];
            in->sel = saved_sel;
        } else {
            *failed = 0;
        }
    }
    return MSA_OK;
}

/* directive-override-multiple (update-management): {index: parameters}. */
static msa_err override_multiple(struct interp *in, struct msa_cbor *c)
{
    size_t n, i;
    msa_err e = msa_cbor_map(c, &n);

    if (e != MSA_OK)
        return e;
    for (i = 0; i < n; i++) {
        uint64_t k;
        if ((e = msa_cbor_uint(c, &k)) != MSA_OK)
            return e;
        if (k >= in->plan->ncomponents)
            return MSA_E_STRUCTURE;
        if ((e = params(c, &in->plan->components[k], 1)) != MSA_OK)
            return e;
    }
    return MSA_OK;
}

/* Copy the parameter @key of @from into @to. */
static void copy_param(struct msa_suit_component *to, const struct msa_suit_component *from,
                       int64_t key)
{
    unsigned bit;
    switch (key) {
    case MSA_SUIT_P_VENDOR:
        bit = MSA_HAVE_VENDOR;
        to->vendor = from->vendor;
        break;
    case MSA_SUIT_P_CLASS:
        bit = MSA_HAVE_CLASS;
        to->class_id = from->class_id;
        break;
    case MSA_SUIT_P_IMAGE_DIGEST:
        bit = MSA_HAVE_DIGEST;
        to->digest = from->digest;
        to->digest_alg = from->digest_alg;
        break;
    case MSA_SUIT_P_IMAGE_SIZE:
        bit = MSA_HAVE_SIZE;
        to->size = from->size;
        break;
    case MSA_SUIT_P_URI:
        bit = MSA_HAVE_URI;
        to->uri = from->uri;
        break;
    case MSA_SUIT_P_COMPONENT_SLOT:
        bit = MSA_HAVE_SLOT;
        to->slot = from->slot;
        break;
    case MSA_SUIT_P_ENCRYPTION_INFO: bit = MSA_HAVE_ENCRYPTION; break;
    case MSA_SUIT_P_CONTENT: bit = MSA_HAVE_CONTENT; break;
    case MSA_SUIT_P_SOURCE_COMPONENT: bit = MSA_HAVE_SOURCE; break;
    default: return;
    }
    to->have = (to->have & ~bit) | (from->have & bit);
}

/* directive-copy-params (update-management): {source index: [parameter keys]} into the selected
 * components. */
static msa_err copy_params(struct interp *in, struct msa_cbor *c)
{
    size_t n, i;
    msa_err e = msa_cbor_map(c, &n);

    if (e != MSA_OK)
        return e;
    for (i = 0; i < n; i++) {
        uint64_t src;
        size_t nk, j;
        if ((e = msa_cbor_uint(c, &src)) != MSA_OK)
            return e;
        if (src >= in->plan->ncomponents)
            return MSA_E_STRUCTURE;
        if ((e = msa_cbor_array(c, &nk)) != MSA_OK)
            return e;
        for (j = 0; j < nk; j++) {
            int64_t key;
            unsigned k;
            if ((e = msa_cbor_int(c, &key)) != MSA_OK)
                return e;
            for (k = 0; k < in->plan->ncomponents; k++)
                if ((in->sel & (1u << k)) && k != src)
                    copy_param(&in->plan->components[k], &in->plan->components[src], key);
        }
    }
    return MSA_OK;
}

/* directive-run-sequence (trust domains): a nested sequence on the selected components. */
static msa_err run_sequence(struct interp *in, struct msa_cbor *c, int *failed)
{
    const unsigned char *p;
    size_t n;
    int record = in->record;
    unsigned sel = in->sel;
    msa_err e;

    if (in->depth >= MSA_SUIT_TRY_DEPTH)
        return MSA_E_LIMIT;
    if ((e = msa_cbor_bstr(c, &p, &n)) != MSA_OK)
        return e;
    in->depth++;
    in->record = 0;
    e = run(in, p, n, failed);
    in->record = record;
    in->depth--;
    in->sel = sel; /* the nested sequence's component index does not leak out */
    return e;
}

static msa_err set_index(struct interp *in, struct msa_cbor *c)
{
    struct msa_cbor_head h;
    unsigned ncomp = in->plan->ncomponents;
    msa_err e = msa_cbor_peek(c, &h);

    if (e != MSA_OK)
        return e;
    if (h.major == MSA_CBOR_UINT) {
        uint64_t v;
        if ((e = msa_cbor_uint(c, &v)) != MSA_OK)
            return e;
        if (v >= ncomp)
            return MSA_E_STRUCTURE;
        in->sel = 1u << v;
    } else if (h.major == MSA_CBOR_ARRAY) {
        size_t n, i;
        if ((e = msa_cbor_array(c, &n)) != MSA_OK)
            return e;
        in->sel = 0;
        for (i = 0; i < n; i++) {
            uint64_t v;
            if ((e = msa_cbor_uint(c, &v)) != MSA_OK)
                return e;
            if (v >= ncomp)
                return MSA_E_STRUCTURE;
            in->sel |= 1u << v;
        }
    } else {
        int all;
        if ((e = msa_cbor_bool(c, &all)) != MSA_OK)
            return e;
        if (!all)
            return MSA_E_STRUCTURE;
        in->sel = ncomp >= 32 ? 0xffffffffu : (1u << ncomp) - 1;
    }
    return MSA_OK;
}

/* Record one command. */
static msa_err record(struct interp *in, int64_t code, const struct msa_cbor *arg)
{
    struct msa_suit_plan *plan = in->plan;
    struct msa_suit_command *cmd;
    struct msa_cbor_head h;
    msa_err e;

    if (!executable(code))
        plan->unsupported |= 1u << in->seq;
    if (!in->record)
        return MSA_OK;
    if (plan->ncommands >= MSA_SUIT_COMMANDS_MAX)
        return MSA_E_LIMIT;
    if ((e = msa_cbor_peek(arg, &h)) != MSA_OK)
        return e;
    if (code < INT16_MIN || code > INT16_MAX)
        return MSA_E_UNSUPPORTED;
    cmd = &plan->commands[plan->ncommands++];
    cmd->seq = (uint8_t)in->seq;
    cmd->code = (int16_t)code;
    cmd->arg_kind = (uint8_t)h.major;
    cmd->arg = h.major == MSA_CBOR_UINT || h.major == MSA_CBOR_SIMPLE ? h.arg : 0;
    plan->seqs[in->seq].count++;
    return MSA_OK;
}

/* Mark @bit in the selected components; for component-slot, fail when a slot other than 0 is
 * asked for (the plan is drawn for slot 0). */
static void mark(struct interp *in, unsigned bit)
{
    unsigned k;
    for (k = 0; k < in->plan->ncomponents; k++)
        if (in->sel & (1u << k))
            in->plan->components[k].used |= bit;
}

static msa_err run(struct interp *in, const unsigned char *p, size_t n, int *failed)
{
    struct msa_cbor c;
    size_t count, i;
    msa_err e;

    msa_cbor_init(&c, p, n);
    if ((e = msa_cbor_array(&c, &count)) != MSA_OK)
        return e;
    if (count % 2 != 0)
        return MSA_E_STRUCTURE;
    for (i = 0; i < count && !*failed; i += 2) {
        int64_t code;
        unsigned k;

        if ((e = msa_cbor_int(&c, &code)) != MSA_OK)
            return e;
        if ((e = record(in, code, &c)) != MSA_OK)
            return e;
        switch (code) {
        case MSA_SUIT_DIR_SET_INDEX: e = set_index(in, &c); break;
        case MSA_SUIT_DIR_OVERRIDE_PARAMS:
        case MSA_SUIT_DIR_SET_PARAMS: {
            const unsigned char *start = c.p;
            if (in->sel == 0)
                return MSA_E_STRUCTURE;
            for (k = 0; k < in->plan->ncomponents && e == MSA_OK; k++) {
                if (!(in->sel & (1u << k)))
                    continue;
                c.p = start;
                e = params(&c, &in->plan->components[k], code == MSA_SUIT_DIR_OVERRIDE_PARAMS);
            }
            break;
        }
        case MSA_SUIT_DIR_TRY_EACH: e = try_each(in, &c, failed); break;
        case MSA_SUIT_DIR_OVERRIDE_MULTIPLE: e = override_multiple(in, &c); break;
        case MSA_SUIT_DIR_COPY_PARAMS: e = copy_params(in, &c); break;
        case MSA_SUIT_DIR_RUN_SEQUENCE: e = run_sequence(in, &c, failed); break;
        case MSA_SUIT_COND_COMPONENT_SLOT:
            for (k = 0; k < in->plan->ncomponents; k++) {
                const struct msa_suit_component *comp = &in->plan->components[k];
                if ((in->sel & (1u << k)) && (comp->have & MSA_HAVE_SLOT) && comp->slot != 0)
                    *failed = 1;
            }
            e = msa_cbor_skip(&c);
            break;
        case MSA_SUIT_COND_VENDOR:
            mark(in, MSA_USED_COND_VENDOR);
            e = msa_cbor_skip(&c);
            break;
        case MSA_SUIT_COND_CLASS:
            mark(in, MSA_USED_COND_CLASS);
            e = msa_cbor_skip(&c);
            break;
        case MSA_SUIT_COND_IMAGE_MATCH:
            mark(in, MSA_USED_COND_IMAGE);
            e = msa_cbor_skip(&c);
            break;
        case MSA_SUIT_DIR_FETCH:
            mark(in, MSA_USED_FETCH);
            e = msa_cbor_skip(&c);
            break;
        case MSA_SUIT_DIR_COPY:
            mark(in, MSA_USED_COPY);
            e = msa_cbor_skip(&c);
            break;
        case MSA_SUIT_DIR_WRITE:
            mark(in, MSA_USED_WRITE);
            e = msa_cbor_skip(&c);
            break;
        case MSA_SUIT_DIR_INVOKE:
            mark(in, MSA_USED_INVOKE);
            e = msa_cbor_skip(&c);
            break;
        default: e = msa_cbor_skip(&c); break;
        }
        if (e != MSA_OK)
            return e;
    }
    if (*failed)
        return MSA_OK;
    return msa_cbor_done(&c) ? MSA_OK : MSA_E_CBOR;
}

/* SUIT_Dependencies (draft-ietf-suit-trust-domains): {index: {1: dependency-prefix, ...}}. Each
 * index follows the components' and becomes a plan entry marked as a dependency. */
static msa_err dependencies(struct msa_suit_plan *plan, const unsigned char *p, size_t n)
{
    struct msa_cbor c;
    size_t pairs, i;
    unsigned base = plan->ncomponents;
    msa_err e;

    msa_cbor_init(&c, p, n);
    if ((e = msa_cbor_map(&c, &pairs)) != MSA_OK)
        return e;
    for (i = 0; i < pairs; i++) {
        struct msa_suit_component *dep;
        uint64_t index;
        size_t fields, j;

        if ((e = msa_cbor_uint(&c, &index)) != MSA_OK)
            return e;
        if (index < base)
            return MSA_E_STRUCTURE; /* the index of a component */
        if (index >= MSA_COMPONENTS_MAX)
            return MSA_E_LIMIT;
        dep = &plan->components[index];
        if (dep->dependency)
            return MSA_E_STRUCTURE;
        dep->dependency = 1;
        if (index >= plan->ncomponents)
            plan->ncomponents = (unsigned)index + 1;
        if ((e = msa_cbor_map(&c, &fields)) != MSA_OK)
            return e;
        for (j = 0; j < fields; j++) {
            int64_t key;
            if ((e = msa_cbor_int(&c, &key)) != MSA_OK)
                return e;
            if (key == 1 && dep->id.ptr == NULL)
                e = msa_cbor_item(&c, &dep->id.ptr, &dep->id.len);
            else
                e = msa_cbor_skip(&c);
            if (e != MSA_OK)
                return e;
        }
    }
    for (i = base; i < plan->ncomponents; i++)
        if (!plan->components[i].dependency)
            return MSA_E_STRUCTURE; /* a gap in the indices */
    return msa_cbor_done(&c) ? MSA_OK : MSA_E_CBOR;
}

/* SUIT_Common: components, dependencies and the shared sequence. */
static msa_err common(struct msa_suit_plan *plan, const unsigned char *p, size_t n)
{
    struct msa_bytes deps = {NULL, 0};
    struct msa_cbor c;
    size_t pairs, i;
    unsigned seen = 0;
    msa_err e;

    msa_cbor_init(&c, p, n);
    if ((e = msa_cbor_map(&c, &pairs)) != MSA_OK)
        return e;
    for (i = 0; i < pairs; i++) {
        int64_t key;
        if ((e = msa_cbor_int(&c, &key)) != MSA_OK)
            return e;
        if (key >= 0 && key < 16) {
            if (seen & (1u << key))
                return MSA_E_STRUCTURE;
            seen |= 1u << key;
        }
        if (key == MSA_SUIT_C_COMPONENTS) {
            size_t nc, j;
            if ((e = msa_cbor_array(&c, &nc)) != MSA_OK)
                return e;
            if (nc == 0)
                return MSA_E_STRUCTURE;
            if (nc > MSA_COMPONENTS_MAX)
                return MSA_E_LIMIT;
            for (j = 0; j < nc; j++) {
                struct msa_bytes *id = &plan->components[j].id;
                struct msa_cbor ic;
                size_t parts, q;
                if ((e = msa_cbor_item(&c, &id->ptr, &id->len)) != MSA_OK)
                    return e;
                msa_cbor_init(&ic, id->ptr, id->len);
                if ((e = msa_cbor_array(&ic, &parts)) != MSA_OK)
                    return e;
                for (q = 0; q < parts; q++) {
                    struct msa_bytes b;
                    if ((e = msa_cbor_bstr(&ic, &b.ptr, &b.len)) != MSA_OK)
                        return e;
                }
            }
            plan->ncomponents = (unsigned)nc;
        } else if (key == MSA_SUIT_C_SHARED) {
            struct msa_suit_seq *s = &plan->seqs[MSA_SEQ_SHARED];
            if ((e = msa_cbor_bstr(&c, &s->bytes.ptr, &s->bytes.len)) != MSA_OK)
                return e;
            s->present = 1;
        } else if (key == MSA_SUIT_C_DEPENDENCIES) {
            if ((e = msa_cbor_item(&c, &deps.ptr, &deps.len)) != MSA_OK)
                return e;
            plan->has_dependencies = 1;
        } else if ((e = msa_cbor_skip(&c)) != MSA_OK) {
            return e;
        }
    }
    if (!msa_cbor_done(&c))
        return MSA_E_CBOR;
    if (plan->ncomponents == 0)
        return MSA_E_STRUCTURE;
    return deps.ptr != NULL ? dependencies(plan, deps.ptr, deps.len) : MSA_OK;
}

/* A member that may be severed (section 8.4.11?): a bstr, or a SUIT_Digest of the envelope's
 * member with the same key. */
static msa_err severable(const struct msa_port *port, const struct msa_suit_envelope *env,
                         struct msa_cbor *c, int64_t key, struct msa_bytes *out, int *severed,
                         int *missing, unsigned *used)
{
    struct msa_cbor_head h;
    struct msa_bytes d;
    unsigned char md[32];
    int64_t alg;
    unsigned i;
    msa_err e = msa_cbor_peek(c, &h);

    *severed = 0;
    *missing = 0;
    if (e != MSA_OK)
        return e;
    if (h.major != MSA_CBOR_ARRAY)
        return msa_cbor_bstr(c, &out->ptr, &out->len);
    *severed = 1;
    if ((e = suit_digest(c, &alg, &d)) != MSA_OK)
        return e;
    for (i = 0; i < env->nsevered; i++)
        if (env->severed_key[i] == key)
            break;
    if (i == env->nsevered) {
        *missing = 1;
        out->ptr = NULL;
        out->len = 0;
        return MSA_OK;
    }
    *used |= 1u << i;
    if (alg != MSA_ALG_SHA256)
        return MSA_E_UNSUPPORTED;
    if ((e = sha256(port, env->severed[i].ptr, env->severed[i].len, md)) != MSA_OK)
        return e;
    if (!bytes_eq(md, d.ptr, 32))
        return MSA_E_DIGEST;
    return whole_bstr(env->severed[i].ptr, env->severed[i].len, out);
}

/* medsec release metadata (-257). */
static msa_err medsec_meta(struct msa_cbor *c, struct msa_suit_medsec *m)
{
    size_t pairs, i;
    unsigned seen = 0;
    msa_err e = msa_cbor_map(c, &pairs);

    if (e != MSA_OK)
        return e;
    m->present = 1;
    for (i = 0; i < pairs; i++) {
        int64_t key;
        if ((e = msa_cbor_int(c, &key)) != MSA_OK)
            return e;
        if (key >= 0 && key < 16) {
            if (seen & (1u << key))
                return MSA_E_STRUCTURE;
            seen |= 1u << key;
        }
        switch (key) {
        case MSA_SUIT_MD_VERSION: e = msa_cbor_tstr(c, &m->version.ptr, &m->version.len); break;
        case MSA_SUIT_MD_SBOM_DIGEST:
            e = suit_digest(c, &m->sbom_digest_alg, &m->sbom_digest);
            break;
        case MSA_SUIT_MD_SBOM_NAME:
            e = msa_cbor_tstr(c, &m->sbom_name.ptr, &m->sbom_name.len);
            break;
        case MSA_SUIT_MD_NOTES_URI:
            e = msa_cbor_tstr(c, &m->notes_uri.ptr, &m->notes_uri.len);
            break;
        case MSA_SUIT_MD_MODEL: e = msa_cbor_tstr(c, &m->model.ptr, &m->model.len); break;
        default: e = msa_cbor_skip(c); break;
        }
        if (e != MSA_OK)
            return e;
    }
    return MSA_OK;
}

/* manifest member key -> sequence id, or -1 */
static int seq_of(int64_t key)
{
    switch (key) {
    case MSA_SUIT_M_DEPENDENCY_RESOLUTION: return MSA_SEQ_DEPENDENCY_RESOLUTION;
    case MSA_SUIT_M_PAYLOAD_FETCH: return MSA_SEQ_PAYLOAD_FETCH;
    case MSA_SUIT_M_INSTALL: return MSA_SEQ_INSTALL;
    case MSA_SUIT_M_VALIDATE: return MSA_SEQ_VALIDATE;
    case MSA_SUIT_M_LOAD: return MSA_SEQ_LOAD;
    case MSA_SUIT_M_INVOKE: return MSA_SEQ_INVOKE;
    case MSA_SUIT_M_UNINSTALL: return MSA_SEQ_UNINSTALL;
    default: return -1;
    }
}

static int may_sever(int64_t key)
{
    return key == MSA_SUIT_M_PAYLOAD_FETCH || key == MSA_SUIT_M_INSTALL || key == MSA_SUIT_M_TEXT ||
           key == MSA_SUIT_M_DEPENDENCY_RESOLUTION;
}

msa_err msa_suit_manifest_decode(const struct msa_port *port, const struct msa_suit_envelope *env,
                                 struct msa_suit_plan *plan)
{
    struct msa_cbor c;
    struct msa_bytes common_bytes = {NULL, 0};
    size_t pairs, i;
    uint32_t seen = 0;
    int seen_medsec = 0, have_seq = 0, q;
    unsigned used = 0; /* severed envelope members the manifest refers to */
    struct interp in;
    msa_err e;

    zero(plan, sizeof *plan);
    if (env->manifest.ptr == NULL)
        return MSA_E_STRUCTURE;
    msa_cbor_init(&c, env->manifest.ptr, env->manifest.len);
    if ((e = msa_cbor_map(&c, &pairs)) != MSA_OK)
        return e;
    for (i = 0; i < pairs; i++) {
        int64_t key;
        int s, severed = 0, missing = 0;
        struct msa_bytes b;

        if ((e = msa_cbor_int(&c, &key)) != MSA_OK)
            return e;
        if (key >= 0 && key < 32) {
            if (seen & (1ul << key))
                return MSA_E_STRUCTURE;
            seen |= 1ul << key;
        }
        if (key == MSA_SUIT_M_MEDSEC) {
            if (seen_medsec++)
                return MSA_E_STRUCTURE;
            if ((e = medsec_meta(&c, &plan->medsec)) != MSA_OK)
                return e;
            continue;
        }
        switch (key) {
        case MSA_SUIT_M_VERSION:
            if ((e = msa_cbor_uint(&c, &plan->manifest_version)) != MSA_OK)
                return e;
            if (plan->manifest_version != 1)
                return MSA_E_UNSUPPORTED;
            continue;
        case MSA_SUIT_M_SEQUENCE:
            if ((e = msa_cbor_uint(&c, &plan->sequence)) != MSA_OK)
                return e;
            have_seq = 1;
            continue;
        case MSA_SUIT_M_COMMON:
            if ((e = msa_cbor_bstr(&c, &common_bytes.ptr, &common_bytes.len)) != MSA_OK)
                return e;
            continue;
        case MSA_SUIT_M_REFERENCE_URI:
            if ((e = msa_cbor_tstr(&c, &plan->reference_uri.ptr, &plan->reference_uri.len)) !=
                MSA_OK)
                return e;
            continue;
        default: break;
        }
        s = seq_of(key);
        if (s < 0 && key != MSA_SUIT_M_TEXT) {
            struct msa_cbor_head h;
            /* another member severed by digest (a CoSWID, say): its envelope copy must match
             * even though the agent does not use it */
            if ((e = msa_cbor_peek(&c, &h)) != MSA_OK)
                return e;
            if (key > 0 && key != MSA_SUIT_M_COMPONENT_ID && h.major == MSA_CBOR_ARRAY)
                e = severable(port, env, &c, key, &b, &severed, &missing, &used);
            else
                e = msa_cbor_skip(&c);
            if (e != MSA_OK)
                return e;
            continue;
        }
        if (may_sever(key))
            e = severable(port, env, &c, key, &b, &severed, &missing, &used);
        else
            e = msa_cbor_bstr(&c, &b.ptr, &b.len);
        if (e != MSA_OK)
            return e;
        if (key == MSA_SUIT_M_TEXT) {
            plan->text = b;
            continue;
        }
        plan->seqs[s].present = 1;
        plan->seqs[s].severed = severed;
        plan->seqs[s].missing = missing;
        plan->seqs[s].bytes = b;
    }
    if (!msa_cbor_done(&c))
        return MSA_E_CBOR;
    if (!(seen & (1u << MSA_SUIT_M_VERSION)) || !have_seq || common_bytes.ptr == NULL)
        return MSA_E_STRUCTURE;
    if (used != (1u << env->nsevered) - 1)
        return MSA_E_STRUCTURE; /* an envelope member the manifest does not vouch for */
    if ((e = common(plan, common_bytes.ptr, common_bytes.len)) != MSA_OK)
        return e;
    /* the shared sequence, then each other sequence, the components starting from index 0 */
    for (q = 0; q < MSA_SEQ_COUNT; q++) {
        struct msa_suit_seq *s = &plan->seqs[q];
        int failed = 0;
        if (!s->present || s->bytes.ptr == NULL)
            continue;
        in.plan = plan;
        in.seq = (unsigned)q;
        in.sel = 1;
        in.depth = 0;
        in.record = 1;
        s->first = plan->ncommands;
        s->count = 0;
        if ((e = run(&in, s->bytes.ptr, s->bytes.len, &failed)) != MSA_OK)
            return e;
        if (failed)
            return MSA_E_CONDITION;
    }
    return MSA_OK;
}

/* ---- the plan against a device --------------------------------------------------------- */

static msa_err check_id(const struct msa_suit_plan *plan, const unsigned char *want, int vendor)
{
    unsigned used = vendor ? MSA_USED_COND_VENDOR : MSA_USED_COND_CLASS;
    unsigned have = vendor ? MSA_HAVE_VENDOR : MSA_HAVE_CLASS;
    msa_err bad = vendor ? MSA_E_VENDOR : MSA_E_CLASS;
    unsigned k, checked = 0;

    if (want == NULL)
        return MSA_OK;
    for (k = 0; k < plan->ncomponents; k++) {
        const struct msa_suit_component *comp = &plan->components[k];
        const struct msa_bytes *id = vendor ? &comp->vendor : &comp->class_id;
        if (!(comp->used & used))
            continue;
        if (!(comp->have & have) || id->len != 16 || !bytes_eq(id->ptr, want, 16))
            return bad;
        checked++;
    }
    return checked > 0 ? MSA_OK : bad;
}

msa_err msa_suit_check_device(const struct msa_suit_plan *plan, const unsigned char *vendor,
                              const unsigned char *class_id, uint64_t counter)
{
    msa_err e;
    if ((e = check_id(plan, vendor, 1)) != MSA_OK)
        return e;
    if ((e = check_id(plan, class_id, 0)) != MSA_OK)
        return e;
    return plan->sequence > counter ? MSA_OK : MSA_E_ROLLBACK;
}

int msa_suit_component_by_uri(const struct msa_suit_plan *plan, const unsigned char *name, size_t n)
{
    unsigned k;
    for (k = 0; k < plan->ncomponents; k++) {
        const struct msa_suit_component *comp = &plan->components[k];
        if ((comp->have & MSA_HAVE_URI) && comp->uri.len == n && bytes_eq(comp->uri.ptr, name, n))
            return (int)k;
    }
    return -1;
}

msa_err msa_suit_payload_check(const struct msa_suit_plan *plan, unsigned i)
{
    const struct msa_suit_component *comp;
    if (i >= plan->ncomponents)
        return MSA_E_ARG;
    comp = &plan->components[i];
    if (comp->dependency || (comp->have & MSA_HAVE_ENCRYPTION))
        return MSA_E_UNSUPPORTED;
    if (!(comp->have & MSA_HAVE_DIGEST))
        return MSA_E_STRUCTURE;
    if (comp->digest_alg != MSA_ALG_SHA256)
        return MSA_E_UNSUPPORTED;
    return MSA_OK;
}

msa_err msa_suit_verify(const struct msa_port *port, const struct msa_trust *t,
                        struct msa_revoked *rev, const void *buf, size_t n,
                        const unsigned char *vendor, const unsigned char *class_id,
                        uint64_t counter, struct msa_suit_envelope *env, struct msa_suit_plan *plan)
{
    unsigned char scratch[MSA_SIG_STRUCTURE_MAX];
    unsigned i;
    msa_err e;

    if ((e = msa_suit_envelope_decode(buf, n, env)) != MSA_OK)
        return e;
    if ((e = msa_suit_authenticate(port, t, rev, env, scratch, sizeof scratch)) != MSA_OK)
        return e;
    if ((e = msa_suit_manifest_decode(port, env, plan)) != MSA_OK)
        return e;
    if (vendor == NULL && t->has_vendor)
        vendor = t->vendor;
    if (class_id == NULL && t->has_class)
        class_id = t->class_id;
    if ((e = msa_suit_check_device(plan, vendor, class_id, counter)) != MSA_OK)
        return e;
    for (i = 0; i < env->npayloads; i++) {
        const struct msa_suit_component *comp;
        unsigned char md[32];
        int k = msa_suit_component_by_uri(plan, env->payload_name[i].ptr, env->payload_name[i].len);
        if (k < 0)
            return MSA_E_STRUCTURE; /* no component names this member */
        if (plan->components[k].dependency)
            continue; /* a dependency manifest: not processed */
        if ((e = msa_suit_payload_check(plan, (unsigned)k)) != MSA_OK)
            return e;
        comp = &plan->components[k];
        if ((comp->have & MSA_HAVE_SIZE) && comp->size != env->payload[i].len)
            return MSA_E_IMAGE_SIZE;
        if ((e = sha256(port, env->payload[i].ptr, env->payload[i].len, md)) != MSA_OK)
            return e;
        if (!bytes_eq(md, comp->digest.ptr, 32))
            return MSA_E_IMAGE_DIGEST;
    }
    return MSA_OK;
}
