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

const char *const medsec_access_names[] = {"remote",   "network",  "adjacent", "local",
                                           "physical", "internal", NULL};

const char *medsec_access_name(enum medsec_access a)
{
    const char *n = name_in(medsec_access_names, COUNT(medsec_access_names), (int)a);
    return n ? n : "?";
}

const char *const medsec_channel_names[] = {"network",         "wireless", "field_bus",
                                            "onboard_bus",     "ipc",      "local_ui",
                                            "removable_media", "human",    NULL};

const char *medsec_channel_name(enum medsec_channel c)
{
    const char *n = name_in(medsec_channel_names, COUNT(medsec_channel_names), (int)c);
    return n ? n : "?";
}

bool medsec_channel_parse(const char *name, enum medsec_channel *out)
{
    int i;
    if (!parse_in(medsec_channel_names, COUNT(medsec_channel_names), name, &i))
        return false;
    *out = (enum medsec_channel)i;
    return true;
}

bool medsec_channel_attackable(enum medsec_channel c)
{
    return c == MEDSEC_CHANNEL_NETWORK || c == MEDSEC_CHANNEL_WIRELESS ||
           c == MEDSEC_CHANNEL_FIELD_BUS;
}

bool medsec_channel_of_interface_type(const char *type, enum medsec_channel *out)
{
    static const struct {
        const char *type;
        enum medsec_channel channel;
    } map[] = {
        {"wifi", MEDSEC_CHANNEL_WIRELESS},
        {"ble", MEDSEC_CHANNEL_WIRELESS},
        {"bluetooth", MEDSEC_CHANNEL_WIRELESS},
        {"cellular", MEDSEC_CHANNEL_WIRELESS},
        {"nfc", MEDSEC_CHANNEL_WIRELESS},
        {"ethernet", MEDSEC_CHANNEL_NETWORK},
        {"can", MEDSEC_CHANNEL_FIELD_BUS},
        {"rs232", MEDSEC_CHANNEL_FIELD_BUS},
        {"serial-console", MEDSEC_CHANNEL_FIELD_BUS},
        {"usb", MEDSEC_CHANNEL_REMOVABLE_MEDIA},
        {"usb-c", MEDSEC_CHANNEL_REMOVABLE_MEDIA},
        {"sd", MEDSEC_CHANNEL_REMOVABLE_MEDIA},
        {"jtag", MEDSEC_CHANNEL_ONBOARD_BUS},
        {"swd", MEDSEC_CHANNEL_ONBOARD_BUS},
        {"uart", MEDSEC_CHANNEL_ONBOARD_BUS},
        {"spi", MEDSEC_CHANNEL_ONBOARD_BUS},
        {"i2c", MEDSEC_CHANNEL_ONBOARD_BUS},
        {"internal-bus", MEDSEC_CHANNEL_ONBOARD_BUS},
        {"display", MEDSEC_CHANNEL_LOCAL_UI},
        {"touchscreen", MEDSEC_CHANNEL_LOCAL_UI},
        {"keypad", MEDSEC_CHANNEL_LOCAL_UI},
        {"barcode", MEDSEC_CHANNEL_LOCAL_UI},
    };
    for (size_t i = 0; type && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].type, type) == 0) {
            *out = map[i].channel;
            return true;
        }
    return false;
}

const char *const medsec_property_names[] = {"confidentiality", "integrity", "availability", NULL};

const char *medsec_property_name(enum medsec_property p)
{
    const char *n = name_in(medsec_property_names, COUNT(medsec_property_names), (int)p);
    return n ? n : "?";
}

const char *const medsec_vex_justification_names[] = {
    "component_not_present",
    "vulnerable_code_not_present",
    "vulnerable_code_not_in_execute_path",
    "vulnerable_code_cannot_be_controlled_by_adversary",
    "inline_mitigations_already_exist",
    NULL};

const char *medsec_vex_justification_name(enum medsec_vex_justification j)
{
    return name_in(medsec_vex_justification_names, COUNT(medsec_vex_justification_names),
                   (int)j - 1);
}

#define F(x) MEDSEC_FIT_##x
/* The sections of the MDS2 form (ANSI/NEMA HN 1-2019) and what each covers; the titles are the
 * form's, the scopes our summary of its questions (docs/security-file.md, "Capabilities"). */
static const struct medsec_capability_info capabilities[MEDSEC_CAP_COUNT] = {
    {MEDSEC_CAP_DOC, "Device description", "what the device is and who makes it; documentation",
     F(DEVICE)},
    {MEDSEC_CAP_MPII, "Management of personally identifiable information",
     "how the device handles, stores and exports personal and health data", F(HEALTH_DATA)},
    {MEDSEC_CAP_ALOF, "Automatic logoff", "ending an unattended user session at the device",
     F(PERSON)},
    {MEDSEC_CAP_AUDT, "Audit controls", "recording security-relevant events and who did what", ~0u},
    {MEDSEC_CAP_AUTH, "Authorization",
     "deciding what an authenticated user, node or service may do (roles, least privilege)",
     F(PERSON) | F(NODE) | F(SOFTWARE) | F(REMOTE_SERVICE) | F(DEVICE)},
    {MEDSEC_CAP_CSUP, "Cyber security product upgrades",
     "how updates and patches are delivered, verified and installed",
     F(UPDATE) | F(SOFTWARE) | F(DEVICE)},
    {MEDSEC_CAP_DIDT, "Health data de-identification",
     "removing identity from health data before it is shared", F(HEALTH_DATA)},
    {MEDSEC_CAP_DTBK, "Data backup and disaster recovery",
     "backing up data and configuration and restoring them after a loss",
     F(STORAGE) | F(HEALTH_DATA) | F(DEVICE)},
    {MEDSEC_CAP_EMRG, "Emergency access",
     "break-glass access to health data when normal authentication would delay care",
     F(HEALTH_DATA) | F(PERSON)},
    {MEDSEC_CAP_IGAU, "Health data integrity and authenticity",
     "that stored and transmitted health data is not altered and comes from its originator",
     F(HEALTH_DATA)},
    {MEDSEC_CAP_MLDP, "Malware detection/protection",
     "detecting, preventing and removing malicious software, also on media brought to the device",
     F(SOFTWARE) | F(STORAGE)},
    {MEDSEC_CAP_NAUT, "Node authentication",
     "authenticating the devices and systems the device communicates with", F(NODE) | F(TRANSPORT)},
    {MEDSEC_CAP_CONN, "Connectivity capabilities",
     "the device's network and other connections and their settings",
     F(NODE) | F(TRANSPORT) | F(DEVICE)},
    {MEDSEC_CAP_PAUT, "Person authentication",
     "authenticating the people who use or service the device", F(PERSON)},
    {MEDSEC_CAP_PLOK, "Physical locks",
     "physical protection of the device, its storage and its ports", F(PHYSICAL) | F(STORAGE)},
    {MEDSEC_CAP_RDMP, "Roadmap for third party components in device life cycle",
     "the manufacturer's plan for the third-party software the device contains",
     F(SOFTWARE) | F(DEVICE)},
    {MEDSEC_CAP_SBOM, "Software bill of materials",
     "the list of software components the device contains", F(SOFTWARE) | F(DEVICE)},
    {MEDSEC_CAP_SAHD, "System and application hardening",
     "reducing the attack surface: removing services and ports, checking that installed software is "
     "authorized, resisting exploitation",
     F(SOFTWARE) | F(DEVICE) | F(UPDATE) | F(PHYSICAL) | F(NODE)},
    {MEDSEC_CAP_SGUD, "Security guidance",
     "guidance for the operator on running the device securely", ~0u},
    {MEDSEC_CAP_STCF, "Health data storage confidentiality",
     "keeping health data at rest confidential", F(HEALTH_DATA)},
    {MEDSEC_CAP_TXCF, "Transmission confidentiality", "keeping data in transit confidential",
     F(TRANSPORT)},
    {MEDSEC_CAP_TXIG, "Transmission integrity", "keeping data in transit from being altered",
     F(TRANSPORT)},
    {MEDSEC_CAP_RMOT, "Remote service",
     "remote access for service and maintenance and how it is controlled",
     F(REMOTE_SERVICE) | F(NODE)},
};
#undef F

const struct medsec_capability_info *medsec_capability_info(enum medsec_capability c)
{
    return (unsigned)c < MEDSEC_CAP_COUNT ? &capabilities[c] : NULL;
}
