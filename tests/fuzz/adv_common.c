/* adv_common.c: the checks the advisory record harnesses share (adv_common.h). */
#include <stdlib.h>
#include <string.h>

#include "adv_common.h"

static medsec_err sink_advisory(void *ud, const struct medsec_advisory *adv)
{
    (void)ud;
    /* every string the model hands out must be readable */
    for (size_t i = 0; i < adv->n_vulns; i++) {
        const struct medsec_adv_vuln *v = &adv->vulns[i];
        if (!v->name || !strlen(v->name))
            abort();
        for (size_t j = 0; j < v->n_affected; j++)
            if (!v->affected[j].ranges)
                abort();
    }
    return MEDSEC_OK;
}

void fuzz_adv_record(const uint8_t *data, size_t size, fuzz_adv_parse_fn parse)
{
    struct medsec_json_doc *doc = NULL;
    struct medsec_error err;
    struct medsec_json_limits lim = {.max_bytes = 1 << 20, .max_depth = 64};
    if (medsec_json_parse((const char *)data, size, &lim, "fuzz", &doc, &err) == MEDSEC_OK) {
        struct medsec_arena a = MEDSEC_ARENA_INIT;
        struct medsec_advisory adv;
        if (parse(doc, doc->root, &a, &adv, &err) == MEDSEC_OK)
            sink_advisory(NULL, &adv);
        medsec_arena_release(&a);
        medsec_json_doc_free(doc);
    }
    struct medsec_adv_sink sink = {.advisory = sink_advisory};
    struct medsec_adv_read_stats st = {0};
    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    medsec_err rc = medsec_adv_read_buffer("fuzz.json", data, size, &sink, &st, &d, &err);
    /* bad input is skipped with a warning: only the sink or memory may stop a read */
    if (rc != MEDSEC_OK && rc != MEDSEC_ENOMEM)
        abort();
    if (rc == MEDSEC_OK && st.malformed != d.warnings)
        abort();
    medsec_diags_release(&d);
}
