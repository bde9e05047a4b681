/* eu.c: not written yet (docs_gen_eu adds nothing). */
#include "doc.h"

medsec_err docs_gen_eu(struct docs_gen *g)
{
    (void)g;
    return MEDSEC_OK;
}
