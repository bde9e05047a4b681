/* checkin.c: the device's signed check-in: its fields from the agent's state and security log,
 * encoded as a deterministic CBOR map (RFC 8949 4.2.1: shortest heads, keys ascending) inside a
 * COSE_Sign1 (RFC 9052 4.2) signed with EdDSA by the device key (docs/checkin.md). */
#include "msa/checkin.h"
#include "msa/cose.h"

#include "internal.h"

/* the protected header {1: -8 (EdDSA), 3: "application/vnd.medsec.checkin+cbor"} */
static const unsigned char protected_hdr[] = {
    0xa2, 0x01, 0x27, 0x03, 0x78, 0x23, 'a', 'p', 'p', 'l', 'i', 'c', 'a', 't',
    'i',  'o',  'n',  '/',  'v',  'n',  'd', '.', 'm', 'e', 'd', 's', 'e', 'c',
    '.',  'c',  'h',  'e',  'c',  'k',  'i', 'n', '+', 'c', 'b', 'o', 'r'};

typedef char
    msa_checkin_ct_len[sizeof protected_hdr == 6 + sizeof MSA_CHECKIN_CONTENT_TYPE - 1 ? 1 : -1];

const unsigned char *msa_checkin_protected(size_t *len)
{
    *len = sizeof protected_hdr;
    return protected_hdr;
}

/* A bounded writer: @over is set when something did not fit, and nothing more is written. */
struct wr {
    unsigned char *p;
    size_t cap, n;
    int over;
};

static void put(struct wr *w, const void *b, size_t n)
{
    if (w->over || n > w->cap - w->n) {
        w->over = 1;
        return;
    }
    if (n)
        memcpy(w->p + w->n, b, n);
    w->n += n;
}

/* The head of major type @major with argument @v, in its shortest form. */
static void head(struct wr *w, unsigned major, uint64_t v)
{
    unsigned char h[9];
    size_t n, i;
    unsigned char m = (unsigned char)(major << 5);
    if (v < 24) {
        h[0] = (unsigned char)(m | v);
        n = 1;
    } else if (v <= 0xffu) {
        h[0] = (unsigned char)(m | 24);
        n = 2;
    } else if (v <= 0xffffu) {
        h[0] = (unsigned char)(m | 25);
        n = 3;
    } else if (v <= 0xffffffffu) {
        h[0] = (unsigned char)(m | 26);
        n = 5;
    } else {
        h[0] = (unsigned char)(m | 27);
        n = 9;
    }
    for (i = 1; i < n; i++)
        h[i] = (unsigned char)(v >> (8 * (n - 1 - i)));
    put(w, h, n);
}

static void bstr(struct wr *w, const void *b, size_t n)
{
    head(w, 2, n);
    put(w, b, n);
}

static void uint_field(struct wr *w, unsigned key, uint64_t v)
{
    head(w, 0, key);
    head(w, 0, v);
}

static void bstr_field(struct wr *w, unsigned key, const unsigned char *b, size_t n)
{
    head(w, 0, key);
    bstr(w, b, n);
}

msa_err msa_checkin_payload(const struct msa_checkin *ci, unsigned char *out, size_t cap,
                            size_t *len)
{
    struct wr w;
    size_t vlen = 0, i;
    while (vlen <= MSA_CHECKIN_VERSION_MAX && ci->version[vlen])
        vlen++;
    if (vlen > MSA_CHECKIN_VERSION_MAX || ci->slot > 255u)
        return MSA_E_ARG;
    for (i = 0; i < vlen; i++)
        if ((unsigned char)ci->version[i] < 0x20 || (unsigned char)ci->version[i] > 0x7e)
            return MSA_E_ARG;
    w.p = out;
    w.cap = cap;
    w.n = 0;
    w.over = 0;
    head(&w, 5, MSA_CK_FIELDS);
    bstr_field(&w, MSA_CK_DEVICE_ID, ci->device_id, 16);
    uint_field(&w, MSA_CK_COUNTER, ci->counter);
    uint_field(&w, MSA_CK_TIME, ci->time);
    uint_field(&w, MSA_CK_SECURITY_VER, ci->security_version);
    head(&w, 0, MSA_CK_VERSION);
    head(&w, 3, vlen);
    put(&w, ci->version, vlen);
    uint_field(&w, MSA_CK_SLOT, ci->slot);
    bstr_field(&w, MSA_CK_IMAGE_DIGEST, ci->image_digest, 32);
    uint_field(&w, MSA_CK_LOG_FIRST, ci->log_first);
    uint_field(&w, MSA_CK_LOG_LAST, ci->log_last);
    uint_field(&w, MSA_CK_LOG_DROPPED, ci->log_dropped);
    bstr_field(&w, MSA_CK_LOG_HEAD, ci->log_head, 32);
    uint_field(&w, MSA_CK_INSTALL_SEQ, ci->install_seq);
    head(&w, 0, MSA_CK_INSTALL_RESULT);
    if (ci->install_result >= 0)
        head(&w, 0, (uint64_t)ci->install_result);
    else /* -1 - n is major type 1 with argument n */
        head(&w, 1, (uint64_t)(-((int64_t)ci->install_result + 1)));
    bstr_field(&w, MSA_CK_BUNDLE_DIGEST, ci->bundle_digest, 32);
    if (w.over)
        return MSA_E_LIMIT;
    *len = w.n;
    return MSA_OK;
}

/* The largest payload: every field at its widest (docs/checkin.md). */
#define PAYLOAD_MAX 256

msa_err msa_checkin_encode(const struct msa_port *port, const struct msa_checkin *ci,
                           unsigned char *out, size_t cap, size_t *len)
{
    unsigned char payload[PAYLOAD_MAX], sig[64];
    size_t plen;
    struct wr w;
    msa_err rc = msa_checkin_payload(ci, payload, sizeof payload, &plen);
    if (rc)
        return rc;
    memset(sig, 0, sizeof sig);
    w.p = out;
    w.cap = cap;
    w.n = 0;
    w.over = 0;
    if (port) {
        /* Sig_structure ["Signature1", protected, h'' (external_aad), payload] (RFC 9052 4.4),
         * built by the agent's COSE code in @out and signed there */
        struct msa_cose_sign1 s;
        size_t tbs;
        if (!port->sign)
            return MSA_E_ARG;
        memset(&s, 0, sizeof s);
        s.protected_hdr = protected_hdr;
        s.protected_len = sizeof protected_hdr;
        s.payload = payload;
        s.payload_len = plen;
        if ((rc = msa_cose_sig_structure(&s, NULL, 0, out, cap, &tbs)))
            return rc;
        if (port->sign(port->ctx, out, tbs, sig)) {
            memset(out, 0, tbs);
            return MSA_E_PORT;
        }
    }
    head(&w, 6, 18); /* COSE_Sign1 tag */
    head(&w, 4, 4);
    bstr(&w, protected_hdr, sizeof protected_hdr);
    head(&w, 5, 0); /* unprotected: empty */
    bstr(&w, payload, plen);
    bstr(&w, sig, sizeof sig);
    if (w.over)
        return MSA_E_LIMIT;
    *len = w.n;
    return MSA_OK;
}

msa_err msa_checkin_build(struct msa_agent *a, const unsigned char device_id[16], uint64_t *counter,
                          const char *version, unsigned char *out, size_t cap, size_t *len)
{
    const struct msa_port *p = a->port;
    struct msa_checkin ci;
    struct msa_log_record rec;
    unsigned s;
    size_t i;
    msa_err rc;
    if (a->st.decommissioned)
        return MSA_E_STATE;
    if (!device_id || !out || !len || !p->sign)
        return MSA_E_ARG;
    memset(&ci, 0, sizeof ci);
    if (version) {
        for (i = 0; version[i]; i++)
            if (i >= MSA_CHECKIN_VERSION_MAX)
                return MSA_E_ARG;
        memcpy(ci.version, version, i);
    }
    memcpy(ci.device_id, device_id, 16);
    if ((rc = msa_security_version(a, &ci.security_version)))
        return rc;
    /* the running slot: what msa_boot chose, else the confirmed image, else the trial one */
    s = a->booted;
    if (s >= MSA_SLOTS)
        s = a->st.confirmed;
    if (s >= MSA_SLOTS)
        s = a->st.trial;
    ci.slot = MSA_CHECKIN_NO_SLOT;
    if (s < MSA_SLOTS && a->st.slot[s].valid) {
        ci.slot = s;
        memcpy(ci.image_digest, a->st.slot[s].digest, 32);
    }
    /* the last install attempt: the newest update outcome, refusal, rollback or confirmation in
     * the log; its full bundle digest when the journal in the state still names that attempt */
    rc = msa_log_find(&a->log, p,
                      (1u << MSA_EV_UPDATE_RESULT) | (1u << MSA_EV_AUTH_FAIL) |
                          (1u << MSA_EV_ROLLBACK) | (1u << MSA_EV_CONFIRM),
                      &rec);
    if (rc)
        return rc;
    if (rec.seq) {
        int bundle_in_detail = rec.event == MSA_EV_UPDATE_RESULT || rec.event == MSA_EV_AUTH_FAIL;
        ci.install_seq = rec.value;
        ci.install_result = rec.code;
        /* a rollback because the trial boots were used up is logged with code 0 */
        if (rec.event == MSA_EV_ROLLBACK && rec.code == MSA_OK)
            ci.install_result = MSA_E_ROLLED_BACK;
        if (rec.value && a->st.j_seq == rec.value &&
            (!bundle_in_detail || !memcmp(a->st.j_bundle, rec.detail, 16)))
            memcpy(ci.bundle_digest, a->st.j_bundle, 32);
    }
    /* the counter: the sequence number of this check-in's own log record (persistent, never
     * reused: a record is written before its check-in is signed) */
    if ((rc = msa_log_append(&a->log, p, MSA_EV_CHECKIN, MSA_OK, ci.security_version, device_id)))
        return rc;
    ci.counter = a->log.last;
    ci.time = p->now ? p->now(p->ctx) : 0;
    ci.log_first = a->log.first;
    ci.log_last = a->log.last;
    ci.log_dropped = a->log.first ? a->log.first - 1 : 0;
    memcpy(ci.log_head, a->log.head, 32);
    if ((rc = msa_checkin_encode(p, &ci, out, cap, len)))
        return rc;
    if (counter)
        *counter = ci.counter;
    return MSA_OK;
}
