/* test_purl.c: purl parsing, per-type normalisation, building, canonical form and error paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "failalloc.h"
#include "medsec/alloc.h"
#include "medsec/purl.h"

/* Canonical form of @in (default flags), or NULL when it does not parse. Caller frees. */
static char *canon(const char *in)
{
    struct medsec_error e;
    char *out = NULL;

    if (medsec_purl_canonicalize(in, &out, &e) != MEDSEC_OK)
        return NULL;
    return out;
}

static void expect_canon(const char *in, const char *want)
{
    char *got = canon(in);
    if (!got)
        fail_msg("%s did not parse", in);
    assert_string_equal(got, want);
    medsec_free(got);
}

static medsec_err parse_rc(const char *in, unsigned flags)
{
    struct medsec_purl p;
    struct medsec_error e;
    medsec_err rc = medsec_purl_parse(in, strlen(in), flags, &p, &e);

    medsec_purl_release(&p);
    return rc;
}

static void test_components(void **state)
{
    struct medsec_purl p;
    struct medsec_error e;
    const char *in = "pkg:maven/org.apache/commons-io@2.6%20Final?type=jar&classifier=src#a/b";

    (void)state;
    assert_int_equal(medsec_purl_parse(in, strlen(in), 0, &p, &e), MEDSEC_OK);
    assert_string_equal(p.type, "maven");
    assert_string_equal(p.ns, "org.apache");
    assert_string_equal(p.name, "commons-io");
    assert_string_equal(p.version, "2.6 Final");
    assert_int_equal(p.n_qualifiers, 2);
    assert_string_equal(p.qualifiers[0].key, "classifier"); /* sorted */
    assert_string_equal(medsec_purl_qualifier(&p, "type"), "jar");
    assert_null(medsec_purl_qualifier(&p, "nope"));
    assert_string_equal(p.subpath, "a/b");
    medsec_purl_release(&p);
    assert_null(p.type);
    medsec_purl_release(&p); /* twice is fine */
}

static void test_type_rules(void **state)
{
    (void)state;
    expect_canon("pkg:PyPI/Django_Rest@1.0", "pkg:pypi/django-rest@1.0");
    expect_canon("pkg:github/Foo/Bar", "pkg:github/foo/bar");
    expect_canon("pkg:npm/@Scope/Name@1", "pkg:npm/%40Scope/Name@1"); /* npm keeps case */
    expect_canon("pkg:deb/Debian/Curl@7?arch=amd64", "pkg:deb/debian/curl@7?arch=amd64");
    expect_canon("pkg:huggingface/Org/Model@ABCDEF", "pkg:huggingface/Org/Model@abcdef");
    expect_canon("pkg:conan/openssl@3.0.0", "pkg:conan/openssl@3.0.0");
    expect_canon("pkg:git/GitHub.com/Owner/Repo@v1", "pkg:git/github.com/owner/repo@v1");
    expect_canon("pkg:git/codeberg.org/Owner/Repo", "pkg:git/codeberg.org/Owner/Repo");
    expect_canon("pkg:pub/Flutter@1.0", "pkg:pub/flutter@1.0");
    /* unknown types: no rules beyond the core ones */
    expect_canon("pkg:bintray/A/B@1", "pkg:bintray/A/B@1");
    assert_true(medsec_purl_type_known("pypi"));
    assert_false(medsec_purl_type_known("bintray"));
    /* required / prohibited namespaces and qualifiers */
    assert_int_equal(parse_rc("pkg:maven/io@1", 0), MEDSEC_EINVAL);
    assert_int_equal(parse_rc("pkg:pypi/ns/name@1", 0), MEDSEC_EINVAL);
    assert_int_equal(parse_rc("pkg:julia/Dates@1", 0), MEDSEC_EINVAL);
    assert_int_equal(parse_rc("pkg:julia/Dates@1?uuid=ade2ca70", 0), MEDSEC_OK);
    assert_int_equal(parse_rc("pkg:cpan/URI::Escape", 0), MEDSEC_EINVAL);
    assert_int_equal(parse_rc("pkg:chrome-extension/abc", 0), MEDSEC_EINVAL);
}

static void test_encoding(void **state)
{
    (void)state;
    /* only A-Z a-z 0-9 . - _ ~ : stay unencoded; '/' is encoded inside qualifier values */
    expect_canon("pkg:generic/x@1?download_url=https://e.org/a%20b+c,d",
                 "pkg:generic/x@1?download_url=https:%2F%2Fe.org%2Fa%20b%2Bc%2Cd");
    expect_canon("pkg:deb/debian/attr@1:2.4-2%2bb1", "pkg:deb/debian/attr@1:2.4-2%2Bb1");
    expect_canon("pkg:brew/node@20@20.10.0", "pkg:brew/node%4020@20.10.0");
    /* subpath: empty, "." and ".." segments dropped; leading/trailing slashes ignored */
    expect_canon("pkg:golang/a.b/c#/x/./../y//z/", "pkg:golang/a.b/c#x/y/z");
    /* qualifiers: sorted, empty values dropped, keys lowercased in default mode */
    expect_canon("pkg:gem/x@1?b=2&A=1&c=", "pkg:gem/x@1?a=1&b=2");
    expect_canon("pkg:generic/x?checksum=SHA256:ABCD", "pkg:generic/x?checksum=sha256:abcd");
    expect_canon("pkg:///maven/g/a", "pkg:maven/g/a");
    expect_canon("pkg:generic/x?a=1&", "pkg:generic/x?a=1");
}

static void test_errors(void **state)
{
    char big[MEDSEC_PURL_MAX_LEN + 10];

    (void)state;
    assert_int_equal(parse_rc("maven/g/a", 0), MEDSEC_EPARSE);
    assert_int_equal(parse_rc("pkg:3x/a", 0), MEDSEC_EPARSE);
    assert_int_equal(parse_rc("pkg:a:b/c", 0), MEDSEC_EPARSE);
    assert_int_equal(parse_rc("pkg:npm/x?in%20prod=1", 0), MEDSEC_EPARSE);
    assert_int_equal(parse_rc("pkg:npm/x?noequals", 0), MEDSEC_EPARSE);
    assert_int_equal(parse_rc("pkg:npm/x?1a=1", 0), MEDSEC_EPARSE);
    assert_int_equal(parse_rc("pkg:npm/x%zz", 0), MEDSEC_EPARSE);
    assert_int_equal(parse_rc("pkg:npm/x%4", 0), MEDSEC_EPARSE);
    assert_int_equal(parse_rc("pkg:npm/x%00", 0), MEDSEC_EPARSE);
    assert_int_equal(parse_rc("pkg:npm/a%2Fb", 0), MEDSEC_EINVAL);
    assert_int_equal(parse_rc("pkg:npm/x?a=1&a=2", 0), MEDSEC_EINVAL);
    assert_int_equal(parse_rc("pkg:npm", 0), MEDSEC_EINVAL);
    assert_int_equal(parse_rc("pkg:npm/@1.0", 0), MEDSEC_EINVAL);
    assert_int_equal(parse_rc("pkg:npm/", 0), MEDSEC_EINVAL);
    /* strict: a key that is not lowercase is an error instead of being folded */
    assert_int_equal(parse_rc("pkg:gem/x@1?Platform=java", MEDSEC_PURL_STRICT), MEDSEC_EPARSE);
    assert_int_equal(parse_rc("pkg:gem/x@1?Platform=java", 0), MEDSEC_OK);
    memset(big, 'a', sizeof big);
    memcpy(big, "pkg:npm/", 8);
    big[sizeof big - 1] = '\0';
    assert_int_equal(parse_rc(big, 0), MEDSEC_ETOOBIG);
    /* embedded NUL */
    {
        struct medsec_purl p;
        struct medsec_error e;
        assert_int_equal(medsec_purl_parse("pkg:npm/a\0b", 11, 0, &p, &e), MEDSEC_EPARSE);
    }
}

/* The cap holds for the canonical form too: a purl is accepted only when the form medsec writes
 * for it parses back (a raw '!' is written "%21": three bytes for one). */
static void test_canonical_cap(void **state)
{
    static char in[MEDSEC_PURL_MAX_LEN + 1];
    const char *keys[] = {"k"}, *vals[1];
    struct medsec_purl_parts parts = {"generic", NULL, "a", NULL, keys, vals, 1, NULL};
    struct medsec_purl p;
    struct medsec_error e;
    size_t fixed = strlen("pkg:generic/a@");
    char *s = NULL;

    (void)state;
    /* 4000 '!': 4014 bytes read, 12014 written */
    memcpy(in, "pkg:generic/a@", fixed);
    memset(in + fixed, '!', 4000);
    in[fixed + 4000] = '\0';
    assert_int_equal(medsec_purl_parse(in, strlen(in), 0, &p, &e), MEDSEC_ETOOBIG);
    assert_string_equal(e.msg, "purl longer than 8192 bytes when written in canonical form");
    assert_null(p.name);
    /* at the cap exactly: 14 + 3 * 2726 = 8192 bytes written */
    memset(in + fixed, '!', 2726);
    in[fixed + 2726] = '\0';
    assert_int_equal(medsec_purl_parse(in, strlen(in), 0, &p, &e), MEDSEC_OK);
    assert_int_equal(medsec_purl_format(&p, &s), MEDSEC_OK);
    assert_int_equal(strlen(s), MEDSEC_PURL_MAX_LEN);
    medsec_purl_release(&p);
    assert_int_equal(medsec_purl_parse(s, strlen(s), MEDSEC_PURL_STRICT, &p, &e), MEDSEC_OK);
    medsec_purl_release(&p);
    medsec_free(s);
    in[fixed + 2726] = 'z';
    in[fixed + 2727] = '\0';
    assert_int_equal(parse_rc(in, 0), MEDSEC_ETOOBIG);
    /* build: the same cap on the qualifiers' encoded values */
    memset(in, ' ', 3000);
    in[3000] = '\0';
    vals[0] = in;
    assert_int_equal(medsec_purl_build(&parts, &p, &e), MEDSEC_ETOOBIG);
    assert_null(p.type);
}

static void test_same_package(void **state)
{
    struct medsec_purl a, b, c;
    struct medsec_error e;

    (void)state;
    assert_int_equal(medsec_purl_parse("pkg:pypi/Foo_Bar@1.0", 20, 0, &a, &e), MEDSEC_OK);
    assert_int_equal(medsec_purl_parse("pkg:PYPI/foo-bar@2.0?file_name=x", 32, 0, &b, &e),
                     MEDSEC_OK);
    assert_int_equal(medsec_purl_parse("pkg:npm/foo-bar@1.0", 19, 0, &c, &e), MEDSEC_OK);
    assert_true(medsec_purl_same_package(&a, &b));
    assert_false(medsec_purl_same_package(&a, &c)); /* never across ecosystems */
    assert_false(medsec_purl_same_package(&a, NULL));
    medsec_purl_release(&a);
    medsec_purl_release(&b);
    medsec_purl_release(&c);
}

static void test_build(void **state)
{
    const char *keys[] = {"Repository_URL", "empty"}, *vals[] = {"https://x.org/r", ""};
    struct medsec_purl_parts parts = {"Maven", "org.example", "lib", "1.0",
                                      keys,    vals,          2,     "/src/main/"};
    struct medsec_purl p;
    struct medsec_error e;
    char *s = NULL;

    (void)state;
    assert_int_equal(medsec_purl_build(&parts, &p, &e), MEDSEC_OK);
    assert_int_equal(medsec_purl_format(&p, &s), MEDSEC_OK);
    assert_string_equal(
        s, "pkg:maven/org.example/lib@1.0?repository_url=https:%2F%2Fx.org%2Fr#src/main");
    medsec_free(s);
    medsec_purl_release(&p);
    parts.ns = NULL; /* maven needs a namespace */
    assert_int_equal(medsec_purl_build(&parts, &p, &e), MEDSEC_EINVAL);
    parts.ns = "g";
    parts.name = "a/b"; /* a name holds no '/' outside git */
    assert_int_equal(medsec_purl_build(&parts, &p, &e), MEDSEC_EINVAL);
    parts.name = NULL;
    assert_int_equal(medsec_purl_build(&parts, &p, &e), MEDSEC_EINVAL);
    parts.name = "a";
    parts.type = NULL;
    assert_int_equal(medsec_purl_build(&parts, &p, &e), MEDSEC_EINVAL);
}

/* Every allocation failure must surface as ENOMEM with nothing leaked (ASan checks the leaks). */
static void test_alloc_failures(void **state)
{
    const char *in = "pkg:maven/org.a/b@1?x=1&y=2#p/q";
    const char *keys[] = {"k"}, *vals[] = {"v"};
    struct medsec_purl_parts parts = {"npm", "@s", "n", "1", keys, vals, 1, "a/b"};
    long n;

    (void)state;
    for (n = 0; n < 100; n++) {
        struct medsec_purl p;
        struct medsec_error e;
        char *s = NULL;
        medsec_err rc, rc2, rc3 = MEDSEC_OK;

        failalloc_arm(n);
        rc = medsec_purl_parse(in, strlen(in), 0, &p, &e);
        if (rc == MEDSEC_OK) {
            rc3 = medsec_purl_format(&p, &s);
            medsec_free(s);
            s = NULL;
        }
        medsec_purl_release(&p);
        rc2 = medsec_purl_build(&parts, &p, &e);
        medsec_purl_release(&p);
        failalloc_disarm();
        assert_true(rc == MEDSEC_OK || rc == MEDSEC_ENOMEM);
        assert_true(rc2 == MEDSEC_OK || rc2 == MEDSEC_ENOMEM);
        assert_true(rc3 == MEDSEC_OK || rc3 == MEDSEC_ENOMEM);
        if (rc == MEDSEC_OK && rc2 == MEDSEC_OK && rc3 == MEDSEC_OK)
            break;
    }
    assert_true(n > 3); /* some failures were really injected */
    assert_true(n < 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_components),     cmocka_unit_test(test_type_rules),
        cmocka_unit_test(test_encoding),       cmocka_unit_test(test_errors),
        cmocka_unit_test(test_same_package),   cmocka_unit_test(test_build),
        cmocka_unit_test(test_alloc_failures), cmocka_unit_test(test_canonical_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
