/* purl_types.h: the compiled-in table of per-type purl rules (internal to medsec_id). */
#ifndef MEDSEC_ID_PURL_TYPES_H
#define MEDSEC_ID_PURL_TYPES_H

enum purl_req { PURL_OPTIONAL = 0, PURL_REQUIRED, PURL_PROHIBITED };

/* Normalisation and validation steps that a case flag cannot express. */
enum {
    PURL_RULE_PYPI_NAME = 1u << 0,   /* name: '_' -> '-' */
    PURL_RULE_PUB_NAME = 1u << 1,    /* name: any byte outside [a-z0-9_] -> '_' */
    PURL_RULE_CHROME_EXT = 1u << 2,  /* name ^[a-p]{32}$, version ^\d+(\.\d+){0,3}$ */
    PURL_RULE_CPAN_NAME = 1u << 3,   /* name shall not contain "::" */
    PURL_RULE_MLFLOW_NAME = 1u << 4, /* name lowercase when repository_url is Azure Databricks */
    PURL_RULE_GIT_PATH = 1u << 5,    /* namespace = host (first segment), name = rest of the path */
};

struct purl_type_rule {
    const char *type;
    unsigned char ns_req;     /* enum purl_req */
    unsigned char ns_lower;   /* namespace is case-insensitive: lowercase it */
    unsigned char name_lower; /* name is case-insensitive */
    unsigned char version_lower;
    unsigned char subpath_lower;
    unsigned rules;                 /* PURL_RULE_* */
    const char *required_qualifier; /* a qualifier key the type requires, or NULL */
};

/* Rule for @type (lowercase), or NULL for a type without a definition (all optional, case kept). */
const struct purl_type_rule *purl_type_rule_find(const char *type);

#endif
