/* domain.c: the one table of each domain word list (medsec/domain.h) and the names of its values.
 */
#include <string.h>

#include "medsec/domain.h"

#define COUNT(a) (sizeof a / sizeof a[0] - 1) /* the tables end with NULL */

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

static const char *const element_names[] = {
    "process", "data_store", "external_entity", "data_flow", "interface", "zone_crossing", NULL};
/* an item's `element` may be one of the first three only */
const char *const medsec_element_kind_names[] = {"process", "data_store", "external_entity", NULL};

const char *medsec_element_kind_name(enum medsec_element_kind k)
{
    const char *s = name_in(element_names, COUNT(element_names), (int)k);
    return s ? s : "?";
}

bool medsec_element_kind_parse(const char *name, enum medsec_element_kind *out)
{
    int i;
    if (!parse_in(element_names, COUNT(element_names), name, &i))
        return false;
    *out = (enum medsec_element_kind)i;
    return true;
}

const char *const medsec_stride_names[] = {"spoofing",
                                           "tampering",
                                           "repudiation",
                                           "information_disclosure",
                                           "denial_of_service",
                                           "elevation_of_privilege",
                                           NULL};
static const char stride_letters[] = "STRIDE";

const char *medsec_stride_name(enum medsec_stride s)
{
    return name_in(medsec_stride_names, COUNT(medsec_stride_names), (int)s - 1);
}

char medsec_stride_letter(enum medsec_stride s)
{
    return s > MEDSEC_STRIDE_NONE && s < MEDSEC_STRIDE_COUNT ? stride_letters[s - 1] : '\0';
}

bool medsec_stride_parse(const char *s, enum medsec_stride *out)
{
    int i;
    if (s && s[0] && !s[1] && strchr(stride_letters, s[0])) {
        *out = (enum medsec_stride)(strchr(stride_letters, s[0]) - stride_letters + 1);
        return true;
    }
    if (!parse_in(medsec_stride_names, COUNT(medsec_stride_names), s, &i))
        return false;
    *out = (enum medsec_stride)(i + 1);
    return true;
}

const char *const medsec_support_level_names[] = {"full", "security_only", "limited", "none", NULL};

const char *medsec_support_level_name(enum medsec_support_level l)
{
    const char *s = name_in(medsec_support_level_names, COUNT(medsec_support_level_names), (int)l);
    return s ? s : "?";
}

const char *const medsec_vuln_status_names[] = {"under_investigation", "affected", "not_affected",
                                                "fixed", NULL};

const char *medsec_vuln_status_name(enum medsec_vuln_status s)
{
    const char *n = name_in(medsec_vuln_status_names, COUNT(medsec_vuln_status_names), (int)s);
    return n ? n : "?";
}

bool medsec_vuln_status_open(enum medsec_vuln_status s)
{
    return s == MEDSEC_VULN_AFFECTED || s == MEDSEC_VULN_UNDER_INVESTIGATION;
}

const char *const medsec_control_status_names[] = {"planned", "implemented", "verified", NULL};

const char *medsec_control_status_name(enum medsec_control_status s)
{
    const char *n =
        name_in(medsec_control_status_names, COUNT(medsec_control_status_names), (int)s);
    return n ? n : "?";
}

bool medsec_control_status_active(enum medsec_control_status s)
{
    return s == MEDSEC_CONTROL_IMPLEMENTED || s == MEDSEC_CONTROL_VERIFIED;
}

const char *const medsec_control_lowers_names[] = {"exploitability", "severity", "both", NULL};

const char *medsec_control_lowers_name(enum medsec_control_lowers l)
{
    return name_in(medsec_control_lowers_names, COUNT(medsec_control_lowers_names), (int)l - 1);
}

bool medsec_control_lowers_exploitability(enum medsec_control_lowers l)
{
    return l == MEDSEC_LOWERS_EXPLOITABILITY || l == MEDSEC_LOWERS_BOTH;
}

bool medsec_control_lowers_severity(enum medsec_control_lowers l)
{
    return l == MEDSEC_LOWERS_SEVERITY || l == MEDSEC_LOWERS_BOTH;
}

const char *const medsec_capability_names[] = {
    "DOC",  "MPII", "ALOF", "AUDT", "AUTH", "CSUP", "DIDT", "DTBK", "EMRG", "IGAU", "MLDP", "NAUT",
    "CONN", "PAUT", "PLOK", "RDMP", "SBOM", "SAHD", "SGUD", "STCF", "TXCF", "TXIG", "RMOT", NULL};

const char *medsec_capability_name(enum medsec_capability c)
{
    const char *n = name_in(medsec_capability_names, COUNT(medsec_capability_names), (int)c);
    return n ? n : "?";
}

bool medsec_capability_parse(const char *code, enum medsec_capability *out)
{
    int i;
    if (!parse_in(medsec_capability_names, COUNT(medsec_capability_names), code, &i))
        return false;
    *out = (enum medsec_capability)i;
    return true;
}
