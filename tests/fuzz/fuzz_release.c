/* fuzz_release.c: libFuzzer harness for what `medsec release` reads from files: the input as a
 * public key file (a key that parses has a key id that is the SHA-256 prefix of its bytes, checked
 * by reading it back from its own format), and as a bundle that `medsec release inspect` walks with
 * the agent's decoder, skipping integrated payloads by their lengths (file offsets computed from
 * attacker-made heads), and that `verify` streams against a fixed anchor: each is refused cleanly
 * or decoded, never read out of bounds. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "medsec/alloc.h"
#include "medsec/release.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* a trust anchor of one EdDSA root (the public key of the all-zero seed): no input the fuzzer
 * makes carries a valid signature by it */
static const unsigned char anchor[] = {
    0xa4, 0x01, 0x01, 0x02, 0x81, 0xa2, 0x01, 0x27, 0x02, 0x58, 0x20, 0x3b, 0x6a, 0x27, 0xbc, 0xce,
    0xb6, 0xa4, 0x2d, 0x62, 0xa3, 0xa8, 0xd0, 0x2a, 0x6f, 0x0d, 0x73, 0x65, 0x32, 0x15, 0x77, 0x1d,
    0xe2, 0x43, 0xa6, 0x3a, 0xc0, 0x48, 0xa1, 0x8b, 0x59, 0xda, 0x29, 0x03, 0x50, 0,    0,    0,
    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0x04, 0x50, 0,
    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct medsec_error err;
    struct medsec_release_pub pub;
    if (medsec_release_pub_read((const char *)data, size, "pub", &pub, &err) == MEDSEC_OK) {
        struct medsec_release_pub again;
        if (medsec_release_pub_init(&again, pub.alg, pub.pub, pub.pub_len, &err) != MEDSEC_OK ||
            memcmp(&again, &pub, sizeof pub))
            abort();
    }
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/fuzz_release.%ld", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    if (size && fwrite(data, 1, size, f) != size) {
        fclose(f);
        return 0;
    }
    fclose(f);
    struct medsec_release_inspection *in = medsec_calloc(1, sizeof *in);
    if (in && medsec_release_inspect(path, anchor, sizeof anchor, "anchor", NULL, 0, in, &err) ==
                  MEDSEC_OK) {
        for (unsigned i = 0; i < in->npayloads; i++)
            if (in->payloads[i].offset > size ||
                in->payloads[i].size > size - in->payloads[i].offset)
                abort(); /* a payload reported beyond the file */
    }
    medsec_free(in);
    struct medsec_release_verify_opts o = {0};
    struct medsec_release_verdict v;
    o.anchor = anchor;
    o.anchor_len = sizeof anchor;
    o.anchor_name = "anchor";
    if (medsec_release_verify(path, &o, &v, &err) == MEDSEC_OK && v.result == 0)
        abort(); /* a forged signature would be needed */
    unlink(path);
    return 0;
}
