/* test_cvss.c: CVSS parsing, validation errors, scores of the specifications' examples, normalised
 * output, severity ratings, and the MITRE medical-device rubric answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "failalloc.h"
#include "medsec/cvss.h"

static struct medsec_cvss_scores score_of(const char *v)
{
    struct medsec_cvss c;
    struct medsec_error err;
    struct medsec_cvss_scores s;
    medsec_err rc = medsec_cvss_parse(v, &c, &err);
    if (rc != MEDSEC_OK)
        fail_msg("%s: %s", v, err.msg);
    medsec_cvss_score(&c, &s);
    return s;
}

/* Scores are compared in tenths. */
#define assert_score(got, want)                                                                    \
    assert_int_equal((long)((got)*10 + ((got) < 0 ? -0.5 : 0.5)),                                  \
                     (long)((want)*10 + ((want) < 0 ? -0.5 : 0.5)))

static void test_v31_examples(void **state)
{
    (void)state;
    struct medsec_cvss_scores s = score_of("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
    assert_score(s.base, 9.8);
    assert_score(s.temporal, 9.8);
    assert_score(s.environmental, 9.8);
    assert_score(s.overall, 9.8);
    s = score_of("CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:L/I:H/A:H");
    assert_score(s.base, 8.3);
    s = score_of("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H");
    assert_score(s.base, 10.0);
    s = score_of("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N");
    assert_score(s.base, 0.0);
    /* temporal metrics lower the temporal score only */
    s = score_of("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:U");
    assert_score(s.base, 9.8);
    assert_score(s.temporal, 7.8);
    assert_score(s.overall, 7.8);
}

static void test_v30_differs_from_v31(void **state)
{
    (void)state;
    /* the modified impact of a changed scope differs between 3.0 and 3.1 (values from the Red Hat
     * test vectors, computed independently of medsec) */
    struct medsec_cvss_scores a = score_of("CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H");
    struct medsec_cvss_scores b = score_of("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H");
    assert_score(a.base, 9.9);
    assert_score(b.base, 9.9);
    assert_score(a.environmental, 9.9);
    assert_score(b.environmental, 10.0);
}

static void test_v2_examples(void **state)
{
    (void)state;
    /* the v2 guide's CVE-2002-0392 example: base 7.8, temporal 6.4, environmental
     * (CDP:H/TD:H/CR/IR:M, AR:H) 9.2 */
    struct medsec_cvss_scores s =
        score_of("AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F/RL:OF/RC:C/CDP:H/TD:H/CR:M/IR:M/AR:H");
    assert_score(s.base, 7.8);
    assert_score(s.temporal, 6.4);
    assert_score(s.environmental, 9.2);
    /* without temporal or environmental metrics, those scores are not computed */
    s = score_of("AV:N/AC:L/Au:N/C:P/I:P/A:P");
    assert_score(s.base, 7.5);
    assert_true(s.temporal < 0);
    assert_true(s.environmental < 0);
    s = score_of("AV:L/AC:H/Au:M/C:N/I:N/A:N");
    assert_score(s.base, 0.0);
    assert_int_equal(medsec_cvss_severity(MEDSEC_CVSS_V2, s.base), MEDSEC_CVSS_SEV_LOW);
    /* the adjusted base equation goes below zero (impact 10.41 x 0.275 x 0.5 = 1.43, exploitability
     * 1.24: (0.86 + 0.50 - 1.5) x 1.176 = -0.2) and no collateral damage lifts it: the
     * environmental score is 0.0, a score, not undefined */
    s = score_of("AV:L/AC:H/Au:M/C:P/I:N/A:N/CDP:N/TD:H/CR:L/IR:L/AR:L");
    assert_score(s.base, 0.8);
    assert_true(s.environmental == 0.0);
    assert_score(s.overall, 0.0);
    /* ND is "skip this metric": a group given only as ND has no score of its own */
    s = score_of("AV:N/AC:L/Au:N/C:P/I:P/A:P/E:ND");
    assert_true(s.temporal < 0);
    assert_score(s.overall, 7.5);
    s = score_of("AV:N/AC:L/Au:N/C:P/I:P/A:P/E:ND/RL:ND/RC:ND/CDP:ND/TD:ND/CR:ND/IR:ND/AR:ND");
    assert_true(s.temporal < 0);
    assert_true(s.environmental < 0);
    s = score_of("AV:N/AC:L/Au:N/C:P/I:P/A:P/E:ND/RL:OF");
    assert_score(s.temporal, 6.5); /* 7.5 x 0.87 = 6.525 */
    /* the guide fixes the metric order (base, temporal, environmental, each as listed) */
    struct medsec_cvss c;
    struct medsec_error err;
    assert_int_equal(medsec_cvss_parse("AC:L/AV:N/Au:N/C:P/I:P/A:P", &c, &err), MEDSEC_EINVAL);
    assert_non_null(strstr(err.msg, "'AV' out of order"));
    assert_int_equal(medsec_cvss_parse("AV:N/AC:L/Au:N/C:P/I:P/A:P/RL:OF/E:F", &c, &err),
                     MEDSEC_EINVAL);
    assert_int_equal(err.column, 34);
}

static void test_v4_examples(void **state)
{
    (void)state;
    struct medsec_cvss_scores s =
        score_of("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N");
    assert_score(s.overall, 9.3);
    assert_string_equal(s.nomenclature, "CVSS-B");
    assert_string_equal(s.macrovector, "000200");
    s = score_of("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N");
    assert_score(s.overall, 6.9);
    /* no impact at all scores 0 */
    s = score_of("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N");
    assert_score(s.overall, 0.0);
    /* threat: E:U lowers it; base stays */
    s = score_of("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U");
    assert_score(s.base, 9.3);
    assert_true(s.temporal < 9.3 && s.temporal > 0);
    assert_score(s.overall, s.temporal);
    assert_string_equal(s.nomenclature, "CVSS-BT");
    assert_true(s.environmental < 0);
    /* supplemental metrics never change the score */
    struct medsec_cvss_scores t = score_of(
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U/S:P/AU:Y/R:I/V:C/RE:H/U:Red");
    assert_score(t.overall, s.overall);
    assert_string_equal(t.nomenclature, "CVSS-BT");
    /* environmental: MSI:S (safety) raises the subsequent system impact to EQ4 = 0 */
    s = score_of("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSI:S");
    assert_string_equal(s.nomenclature, "CVSS-BE");
    assert_string_equal(s.macrovector, "000000");
    assert_score(s.environmental, 10.0);
    assert_score(s.base, 9.3);
}

static void expect_error(const char *v, medsec_err code, unsigned col, const char *needle)
{
    struct medsec_cvss c;
    struct medsec_error err;
    medsec_err rc = medsec_cvss_parse(v, &c, &err);
    if (rc != code || err.column != col || !strstr(err.msg, needle))
        fail_msg("%s: got %d col %u '%s', want %d col %u containing '%s'", v, rc, err.column,
                 err.msg, code, col, needle);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("", MEDSEC_EPARSE, 1, "empty vector");
    expect_error("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Q", MEDSEC_EINVAL, 42, "'A'");
    expect_error("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", MEDSEC_EINVAL, 41,
                 "missing mandatory metric 'A'");
    expect_error("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", MEDSEC_EINVAL, 15,
                 "duplicate metric 'AV'");
    expect_error("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XY:Z", MEDSEC_EINVAL, 46,
                 "unknown metric 'XY'");
    expect_error("CVSS:3.1/AV:N//AC:L", MEDSEC_EPARSE, 15, "empty metric");
    expect_error("CVSS:3.1/AV:N/", MEDSEC_EPARSE, 15, "trailing");
    expect_error("CVSS:3.1/AVN", MEDSEC_EPARSE, 10, "'AVN'");
    expect_error("CVSS:3.1/AV:", MEDSEC_EINVAL, 10, "missing value for metric 'AV'");
    expect_error("CVSS:3.2/AV:N", MEDSEC_EUNSUPPORTED, 6, "'3.2'");
    expect_error("CVSS:3.1", MEDSEC_EINVAL, 9, "no metrics");
    /* v4 demands the specification's order; v3 does not */
    expect_error("CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", MEDSEC_EINVAL,
                 15, "'AV' out of order");
    expect_error("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSC:S",
                 MEDSEC_EINVAL, 65, "bad value 'S' for metric 'MSC'");
    expect_error("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N", MEDSEC_EINVAL,
                 55, "'SI'");
    /* metric names are case-sensitive */
    expect_error("av:N/AC:L/Au:N/C:P/I:P/A:P", MEDSEC_EINVAL, 1, "unknown metric 'av'");
    char long_vector[MEDSEC_CVSS_MAX_LEN + 8];
    memset(long_vector, 'A', sizeof long_vector - 1);
    long_vector[sizeof long_vector - 1] = '\0';
    expect_error(long_vector, MEDSEC_ETOOBIG, 1, "longer than");
}

static void test_format(void **state)
{
    (void)state;
    struct medsec_cvss c;
    struct medsec_error err;
    char buf[MEDSEC_CVSS_MAX_LEN];
    assert_int_equal(
        medsec_cvss_parse("CVSS:3.0/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X", &c, &err),
        MEDSEC_OK);
    size_t n = medsec_cvss_format(&c, buf, sizeof buf);
    assert_string_equal(buf, "CVSS:3.0/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:N/E:F");
    assert_int_equal(n, strlen(buf));
    assert_string_equal(medsec_cvss_get(&c, "E"), "F");
    assert_string_equal(medsec_cvss_get(&c, "RL"), "X");
    assert_null(medsec_cvss_get(&c, "RC"));
    assert_null(medsec_cvss_get(&c, "nope"));
    /* a short buffer is truncated but the needed length is returned */
    char small[12];
    assert_int_equal(medsec_cvss_format(&c, small, sizeof small), n);
    assert_string_equal(small, "CVSS:3.0/AV");
    assert_int_equal(medsec_cvss_parse("AV:N/AC:L/Au:N/C:P/I:P/A:P/E:ND/RL:OF", &c, &err),
                     MEDSEC_OK);
    medsec_cvss_format(&c, buf, sizeof buf);
    assert_string_equal(buf, "AV:N/AC:L/Au:N/C:P/I:P/A:P/RL:OF");
    assert_int_equal(medsec_cvss_metric_count(MEDSEC_CVSS_V40), 32);
    assert_string_equal(medsec_cvss_metric(MEDSEC_CVSS_V40, 31)->abbr, "U");
    assert_int_equal(medsec_cvss_metric(MEDSEC_CVSS_V40, 31)->group, MEDSEC_CVSS_SUPPLEMENTAL);
    assert_null(medsec_cvss_metric(MEDSEC_CVSS_V40, 32));
}

static void test_severity(void **state)
{
    (void)state;
    static const struct {
        double s;
        const char *v3, *v2;
    } cases[] = {{0.0, "None", "Low"},      {0.1, "Low", "Low"},       {3.9, "Low", "Low"},
                 {4.0, "Medium", "Medium"}, {6.9, "Medium", "Medium"}, {7.0, "High", "High"},
                 {8.9, "High", "High"},     {9.0, "Critical", "High"}, {10.0, "Critical", "High"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_string_equal(
            medsec_cvss_severity_name(medsec_cvss_severity(MEDSEC_CVSS_V31, cases[i].s)),
            cases[i].v3);
        assert_string_equal(
            medsec_cvss_severity_name(medsec_cvss_severity(MEDSEC_CVSS_V40, cases[i].s)),
            cases[i].v3);
        assert_string_equal(
            medsec_cvss_severity_name(medsec_cvss_severity(MEDSEC_CVSS_V2, cases[i].s)),
            cases[i].v2);
    }
    assert_int_equal(medsec_cvss_severity(MEDSEC_CVSS_V31, -1), MEDSEC_CVSS_SEV_UNKNOWN);
    assert_string_equal(medsec_cvss_severity_name(MEDSEC_CVSS_SEV_UNKNOWN), "Unknown");
}

/* ---- rubric ---- */

static const char rubric_ok[] =
    "rubric: mitre-medical-device-cvss\n"
    "id: V-1\n"
    "attack_vector:\n"
    "  routed_network: no\n"
    "  adjacent_network: no\n"
    "  wireless: no\n"
    "  local_access: no\n"
    "  physical_access: yes\n"
    "attack_complexity: {specialized_conditions: yes}\n"
    "privileges_required:\n"
    "  authentication_required: yes\n"
    "  credentials_easily_obtained: no\n"
    "  administrative_privileges: yes\n"
    "user_interaction: {user_action_required: yes}\n"
    "scope: {impacts_other_components: yes}\n"
    "impact:\n"
    "  phi: {confidentiality: high, integrity: none, availability: none}\n"
    "  diagnosis_monitoring: {confidentiality: none, integrity: low, availability: none}\n"
    "  therapy_delivery: {confidentiality: none, integrity: none, availability: none}\n"
    "  clinical_workflow: {confidentiality: none, integrity: none, availability: low}\n"
    "  secrets: {confidentiality: low, integrity: none, availability: none}\n";

static void test_rubric_flow(void **state)
{
    (void)state;
    struct medsec_cvss_rubric r;
    struct medsec_error err;
    assert_int_equal(medsec_cvss_rubric_parse(rubric_ok, strlen(rubric_ok), "a.yaml", &r, &err),
                     MEDSEC_OK);
    assert_string_equal(r.vector, "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:C/C:H/I:L/A:L");
    assert_string_equal(r.id, "V-1");
    assert_string_equal(r.metrics[0].rationale,
                        "XAVN routed_network=no; XAVT adjacent_network=no; XAVW wireless=no; XAVR "
                        "local_access=no; XAVP physical_access=yes");
    assert_string_equal(r.metrics[2].rationale,
                        "XPRL authentication_required=yes; XPRS "
                        "credentials_easily_obtained=no; XPRZ administrative_privileges=yes");
    assert_non_null(strstr(r.metrics[5].rationale, "XCP phi=high"));
    struct medsec_cvss_scores s = score_of(r.vector);
    assert_score(r.base, s.base);
    assert_int_equal(r.severity, medsec_cvss_severity(MEDSEC_CVSS_V31, s.base));
}

/* Quoted keys and answers read as their plain forms (decoded by medsec, not libfyaml). */
static void test_rubric_quoted(void **state)
{
    (void)state;
    char text[2048];
    snprintf(text, sizeof text, "%s", rubric_ok);
    const char *from = "  physical_access: yes\n";
    char *p = strstr(text, from);
    assert_non_null(p);
    char rest[2048];
    snprintf(rest, sizeof rest, "%s", p + strlen(from));
    snprintf(p, sizeof text - (size_t)(p - text), "  'physical_access': \"yes\"\n%s", rest);
    p = strstr(text, "id: V-1");
    assert_non_null(p);
    memcpy(p, "id: '1'", 7); /* same length: '1' is the id */
    struct medsec_cvss_rubric r;
    struct medsec_error err;
    assert_int_equal(medsec_cvss_rubric_parse(text, strlen(text), "q.yaml", &r, &err), MEDSEC_OK);
    assert_string_equal(r.vector, "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:C/C:H/I:L/A:L");
    assert_string_equal(r.id, "1");
}

/* Replace the first @from in rubric_ok with @to and expect an error at @line:@col containing
 * @needle. */
static void expect_rubric_error(const char *from, const char *to, medsec_err code, unsigned line,
                                unsigned col, const char *needle)
{
    char text[2048];
    const char *p = strstr(rubric_ok, from);
    assert_non_null(p);
    snprintf(text, sizeof text, "%.*s%s%s", (int)(p - rubric_ok), rubric_ok, to, p + strlen(from));
    struct medsec_cvss_rubric r;
    struct medsec_error err;
    medsec_err rc = medsec_cvss_rubric_parse(text, strlen(text), "a.yaml", &r, &err);
    if (rc != code || err.line != line || err.column != col || !strstr(err.msg, needle) ||
        strcmp(err.file, "a.yaml") != 0)
        fail_msg("got %d %s:%u:%u '%s', want %d %u:%u containing '%s'", rc, err.file, err.line,
                 err.column, err.msg, code, line, col, needle);
}

static void test_rubric_errors(void **state)
{
    (void)state;
    expect_rubric_error("physical_access: yes", "physical_access: perhaps", MEDSEC_EINVAL, 8, 20,
                        "not yes or no");
    expect_rubric_error("physical_access: yes", "physical_access: no", MEDSEC_EINVAL, 3, 1,
                        "every question is answered no");
    expect_rubric_error("  credentials_easily_obtained: no\n", "", MEDSEC_EINVAL, 10, 1,
                        "'credentials_easily_obtained' (XPRS) is not answered");
    expect_rubric_error("  wireless: no\n", "  wireles: no\n", MEDSEC_EINVAL, 6, 3,
                        "unknown question 'wireles'");
    expect_rubric_error("integrity: low", "integrity: medium", MEDSEC_EINVAL, 18, 60,
                        "not high, low or none");
    expect_rubric_error("  secrets: {confidentiality: low, integrity: none, availability: none}\n",
                        "", MEDSEC_EINVAL, 16, 1, "'secrets' is not answered");
    expect_rubric_error("id: V-1", "idx: V-1", MEDSEC_EINVAL, 2, 1, "unknown key 'idx'");
    expect_rubric_error("rubric: mitre-medical-device-cvss", "rubric: other", MEDSEC_EINVAL, 1, 9,
                        "'other'");
    expect_rubric_error("scope: {", "scope: [", MEDSEC_EPARSE, 15, 38, "YAML");
}

static void test_rubric_file(void **state)
{
    (void)state;
    struct medsec_cvss_rubric r;
    struct medsec_error err;
    assert_int_equal(medsec_cvss_rubric_load("/nonexistent/answers.yaml", &r, &err),
                     MEDSEC_ENOTFOUND);
    char path[] = "/tmp/medsec-rubric-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(rubric_ok, f);
    fclose(f);
    /* every allocation failure of the file read is reported, never crashes or leaks */
    for (long n = 0; n < 4; n++) {
        failalloc_arm(n);
        medsec_err rc = medsec_cvss_rubric_load(path, &r, &err);
        failalloc_disarm();
        assert_true(rc == MEDSEC_OK || rc == MEDSEC_ENOMEM);
    }
    assert_int_equal(medsec_cvss_rubric_load(path, &r, &err), MEDSEC_OK);
    assert_string_equal(r.vector, "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:C/C:H/I:L/A:L");
    remove(path);
}

/* ---- rubric: CVSS 4.0 and the separation of the metrics ---- */

/* One combination of the answers that decide AC/AT, PR, UI, scope and Safety: bit i of a mask. */
enum {
    B_XACL, /* attack_complexity.specialized_conditions */
    B_M4AT, /* attack_complexity.deployment_conditions */
    B_M4AC, /* attack_complexity.defeat_protections */
    B_XPRL, /* privileges_required.authentication_required */
    B_XPRS, /* privileges_required.credentials_easily_obtained */
    B_XPRZ, /* privileges_required.administrative_privileges */
    B_XUI,  /* user_interaction.user_action_required */
    B_M4UI, /* user_interaction.deliberate_action */
    B_XS,   /* scope.impacts_other_components */
    B_SUB,  /* therapy_delivery's impact lands on a subsequent system (with a scope change) */
    B_HARM, /* therapy_delivery integrity high (else low) */
    NBITS
};
#define BIT(m, b) (((m) >> (b)) & 1u)
#define YN(m, b) (BIT(m, b) ? "yes" : "no")

/* The answers file of combination @m. Every question is written, also those the flow does not
 * reach. phi (C low) is on the vulnerable system; clinical_workflow (A low) on a subsequent system
 * when the scope changes, so that every combination of scope answers is consistent. */
static void combo_text(unsigned m, char *buf, size_t n)
{
    bool xs = BIT(m, B_XS);
    snprintf(
        buf, n,
        "attack_vector: {routed_network: no, adjacent_network: yes}\n"
        "attack_complexity: {specialized_conditions: %s, deployment_conditions: %s, "
        "defeat_protections: %s}\n"
        "privileges_required: {authentication_required: %s, credentials_easily_obtained: %s, "
        "administrative_privileges: %s}\n"
        "user_interaction: {user_action_required: %s, deliberate_action: %s}\n"
        "scope: {impacts_other_components: %s}\n"
        "impact:\n"
        "  phi: {confidentiality: low, integrity: none, availability: none, system: "
        "vulnerable}\n"
        "  diagnosis_monitoring: {confidentiality: none, integrity: none, availability: none}\n"
        "  therapy_delivery: {confidentiality: none, integrity: %s, availability: none, "
        "system: %s}\n"
        "  clinical_workflow: {confidentiality: none, integrity: none, availability: low, "
        "system: %s}\n"
        "  secrets: {confidentiality: none, integrity: none, availability: none}\n",
        YN(m, B_XACL), YN(m, B_M4AT), YN(m, B_M4AC), YN(m, B_XPRL), YN(m, B_XPRS), YN(m, B_XPRZ),
        YN(m, B_XUI), YN(m, B_M4UI), YN(m, B_XS), BIT(m, B_HARM) ? "high" : "low",
        xs && BIT(m, B_SUB) ? "subsequent" : "vulnerable", xs ? "subsequent" : "vulnerable");
}

/* The specification's value for each metric of combination @m, worked out here independently of
 * rubric.c: v3.1 AV AC PR UI S C I A, then v4.0 AV AC AT PR UI VC VI VA SC SI SA S. */
static void combo_expect(unsigned m, char v31[8], char v4[12])
{
    bool xacl = BIT(m, B_XACL), xui = BIT(m, B_XUI), xs = BIT(m, B_XS);
    bool therapy_sub = xs && BIT(m, B_SUB);
    char pr = !BIT(m, B_XPRL) ? 'N' : BIT(m, B_XPRS) ? 'N' : BIT(m, B_XPRZ) ? 'H' : 'L';
    char therapy_i = BIT(m, B_HARM) ? 'H' : 'L';
    const char a[8] = {'A', xacl ? 'H' : 'L', pr, xui ? 'R' : 'N', xs ? 'C' : 'U',
                       'L', therapy_i,        'L'};
    const char b[12] = {'A',
                        xacl && BIT(m, B_M4AC) ? 'H' : 'L',
                        xacl && BIT(m, B_M4AT) ? 'P' : 'N',
                        pr,
                        !xui             ? 'N'
                        : BIT(m, B_M4UI) ? 'A'
                                         : 'P',
                        'L',
                        therapy_sub ? 'N' : therapy_i,
                        xs ? 'N' : 'L',
                        'N',
                        therapy_sub ? therapy_i : 'N',
                        xs ? 'L' : 'N',
                        BIT(m, B_HARM) ? 'P' : 'N'};
    memcpy(v31, a, sizeof a);
    memcpy(v4, b, sizeof b);
}

/* A v4.0 follow-up answered yes after its parent question is answered no is a contradiction. */
static bool combo_valid(unsigned m)
{
    return (BIT(m, B_XACL) || (!BIT(m, B_M4AT) && !BIT(m, B_M4AC))) &&
           (BIT(m, B_XUI) || !BIT(m, B_M4UI));
}

/* Which answers may change each metric: v3.1 metrics 0-7, v4.0 metrics 8-19. */
static const unsigned metric_deps[20] = {
    0, /* AV */
    1u << B_XACL,
    1u << B_XPRL | 1u << B_XPRS | 1u << B_XPRZ,
    1u << B_XUI,
    1u << B_XS,
    0,            /* C: phi */
    1u << B_HARM, /* I */
    0,            /* A: clinical_workflow */
    0,            /* AV */
    1u << B_XACL | 1u << B_M4AC,
    1u << B_XACL | 1u << B_M4AT,
    1u << B_XPRL | 1u << B_XPRS | 1u << B_XPRZ,
    1u << B_XUI | 1u << B_M4UI,
    0,                                       /* VC: phi */
    1u << B_XS | 1u << B_SUB | 1u << B_HARM, /* VI */
    1u << B_XS,                              /* VA */
    0,                                       /* SC */
    1u << B_XS | 1u << B_SUB | 1u << B_HARM, /* SI */
    1u << B_XS,                              /* SA */
    1u << B_HARM,                            /* S (Safety) */
};

/*
 * Over every combination of the AC, AT, PR, UI, scope and Safety answers: each metric has the value
 * the specifications give, both vectors parse and score as the rubric reports, contradictions are
 * errors at the contradicting answer, and flipping one answer never changes a metric that answer
 * does not decide (an AC answer never moves PR or UI, and so on).
 */
static void test_rubric_metrics_separate(void **state)
{
    (void)state;
    static char got[1u << NBITS][20];
    static bool ok[1u << NBITS];
    for (unsigned m = 0; m < 1u << NBITS; m++) {
        char text[2048], v31[8], v4[12];
        combo_text(m, text, sizeof text);
        struct medsec_cvss_rubric r;
        struct medsec_error err;
        medsec_err rc = medsec_cvss_rubric_parse(text, strlen(text), "c.yaml", &r, &err);
        ok[m] = rc == MEDSEC_OK;
        if (!combo_valid(m)) {
            if (rc != MEDSEC_EINVAL || !strstr(err.msg, "contradicts"))
                fail_msg("combination %#x: got %d '%s', want a contradiction", m, rc, err.msg);
            continue;
        }
        if (rc != MEDSEC_OK)
            fail_msg("combination %#x: %s", m, err.msg);
        combo_expect(m, v31, v4);
        char want31[64], want4[96];
        snprintf(want31, sizeof want31, "CVSS:3.1/AV:%c/AC:%c/PR:%c/UI:%c/S:%c/C:%c/I:%c/A:%c",
                 v31[0], v31[1], v31[2], v31[3], v31[4], v31[5], v31[6], v31[7]);
        snprintf(want4, sizeof want4,
                 "CVSS:4.0/AV:%c/AC:%c/AT:%c/PR:%c/UI:%c/VC:%c/VI:%c/VA:%c/SC:%c/SI:%c/SA:%c/S:%c",
                 v4[0], v4[1], v4[2], v4[3], v4[4], v4[5], v4[6], v4[7], v4[8], v4[9], v4[10],
                 v4[11]);
        assert_string_equal(r.vector, want31);
        assert_string_equal(r.vector4, want4);
        assert_string_equal(r.missing4, "");
        struct medsec_cvss_scores s = score_of(r.vector4);
        assert_score(r.base4, s.base);
        assert_int_equal(r.severity4, medsec_cvss_severity(MEDSEC_CVSS_V40, s.base));
        assert_int_equal(r.cvss4.version, MEDSEC_CVSS_V40);
        for (int i = 0; i < 8; i++)
            got[m][i] = r.metrics[i].value;
        for (int i = 0; i < MEDSEC_CVSS_RUBRIC_V4_METRICS; i++) {
            got[m][8 + i] = r.metrics4[i].value;
            assert_true(r.metrics4[i].rationale[0] != '\0');
        }
    }
    unsigned pairs = 0;
    for (unsigned m = 0; m < 1u << NBITS; m++)
        for (unsigned b = 0; b < NBITS; b++) {
            unsigned f = m ^ (1u << b);
            if (!ok[m] || !ok[f])
                continue;
            pairs++;
            for (int i = 0; i < 20; i++)
                if (!(metric_deps[i] & (1u << b)) && got[m][i] != got[f][i])
                    fail_msg("flipping answer %u of %#x changes metric %d (%c -> %c)", b, m, i,
                             got[m][i], got[f][i]);
        }
    /* every consistent flip was compared: 960 consistent combinations (5 of 8 AC triples, 3 of 4
     * UI pairs), 6 free answers each, 10 consistent AC flips per UI pair and other answers (3 x
     * 64), 4 consistent UI flips per AC triple and other answers (5 x 64) */
    assert_int_equal(pairs, 960 * 6 + 10 * 3 * 64 + 4 * 5 * 64);
}

/* Answers written before the v4.0 questions existed: the v3.1 result is unchanged, the v4.0 vector
 * is not derived and the first missing question is named with its position. */
static void test_rubric_v4_missing(void **state)
{
    (void)state;
    struct medsec_cvss_rubric r;
    struct medsec_error err;
    assert_int_equal(medsec_cvss_rubric_parse(rubric_ok, strlen(rubric_ok), "a.yaml", &r, &err),
                     MEDSEC_OK);
    assert_string_equal(r.vector, "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:C/C:H/I:L/A:L");
    assert_string_equal(r.vector4, "");
    assert_score(r.base4, -1);
    assert_int_equal(r.severity4, MEDSEC_CVSS_SEV_UNKNOWN);
    assert_string_equal(r.missing4,
                        "a.yaml:9:1: attack_complexity: question 'deployment_conditions' (M4AT) is "
                        "not answered; CVSS 4.0 asks it when specialized_conditions is yes");
    assert_int_equal(r.metrics4[1].value, 0); /* AC undecided */
    assert_int_equal(r.metrics4[3].value, 'H');
    assert_int_equal(r.metrics4[11].value, 'N'); /* Safety needs no new question */

    /* the AC questions answered: the next gap is UI's, then each function's system */
    char text[2048];
    snprintf(text, sizeof text, "%s", rubric_ok);
    char *p = strstr(text, "{specialized_conditions: yes}");
    assert_non_null(p);
    char rest[2048];
    snprintf(rest, sizeof rest, "%s", p + strlen("{specialized_conditions: yes}"));
    snprintf(p, sizeof text - (size_t)(p - text),
             "{specialized_conditions: yes, deployment_conditions: no, defeat_protections: yes}%s",
             rest);
    assert_int_equal(medsec_cvss_rubric_parse(text, strlen(text), "a.yaml", &r, &err), MEDSEC_OK);
    assert_non_null(strstr(r.missing4, "a.yaml:14:1: user_interaction: question "
                                       "'deliberate_action' (M4UI) is not answered"));
    assert_int_equal(r.metrics4[1].value, 'H');
    assert_int_equal(r.metrics4[2].value, 'N');
    assert_string_equal(r.metrics4[1].rationale,
                        "XACL specialized_conditions=yes; M4AC defeat_protections=yes");
    p = strstr(text, "{user_action_required: yes}");
    assert_non_null(p);
    snprintf(rest, sizeof rest, "%s", p + strlen("{user_action_required: yes}"));
    snprintf(p, sizeof text - (size_t)(p - text),
             "{user_action_required: yes, deliberate_action: yes}%s", rest);
    assert_int_equal(medsec_cvss_rubric_parse(text, strlen(text), "a.yaml", &r, &err), MEDSEC_OK);
    assert_non_null(strstr(r.missing4, "a.yaml:17:3: impact.phi: question 'system' (M4SYS)"));
    assert_int_equal(r.metrics4[4].value, 'A');
    assert_string_equal(r.vector4, "");
}

/* A scope change: each function's impact on its own side; the v3.1 C/I/A keep the highest of all.
 */
static void test_rubric_v4_scope(void **state)
{
    (void)state;
    static const char text[] =
        "attack_vector: {routed_network: yes}\n"
        "attack_complexity: {specialized_conditions: no}\n"
        "privileges_required: {authentication_required: no}\n"
        "user_interaction: {user_action_required: no}\n"
        "scope: {impacts_other_components: yes}\n"
        "impact:\n"
        "  phi: {confidentiality: low, integrity: none, availability: none, system: both}\n"
        "  diagnosis_monitoring: {confidentiality: none, integrity: none, availability: none}\n"
        "  therapy_delivery: {confidentiality: none, integrity: high, availability: high, system: "
        "subsequent}\n"
        "  clinical_workflow: {confidentiality: none, integrity: none, availability: none}\n"
        "  secrets: {confidentiality: high, integrity: high, availability: none, system: "
        "vulnerable}\n";
    struct medsec_cvss_rubric r;
    struct medsec_error err;
    assert_int_equal(medsec_cvss_rubric_parse(text, strlen(text), "s.yaml", &r, &err), MEDSEC_OK);
    assert_string_equal(r.vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H");
    /* a gateway whose keys are taken (vulnerable system) and the pump it drives (subsequent) */
    assert_string_equal(r.vector4,
                        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:L/SI:H/SA:H/S:P");
    assert_string_equal(r.metrics4[5].rationale,
                        "XCP phi=low; XCD diagnosis_monitoring=none; XCT therapy_delivery=none; "
                        "XCW clinical_workflow=none; XCS secrets=high (highest across functions on "
                        "the vulnerable system)");
    assert_string_equal(
        r.metrics4[9].rationale,
        "XS impacts_other_components=yes; XIP phi=none; XID diagnosis_monitoring=none; "
        "XIT therapy_delivery=high; XIW clinical_workflow=none (highest across functions on "
        "subsequent systems)"); /* secrets' integrity impact is on the vulnerable system */
    assert_string_equal(
        r.metrics4[11].rationale,
        "XID diagnosis_monitoring=none; XAD diagnosis_monitoring=none; XIT "
        "therapy_delivery=high; XAT therapy_delivery=high (Present: a high integrity "
        "or availability impact on therapy or diagnosis)");
    struct medsec_cvss_scores s = score_of(r.vector4);
    assert_score(r.base4, s.base);
    /* the same answers without a scope change: system subsequent contradicts it */
    char t2[2048];
    snprintf(t2, sizeof t2, "%s", text);
    char *p = strstr(t2, "other_components: yes");
    assert_non_null(p);
    memcpy(p, "other_components: no ", 21);
    medsec_err rc = medsec_cvss_rubric_parse(t2, strlen(t2), "s.yaml", &r, &err);
    assert_int_equal(rc, MEDSEC_EINVAL);
    assert_int_equal(err.line, 7);
    assert_int_equal(err.column, 76);
    assert_non_null(strstr(err.msg, "impact.phi.system: both contradicts "
                                    "scope.impacts_other_components: no"));
}

/* Errors of the v4.0 questions, at the answer that is wrong. */
static void test_rubric_v4_errors(void **state)
{
    (void)state;
    char text[2048];
    combo_text(1u << B_XACL | 1u << B_XUI, text, sizeof text);
    struct {
        const char *from, *to;
        unsigned line, col;
        const char *needle;
    } cases[] = {
        {"specialized_conditions: yes, deployment_conditions: no",
         "specialized_conditions: no, deployment_conditions: yes", 2, 72,
         "attack_complexity.deployment_conditions: yes contradicts specialized_conditions: no"},
        {"defeat_protections: no", "defeat_protections: maybe", 2, 97, "not yes or no"},
        {"user_action_required: yes, deliberate_action: no",
         "user_action_required: no, deliberate_action: yes", 4, 65,
         "user_interaction.deliberate_action: yes contradicts user_action_required: no"},
        {"impacts_other_components: no", "impacts_other_components: yes", 5, 35,
         "no clinical function with an impact is on a subsequent system"},
        {"system: vulnerable}", "system: elsewhere}", 7, 76, "not vulnerable, subsequent or both"},
        {"system: vulnerable}", "sytem: vulnerable}", 7, 68,
         "unknown key 'sytem' (expected confidentiality, integrity, availability, system)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char t[2048];
        const char *p = strstr(text, cases[i].from);
        assert_non_null(p);
        snprintf(t, sizeof t, "%.*s%s%s", (int)(p - text), text, cases[i].to,
                 p + strlen(cases[i].from));
        struct medsec_cvss_rubric r;
        struct medsec_error err;
        medsec_err rc = medsec_cvss_rubric_parse(t, strlen(t), "e.yaml", &r, &err);
        if (rc != MEDSEC_EINVAL || err.line != cases[i].line || err.column != cases[i].col ||
            !strstr(err.msg, cases[i].needle))
            fail_msg("case %zu: got %d %u:%u '%s', want %u:%u containing '%s'", i, rc, err.line,
                     err.column, err.msg, cases[i].line, cases[i].col, cases[i].needle);
    }
}

/* The value names of both versions' letters. */
static void test_rubric_value_names(void **state)
{
    (void)state;
    static const struct {
        const char *metric;
        char value;
        const char *name;
    } cases[] = {
        {"AV", 'N', "Network"},  {"AV", 'A', "Adjacent"}, {"AV", 'P', "Physical"},
        {"AC", 'L', "Low"},      {"AT", 'P', "Present"},  {"AT", 'N', "None"},
        {"UI", 'R', "Required"}, {"UI", 'P', "Passive"},  {"UI", 'A', "Active"},
        {"S", 'U', "Unchanged"}, {"S", 'C', "Changed"},   {"S", 'N', "Negligible"},
        {"S", 'P', "Present"},   {"SC", 'N', "None"},     {"VI", 'H', "High"},
        {"UI", 0, "?"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct medsec_cvss_rubric_metric m = {{0}, cases[i].value, ""};
        snprintf(m.metric, sizeof m.metric, "%s", cases[i].metric);
        assert_string_equal(medsec_cvss_rubric_value_name(&m), cases[i].name);
    }
}

/* The example answer files (docs/rubric.md, "The examples"): both vectors and scores. The v4.0
 * scores were worked out by hand from the specification's MacroVector table and distances; the
 * reasoning is in docs/rubric.md. */
static void test_rubric_examples(void **state)
{
    (void)state;
    static const struct {
        const char *path, *v31;
        double b31;
        const char *v4;
        double b4;
        enum medsec_cvss_severity sev4;
    } cases[] = {
        /* insulin pump: no condition, no user, therapy integrity and availability high (S:P);
         * MacroVector 101200, the vector is its highest-severity vector: 7.2 */
        {"examples/rubric-answers/insulin-pump-ble-bolus.yaml",
         "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:L/I:H/A:H", 8.3,
         "CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:L/VI:H/VA:H/SC:N/SI:N/SA:N/S:P", 7.2,
         MEDSEC_CVSS_SEV_HIGH},
        /* KRACK: the man-in-the-middle position is AC:H in v3.1 and AT:P in v4.0, nothing to
         * defeat (AC:L); MacroVector 112201: 2.3 */
        {"examples/infusion-pump/rubric/CVE-2017-13077.yaml",
         "CVSS:3.1/AV:A/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:L", 3.1,
         "CVSS:4.0/AV:A/AC:L/AT:P/PR:N/UI:N/VC:N/VI:N/VA:L/SC:N/SI:N/SA:N/S:N", 2.3,
         MEDSEC_CVSS_SEV_LOW},
        /* BLE service: the biomed enabling service mode is UI only (routine use: UI:P), the
         * attacker's bonded tool PR:H, nothing else AC; MacroVector 202201: 2.4 */
        {"examples/infusion-pump/rubric/ble-service-reconfiguration.yaml",
         "CVSS:3.1/AV:A/AC:L/PR:H/UI:R/S:U/C:L/I:L/A:L", 4.1,
         "CVSS:4.0/AV:A/AC:L/AT:N/PR:H/UI:P/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N/S:N", 2.4,
         MEDSEC_CVSS_SEV_LOW},
    };
    /* the source tree from this file's path: tests/unit/test_cvss.c */
    const char *self = __FILE__, *end = strstr(self, "tests/unit/test_cvss.c");
    assert_non_null(end);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%.*s%s", (int)(end - self), self, cases[i].path);
        struct medsec_cvss_rubric r;
        struct medsec_error err;
        if (medsec_cvss_rubric_load(path, &r, &err) != MEDSEC_OK)
            fail_msg("%s: %s:%u:%u: %s", cases[i].path, err.file, err.line, err.column, err.msg);
        assert_string_equal(r.vector, cases[i].v31);
        assert_score(r.base, cases[i].b31);
        assert_string_equal(r.vector4, cases[i].v4);
        assert_score(r.base4, cases[i].b4);
        assert_int_equal(r.severity4, cases[i].sev4);
        struct medsec_cvss_scores s = score_of(cases[i].v4);
        assert_score(s.base, cases[i].b4);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v31_examples),
        cmocka_unit_test(test_v30_differs_from_v31),
        cmocka_unit_test(test_v2_examples),
        cmocka_unit_test(test_v4_examples),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_severity),
        cmocka_unit_test(test_rubric_flow),
        cmocka_unit_test(test_rubric_quoted),
        cmocka_unit_test(test_rubric_errors),
        cmocka_unit_test(test_rubric_file),
        cmocka_unit_test(test_rubric_metrics_separate),
        cmocka_unit_test(test_rubric_v4_missing),
        cmocka_unit_test(test_rubric_v4_scope),
        cmocka_unit_test(test_rubric_v4_errors),
        cmocka_unit_test(test_rubric_value_names),
        cmocka_unit_test(test_rubric_examples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
