/* fda.c: not written yet (docs_gen_fda adds nothing). */
#include "doc.h"

medsec_err docs_gen_fda(struct docs_gen *g)
{
    (void)g;
    return MEDSEC_OK;
}
