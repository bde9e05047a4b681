/* test_cpe.c: CPE 2.3 bindings (NISTIR 7695) and name matching (NISTIR 7696), with hand-made cases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "medsec/cpe.h"

static struct medsec_cpe A, B;

static void parse_ok(const char *s, struct medsec_cpe *c)
{
    struct medsec_error e;
    medsec_err rc = medsec_cpe_parse(s, strlen(s), c, &e);
    if (rc != MEDSEC_OK)
        fail_msg("%s: %s", s, e.msg);
}

static medsec_err parse_rc(const char *s)
{
    struct medsec_error e;
    return medsec_cpe_parse(s, strlen(s), &A, &e);
}

static void expect_fs(const char *in, const char *want)
{
    char out[MEDSEC_CPE_TEXT_MAX];
    parse_ok(in, &A);
    assert_int_equal(medsec_cpe_format_fs(&A, out, sizeof out), MEDSEC_OK);
    assert_string_equal(out, want);
}

static void expect_uri(const char *in, const char *want)
{
    char out[MEDSEC_CPE_TEXT_MAX];
    parse_ok(in, &A);
    assert_int_equal(medsec_cpe_format_uri(&A, out, sizeof out), MEDSEC_OK);
    assert_string_equal(out, want);
}

static void test_unbind_fs(void **state)
{
    (void)state;
    parse_ok("cpe:2.3:a:Microsoft:Internet_Explorer:8.0.6001:beta:*:-:*:*:*:*", &A);
    assert_int_equal(medsec_cpe_kind(&A, MEDSEC_CPE_PART), MEDSEC_CPE_VALUE);
    assert_string_equal(medsec_cpe_value(&A, MEDSEC_CPE_VENDOR), "microsoft"); /* lowercased */
    assert_string_equal(medsec_cpe_value(&A, MEDSEC_CPE_VERSION),
                        "8\\.0\\.6001"); /* WFN quotes '.' */
    assert_int_equal(medsec_cpe_kind(&A, MEDSEC_CPE_EDITION), MEDSEC_CPE_ANY);
    assert_int_equal(medsec_cpe_kind(&A, MEDSEC_CPE_LANGUAGE), MEDSEC_CPE_NA);
    assert_null(medsec_cpe_value(&A, MEDSEC_CPE_LANGUAGE));
    /* quoted characters stay literal; unquoted wildcards only at the ends */
    parse_ok("cpe:2.3:a:foo\\:bar:prod\\*uct:1.*:*:*:*:*:*:*:*", &A);
    assert_string_equal(medsec_cpe_value(&A, MEDSEC_CPE_VENDOR), "foo\\:bar");
    assert_string_equal(medsec_cpe_value(&A, MEDSEC_CPE_PRODUCT), "prod\\*uct");
    assert_string_equal(medsec_cpe_value(&A, MEDSEC_CPE_VERSION), "1\\.*");
    {
        char buf[64];
        assert_int_equal(medsec_cpe_unquoted(&A, MEDSEC_CPE_VENDOR, buf, sizeof buf), MEDSEC_OK);
        assert_string_equal(buf, "foo:bar");
        assert_int_equal(medsec_cpe_unquoted(&A, MEDSEC_CPE_UPDATE, buf, sizeof buf), MEDSEC_OK);
        assert_string_equal(buf, "*");
        assert_int_equal(medsec_cpe_unquoted(&A, MEDSEC_CPE_VENDOR, buf, 4), MEDSEC_ETOOBIG);
    }
    /* round trip: needless quotes of . - _ are dropped, others kept */
    expect_fs("cpe:2.3:a:x\\.y:a\\!b:1\\-2:*:*:*:*:*:*:*", "cpe:2.3:a:x.y:a\\!b:1-2:*:*:*:*:*:*:*");
    expect_fs("cpe:2.3:a:x:y:\\-:*:*:*:*:*:*:*", "cpe:2.3:a:x:y:\\-:*:*:*:*:*:*:*");
    expect_fs("cpe:2.3:a:x:y:??1??:*:*:*:*:*:*:*", "cpe:2.3:a:x:y:??1??:*:*:*:*:*:*:*");
}

static void test_fs_errors(void **state)
{
    char big[MEDSEC_CPE_MAX_LEN + 20];

    (void)state;
    assert_int_equal(parse_rc("cpe:2.3:a:x:y:1:*:*:*:*:*:*"), MEDSEC_EPARSE); /* 10 attributes */
    assert_int_equal(parse_rc("cpe:2.3:a:x:y:1:*:*:*:*:*:*:*:*"), MEDSEC_EPARSE); /* 12 */
    assert_int_equal(parse_rc("cpe:2.3:x:x:y:1:*:*:*:*:*:*:*"), MEDSEC_EINVAL);   /* part */
    assert_int_equal(parse_rc("cpe:2.3:a:x*y:y:1:*:*:*:*:*:*:*"), MEDSEC_EPARSE); /* embedded '*' */
    assert_int_equal(parse_rc("cpe:2.3:a:x?y:y:1:*:*:*:*:*:*:*"), MEDSEC_EPARSE); /* embedded '?' */
    assert_int_equal(parse_rc("cpe:2.3:a:**x:y:1:*:*:*:*:*:*:*"), MEDSEC_EPARSE); /* two stars */
    assert_int_equal(parse_rc("cpe:2.3:a:x:y:1*?:*:*:*:*:*:*:*"),
                     MEDSEC_EPARSE);                                           /* '?' after '*' */
    assert_int_equal(parse_rc("cpe:2.3:a::y:1:*:*:*:*:*:*:*"), MEDSEC_EPARSE); /* empty */
    assert_int_equal(parse_rc("cpe:2.3:a:x y:y:1:*:*:*:*:*:*:*"), MEDSEC_EPARSE); /* space */
    assert_int_equal(parse_rc("cpe:2.3:a:x:y:1:*:*:*:*:*:*:\\"), MEDSEC_EPARSE);  /* lone '\' */
    assert_int_equal(parse_rc("cpe:2.2:a:x:y:1:*:*:*:*:*:*:*"), MEDSEC_EPARSE);
    memset(big, 'a', sizeof big);
    memcpy(big, "cpe:2.3:a:", 10);
    big[sizeof big - 1] = '\0';
    assert_int_equal(parse_rc(big), MEDSEC_ETOOBIG);
}

static void test_uri(void **state)
{
    (void)state;
    /* URI to formatted string, with missing trailing components meaning ANY */
    expect_fs("cpe:/a:microsoft:internet_explorer:8.0.6001:beta",
              "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*");
    /* packed edition carries the four extended attributes */
    expect_fs("cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~",
              "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:*:*:*:online:win2003:x64:*");
    expect_uri("cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:*:*:*:online:win2003:x64:*",
               "cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~");
    /* percent-encoding both ways; %01 and %02 are the wildcards */
    expect_fs("cpe:/a:%240.99_books:foo%21:1.%02",
              "cpe:2.3:a:\\$0.99_books:foo\\!:1.*:*:*:*:*:*:*:*");
    expect_uri("cpe:2.3:a:\\$0.99_books:foo\\!:1.*:-:*:*:*:*:*:*",
               "cpe:/a:%240.99_books:foo%21:1.%02:-");
    expect_uri("cpe:2.3:o:x:y:*:*:*:*:*:*:*:*", "cpe:/o:x:y");
    /* a URI value that is only the '*' wildcard is ANY (found by fuzz_cpe) */
    expect_fs("cpe:/a:x:%02:1", "cpe:2.3:a:x:*:1:*:*:*:*:*:*:*");
    /* a value that is only a literal '-' keeps its encoding so it does not read back as NA */
    expect_uri("cpe:/a:x:%2d", "cpe:/a:x:%2d");
    assert_int_equal(parse_rc("cpe:/a:x%2:y"), MEDSEC_EPARSE);
    assert_int_equal(parse_rc("cpe:/a:x:y:1:2:3:4:5"), MEDSEC_EPARSE);
    assert_int_equal(parse_rc("cpe:/a:x:y:1::~a~b~c"), MEDSEC_EPARSE); /* 4 packed fields */
    /* the same item in both bindings unbinds to the same WFN */
    parse_ok("cpe:/a:2glux:com_sexypolling:0.9.1:-:~-~-~joomla%21~~", &A);
    parse_ok("cpe:2.3:a:2glux:com_sexypolling:0.9.1:-:-:*:-:joomla\\!:*:*", &B);
    assert_true(medsec_cpe_same(&A, &B));
}

/* Relation of attribute @a between two formatted strings. */
static enum medsec_cpe_relation rel(const char *src, const char *tgt, enum medsec_cpe_attr a)
{
    parse_ok(src, &A);
    parse_ok(tgt, &B);
    return medsec_cpe_compare_attr(&A, &B, a);
}

#define V MEDSEC_CPE_VERSION
static void test_attribute_relations(void **state)
{
    (void)state;
    /* the NISTIR 7696 table: ANY / NA / value in source against ANY / NA / value in target */
    assert_int_equal(rel("cpe:2.3:a:x:y:*:*:*:*:*:*:*:*", "cpe:2.3:a:x:y:*:*:*:*:*:*:*:*", V),
                     MEDSEC_CPE_EQUAL);
    assert_int_equal(rel("cpe:2.3:a:x:y:*:*:*:*:*:*:*:*", "cpe:2.3:a:x:y:-:*:*:*:*:*:*:*", V),
                     MEDSEC_CPE_SUPERSET);
    assert_int_equal(rel("cpe:2.3:a:x:y:*:*:*:*:*:*:*:*", "cpe:2.3:a:x:y:1:*:*:*:*:*:*:*", V),
                     MEDSEC_CPE_SUPERSET);
    assert_int_equal(rel("cpe:2.3:a:x:y:-:*:*:*:*:*:*:*", "cpe:2.3:a:x:y:*:*:*:*:*:*:*:*", V),
                     MEDSEC_CPE_SUBSET);
    assert_int_equal(rel("cpe:2.3:a:x:y:-:*:*:*:*:*:*:*", "cpe:2.3:a:x:y:-:*:*:*:*:*:*:*", V),
                     MEDSEC_CPE_EQUAL);
    assert_int_equal(rel("cpe:2.3:a:x:y:-:*:*:*:*:*:*:*", "cpe:2.3:a:x:y:1:*:*:*:*:*:*:*", V),
                     MEDSEC_CPE_DISJOINT);
    assert_int_equal(rel("cpe:2.3:a:x:y:1:*:*:*:*:*:*:*", "cpe:2.3:a:x:y:*:*:*:*:*:*:*:*", V),
                     MEDSEC_CPE_SUBSET);
    assert_int_equal(rel("cpe:2.3:a:x:y:1:*:*:*:*:*:*:*", "cpe:2.3:a:x:y:-:*:*:*:*:*:*:*", V),
                     MEDSEC_CPE_DISJOINT);
    assert_int_equal(rel("cpe:2.3:a:x:y:1:*:*:*:*:*:*:*", "cpe:2.3:a:x:y:1:*:*:*:*:*:*:*", V),
                     MEDSEC_CPE_EQUAL);
    assert_int_equal(rel("cpe:2.3:a:x:y:1:*:*:*:*:*:*:*", "cpe:2.3:a:x:y:2:*:*:*:*:*:*:*", V),
                     MEDSEC_CPE_DISJOINT);
    /* case does not matter */
    assert_int_equal(rel("cpe:2.3:a:x:y:RC1:*:*:*:*:*:*:*", "cpe:2.3:a:x:y:rc1:*:*:*:*:*:*:*", V),
                     MEDSEC_CPE_EQUAL);
    /* wildcards in the source */
    assert_int_equal(
        rel("cpe:2.3:a:x:y:8.*:*:*:*:*:*:*:*", "cpe:2.3:a:x:y:8.0.6001:*:*:*:*:*:*:*", V),
        MEDSEC_CPE_SUPERSET);
    assert_int_equal(rel("cpe:2.3:a:x:y:8.*:*:*:*:*:*:*:*", "cpe:2.3:a:x:y:9.0:*:*:*:*:*:*:*", V),
                     MEDSEC_CPE_DISJOINT);
    assert_int_equal(rel("cpe:2.3:a:x:y:*0:*:*:*:*:*:*:*", "cpe:2.3:a:x:y:8.0:*:*:*:*:*:*:*", V),
                     MEDSEC_CPE_SUPERSET);
    /* a '?' run allows up to that many characters at its end */
    assert_int_equal(rel("cpe:2.3:a:x:y:1.?:*:*:*:*:*:*:*", "cpe:2.3:a:x:y:1.2:*:*:*:*:*:*:*", V),
                     MEDSEC_CPE_SUPERSET);
    assert_int_equal(rel("cpe:2.3:a:x:y:1.?:*:*:*:*:*:*:*", "cpe:2.3:a:x:y:1.23:*:*:*:*:*:*:*", V),
                     MEDSEC_CPE_DISJOINT);
    assert_int_equal(rel("cpe:2.3:a:x:y:1.??:*:*:*:*:*:*:*", "cpe:2.3:a:x:y:1.23:*:*:*:*:*:*:*", V),
                     MEDSEC_CPE_SUPERSET);
    assert_int_equal(rel("cpe:2.3:a:x:y:??3:*:*:*:*:*:*:*", "cpe:2.3:a:x:y:1.23:*:*:*:*:*:*:*", V),
                     MEDSEC_CPE_DISJOINT); /* "1.2" is three characters before the '3' */
    /* a quoted character counts as one character for '?' */
    assert_int_equal(rel("cpe:2.3:a:x:y:1?:*:*:*:*:*:*:*", "cpe:2.3:a:x:y:1\\!:*:*:*:*:*:*:*", V),
                     MEDSEC_CPE_SUPERSET);
    /* a quoted '*' is a literal, not a wildcard */
    assert_int_equal(rel("cpe:2.3:a:x:y:1\\*:*:*:*:*:*:*:*", "cpe:2.3:a:x:y:12:*:*:*:*:*:*:*", V),
                     MEDSEC_CPE_DISJOINT);
    /* wildcards in the target make the relation undefined unless the source is ANY */
    assert_int_equal(rel("cpe:2.3:a:x:y:8.0:*:*:*:*:*:*:*", "cpe:2.3:a:x:y:8.*:*:*:*:*:*:*:*", V),
                     MEDSEC_CPE_UNDEFINED);
    assert_int_equal(rel("cpe:2.3:a:x:y:*:*:*:*:*:*:*:*", "cpe:2.3:a:x:y:8.*:*:*:*:*:*:*:*", V),
                     MEDSEC_CPE_SUPERSET);
}

static void test_name_matching(void **state)
{
    (void)state;
    parse_ok("cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*", &A);
    parse_ok("cpe:2.3:a:microsoft:internet_explorer:8.0.6001:sp1:*:*:*:*:*:*", &B);
    assert_true(medsec_cpe_superset(&A, &B));
    assert_true(medsec_cpe_subset(&B, &A) ==
                false); /* B's source values vs A's wildcards: undefined */
    assert_false(medsec_cpe_equal(&A, &B));
    assert_false(medsec_cpe_disjoint(&A, &B));
    assert_true(medsec_cpe_match(&A, &B, 0));
    /* an NVD criterion with version ANY matches any version; a different product never does */
    parse_ok("cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*", &A);
    parse_ok("cpe:2.3:o:linux:linux_kernel:4.19.0:*:*:*:*:*:*:*", &B);
    assert_true(medsec_cpe_match(&A, &B, 0));
    parse_ok("cpe:2.3:a:linux:linux_kernel:4.19.0:*:*:*:*:*:*:*", &B);
    assert_false(medsec_cpe_match(&A, &B, 0)); /* part differs */
    assert_true(medsec_cpe_disjoint(&A, &B));
    /* exact version criterion; IGNORE_VERSION leaves the range check to the caller */
    parse_ok("cpe:2.3:a:openssl:openssl:1.0.2:*:*:*:*:*:*:*", &A);
    parse_ok("cpe:2.3:a:openssl:openssl:1.1.1:*:*:*:*:*:*:*", &B);
    assert_false(medsec_cpe_match(&A, &B, 0));
    assert_true(medsec_cpe_match(&A, &B, MEDSEC_CPE_MATCH_IGNORE_VERSION));
    /* a criterion with an NA update does not match a component with a named update */
    parse_ok("cpe:2.3:a:openssl:openssl:1.0.2:-:*:*:*:*:*:*", &A);
    parse_ok("cpe:2.3:a:openssl:openssl:1.0.2:beta1:*:*:*:*:*:*", &B);
    assert_false(medsec_cpe_match(&A, &B, 0));
    parse_ok("cpe:2.3:a:openssl:openssl:1.0.2:*:*:*:*:*:*:*", &B);
    assert_false(medsec_cpe_match(&A, &B, 0)); /* NA vs ANY is SUBSET, not a match */
    assert_true(medsec_cpe_equal(&B, &B));
}

static void test_key(void **state)
{
    char key[64];

    (void)state;
    parse_ok("cpe:2.3:a:Apache:HTTP_Server:2.4.1:*:*:*:*:*:*:*", &A);
    assert_int_equal(medsec_cpe_key(&A, key, sizeof key), MEDSEC_OK);
    assert_string_equal(key, "apache:http_server");
    parse_ok("cpe:/a:%240.99_kindle:books%3a1", &A);
    assert_int_equal(medsec_cpe_key(&A, key, sizeof key), MEDSEC_OK);
    assert_string_equal(key, "$0.99_kindle:books\\:1");
    parse_ok("cpe:2.3:a:*:foo:*:*:*:*:*:*:*:*", &A);
    assert_int_equal(medsec_cpe_key(&A, key, sizeof key), MEDSEC_EINVAL);
    parse_ok("cpe:2.3:a:foo*:foo:*:*:*:*:*:*:*:*", &A);
    assert_int_equal(medsec_cpe_key(&A, key, sizeof key), MEDSEC_EINVAL);
    parse_ok("cpe:2.3:a:abcdef:ghijkl:*:*:*:*:*:*:*:*", &A);
    assert_int_equal(medsec_cpe_key(&A, key, 8), MEDSEC_ETOOBIG);
}

static void test_fs_attr(void **state)
{
    char buf[64];
    struct medsec_cpe_vp vp;

    (void)state;
    /* one attribute without parsing: quoting removed, lowercased, ANY and NA as written */
    const char *fs = "cpe:2.3:a:Acme\\:Corp:widget\\_x:1.0\\-RC1:*:-:*:*:*:*:x86";
    assert_true(medsec_cpe_fs_attr(fs, MEDSEC_CPE_PART, buf, sizeof buf));
    assert_string_equal(buf, "a");
    assert_true(medsec_cpe_fs_attr(fs, MEDSEC_CPE_VENDOR, buf, sizeof buf));
    assert_string_equal(buf, "acme:corp");
    assert_true(medsec_cpe_fs_attr(fs, MEDSEC_CPE_PRODUCT, buf, sizeof buf));
    assert_string_equal(buf, "widget_x");
    assert_true(medsec_cpe_fs_attr(fs, MEDSEC_CPE_VERSION, buf, sizeof buf));
    assert_string_equal(buf, "1.0-rc1");
    assert_true(medsec_cpe_fs_attr(fs, MEDSEC_CPE_UPDATE, buf, sizeof buf));
    assert_string_equal(buf, "*");
    assert_true(medsec_cpe_fs_attr(fs, MEDSEC_CPE_EDITION, buf, sizeof buf));
    assert_string_equal(buf, "-");
    assert_true(medsec_cpe_fs_attr(fs, MEDSEC_CPE_OTHER, buf, sizeof buf));
    assert_string_equal(buf, "x86");
    /* the same values medsec_cpe_unquoted gives after a full parse */
    parse_ok(fs, &A);
    assert_int_equal(medsec_cpe_unquoted(&A, MEDSEC_CPE_VENDOR, buf, sizeof buf), MEDSEC_OK);
    assert_string_equal(buf, "acme:corp");
    /* too long for the buffer, or missing */
    assert_false(medsec_cpe_fs_attr(fs, MEDSEC_CPE_VENDOR, buf, 9));
    assert_true(medsec_cpe_fs_attr(fs, MEDSEC_CPE_VENDOR, buf, 10));
    assert_false(medsec_cpe_fs_attr("cpe:2.3:a:acme", MEDSEC_CPE_PRODUCT, buf, sizeof buf));
    assert_false(medsec_cpe_fs_attr("cpe:2.3:a:acme", MEDSEC_CPE_VENDOR, buf, 0));

    /* vendor and product once, for many comparisons */
    medsec_cpe_vp_read("cpe:2.3:a:*:Open\\-SSL:1.0.2:*:*:*:*:*:*:*", &vp);
    assert_true(vp.known);
    assert_true(vp.vendor_wild);
    assert_false(vp.product_wild);
    assert_string_equal(vp.product, "open-ssl");
    medsec_cpe_vp_read("cpe:2.3:a:acme:prod??:1:*:*:*:*:*:*:*", &vp);
    assert_true(vp.known);
    assert_false(vp.vendor_wild);
    assert_true(vp.product_wild);
    medsec_cpe_vp_read("cpe:2.3:a:acme", &vp);
    assert_false(vp.known);
    assert_false(vp.vendor_wild);
    char longer[300];
    snprintf(longer, sizeof longer, "cpe:2.3:a:%0200d:p:*:*:*:*:*:*:*:*", 7);
    medsec_cpe_vp_read(longer, &vp);
    assert_false(vp.known); /* a vendor of 200 characters does not fit */
}

static void test_set_version(void **state)
{
    char out[MEDSEC_CPE_TEXT_MAX];
    struct medsec_error e;

    (void)state;
    /* a name that leaves the version open takes a plain version; the other attributes stay */
    parse_ok("cpe:2.3:a:acme:widget:*:sp1:*:*:*:*:x86:*", &A);
    assert_int_equal(medsec_cpe_set_version(&A, "1.0.2J", &e), MEDSEC_OK);
    assert_int_equal(medsec_cpe_format_fs(&A, out, sizeof out), MEDSEC_OK);
    assert_string_equal(out, "cpe:2.3:a:acme:widget:1.0.2j:sp1:*:*:*:*:x86:*");
    parse_ok("cpe:2.3:a:acme:widget:1.0.2j:sp1:*:*:*:*:x86:*", &B);
    assert_true(medsec_cpe_same(&A, &B));
    /* characters the binding must quote are literal, wildcards included */
    parse_ok("cpe:/a:acme:widget", &A);
    assert_int_equal(medsec_cpe_set_version(&A, "2.0+b1*", &e), MEDSEC_OK);
    assert_int_equal(medsec_cpe_unquoted(&A, MEDSEC_CPE_VERSION, out, sizeof out), MEDSEC_OK);
    assert_string_equal(out, "2.0+b1*");
    assert_false(A.wild[MEDSEC_CPE_VERSION]);
    /* "-" alone is NA, as in the binding */
    parse_ok("cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*", &A);
    assert_int_equal(medsec_cpe_set_version(&A, "-", &e), MEDSEC_OK);
    assert_int_equal(medsec_cpe_kind(&A, MEDSEC_CPE_VERSION), MEDSEC_CPE_NA);
    /* a version already there is replaced */
    parse_ok("cpe:2.3:a:acme:widget:1.0:*:*:*:*:*:*:*", &A);
    assert_int_equal(medsec_cpe_set_version(&A, "2.0", &e), MEDSEC_OK);
    assert_int_equal(medsec_cpe_unquoted(&A, MEDSEC_CPE_VERSION, out, sizeof out), MEDSEC_OK);
    assert_string_equal(out, "2.0");
    /* empty, not printable ASCII, or past the cap */
    parse_ok("cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*", &A);
    assert_int_equal(medsec_cpe_set_version(&A, "", &e), MEDSEC_EPARSE);
    parse_ok("cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*", &A);
    assert_int_equal(medsec_cpe_set_version(&A, "1.0 beta", &e), MEDSEC_EPARSE);
    char big[MEDSEC_CPE_MAX_LEN];
    memset(big, '1', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    parse_ok("cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*", &A);
    assert_int_equal(medsec_cpe_set_version(&A, big, &e), MEDSEC_ETOOBIG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unbind_fs),     cmocka_unit_test(test_fs_errors),
        cmocka_unit_test(test_uri),           cmocka_unit_test(test_attribute_relations),
        cmocka_unit_test(test_name_matching), cmocka_unit_test(test_key),
        cmocka_unit_test(test_fs_attr),       cmocka_unit_test(test_set_version),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
