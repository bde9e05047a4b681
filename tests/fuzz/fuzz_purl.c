/* fuzz_purl.c: libFuzzer harness for the purl parser: canonical forms must be stable and
 * rebuildable. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/purl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct medsec_purl p, q, r;
    struct medsec_error err;
    char *a = NULL, *b = NULL, *c = NULL;

    if (medsec_purl_parse((const char *)data, size, 0, &p, &err) != MEDSEC_OK)
        return 0;
    if (medsec_purl_format(&p, &a) != MEDSEC_OK)
        abort();
    /* the canonical form parses strictly and formats to itself */
    if (medsec_purl_parse(a, strlen(a), MEDSEC_PURL_STRICT, &q, &err) != MEDSEC_OK)
        abort();
    if (medsec_purl_format(&q, &b) != MEDSEC_OK || strcmp(a, b) != 0)
        abort();
    if (!medsec_purl_same_package(&p, &q))
        abort();
    /* building from the decoded components gives the same purl */
    {
        const char *keys[MEDSEC_PURL_MAX_QUALIFIERS], *vals[MEDSEC_PURL_MAX_QUALIFIERS];
        struct medsec_purl_parts parts = {p.type, p.ns, p.name,         p.version,
                                          keys,   vals, p.n_qualifiers, p.subpath};
        size_t i;
        for (i = 0; i < p.n_qualifiers; i++) {
            keys[i] = p.qualifiers[i].key;
            vals[i] = p.qualifiers[i].value;
        }
        if (medsec_purl_build(&parts, &r, &err) != MEDSEC_OK)
            abort();
        if (medsec_purl_format(&r, &c) != MEDSEC_OK || strcmp(a, c) != 0)
            abort();
        medsec_purl_release(&r);
    }
    medsec_free(a);
    medsec_free(b);
    medsec_free(c);
    medsec_purl_release(&p);
    medsec_purl_release(&q);
    return 0;
}
