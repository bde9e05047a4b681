/* medsec/sbom.h: SBOM import (CycloneDX JSON 1.4-1.6, SPDX 2.3 JSON) into one component model. */
#ifndef MEDSEC_SBOM_H
#define MEDSEC_SBOM_H

#include <stddef.h>

#include "medsec/arena.h"
#include "medsec/diag.h"
#include "medsec/error.h"

enum medsec_sbom_format { MEDSEC_SBOM_CYCLONEDX = 1, MEDSEC_SBOM_SPDX };

#define MEDSEC_SBOM_NO_PARENT ((size_t)-1)

/* One component (CycloneDX component, SPDX package). All strings live in the SBOM's arena;
 * any of them may be NULL when the document does not give it. */
struct medsec_sbom_component {
    const char *ref;   /* bom-ref (CycloneDX) or SPDXID (SPDX); unique; synthesised when absent */
    const char *type;  /* CycloneDX type (library, firmware, operating-system...); SPDX
                          primaryPackagePurpose */
    const char *group; /* CycloneDX group */
    const char *name;
    const char *version;
    const char *purl;        /* the first purl */
    const char *const *cpes; /* all CPEs (CycloneDX cpe + SPDX externalRefs cpe22Type/cpe23Type) */
    size_t ncpes;
    const char *supplier;
    const char *license; /* SPDX expression or the concatenated CycloneDX licenses */
    const char *sha256;  /* lowercase hex, when given */
    /* where it comes from, as the SBOM says (CycloneDX externalReferences of type distribution or
     * source-distribution, website, vcs; SPDX downloadLocation and homepage, NOASSERTION and NONE
     * left out): the facts a CPE can be derived from (medsec/cpemap.h) */
    const char *download, *website, *vcs;
    size_t
        parent; /* index of the enclosing component (CycloneDX nesting) or MEDSEC_SBOM_NO_PARENT */
    unsigned line, column; /* where the component starts in the file */
    int is_subject; /* 1 for the described thing: CycloneDX metadata.component (always index 0 when
                     * present) or the SPDX package the document DESCRIBES */
};

/* A dependency edge: component `from` depends on component `to` (indices into components). */
struct medsec_sbom_dep {
    size_t from, to;
};

struct medsec_sbom {
    enum medsec_sbom_format format;
    const char *spec_version; /* "1.5", "SPDX-2.3" */
    const char *serial;       /* CycloneDX serialNumber / SPDX documentNamespace */
    const char *subject; /* the described thing: metadata.component name or SPDX document name */
    const char *subject_ref; /* its ref when it is also a component */
    const char *path;        /* file it came from */
    struct medsec_sbom_component *components;
    size_t ncomponents;
    struct medsec_sbom_dep *deps;
    size_t ndeps;
    struct medsec_arena arena; /* owns every string above */
    size_t nwarnings;          /* warnings issued while loading (also when @warnings was NULL) */
    size_t nskipped;           /* components skipped (each one with a warning) */
    /* private: ref -> index hash (open addressing, slots hold index + 1) */
    size_t *ref_slots;
    size_t ref_cap;
};

struct medsec_sbom_limits {
    size_t max_bytes;      /* file size cap (0 = 512 MiB) */
    size_t max_components; /* (0 = 1,000,000) */
};

/*
 * Formats: CycloneDX JSON specVersion 1.2-1.7 (bomFormat "CycloneDX") and SPDX JSON "SPDX-2.2" /
 * "SPDX-2.3"; any other specVersion / spdxVersion is an error (MEDSEC_EUNSUPPORTED).
 * CycloneDX metadata.component becomes component 0 (is_subject = 1); its and every component's
 * nested components follow with `parent` set. Dependencies: CycloneDX dependencies[].dependsOn;
 * SPDX relationships DEPENDS_ON, CONTAINS, *_LINK, *DEPENDENCY_OF and CONTAINED_BY (reversed so
 * that `from` always needs or contains `to`), sorted by (from, to) without duplicates.
 *
 * Read the SBOM at @path, detecting the format from its content. Components that cannot be used
 * (no name, wrong types) are skipped with a warning in @warnings (may be NULL), naming file, line
 * and column; nothing is dropped silently. Fails (and *out stays NULL) when the file is not JSON
 * or not a recognised SBOM; @err says where and why. Caller frees *out with medsec_sbom_free.
 */
medsec_err medsec_sbom_load(const char *path, const struct medsec_sbom_limits *lim,
                            struct medsec_sbom **out, struct medsec_diags *warnings,
                            struct medsec_error *err) __attribute__((warn_unused_result));

/* The same, from memory; @filename is used in messages. @text need not outlive the result. */
medsec_err medsec_sbom_parse(const char *text, size_t len, const char *filename,
                             const struct medsec_sbom_limits *lim, struct medsec_sbom **out,
                             struct medsec_diags *warnings, struct medsec_error *err)
    __attribute__((warn_unused_result));

/* The component whose ref is @ref, or NULL. */
const struct medsec_sbom_component *medsec_sbom_find(const struct medsec_sbom *s, const char *ref);

/* Short name of @f: "CycloneDX" or "SPDX". */
const char *medsec_sbom_format_name(enum medsec_sbom_format f);
/* The specification version as people write it after the format's name: "1.6", "2.3" ("SPDX-2.3"
 * without its prefix). */
const char *medsec_sbom_spec_version_label(const struct medsec_sbom *s);

/* The CycloneDX component type for a component's @type (CycloneDX's own words, or SPDX's package
 * purposes in any case, '_' or '-'); "library" when it names none or is NULL. */
const char *medsec_sbom_cdx_type(const char *type);
/* The SPDX 2.3 JSON primaryPackagePurpose for @type (SPDX's words in any case, or the CycloneDX
 * type of the same name: "operating-system" -> "OPERATING_SYSTEM"); NULL when none fits. */
const char *medsec_sbom_spdx_purpose(const char *type);

/* Free @s and everything it owns. NULL is allowed. */
void medsec_sbom_free(struct medsec_sbom *s);

/* Component @i of @s as a JSON object (the one shape every command prints components in): ref,
 * type, group, name, version, purl, cpes, supplier, license, sha256, parent, subject, line, column.
 */
struct medsec_jsonw;
void medsec_sbom_component_json(struct medsec_jsonw *w, const struct medsec_sbom *s, size_t i);

#endif
