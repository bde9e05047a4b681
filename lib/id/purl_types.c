/* purl_types.c: per-type purl rules, written by hand from the purl-spec type definitions
 * (types/NAME-definition.json). */
#include <stddef.h>
#include <string.h>

#include "purl_types.h"

#define OPT PURL_OPTIONAL
#define REQ PURL_REQUIRED
#define NO PURL_PROHIBITED

/*
 * One row per *-definition.json: namespace requirement, then "case_sensitive": false of namespace,
 * name, version and subpath, then the rules that need code. Sorted by type for bsearch.
 */
static const struct purl_type_rule purl_types[] = {
    {"alpm", REQ, 1, 1, 0, 0, 0, NULL},
    {"apk", REQ, 1, 1, 0, 0, 0, NULL},
    {"bazel", NO, 0, 0, 0, 0, 0, NULL},
    {"bitbucket", REQ, 1, 1, 0, 0, 0, NULL},
    {"bitnami", NO, 0, 1, 0, 0, 0, NULL},
    {"brew", OPT, 1, 1, 0, 0, 0, NULL},
    {"cargo", NO, 0, 0, 0, 0, 0, NULL},
    {"chrome-extension", NO, 0, 1, 0, 0, PURL_RULE_CHROME_EXT, NULL},
    {"cocoapods", NO, 0, 0, 0, 0, 0, NULL},
    {"composer", REQ, 1, 1, 0, 0, 0, NULL},
    {"conan", OPT, 0, 0, 0, 0, 0, NULL},
    {"conda", NO, 0, 0, 0, 0, 0, NULL},
    {"cpan", OPT, 0, 0, 0, 0, PURL_RULE_CPAN_NAME, NULL},
    {"cran", NO, 0, 0, 0, 0, 0, NULL},
    {"deb", REQ, 1, 1, 0, 0, 0, NULL},
    {"docker", OPT, 0, 0, 0, 0, 0, NULL},
    {"gem", NO, 0, 0, 0, 0, 0, NULL},
    {"generic", OPT, 0, 0, 0, 0, 0, NULL},
    {"git", REQ, 0, 0, 0, 0, PURL_RULE_GIT_PATH, NULL},
    {"github", REQ, 1, 1, 0, 0, 0, NULL},
    {"golang", REQ, 0, 0, 0, 0, 0, NULL},
    {"hackage", NO, 0, 0, 0, 0, 0, NULL},
    {"hex", OPT, 1, 1, 0, 0, 0, NULL},
    {"huggingface", REQ, 0, 0, 1, 0, 0, NULL},
    {"julia", NO, 0, 0, 0, 0, 0, "uuid"},
    {"luarocks", OPT, 1, 1, 0, 0, 0, NULL},
    {"maven", REQ, 0, 0, 0, 0, 0, NULL},
    {"mlflow", NO, 0, 0, 0, 0, PURL_RULE_MLFLOW_NAME, NULL},
    {"npm", OPT, 0, 0, 0, 0, 0, NULL},
    {"nuget", NO, 0, 0, 0, 0, 0, NULL},
    {"oci", NO, 0, 1, 1, 0, 0, NULL},
    {"opam", NO, 0, 0, 0, 0, 0, NULL},
    {"otp", NO, 0, 1, 0, 1, 0, NULL},
    {"pub", NO, 0, 1, 0, 0, PURL_RULE_PUB_NAME, NULL},
    {"pypi", NO, 0, 1, 1, 0, PURL_RULE_PYPI_NAME, NULL},
    {"qpkg", REQ, 1, 0, 0, 0, 0, NULL},
    {"rpm", REQ, 1, 0, 0, 0, 0, NULL},
    {"swid", OPT, 0, 0, 0, 0, 0, "tag_id"},
    {"swift", REQ, 0, 0, 0, 0, 0, NULL},
    {"vcpkg", NO, 0, 0, 0, 0, 0, NULL},
    {"vscode-extension", REQ, 1, 1, 1, 0, 0, NULL},
    {"yocto", OPT, 1, 0, 0, 0, 0, NULL},
};

const struct purl_type_rule *purl_type_rule_find(const char *type)
{
    size_t lo = 0, hi = sizeof purl_types / sizeof purl_types[0];

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(type, purl_types[mid].type);
        if (c == 0)
            return &purl_types[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}
