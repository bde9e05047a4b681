/* anchor.c: the trust anchor a device is built with (docs/release.md, "Trust anchor"): the roots'
 * public keys, the threshold k of n, and the device's vendor and class ids, as CBOR. */
#include <string.h>

#include "medsec/release.h"

static medsec_err oom(struct medsec_error *err)
{
    return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
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
