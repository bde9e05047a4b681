/* ifu.c: not written yet (docs_gen_ifu adds nothing). */
#include "doc.h"

medsec_err docs_gen_ifu(struct docs_gen *g)
{
    (void)g;
    return MEDSEC_OK;
}
