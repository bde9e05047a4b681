/* schema.h (private): the table of device.yaml — every mapping, its keys, their types — that the
 * loader checks and builds the model with, and that the JSON Schema is generated from. */
#ifndef MEDSEC_MODEL_SCHEMA_H
#define MEDSEC_MODEL_SCHEMA_H

#include <stddef.h>

#include "medsec/model.h"

enum mtype {
    F_STR = 0, /* any non-null scalar: const char * */
    F_INT,     /* decimal integer in [min, max]: long */
    F_BOOL,    /* true / false: int */
    F_DATE,    /* YYYY-MM-DD, a real date: const char * */
    F_ENUM,    /* one of `values`: const char * */
    F_CODE, /* one of `values`, stored as its enum value (int): index + `mask`; `max` when absent */
    F_ID,   /* declares the mapping's id in namespace `kind` of its shape: const char * */
    F_REF,  /* names an id of a kind in `mask`: const char * */
    F_PATH, /* a file relative to the device folder that must exist: const char * */
    F_SBOM, /* like F_PATH, and the file is loaded as an SBOM */
    F_RUBRIC, /* like F_PATH, and the file is loaded as MITRE rubric answers: the result
               * (const struct medsec_cvss_rubric *, in the model arena) at `noff` */
    F_STRS,   /* list of F_STR: struct medsec_strlist */
    F_ENUMS,  /* list of F_ENUM */
    F_CODES,  /* list of F_CODE: struct medsec_codelist */
    F_REFS,   /* list of F_REF */
    F_PATHS,  /* list of F_PATH */
    F_SBOMS,  /* list of F_SBOM */
    F_OBJ,    /* a mapping of shape `sub`, embedded at `off` */
    F_LIST    /* a list of mappings of shape `sub`: pointer at `off`, count (size_t) at `noff` */
};

struct mshape;

struct mfield {
    const char *key;
    enum mtype type;
    int required;
    unsigned mask;             /* F_REF(S): bit (1u << kind) per kind allowed; F_CODE(S): the enum
                                * value of the first word */
    const char *const *values; /* F_ENUM(S), F_CODE(S): NULL-terminated */
    const struct mshape *sub;  /* F_OBJ, F_LIST */
    size_t off, noff;
    long min, max;   /* F_INT range; lists: min entries (max unused); F_CODE: max = value
                      * when the key is absent */
    const char *doc; /* one line for the JSON Schema description */
};

struct mshape {
    const char *name; /* what one such mapping is called in messages: "flow", "item" ... */
    const char *def;  /* $defs name in the JSON Schema */
    int kind;         /* enum medsec_model_kind of its F_ID, or -1 */
    size_t size;      /* sizeof the C struct (which starts with struct medsec_model_pos) */
    const struct mfield *fields;
    size_t nfields;
};

extern const struct mshape medsec_model_root_shape;
/* Every shape reachable from the root, root first (for the schema's $defs). */
extern const struct mshape *const medsec_model_shapes[];
extern const size_t medsec_model_nshapes;

/* The id namespace of a kind: 0 shared by elements, 1 versions, 2 harm levels, 3 exploitability,
 * 4 vulnerabilities. */
int medsec_model_namespace(enum medsec_model_kind k);

#endif
