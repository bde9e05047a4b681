/* checkin.c: the server's side of the device's signed check-in: a strict decoder over the agent's
 * CBOR reader, the signature checked with the agent's COSE code over the host crypto backend, and
 * the agent's own encoder for building one (one wire format, one encoder: docs/checkin.md). */
#include "medsec/checkin.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "msa/cbor.h"
#include "msa/checkin.h"
#include "msa/cose.h"
#include "posix.h"

#define WHERE "check-in"

static const char *const field_names[MSA_CK_FIELDS + 1] = {"",
                                                           "device_id",
                                                           "counter",
                                                           "time",
                                                           "security_version",
                                                           "version",
                                                           "slot",
                                                           "image_digest",
                                                           "log_first",
                                                           "log_last",
                                                           "log_dropped",
                                                           "log_head",
                                                           "install_seq",
                                                           "install_result",
                                                           "bundle_digest"};

static medsec_err bad(struct medsec_error *err, medsec_err code, const char *what, msa_err rc)
{
    const char *why = rc == MSA_E_TRUNCATED     ? "the bytes end inside it"
                      : rc == MSA_E_UNSUPPORTED ? "an indefinite length or an integer too large"
                                                : "not well-formed CBOR or not the expected type";
    return medsec_error_set(err, code, WHERE, 0, 0, "%s: %s", what, why);
}

static medsec_err field_err(struct medsec_error *err, medsec_err code, unsigned key,
                            const char *why)
{
    return medsec_error_set(err, code, WHERE, 0, 0, "field %u (%s): %s", key, field_names[key],
                            why);
}

/* A byte string of exactly @n bytes into @out. */
static medsec_err get_bytes(struct msa_cbor *c, unsigned key, unsigned char *out, size_t n,
                            struct medsec_error *err)
{
    const unsigned char *p;
    size_t len;
    msa_err rc = msa_cbor_bstr(c, &p, &len);
    if (rc)
        return field_err(err, MEDSEC_EPARSE, key, "expected a byte string");
    if (len != n) {
        char why[64];
        snprintf(why, sizeof why, "expected %zu bytes, found %zu", n, len);
        return field_err(err, MEDSEC_EINVAL, key, why);
    }
    memcpy(out, p, n);
    return MEDSEC_OK;
}

static medsec_err get_uint(struct msa_cbor *c, unsigned key, uint64_t max, uint64_t *v,
                           struct medsec_error *err)
{
    if (msa_cbor_uint(c, v))
        return field_err(err, MEDSEC_EPARSE, key, "expected an unsigned integer");
    if (*v > max)
        return field_err(err, MEDSEC_EINVAL, key, "out of range");
    return MEDSEC_OK;
}

static medsec_err get_field(struct msa_cbor *c, unsigned key, struct medsec_checkin *o,
                            struct medsec_error *err)
{
    uint64_t v = 0;
    medsec_err rc = MEDSEC_OK;
    switch (key) {
    case MSA_CK_DEVICE_ID: return get_bytes(c, key, o->device_id, 16, err);
    case MSA_CK_COUNTER: return get_uint(c, key, UINT64_MAX, &o->counter, err);
    case MSA_CK_TIME: return get_uint(c, key, UINT64_MAX, &o->time, err);
    case MSA_CK_SECURITY_VER: return get_uint(c, key, UINT64_MAX, &o->security_version, err);
    case MSA_CK_VERSION: {
        const unsigned char *p;
        size_t len;
        if (msa_cbor_tstr(c, &p, &len))
            return field_err(err, MEDSEC_EPARSE, key, "expected a text string");
        if (len > MSA_CHECKIN_VERSION_MAX)
            return field_err(err, MEDSEC_EINVAL, key, "longer than 32 bytes");
        for (size_t i = 0; i < len; i++)
            if (p[i] < 0x20 || p[i] > 0x7e)
                return field_err(err, MEDSEC_EINVAL, key, "not printable ASCII");
        memcpy(o->version, p, len);
        o->version[len] = '\0';
        return MEDSEC_OK;
    }
    case MSA_CK_SLOT:
        if (!(rc = get_uint(c, key, 255, &v, err)))
            o->slot = (unsigned)v;
        return rc;
    case MSA_CK_IMAGE_DIGEST: return get_bytes(c, key, o->image_digest, 32, err);
    case MSA_CK_LOG_FIRST:
        if (!(rc = get_uint(c, key, UINT32_MAX, &v, err)))
            o->log_first = (uint32_t)v;
        return rc;
    case MSA_CK_LOG_LAST:
        if (!(rc = get_uint(c, key, UINT32_MAX, &v, err)))
            o->log_last = (uint32_t)v;
        return rc;
    case MSA_CK_LOG_DROPPED:
        if (!(rc = get_uint(c, key, UINT32_MAX, &v, err)))
            o->log_dropped = (uint32_t)v;
        return rc;
    case MSA_CK_LOG_HEAD: return get_bytes(c, key, o->log_head, 32, err);
    case MSA_CK_INSTALL_SEQ: return get_uint(c, key, UINT64_MAX, &o->install_seq, err);
    case MSA_CK_INSTALL_RESULT: {
        int64_t s;
        struct msa_cbor_head h;
        if (msa_cbor_peek(c, &h) || (h.major != MSA_CBOR_UINT && h.major != MSA_CBOR_NINT) ||
            msa_cbor_int(c, &s))
            return field_err(err, MEDSEC_EPARSE, key, "expected an integer");
        if (s < INT32_MIN || s > INT32_MAX)
            return field_err(err, MEDSEC_EINVAL, key, "out of range");
        o->install_result = (int32_t)s;
        return MEDSEC_OK;
    }
    case MSA_CK_BUNDLE_DIGEST: return get_bytes(c, key, o->bundle_digest, 32, err);
    }
    return MEDSEC_EINTERNAL;
}

/* The payload map: every field once, keys ascending, nothing else. */
static medsec_err parse_payload(const unsigned char *p, size_t n, struct medsec_checkin *o,
                                struct medsec_error *err)
{
    struct msa_cbor c;
    size_t pairs;
    unsigned last = 0;
    medsec_err rc;
    msa_cbor_init(&c, p, n);
    msa_err e = msa_cbor_map(&c, &pairs);
    if (e)
        return bad(err, MEDSEC_EPARSE, "payload: expected a map", e);
    for (size_t i = 0; i < pairs; i++) {
        uint64_t key;
        struct msa_cbor_head h;
        if ((e = msa_cbor_peek(&c, &h)))
            return bad(err, MEDSEC_EPARSE, "payload: a key", e);
        if (h.major != MSA_CBOR_UINT)
            return medsec_error_set(err, MEDSEC_EPARSE, WHERE, 0, 0,
                                    "payload: key %zu is not an unsigned integer", i + 1);
        if ((e = msa_cbor_uint(&c, &key)))
            return bad(err, MEDSEC_EPARSE, "payload: a key", e);
        if (key < 1 || key > MSA_CK_FIELDS)
            return medsec_error_set(err, MEDSEC_EPARSE, WHERE, 0, 0, "payload: unknown key %llu",
                                    (unsigned long long)key);
        if (key == last)
            return field_err(err, MEDSEC_EPARSE, (unsigned)key, "appears twice");
        if (key < last)
            return field_err(err, MEDSEC_EPARSE, (unsigned)key, "out of order (keys must ascend)");
        /* every key from 1 up is required: a gap names the missing one */
        if (key != last + 1)
            return field_err(err, MEDSEC_EPARSE, last + 1,
                             "missing, or the keys are not in ascending order");
        if ((rc = get_field(&c, (unsigned)key, o, err)))
            return rc;
        last = (unsigned)key;
    }
    if (last != MSA_CK_FIELDS)
        return field_err(err, MEDSEC_EPARSE, last + 1, "missing");
    if (!msa_cbor_done(&c))
        return medsec_error_set(err, MEDSEC_EPARSE, WHERE, 0, 0, "payload: bytes after the map");
    return MEDSEC_OK;
}

/* Decode @msg into @o and the parts the signature covers. */
static medsec_err decode(const unsigned char *msg, size_t n, struct medsec_checkin *o,
                         struct msa_cose_sign1 *s, struct medsec_error *err)
{
    struct msa_cbor c;
    struct msa_cbor_head h;
    size_t count, plen;
    const unsigned char *prot = msa_checkin_protected(&plen);
    medsec_err rc;
    msa_err e;
    memset(o, 0, sizeof *o);
    memset(s, 0, sizeof *s);
    if (!msg || !n)
        return medsec_error_set(err, MEDSEC_EPARSE, WHERE, 0, 0, "empty");
    if (n > MEDSEC_CHECKIN_MAX)
        return medsec_error_set(err, MEDSEC_ETOOBIG, WHERE, 0, 0,
                                "%zu bytes, more than the %d a check-in may have", n,
                                MEDSEC_CHECKIN_MAX);
    msa_cbor_init(&c, msg, n);
    if ((e = msa_cbor_peek(&c, &h)))
        return bad(err, MEDSEC_EPARSE, "COSE_Sign1", e);
    if (h.major != MSA_CBOR_TAG || h.arg != MSA_COSE_SIGN1_TAG)
        return medsec_error_set(err, MEDSEC_EPARSE, WHERE, 0, 0,
                                "not a COSE_Sign1: tag 18 expected first");
    if ((e = msa_cbor_tag_optional(&c, MSA_COSE_SIGN1_TAG)))
        return bad(err, MEDSEC_EPARSE, "COSE_Sign1", e);
    if ((e = msa_cbor_array(&c, &count)))
        return bad(err, MEDSEC_EPARSE, "COSE_Sign1: expected an array", e);
    if (count != 4)
        return medsec_error_set(err, MEDSEC_EPARSE, WHERE, 0, 0,
                                "COSE_Sign1: an array of %zu items, 4 expected", count);
    if ((e = msa_cbor_bstr(&c, &s->protected_hdr, &s->protected_len)))
        return bad(err, MEDSEC_EPARSE, "protected header: expected a byte string", e);
    if (s->protected_len != plen || memcmp(s->protected_hdr, prot, plen))
        return medsec_error_set(err, MEDSEC_EPARSE, WHERE, 0, 0,
                                "protected header: expected {1: -8 (EdDSA), 3: \"%s\"}",
                                MSA_CHECKIN_CONTENT_TYPE);
    s->alg = MSA_ALG_EDDSA;
    if ((e = msa_cbor_map(&c, &count)))
        return bad(err, MEDSEC_EPARSE, "unprotected header: expected a map", e);
    if (count)
        return medsec_error_set(err, MEDSEC_EPARSE, WHERE, 0, 0,
                                "unprotected header: must be empty");
    if ((e = msa_cbor_bstr(&c, &s->payload, &s->payload_len)))
        return bad(err, MEDSEC_EPARSE, "payload: expected a byte string", e);
    if ((e = msa_cbor_bstr(&c, &s->sig, &s->sig_len)))
        return bad(err, MEDSEC_EPARSE, "signature: expected a byte string", e);
    if (s->sig_len != 64)
        return medsec_error_set(err, MEDSEC_EPARSE, WHERE, 0, 0,
                                "signature: %zu bytes, an Ed25519 signature has 64", s->sig_len);
    if (!msa_cbor_done(&c))
        return medsec_error_set(err, MEDSEC_EPARSE, WHERE, 0, 0,
                                "%zu trailing bytes after the COSE_Sign1", msa_cbor_left(&c));
    if ((rc = parse_payload(s->payload, s->payload_len, o, err)))
        return rc;
    /* deterministic encoding (RFC 8949 4.2.1): the agent's encoder gives back the same bytes,
     * or a head was not in its shortest form */
    struct msa_checkin ci;
    unsigned char again[MSA_CHECKIN_MAX];
    size_t alen;
    memset(&ci, 0, sizeof ci);
    memcpy(ci.device_id, o->device_id, 16);
    ci.counter = o->counter;
    ci.time = o->time;
    ci.security_version = o->security_version;
    memcpy(ci.version, o->version, sizeof ci.version);
    ci.slot = o->slot;
    memcpy(ci.image_digest, o->image_digest, 32);
    ci.log_first = o->log_first;
    ci.log_last = o->log_last;
    ci.log_dropped = o->log_dropped;
    memcpy(ci.log_head, o->log_head, 32);
    ci.install_seq = o->install_seq;
    ci.install_result = o->install_result;
    memcpy(ci.bundle_digest, o->bundle_digest, 32);
    if (msa_checkin_encode(NULL, &ci, again, sizeof again, &alen) || alen != n ||
        memcmp(again, msg, n - 64))
        return medsec_error_set(err, MEDSEC_EPARSE, WHERE, 0, 0,
                                "not in the deterministic encoding (RFC 8949 section 4.2.1): an "
                                "item's head is longer than it needs to be");
    return MEDSEC_OK;
}

medsec_err medsec_checkin_parse(const unsigned char *msg, size_t n, struct medsec_checkin *out,
                                struct medsec_error *err)
{
    struct msa_cose_sign1 s;
    medsec_err rc = decode(msg, n, out, &s, err);
    if (rc)
        memset(out, 0, sizeof *out);
    return rc;
}

medsec_err medsec_checkin_verify(const unsigned char *msg, size_t n, const unsigned char pub[32],
                                 struct medsec_checkin *out, struct medsec_error *err)
{
    struct msa_cose_sign1 s;
    struct msa_port port;
    unsigned char scratch[MSA_CHECKIN_MAX];
    medsec_err rc = decode(msg, n, out, &s, err);
    if (rc)
        goto out_clear;
    if (sodium_init() < 0) {
        rc = medsec_error_set(err, MEDSEC_EINTERNAL, WHERE, 0, 0, "libsodium: init failed");
        goto out_clear;
    }
    memset(&port, 0, sizeof port);
    msa_posix_crypto(&port);
    msa_err e =
        msa_cose_sign1_verify(&port, &s, NULL, 0, MSA_ALG_EDDSA, pub, 32, scratch, sizeof scratch);
    if (e == MSA_OK)
        return MEDSEC_OK;
    if (e == MSA_E_SIGNATURE)
        rc = medsec_error_set(err, MEDSEC_EVERIFY, WHERE, 0, 0,
                              "the device's signature does not verify: the check-in was changed, "
                              "or another device signed it");
    else
        rc = medsec_error_set(err, MEDSEC_EVERIFY, WHERE, 0, 0,
                              "the signature could not be checked: %s", msa_strerror(e));
out_clear:
    memset(out, 0, sizeof *out);
    return rc;
}

/* port->sign for medsec_checkin_make: the caller's libsodium secret key is the context. */
static int sign_with(void *ctx, const void *msg, size_t n, unsigned char sig[64])
{
    return crypto_sign_detached(sig, NULL, msg, n, ctx);
}

medsec_err medsec_checkin_make(const struct medsec_checkin *in, const unsigned char priv[64],
                               unsigned char *out, size_t cap, size_t *len,
                               struct medsec_error *err)
{
    struct msa_checkin ci;
    struct msa_port port;
    memset(&ci, 0, sizeof ci);
    memcpy(ci.device_id, in->device_id, 16);
    ci.counter = in->counter;
    ci.time = in->time;
    ci.security_version = in->security_version;
    if (memchr(in->version, '\0', sizeof in->version) == NULL)
        return medsec_error_set(err, MEDSEC_EINVAL, WHERE, 0, 0,
                                "version: not terminated within 33 bytes");
    memcpy(ci.version, in->version, sizeof ci.version);
    ci.slot = in->slot;
    memcpy(ci.image_digest, in->image_digest, 32);
    ci.log_first = in->log_first;
    ci.log_last = in->log_last;
    ci.log_dropped = in->log_dropped;
    memcpy(ci.log_head, in->log_head, 32);
    ci.install_seq = in->install_seq;
    ci.install_result = in->install_result;
    memcpy(ci.bundle_digest, in->bundle_digest, 32);
    memset(&port, 0, sizeof port);
    port.ctx = (void *)priv;
    port.sign = sign_with;
    if (sodium_init() < 0)
        return medsec_error_set(err, MEDSEC_EINTERNAL, WHERE, 0, 0, "libsodium: init failed");
    msa_err e = msa_checkin_encode(&port, &ci, out, cap, len);
    switch (e) {
    case MSA_OK: return MEDSEC_OK;
    case MSA_E_ARG:
        return medsec_error_set(err, MEDSEC_EINVAL, WHERE, 0, 0,
                                "version must be at most 32 printable ASCII characters and slot "
                                "at most 255");
    case MSA_E_LIMIT:
        return medsec_error_set(err, MEDSEC_ETOOBIG, WHERE, 0, 0,
                                "the output buffer of %zu bytes is too small", cap);
    default: return medsec_error_set(err, MEDSEC_EINTERNAL, WHERE, 0, 0, "%s", msa_strerror(e));
    }
}

const char *medsec_checkin_result_text(int32_t result)
{
    return result == 0 ? "success" : msa_strerror((msa_err)result);
}

enum medsec_checkin_install medsec_checkin_install_state(const struct medsec_checkin *c,
                                                         uint64_t offered)
{
    if (offered && c->security_version >= offered)
        return MEDSEC_INSTALL_SUCCEEDED;
    if (!offered || c->install_seq != offered)
        return MEDSEC_INSTALL_NONE;
    return c->install_result == 0 ? MEDSEC_INSTALL_INSTALLING : MEDSEC_INSTALL_FAILED;
}
