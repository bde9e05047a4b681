/* fuzz_devlog: the security log's export parser (msa_log_verify, msa_log_record_at) and the
 * decommission record's (msa_decom_verify) on arbitrary bytes; and, when the first byte is a
 * control character, a property: a log written by the agent from the input's events (in a small
 * ring, so that it wraps) exports and verifies, and the same export with one byte changed does
 * not. Seeds: a real wrapped export and decommission record made with medsec-agent. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msa/agent.h"
#include "msa/log.h"
#include "posix.h"

#define SLOTS 7
static unsigned char ring[SLOTS * MSA_LOG_RECORD_BYTES];
static unsigned char logkey[32];
static int have_key;

static uint32_t r_size(void *ctx)
{
    (void)ctx;
    return sizeof ring;
}

static int r_read(void *ctx, uint32_t off, void *buf, size_t n)
{
    (void)ctx;
    if (off > sizeof ring || n > sizeof ring - off)
        return -1;
    memcpy(buf, ring + off, n);
    return 0;
}

static int r_write(void *ctx, uint32_t off, const void *buf, size_t n)
{
    (void)ctx;
    if (off > sizeof ring || n > sizeof ring - off)
        return -1;
    memcpy(ring + off, buf, n);
    return 0;
}

static int r_erase(void *ctx, uint32_t off, size_t n)
{
    (void)ctx;
    if (off > sizeof ring || n > sizeof ring - off)
        return -1;
    memset(ring + off, 0xFF, n);
    return 0;
}

static int r_key(void *ctx, unsigned id, unsigned char *buf, size_t n)
{
    (void)ctx;
    if (id != MSA_KEY_LOG || !have_key || n != 32)
        return -1;
    memcpy(buf, logkey, 32);
    return 0;
}

static uint64_t r_now(void *ctx)
{
    (void)ctx;
    return 1700000000;
}

static void property(const uint8_t *data, size_t size, struct msa_port *p)
{
    static unsigned char
        exp[MSA_LOG_HEADER_BYTES + SLOTS * MSA_LOG_RECORD_BYTES + MSA_LOG_TRAILER_BYTES];
    struct msa_log log;
    struct msa_log_report rep;
    have_key = size > 1 && (data[1] & 1);
    memset(logkey, 0x5A, sizeof logkey);
    memset(ring, 0xFF, sizeof ring);
    p->log_size = r_size;
    p->log_read = r_read;
    p->log_write = r_write;
    p->log_erase = r_erase;
    p->key_get = r_key;
    p->now = r_now;
    if (msa_log_open(&log, p))
        abort();
    size_t i = 2;
    for (; i + 12 <= size; i += 12) {
        uint64_t v = 0;
        memcpy(&v, data + i + 4, 8);
        if (msa_log_append(&log, p, (uint16_t)(data[i] % 10), (int8_t)data[i + 1], v, NULL))
            abort();
    }
    size_t len = 0;
    if (msa_log_export(&log, p, 0, exp, sizeof exp, &len))
        abort();
    if (msa_log_verify(p, exp, len, have_key ? logkey : NULL, NULL, &rep))
        abort();
    if (rep.records != (log.last ? log.last - log.first + 1 : 0))
        abort();
    /* the same ring read again finds the same log */
    struct msa_log again;
    if (msa_log_open(&again, p) || again.first != log.first || again.last != log.last)
        abort();
    if (len) {
        size_t at = (data[size - 1] * 257u + (size > 3 ? data[size - 2] : 0)) % len;
        /* the export's digest covers header and records; the HMAC, with a key, covers them
         * and the digest; the signature field is not checked here (no public key given) */
        int checked = at < len - 64 - (have_key ? 0 : 32);
        exp[at] ^= (unsigned char)(1u << (data[0] >> 5));
        if (checked && !msa_log_verify(p, exp, len, have_key ? logkey : NULL, NULL, &rep))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct msa_port p;
    struct msa_log_report rep;
    struct msa_decom_record dr;
    static const unsigned char key[32] = {1}, pub[32] = {2};
    memset(&p, 0, sizeof p);
    msa_posix_crypto(&p);
    if (size && data[0] < 0x20) { /* exports and records start with 'M' */
        property(data, size, &p);
        return 0;
    }
    if (!msa_log_verify(&p, data, size, NULL, NULL, &rep)) {
        struct msa_log_record r;
        for (uint32_t i = 0; i < rep.records; i++)
            if (msa_log_record_at(data, size, i, &r))
                abort();
    }
    (void)msa_log_verify(&p, data, size, key, pub, &rep);
    (void)msa_decom_verify(&p, data, size, pub, &dr);
    return 0;
}
