/* fuzz_gate_policy.c: libFuzzer harness for the release gate's policy reader (YAML): an accepted
 * policy has a name, a number of days in range and a line for each rule it turns on; a refused one
 * says where; nothing leaks either way. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/gate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct medsec_gate_policy p;
    struct medsec_error err;
    medsec_err rc = medsec_gate_policy_parse((const char *)data, size, "fuzz.yaml", &p, &err);
    if (rc == MEDSEC_OK) {
        if (!p.name || p.max_days < 0 || p.max_days > MEDSEC_GATE_POLICY_MAX_DAYS)
            abort();
        for (size_t i = 0; i < MEDSEC_GATE_RULE_COUNT; i++)
            if (p.enabled[i] && !p.line[i])
                abort();
    } else if (rc != MEDSEC_EPARSE && rc != MEDSEC_EINVAL && rc != MEDSEC_ETOOBIG &&
               rc != MEDSEC_ENOMEM) {
        abort();
    } else if (strcmp(err.file, "fuzz.yaml") != 0 || !err.msg[0]) {
        abort();
    }
    medsec_gate_policy_release(&p);
    return 0;
}
