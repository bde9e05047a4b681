/* fuzz_osv.c: libFuzzer harness for an OSV record, and the same bytes through the reader. */
#include "adv_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_adv_record(data, size, medsec_osv_from_json);
    return 0;
}
