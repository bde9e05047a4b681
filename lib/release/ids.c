/* ids.c: SUIT vendor and class identifiers as RFC 4122 version-5 (name-based, SHA-1) UUIDs, the way
 * draft-ietf-suit-manifest's examples derive them: the vendor from its DNS domain, the class from
 * the vendor's UUID and the device's model and hardware revision. */
#include <openssl/evp.h>
#include <string.h>

#include "medsec/release.h"

/* the DNS namespace of RFC 4122 appendix C: 6ba7b810-9dad-11d1-80b4-00c04fd430c8 */
static const unsigned char ns_dns[16] = {0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
                                         0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};

/* UUIDv5 of the concatenation of @nparts strings under @ns. */
static void uuid5_parts(const unsigned char ns[16], const char *const *parts, size_t nparts,
                        unsigned char out[16])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    int ok = c && EVP_DigestInit_ex(c, EVP_sha1(), NULL) && EVP_DigestUpdate(c, ns, 16);
    for (size_t i = 0; ok && i < nparts; i++)
        ok = EVP_DigestUpdate(c, parts[i], strlen(parts[i]));
    ok = ok && EVP_DigestFinal_ex(c, md, &len) && len >= 16;
    EVP_MD_CTX_free(c);
    if (!ok) {
        memset(out, 0, 16);
        return;
    }
    memcpy(out, md, 16);
    out[6] = (unsigned char)((out[6] & 0x0f) | 0x50); /* version 5 */
    out[8] = (unsigned char)((out[8] & 0x3f) | 0x80); /* the RFC 4122 variant */
}

void medsec_release_uuid5(const unsigned char ns[16], const char *name, unsigned char out[16])
{
    uuid5_parts(ns, &name, 1, out);
}

void medsec_release_ids(const char *vendor_domain, const char *model, const char *hardware,
                        unsigned char vendor_id[16], unsigned char class_id[16])
{
    uuid5_parts(ns_dns, &vendor_domain, 1, vendor_id);
    const char *parts[3] = {model, " ", hardware};
    uuid5_parts(vendor_id, parts, hardware && *hardware ? 3 : 1, class_id);
}
