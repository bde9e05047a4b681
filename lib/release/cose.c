/* cose.c: COSE_Sign1 (RFC 9052 section 4.2 and 4.4) as the bundle, the certificates and the
 * revocation lists use it: protected header {1: alg, 4: kid}, empty unprotected header, the payload
 * attached or detached, and the signature over Sig_structure ["Signature1", protected, h'',
 * payload]. */
#include "medsec/release.h"

static medsec_err oom(struct medsec_error *err)
{
    return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
}

medsec_err medsec_release_sign1(const struct medsec_release_key *key, const void *payload, size_t n,
                                bool detached, bool tagged, struct medsec_buf *out,
                                struct medsec_error *err)
{
    struct medsec_buf prot = MEDSEC_BUF_INIT, tbs = MEDSEC_BUF_INIT;
    unsigned char sig[64];
    medsec_err rc;
    /* protected: {1: alg, 4: kid} (keys in ascending order) */
    if (medsec_cbor_map(&prot, 2) || medsec_cbor_uint(&prot, 1) ||
        medsec_cbor_int(&prot, key->pub.alg) || medsec_cbor_uint(&prot, 4) ||
        medsec_cbor_bstr(&prot, key->pub.kid, sizeof key->pub.kid) || medsec_cbor_array(&tbs, 4) ||
        medsec_cbor_tstr(&tbs, "Signature1") || medsec_cbor_bstr(&tbs, prot.data, prot.len) ||
        medsec_cbor_bstr(&tbs, NULL, 0) || medsec_cbor_bstr(&tbs, payload, n)) {
        rc = oom(err);
        goto out_release;
    }
    if ((rc = medsec_release_sign_raw(key, tbs.data, tbs.len, sig, err)))
        goto out_release;
    if ((tagged && medsec_cbor_tag(out, 18)) || medsec_cbor_array(out, 4) ||
        medsec_cbor_bstr(out, prot.data, prot.len) || medsec_cbor_map(out, 0) ||
        (detached ? medsec_cbor_null(out) : medsec_cbor_bstr(out, payload, n)) ||
        medsec_cbor_bstr(out, sig, sizeof sig))
        rc = oom(err);
out_release:
    medsec_buf_release(&prot);
    medsec_buf_release(&tbs);
    return rc;
}
