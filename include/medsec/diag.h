/* medsec/diag.h: a list of diagnostics (file:line:column: severity: message) gathered during a
 * pass. */
#ifndef MEDSEC_DIAG_H
#define MEDSEC_DIAG_H

#include <stddef.h>

#include "medsec/error.h"

enum medsec_severity { MEDSEC_SEV_ERROR = 0, MEDSEC_SEV_WARNING, MEDSEC_SEV_NOTE };

struct medsec_diag {
    enum medsec_severity severity;
    char *file;      /* owned */
    unsigned line;   /* 1-based, 0 = whole file */
    unsigned column; /* 1-based, 0 = unknown */
    char *path;      /* owned; location inside the document, e.g. "flows[2].from"; may be NULL */
    char *msg;       /* owned */
};

struct medsec_diags {
    struct medsec_diag *v;
    size_t n, cap;
    size_t max; /* stop recording after this many (0 = 10000); `dropped` counts the rest */
    size_t dropped;
    size_t errors, warnings;
};

/* clang-format off */
#define MEDSEC_DIAGS_INIT {NULL, 0, 0, 0, 0, 0, 0}
/* clang-format on */

/* Record one diagnostic. Returns MEDSEC_ENOMEM only when memory ran out. */
medsec_err medsec_diags_add(struct medsec_diags *d, enum medsec_severity sev, const char *file,
                            unsigned line, unsigned column, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* Sort by file, line, column, then insertion order (stable). */
void medsec_diags_sort(struct medsec_diags *d);
const char *medsec_severity_name(enum medsec_severity sev);
void medsec_diags_release(struct medsec_diags *d);

/* The diagnostics as a JSON array of {file, line, column, severity, path, message} (the one shape
 * every command prints them in). */
struct medsec_jsonw;
void medsec_diags_json(struct medsec_jsonw *w, const struct medsec_diags *d);

#endif
