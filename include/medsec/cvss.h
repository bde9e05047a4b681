/* medsec/cvss.h: parse, validate, score and print CVSS v2, v3.0, v3.1 and v4.0 vectors (FIRST). */
#ifndef MEDSEC_CVSS_H
#define MEDSEC_CVSS_H

#include <stdbool.h>
#include <stddef.h>

#include "medsec/error.h"

#ifdef __cplusplus
extern "C" {
#endif

enum medsec_cvss_version {
    MEDSEC_CVSS_V2 = 20,
    MEDSEC_CVSS_V30 = 30,
    MEDSEC_CVSS_V31 = 31,
    MEDSEC_CVSS_V40 = 40
};

/* The metric groups. v2/v3 call the second group "temporal", v4 calls it "threat". */
enum medsec_cvss_group {
    MEDSEC_CVSS_BASE,
    MEDSEC_CVSS_TEMPORAL,
    MEDSEC_CVSS_ENVIRONMENTAL,
    MEDSEC_CVSS_SUPPLEMENTAL /* v4 only: parsed and reported, never changes a score */
};

/* Longest vector medsec accepts (the longest valid v4.0 vector is about 230 characters). */
#define MEDSEC_CVSS_MAX_LEN 512
/* Most metrics any version defines (v4.0 has 32). */
#define MEDSEC_CVSS_MAX_METRICS 32

/* One metric of a version, in the specification's order. Static storage. */
struct medsec_cvss_metric {
    const char *abbr; /* "AV" */
    const char *name; /* "Attack Vector" */
    enum medsec_cvss_group group;
    bool mandatory;
    unsigned nvalues;
    const char *const *values; /* "N", "A", ...; the "not defined" value (X / ND) is listed too */
};

/* A parsed vector. Plain data, no heap: copy it freely. */
struct medsec_cvss {
    enum medsec_cvss_version version;
    /* per metric index (see medsec_cvss_metric()): index into its values, or -1 when not given */
    signed char value[MEDSEC_CVSS_MAX_METRICS];
    unsigned column[MEDSEC_CVSS_MAX_METRICS]; /* 1-based column of each given metric, 0 if absent */
};

/* Scores of a vector. Scores that a version does not define, or that are not computed, are -1. */
struct medsec_cvss_scores {
    /*
     * v2: base, temporal (only when a temporal metric is given), environmental (only when an
     *     environmental metric is given).
     * v3.x: all three, always (not-defined metrics weigh 1, as the specification says).
     * v4.0: base = CVSS-B (threat and environmental metrics ignored), temporal = CVSS-BT (when E is
     *     given), environmental = CVSS-BE or CVSS-BTE (when an environmental metric is given).
     */
    double base, temporal, environmental;
    /* The score of the vector as written: the most specific of the three above. */
    double overall;
    /* v4.0 only: the nomenclature of `overall` ("CVSS-B", "CVSS-BT", "CVSS-BE", "CVSS-BTE") and the
     * six-digit MacroVector of the full vector; empty strings for v2/v3. */
    char nomenclature[9];
    char macrovector[7];
};

/*
 * Parse and validate @vector (NUL-terminated). v3.x and v4.0 vectors start with "CVSS:3.0/",
 * "CVSS:3.1/" or "CVSS:4.0/"; a vector without a "CVSS:" prefix is read as v2. v2 and v3 metrics
 * may come in any order (as FIRST's JSON schemas allow); v4.0 metrics must follow the
 * specification's order. On failure @err names the offending metric, its 1-based column is in
 * err->column, err->file is empty: MEDSEC_EPARSE (syntax: empty metric, missing ':'), MEDSEC_EINVAL
 * (unknown or duplicate metric, bad value, wrong order, missing mandatory metric),
 * MEDSEC_EUNSUPPORTED (CVSS:x.y prefix of another version), MEDSEC_ETOOBIG (longer than
 * MEDSEC_CVSS_MAX_LEN).
 */
medsec_err medsec_cvss_parse(const char *vector, struct medsec_cvss *out, struct medsec_error *err)
    __attribute__((warn_unused_result));

/* Compute the scores of a parsed vector (never fails for a vector medsec_cvss_parse accepted). */
void medsec_cvss_score(const struct medsec_cvss *c, struct medsec_cvss_scores *s);

/* The qualitative severity rating of a score, lowest first (UNKNOWN: no score). */
enum medsec_cvss_severity {
    MEDSEC_CVSS_SEV_UNKNOWN = 0,
    MEDSEC_CVSS_SEV_NONE,
    MEDSEC_CVSS_SEV_LOW,
    MEDSEC_CVSS_SEV_MEDIUM,
    MEDSEC_CVSS_SEV_HIGH,
    MEDSEC_CVSS_SEV_CRITICAL
};

/*
 * Qualitative rating of @score: v3.x/v4.0 None (0.0), Low (0.1-3.9), Medium (4.0-6.9), High
 * (7.0-8.9), Critical (9.0-10.0); v2 (NVD's ranges) Low (0.0-3.9), Medium, High (7.0-10.0).
 * MEDSEC_CVSS_SEV_UNKNOWN for a negative score (not computed).
 */
enum medsec_cvss_severity medsec_cvss_severity(enum medsec_cvss_version v, double score);
/* "Unknown", "None", "Low", "Medium", "High", "Critical" (the specifications' words). */
const char *medsec_cvss_severity_name(enum medsec_cvss_severity s);

/*
 * Write the normalised vector into @buf (capacity @n, always NUL-terminated when @n > 0): the
 * prefix, then the given metrics in the specification's order, leaving out not-defined values (X,
 * ND). Returns the length the full text needs (like snprintf).
 */
size_t medsec_cvss_format(const struct medsec_cvss *c, char *buf, size_t n);

/* "2.0", "3.0", "3.1", "4.0". */
const char *medsec_cvss_version_name(enum medsec_cvss_version v);

/* The metrics of version @v in specification order: count, and the @i-th (NULL when out of range).
 */
unsigned medsec_cvss_metric_count(enum medsec_cvss_version v);
const struct medsec_cvss_metric *medsec_cvss_metric(enum medsec_cvss_version v, unsigned i);

/* The value of metric @abbr in @c ("N"), or NULL when the metric is unknown or not given. */
const char *medsec_cvss_get(const struct medsec_cvss *c, const char *abbr);

/* ---- MITRE "Rubric for Applying CVSS to Medical Devices" (docs/rubric.md) ---- */

#define MEDSEC_CVSS_RUBRIC_MAX_BYTES (256 * 1024)

/* One CVSS metric the rubric's answers set, with why: a v3.1 base metric, or a v4.0 base metric or
 * the v4.0 Safety supplemental metric. */
struct medsec_cvss_rubric_metric {
    char metric[3]; /* v3.1: "AV" "AC" "PR" "UI" "S" "C" "I" "A"; v4.0: "AV" "AC" "AT" "PR" "UI"
                     * "VC" "VI" "VA" "SC" "SI" "SA" "S" (Safety) */
    char value;     /* the value's letter: 'N', 'A', 'L', 'P', 'H', 'R', 'U', 'C'; 0 when the
                     * v4.0 flow could not decide it (see missing4) */
    char rationale[512]; /* the questions (with their ids) and answers that set it */
};

/* The name of a metric's value as the CVSS specification writes it: "Network", "Adjacent", "Low",
 * v4.0 "Present", "Passive", "Active", Safety "Negligible" ...; "?" for an undecided value. */
const char *medsec_cvss_rubric_value_name(const struct medsec_cvss_rubric_metric *m);

/* The v4.0 metrics the rubric sets: the eleven base metrics and Safety, in vector order. */
#define MEDSEC_CVSS_RUBRIC_V4_METRICS 12

/* The result of an answers file: plain data, no heap. */
struct medsec_cvss_rubric {
    char id[128];    /* optional `id` of the answers file, "" if absent */
    char title[256]; /* optional `title`, "" if absent */
    struct medsec_cvss_rubric_metric metrics[8]; /* in vector order AV AC PR UI S C I A */
    char vector[64]; /* "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H" */
    struct medsec_cvss cvss;
    double base; /* base score of `vector` */
    enum medsec_cvss_severity severity;

    /*
     * CVSS v4.0 from the same answers (docs/rubric.md): base metrics and the Safety supplemental
     * metric. Derived when every question the v4.0 flow reaches is answered; the questions medsec
     * adds for v4.0 (ids M4...) may be missing from an older answers file: then vector4 is "",
     * base4 is -1, severity4 is MEDSEC_CVSS_SEV_UNKNOWN and missing4 says which question is
     * missing and where ("FILE:LINE:COLUMN: message"); the v3.1 result above is complete anyway.
     */
    struct medsec_cvss_rubric_metric metrics4[MEDSEC_CVSS_RUBRIC_V4_METRICS]; /* AV AC AT PR UI VC
                                                                               * VI VA SC SI SA S */
    char vector4[96]; /* "CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:L/VI:H/VA:H/SC:N/SI:N/SA:N/S:P" */
    struct medsec_cvss cvss4;
    double base4; /* CVSS-B score of vector4 (Safety never changes it), -1 when not derived */
    enum medsec_cvss_severity severity4;
    char missing4[384]; /* why vector4 is not derived, "" when it is */
};

/*
 * Turn rubric answers (YAML text @text of @len bytes; @name is used in error positions) into a CVSS
 * v3.1 vector and a CVSS v4.0 vector (with Safety), each with a rationale per metric. Errors carry
 * file:line:column: MEDSEC_EPARSE (not YAML), MEDSEC_EINVAL (unknown key, bad answer, a question
 * the v3.1 decision flow needs is unanswered, answers that contradict each other), MEDSEC_ETOOBIG
 * (more than MEDSEC_CVSS_RUBRIC_MAX_BYTES), MEDSEC_ENOMEM.
 */
medsec_err medsec_cvss_rubric_parse(const char *text, size_t len, const char *name,
                                    struct medsec_cvss_rubric *out, struct medsec_error *err)
    __attribute__((warn_unused_result));
/* The same, reading the file at @path (MEDSEC_ENOTFOUND when it does not exist, MEDSEC_EIO when it
 * cannot be read). */
medsec_err medsec_cvss_rubric_load(const char *path, struct medsec_cvss_rubric *out,
                                   struct medsec_error *err) __attribute__((warn_unused_result));

#ifdef __cplusplus
}
#endif
#endif
