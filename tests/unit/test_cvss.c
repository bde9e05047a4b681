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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v31_examples),  cmocka_unit_test(test_v30_differs_from_v31),
        cmocka_unit_test(test_v2_examples),   cmocka_unit_test(test_v4_examples),
        cmocka_unit_test(test_errors),        cmocka_unit_test(test_format),
        cmocka_unit_test(test_severity),      cmocka_unit_test(test_rubric_flow),
        cmocka_unit_test(test_rubric_quoted), cmocka_unit_test(test_rubric_errors),
        cmocka_unit_test(test_rubric_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
