/* fuzz_vex.c: libFuzzer harness for the supplier VEX reader (CycloneDX, OpenVEX, CSAF): bad input
 * is an error or a warning, never a crash or a leak, and every statement read is whole. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/vex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct medsec_vex_doc d;
    struct medsec_diags w = MEDSEC_DIAGS_INIT;
    struct medsec_error err;
    if (medsec_vex_read("fuzz", (const char *)data, size, &d, &w, &err) == MEDSEC_OK) {
        for (size_t i = 0; i < d.n; i++) {
            const struct medsec_vex_statement *s = &d.v[i];
            if (!s->vuln || !strlen(s->vuln) || s->state >= MEDSEC_VEX_STATE_COUNT ||
                s->justification >= MEDSEC_VEX_COUNT || s->cdx_justification >= MEDSEC_CDX_COUNT ||
                s->origin != MEDSEC_VEX_BY_SUPPLIER || s->line == 0)
                abort();
            for (size_t k = 0; k < s->naliases; k++)
                if (!s->aliases[k] || !strlen(s->aliases[k]))
                    abort();
        }
    } else if (d.n || d.v || !err.msg[0]) {
        abort(); /* a failed read leaves an empty document and says why */
    }
    for (size_t i = 0; i < w.n; i++)
        if (!w.v[i].path || !w.v[i].msg)
            abort();
    medsec_diags_release(&w);
    medsec_vex_doc_release(&d);
    return 0;
}
