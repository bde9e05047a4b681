/* views.c: not written yet (docs_arch_views adds nothing). */
#include "doc.h"

medsec_err docs_arch_views(struct docs_gen *g, struct doc *d, int level)
{
    (void)g;
    (void)d;
    (void)level;
    return MEDSEC_OK;
}
