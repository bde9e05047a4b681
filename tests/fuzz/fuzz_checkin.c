/* fuzz_checkin: the server's check-in decoder (medsec_checkin_parse, medsec_checkin_verify) on
 * arbitrary bytes; and, when the first byte is below 0x20, a property: a check-in made from the
 * input's bytes (medsec_checkin_make) verifies and decodes to the same fields, and the same
 * check-in with the input's chosen byte changed, or cut short, does not verify. Seeds: real
 * check-ins written by medsec-agent. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "medsec/checkin.h"

static unsigned char pk[32], sk[64];

static void take(const uint8_t **p, size_t *n, void *out, size_t want)
{
    size_t k = *n < want ? *n : want;
    memset(out, 0, want);
    memcpy(out, *p, k);
    *p += k;
    *n -= k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    struct medsec_checkin c, d;
    struct medsec_error err;
    if (!ready) {
        unsigned char seed[32] = {42};
        if (sodium_init() < 0)
            abort();
        crypto_sign_seed_keypair(pk, sk, seed);
        ready = 1;
    }
    if (medsec_checkin_parse(data, size, &c, &err) == MEDSEC_OK && c.slot > 255)
        abort();
    if (medsec_checkin_verify(data, size, pk, &c, &err) == MEDSEC_OK)
        abort(); /* nobody but this harness holds sk, and it signs nothing here */
    if (size < 2 || data[0] >= 0x20)
        return 0;
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    uint16_t where;
    take(&p, &n, &where, sizeof where);
    memset(&c, 0, sizeof c);
    take(&p, &n, c.device_id, 16);
    take(&p, &n, &c.counter, 8);
    take(&p, &n, &c.time, 8);
    take(&p, &n, &c.security_version, 8);
    take(&p, &n, &c.slot, sizeof c.slot);
    c.slot %= 256;
    take(&p, &n, c.image_digest, 32);
    take(&p, &n, &c.log_first, 4);
    take(&p, &n, &c.log_last, 4);
    take(&p, &n, &c.log_dropped, 4);
    take(&p, &n, c.log_head, 32);
    take(&p, &n, &c.install_seq, 8);
    take(&p, &n, &c.install_result, 4);
    take(&p, &n, c.bundle_digest, 32);
    size_t vlen = n < 32 ? n : 32;
    for (size_t i = 0; i < vlen; i++)
        c.version[i] = (char)(0x20 + p[i] % 95);
    unsigned char msg[512];
    size_t len = 0;
    if (medsec_checkin_make(&c, sk, msg, sizeof msg, &len, &err) != MEDSEC_OK)
        abort();
    if (medsec_checkin_verify(msg, len, pk, &d, &err) != MEDSEC_OK || memcmp(&c, &d, sizeof c))
        abort();
    size_t at = where % len;
    msg[at] ^= (unsigned char)(1u << (where >> 13));
    if (medsec_checkin_verify(msg, len, pk, &d, &err) == MEDSEC_OK)
        abort();
    msg[at] ^= (unsigned char)(1u << (where >> 13));
    if (medsec_checkin_verify(msg, at, pk, &d, &err) == MEDSEC_OK)
        abort();
    return 0;
}
