/* fuzz_cpedict.c: libFuzzer harness for the NVD CPE dictionary reader (medsec_cpedict_parse): any
 * input is read or refused with a position, and every item it hands over has a name and at most
 * MEDSEC_CPEDICT_MAX_REFS references of bounded length. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/db.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_item(void *ud, const struct medsec_cpedict_item *it)
{
    size_t *n = ud;
    if (!it->name || !it->name[0] || it->nrefs > MEDSEC_CPEDICT_MAX_REFS)
        abort();
    for (size_t i = 0; i < it->nrefs; i++)
        if (strlen(it->refs[i]) >= MEDSEC_CPEDICT_MAX_HREF)
            abort();
    (*n)++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n = 0;
    struct medsec_error err;
    medsec_err rc = medsec_cpedict_parse((const char *)data, size, "fuzz.xml", on_item, &n, &err);
    if (rc != MEDSEC_OK && rc != MEDSEC_EPARSE && rc != MEDSEC_ENOMEM)
        abort();
    if (rc == MEDSEC_EPARSE && (!err.line || !err.column))
        abort();
    return 0;
}
