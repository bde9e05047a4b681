/* fuzz_csaf.c: libFuzzer harness for a CSAF 2.0 document (also through the reader) and its
 * free-text version ranges. */
#include <stdlib.h>
#include <string.h>

#include "adv_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_adv_record(data, size, medsec_csaf_from_json);
    /* free-text ranges: the input as one range string */
    if (size < 512) {
        char text[512];
        memcpy(text, data, size);
        text[size] = '\0';
        struct medsec_arena a = MEDSEC_ARENA_INIT;
        const char *v = medsec_csaf_range_to_vers(text, &a);
        if (v && strncmp(v, "vers:", 5) != 0)
            abort();
        medsec_arena_release(&a);
    }
    return 0;
}
