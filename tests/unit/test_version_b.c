/* test_version_b.c: hand-written edge cases for the deb, rpm, apk, composer and generic schemes and vers:. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "failalloc.h"
#include "medsec/version.h"

static int cmp(enum medsec_vscheme s, const char *a, const char *b)
{
    int r = 99;
    struct medsec_error err = {0};
    assert_int_equal(medsec_version_compare(s, a, b, &r, &err), MEDSEC_OK);
    int back = 99;
    assert_int_equal(medsec_version_compare(s, b, a, &back, &err), MEDSEC_OK);
    assert_int_equal(back, -r); /* antisymmetric */
    return r;
}

/* Each row: a < b (op -1), a == b (0). */
struct row {
    const char *a, *b;
    int want;
};

static void check_rows(enum medsec_vscheme s, const struct row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int got = cmp(s, rows[i].a, rows[i].b);
        if (got != rows[i].want)
            fail_msg("%s: %s vs %s: got %d, want %d", medsec_vscheme_name(s), rows[i].a, rows[i].b, got,
                     rows[i].want);
    }
}

static void test_debian(void **state)
{
    (void)state;
    static const struct row rows[] = {
        {"1.0~rc1", "1.0", -1},       {"1.0", "1.0+b1", -1},          {"1.0-1", "1.0-1+deb12u1", -1},
        {"1:0.1", "2.0", 1},          {"0:1.0", "1.0", 0},            {"1.0", "1.0-0", 0},
        {"1.0a", "1.0+", -1},         {"1.0~~", "1.0~", -1},          {"1.0", "1.00", 0},
        {"2.30-21", "2.30-3", 1},     {"1.2.3-1~deb7u1", "1.2.3-1", -1}, {"7:1", "10:0", -1},
        {"1.0-1-2", "1.0-1-10", -1},  {"1:2:3-4", "1:2:3-5", -1},
    };
    check_rows(MEDSEC_VS_DEBIAN, rows, sizeof rows / sizeof rows[0]);
    const char *bad[] = {"", "a1.0", ":1.0", "1:", "x:1.0", "1.0-", "1.0_1", "1.0-1_2", "99999999999:1",
                         "1.0 1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (medsec_version_valid(MEDSEC_VS_DEBIAN, bad[i]))
            fail_msg("'%s' accepted as a deb version", bad[i]);
    assert_true(medsec_version_valid(MEDSEC_VS_DEBIAN, "2147483647:1"));
}

static void test_rpm(void **state)
{
    (void)state;
    static const struct row rows[] = {
        {"1.0~rc1", "1.0", -1},    {"1.0", "1.0^git1", -1},   {"1.0^git1", "1.0.1", -1},
        {"1.0a", "1.0.1", -1},     {"1.0", "1.0-1", -1},      {"1:1.0", "2.0", 1},
        {"0:1.0-1", "1.0-1", 0},   {"2.0-1.el9", "2.0-1.el9_1", -1}, {"10", "9", 1},
        {"1.01", "1.1", 0},        {"a", "1", -1},            {"1.0-2", "1.0-10", -1},
    };
    check_rows(MEDSEC_VS_RPM, rows, sizeof rows / sizeof rows[0]);
    assert_false(medsec_version_valid(MEDSEC_VS_RPM, ""));
    assert_false(medsec_version_valid(MEDSEC_VS_RPM, "1.0 2"));
    assert_true(medsec_version_valid(MEDSEC_VS_RPM, "+"));
}

static void test_alpine(void **state)
{
    (void)state;
    static const struct row rows[] = {
        {"1.0_alpha1", "1.0_beta1", -1}, {"1.0_rc1", "1.0", -1},     {"1.0", "1.0_p1", -1},
        {"1.0", "1.0-r1", -1},           {"1.0a", "1.0.1", -1},       {"1.0", "1.0a", -1},
        {"1.02", "1.1", -1},             {"1.0_git20240101", "1.0_p1", -1}, {"1.0-r9", "1.0-r10", -1},
        {"1.0~1234", "1.0~2345", -1},    {"1.0_alpha", "1.0_alpha1", -1}, {"1.2.3", "1.2.3", 0},
    };
    check_rows(MEDSEC_VS_ALPINE, rows, sizeof rows / sizeof rows[0]);
    const char *bad[] = {"", "a", ".1", "1.0a1", "1.0_foo", "1.0-r", "1.0-r1-r2", "1.0~", "1.0~xyz",
                         "1..0", "1.0_", "1.0A"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (medsec_version_valid(MEDSEC_VS_ALPINE, bad[i]))
            fail_msg("'%s' accepted as an apk version", bad[i]);
}

static void test_composer(void **state)
{
    (void)state;
    static const struct row rows[] = {
        {"1.0-dev", "1.0alpha1", -1}, {"1.0a1", "1.0b1", -1},   {"1.0b1", "1.0RC1", -1},
        {"1.0RC1", "1.0rc1", 0},      {"1.0rc1", "1.0", -1},     {"1.0", "1.0pl1", -1},
        {"v1.2.3", "1.2.3", 0},       {"1.0", "1.0.0", -1},      {"1.0-stable", "1.0-dev", -1},
        {"2.0.0-beta.2", "2.0.0-beta.10", -1}, {"99999999999999999999", "100000000000000000000", -1},
    };
    check_rows(MEDSEC_VS_COMPOSER, rows, sizeof rows / sizeof rows[0]);
    assert_false(medsec_version_valid(MEDSEC_VS_COMPOSER, ""));
    assert_false(medsec_version_valid(MEDSEC_VS_COMPOSER, "v"));
    assert_false(medsec_version_valid(MEDSEC_VS_COMPOSER, "1.2."));
    assert_false(medsec_version_valid(MEDSEC_VS_COMPOSER, "1 2"));
}

/* NVD / vendor versions of device components: openssl, dropbear, busybox, linux, wpa_supplicant, sqlite. */
static void test_generic(void **state)
{
    (void)state;
    static const struct row rows[] = {
        {"1.1.1", "1.1.1k", -1},      {"1.1.0z", "1.1.1", -1},       {"1.0.2j", "1.0.2k", -1},
        {"1.1.1z", "1.1.1za", -1},    {"0.9.8zh", "1.0.0", -1},      {"2016.72", "2016.74", -1},
        {"2019.78", "2020.81", -1},   {"4.9.2", "4.9.11", -1},       {"1.2.3-rc1", "1.2.3", -1},
        {"1.2.3-beta2", "1.2.3-rc1", -1}, {"1.2.3-alpha", "1.2.3-beta", -1}, {"1.2.3.dev1", "1.2.3a", -1},
        {"5.5", "5.5p1", -1},         {"5.5p1", "5.5p2", -1},        {"1.36.1", "1.36.10", -1},
        {"4.14.0-rc1", "4.14", -1},   {"4.14", "4.14.1", -1},         {"2.6", "2.10", -1},
        {"3.8.10.2", "3.32.3", -1},   {"1.0", "1.0.0", 0},            {"V1.2", "v1.2", 0},
        {"2.4.49", "2.4.50", -1},     {"1.0-SNAPSHOT", "1.0", -1},    {"7.1.0_p1", "7.1.0", 1},
    };
    check_rows(MEDSEC_VS_GENERIC, rows, sizeof rows / sizeof rows[0]);
    assert_false(medsec_version_valid(MEDSEC_VS_GENERIC, ""));
    assert_false(medsec_version_valid(MEDSEC_VS_GENERIC, "..."));
    assert_false(medsec_version_valid(MEDSEC_VS_GENERIC, "1 .0"));
}

static void test_compare_invalid(void **state)
{
    (void)state;
    int r = 5;
    struct medsec_error err = {0};
    assert_int_equal(medsec_version_compare(MEDSEC_VS_DEBIAN, "1.0", "x", &r, &err), MEDSEC_EPARSE);
    assert_non_null(strstr(err.msg, "'x'"));
    assert_int_equal(r, 0);
}

static char *vers_canon(const char *in, medsec_err want)
{
    struct medsec_vers v;
    struct medsec_error err = {0};
    medsec_err e = medsec_vers_parse(in, &v, &err);
    if (e != want)
        fail_msg("%s: got %d (%s), want %d", in, e, err.msg, want);
    if (e)
        return NULL;
    struct medsec_buf b = MEDSEC_BUF_INIT;
    assert_int_equal(medsec_vers_format(&v, &b), MEDSEC_OK);
    medsec_vers_release(&v);
    return medsec_buf_detach(&b, NULL);
}

static void expect_canon(const char *in, const char *want)
{
    char *got = vers_canon(in, MEDSEC_OK);
    assert_string_equal(got, want);
    medsec_free(got);
}

static void test_vers_parse_format(void **state)
{
    (void)state;
    expect_canon("vers:deb/ >=1.0-1 | <2.0 ", "vers:deb/>=1.0-1|<2.0");
    expect_canon("VERS:Deb/<2.0|>=1.0-1", "vers:deb/>=1.0-1|<2.0");
    expect_canon("vers:rpm/||1:1.0||0.9|", "vers:rpm/0.9|1:1.0");
    expect_canon("vers:generic/1.1.1k|1.1.1|=1.0.2", "vers:generic/1.0.2|1.1.1|1.1.1k");
    expect_canon("vers:openssl/3.0.0|1.0.1b", "vers:openssl/1.0.1b|3.0.0");
    expect_canon("vers:apk/*", "vers:apk/*");
    expect_canon("vers:composer/1.0%7C2", "vers:composer/1.0%7C2");
    expect_canon("vers:unknownscheme/b|a", "vers:unknownscheme/b|a"); /* no ordering known: kept */
    assert_null(vers_canon("vers:deb/", MEDSEC_EPARSE));
    assert_null(vers_canon("vers:deb", MEDSEC_EPARSE));
    assert_null(vers_canon("cpe:deb/1.0", MEDSEC_EPARSE));
    assert_null(vers_canon("vers:/1.0", MEDSEC_EPARSE));
    assert_null(vers_canon("vers:deb/*|1.0", MEDSEC_EINVAL));
    assert_null(vers_canon("vers:deb/>=", MEDSEC_EINVAL));
    assert_null(vers_canon("vers:deb/1.0%2", MEDSEC_EPARSE));
    assert_null(vers_canon("vers:d@b/1.0", MEDSEC_EPARSE));
}

static void test_vers_canonical(void **state)
{
    (void)state;
    static const struct {
        const char *in, *msg;
    } bad[] = {
        {"vers:deb/>=1.0| <2.0", "non-canonical VERS: whitespace is not permitted"},
        {"vers:deb/|1.0", "non-canonical VERS: leading pipe is not permitted"},
        {"vers:deb/1.0|", "non-canonical VERS: trailing pipe is not permitted"},
        {"vers:deb/1.0||2.0", "non-canonical VERS: consecutive pipes are not permitted"},
        {"vers:deb/2.0|1.0", "non-canonical VERS: constraints are not sorted by version"},
        {"vers:deb/=1.0", "non-canonical VERS: '=' is implied and not written"},
        {"vers:Deb/1.0", "non-canonical VERS: scheme must be lowercase"},
        {"vers:deb/1%2a0", "non-canonical VERS: percent-encoding in version is not canonical"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct medsec_vers v;
        struct medsec_error err = {0};
        assert_int_not_equal(medsec_vers_parse_canonical(bad[i].in, &v, &err), MEDSEC_OK);
        assert_string_equal(err.msg, bad[i].msg);
    }
    struct medsec_vers v;
    struct medsec_error err = {0};
    assert_int_equal(medsec_vers_parse_canonical("vers:deb/<1.0|!=1.5|>=2.0~rc1|<=3.0", &v, &err), MEDSEC_OK);
    assert_int_equal(v.n, 4);
    assert_int_equal(v.c[1].op, MEDSEC_VERS_NE);
    assert_string_equal(v.c[2].version, "2.0~rc1");
    assert_true(v.known_scheme);
    assert_int_equal(v.scheme, MEDSEC_VS_DEBIAN);
    medsec_vers_release(&v);
}

static bool contains(const char *range, const char *version)
{
    struct medsec_vers v;
    struct medsec_error err = {0};
    assert_int_equal(medsec_vers_parse(range, &v, &err), MEDSEC_OK);
    bool in = false;
    if (medsec_vers_contains(&v, version, &in, &err) != MEDSEC_OK)
        fail_msg("%s contains %s: %s", range, version, err.msg);
    medsec_vers_release(&v);
    return in;
}

static void test_vers_contains(void **state)
{
    (void)state;
    assert_true(contains("vers:deb/>=1.0|<2.0", "1.5"));
    assert_false(contains("vers:deb/>=1.0|<2.0", "2.0"));
    assert_true(contains("vers:deb/>=1.0|<2.0", "2.0~rc1"));
    assert_false(contains("vers:deb/>=1.0|<2.0", "1:1.5"));
    assert_true(contains("vers:deb/<1.0|>=2.0", "0.5"));
    assert_true(contains("vers:deb/<1.0|>=2.0", "3"));
    assert_false(contains("vers:deb/<1.0|>=2.0", "1.5"));
    assert_true(contains("vers:rpm/>=1.0|!=1.5", "1.6"));
    assert_false(contains("vers:rpm/>=1.0|!=1.5", "1.5"));
    assert_true(contains("vers:rpm/!=1.5", "1.6"));
    assert_false(contains("vers:rpm/1.4|1.5", "1.6"));
    assert_true(contains("vers:generic/>=1.1.1|<1.1.1l", "1.1.1k"));
    assert_false(contains("vers:generic/>=1.1.1|<1.1.1l", "1.1.1l"));
    assert_true(contains("vers:apk/>1.0|<=1.2|>=2.0|<2.1_rc1", "2.1_beta3"));
    assert_true(contains("vers:composer/*", "anything"));

    struct medsec_vers v;
    struct medsec_error err = {0};
    bool in = true;
    assert_int_equal(medsec_vers_parse("vers:deb/>=1.0", &v, &err), MEDSEC_OK);
    assert_int_equal(medsec_vers_contains(&v, "not-a-version", &in, &err), MEDSEC_EPARSE);
    assert_false(in);
    medsec_vers_release(&v);
    assert_int_equal(medsec_vers_parse("vers:nosuch/>=1.0", &v, &err), MEDSEC_OK);
    assert_false(v.known_scheme);
    assert_int_equal(medsec_vers_contains(&v, "1.0", &in, &err), MEDSEC_EUNSUPPORTED);
    medsec_vers_release(&v);
    assert_int_equal(medsec_vers_parse("vers:deb/>=1.0|<x", &v, &err), MEDSEC_OK); /* syntax only */
    assert_int_equal(medsec_vers_contains(&v, "1.0", &in, &err), MEDSEC_EPARSE);
    assert_non_null(strstr(err.msg, "'x'"));
    medsec_vers_release(&v);
}

static void test_vers_alloc_failures(void **state)
{
    (void)state;
    for (long n = 0;; n++) {
        struct medsec_vers v;
        struct medsec_error err = {0};
        failalloc_arm(n);
        medsec_err e = medsec_vers_parse("vers:deb/<2.0|>=1.0|!=1.5", &v, &err);
        failalloc_disarm();
        if (e == MEDSEC_OK) {
            assert_int_equal(v.n, 3);
            medsec_vers_release(&v);
            assert_true(n > 3);
            break;
        }
        assert_int_equal(e, MEDSEC_ENOMEM);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_debian),          cmocka_unit_test(test_rpm),
        cmocka_unit_test(test_alpine),          cmocka_unit_test(test_composer),
        cmocka_unit_test(test_generic),         cmocka_unit_test(test_compare_invalid),
        cmocka_unit_test(test_vers_parse_format), cmocka_unit_test(test_vers_canonical),
        cmocka_unit_test(test_vers_contains),   cmocka_unit_test(test_vers_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
