/* fuzz_triage.c: libFuzzer harness for the triage file loader; what loads is written back out and
 * must load again with the same number of entries. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "medsec/buf.h"
#include "medsec/triage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct medsec_triage *t = NULL, *u = NULL;
    struct medsec_error err;
    if (medsec_triage_new(&t, &err))
        return 0;
    if (medsec_triage_parse(t, (const char *)data, size, "fuzz.yaml", &err) == MEDSEC_OK) {
        struct medsec_buf b = MEDSEC_BUF_INIT;
        if (medsec_triage_format(t, &b) == MEDSEC_OK && medsec_triage_new(&u, &err) == MEDSEC_OK) {
            if (medsec_triage_parse(u, b.data, b.len, "again.yaml", &err) != MEDSEC_OK ||
                u->ndecisions != t->ndecisions || u->nrules != t->nrules || u->nseen != t->nseen)
                abort(); /* what medsec writes, medsec must read back whole */
        }
        medsec_buf_release(&b);
    }
    medsec_triage_free(u);
    medsec_triage_free(t);
    return 0;
}
