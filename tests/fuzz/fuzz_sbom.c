/* fuzz_sbom.c: libFuzzer harness for SBOM import (CycloneDX and SPDX JSON) and its invariants. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/sbom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct medsec_sbom *s = NULL;
    struct medsec_diags warn = MEDSEC_DIAGS_INIT;
    struct medsec_error err;
    struct medsec_sbom_limits lim = {.max_bytes = 1 << 20, .max_components = 5000};
    medsec_err rc = medsec_sbom_parse((const char *)data, size, "fuzz", &lim, &s, &warn, &err);
    if (rc != MEDSEC_OK) {
        if (s || !err.msg[0])
            abort();
        goto out_release;
    }
    if (warn.warnings != s->nwarnings)
        abort();
    for (size_t i = 0; i < s->ncomponents; i++) {
        const struct medsec_sbom_component *c = &s->components[i];
        /* every kept component has a name and a unique ref that finds it */
        if (!c->name || !c->ref || medsec_sbom_find(s, c->ref) != c)
            abort();
        if (c->parent != MEDSEC_SBOM_NO_PARENT && c->parent >= i)
            abort();
        for (size_t k = 0; k < c->ncpes; k++)
            if (!c->cpes[k])
                abort();
    }
    for (size_t i = 0; i < s->ndeps; i++)
        if (s->deps[i].from >= s->ncomponents || s->deps[i].to >= s->ncomponents ||
            s->deps[i].from == s->deps[i].to)
            abort();
    medsec_sbom_free(s);
out_release:
    medsec_diags_release(&warn);
    return 0;
}
