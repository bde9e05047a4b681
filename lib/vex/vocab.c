/* vocab.c: the words of VEX (medsec/vex.h): formats, CycloneDX analysis states, justifications and
 * responses, and how the finer CycloneDX words map onto OpenVEX's and CSAF's. */
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/vex.h"

static const char *name_in(const char *const *names, size_t n, int i)
{
    return i >= 0 && (size_t)i < n ? names[i] : NULL;
}

static bool parse_in(const char *const *names, size_t n, const char *s, int *out)
{
    for (size_t i = 0; s && i < n; i++)
        if (strcmp(names[i], s) == 0) {
            *out = (int)i;
            return true;
        }
    return false;
}

static const char *const formats[MEDSEC_VEX_FORMAT_COUNT] = {"cyclonedx", "openvex", "csaf"};

const char *medsec_vex_format_name(enum medsec_vex_format f)
{
    return name_in(formats, MEDSEC_VEX_FORMAT_COUNT, (int)f);
}

bool medsec_vex_format_parse(const char *s, enum medsec_vex_format *out)
{
    int i;
    if (!parse_in(formats, MEDSEC_VEX_FORMAT_COUNT, s, &i))
        return false;
    *out = (enum medsec_vex_format)i;
    return true;
}

static const char *const states[MEDSEC_VEX_STATE_COUNT] = {
    "in_triage",      "exploitable", "not_affected",
    "false_positive", "resolved",    "resolved_with_pedigree"};

const char *medsec_vex_state_name(enum medsec_vex_state s)
{
    return name_in(states, MEDSEC_VEX_STATE_COUNT, (int)s);
}

bool medsec_vex_state_parse(const char *s, enum medsec_vex_state *out)
{
    int i;
    if (!parse_in(states, MEDSEC_VEX_STATE_COUNT, s, &i))
        return false;
    *out = (enum medsec_vex_state)i;
    return true;
}

enum medsec_vuln_status medsec_vex_state_status(enum medsec_vex_state s)
{
    switch (s) {
    case MEDSEC_VEX_EXPLOITABLE: return MEDSEC_VULN_AFFECTED;
    case MEDSEC_VEX_NOT_AFFECTED:
    case MEDSEC_VEX_FALSE_POSITIVE: return MEDSEC_VULN_NOT_AFFECTED;
    case MEDSEC_VEX_RESOLVED:
    case MEDSEC_VEX_RESOLVED_PEDIGREE: return MEDSEC_VULN_FIXED;
    case MEDSEC_VEX_IN_TRIAGE:
    case MEDSEC_VEX_STATE_COUNT: break;
    }
    return MEDSEC_VULN_UNDER_INVESTIGATION;
}

/* index = value - 1 */
static const char *const cdx_justifications[MEDSEC_CDX_COUNT - 1] = {
    "code_not_present",     "code_not_reachable",     "requires_configuration",
    "requires_dependency",  "requires_environment",   "protected_by_compiler",
    "protected_at_runtime", "protected_at_perimeter", "protected_by_mitigating_control"};

const char *medsec_vex_cdx_justification_name(enum medsec_vex_cdx_justification j)
{
    return name_in(cdx_justifications, MEDSEC_CDX_COUNT - 1, (int)j - 1);
}

bool medsec_vex_cdx_justification_parse(const char *s, enum medsec_vex_cdx_justification *out)
{
    int i;
    if (!parse_in(cdx_justifications, MEDSEC_CDX_COUNT - 1, s, &i))
        return false;
    *out = (enum medsec_vex_cdx_justification)(i + 1);
    return true;
}

enum medsec_vex_justification medsec_vex_cdx_to_justification(enum medsec_vex_cdx_justification j)
{
    switch (j) {
    case MEDSEC_CDX_CODE_NOT_PRESENT: return MEDSEC_VEX_CODE_NOT_PRESENT;
    case MEDSEC_CDX_CODE_NOT_REACHABLE: return MEDSEC_VEX_CODE_NOT_IN_EXECUTE_PATH;
    case MEDSEC_CDX_REQUIRES_CONFIGURATION:
    case MEDSEC_CDX_REQUIRES_ENVIRONMENT:
    case MEDSEC_CDX_PROTECTED_AT_PERIMETER: return MEDSEC_VEX_CODE_CANNOT_BE_CONTROLLED;
    case MEDSEC_CDX_REQUIRES_DEPENDENCY: return MEDSEC_VEX_COMPONENT_NOT_PRESENT;
    case MEDSEC_CDX_PROTECTED_BY_COMPILER:
    case MEDSEC_CDX_PROTECTED_AT_RUNTIME:
    case MEDSEC_CDX_PROTECTED_BY_MITIGATING_CONTROL: return MEDSEC_VEX_INLINE_MITIGATIONS;
    case MEDSEC_CDX_UNSTATED:
    case MEDSEC_CDX_COUNT: break;
    }
    return MEDSEC_VEX_UNSTATED;
}

static const char *const responses[] = {"can_not_fix", "will_not_fix", "update", "rollback",
                                        "workaround_available"};
#define NRESPONSES (sizeof responses / sizeof responses[0])

const char *medsec_vex_response_name(unsigned bit)
{
    for (size_t i = 0; i < NRESPONSES; i++)
        if (bit == 1u << i)
            return responses[i];
    return NULL;
}

bool medsec_vex_response_parse(const char *s, unsigned *bit)
{
    int i;
    if (!parse_in(responses, NRESPONSES, s, &i))
        return false;
    *bit = 1u << i;
    return true;
}

void medsec_vex_doc_init(struct medsec_vex_doc *d)
{
    memset(d, 0, sizeof *d);
}

void medsec_vex_doc_release(struct medsec_vex_doc *d)
{
    medsec_free(d->v);
    medsec_arena_release(&d->arena);
    memset(d, 0, sizeof *d);
}

static bool same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

const struct medsec_vex_statement *medsec_vex_doc_find(const struct medsec_vex_doc *d,
                                                       const char *vuln, const char *product,
                                                       const char *release)
{
    for (size_t i = 0; d && vuln && i < d->n; i++) {
        const struct medsec_vex_statement *s = &d->v[i];
        if (same(s->product, product) && (!release || !s->release || same(s->release, release)) &&
            medsec_vex_statement_names(s, vuln))
            return s;
    }
    return NULL;
}

const struct medsec_vex_statement *medsec_vex_doc_decide(void *doc, const char *vuln,
                                                         const char *product, const char *release)
{
    return medsec_vex_doc_find(doc, vuln, product, release);
}
