/* gspr.c: not written yet (docs_gen_gspr adds nothing). */
#include "doc.h"

medsec_err docs_gen_gspr(struct docs_gen *g)
{
    (void)g;
    return MEDSEC_OK;
}
