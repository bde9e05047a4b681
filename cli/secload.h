/* secload.h: what threats, dfd and risk share: load a device folder's security file, build its
 * element graph, load the rule catalogs, generate and merge threats, build the risk register. */
#ifndef MEDSEC_CLI_SECLOAD_H
#define MEDSEC_CLI_SECLOAD_H

#include <stddef.h>

#include "medsec/model.h"
#include "medsec/risk.h"
#include "medsec/threat.h"

#define SECLOAD_MAX_RULE_FILES 32

struct secload_hazard {
    const char *id, *name;
};

/* Everything is owned by the struct; secload_release frees whatever was built. */
struct secload {
    struct medsec_model *model;
    const char *device_name;
    struct medsec_tm_graph graph;
    struct medsec_tm_catalog catalog;
    const char *catalogs[SECLOAD_MAX_RULE_FILES * 2 + 1]; /* names of the catalogs read, in order */
    char *owned[SECLOAD_MAX_RULE_FILES * 2 + 1];          /* catalog paths secload allocated */
    size_t ncatalogs;
    struct medsec_threat_list threats;
    struct medsec_risk_register risks;
    struct secload_hazard *hazards; /* the file's hazards, in file order */
    size_t nhazards;
};

/* Each returns an exit code after printing any error (diagnostics as file:line:column). */
int secload_graph(struct secload *s, const char *dir);
int secload_run(struct secload *s, const char *dir, const char *const *rules, size_t nrules, unsigned flags);
int secload_risks(struct secload *s, const char *dir);
void secload_release(struct secload *s);

#endif
