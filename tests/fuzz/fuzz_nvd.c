/* fuzz_nvd.c: libFuzzer harness for an NVD item (JSON 1.1 CVE_Items[] element or API 2.0
 * vulnerabilities[] element), and the same bytes through the reader (its streaming NVD path). */
#include "adv_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_adv_record(data, size, medsec_nvd_from_json);
    return 0;
}
