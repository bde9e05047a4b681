/* fuzz_vex_sign.c: libFuzzer harness for the key and signature file parser of VEX signing: any text
 * as a secret key, a public key and a signature is refused cleanly or used; a key that parses
 * signs, and its signature verifies under its own public key and no longer after a change to the
 * data. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/vex_sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char doc[] = "{\"statements\": []}\n";
    const char *text = (const char *)data;
    char *sig = NULL, *pub = NULL;
    struct medsec_error err;

    /* the input as a public key and as a signature: never valid for this document by chance */
    if (medsec_vex_verify(doc, sizeof doc - 1, text, size, "sig", text, size, "pub", &err) ==
        MEDSEC_OK)
        abort();
    if (medsec_vex_sign(doc, sizeof doc - 1, text, size, "key", &sig, &err) != MEDSEC_OK) {
        if (sig)
            abort();
        return 0;
    }
    if (medsec_vex_key_public(text, size, "key", &pub, &err) != MEDSEC_OK)
        abort();
    if (medsec_vex_verify(doc, sizeof doc - 1, sig, strlen(sig), "sig", pub, strlen(pub), "pub",
                          &err) != MEDSEC_OK)
        abort();
    if (medsec_vex_verify(doc, sizeof doc - 2, sig, strlen(sig), "sig", pub, strlen(pub), "pub",
                          &err) != MEDSEC_EVERIFY)
        abort();
    medsec_free(sig);
    medsec_free(pub);
    return 0;
}
