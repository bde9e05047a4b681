/* medsec/domain.h: the words of the domain as enums, each with its name as the files write it.
 * One table per word list, in lib/core/domain.c: the security file's loader, its JSON Schema, the
 * threat rules and every front end read the same one. */
#ifndef MEDSEC_DOMAIN_H
#define MEDSEC_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What a data-flow diagram element is. Items are processes, data stores or external entities;
 * zone crossings are derived (one per ordered pair of zones a flow joins). */
enum medsec_element_kind {
    MEDSEC_ELEMENT_PROCESS = 0,
    MEDSEC_ELEMENT_DATA_STORE,
    MEDSEC_ELEMENT_EXTERNAL_ENTITY,
    MEDSEC_ELEMENT_DATA_FLOW,
    MEDSEC_ELEMENT_INTERFACE,
    MEDSEC_ELEMENT_ZONE_CROSSING,
    MEDSEC_ELEMENT_KIND_COUNT
};
/* "process", "data_store", "external_entity", "data_flow", "interface", "zone_crossing"; "?" out of
 * range. */
const char *medsec_element_kind_name(enum medsec_element_kind k);
bool medsec_element_kind_parse(const char *name, enum medsec_element_kind *out);

/* A STRIDE category; NONE for what is not a STRIDE threat (a known vulnerability's risk). */
enum medsec_stride {
    MEDSEC_STRIDE_NONE = 0,
    MEDSEC_STRIDE_SPOOFING,
    MEDSEC_STRIDE_TAMPERING,
    MEDSEC_STRIDE_REPUDIATION,
    MEDSEC_STRIDE_INFORMATION_DISCLOSURE,
    MEDSEC_STRIDE_DENIAL_OF_SERVICE,
    MEDSEC_STRIDE_ELEVATION_OF_PRIVILEGE,
    MEDSEC_STRIDE_COUNT
};
/* "spoofing" ... "elevation_of_privilege"; NULL for NONE. */
const char *medsec_stride_name(enum medsec_stride s);
/* 'S', 'T', 'R', 'I', 'D', 'E'; '\0' for NONE. */
char medsec_stride_letter(enum medsec_stride s);
/* From the word ("tampering") or the letter ("T"); false when it is neither. */
bool medsec_stride_parse(const char *s, enum medsec_stride *out);

/* The level of support of a released version (FDA 524B), as the security file states it. */
enum medsec_support_level {
    MEDSEC_SUPPORT_FULL = 0,
    MEDSEC_SUPPORT_SECURITY_ONLY,
    MEDSEC_SUPPORT_LIMITED,
    MEDSEC_SUPPORT_NONE,
    MEDSEC_SUPPORT_LEVEL_COUNT
};
/* "full", "security_only", "limited", "none". */
const char *medsec_support_level_name(enum medsec_support_level l);

/* The manufacturer's verdict on a known vulnerability (OpenVEX's words, which CycloneDX analysis
 * states and CSAF product status map onto). A file that states none means affected. */
enum medsec_vuln_status {
    MEDSEC_VULN_UNDER_INVESTIGATION = 0,
    MEDSEC_VULN_AFFECTED,
    MEDSEC_VULN_NOT_AFFECTED,
    MEDSEC_VULN_FIXED,
    MEDSEC_VULN_STATUS_COUNT
};
/* "under_investigation", "affected", "not_affected", "fixed". */
const char *medsec_vuln_status_name(enum medsec_vuln_status s);
/* Still to deal with: affected or under investigation. */
bool medsec_vuln_status_open(enum medsec_vuln_status s);

/* Where a security control stands. */
enum medsec_control_status {
    MEDSEC_CONTROL_PLANNED = 0,
    MEDSEC_CONTROL_IMPLEMENTED,
    MEDSEC_CONTROL_VERIFIED,
    MEDSEC_CONTROL_STATUS_COUNT
};
/* "planned", "implemented", "verified". */
const char *medsec_control_status_name(enum medsec_control_status s);
/* Acting on the device: implemented or verified (a planned control does not act yet). */
bool medsec_control_status_active(enum medsec_control_status s);

/* What a control lowers in a risk; UNSTATED when the file does not say (it lowers nothing then). */
enum medsec_control_lowers {
    MEDSEC_LOWERS_UNSTATED = 0,
    MEDSEC_LOWERS_EXPLOITABILITY,
    MEDSEC_LOWERS_SEVERITY,
    MEDSEC_LOWERS_BOTH,
    MEDSEC_LOWERS_COUNT
};
/* "exploitability", "severity", "both"; NULL for UNSTATED. */
const char *medsec_control_lowers_name(enum medsec_control_lowers l);
bool medsec_control_lowers_exploitability(enum medsec_control_lowers l);
bool medsec_control_lowers_severity(enum medsec_control_lowers l);

/* The MDS2 (ANSI/NEMA HN 1-2019) form's sections, in form order, which MDCG 2019-16 §3.3 uses as
 * security capabilities. Each code has one meaning (docs/security-file.md). */
enum medsec_capability {
    MEDSEC_CAP_DOC = 0,
    MEDSEC_CAP_MPII,
    MEDSEC_CAP_ALOF,
    MEDSEC_CAP_AUDT,
    MEDSEC_CAP_AUTH,
    MEDSEC_CAP_CSUP,
    MEDSEC_CAP_DIDT,
    MEDSEC_CAP_DTBK,
    MEDSEC_CAP_EMRG,
    MEDSEC_CAP_IGAU,
    MEDSEC_CAP_MLDP,
    MEDSEC_CAP_NAUT,
    MEDSEC_CAP_CONN,
    MEDSEC_CAP_PAUT,
    MEDSEC_CAP_PLOK,
    MEDSEC_CAP_RDMP,
    MEDSEC_CAP_SBOM,
    MEDSEC_CAP_SAHD,
    MEDSEC_CAP_SGUD,
    MEDSEC_CAP_STCF,
    MEDSEC_CAP_TXCF,
    MEDSEC_CAP_TXIG,
    MEDSEC_CAP_RMOT,
    MEDSEC_CAP_COUNT
};
/* "DOC", "MPII" ... "RMOT"; "?" out of range. */
const char *medsec_capability_name(enum medsec_capability c);
bool medsec_capability_parse(const char *code, enum medsec_capability *out);

/* Where an attacker must be to act on something, most remote first (docs/risk.md,
 * "Exploitability"). */
enum medsec_access {
    MEDSEC_ACCESS_REMOTE = 0, /* anywhere on the internet */
    MEDSEC_ACCESS_NETWORK,    /* on a routed network of the operator (a hospital LAN or VLAN) */
    MEDSEC_ACCESS_ADJACENT,   /* within radio range, or on the same link or segment */
    MEDSEC_ACCESS_LOCAL, /* a session or code on the same computer (another app, a logged-in user)
                          */
    MEDSEC_ACCESS_PHYSICAL, /* at the device: its external ports, its user interface, in the room */
    MEDSEC_ACCESS_INTERNAL, /* inside the device: the enclosure opened, on-board buses, or a
                             * component already compromised */
    MEDSEC_ACCESS_COUNT
};
/* "remote", "network", "adjacent", "local", "physical", "internal". */
const char *medsec_access_name(enum medsec_access a);

/* The medium a flow or an interface uses; it decides which attacks can reach it. */
enum medsec_channel {
    MEDSEC_CHANNEL_NETWORK =
        0, /* a routed IP network (Ethernet, IP over Wi-Fi or cellular, the internet) */
    MEDSEC_CHANNEL_WIRELESS,  /* a radio link (BLE, Wi-Fi link layer, NFC, MICS, proprietary RF) */
    MEDSEC_CHANNEL_FIELD_BUS, /* a wired bus or cable outside the enclosure (CAN, RS-232/485) */
    MEDSEC_CHANNEL_ONBOARD_BUS,     /* a bus inside the device (UART, SPI, I2C, debug pads) */
    MEDSEC_CHANNEL_IPC,             /* inside one computer: calls, IPC, files, a local database */
    MEDSEC_CHANNEL_LOCAL_UI,        /* a person at the device: display, touch, keys, sound */
    MEDSEC_CHANNEL_REMOVABLE_MEDIA, /* USB storage, SD cards and other media put into the device */
    MEDSEC_CHANNEL_HUMAN,           /* a human procedure: a phone call, paper, a verbal order */
    MEDSEC_CHANNEL_COUNT
};
/* "network", "wireless", "field_bus", "onboard_bus", "ipc", "local_ui", "removable_media", "human".
 */
const char *medsec_channel_name(enum medsec_channel c);
bool medsec_channel_parse(const char *name, enum medsec_channel *out);
/* True for the channels a remote or adjacent attacker can send on, listen to or block: network,
 * wireless and field bus (the channels of the network-attack rules). */
bool medsec_channel_attackable(enum medsec_channel c);
/* The channel an interface of MDS2-style type @type ("wifi", "uart", "touchscreen" ...) uses; false
 * for a type that does not tell ("other", "api" behind an unknown transport). */
bool medsec_channel_of_interface_type(const char *type, enum medsec_channel *out);

/* A security property of an asset. */
enum medsec_property {
    MEDSEC_PROP_CONFIDENTIALITY = 0,
    MEDSEC_PROP_INTEGRITY,
    MEDSEC_PROP_AVAILABILITY,
    MEDSEC_PROP_COUNT
};
/* "confidentiality", "integrity", "availability". */
const char *medsec_property_name(enum medsec_property p);

/* Why a vulnerability does not affect the device (the VEX justifications: CycloneDX analysis
 * justification and OpenVEX status justification, in OpenVEX's words). */
enum medsec_vex_justification {
    MEDSEC_VEX_UNSTATED = 0,
    MEDSEC_VEX_COMPONENT_NOT_PRESENT,
    MEDSEC_VEX_CODE_NOT_PRESENT,
    MEDSEC_VEX_CODE_NOT_IN_EXECUTE_PATH,
    MEDSEC_VEX_CODE_CANNOT_BE_CONTROLLED,
    MEDSEC_VEX_INLINE_MITIGATIONS,
    MEDSEC_VEX_COUNT
};
/* "component_not_present", "vulnerable_code_not_present", "vulnerable_code_not_in_execute_path",
 * "vulnerable_code_cannot_be_controlled_by_adversary", "inline_mitigations_already_exist"; NULL for
 * UNSTATED. */
const char *medsec_vex_justification_name(enum medsec_vex_justification j);

/* One MDS2 (ANSI/NEMA HN 1-2019) capability with its meaning: the form's section title and what it
 * covers. A control may claim a code only for what that code covers (docs/security-file.md). */
struct medsec_capability_info {
    enum medsec_capability code;
    const char *title; /* the form's section title */
    const char *scope; /* what the code covers, in one sentence */
    unsigned fits;     /* MEDSEC_FIT_* bits: what a control with this code can protect */
};
enum {
    MEDSEC_FIT_DEVICE = 1u << 0,      /* the device as a whole: documentation, guidance, roadmaps */
    MEDSEC_FIT_SOFTWARE = 1u << 1,    /* software items: processes, operating systems, firmware */
    MEDSEC_FIT_HEALTH_DATA = 1u << 2, /* health data and PII: assets with phi, diagnosis or therapy
                                       * data, stores and flows that hold them */
    MEDSEC_FIT_TRANSPORT = 1u << 3,   /* flows and the interfaces they use */
    MEDSEC_FIT_NODE = 1u << 4, /* devices and systems that connect (interfaces, external systems) */
    MEDSEC_FIT_PERSON = 1u << 5,  /* people and their sessions: users, local UI */
    MEDSEC_FIT_STORAGE = 1u << 6, /* data stores */
    MEDSEC_FIT_UPDATE =
        1u << 7, /* software updates: update flows, firmware assets, the update agent */
    MEDSEC_FIT_PHYSICAL = 1u << 8,      /* hardware, enclosures, physical ports */
    MEDSEC_FIT_REMOTE_SERVICE = 1u << 9 /* remote service access */
};
/* The meaning of @c (NULL out of range). */
const struct medsec_capability_info *medsec_capability_info(enum medsec_capability c);

/*
 * The names of one list as a NULL-terminated array, index = enum value (for the vocabularies whose
 * first value is 0): for loaders and schema generators that check words against the list.
 */
extern const char *const medsec_element_kind_names[]; /* the three an item can be */
extern const char *const medsec_stride_names[];       /* from SPOOFING: index = value - 1 */
extern const char *const medsec_support_level_names[];
extern const char *const medsec_vuln_status_names[];
extern const char *const medsec_control_status_names[];
extern const char *const medsec_control_lowers_names[]; /* from EXPLOITABILITY: index = value - 1 */
extern const char *const medsec_capability_names[];
extern const char *const medsec_access_names[];
extern const char *const medsec_channel_names[];
extern const char *const medsec_property_names[];
extern const char
    *const medsec_vex_justification_names[]; /* from COMPONENT_NOT_PRESENT: value - 1 */

#ifdef __cplusplus
}
#endif
#endif
