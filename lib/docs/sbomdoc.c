/* sbomdoc.c: not written yet (docs_sbom_section adds nothing). */
#include "doc.h"

medsec_err docs_sbom_section(struct docs_gen *g, struct doc *d, int level)
{
    (void)g;
    (void)d;
    (void)level;
    return MEDSEC_OK;
}
