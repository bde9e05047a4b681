/* mds2.c: not written yet (docs_gen_mds2 adds nothing). */
#include "doc.h"

medsec_err docs_gen_mds2(struct docs_gen *g)
{
    (void)g;
    return MEDSEC_OK;
}
