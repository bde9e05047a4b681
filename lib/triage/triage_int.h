/* triage_int.h: what the files of lib/triage share and nobody else sees. */
#ifndef MEDSEC_TRIAGE_INT_H
#define MEDSEC_TRIAGE_INT_H

#include "medsec/triage.h"

/* Read the supplier VEX documents of entries @first.. of @t->vex, named in triage file @from
 * (paths relative to its folder), into decisions by the supplier (supplier.c). */
medsec_err triage_load_vex(struct medsec_triage *t, const char *from, size_t first,
                           struct medsec_error *err) __attribute__((warn_unused_result));

/* Suggestions from the architecture for the untriaged and stale findings of @rep (suggest.c). */
medsec_err triage_suggest(struct medsec_triage_report *rep, struct medsec_error *err)
    __attribute__((warn_unused_result));

#endif
