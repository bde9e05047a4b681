/* trust.c: the trust anchor, release-key certificates, revocation lists and the k-of-n check
 * (docs/suit.md, "Keys and trust"). */
#include "msa/trust.h"
#include "msa/cbor.h"

static int bytes_eq(const unsigned char *a, const unsigned char *b, size_t n)
{
    unsigned char d = 0;
    size_t i;
    for (i = 0; i < n; i++)
        d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

static void bytes_copy(unsigned char *to, const unsigned char *from, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        to[i] = from[i];
}

static size_t key_len(int alg)
{
    return alg == MSA_ALG_ES256 ? 65 : alg == MSA_ALG_EDDSA ? 32 : 0;
}

msa_err msa_trust_kid(const struct msa_port *port, const unsigned char *pub, size_t pub_len,
                      unsigned char kid[MSA_KID_BYTES])
{
    struct msa_sha256 h;
    unsigned char d[32];

    if (port == NULL || port->sha256_init == NULL)
        return MSA_E_ARG;
    if (port->sha256_init(port->ctx, &h) != 0 ||
        port->sha256_update(port->ctx, &h, pub, pub_len) != 0 ||
        port->sha256_final(port->ctx, &h, d) != 0)
        return MSA_E_PORT;
    bytes_copy(kid, d, MSA_KID_BYTES);
    return MSA_OK;
}

/* A 16-byte bstr. */
static msa_err id16(struct msa_cbor *c, unsigned char out[16])
{
    const unsigned char *p;
    size_t n;
    msa_err e = msa_cbor_bstr(c, &p, &n);

    if (e != MSA_OK)
        return e;
    if (n != 16)
        return MSA_E_BAD_KEY;
    bytes_copy(out, p, 16);
    return MSA_OK;
}

/* A key: alg (COSE number) and its raw public key of the right length. */
static msa_err key_of(int64_t alg, const unsigned char *pub, size_t n, int *port_alg)
{
    int a = msa_cose_port_alg(alg);
    if (a == 0 || pub == NULL || n != key_len(a))
        return MSA_E_BAD_KEY;
    if (a == MSA_ALG_ES256 && pub[0] != 0x04)
        return MSA_E_BAD_KEY; /* only the uncompressed point */
    *port_alg = a;
    return MSA_OK;
}

msa_err msa_trust_single(const struct msa_port *port, struct msa_trust *t, int alg,
                         const unsigned char *pub, size_t pub_len)
{
    msa_err e;
    int a;

    t->k = 1;
    t->n = 0;
    t->has_vendor = 0;
    t->has_class = 0;
    if ((e = key_of(alg, pub, pub_len, &a)) != MSA_OK)
        return e;
    t->roots[0].alg = a;
    t->roots[0].pub = pub;
    t->roots[0].pub_len = pub_len;
    if ((e = msa_trust_kid(port, pub, pub_len, t->roots[0].kid)) != MSA_OK)
        return e;
    t->n = 1;
    return MSA_OK;
}

static msa_err root_entry(const struct msa_port *port, struct msa_cbor *c, struct msa_root *r)
{
    size_t n, i;
    int64_t alg = 0;
    const unsigned char *pub = NULL;
    size_t pub_len = 0;
    msa_err e = msa_cbor_map(c, &n);

    if (e != MSA_OK)
        return e;
    for (i = 0; i < n; i++) {
        int64_t key;
        if ((e = msa_cbor_int(c, &key)) != MSA_OK)
            return e;
        if (key == 1 && alg == 0)
            e = msa_cbor_int(c, &alg);
        else if (key == 2 && pub == NULL)
            e = msa_cbor_bstr(c, &pub, &pub_len);
        else if (key == 1 || key == 2)
            return MSA_E_BAD_KEY;
        else
            e = msa_cbor_skip(c);
        if (e != MSA_OK)
            return e;
    }
    if (pub == NULL)
        return MSA_E_BAD_KEY;
    if ((e = key_of(alg, pub, pub_len, &r->alg)) != MSA_OK)
        return e;
    r->pub = pub;
    r->pub_len = pub_len;
    return msa_trust_kid(port, pub, pub_len, r->kid);
}

msa_err msa_trust_decode(const struct msa_port *port, const void *buf, size_t n,
                         struct msa_trust *t)
{
    struct msa_cbor c;
    size_t pairs, i;
    uint64_t k = 0;
    int have_roots = 0, have_k = 0;
    msa_err e;

    t->k = 0;
    t->n = 0;
    t->has_vendor = 0;
    t->has_class = 0;
    msa_cbor_init(&c, buf, n);
    if ((e = msa_cbor_map(&c, &pairs)) != MSA_OK)
        return e;
    for (i = 0; i < pairs; i++) {
        int64_t key;
        if ((e = msa_cbor_int(&c, &key)) != MSA_OK)
            return e;
        if (key == 1 && !have_k) {
            e = msa_cbor_uint(&c, &k);
            have_k = 1;
        } else if (key == 2 && !have_roots) {
            size_t nr, j;
            have_roots = 1;
            if ((e = msa_cbor_array(&c, &nr)) != MSA_OK)
                return e;
            if (nr > MSA_ROOTS_MAX)
                return MSA_E_LIMIT;
            for (j = 0; j < nr; j++) {
                size_t q;
                if ((e = root_entry(port, &c, &t->roots[j])) != MSA_OK)
                    return e;
                for (q = 0; q < j; q++)
                    if (bytes_eq(t->roots[q].kid, t->roots[j].kid, MSA_KID_BYTES))
                        return MSA_E_BAD_KEY; /* one key twice would count twice toward k */
                t->n = (unsigned)j + 1;
            }
        } else if (key == 3 && !t->has_vendor) {
            e = id16(&c, t->vendor);
            t->has_vendor = 1;
        } else if (key == 4 && !t->has_class) {
            e = id16(&c, t->class_id);
            t->has_class = 1;
        } else if (key >= 1 && key <= 4) {
            return MSA_E_BAD_KEY; /* repeated member */
        } else {
            e = msa_cbor_skip(&c);
        }
        if (e != MSA_OK)
            return e;
    }
    if (!msa_cbor_done(&c))
        return MSA_E_CBOR;
    if (k == 0 || k > t->n)
        return MSA_E_BAD_KEY;
    t->k = (unsigned)k;
    return MSA_OK;
}

int msa_revoked_has(const struct msa_revoked *rev, const unsigned char kid[MSA_KID_BYTES])
{
    unsigned i;
    if (rev == NULL)
        return 0;
    for (i = 0; i < rev->n && i < MSA_REVOKED_MAX; i++)
        if (bytes_eq(rev->kid[i], kid, MSA_KID_BYTES))
            return 1;
    return 0;
}

/* Index of the root with key id @kid (kid_len bytes), or -1. */
static int root_by_kid(const struct msa_trust *t, const unsigned char *kid, size_t kid_len)
{
    unsigned i;
    if (kid == NULL || kid_len != MSA_KID_BYTES)
        return -1;
    for (i = 0; i < t->n; i++)
        if (bytes_eq(t->roots[i].kid, kid, MSA_KID_BYTES))
            return (int)i;
    return -1;
}

/* The certificate's payload map. */
static msa_err cert_payload(const struct msa_port *port, const unsigned char *p, size_t n,
                            struct msa_cert *cert)
{
    struct msa_cbor c;
    size_t pairs, i;
    unsigned seen = 0;
    int64_t alg = 0;
    unsigned char kid[MSA_KID_BYTES];
    msa_err e;

    msa_cbor_init(&c, p, n);
    if ((e = msa_cbor_map(&c, &pairs)) != MSA_OK)
        return e == MSA_E_TRUNCATED ? e : MSA_E_BAD_KEY;
    for (i = 0; i < pairs; i++) {
        int64_t key;
        if (msa_cbor_int(&c, &key) != MSA_OK)
            return MSA_E_BAD_KEY;
        if (key >= 1 && key <= 8) {
            if (seen & (1u << key))
                return MSA_E_BAD_KEY;
            seen |= 1u << key;
        }
        switch (key) {
        case 1: e = id16(&c, cert->kid); break;
        case 2: e = msa_cbor_int(&c, &alg); break;
        case 3: e = msa_cbor_bstr(&c, &cert->pub, &cert->pub_len); break;
        case 4: e = msa_cbor_uint(&c, &cert->not_before); break;
        case 5: e = msa_cbor_uint(&c, &cert->not_after); break;
        case 6: e = msa_cbor_uint(&c, &cert->purposes); break;
        case 7: e = id16(&c, cert->vendor); break;
        case 8: e = msa_cbor_uint(&c, &cert->serial); break;
        default: e = msa_cbor_skip(&c); break;
        }
        if (e != MSA_OK)
            return MSA_E_BAD_KEY;
    }
    if (!msa_cbor_done(&c) || seen != 0x1fe)
        return MSA_E_BAD_KEY;
    if ((e = key_of(alg, cert->pub, cert->pub_len, &cert->alg)) != MSA_OK)
        return e;
    if ((e = msa_trust_kid(port, cert->pub, cert->pub_len, kid)) != MSA_OK)
        return e;
    if (!bytes_eq(kid, cert->kid, MSA_KID_BYTES))
        return MSA_E_BAD_KEY;
    return MSA_OK;
}

/* The certificate's signature by a root and its payload, without the policy checks. */
static msa_err cert_signed(const struct msa_port *port, const struct msa_trust *t, const void *buf,
                           size_t n, struct msa_cert *cert, unsigned char *scratch, size_t cap)
{
    struct msa_cose_sign1 s;
    int r;
    msa_err e = msa_cose_sign1_decode(buf, n, &s);

    if (e != MSA_OK)
        return e == MSA_E_TRUNCATED ? e : MSA_E_BAD_KEY;
    if (s.payload == NULL)
        return MSA_E_BAD_KEY;
    r = root_by_kid(t, s.kid, s.kid_len);
    if (r < 0)
        return MSA_E_KEY_UNKNOWN;
    e = msa_cose_sign1_verify(port, &s, NULL, 0, t->roots[r].alg, t->roots[r].pub,
                              t->roots[r].pub_len, scratch, cap);
    if (e != MSA_OK)
        return e;
    if ((e = cert_payload(port, s.payload, s.payload_len, cert)) != MSA_OK)
        return e;
    cert->root = (unsigned)r;
    return MSA_OK;
}

/* The policy checks of a certificate whose signature is good. */
static msa_err cert_policy(const struct msa_port *port, const struct msa_trust *t,
                           const struct msa_revoked *rev, const struct msa_cert *cert,
                           unsigned purpose)
{
    uint64_t now;

    if (t->has_vendor && !bytes_eq(cert->vendor, t->vendor, 16))
        return MSA_E_VENDOR;
    now = port->now != NULL ? port->now(port->ctx) : 0;
    if (now != 0 && (now < cert->not_before || now > cert->not_after))
        return MSA_E_KEY_EXPIRED;
    if ((cert->purposes & purpose) != purpose)
        return MSA_E_KEY_PURPOSE;
    if (msa_revoked_has(rev, cert->kid) || msa_revoked_has(rev, t->roots[cert->root].kid))
        return MSA_E_KEY_REVOKED;
    return MSA_OK;
}

msa_err msa_cert_verify(const struct msa_port *port, const struct msa_trust *t,
                        const struct msa_revoked *rev, const void *buf, size_t n, unsigned purpose,
                        struct msa_cert *cert, unsigned char *scratch, size_t cap)
{
    msa_err e = cert_signed(port, t, buf, n, cert, scratch, cap);
    if (e != MSA_OK)
        return e;
    return cert_policy(port, t, rev, cert, purpose);
}

/* Which root vouches for signature @s: *root gets its index. */
static msa_err signer_root(const struct msa_port *port, const struct msa_trust *t,
                           const struct msa_revoked *rev, const struct msa_cose_sign1 *s,
                           const void *payload, size_t payload_len,
                           const unsigned char *const *certs, const size_t *cert_lens,
                           unsigned ncerts, unsigned purpose, unsigned char *scratch, size_t cap,
                           unsigned *root)
{
    msa_err best = MSA_E_KEY_UNKNOWN;
    unsigned i;

    /* a root's own signature */
    for (i = 0; i < t->n; i++) {
        msa_err e;
        if (s->kid != NULL &&
            (s->kid_len != MSA_KID_BYTES || !bytes_eq(s->kid, t->roots[i].kid, MSA_KID_BYTES)))
            continue;
        if (msa_cose_port_alg(s->alg) != t->roots[i].alg && s->kid == NULL)
            continue;
        e = msa_cose_sign1_verify(port, s, payload, payload_len, t->roots[i].alg, t->roots[i].pub,
                                  t->roots[i].pub_len, scratch, cap);
        if (e == MSA_OK && msa_revoked_has(rev, t->roots[i].kid))
            e = MSA_E_KEY_REVOKED;
        if (e == MSA_OK) {
            *root = i;
            return MSA_OK;
        }
        if (best == MSA_E_KEY_UNKNOWN)
            best = e;
    }
    /* a release key certified by a root */
    for (i = 0; i < ncerts; i++) {
        struct msa_cert cert;
        msa_err e;
        /* the certificate first: its subject must be the signer */
        e = cert_signed(port, t, certs[i], cert_lens[i], &cert, scratch, cap);
        if (e != MSA_OK)
            continue; /* not usable at all; another certificate may be */
        if (s->kid != NULL &&
            (s->kid_len != MSA_KID_BYTES || !bytes_eq(s->kid, cert.kid, MSA_KID_BYTES)))
            continue;
        if (msa_cose_port_alg(s->alg) != cert.alg && s->kid == NULL)
            continue;
        e = msa_cose_sign1_verify(port, s, payload, payload_len, cert.alg, cert.pub, cert.pub_len,
                                  scratch, cap);
        if (e == MSA_OK)
            e = cert_policy(port, t, rev, &cert, purpose);
        if (e == MSA_OK) {
            *root = cert.root;
            return MSA_OK;
        }
        if (best == MSA_E_KEY_UNKNOWN || best == MSA_E_SIGNATURE)
            best = e;
    }
    return best;
}

msa_err msa_trust_check(const struct msa_port *port, const struct msa_trust *t,
                        const struct msa_revoked *rev, const struct msa_cose_sign1 *sigs,
                        unsigned nsig, const void *payload, size_t payload_len,
                        const unsigned char *const *certs, const size_t *cert_lens, unsigned ncerts,
                        unsigned purpose, unsigned char *scratch, size_t cap)
{
    unsigned vouch = 0, count = 0, i;
    msa_err first = MSA_OK;

    for (i = 0; i < nsig; i++) {
        unsigned root = 0;
        msa_err e = signer_root(port, t, rev, &sigs[i], payload, payload_len, certs, cert_lens,
                                ncerts, purpose, scratch, cap, &root);
        if (e == MSA_OK) {
            if (!(vouch & (1u << root))) {
                vouch |= 1u << root;
                count++;
            }
        } else if (e != MSA_E_KEY_UNKNOWN && first == MSA_OK) {
            first = e;
        } else if (e == MSA_E_PORT || e == MSA_E_ARG) {
            return e;
        }
    }
    if (count >= t->k && t->k > 0)
        return MSA_OK;
    if (first != MSA_OK)
        return first;
    return count > 0 ? MSA_E_THRESHOLD : MSA_E_KEY_UNKNOWN;
}

/* The revocation list's payload into @out (only once its signature is known good). */
static msa_err revocation_payload(const unsigned char *p, size_t n, struct msa_revoked *out)
{
    struct msa_cbor c;
    size_t pairs, i;
    unsigned seen = 0;
    msa_err e;

    out->n = 0;
    out->number = 0;
    msa_cbor_init(&c, p, n);
    if ((e = msa_cbor_map(&c, &pairs)) != MSA_OK)
        return e;
    for (i = 0; i < pairs; i++) {
        int64_t key;
        if ((e = msa_cbor_int(&c, &key)) != MSA_OK)
            return e;
        if (key >= 1 && key <= 3) {
            if (seen & (1u << key))
                return MSA_E_STRUCTURE;
            seen |= 1u << key;
        }
        if (key == 1) {
            e = msa_cbor_uint(&c, &out->number);
        } else if (key == 3) {
            size_t nk, j;
            if ((e = msa_cbor_array(&c, &nk)) != MSA_OK)
                return e;
            if (nk > MSA_REVOKED_MAX)
                return MSA_E_LIMIT;
            for (j = 0; j < nk; j++) {
                if ((e = id16(&c, out->kid[j])) != MSA_OK)
                    return e == MSA_E_BAD_KEY ? MSA_E_STRUCTURE : e;
            }
            out->n = (unsigned)nk;
        } else {
            e = msa_cbor_skip(&c);
        }
        if (e != MSA_OK)
            return e;
    }
    if (!msa_cbor_done(&c))
        return MSA_E_CBOR;
    return (seen & 0xa) == 0xa ? MSA_OK : MSA_E_STRUCTURE;
}

msa_err msa_revocation_apply(const struct msa_port *port, const struct msa_trust *t,
                             const void *buf, size_t n, const unsigned char *const *certs,
                             const size_t *cert_lens, unsigned ncerts, struct msa_revoked *rev,
                             unsigned char *scratch, size_t cap)
{
    struct msa_cose_sign1 s;
    struct msa_revoked fresh;
    unsigned i;
    msa_err e = msa_cose_sign1_decode(buf, n, &s);

    if (e != MSA_OK)
        return e;
    if (s.payload == NULL)
        return MSA_E_STRUCTURE;
    e = msa_trust_check(port, t, rev, &s, 1, NULL, 0, certs, cert_lens, ncerts,
                        MSA_PURPOSE_REVOCATION, scratch, cap);
    /* one root's word is enough for a revocation: it only ever takes trust away */
    if (e == MSA_E_THRESHOLD)
        e = MSA_OK;
    if (e != MSA_OK)
        return e;
    if ((e = revocation_payload(s.payload, s.payload_len, &fresh)) != MSA_OK)
        return e;
    if (rev == NULL || fresh.number <= rev->number)
        return MSA_OK;
    rev->number = fresh.number;
    rev->n = fresh.n;
    for (i = 0; i < fresh.n; i++)
        bytes_copy(rev->kid[i], fresh.kid[i], MSA_KID_BYTES);
    return MSA_OK;
}
