/* stream.c: the streaming verifier: buffers the envelope's members up to the first integrated
 * payload, authenticates them before any payload byte leaves, then hashes payload bytes as they
 * pass to the caller's sink. Constant memory whatever the payload size. */
#include "msa/stream.h"
#include "msa/cbor.h"

static void zero(void *p, size_t n)
{
    unsigned char *b = (unsigned char *)p;
    size_t i;
    for (i = 0; i < n; i++)
        b[i] = 0;
}

static int bytes_eq(const unsigned char *a, const unsigned char *b, size_t n)
{
    unsigned char d = 0;
    size_t i;
    for (i = 0; i < n; i++)
        d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

/* Bytes of the CBOR head that starts with @ib (a well-formed definite head). */
static size_t head_len(unsigned char ib)
{
    unsigned ai = ib & 0x1fu;
    return ai < 24 ? 1 : 1 + ((size_t)1 << (ai - 24));
}

static msa_err fail(struct msa_stream *s, msa_err e)
{
    s->state = MSA_STREAM_FAILED;
    s->error = e;
    return e;
}

msa_err msa_stream_init(struct msa_stream *s, const struct msa_stream_config *cfg, void *buf,
                        size_t cap)
{
    if (s == NULL || cfg == NULL || buf == NULL || cfg->port == NULL || cfg->trust == NULL)
        return MSA_E_ARG;
    zero(s, sizeof *s);
    s->cfg = *cfg;
    s->buf = (unsigned char *)buf;
    s->cap = cap;
    s->state = MSA_STREAM_HEAD;
    s->payload_comp = -1;
    s->detached_comp = -1;
    return MSA_OK;
}

/* Authenticate the buffered members and check the plan against the device. */
static msa_err authenticate(struct msa_stream *s)
{
    const struct msa_trust *t = s->cfg.trust;
    const unsigned char *vendor = s->cfg.vendor, *class_id = s->cfg.class_id;
    msa_err e;

    e = msa_suit_authenticate(s->cfg.port, t, s->cfg.revoked, &s->env, s->scratch,
                              sizeof s->scratch);
    if (e != MSA_OK)
        return e;
    if ((e = msa_suit_manifest_decode(s->cfg.port, &s->env, &s->plan)) != MSA_OK)
        return e;
    if (vendor == NULL && t->has_vendor)
        vendor = t->vendor;
    if (class_id == NULL && t->has_class)
        class_id = t->class_id;
    if ((e = msa_suit_check_device(&s->plan, vendor, class_id, s->cfg.counter)) != MSA_OK &&
        !(e == MSA_E_ROLLBACK && s->cfg.any_sequence))
        return e;
    s->authenticated = 1;
    return MSA_OK;
}

/* Start hashing a payload of @len bytes for component @comp (-1: none, the bytes are skipped). */
static msa_err payload_open(struct msa_stream *s, int comp, uint64_t len, int exact)
{
    const struct msa_port *port = s->cfg.port;
    msa_err e;

    s->payload_comp = comp;
    s->payload_off = 0;
    if (comp < 0)
        return MSA_OK;
    s->delivered &= ~(1u << comp); /* the bytes about to reach the sink replace any earlier */
    if ((e = msa_suit_payload_check(&s->plan, (unsigned)comp)) != MSA_OK)
        return e;
    if (exact && (s->plan.components[comp].have & MSA_HAVE_SIZE) &&
        s->plan.components[comp].size != len)
        return MSA_E_IMAGE_SIZE;
    if (port->sha256_init(port->ctx, &s->sha) != 0)
        return MSA_E_PORT;
    return MSA_OK;
}

static msa_err payload_bytes(struct msa_stream *s, const unsigned char *p, size_t n)
{
    const struct msa_port *port = s->cfg.port;
    int comp = s->payload_comp;

    if (comp < 0 || n == 0) {
        s->payload_off += n;
        return MSA_OK;
    }
    if ((s->plan.components[comp].have & MSA_HAVE_SIZE) &&
        n > s->plan.components[comp].size - s->payload_off)
        return MSA_E_IMAGE_SIZE;
    if (port->sha256_update(port->ctx, &s->sha, p, n) != 0)
        return MSA_E_PORT;
    if (s->cfg.sink != NULL &&
        s->cfg.sink(s->cfg.sink_arg, (unsigned)comp, s->payload_off, p, n) != 0)
        return MSA_E_PORT;
    s->payload_off += n;
    return MSA_OK;
}

static msa_err payload_close(struct msa_stream *s)
{
    const struct msa_port *port = s->cfg.port;
    const struct msa_suit_component *comp;
    unsigned char md[32];

    if (s->payload_comp < 0)
        return MSA_OK;
    comp = &s->plan.components[s->payload_comp];
    if ((comp->have & MSA_HAVE_SIZE) && comp->size != s->payload_off)
        return MSA_E_IMAGE_SIZE;
    if (port->sha256_final(port->ctx, &s->sha, md) != 0)
        return MSA_E_PORT;
    if (!bytes_eq(md, comp->digest.ptr, 32))
        return MSA_E_IMAGE_DIGEST;
    s->delivered |= 1u << s->payload_comp;
    s->payload_comp = -1;
    return MSA_OK;
}

/* The envelope map ended: authenticate if no payload did it, then every component that fetches
 * an integrated payload must have had it. */
static msa_err members_done(struct msa_stream *s)
{
    unsigned k;
    msa_err e;

    if (!s->authenticated && (e = authenticate(s)) != MSA_OK)
        return e;
    for (k = 0; k < s->plan.ncomponents; k++) {
        const struct msa_suit_component *comp = &s->plan.components[k];
        if (!comp->dependency && (comp->have & MSA_HAVE_URI) && comp->uri.len > 0 &&
            comp->uri.ptr[0] == '#' && (comp->used & MSA_USED_FETCH) &&
            msa_suit_payload_check(&s->plan, k) == MSA_OK && !(s->delivered & (1u << k)))
            return MSA_E_STRUCTURE;
    }
    s->state = MSA_STREAM_DONE;
    return s->pos < s->used ? MSA_E_CBOR : MSA_OK;
}

/* Parse what the buffer holds; returns MSA_OK when it needs more bytes. */
static msa_err parse(struct msa_stream *s)
{
    for (;;) {
        struct msa_cbor c;
        msa_err e;

        msa_cbor_init(&c, s->buf + s->pos, s->used - s->pos);
        if (s->state == MSA_STREAM_HEAD) {
            size_t pairs;
            e = msa_cbor_tag_optional(&c, MSA_SUIT_TAG);
            if (e == MSA_OK)
                e = msa_cbor_map(&c, &pairs);
            if (e == MSA_E_TRUNCATED)
                return MSA_OK;
            if (e != MSA_OK)
                return e;
            s->pos = (size_t)(c.p - s->buf);
            s->pairs_left = pairs;
            s->state = MSA_STREAM_MEMBERS;
            continue;
        }
        if (s->state != MSA_STREAM_MEMBERS)
            return MSA_OK;
        if (s->pairs_left == 0)
            return members_done(s);
        if (!s->have_key) {
            struct msa_cbor_head h;
            if ((e = msa_cbor_peek(&c, &h)) == MSA_E_TRUNCATED)
                return MSA_OK;
            if (e != MSA_OK)
                return e;
            s->name.ptr = NULL;
            s->name.len = 0;
            s->key = 0;
            if (h.major == MSA_CBOR_TSTR)
                e = msa_cbor_tstr(&c, &s->name.ptr, &s->name.len);
            else
                e = msa_cbor_int(&c, &s->key);
            if (e == MSA_E_TRUNCATED)
                return MSA_OK;
            if (e != MSA_OK)
                return e;
            s->pos = (size_t)(c.p - s->buf);
            s->have_key = 1;
            continue;
        }
        if (s->name.ptr != NULL) { /* an integrated payload: pass it through */
            struct msa_cbor_head h;
            size_t avail, take, tail, k;
            const unsigned char *src;
            int comp;

            if ((e = msa_cbor_peek(&c, &h)) == MSA_E_TRUNCATED)
                return MSA_OK;
            if (e != MSA_OK)
                return e;
            if (h.major != MSA_CBOR_BSTR)
                return MSA_E_CBOR;
            if (!s->authenticated && (e = authenticate(s)) != MSA_OK)
                return e;
            comp = msa_suit_component_by_uri(&s->plan, s->name.ptr, s->name.len);
            if (comp < 0)
                return MSA_E_STRUCTURE; /* no component names this member */
            if (s->plan.components[comp].dependency)
                comp = -1; /* a dependency manifest: not processed, not delivered */
            if (comp >= 0 && (s->delivered & (1u << comp)))
                return MSA_E_STRUCTURE; /* a second payload for one component */
            if ((e = payload_open(s, comp, h.arg, 1)) != MSA_OK)
                return e;
            c.p += head_len(c.p[0]);
            s->pos = (size_t)(c.p - s->buf);
            s->payload_left = h.arg;
            avail = s->used - s->pos;
            take = avail < s->payload_left ? avail : (size_t)s->payload_left;
            if ((e = payload_bytes(s, s->buf + s->pos, take)) != MSA_OK)
                return e;
            s->payload_left -= take;
            tail = avail - take;
            src = s->buf + s->pos + take;
            s->used = s->pos;
            s->state = MSA_STREAM_PAYLOAD;
            if (s->payload_left > 0)
                return MSA_OK; /* tail is 0 */
            if ((e = payload_close(s)) != MSA_OK)
                return e;
            for (k = 0; k < tail; k++)
                s->buf[s->used + k] = src[k];
            s->used += tail;
            s->state = MSA_STREAM_MEMBERS;
            s->have_key = 0;
            s->pairs_left--;
            continue;
        }
        {
            const unsigned char *value;
            size_t len;
            e = msa_cbor_item(&c, &value, &len);
            if (e == MSA_E_TRUNCATED)
                return MSA_OK;
            if (e != MSA_OK)
                return e;
            if (s->authenticated)
                return MSA_E_STRUCTURE; /* members after a payload are not authenticated */
            e = msa_suit_envelope_member(&s->env, s->key, NULL, 0, value, len);
            if (e != MSA_OK)
                return e;
            s->pos = (size_t)(c.p - s->buf);
            s->have_key = 0;
            s->pairs_left--;
        }
    }
}

msa_err msa_stream_feed(struct msa_stream *s, const void *data, size_t n)
{
    const unsigned char *p = (const unsigned char *)data;
    msa_err e;

    if (s == NULL || (data == NULL && n > 0))
        return MSA_E_ARG;
    if (s->state == MSA_STREAM_FAILED)
        return s->error;
    while (n > 0) {
        if (s->state == MSA_STREAM_DONE)
            return fail(s, MSA_E_CBOR); /* bytes after the envelope */
        if (s->state == MSA_STREAM_PAYLOAD) {
            size_t take = n < s->payload_left ? n : (size_t)s->payload_left;
            if ((e = payload_bytes(s, p, take)) != MSA_OK)
                return fail(s, e);
            p += take;
            n -= take;
            s->payload_left -= take;
            if (s->payload_left == 0) {
                if ((e = payload_close(s)) != MSA_OK)
                    return fail(s, e);
                s->state = MSA_STREAM_MEMBERS;
                s->have_key = 0;
                s->pairs_left--;
                if ((e = parse(s)) != MSA_OK)
                    return fail(s, e);
            }
            continue;
        }
        {
            size_t space = s->cap - s->used, take = n < space ? n : space, k;
            if (take == 0)
                return fail(s, MSA_E_LIMIT);
            for (k = 0; k < take; k++)
                s->buf[s->used + k] = p[k];
            s->used += take;
            p += take;
            n -= take;
            if ((e = parse(s)) != MSA_OK)
                return fail(s, e);
            if ((s->state == MSA_STREAM_HEAD || s->state == MSA_STREAM_MEMBERS) &&
                s->used == s->cap)
                return fail(s, MSA_E_LIMIT);
        }
    }
    return MSA_OK;
}

msa_err msa_stream_finish(struct msa_stream *s)
{
    if (s == NULL)
        return MSA_E_ARG;
    if (s->state == MSA_STREAM_FAILED)
        return s->error;
    if (s->state != MSA_STREAM_DONE)
        return fail(s, MSA_E_TRUNCATED);
    return MSA_OK;
}

const struct msa_suit_plan *msa_stream_plan(const struct msa_stream *s)
{
    return s != NULL && s->authenticated ? &s->plan : NULL;
}

int msa_stream_authenticated(const struct msa_stream *s)
{
    return s != NULL && s->authenticated;
}

unsigned msa_stream_verified(const struct msa_stream *s)
{
    return s != NULL ? s->delivered : 0;
}

msa_err msa_stream_payload_begin(struct msa_stream *s, unsigned component)
{
    msa_err e;

    if (s == NULL)
        return MSA_E_ARG;
    if (s->state != MSA_STREAM_DONE || !s->authenticated || s->detached_comp >= 0)
        return MSA_E_STATE;
    if (component >= s->plan.ncomponents)
        return MSA_E_ARG;
    if ((e = payload_open(s, (int)component, 0, 0)) != MSA_OK) {
        s->payload_comp = -1;
        return e;
    }
    s->detached_comp = (int)component;
    return MSA_OK;
}

msa_err msa_stream_payload_feed(struct msa_stream *s, const void *data, size_t n)
{
    msa_err e;

    if (s == NULL || (data == NULL && n > 0))
        return MSA_E_ARG;
    if (s->detached_comp < 0)
        return MSA_E_STATE;
    if ((e = payload_bytes(s, (const unsigned char *)data, n)) != MSA_OK) {
        s->detached_comp = -1;
        s->payload_comp = -1;
    }
    return e;
}

msa_err msa_stream_payload_end(struct msa_stream *s)
{
    msa_err e;

    if (s == NULL)
        return MSA_E_ARG;
    if (s->detached_comp < 0)
        return MSA_E_STATE;
    e = payload_close(s);
    s->detached_comp = -1;
    s->payload_comp = -1;
    return e;
}
