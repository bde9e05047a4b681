/* test_sbom.c: unit tests of SBOM import: CycloneDX and SPDX JSON, nesting, dependencies, warnings,
 * caps, OOM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "failalloc.h"
#include "medsec/sbom.h"

static struct medsec_sbom *parse_ok(const char *text, struct medsec_diags *warn)
{
    struct medsec_sbom *s = NULL;
    struct medsec_error err;
    medsec_error_clear(&err);
    medsec_err rc = medsec_sbom_parse(text, strlen(text), "t.json", NULL, &s, warn, &err);
    if (rc)
        print_error("unexpected error: %s:%u:%u: %s\n", err.file, err.line, err.column, err.msg);
    assert_int_equal(rc, MEDSEC_OK);
    assert_non_null(s);
    return s;
}

static const char *const cdx_doc =
    "{\n"
    "  \"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\",\n"
    "  \"serialNumber\": \"urn:uuid:1\",\n"
    "  \"metadata\": {\"component\": {\"type\": \"firmware\", \"bom-ref\": \"fw\", \"name\": \"pump-fw\","
    " \"version\": \"3.2\"}},\n"
    "  \"components\": [\n"
    "    {\"type\": \"library\", \"bom-ref\": \"ssl\", \"group\": \"org\", \"name\": \"openssl\",\n"
    "     \"version\": \"1.0.2j\", \"purl\": \"pkg:generic/openssl@1.0.2j\",\n"
    "     \"cpe\": \"cpe:2.3:a:openssl:openssl:1.0.2j:*:*:*:*:*:*:*\",\n"
    "     \"supplier\": {\"name\": \"OpenSSL\"},\n"
    "     \"licenses\": [{\"license\": {\"id\": \"OpenSSL\"}}, {\"license\": {\"name\": \"SSLeay\"}}],\n"
    "     \"hashes\": [{\"alg\": \"SHA-1\", \"content\": \"AA\"}, {\"alg\": \"SHA-256\", \"content\": \"ABCDEF\"}]},\n"
    "    {\"type\": \"application\", \"bom-ref\": \"bb\", \"name\": \"busybox\", \"version\": \"1.24.2\",\n"
    "     \"licenses\": [{\"expression\": \"GPL-2.0-only OR MIT\"}],\n"
    "     \"components\": [{\"bom-ref\": \"bb-ash\", \"name\": \"ash\"},\n"
    "                      {\"name\": \"hush\", \"components\": [{\"bom-ref\": \"deep\", \"name\": \"deep\"}]}]}\n"
    "  ],\n"
    "  \"dependencies\": [\n"
    "    {\"ref\": \"fw\", \"dependsOn\": [\"bb\", \"ssl\", \"ssl\", \"fw\"]},\n"
    "    {\"ref\": \"bb\", \"dependsOn\": [\"ssl\"]},\n"
    "    {\"ref\": \"ssl\"}\n"
    "  ]\n"
    "}\n";

static void test_cyclonedx(void **state)
{
    (void)state;
    struct medsec_diags warn = MEDSEC_DIAGS_INIT;
    struct medsec_sbom *s = parse_ok(cdx_doc, &warn);
    assert_int_equal(warn.n, 0);
    assert_int_equal(s->format, MEDSEC_SBOM_CYCLONEDX);
    assert_string_equal(medsec_sbom_format_name(s->format), "CycloneDX");
    assert_string_equal(s->spec_version, "1.5");
    assert_string_equal(s->serial, "urn:uuid:1");
    assert_string_equal(s->subject, "pump-fw");
    assert_string_equal(s->subject_ref, "fw");
    assert_string_equal(s->path, "t.json");
    assert_int_equal(s->ncomponents, 6);
    /* the subject is component 0 */
    assert_true(s->components[0].is_subject);
    assert_string_equal(s->components[0].type, "firmware");
    const struct medsec_sbom_component *ssl = medsec_sbom_find(s, "ssl");
    assert_ptr_equal(ssl, &s->components[1]);
    assert_false(ssl->is_subject);
    assert_string_equal(ssl->group, "org");
    assert_string_equal(ssl->version, "1.0.2j");
    assert_string_equal(ssl->purl, "pkg:generic/openssl@1.0.2j");
    assert_int_equal(ssl->ncpes, 1);
    assert_string_equal(ssl->cpes[0], "cpe:2.3:a:openssl:openssl:1.0.2j:*:*:*:*:*:*:*");
    assert_string_equal(ssl->supplier, "OpenSSL");
    assert_string_equal(ssl->license, "OpenSSL AND SSLeay");
    assert_string_equal(ssl->sha256, "abcdef");
    assert_int_equal(ssl->parent, MEDSEC_SBOM_NO_PARENT);
    assert_int_equal(ssl->line, 6);
    assert_int_equal(ssl->column, 5);
    const struct medsec_sbom_component *bb = medsec_sbom_find(s, "bb");
    assert_string_equal(bb->license, "GPL-2.0-only OR MIT");
    assert_null(bb->purl);
    assert_int_equal(bb->ncpes, 0);
    /* nesting: ash and hush inside busybox, deep inside hush (which got a generated ref) */
    size_t ibb = (size_t)(bb - s->components);
    assert_int_equal(medsec_sbom_find(s, "bb-ash")->parent, ibb);
    assert_string_equal(s->components[4].name, "hush");
    assert_int_equal(s->components[4].parent, ibb);
    assert_non_null(s->components[4].ref);
    assert_ptr_equal(medsec_sbom_find(s, s->components[4].ref), &s->components[4]);
    assert_int_equal(medsec_sbom_find(s, "deep")->parent, 4);
    assert_null(medsec_sbom_find(s, "nope"));
    assert_null(medsec_sbom_find(s, NULL));
    /* edges sorted, duplicates and the self edge dropped: fw->ssl, fw->bb, bb->ssl */
    assert_int_equal(s->ndeps, 3);
    assert_int_equal(s->deps[0].from, 0);
    assert_int_equal(s->deps[0].to, 1);
    assert_int_equal(s->deps[1].from, 0);
    assert_int_equal(s->deps[1].to, ibb);
    assert_int_equal(s->deps[2].from, ibb);
    assert_int_equal(s->deps[2].to, 1);
    assert_int_equal(s->nwarnings, 0);
    assert_int_equal(s->nskipped, 0);
    medsec_sbom_free(s);
    medsec_diags_release(&warn);
}

static const char *const spdx_doc =
    "{\"spdxVersion\": \"SPDX-2.3\", \"SPDXID\": \"SPDXRef-DOCUMENT\", \"name\": \"board-1.0\",\n"
    " \"documentNamespace\": \"https://x.invalid/board\",\n"
    " \"packages\": [\n"
    "  {\"SPDXID\": \"SPDXRef-board\", \"name\": \"board\", \"versionInfo\": \"1.0\",\n"
    "   \"primaryPackagePurpose\": \"FIRMWARE\", \"supplier\": \"NOASSERTION\"},\n"
    "  {\"SPDXID\": \"SPDXRef-zlib\", \"name\": \"zlib\", \"versionInfo\": \"1.2.8\",\n"
    "   \"supplier\": \"Organization: Jean-loup Gailly\",\n"
    "   \"licenseConcluded\": \"NOASSERTION\", \"licenseDeclared\": \"Zlib\",\n"
    "   \"checksums\": [{\"algorithm\": \"SHA1\", \"checksumValue\": \"11\"},\n"
    "                 {\"algorithm\": \"SHA256\", \"checksumValue\": \"A1B2\"}],\n"
    "   \"externalRefs\": [\n"
    "     {\"referenceCategory\": \"SECURITY\", \"referenceType\": \"cpe22Type\", \"referenceLocator\": "
    "\"cpe:/a:zlib:zlib:1.2.8\"},\n"
    "     {\"referenceCategory\": \"PACKAGE-MANAGER\", \"referenceType\": \"purl\", \"referenceLocator\": "
    "\"pkg:generic/zlib@1.2.8\"},\n"
    "     {\"referenceCategory\": \"PACKAGE-MANAGER\", \"referenceType\": \"purl\", \"referenceLocator\": "
    "\"pkg:conan/zlib@1.2.8\"},\n"
    "     {\"referenceCategory\": \"SECURITY\", \"referenceType\": \"cpe23Type\", \"referenceLocator\": "
    "\"cpe:2.3:a:zlib:zlib:1.2.8:*:*:*:*:*:*:*\"}]},\n"
    "  {\"SPDXID\": \"SPDXRef-png\", \"name\": \"libpng\", \"versionInfo\": \"1.6.23\",\n"
    "   \"licenseConcluded\": \"Libpng\", \"licenseDeclared\": \"NOASSERTION\", \"supplier\": \"Person: Glenn\"}\n"
    " ],\n"
    " \"files\": [{\"SPDXID\": \"SPDXRef-File-a\", \"fileName\": \"./a\"}],\n"
    " \"relationships\": [\n"
    "  {\"spdxElementId\": \"SPDXRef-DOCUMENT\", \"relationshipType\": \"DESCRIBES\", "
    "\"relatedSpdxElement\": \"SPDXRef-board\"},\n"
    "  {\"spdxElementId\": \"SPDXRef-board\", \"relationshipType\": \"CONTAINS\", "
    "\"relatedSpdxElement\": \"SPDXRef-png\"},\n"
    "  {\"spdxElementId\": \"SPDXRef-zlib\", \"relationshipType\": \"DEPENDENCY_OF\", "
    "\"relatedSpdxElement\": \"SPDXRef-png\"},\n"
    "  {\"spdxElementId\": \"SPDXRef-png\", \"relationshipType\": \"DEPENDS_ON\", "
    "\"relatedSpdxElement\": \"SPDXRef-zlib\"},\n"
    "  {\"spdxElementId\": \"SPDXRef-board\", \"relationshipType\": \"CONTAINS\", "
    "\"relatedSpdxElement\": \"SPDXRef-File-a\"},\n"
    "  {\"spdxElementId\": \"SPDXRef-zlib\", \"relationshipType\": \"OTHER\", "
    "\"relatedSpdxElement\": \"SPDXRef-board\"}\n"
    " ]}\n";

static void test_spdx(void **state)
{
    (void)state;
    struct medsec_diags warn = MEDSEC_DIAGS_INIT;
    struct medsec_sbom *s = parse_ok(spdx_doc, &warn);
    assert_int_equal(warn.n, 0);
    assert_int_equal(s->format, MEDSEC_SBOM_SPDX);
    assert_string_equal(s->spec_version, "SPDX-2.3");
    assert_string_equal(s->serial, "https://x.invalid/board");
    assert_string_equal(s->subject, "board-1.0");
    assert_string_equal(s->subject_ref, "SPDXRef-board");
    assert_int_equal(s->ncomponents, 3);
    assert_true(s->components[0].is_subject);
    assert_false(s->components[1].is_subject);
    assert_string_equal(s->components[0].type, "FIRMWARE");
    assert_null(s->components[0].supplier);
    const struct medsec_sbom_component *z = medsec_sbom_find(s, "SPDXRef-zlib");
    assert_string_equal(z->name, "zlib");
    assert_string_equal(z->version, "1.2.8");
    assert_string_equal(z->supplier, "Jean-loup Gailly");
    assert_string_equal(z->license, "Zlib");
    assert_string_equal(z->sha256, "a1b2");
    assert_string_equal(z->purl, "pkg:generic/zlib@1.2.8"); /* the first purl */
    assert_int_equal(z->ncpes, 2);
    assert_string_equal(z->cpes[0], "cpe:/a:zlib:zlib:1.2.8");
    assert_string_equal(z->cpes[1], "cpe:2.3:a:zlib:zlib:1.2.8:*:*:*:*:*:*:*");
    assert_int_equal(z->parent, MEDSEC_SBOM_NO_PARENT);
    assert_int_equal(z->line, 6);
    assert_int_equal(z->column, 3);
    const struct medsec_sbom_component *png = medsec_sbom_find(s, "SPDXRef-png");
    assert_string_equal(png->license, "Libpng");
    assert_string_equal(png->supplier, "Glenn");
    /* board CONTAINS png; png DEPENDS_ON zlib twice (once as zlib DEPENDENCY_OF png); file and
     * OTHER relationships are not edges */
    assert_int_equal(s->ndeps, 2);
    assert_int_equal(s->deps[0].from, 0);
    assert_int_equal(s->deps[0].to, 2);
    assert_int_equal(s->deps[1].from, 2);
    assert_int_equal(s->deps[1].to, 1);
    medsec_sbom_free(s);
    medsec_diags_release(&warn);
}

/* Bad components: each gives one warning at its position and is skipped or loses the bad field. */
static void test_warnings(void **state)
{
    (void)state;
    const char *text =
        "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.4\",\n"
        " \"components\": [\n"
        "  {\"bom-ref\": \"a\", \"name\": \"alpha\", \"version\": 1.5},\n"
        "  {\"bom-ref\": \"a\", \"name\": \"alpha-again\"},\n"
        "  {\"bom-ref\": \"n\", \"components\": [{\"bom-ref\": \"kid\", \"name\": \"kid\"}]},\n"
        "  {\"name\": 7},\n"
        "  42,\n"
        "  {\"bom-ref\": \"s\", \"name\": \"sup\", \"supplier\": \"ACME\", \"licenses\": [{\"license\": {\"url\": \"u\"}}]}\n"
        " ],\n"
        " \"dependencies\": [{\"ref\": \"a\", \"dependsOn\": [\"ghost\", 3, \"kid\"]}, {\"ref\": \"zz\"}]\n"
        "}\n";
    struct medsec_diags warn = MEDSEC_DIAGS_INIT;
    struct medsec_sbom *s = parse_ok(text, &warn);
    assert_int_equal(s->ncomponents, 3); /* alpha, kid, sup */
    assert_string_equal(s->components[0].name, "alpha");
    assert_null(s->components[0].version);
    assert_string_equal(s->components[1].name, "kid");
    assert_int_equal(s->components[1].parent, MEDSEC_SBOM_NO_PARENT); /* its parent was skipped */
    assert_null(s->components[2].supplier);
    assert_null(s->components[2].license);
    assert_int_equal(s->nskipped, 4);
    assert_int_equal(s->ndeps, 1);
    struct {
        unsigned line, col;
        const char *path, *msg;
    } want[] = {
        {3, 48, "components[0]",
         "version of component 'alpha' (a) is a number, not a string; ignored"},
        {4, 3, "components[1]",
         "component 'alpha-again' (a): duplicate bom-ref 'a' (first at line 3); skipped"},
        {5, 3, "components[2]", "component n has no name; skipped"},
        {6, 12, "components[3]", "component #2 has no name (name is not a string); skipped"},
        {7, 3, "components[4]", "component is a number, not an object; skipped"},
        {8, 47, "components[5]",
         "supplier of component 'sup' (s) is a string, not an object; ignored"},
        {8, 68, "components[5].licenses[0]",
         "license entry of component 'sup' (s) has no string id, name or expression; ignored"},
        {10, 46, "dependencies[0].dependsOn[0]",
         "'a' depends on 'ghost', which is not a component; edge ignored"},
        {10, 55, "dependencies[0].dependsOn[1]", "dependsOn entry of 'a' is not a string; ignored"},
        {10, 67, "dependencies[1]", "dependency ref 'zz' is not a component; ignored"},
    };
    assert_int_equal(warn.n, sizeof want / sizeof *want);
    assert_int_equal(s->nwarnings, warn.n);
    for (size_t i = 0; i < warn.n; i++) {
        assert_string_equal(warn.v[i].file, "t.json");
        assert_int_equal(warn.v[i].severity, MEDSEC_SEV_WARNING);
        assert_string_equal(warn.v[i].msg, want[i].msg);
        assert_string_equal(warn.v[i].path, want[i].path);
        assert_int_equal(warn.v[i].line, want[i].line);
        assert_int_equal(warn.v[i].column, want[i].col);
    }
    medsec_sbom_free(s);
    medsec_diags_release(&warn);

    /* SPDX: a package without SPDXID gets a generated one (with a warning); duplicates are skipped
     */
    const char *spdx = "{\"spdxVersion\": \"SPDX-2.2\", \"packages\": [\n"
                       " {\"name\": \"x\"},\n"
                       " {\"SPDXID\": \"SPDXRef-y\", \"name\": \"y\", \"versionInfo\": [1]},\n"
                       " {\"SPDXID\": \"SPDXRef-y\", \"name\": \"y2\"},\n"
                       " {\"SPDXID\": \"SPDXRef-z\"}],\n"
                       " \"relationships\": [{\"spdxElementId\": 1}]}";
    struct medsec_diags w2 = MEDSEC_DIAGS_INIT;
    s = parse_ok(spdx, &w2);
    assert_int_equal(s->ncomponents, 2);
    assert_string_equal(s->components[0].ref, "medsec-ref-1");
    assert_null(s->components[1].version);
    assert_int_equal(w2.n, 5);
    assert_string_equal(w2.v[0].msg, "package 'x' has no SPDXID; given a generated one");
    assert_int_equal(w2.v[0].line, 2);
    assert_int_equal(w2.v[0].column, 2);
    assert_string_equal(w2.v[1].msg,
                        "versionInfo of package 'y' (SPDXRef-y) is a array, not a string; ignored");
    assert_string_equal(w2.v[2].msg, "package 'y2' (SPDXRef-y): duplicate SPDXID 'SPDXRef-y' "
                                     "(first at line 3); skipped");
    assert_string_equal(w2.v[3].msg, "package SPDXRef-z has no name; skipped");
    assert_int_equal(w2.v[3].line, 5);
    assert_string_equal(w2.v[4].path, "relationships[0]");
    medsec_sbom_free(s);
    medsec_diags_release(&w2);

    /* an empty bom-ref names nothing: the component gets a generated one, with a warning */
    const char *empty_ref = "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\",\n"
                            " \"components\": [{\"bom-ref\": \"\", \"name\": \"e\"},\n"
                            "  {\"bom-ref\": \"\", \"name\": \"f\"}]}";
    struct medsec_diags w3 = MEDSEC_DIAGS_INIT;
    s = parse_ok(empty_ref, &w3);
    assert_int_equal(s->ncomponents, 2);
    assert_string_equal(s->components[0].ref, "medsec-ref-1");
    assert_string_equal(s->components[1].ref, "medsec-ref-2");
    assert_int_equal(w3.n, 2);
    assert_string_equal(w3.v[0].msg, "component 'e' has an empty bom-ref; given a generated one");
    assert_string_equal(w3.v[0].path, "components[0]");
    assert_int_equal(w3.v[0].line, 2);
    assert_int_equal(w3.v[0].column, 29);
    assert_string_equal(w3.v[1].msg, "component 'f' has an empty bom-ref; given a generated one");
    assert_int_equal(w3.v[1].line, 3);
    medsec_sbom_free(s);
    medsec_diags_release(&w3);

    /* without a diagnostics list the warnings are still counted */
    s = parse_ok(spdx, NULL);
    assert_int_equal(s->nwarnings, 5);
    assert_int_equal(s->nskipped, 2);
    medsec_sbom_free(s);
}

static void expect_error(const char *text, medsec_err code, unsigned line, unsigned col,
                         const char *msg)
{
    struct medsec_sbom *s = (struct medsec_sbom *)1;
    struct medsec_error err;
    medsec_error_clear(&err);
    medsec_err rc = medsec_sbom_parse(text, strlen(text), "bad.json", NULL, &s, NULL, &err);
    assert_int_equal(rc, code);
    assert_null(s);
    assert_string_equal(err.file, "bad.json");
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, col);
    if (msg)
        assert_string_equal(err.msg, msg);
    else
        assert_true(err.msg[0] != '\0');
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("{\"bomFormat\": \"CycloneDX\",\n \"specVersion\": \"2.0\"}", MEDSEC_EUNSUPPORTED,
                 2, 17, "unknown CycloneDX specVersion '2.0' (supported: 1.2 to 1.7)");
    expect_error("{\"bomFormat\": \"CycloneDX\"}", MEDSEC_EUNSUPPORTED, 1, 1,
                 "CycloneDX BOM without a string specVersion");
    expect_error("{\"bomFormat\": \"SWID\", \"specVersion\": \"1.4\"}", MEDSEC_EUNSUPPORTED, 1, 15,
                 "bomFormat is not \"CycloneDX\"");
    expect_error("{\"spdxVersion\": \"SPDX-3.0\"}", MEDSEC_EUNSUPPORTED, 1, 17,
                 "unknown spdxVersion 'SPDX-3.0' (supported: SPDX-2.2, SPDX-2.3)");
    expect_error("{\"spdxVersion\": 2}", MEDSEC_EUNSUPPORTED, 1, 17,
                 "unknown spdxVersion (supported: SPDX-2.2, SPDX-2.3)");
    expect_error("[1, 2]", MEDSEC_EUNSUPPORTED, 1, 1,
                 "not an SBOM: the top level is a JSON array, not an object");
    expect_error("{\"name\": \"x\"}", MEDSEC_EUNSUPPORTED, 1, 1,
                 "not a recognised SBOM: neither bomFormat \"CycloneDX\" nor spdxVersion");
    expect_error("SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n", MEDSEC_EUNSUPPORTED, 1, 1,
                 "SPDX tag-value format is not supported; use SPDX JSON");
    expect_error("  <?xml version=\"1.0\"?><bom/>", MEDSEC_EUNSUPPORTED, 1, 1,
                 "XML SBOMs are not supported; use CycloneDX or SPDX JSON");
    expect_error(" \n\t", MEDSEC_EPARSE, 1, 1, "empty file: not an SBOM");
    expect_error("{\"bomFormat\": \"CycloneDX\",\n  \"specVersion\": }", MEDSEC_EPARSE, 2, 18,
                 NULL);
    /* a key twice: jq and Python take the last "components", a first-wins reader none; refused */
    expect_error("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\", \"components\": [],\n"
                 " \"components\": [{\"name\": \"openssl\", \"version\": \"1.0.2j\"}]}",
                 MEDSEC_EPARSE, 2, 2,
                 "duplicate key \"components\" in object (first at line 1, column 50)");
    expect_error("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\", \"components\": [\n"
                 " {\"name\": \"a\", \"version\": \"1\", \"version\": \"2\"}]}",
                 MEDSEC_EPARSE, 2, 32,
                 "duplicate key \"version\" in object (first at line 2, column 16)");
    /* a NUL would cut the text short: "1.5\0junk" read as "1.5", "open\0ssl" as "open" */
    expect_error("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\\u0000junk\"}",
                 MEDSEC_EPARSE, 1, 47, "\\u0000 (a NUL character) in a string; not accepted");
    expect_error("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\", \"components\": [\n"
                 " {\"name\": \"open\\u0000ssl\"}]}",
                 MEDSEC_EPARSE, 2, 16, "\\u0000 (a NUL character) in a string; not accepted");

    struct medsec_sbom *s = NULL;
    struct medsec_error err;
    medsec_error_clear(&err);
    assert_int_equal(medsec_sbom_load("/nonexistent/x.cdx.json", NULL, &s, NULL, &err),
                     MEDSEC_ENOTFOUND);
    assert_null(s);
    assert_string_equal(err.file, "/nonexistent/x.cdx.json");
}

static void test_caps(void **state)
{
    (void)state;
    struct medsec_sbom *s = NULL;
    struct medsec_error err;
    struct medsec_sbom_limits lim = {.max_components = 5};
    medsec_error_clear(&err);
    /* cdx_doc has 6 components including the subject */
    assert_int_equal(medsec_sbom_parse(cdx_doc, strlen(cdx_doc), "c.json", &lim, &s, NULL, &err),
                     MEDSEC_ETOOBIG);
    assert_null(s);
    assert_string_equal(err.msg, "more than 5 components (the component cap)");
    assert_int_equal(err.line, 15); /* at "deep", the sixth */
    lim.max_components = 6;
    assert_int_equal(medsec_sbom_parse(cdx_doc, strlen(cdx_doc), "c.json", &lim, &s, NULL, &err),
                     MEDSEC_OK);
    assert_int_equal(s->ncomponents, 6);
    medsec_sbom_free(s);
    s = NULL;
    struct medsec_sbom_limits small = {.max_bytes = 100};
    assert_int_equal(medsec_sbom_parse(cdx_doc, strlen(cdx_doc), "c.json", &small, &s, NULL, &err),
                     MEDSEC_ETOOBIG);
    assert_null(s);
    assert_non_null(strstr(err.msg, "more than the cap of 100"));
    /* the file reader applies the same cap */
    assert_int_equal(medsec_sbom_load(MEDSEC_SOURCE_DIR
                                      "/examples/infusion-pump/sbom/main-board.cdx.json",
                                      &small, &s, NULL, &err),
                     MEDSEC_ETOOBIG);
    assert_null(s);
}

static void test_alloc_failure(void **state)
{
    (void)state;
    const char *docs[] = {
        cdx_doc, spdx_doc,
        "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"components\": ["
        "{\"name\": \"a\"}, {\"name\": 1}, {\"bom-ref\": \"r\", \"name\": \"b\"},"
        "{\"bom-ref\": \"r\", \"name\": \"c\"}], \"dependencies\": [{\"ref\": \"q\"}]}"};
    for (size_t d = 0; d < sizeof docs / sizeof *docs; d++) {
        for (long n = 0;; n++) {
            struct medsec_diags warn = MEDSEC_DIAGS_INIT;
            struct medsec_sbom *s = NULL;
            struct medsec_error err;
            failalloc_arm(n);
            medsec_err rc = medsec_sbom_parse(docs[d], strlen(docs[d]), "f", NULL, &s, &warn, &err);
            failalloc_disarm();
            medsec_diags_release(&warn);
            if (rc == MEDSEC_OK) {
                assert_non_null(s);
                medsec_sbom_free(s);
                assert_true(n > 3);
                break;
            }
            assert_int_equal(rc, MEDSEC_ENOMEM);
            assert_null(s);
            assert_string_equal(err.msg, "out of memory");
        }
    }
}

/* The example SBOMs of the infusion pump: CycloneDX and SPDX list the same components. */
static void test_examples(void **state)
{
    (void)state;
    struct medsec_sbom *cdx = NULL, *spdx = NULL;
    struct medsec_diags warn = MEDSEC_DIAGS_INIT;
    struct medsec_error err;
    medsec_error_clear(&err);
    assert_int_equal(medsec_sbom_load(MEDSEC_SOURCE_DIR
                                      "/examples/infusion-pump/sbom/main-board.cdx.json",
                                      NULL, &cdx, &warn, &err),
                     MEDSEC_OK);
    assert_int_equal(medsec_sbom_load(MEDSEC_SOURCE_DIR
                                      "/examples/infusion-pump/sbom/main-board.spdx.json",
                                      NULL, &spdx, &warn, &err),
                     MEDSEC_OK);
    assert_int_equal(warn.n, 0);
    assert_int_equal(cdx->ncomponents, 16);
    assert_int_equal(spdx->ncomponents, cdx->ncomponents);
    for (size_t i = 0; i < cdx->ncomponents; i++) {
        const struct medsec_sbom_component *a = &cdx->components[i], *b = &spdx->components[i];
        assert_string_equal(a->name, b->name);
        assert_string_equal(a->version, b->version);
        assert_int_equal(a->ncpes, b->ncpes);
        assert_int_equal(a->is_subject, b->is_subject);
        if (a->purl)
            assert_string_equal(a->purl, b->purl);
        if (a->ncpes)
            assert_string_equal(a->cpes[0], b->cpes[0]);
        /* refs follow the convention main-board/<x> <-> SPDXRef-<x> */
        assert_int_equal(strncmp(a->ref, "main-board/", 11), 0);
        assert_int_equal(strncmp(b->ref, "SPDXRef-", 8), 0);
    }
    const struct medsec_sbom_component *ssl = medsec_sbom_find(cdx, "main-board/openssl");
    assert_non_null(ssl);
    assert_string_equal(ssl->cpes[0], "cpe:2.3:a:openssl:openssl:1.0.2j:*:*:*:*:*:*:*");
    assert_non_null(medsec_sbom_find(spdx, "SPDXRef-openssl"));
    assert_true(spdx->ndeps >= cdx->ndeps); /* SPDX also has the CONTAINS edges */
    medsec_sbom_free(cdx);
    medsec_sbom_free(spdx);
    medsec_diags_release(&warn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cyclonedx), cmocka_unit_test(test_spdx),
        cmocka_unit_test(test_warnings),  cmocka_unit_test(test_errors),
        cmocka_unit_test(test_caps),      cmocka_unit_test(test_alloc_failure),
        cmocka_unit_test(test_examples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
