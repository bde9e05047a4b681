/* test_cpemap.c: what CPEs are derived from: the URL key (host and path) of medsec_cpe_url_key, the
 * CPE map format and its errors (medsec/cpemap.h), the built-in map, and the CPE dictionary reader
 * (medsec_cpedict_parse). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "medsec/cpe.h"
#include "medsec/cpemap.h"
#include "medsec/db.h"

#include "failalloc.h"

static void key_is(const char *url, const char *host, const char *path)
{
    char h[MEDSEC_CPE_URL_HOST_MAX], p[MEDSEC_CPE_URL_PATH_MAX];
    if (!host) {
        if (medsec_cpe_url_key(url, h, sizeof h, p, sizeof p))
            fail_msg("%s: usable (%s / %s), expected not", url, h, p);
        return;
    }
    if (!medsec_cpe_url_key(url, h, sizeof h, p, sizeof p))
        fail_msg("%s: not usable", url);
    assert_string_equal(h, host);
    assert_string_equal(p, path);
}

static void test_url_key(void **state)
{
    (void)state;
    key_is("https://www.openssl.org/", "openssl.org", "");
    key_is("http://www.openssl.org/news/changelog.html", "openssl.org", "news");
    key_is("https://zlib.net/zlib-1.2.11.tar.gz", "zlib.net", "");
    key_is("HTTPS://User@WWW.Kernel.ORG:443/pub/linux/kernel/v4.x/?x=1#f", "kernel.org",
           "pub/linux/kernel/v4.x");
    key_is("ftp://ftp.gnu.org/gnu/glibc/glibc-2.27.tar.gz", "ftp.gnu.org", "gnu/glibc");
    key_is("https://sourceware.org//glibc/./wiki/", "sourceware.org", "glibc/wiki");
    /* shared hosting sites: down to the project, never the host alone */
    key_is("git+https://github.com/madler/zlib.git", "github.com", "madler/zlib");
    key_is("https://github.com/madler/zlib/releases/tag/v1.2.11", "github.com", "madler/zlib");
    key_is("git@github.com:madler/zlib.git", "github.com", "madler/zlib");
    key_is("https://sourceforge.net/projects/libpng/files/", "sourceforge.net", "projects/libpng");
    key_is("https://github.com/madler", NULL, NULL);
    key_is("https://github.com/", NULL, NULL);
    key_is("https://gitlab.com/x", NULL, NULL);
    key_is("https://play.google.com/store/apps/details?id=com.x", NULL, NULL);
    /* not URLs */
    key_is("NOASSERTION", NULL, NULL);
    key_is("mailto:a@b", NULL, NULL);
    key_is("https://", NULL, NULL);
    key_is("https://bad host/x", NULL, NULL);
    key_is("", NULL, NULL);
    char big[2048];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    memcpy(big, "https://x.org/", 14);
    key_is(big, NULL, NULL);
}

static struct medsec_cpemap *parse_ok(const char *text)
{
    struct medsec_cpemap *m = NULL;
    struct medsec_error err;
    if (medsec_cpemap_parse(text, strlen(text), "m.tsv", &m, &err) != MEDSEC_OK)
        fail_msg("%s:%u:%u: %s", err.file, err.line, err.column, err.msg);
    return m;
}

static void parse_fails(const char *text, unsigned line, unsigned col, const char *msg)
{
    struct medsec_cpemap *m = NULL;
    struct medsec_error err;
    assert_int_not_equal(medsec_cpemap_parse(text, strlen(text), "m.tsv", &m, &err), MEDSEC_OK);
    assert_null(m);
    assert_string_equal(err.file, "m.tsv");
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, col);
    if (!strstr(err.msg, msg))
        fail_msg("message '%s' lacks '%s'", err.msg, msg);
}

static void test_map_format(void **state)
{
    (void)state;
    struct medsec_cpemap *m = parse_ok("# comment\n\n"
                                       "conan\tZLib\tzlib:zlib  # the one zlib\r\n"
                                       "*  libcurl  haxx:libcurl haxx:curl\n"
                                       "generic mine -\n"
                                       "yocto linux-yocto o:linux:linux_kernel\n"
                                       "url https://www.example.org/acme/ acme:widget\n"
                                       "url https://www.example.org/ example:site\n");
    assert_int_equal(medsec_cpemap_count(m), 8);
    const struct medsec_cpemap_entry *e = medsec_cpemap_find(m, MEDSEC_CPEMAP_CONAN, "zlib");
    assert_non_null(e);
    assert_int_equal(e->line, 3);
    assert_int_equal(e->ncpes, 1);
    assert_string_equal(e->cpes[0], "cpe:2.3:a:zlib:zlib:*:*:*:*:*:*:*:*");
    assert_null(medsec_cpemap_find(m, MEDSEC_CPEMAP_GENERIC, "zlib"));
    e = medsec_cpemap_find(m, MEDSEC_CPEMAP_YOCTO, "LIBCURL");
    assert_non_null(e);
    assert_int_equal(e->ncpes, 2);
    assert_string_equal(e->cpes[1], "cpe:2.3:a:haxx:curl:*:*:*:*:*:*:*:*");
    assert_int_equal(medsec_cpemap_find(m, MEDSEC_CPEMAP_GENERIC, "mine")->ncpes, 0);
    assert_string_equal(medsec_cpemap_find(m, MEDSEC_CPEMAP_YOCTO, "linux-yocto")->cpes[0],
                        "cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*");
    /* URL prefixes: the longest that covers the path */
    e = medsec_cpemap_find_url(m, "example.org", "acme/downloads");
    assert_string_equal(e->cpes[0], "cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*");
    e = medsec_cpemap_find_url(m, "example.org", "acmex");
    assert_string_equal(e->cpes[0], "cpe:2.3:a:example:site:*:*:*:*:*:*:*:*");
    assert_null(medsec_cpemap_find_url(m, "example.com", ""));
    medsec_cpemap_free(m);

    parse_fails("npm left-pad left-pad_project:left-pad\n", 1, 1, "unknown kind 'npm'");
    parse_fails("conan\n", 1, 6, "found only the kind");
    parse_fails("\nconan zlib\n", 2, 11, "found no CPE");
    parse_fails("conan zlib zlib\n", 1, 12, "'zlib' is not [PART:]VENDOR:PRODUCT");
    parse_fails("conan zlib zlib:*\n", 1, 12, "no wildcards");
    parse_fails("conan zlib x:zlib:zlib\n", 1, 12, "is not [PART:]VENDOR:PRODUCT");
    parse_fails("conan zlib zlib:zlib\nconan ZLIB gnu:zlib\n", 2, 7,
                "mapped twice (first at line 1)");
    parse_fails("* zlib zlib:zlib\ngeneric zlib gnu:zlib\n", 2, 9, "mapped twice");
    parse_fails("url https://github.com/ x:y\n", 1, 5, "not a URL a product can be told by");
    parse_fails("conan a a:a a:b a:c a:d a:e a:f a:g a:h a:i\n", 1, 41, "more than 8 CPEs");
    char nul[] = "conan z\0 z:z\n";
    struct medsec_cpemap *m2 = NULL;
    struct medsec_error err;
    assert_int_equal(medsec_cpemap_parse(nul, sizeof nul - 1, "m.tsv", &m2, &err), MEDSEC_EPARSE);
    assert_true(strstr(err.msg, "NUL") != NULL);
}

static void test_builtin_map(void **state)
{
    (void)state;
    struct medsec_cpemap *m = NULL;
    struct medsec_error err;
    assert_int_equal(medsec_cpemap_builtin(&m, &err), MEDSEC_OK);
    assert_true(medsec_cpemap_count(m) > 200);
    const struct medsec_cpemap_entry *e = medsec_cpemap_find(m, MEDSEC_CPEMAP_CONAN, "zlib");
    assert_non_null(e);
    assert_string_equal(e->file, "built-in");
    assert_string_equal(e->cpes[0], "cpe:2.3:a:zlib:zlib:*:*:*:*:*:*:*:*");
    assert_non_null(medsec_cpemap_find(m, MEDSEC_CPEMAP_GENERIC, "openssl"));
    assert_non_null(medsec_cpemap_find(m, MEDSEC_CPEMAP_YOCTO, "busybox"));
    medsec_cpemap_free(m);
}

/* Every allocation of a parse can fail: each failure is ENOMEM and leaves nothing behind. */
static void test_map_out_of_memory(void **state)
{
    (void)state;
    const char *text = "* zlib zlib:zlib\nurl https://zlib.net/ zlib:zlib\nconan a b:c d:e\n";
    size_t live = failalloc_live;
    for (long n = 0;; n++) {
        struct medsec_cpemap *m = NULL;
        struct medsec_error err;
        failalloc_arm(n);
        medsec_err rc = medsec_cpemap_parse(text, strlen(text), "m.tsv", &m, &err);
        failalloc_disarm();
        if (rc == MEDSEC_OK) {
            assert_int_equal(medsec_cpemap_count(m), 5);
            medsec_cpemap_free(m);
            break;
        }
        assert_int_equal(rc, MEDSEC_ENOMEM);
        assert_null(m);
        assert_int_equal(failalloc_live, live);
    }
}

struct items {
    char names[8][128];
    size_t nrefs[8];
    bool deprecated[8];
    unsigned lines[8];
    size_t n;
};

static int on_item(void *ud, const struct medsec_cpedict_item *it)
{
    struct items *I = ud;
    if (I->n == 8)
        return 1;
    snprintf(I->names[I->n], sizeof I->names[0], "%s", it->name);
    I->nrefs[I->n] = it->nrefs;
    I->deprecated[I->n] = it->deprecated;
    I->lines[I->n] = it->line;
    I->n++;
    return 0;
}

static void test_dictionary_reader(void **state)
{
    (void)state;
    const char *xml =
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        "<cpe-list xmlns=\"http://cpe.mitre.org/dictionary/2.0\""
        " xmlns:cpe-23=\"http://scap.nist.gov/schema/cpe-extension/2.3\">\n"
        "  <cpe-item name=\"cpe:/a:openssl:openssl:1.0.2\">\n"
        "    <references><reference href=\"https://www.openssl.org/\">site</reference>\n"
        "    <reference href=\"https://www.openssl.org/news/\">news</reference></references>\n"
        "    <cpe-23:cpe23-item name=\"cpe:2.3:a:openssl:openssl:1.0.2:*:*:*:*:*:*:*\"/>\n"
        "  </cpe-item>\n"
        "  <cpe-item name=\"cpe:/a:old:thing:1\" deprecated=\"true\"/>\n"
        "</cpe-list>\n";
    struct items I = {0};
    struct medsec_error err;
    assert_int_equal(medsec_cpedict_parse(xml, strlen(xml), "d.xml", on_item, &I, &err), MEDSEC_OK);
    assert_int_equal(I.n, 2);
    assert_string_equal(I.names[0], "cpe:2.3:a:openssl:openssl:1.0.2:*:*:*:*:*:*:*");
    assert_int_equal(I.nrefs[0], 2);
    assert_int_equal(I.lines[0], 3);
    assert_string_equal(I.names[1], "cpe:/a:old:thing:1");
    assert_true(I.deprecated[1]);
    /* a cpe-item inside another starts afresh (its references are not kept twice, nor leaked) */
    const char *nested = "<cpe-list><cpe-item name=\"a\"><reference href=\"https://a.org/\"/>"
                         "<cpe-item name=\"b\"><reference href=\"https://b.org/\"/></cpe-item>"
                         "</cpe-item></cpe-list>";
    memset(&I, 0, sizeof I);
    assert_int_equal(medsec_cpedict_parse(nested, strlen(nested), "d.xml", on_item, &I, &err),
                     MEDSEC_OK);
    assert_int_equal(I.n, 1);
    assert_string_equal(I.names[0], "b");
    assert_int_equal(I.nrefs[0], 1);
    /* malformed XML: where */
    const char *bad = "<cpe-list>\n  <cpe-item name=\"x\">\n</cpe-list>\n";
    memset(&I, 0, sizeof I);
    assert_int_equal(medsec_cpedict_parse(bad, strlen(bad), "d.xml", on_item, &I, &err),
                     MEDSEC_EPARSE);
    assert_string_equal(err.file, "d.xml");
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 3);
    assert_non_null(strstr(err.msg, "mismatched tag"));
    /* an entity that expands without bound is refused (expat's amplification limit) */
    const char *laugh = "<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">"
                        "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                        "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
                        "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">"
                        "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">]>"
                        "<cpe-list>&e;&e;&e;&e;&e;&e;&e;&e;</cpe-list>";
    assert_int_equal(medsec_cpedict_parse(laugh, strlen(laugh), "d.xml", on_item, &I, &err),
                     MEDSEC_EPARSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url_key),           cmocka_unit_test(test_map_format),
        cmocka_unit_test(test_builtin_map),       cmocka_unit_test(test_map_out_of_memory),
        cmocka_unit_test(test_dictionary_reader),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
