/* cose.c: COSE_Sign1 (RFC 9052, sections 4.2 and 4.4): decode, Sig_structure into a bounded
 * buffer, verification through the port's crypto backend. */
#include "msa/cose.h"
#include "msa/cbor.h"

/* Read a header map (protected or unprotected) into @s; @prot is nonzero for the protected one.
 * Labels may not repeat; crit (2) is not supported. */
static msa_err header_map(struct msa_cbor *c, struct msa_cose_sign1 *s, int prot)
{
    size_t n, i;
    unsigned seen = 0;
    msa_err e = msa_cbor_map(c, &n);

    if (e != MSA_OK)
        return e;
    for (i = 0; i < n; i++) {
        struct msa_cbor_head h;
        int64_t label;

        e = msa_cbor_peek(c, &h);
        if (e != MSA_OK)
            return e;
        if (h.major == MSA_CBOR_TSTR) { /* text labels: skip key and value */
            if ((e = msa_cbor_skip(c)) != MSA_OK || (e = msa_cbor_skip(c)) != MSA_OK)
                return e;
            continue;
        }
        if ((e = msa_cbor_int(c, &label)) != MSA_OK)
            return e;
        if (label >= 1 && label <= 16) {
            if (seen & (1u << label))
                return MSA_E_STRUCTURE;
            seen |= 1u << label;
        }
        if (label == 1 && prot) {
            e = msa_cbor_peek(c, &h);
            if (e != MSA_OK)
                return e;
            if (h.major == MSA_CBOR_TSTR)
                return MSA_E_UNSUPPORTED;
            if ((e = msa_cbor_int(c, &s->alg)) != MSA_OK)
                return e;
        } else if (label == 1) {
            return MSA_E_STRUCTURE; /* alg belongs in the protected header */
        } else if (label == 2) {
            return MSA_E_UNSUPPORTED; /* crit: we understand no extension */
        } else if (label == 4) {
            const unsigned char *kid;
            size_t kid_len;
            if ((e = msa_cbor_bstr(c, &kid, &kid_len)) != MSA_OK)
                return e;
            if (prot || s->kid == NULL) {
                s->kid = kid;
                s->kid_len = kid_len;
            }
        } else if ((e = msa_cbor_skip(c)) != MSA_OK) {
            return e;
        }
    }
    return MSA_OK;
}

msa_err msa_cose_sign1_decode(const void *buf, size_t n, struct msa_cose_sign1 *s)
{
    struct msa_cbor c, ph;
    size_t count;
    msa_err e;

    s->protected_hdr = NULL;
    s->protected_len = 0;
    s->alg = 0;
    s->kid = NULL;
    s->kid_len = 0;
    s->payload = NULL;
    s->payload_len = 0;
    s->sig = NULL;
    s->sig_len = 0;
    msa_cbor_init(&c, buf, n);
    if ((e = msa_cbor_tag_optional(&c, MSA_COSE_SIGN1_TAG)) != MSA_OK)
        return e;
    if ((e = msa_cbor_array(&c, &count)) != MSA_OK)
        return e;
    if (count != 4)
        return MSA_E_STRUCTURE;
    if ((e = msa_cbor_bstr(&c, &s->protected_hdr, &s->protected_len)) != MSA_OK)
        return e;
    if (s->protected_len == 0)
        return MSA_E_STRUCTURE;
    msa_cbor_init(&ph, s->protected_hdr, s->protected_len);
    if ((e = header_map(&ph, s, 1)) != MSA_OK)
        return e;
    if (!msa_cbor_done(&ph))
        return MSA_E_CBOR;
    if (s->alg == 0)
        return MSA_E_STRUCTURE;
    if ((e = header_map(&c, s, 0)) != MSA_OK)
        return e;
    if (msa_cbor_is_null(&c)) {
        (void)msa_cbor_null(&c);
    } else if ((e = msa_cbor_bstr(&c, &s->payload, &s->payload_len)) != MSA_OK) {
        return e;
    }
    if ((e = msa_cbor_bstr(&c, &s->sig, &s->sig_len)) != MSA_OK)
        return e;
    return msa_cbor_done(&c) ? MSA_OK : MSA_E_CBOR;
}

/* Append a CBOR head (major @major, argument @arg) at out[*at]. */
static msa_err put_head(unsigned char *out, size_t cap, size_t *at, unsigned major, uint64_t arg)
{
    unsigned char tmp[9];
    size_t len, k;

    if (arg < 24) {
        tmp[0] = (unsigned char)(major << 5 | arg);
        len = 1;
    } else if (arg <= 0xff) {
        tmp[0] = (unsigned char)(major << 5 | 24);
        tmp[1] = (unsigned char)arg;
        len = 2;
    } else if (arg <= 0xffff) {
        tmp[0] = (unsigned char)(major << 5 | 25);
        len = 3;
    } else if (arg <= 0xffffffffu) {
        tmp[0] = (unsigned char)(major << 5 | 26);
        len = 5;
    } else {
        tmp[0] = (unsigned char)(major << 5 | 27);
        len = 9;
    }
    for (k = 1; len > 2 && k < len; k++)
        tmp[k] = (unsigned char)(arg >> (8 * (len - 1 - k)));
    if (cap - *at < len)
        return MSA_E_LIMIT;
    for (k = 0; k < len; k++)
        out[*at + k] = tmp[k];
    *at += len;
    return MSA_OK;
}

static msa_err put_bytes(unsigned char *out, size_t cap, size_t *at, unsigned major, const void *p,
                         size_t n)
{
    const unsigned char *b = (const unsigned char *)p;
    size_t k;
    msa_err e = put_head(out, cap, at, major, n);

    if (e != MSA_OK)
        return e;
    if (cap - *at < n)
        return MSA_E_LIMIT;
    for (k = 0; k < n; k++)
        out[*at + k] = b[k];
    *at += n;
    return MSA_OK;
}

msa_err msa_cose_sig_structure(const struct msa_cose_sign1 *s, const void *payload,
                               size_t payload_len, unsigned char *out, size_t cap, size_t *len)
{
    static const char context[] = "Signature1";
    size_t at = 0;
    msa_err e;

    if (payload == NULL) {
        if (s->payload == NULL)
            return MSA_E_STRUCTURE; /* detached, and no payload given */
        payload = s->payload;
        payload_len = s->payload_len;
    }
    if ((e = put_head(out, cap, &at, MSA_CBOR_ARRAY, 4)) != MSA_OK ||
        (e = put_bytes(out, cap, &at, MSA_CBOR_TSTR, context, sizeof context - 1)) != MSA_OK ||
        (e = put_bytes(out, cap, &at, MSA_CBOR_BSTR, s->protected_hdr, s->protected_len)) !=
            MSA_OK ||
        (e = put_bytes(out, cap, &at, MSA_CBOR_BSTR, "", 0)) != MSA_OK ||
        (e = put_bytes(out, cap, &at, MSA_CBOR_BSTR, payload, payload_len)) != MSA_OK)
        return e;
    *len = at;
    return MSA_OK;
}

int msa_cose_port_alg(int64_t alg)
{
    if (alg == MSA_ALG_ES256 || alg == MSA_ALG_ESP256)
        return MSA_ALG_ES256;
    if (alg == MSA_ALG_EDDSA || alg == MSA_ALG_ED25519)
        return MSA_ALG_EDDSA;
    return 0;
}

msa_err msa_cose_sign1_verify(const struct msa_port *port, const struct msa_cose_sign1 *s,
                              const void *payload, size_t payload_len, int key_alg,
                              const unsigned char *pub, size_t pub_len, unsigned char *scratch,
                              size_t cap)
{
    int alg = msa_cose_port_alg(s->alg);
    size_t len;
    msa_err e;

    if (alg == 0)
        return MSA_E_UNSUPPORTED;
    if (alg != key_alg || s->sig_len != 64)
        return MSA_E_SIGNATURE;
    if (port == NULL || port->verify == NULL)
        return MSA_E_ARG;
    e = msa_cose_sig_structure(s, payload, payload_len, scratch, cap, &len);
    if (e != MSA_OK)
        return e;
    if (port->verify(port->ctx, alg, pub, pub_len, scratch, len, s->sig, s->sig_len) != 0)
        return MSA_E_SIGNATURE;
    return MSA_OK;
}
