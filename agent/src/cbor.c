/* cbor.c: the agent's bounded CBOR reader (RFC 8949): heads, typed reads and a depth-limited skip
 * that checks well-formedness. Never reads past the end of the caller's buffer. */
#include "msa/cbor.h"

void msa_cbor_init(struct msa_cbor *c, const void *buf, size_t n)
{
    c->p = (const unsigned char *)buf;
    c->end = c->p + n;
}

int msa_cbor_done(const struct msa_cbor *c)
{
    return c->p >= c->end;
}

size_t msa_cbor_left(const struct msa_cbor *c)
{
    return (size_t)(c->end - c->p);
}

/* Decode the head at c->p; *len gets its size in bytes. */
static msa_err head_at(const struct msa_cbor *c, struct msa_cbor_head *h, size_t *len)
{
    size_t left = msa_cbor_left(c);
    unsigned ib, ai, k, extra;
    uint64_t v = 0;

    if (left < 1)
        return MSA_E_TRUNCATED;
    ib = c->p[0];
    h->major = ib >> 5;
    ai = ib & 0x1f;
    if (ai < 24) {
        h->arg = ai;
        *len = 1;
        return MSA_OK;
    }
    if (ai == 31) {
        /* indefinite length (2-5) or break (7); not well-formed for 0, 1, 6 */
        if (h->major >= MSA_CBOR_BSTR && h->major <= MSA_CBOR_MAP)
            return MSA_E_UNSUPPORTED;
        return MSA_E_CBOR;
    }
    if (ai > 27)
        return MSA_E_CBOR;
    extra = 1u << (ai - 24);
    if (left < 1 + (size_t)extra)
        return MSA_E_TRUNCATED;
    for (k = 0; k < extra; k++)
        v = (v << 8) | c->p[1 + k];
    if (h->major == MSA_CBOR_SIMPLE && ai == 24 && v < 32)
        return MSA_E_CBOR;
    h->arg = v;
    *len = 1 + extra;
    return MSA_OK;
}

msa_err msa_cbor_peek(const struct msa_cbor *c, struct msa_cbor_head *h)
{
    size_t len;
    return head_at(c, h, &len);
}

/* Read a head of major type @major; strings are checked to fit, containers' counts bounded by
 * what is left. Moves past the head only. */
static msa_err expect(struct msa_cbor *c, unsigned major, uint64_t *arg)
{
    struct msa_cbor_head h;
    size_t len;
    msa_err e = head_at(c, &h, &len);

    if (e != MSA_OK)
        return e;
    if (h.major != major)
        return MSA_E_CBOR;
    if ((major == MSA_CBOR_BSTR || major == MSA_CBOR_TSTR) && h.arg > msa_cbor_left(c) - len)
        return MSA_E_TRUNCATED;
    if (major == MSA_CBOR_ARRAY && h.arg > msa_cbor_left(c) - len)
        return MSA_E_TRUNCATED;
    if (major == MSA_CBOR_MAP && h.arg > (msa_cbor_left(c) - len) / 2)
        return MSA_E_TRUNCATED;
    c->p += len;
    *arg = h.arg;
    return MSA_OK;
}

msa_err msa_cbor_skip(struct msa_cbor *c)
{
    uint64_t left[MSA_CBOR_DEPTH_MAX];
    const unsigned char *start = c->p;
    unsigned d = 0;

    left[0] = 1;
    for (;;) {
        struct msa_cbor_head h;
        size_t len;
        uint64_t rest, add = 0;
        msa_err e;

        while (left[d] == 0) {
            if (d == 0)
                return MSA_OK;
            d--;
        }
        left[d]--;
        e = head_at(c, &h, &len);
        if (e != MSA_OK)
            goto fail;
        c->p += len;
        rest = msa_cbor_left(c);
        switch (h.major) {
        case MSA_CBOR_BSTR:
        case MSA_CBOR_TSTR:
            if (h.arg > rest) {
                e = MSA_E_TRUNCATED;
                goto fail;
            }
            c->p += (size_t)h.arg;
            break;
        case MSA_CBOR_ARRAY: add = h.arg; break;
        case MSA_CBOR_MAP:
            if (h.arg > rest / 2) {
                e = MSA_E_TRUNCATED;
                goto fail;
            }
            add = h.arg * 2;
            break;
        case MSA_CBOR_TAG: add = 1; break;
        default: break;
        }
        if (add > 0) {
            if (add > rest) {
                e = MSA_E_TRUNCATED;
                goto fail;
            }
            if (d + 1 >= MSA_CBOR_DEPTH_MAX) {
                e = MSA_E_LIMIT;
                goto fail;
            }
            left[++d] = add;
        }
        continue;
    fail:
        c->p = start;
        return e;
    }
}

msa_err msa_cbor_item(struct msa_cbor *c, const unsigned char **p, size_t *n)
{
    const unsigned char *start = c->p;
    msa_err e = msa_cbor_skip(c);

    if (e != MSA_OK)
        return e;
    *p = start;
    *n = (size_t)(c->p - start);
    return MSA_OK;
}

msa_err msa_cbor_uint(struct msa_cbor *c, uint64_t *v)
{
    return expect(c, MSA_CBOR_UINT, v);
}

msa_err msa_cbor_int(struct msa_cbor *c, int64_t *v)
{
    struct msa_cbor_head h;
    size_t len;
    msa_err e = head_at(c, &h, &len);

    if (e != MSA_OK)
        return e;
    if (h.major != MSA_CBOR_UINT && h.major != MSA_CBOR_NINT)
        return MSA_E_CBOR;
    if (h.arg > (uint64_t)INT64_MAX)
        return MSA_E_UNSUPPORTED;
    *v = h.major == MSA_CBOR_UINT ? (int64_t)h.arg : -1 - (int64_t)h.arg;
    c->p += len;
    return MSA_OK;
}

static msa_err string(struct msa_cbor *c, unsigned major, const unsigned char **p, size_t *n)
{
    uint64_t len;
    msa_err e = expect(c, major, &len);

    if (e != MSA_OK)
        return e;
    *p = c->p;
    *n = (size_t)len;
    c->p += (size_t)len;
    return MSA_OK;
}

msa_err msa_cbor_bstr(struct msa_cbor *c, const unsigned char **p, size_t *n)
{
    return string(c, MSA_CBOR_BSTR, p, n);
}

msa_err msa_cbor_tstr(struct msa_cbor *c, const unsigned char **p, size_t *n)
{
    return string(c, MSA_CBOR_TSTR, p, n);
}

msa_err msa_cbor_array(struct msa_cbor *c, size_t *n)
{
    uint64_t v;
    msa_err e = expect(c, MSA_CBOR_ARRAY, &v);

    if (e == MSA_OK)
        *n = (size_t)v;
    return e;
}

msa_err msa_cbor_map(struct msa_cbor *c, size_t *n)
{
    uint64_t v;
    msa_err e = expect(c, MSA_CBOR_MAP, &v);

    if (e == MSA_OK)
        *n = (size_t)v;
    return e;
}

msa_err msa_cbor_tag_optional(struct msa_cbor *c, uint64_t tag)
{
    struct msa_cbor_head h;
    size_t len;
    msa_err e = head_at(c, &h, &len);

    if (e != MSA_OK)
        return e;
    if (h.major == MSA_CBOR_TAG && h.arg == tag)
        c->p += len;
    return MSA_OK;
}

static msa_err simple(struct msa_cbor *c, uint64_t *v)
{
    return expect(c, MSA_CBOR_SIMPLE, v);
}

msa_err msa_cbor_null(struct msa_cbor *c)
{
    const unsigned char *start = c->p;
    uint64_t v;
    msa_err e = simple(c, &v);

    if (e != MSA_OK)
        return e;
    if (v != 22) {
        c->p = start;
        return MSA_E_CBOR;
    }
    return MSA_OK;
}

msa_err msa_cbor_bool(struct msa_cbor *c, int *b)
{
    const unsigned char *start = c->p;
    uint64_t v;
    msa_err e = simple(c, &v);

    if (e != MSA_OK)
        return e;
    if (v != 20 && v != 21) {
        c->p = start;
        return MSA_E_CBOR;
    }
    *b = v == 21;
    return MSA_OK;
}

int msa_cbor_is_null(const struct msa_cbor *c)
{
    return c->p < c->end && c->p[0] == 0xf6;
}

msa_err msa_cbor_wellformed(const void *buf, size_t n)
{
    struct msa_cbor c;
    msa_err e;

    msa_cbor_init(&c, buf, n);
    e = msa_cbor_skip(&c);
    if (e != MSA_OK)
        return e;
    return msa_cbor_done(&c) ? MSA_OK : MSA_E_CBOR;
}
