/* devlog.c: checks of the device's log exports and decommission records on the manufacturer's
 * side, through the agent core's own verification (one implementation for both sides). */
#include "medsec/devlog.h"

#include <ctype.h>
#include <string.h>

#include "posix.h"

/* The crypto the agent's checks need: the host port's backend, nothing else. */
static void host_port(struct msa_port *p)
{
    memset(p, 0, sizeof *p);
    msa_posix_crypto(p);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

medsec_err medsec_devlog_key(const char *data, size_t len, const char *path, unsigned char key[32],
                             struct medsec_error *err)
{
    if (len == 32) {
        memcpy(key, data, 32);
        return MEDSEC_OK;
    }
    size_t a = 0, b = len;
    while (a < b && isspace((unsigned char)data[a]))
        a++;
    while (b > a && isspace((unsigned char)data[b - 1]))
        b--;
    if (b - a != 64)
        return medsec_error_set(err, MEDSEC_EPARSE, path, 0, 0,
                                "not a key: expected 32 bytes, or 64 hexadecimal digits");
    for (size_t i = 0; i < 32; i++) {
        int hi = hexval((unsigned char)data[a + 2 * i]),
            lo = hexval((unsigned char)data[a + 2 * i + 1]);
        if (hi < 0 || lo < 0)
            return medsec_error_set(err, MEDSEC_EPARSE, path, 0, 0,
                                    "not a key: a character that is not a hexadecimal digit");
        key[i] = (unsigned char)(hi << 4 | lo);
    }
    return MEDSEC_OK;
}

medsec_err medsec_devlog_verify(const unsigned char *exp, size_t n, const char *path,
                                const unsigned char *key, const unsigned char *pub,
                                struct msa_log_report *rep, struct medsec_error *err)
{
    struct msa_port p;
    host_port(&p);
    msa_err rc = msa_log_verify(&p, exp, n, key, pub, rep);
    if (rc == MSA_OK)
        return MEDSEC_OK;
    if (rc == MSA_E_PORT)
        return medsec_error_set(err, MEDSEC_EINTERNAL, path, 0, 0, "%s", msa_strerror(rc));
    if (rep->bad)
        return medsec_error_set(err, MEDSEC_EVERIFY, path, 0, 0,
                                "record %u of %u (sequence number %u): %s", rep->bad, rep->records,
                                rep->first + rep->bad - 1, rep->why);
    return medsec_error_set(err, MEDSEC_EVERIFY, path, 0, 0, "%s",
                            rep->why ? rep->why : msa_strerror(rc));
}

medsec_err medsec_devlog_record(const unsigned char *exp, size_t n, uint32_t i,
                                struct msa_log_record *rec)
{
    return msa_log_record_at(exp, n, i, rec) ? MEDSEC_EINVAL : MEDSEC_OK;
}

medsec_err medsec_devlog_decom_verify(const unsigned char *rec, size_t n, const char *path,
                                      const unsigned char pub[32], struct msa_decom_record *out,
                                      struct medsec_error *err)
{
    struct msa_port p;
    host_port(&p);
    msa_err rc = msa_decom_verify(&p, rec, n, pub, out);
    switch (rc) {
    case MSA_OK: return MEDSEC_OK;
    case MSA_E_STRUCTURE:
        return medsec_error_set(err, MEDSEC_EPARSE, path, 0, 0,
                                "not a decommission record (%zu bytes; a record has %d, starting "
                                "with MSADECOM version 1)",
                                n, MSA_DECOM_BYTES);
    case MSA_E_SIGNATURE:
        return medsec_error_set(err, MEDSEC_EVERIFY, path, 0, 0,
                                "the device's signature does not verify: the record was changed, "
                                "or another device signed it");
    default: return medsec_error_set(err, MEDSEC_EINTERNAL, path, 0, 0, "%s", msa_strerror(rc));
    }
}
