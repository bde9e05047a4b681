/* log.c: the security event log: fixed-size records in a ring, hash-chained and sealed, and its
 * export and verification (docs/log.md). */
#include "msa/log.h"

#include "internal.h"

#define REC MSA_LOG_RECORD_BYTES
#define REC_SEALED 80 /* bytes the seal covers */
#define HDR MSA_LOG_HEADER_BYTES
#define TRL MSA_LOG_TRAILER_BYTES
#define EXPORT_MAGIC "MSALOGX1"
#define EXPORT_F_HMAC 1u
#define EXPORT_F_SIG 2u

msa_err msa_hmac_sha256(const struct msa_port *port, const unsigned char *key, size_t klen,
                        const void *msg, size_t n, unsigned char out[32])
{
    unsigned char pad[64], inner[32];
    struct msa_sha256 h;
    if (klen > sizeof pad || !port->sha256_init)
        return MSA_E_ARG;
    msa_err rc = MSA_E_PORT;
    memset(pad, 0x36, sizeof pad);
    for (size_t i = 0; i < klen; i++)
        pad[i] ^= key[i];
    if (port->sha256_init(port->ctx, &h) || port->sha256_update(port->ctx, &h, pad, sizeof pad) ||
        port->sha256_update(port->ctx, &h, msg, n) || port->sha256_final(port->ctx, &h, inner))
        goto out_wipe;
    for (size_t i = 0; i < sizeof pad; i++)
        pad[i] ^= 0x36 ^ 0x5c;
    if (port->sha256_init(port->ctx, &h) || port->sha256_update(port->ctx, &h, pad, sizeof pad) ||
        port->sha256_update(port->ctx, &h, inner, sizeof inner) ||
        port->sha256_final(port->ctx, &h, out))
        goto out_wipe;
    rc = MSA_OK;
out_wipe:
    memset(pad, 0, sizeof pad);
    memset(&h, 0, sizeof h);
    return rc;
}

const char *msa_log_event_name(unsigned event)
{
    switch (event) {
    case MSA_EV_BOOT: return "boot";
    case MSA_EV_UPDATE_START: return "update-start";
    case MSA_EV_UPDATE_RESULT: return "update-result";
    case MSA_EV_AUTH_FAIL: return "auth-failure";
    case MSA_EV_CONFIG: return "config-change";
    case MSA_EV_TAMPER: return "tamper";
    case MSA_EV_DECOMMISSION: return "decommission";
    case MSA_EV_ROLLBACK: return "rollback";
    case MSA_EV_CONFIRM: return "confirm";
    case MSA_EV_CHECKIN: return "checkin";
    default: return "unknown";
    }
}

/* The log key into @key (32 bytes); 0 when the device has one. */
static int log_key(const struct msa_port *port, unsigned char key[32])
{
    return !port->key_get || port->key_get(port->ctx, MSA_KEY_LOG, key, 32) ? -1 : 0;
}

/* Seal of a record's first REC_SEALED bytes: HMAC under @key, or SHA-256 when @key is NULL. */
static msa_err seal(const struct msa_port *port, const unsigned char *key, const unsigned char *rec,
                    unsigned char out[32])
{
    if (key)
        return msa_hmac_sha256(port, key, 32, rec, REC_SEALED, out);
    return msa_sha256_buf(port, rec, REC_SEALED, out);
}

/* 0 when the record at @rec is well formed, sealed correctly (an HMAC seal is only checked when
 * @key is given; *@unchecked is set when it could not be) and holds sequence number @seq (any
 * when 0); nonzero otherwise; MSA_E_PORT on a crypto failure. */
static msa_err rec_check(const struct msa_port *port, const unsigned char *key,
                         const unsigned char *rec, uint32_t seq, int *unchecked)
{
    unsigned char s[32];
    if (memcmp(rec, "MSAL", 4) || (seq && msa_get32(rec + 4) != seq) || !msa_get32(rec + 4))
        return MSA_E_LOG;
    int mac = (msa_get16(rec + 18) & MSA_LOG_F_MAC) != 0;
    if (mac && !key) {
        if (unchecked)
            *unchecked = 1;
        return MSA_OK;
    }
    msa_err rc = seal(port, mac ? key : NULL, rec, s);
    if (rc)
        return rc;
    return msa_ct_diff(s, rec + REC_SEALED, 32) ? MSA_E_LOG : MSA_OK;
}

static msa_err rec_read(const struct msa_log *log, const struct msa_port *port, uint32_t seq,
                        unsigned char rec[REC])
{
    uint32_t off = ((seq - 1) % log->slots) * REC;
    return port->log_read(port->ctx, off, rec, REC) ? MSA_E_PORT : MSA_OK;
}

msa_err msa_log_open(struct msa_log *log, const struct msa_port *port)
{
    unsigned char rec[REC], keybuf[32];
    const unsigned char *key = log_key(port, keybuf) ? NULL : keybuf;
    msa_err rc = MSA_OK;
    memset(log, 0, sizeof *log);
    log->slots = port->log_size ? port->log_size(port->ctx) / REC : 0;
    if (!log->slots)
        goto out_wipe;
    /* the newest record: the highest sequence number whose record checks, in its own slot */
    for (uint32_t i = 0; i < log->slots; i++) {
        if (port->log_read(port->ctx, i * REC, rec, REC)) {
            rc = MSA_E_PORT;
            goto out_wipe;
        }
        msa_err r = rec_check(port, key, rec, 0, NULL);
        if (r == MSA_E_PORT) {
            rc = r;
            goto out_wipe;
        }
        uint32_t seq = msa_get32(rec + 4);
        if (!r && (seq - 1) % log->slots == i && seq > log->last) {
            log->last = seq;
            if ((rc = msa_sha256_buf(port, rec, REC, log->head)))
                goto out_wipe;
        }
    }
    if (!log->last)
        goto out_wipe;
    /* the oldest kept: walk back while the records are there and chain */
    log->first = log->last;
    unsigned char want[32];
    if ((rc = rec_read(log, port, log->last, rec)))
        goto out_wipe;
    memcpy(want, rec + 48, 32);
    while (log->first > 1 && log->last - log->first + 1 < log->slots) {
        unsigned char d[32];
        uint32_t s = log->first - 1;
        if ((rc = rec_read(log, port, s, rec)))
            goto out_wipe;
        msa_err r = rec_check(port, key, rec, s, NULL);
        if (r == MSA_E_PORT) {
            rc = r;
            goto out_wipe;
        }
        if (r || (rc = msa_sha256_buf(port, rec, REC, d)))
            break;
        if (msa_ct_diff(d, want, 32))
            break;
        memcpy(want, rec + 48, 32);
        log->first = s;
    }
out_wipe:
    memset(keybuf, 0, sizeof keybuf);
    return rc;
}

msa_err msa_log_append(struct msa_log *log, const struct msa_port *port, uint16_t event,
                       int32_t code, uint64_t value, const unsigned char detail[16])
{
    unsigned char rec[REC], keybuf[32];
    if (!log->slots)
        return MSA_E_LOG;
    if (log->last == UINT32_MAX)
        return MSA_E_LIMIT;
    const unsigned char *key = log_key(port, keybuf) ? NULL : keybuf;
    uint32_t seq = log->last + 1;
    memset(rec, 0, sizeof rec);
    memcpy(rec, "MSAL", 4);
    msa_put32(rec + 4, seq);
    msa_put64(rec + 8, port->now ? port->now(port->ctx) : 0);
    msa_put16(rec + 16, event);
    msa_put16(rec + 18, key ? MSA_LOG_F_MAC : 0);
    msa_put32(rec + 20, (uint32_t)code);
    msa_put64(rec + 24, value);
    if (detail)
        memcpy(rec + 32, detail, 16);
    memcpy(rec + 48, log->head, 32);
    msa_err rc = seal(port, key, rec, rec + REC_SEALED);
    memset(keybuf, 0, sizeof keybuf);
    if (rc)
        return rc;
    /* the slot of the oldest record when full: it is dropped before the new one is written */
    if (log->first && seq - log->first >= log->slots)
        log->first++;
    uint32_t off = ((seq - 1) % log->slots) * REC;
    if (port->log_erase(port->ctx, off, REC) || port->log_write(port->ctx, off, rec, REC))
        return MSA_E_PORT;
    if (!log->first)
        log->first = seq;
    log->last = seq;
    return msa_sha256_buf(port, rec, REC, log->head);
}

/* Decode the record bytes @rec into @r. */
static void rec_decode(const unsigned char *rec, struct msa_log_record *r)
{
    r->seq = msa_get32(rec + 4);
    r->time = msa_get64(rec + 8);
    r->event = msa_get16(rec + 16);
    r->flags = msa_get16(rec + 18);
    r->code = (int32_t)msa_get32(rec + 20);
    r->value = msa_get64(rec + 24);
    memcpy(r->detail, rec + 32, 16);
    memcpy(r->prev, rec + 48, 32);
    memcpy(r->seal, rec + REC_SEALED, 32);
}

msa_err msa_log_find(const struct msa_log *log, const struct msa_port *port, uint32_t events,
                     struct msa_log_record *r)
{
    unsigned char rec[REC], keybuf[32];
    const unsigned char *key = log_key(port, keybuf) ? NULL : keybuf;
    msa_err rc = MSA_OK;
    memset(r, 0, sizeof *r);
    for (uint32_t s = log->last; s && s >= log->first; s--) {
        if ((rc = rec_read(log, port, s, rec)))
            break;
        msa_err c = rec_check(port, key, rec, s, NULL);
        if (c) {
            rc = c == MSA_E_PORT ? c : MSA_OK; /* a damaged record ends the search */
            break;
        }
        uint16_t ev = msa_get16(rec + 16);
        if (ev < 32 && (events & (1u << ev))) {
            rec_decode(rec, r);
            break;
        }
    }
    memset(keybuf, 0, sizeof keybuf);
    return rc;
}

size_t msa_log_export_size(const struct msa_log *log)
{
    size_t count = log->last ? (size_t)(log->last - log->first + 1) : 0;
    return HDR + count * REC + TRL;
}

msa_err msa_log_export(const struct msa_log *log, const struct msa_port *port, int sign,
                       unsigned char *out, size_t cap, size_t *len)
{
    unsigned char keybuf[32];
    size_t n = msa_log_export_size(log);
    uint32_t count = log->last ? log->last - log->first + 1 : 0;
    if (cap < n)
        return MSA_E_LIMIT;
    const unsigned char *key = log_key(port, keybuf) ? NULL : keybuf;
    int sig = sign && port->sign;
    memset(out, 0, n);
    memcpy(out, EXPORT_MAGIC, 8);
    msa_put32(out + 8, 1);
    msa_put32(out + 12, REC);
    msa_put32(out + 16, count);
    msa_put32(out + 20, log->first);
    msa_put32(out + 24, log->last);
    msa_put32(out + 28, (key ? EXPORT_F_HMAC : 0) | (sig ? EXPORT_F_SIG : 0));
    msa_put64(out + 32, log->first ? (uint64_t)log->first - 1 : 0);
    msa_err rc = MSA_OK;
    unsigned char prev[32];
    for (uint32_t i = 0; i < count; i++) {
        unsigned char *rec = out + HDR + (size_t)i * REC;
        uint32_t seq = log->first + i;
        if ((rc = rec_read(log, port, seq, rec)) || (rc = rec_check(port, key, rec, seq, NULL)))
            goto out_wipe;
        if (i && msa_ct_diff(prev, rec + 48, 32)) {
            rc = MSA_E_LOG;
            goto out_wipe;
        }
        if ((rc = msa_sha256_buf(port, rec, REC, prev)))
            goto out_wipe;
    }
    unsigned char *trl = out + HDR + (size_t)count * REC;
    if ((rc = msa_sha256_buf(port, out, (size_t)(trl - out), trl)))
        goto out_wipe;
    if (key && (rc = msa_hmac_sha256(port, key, 32, out, (size_t)(trl + 32 - out), trl + 32)))
        goto out_wipe;
    if (sig && port->sign(port->ctx, out, (size_t)(trl + 64 - out), trl + 64))
        rc = MSA_E_PORT;
    if (!rc)
        *len = n;
out_wipe:
    memset(keybuf, 0, sizeof keybuf);
    return rc;
}

static msa_err bad(struct msa_log_report *rep, uint32_t idx, const char *why, msa_err e)
{
    rep->bad = idx;
    rep->why = why;
    return e;
}

msa_err msa_log_verify(const struct msa_port *port, const unsigned char *exp, size_t n,
                       const unsigned char *key, const unsigned char *pub,
                       struct msa_log_report *rep)
{
    static const unsigned char zero[24];
    memset(rep, 0, sizeof *rep);
    if (n < HDR + TRL || memcmp(exp, EXPORT_MAGIC, 8))
        return bad(rep, 0, "not a security log export (no header)", MSA_E_LOG);
    if (msa_get32(exp + 8) != 1 || msa_get32(exp + 12) != REC)
        return bad(rep, 0, "unknown export version or record size", MSA_E_LOG);
    uint32_t count = msa_get32(exp + 16), first = msa_get32(exp + 20), last = msa_get32(exp + 24);
    uint32_t flags = msa_get32(exp + 28);
    uint64_t dropped = msa_get64(exp + 32);
    rep->records = count;
    rep->first = first;
    rep->last = last;
    rep->dropped = dropped;
    if ((n - HDR - TRL) % REC || (n - HDR - TRL) / REC != count)
        return bad(rep, 0,
                   "the export's size does not match its record count (records removed "
                   "or added)",
                   MSA_E_LOG);
    if ((flags & ~(uint32_t)(EXPORT_F_HMAC | EXPORT_F_SIG)) || msa_ct_diff(exp + 40, zero, 24))
        return bad(rep, 0, "the header has unknown flags or nonzero reserved bytes", MSA_E_LOG);
    if (count ? (first == 0 || last - first + 1 != count || dropped != (uint64_t)first - 1)
              : (first || last || dropped))
        return bad(rep, 0, "the header's sequence numbers and counts disagree", MSA_E_LOG);
    int unchecked = 0;
    unsigned char prev[32], d[32];
    memset(prev, 0, sizeof prev);
    msa_err rc;
    for (uint32_t i = 0; i < count; i++) {
        const unsigned char *rec = exp + HDR + (size_t)i * REC;
        if (memcmp(rec, "MSAL", 4))
            return bad(rep, i + 1, "a record is not a log record", MSA_E_LOG);
        if (msa_get32(rec + 4) != first + i)
            return bad(rep, i + 1,
                       "a record's sequence number is out of order (records removed or moved)",
                       MSA_E_LOG);
        if ((rc = rec_check(port, key, rec, first + i, &unchecked)))
            return rc == MSA_E_PORT
                       ? rc
                       : bad(rep, i + 1, "a record's seal does not verify (changed)", MSA_E_LOG);
        if ((i || first == 1) && msa_ct_diff(prev, rec + 48, 32))
            return bad(rep, i + 1,
                       "a record does not chain to the one before it (changed, removed or moved)",
                       MSA_E_LOG);
        if ((rc = msa_sha256_buf(port, rec, REC, prev)))
            return rc;
    }
    const unsigned char *trl = exp + HDR + (size_t)count * REC;
    if ((rc = msa_sha256_buf(port, exp, (size_t)(trl - exp), d)))
        return rc;
    if (msa_ct_diff(d, trl, 32))
        return bad(rep, 0,
                   "the export's digest does not match its header and records (changed "
                   "or truncated)",
                   MSA_E_LOG);
    rep->sealed = (flags & (EXPORT_F_HMAC | EXPORT_F_SIG)) != 0;
    if (key) {
        if (!(flags & EXPORT_F_HMAC) || unchecked)
            return bad(rep, 0, "the export has no HMAC under the log key", MSA_E_LOG);
        if ((rc = msa_hmac_sha256(port, key, 32, exp, (size_t)(trl + 32 - exp), d)))
            return rc;
        if (msa_ct_diff(d, trl + 32, 32))
            return bad(rep, 0, "the export's HMAC does not verify (changed, or another key)",
                       MSA_E_LOG);
        rep->macs_checked = 1;
    }
    if (pub) {
        if (!(flags & EXPORT_F_SIG))
            return bad(rep, 0, "the export is not signed by the device", MSA_E_SIGNATURE);
        if (!port->verify || port->verify(port->ctx, MSA_ALG_EDDSA, pub, 32, exp,
                                          (size_t)(trl + 64 - exp), trl + 64, 64))
            return bad(rep, 0, "the device's signature over the export does not verify",
                       MSA_E_SIGNATURE);
        rep->sig_checked = 1;
    }
    return MSA_OK;
}

msa_err msa_log_record_at(const unsigned char *exp, size_t n, uint32_t i, struct msa_log_record *r)
{
    if (n < HDR + TRL || i >= msa_get32(exp + 16) || (size_t)i >= (n - HDR - TRL) / REC)
        return MSA_E_ARG;
    rec_decode(exp + HDR + (size_t)i * REC, r);
    return MSA_OK;
}
