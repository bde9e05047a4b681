/* sbom_int.h: the builder shared by the CycloneDX and SPDX readers (components, refs, edges,
 * warnings). */
#ifndef MEDSEC_SBOM_INT_H
#define MEDSEC_SBOM_INT_H

#include <stddef.h>

#include "medsec/diag.h"
#include "medsec/json.h"
#include "medsec/sbom.h"

/* A step of the location inside the document ("components[3].components[0]"), rendered on demand.
 */
struct sbom_path {
    const struct sbom_path *up;
    const char *key;
    size_t index; /* (size_t)-1: no index */
};

struct sbom_ctx {
    struct medsec_sbom *s;
    const char *text;
    size_t len;
    const char *file;
    struct medsec_diags *warnings; /* may be NULL */
    struct medsec_error *err;
    size_t max_components;
    size_t cap_components, cap_deps;
    /* position cursor: offset `at` is on line `line`, whose first byte is `line_start` */
    size_t at, line_start;
    unsigned line;
};

/* Line and column of @v (moves the cursor; fast when offsets mostly increase). */
void sbom_position(struct sbom_ctx *c, const struct medsec_json *v, unsigned *line, unsigned *col);

/* Record a warning at @v (NULL: whole file) located at @path. MEDSEC_ENOMEM only when memory ran
 * out. */
medsec_err sbom_warn(struct sbom_ctx *c, const struct medsec_json *v, const struct sbom_path *path,
                     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Copy @v's string into the arena. NULL when @v is absent. When @v is present but not a string:
 * a warning naming @what and @who (the component), and NULL. *rc is set on out-of-memory. */
const char *sbom_str(struct sbom_ctx *c, const struct medsec_json *v, const struct sbom_path *path,
                     const char *what, const char *who, medsec_err *rc);

/* Append a component (copied); *index receives its index. MEDSEC_ETOOBIG past max_components. */
medsec_err sbom_add_component(struct sbom_ctx *c, const struct medsec_sbom_component *comp,
                              size_t *index);
/* Index of the component with @ref, or MEDSEC_SBOM_NO_PARENT. */
size_t sbom_lookup(const struct medsec_sbom *s, const char *ref);
/* Register the ref of component @index (must be unique: check with sbom_lookup first). */
medsec_err sbom_index_ref(struct sbom_ctx *c, size_t index);
/* A ref for a component that has none: "medsec-ref-<n>", unused so far. NULL on out-of-memory. */
const char *sbom_synth_ref(struct sbom_ctx *c);
medsec_err sbom_add_dep(struct sbom_ctx *c, size_t from, size_t to);

medsec_err sbom_read_cyclonedx(struct sbom_ctx *c, const struct medsec_json *root);
medsec_err sbom_read_spdx(struct sbom_ctx *c, const struct medsec_json *root);

#endif
