/* cert.c: what a root key signs and what a device trusts (docs/release.md): certificates (a root
 * vouches for a release key, with validity, purposes and vendor), revocation lists, and the trust
 * anchor file (the roots, the threshold k, the device's vendor and class). */
#include <string.h>

#include "medsec/release.h"

static medsec_err oom(struct medsec_error *err)
{
    return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
}

static medsec_err need_purpose(const struct medsec_release_key *root, struct medsec_error *err)
{
    if (root->pub.alg != MEDSEC_RELEASE_ES256 && root->pub.alg != MEDSEC_RELEASE_EDDSA)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "the root key has no algorithm");
    return MEDSEC_OK;
}

medsec_err medsec_release_certify(const struct medsec_release_key *root,
                                  const struct medsec_release_cert_info *ci, struct medsec_buf *out,
                                  struct medsec_error *err)
{
    medsec_err rc = need_purpose(root, err);
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

medsec_err medsec_release_revocation(const struct medsec_release_key *root, uint64_t number,
                                     uint64_t issued, const unsigned char (*kids)[16], size_t n,
                                     struct medsec_buf *out, struct medsec_error *err)
{
    medsec_err rc = need_purpose(root, err);
    if (rc)
        return rc;
    struct medsec_buf p = MEDSEC_BUF_INIT;
    bool bad = medsec_cbor_map(&p, 3) || medsec_cbor_uint(&p, 1) || medsec_cbor_uint(&p, number) ||
               medsec_cbor_uint(&p, 2) || medsec_cbor_uint(&p, issued) || medsec_cbor_uint(&p, 3) ||
               medsec_cbor_array(&p, n);
    for (size_t i = 0; !bad && i < n; i++)
        bad = medsec_cbor_bstr(&p, kids[i], 16);
    rc = bad ? oom(err) : medsec_release_sign1(root, p.data, p.len, false, true, out, err);
    medsec_buf_release(&p);
    return rc;
}

medsec_err medsec_release_anchor(unsigned k, const struct medsec_release_pub *roots, size_t n,
                                 const unsigned char vendor_id[16],
                                 const unsigned char class_id[16], struct medsec_buf *out,
                                 struct medsec_error *err)
{
    if (!n || k < 1 || k > n)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "the threshold k must be between 1 and the number of roots (%zu)",
                                n);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (!memcmp(roots[i].kid, roots[j].kid, sizeof roots[i].kid))
                return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                        "root %zu is root %zu again: k of n needs n distinct keys",
                                        i + 1, j + 1);
    bool bad = medsec_cbor_map(out, 4) || medsec_cbor_uint(out, 1) || medsec_cbor_uint(out, k) ||
               medsec_cbor_uint(out, 2) || medsec_cbor_array(out, n);
    for (size_t i = 0; !bad && i < n; i++)
        bad = medsec_cbor_map(out, 2) || medsec_cbor_uint(out, 1) ||
              medsec_cbor_int(out, roots[i].alg) || medsec_cbor_uint(out, 2) ||
              medsec_cbor_bstr(out, roots[i].pub, roots[i].pub_len);
    bad = bad || medsec_cbor_uint(out, 3) || medsec_cbor_bstr(out, vendor_id, 16) ||
          medsec_cbor_uint(out, 4) || medsec_cbor_bstr(out, class_id, 16);
    return bad ? oom(err) : MEDSEC_OK;
}
