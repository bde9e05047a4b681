/* cert.c: certificates (docs/release.md, "Certificates"): a root vouches for a release key, with
 * validity, purposes and vendor, in a COSE_Sign1 the bundle carries. */
#include <string.h>

#include "medsec/release.h"

static medsec_err oom(struct medsec_error *err)
{
    return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
}

static medsec_err need_root(const struct medsec_release_key *root, struct medsec_error *err)
{
    if (root->pub.alg != MEDSEC_RELEASE_ES256 && root->pub.alg != MEDSEC_RELEASE_EDDSA)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "the root key has no algorithm");
    return MEDSEC_OK;
}

medsec_err medsec_release_certify(const struct medsec_release_key *root,
                                  const struct medsec_release_cert_info *ci, struct medsec_buf *out,
                                  struct medsec_error *err)
{
    medsec_err rc = need_root(root, err);
    if (rc)
        return rc;
    if (ci->not_after <= ci->not_before)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "the validity ends before it starts");
    if (!ci->purposes || ci->purposes > 7)
        return medsec_error_set(
            err, MEDSEC_EINVAL, NULL, 0, 0,
            "purposes must be a non-empty subset of sign, revoke, decommission");
    struct medsec_buf p = MEDSEC_BUF_INIT;
    if (medsec_cbor_map(&p, 8) || medsec_cbor_uint(&p, 1) ||
        medsec_cbor_bstr(&p, ci->subject.kid, sizeof ci->subject.kid) || medsec_cbor_uint(&p, 2) ||
        medsec_cbor_int(&p, ci->subject.alg) || medsec_cbor_uint(&p, 3) ||
        medsec_cbor_bstr(&p, ci->subject.pub, ci->subject.pub_len) || medsec_cbor_uint(&p, 4) ||
        medsec_cbor_uint(&p, ci->not_before) || medsec_cbor_uint(&p, 5) ||
        medsec_cbor_uint(&p, ci->not_after) || medsec_cbor_uint(&p, 6) ||
        medsec_cbor_uint(&p, ci->purposes) || medsec_cbor_uint(&p, 7) ||
        medsec_cbor_bstr(&p, ci->vendor_id, 16) || medsec_cbor_uint(&p, 8) ||
        medsec_cbor_uint(&p, ci->serial))
        rc = oom(err);
    else
        rc = medsec_release_sign1(root, p.data, p.len, false, true, out, err);
    medsec_buf_release(&p);
    return rc;
}
