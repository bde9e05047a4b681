/* load_int.h (private): what the parts of the loader share: the walker (the state of one load of
 * device.yaml), its records of ids, references and SBOMs, and the calls each part offers the
 * others. load.c     entry points, limits, the YAML front and the order of the passes node.c
 * reading YAML nodes; problems reported at them, with the document path walk.c     the walk of the
 * document, driven by the table in schema.c refs.c     ids and references: namespaces, duplicates,
 * dangling and wrong-kind references files.c    referenced files: relative paths, SBOMs and their
 * components, rubric answers checks.c   checks across the keys of one mapping and across sections
 *   affects.c  the items each vulnerability affects, from its `components`
 */
#ifndef MEDSEC_MODEL_LOAD_INT_H
#define MEDSEC_MODEL_LOAD_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <libfyaml.h>

#include "medsec/alloc.h"
#include "medsec/model.h"
#include "schema.h"

/* An id declared by the document (an F_ID value). */
struct idrec {
    const char *id;
    enum medsec_model_kind kind;
    unsigned line, column;
    size_t order; /* declaration order, so the first of duplicates is known after sorting */
};

/* A reference to an id (an F_REF value), resolved after the walk. */
struct refrec {
    const char *value;
    const char *key;
    unsigned mask;
    unsigned line, column;
    char *path; /* owned */
};

struct sbomrec {
    const char *path;         /* as written (model arena) */
    struct medsec_sbom *sbom; /* NULL when it could not be loaded */
};

struct walker {
    const char *file, *dir;
    struct medsec_model_limits lim;
    struct medsec_diags *d;
    struct medsec_model *m;
    medsec_err fatal; /* ENOMEM: stop and report */
    int yaml_error, cap_error;
    struct idrec *ids;
    size_t nids, capids;
    struct refrec *refs;
    size_t nrefs, caprefs;
    struct sbomrec *sboms;
    size_t nsboms, capsboms;
    char path[512];
    size_t plen;
    size_t nodes;
    struct fy_node *key; /* key of the value being walked: where an empty value is reported */
    const char *text;    /* the source, for decoding quoted scalars */
    size_t len;
    struct medsec_arena scratch; /* decoded scalar text, freed when the walk ends */
    size_t suggestions; /* "did you mean" searches made for unknown vulnerability components */
};

/* Room for one more entry of a walker list; false (and the walk fatal) when memory ran out. */
#define ROOM(W, arr, n, cap)                                                                       \
    (MEDSEC_ARRAY_GROW(arr, n, cap) ? ((W)->fatal = MEDSEC_ENOMEM, false) : true)

/* ---- node.c ---- */

/* An error at @line:@col, or at node @n (at the key being walked when @n has no position: an empty
 * value), with the current document path. */
void load_error_at(struct walker *W, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void load_error_node(struct walker *W, struct fy_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A warning at @line:@col with the current document path. */
void load_warn_at(struct walker *W, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The document path ("flows[2].to") kept alongside the walk: push returns what pop restores. */
size_t load_path_push_key(struct walker *W, const char *key);
size_t load_path_push_index(struct walker *W, size_t i);
void load_path_pop(struct walker *W, size_t old);
void load_path_set(struct walker *W, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The text of scalar @n (quoted scalars decoded, in the walker's scratch arena until the walk
 * ends); "" with W->fatal when out of memory. */
const char *load_text(struct walker *W, struct fy_node *n, size_t *len);
/* The text of @n when it is a scalar and not an alias, else NULL. */
const char *load_scalar(struct walker *W, struct fy_node *n, size_t *len);
/* A plain (unquoted) scalar that YAML 1.2's core schema reads as null. */
int load_is_null(struct fy_node *n);
/* What @n is, for messages: "empty", "an alias", "a mapping", "a list", "a scalar". */
const char *load_what_is(struct fy_node *n);
/* The value of @key in mapping @map, or NULL. */
struct fy_node *load_child(struct walker *W, struct fy_node *map, const char *key);
/* A copy of @s in the model arena; NULL with W->fatal when out of memory. */
const char *load_dup(struct walker *W, const char *s, size_t len);

/* ---- walk.c ---- */

/* Walk the document from its root into the model, recording ids, references and files. */
void load_walk(struct walker *W, struct fy_node *root);

/* ---- refs.c ---- */

/* During the walk: an id of @kind declared at @at; a reference made by @key at @at to an id of a
 * kind in @mask (resolved later, reported with the current document path). */
void load_add_id(struct walker *W, const char *id, enum medsec_model_kind kind, struct fy_node *at);
void load_add_ref(struct walker *W, const char *value, const char *key, unsigned mask,
                  struct fy_node *at);
/* After the walk: duplicate ids, then references that are dangling or name the wrong kind. */
void load_check_ids(struct walker *W);
void load_check_refs(struct walker *W);

/* ---- files.c ---- */

/* Check the path @rel of @key: relative, resolving inside the device folder (links and ".."
 * followed, nothing opened), a regular file; returns 1 when it is (always 1 without a folder). */
int load_check_path(struct walker *W, const char *key, const char *rel, struct fy_node *at);
/* Whether @rel resolves to a regular file inside the device folder (never without a folder, never
 * for an absolute path; 1 with W->fatal when out of memory). */
int load_has_file(struct walker *W, const char *rel);
/* The record of the SBOM @rel of the device folder, loaded the first time it is named (problems
 * reported at @at); NULL when out of memory. */
struct sbomrec *load_sbom_get(struct walker *W, const char *rel, struct fy_node *at);
/* The loaded SBOM of @rel, or NULL. */
const struct medsec_sbom *load_sbom_loaded(const struct walker *W, const char *rel);
/* Check that each of @refs is a component of the SBOM @rel. */
void load_check_components(struct walker *W, const char *rel, struct fy_node *sbom_node,
                           struct fy_node *comp_node, const char *const *refs, size_t n);
/* The MITRE rubric answers file @rel, loaded into the model arena; NULL without a folder, when the
 * file is missing or has errors (reported at @at). */
const struct medsec_cvss_rubric *load_rubric(struct walker *W, const char *rel, struct fy_node *at);
/* Hand the loaded SBOMs to the model. */
void load_keep_sboms(struct walker *W);

/* ---- checks.c ---- */

/* Checks that need several keys of one mapping of shape @s, built into @obj. */
void load_check_shape(struct walker *W, const struct mshape *s, struct fy_node *map, void *obj);
/* Checks across sections, on the built model. */
void load_check_model(struct walker *W);
/* The inputs of the risk method (docs/risk.md): reach, access levels, evidence of verified
 * controls, MDS2 code scopes, the manufacturer's scores, hazard causes, risk acceptances. */
void load_check_method(struct walker *W);

/* ---- affects.c ---- */

/* Resolve every vulnerability's `components` to the items it affects (its `items`). */
void load_vulnerability_items(struct walker *W, struct fy_node *root);

#endif
