/* revoke.c: revocation lists (docs/release.md, "Revocation lists"): a root names the key ids no
 * device may accept any more, in a numbered COSE_Sign1 that bundles carry. */
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

medsec_err medsec_release_revocation(const struct medsec_release_key *root, uint64_t number,
                                     uint64_t issued, const unsigned char (*kids)[16], size_t n,
                                     struct medsec_buf *out, struct medsec_error *err)
{
    medsec_err rc = need_root(root, err);
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
