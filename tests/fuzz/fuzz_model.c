/* fuzz_model.c: libFuzzer harness for the security-file loader (device.yaml from memory) and its
 * invariants: never half-valid, every error positioned, lookups find what was loaded. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct medsec_model *m = NULL;
    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    struct medsec_error err;
    struct medsec_model_limits lim = {
        .max_bytes = 1 << 20, .max_entries = 2000, .max_nodes = 50000};
    /* no folder: referenced files are not opened */
    medsec_err rc =
        medsec_model_parse((const char *)data, size, "fuzz.yaml", NULL, &lim, &m, &d, &err);
    if (rc != MEDSEC_OK) {
        if (m)
            abort(); /* never half-valid */
        if (rc != MEDSEC_ENOMEM && d.errors == 0)
            abort(); /* a rejected file says why */
        goto out_release;
    }
    if (!m || d.errors)
        abort();
    for (size_t i = 0; i < m->nitems; i++) {
        if (!m->items[i].id || medsec_model_find_item(m, m->items[i].id) != &m->items[i])
            abort(); /* ids are unique and required */
        if (!medsec_model_find_zone(m, m->items[i].zone))
            abort(); /* references resolve */
    }
    for (size_t i = 0; i < m->nflows; i++) {
        const struct medsec_model_flow *f = &m->flows[i];
        if (!medsec_model_find_item(m, f->from) || !medsec_model_find_item(m, f->to))
            abort();
        (void)medsec_model_flow_crosses(m, f);
    }
    for (size_t i = 0; i < m->nversions; i++)
        if (strcmp(m->versions[i].end_of_support, m->versions[i].release_date) < 0)
            abort();
    if (!medsec_model_find_version(m, m->device.current_version))
        abort();
out_release:
    medsec_model_free(m);
    medsec_diags_release(&d);
    return 0;
}
