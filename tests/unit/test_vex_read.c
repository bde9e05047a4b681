/* test_vex_read.c: medsec_vex_read on small hand-made CycloneDX, OpenVEX and CSAF documents: every
 * field's mapping, every warning with its line and column, the errors and caps, and no leak when
 * an allocation fails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "failalloc.h"
#include "medsec/buf.h"
#include "medsec/vex.h"

static medsec_err rd(const char *text, struct medsec_vex_doc *d, struct medsec_diags *w,
                     struct medsec_error *e)
{
    return medsec_vex_read("t.json", text, strlen(text), d, w, e);
}

/* The warning whose message contains @sub, or fail. */
static const struct medsec_diag *warning(const struct medsec_diags *w, const char *sub)
{
    for (size_t i = 0; i < w->n; i++)
        if (strstr(w->v[i].msg, sub))
            return &w->v[i];
    fail_msg("no warning with '%s' among %zu", sub, w->n);
    return NULL;
}

static void assert_at(const struct medsec_diag *g, unsigned line, unsigned col, const char *field)
{
    assert_int_equal(g->severity, MEDSEC_SEV_WARNING);
    assert_string_equal(g->file, "t.json");
    assert_int_equal(g->line, line);
    assert_int_equal(g->column, col);
    assert_string_equal(g->path, field);
}

/* ---- CycloneDX ---- */

static const char cdx[] =
    "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\",\n" /* 1 */
    " \"serialNumber\": \"urn:uuid:1111\",\n"                    /* 2 */
    " \"metadata\": {\"timestamp\": \"2025-01-02T03:04:05Z\", \"supplier\": {\"name\": "
    "\"Acme\"},\n"                                                                         /* 3 */
    "   \"component\": {\"bom-ref\": \"dev\", \"name\": \"Pump\", \"version\": \"2\"}},\n" /* 4 */
    " \"components\": [{\"bom-ref\": \"lib\", \"name\": \"openssl\", \"version\": \"3.0.1\",\n"
    "   \"purl\": \"pkg:generic/openssl@3.0.1\", \"components\": [{\"bom-ref\": \"sub\", "
    "\"name\": \"zlib\",\n"                                                                /* 6 */
    "   \"version\": \"1.3\", \"cpe\": \"cpe:2.3:a:zlib:zlib:1.3:*:*:*:*:*:*:*\"}]}],\n"   /* 7 */
    " \"vulnerabilities\": [\n"                                                            /* 8 */
    "  {\"id\": \"CVE-2024-0001\", \"references\": [{\"id\": \"GHSA-aaaa-bbbb-cccc\"}],\n" /* 9 */
    "   \"analysis\": {\"state\": \"not_affected\", \"justification\": "
    "\"protected_at_perimeter\",\n" /* 10 */
    "     \"response\": [\"will_not_fix\", \"update\"], \"detail\": \"behind the gateway\",\n"
    "     \"lastUpdated\": \"2025-02-01\"},\n"                                  /* 12 */
    "   \"affects\": [{\"ref\": \"lib\"}, {\"ref\": \"urn:cdx:1111/1#sub\"},\n" /* 13 */
    "     {\"ref\": \"urn:cdx:2222/1#pkg:npm/left-pad@1.0.0\"}, {\"ref\": "
    "\"urn:cdx:2222/1#product-X\"},\n"                                       /* 14 */
    "     {\"ref\": \"nowhere\", \"versions\": [{\"version\": \"1.0\"}]},\n" /* 15 */
    "     {\"ref\": \"dev\", \"versions\": [{\"version\": \"1.0\"}, {\"range\": "
    "\"vers:generic/>=2|<3\"}]}]},\n"                                              /* 16 */
    "  {\"id\": \"CVE-2024-0002\", \"analysis\": {\"state\": \"exploitable\"}},\n" /* 17 */
    "  {\"id\": \"CVE-2024-0003\"},\n"                                             /* 18 */
    "  {\"id\": \"CVE-2024-0004\", \"analysis\": {\"state\": \"affected\"}},\n"    /* 19 */
    "  {\"id\": \"CVE-2024-0005\", \"analysis\": {\"state\": \"not_affected\", "
    "\"justification\": \"because\"}},\n" /* 20 */
    "  {\"id\": \"CVE-2024-0006\", \"analysis\": {\"state\": \"exploitable\", \"response\": "
    "[\"pray\"]}},\n"                                                           /* 21 */
    "  {\"analysis\": {\"state\": \"exploitable\"}},\n"                         /* 22 */
    "  {\"id\": \"CVE-2024-0007\", \"analysis\": {\"detail\": \"no state\"}}\n" /* 23 */
    " ]}\n";

static void test_cyclonedx(void **state)
{
    (void)state;
    struct medsec_vex_doc d;
    struct medsec_diags w = MEDSEC_DIAGS_INIT;
    struct medsec_error e;
    assert_int_equal(rd(cdx, &d, &w, &e), MEDSEC_OK);
    assert_int_equal(d.format, MEDSEC_VEX_CYCLONEDX);
    assert_string_equal(d.id, "urn:uuid:1111");
    assert_string_equal(d.author, "Acme");
    assert_string_equal(d.timestamp, "2025-01-02T03:04:05Z");
    assert_string_equal(d.product, "Pump");
    assert_int_equal(d.n, 7); /* six affects of CVE-2024-0001, one of -0002 without affects */

    const struct medsec_vex_statement *s = &d.v[0];
    assert_string_equal(s->vuln, "CVE-2024-0001");
    assert_int_equal(s->naliases, 1);
    assert_string_equal(s->aliases[0], "GHSA-aaaa-bbbb-cccc");
    assert_int_equal(s->state, MEDSEC_VEX_NOT_AFFECTED);
    assert_int_equal(s->cdx_justification, MEDSEC_CDX_PROTECTED_AT_PERIMETER);
    assert_int_equal(s->justification, MEDSEC_VEX_CODE_CANNOT_BE_CONTROLLED);
    assert_int_equal(s->responses, MEDSEC_VEX_RESP_WILL_NOT_FIX | MEDSEC_VEX_RESP_UPDATE);
    assert_string_equal(s->detail, "behind the gateway");
    assert_string_equal(s->timestamp, "2025-02-01");
    assert_string_equal(s->author, "Acme");
    assert_int_equal(s->origin, MEDSEC_VEX_BY_SUPPLIER);
    assert_string_equal(s->product, "pkg:generic/openssl@3.0.1");
    assert_string_equal(s->product_name, "openssl");
    assert_string_equal(s->product_version, "3.0.1");
    assert_int_equal(s->line, 13); /* a statement is where its affects entry is */
    assert_int_equal(s->column, 16);
    assert_true(medsec_vex_statement_names(s, "CVE-2024-0001"));
    assert_true(medsec_vex_statement_names(s, "ghsa-AAAA-bbbb-cccc"));
    assert_false(medsec_vex_statement_names(s, "CVE-2024-000"));
    assert_false(medsec_vex_statement_names(s, "CVE-2024-00011"));
    /* a BOM-Link to this document: the nested component, its CPE as the product */
    assert_string_equal(d.v[1].product, "cpe:2.3:a:zlib:zlib:1.3:*:*:*:*:*:*:*");
    assert_string_equal(d.v[1].product_name, "zlib");
    /* a BOM-Link to another BOM whose ref is a purl: the purl, no warning */
    assert_string_equal(d.v[2].product, "pkg:npm/left-pad@1.0.0");
    /* another BOM, a ref that is no purl: kept, with a warning */
    assert_string_equal(d.v[3].product, "urn:cdx:2222/1#product-X");
    assert_at(warning(&w, "refers to another BOM"), 14, 64, "vulnerabilities[0].affects[3].ref");
    /* an unknown local ref: kept, with a warning; one version */
    assert_string_equal(d.v[4].product, "nowhere");
    assert_string_equal(d.v[4].product_version, "1.0");
    assert_null(d.v[4].product_range);
    assert_at(warning(&w, "'nowhere' names no component"), 15, 14,
              "vulnerabilities[0].affects[4].ref");
    /* the device itself, a list of versions */
    assert_string_equal(d.v[5].product_name, "Pump");
    assert_string_equal(d.v[5].product_version, "2");
    assert_string_equal(d.v[5].product_range, "1.0, vers:generic/>=2|<3");
    /* no affects: no product; the document's time */
    s = &d.v[6];
    assert_string_equal(s->vuln, "CVE-2024-0002");
    assert_int_equal(s->line, 17); /* no affects: where the vulnerability is */
    assert_int_equal(s->column, 3);
    assert_int_equal(s->state, MEDSEC_VEX_EXPLOITABLE);
    assert_null(s->product);
    assert_int_equal(s->cdx_justification, MEDSEC_CDX_UNSTATED);
    assert_int_equal(s->justification, MEDSEC_VEX_UNSTATED);
    assert_string_equal(s->timestamp, "2025-01-02T03:04:05Z");
    /* skipped, each with the field and where */
    assert_at(warning(&w, "'affected' is not a CycloneDX analysis state"), 19, 49,
              "vulnerabilities[3].analysis.state");
    assert_at(warning(&w, "'because' is not a CycloneDX justification"), 20, 82,
              "vulnerabilities[4].analysis.justification");
    assert_at(warning(&w, "'pray' is not a CycloneDX response"), 21, 77,
              "vulnerabilities[5].analysis.response[0]");
    assert_at(warning(&w, "no vulnerability id"), 22, 3, "vulnerabilities[6].id");
    assert_at(warning(&w, "missing; statement skipped"), 23, 39,
              "vulnerabilities[7].analysis.state");
    assert_int_equal(w.n, 7);
    medsec_diags_release(&w);
    medsec_vex_doc_release(&d);
}

/* ---- OpenVEX ---- */

static const char openvex[] =
    "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"@id\": \"https://x/vex-1\",\n" /* 1 */
    " \"author\": \"Supplier Inc\", \"timestamp\": \"2025-03-01T00:00:00Z\",\n"         /* 2 */
    " \"statements\": [\n"                                                              /* 3 */
    "  {\"vulnerability\": {\"name\": \"CVE-2025-1\", \"aliases\": [\"GHSA-1\"]},\n"    /* 4 */
    "   \"products\": [{\"@id\": \"pkg:oci/img@sha256:ab\", \"subcomponents\": [{\"@id\": "
    "\"pkg:deb/debian/curl@7\"},\n" /* 5 */
    "     {\"@id\": \"pkg:deb/debian/zlib@1\"}]}, {\"@id\": \"x\", \"identifiers\": {\"purl\": "
    "\"pkg:generic/y@2\"}}],\n" /* 6 */
    "   \"status\": \"not_affected\", \"justification\": \"vulnerable_code_not_in_execute_path\",\n"
    "   \"impact_statement\": \"never called\", \"timestamp\": \"2025-03-02\"},\n" /* 8 */
    "  {\"vulnerability\": {\"@id\": \"CVE-2025-2\"}, \"products\": [{\"@id\": \"pkg:a/b@1\"}],\n"
    "   \"status\": \"affected\", \"action_statement\": \"update to 2\", \"supplier\": "
    "\"B Corp\"},\n" /* 10 */
    "  {\"vulnerability\": {\"name\": \"CVE-2025-3\"}, \"products\": [{\"@id\": \"pkg:a/b@1\"}], "
    "\"status\": \"fixed\",\n"                                                      /* 11 */
    "   \"status_notes\": \"fixed in 1.1\"},\n"                                     /* 12 */
    "  {\"vulnerability\": {\"name\": \"CVE-2025-4\"}, \"status\": \"unknown\"},\n" /* 13 */
    "  {\"vulnerability\": {\"name\": \"CVE-2025-5\"}, \"status\": \"not_affected\", "
    "\"justification\": \"trust_me\"},\n" /* 14 */
    "  {\"status\": \"fixed\"}\n"         /* 15 */
    " ]}\n";

static void test_openvex(void **state)
{
    (void)state;
    struct medsec_vex_doc d;
    struct medsec_diags w = MEDSEC_DIAGS_INIT;
    struct medsec_error e;
    assert_int_equal(rd(openvex, &d, &w, &e), MEDSEC_OK);
    assert_int_equal(d.format, MEDSEC_VEX_OPENVEX);
    assert_string_equal(d.id, "https://x/vex-1");
    assert_string_equal(d.author, "Supplier Inc");
    assert_int_equal(d.n, 5);
    const struct medsec_vex_statement *s = &d.v[0];
    assert_string_equal(s->vuln, "CVE-2025-1");
    assert_int_equal(s->naliases, 1);
    assert_string_equal(s->aliases[0], "GHSA-1");
    assert_string_equal(s->product, "pkg:deb/debian/curl@7");
    assert_string_equal(s->parent, "pkg:oci/img@sha256:ab");
    assert_string_equal(d.v[1].product, "pkg:deb/debian/zlib@1");
    assert_string_equal(d.v[2].product, "pkg:generic/y@2"); /* identifiers.purl */
    assert_null(d.v[2].parent);
    assert_int_equal(s->state, MEDSEC_VEX_NOT_AFFECTED);
    assert_int_equal(s->justification, MEDSEC_VEX_CODE_NOT_IN_EXECUTE_PATH);
    assert_int_equal(s->cdx_justification, MEDSEC_CDX_UNSTATED);
    assert_string_equal(s->detail, "never called");
    assert_string_equal(s->timestamp, "2025-03-02");
    assert_string_equal(s->author, "Supplier Inc");
    s = &d.v[3];
    assert_string_equal(s->vuln, "CVE-2025-2");
    assert_int_equal(s->state, MEDSEC_VEX_EXPLOITABLE);
    assert_string_equal(s->action, "update to 2");
    assert_string_equal(s->author, "B Corp");
    assert_string_equal(s->timestamp, "2025-03-01T00:00:00Z"); /* the document's */
    s = &d.v[4];
    assert_int_equal(s->state, MEDSEC_VEX_RESOLVED);
    assert_string_equal(s->detail, "fixed in 1.1");
    assert_at(warning(&w, "'unknown' is not an OpenVEX status"), 13, 55, "statements[3].status");
    assert_at(warning(&w, "'trust_me' is not an OpenVEX justification"), 14, 88,
              "statements[4].justification");
    assert_at(warning(&w, "no vulnerability name"), 15, 3, "statements[5].vulnerability");
    assert_int_equal(w.n, 3);
    medsec_diags_release(&w);
    medsec_vex_doc_release(&d);
}

static void test_openvex_old(void **state)
{
    (void)state;
    static const char old[] =
        "{\"@context\": [\"https://example.org/x\", \"https://openvex.dev/ns\"], \"author\": \"A\",\n"
        " \"timestamp\": \"2023-01-01\",\n"
        " \"statements\": [{\"vulnerability\": \"CVE-2023-9\", \"products\": [\"pkg:x/y@1\", {}],\n"
        "   \"subcomponents\": [], \"status\": \"under_investigation\"}]}";
    struct medsec_vex_doc d;
    struct medsec_diags w = MEDSEC_DIAGS_INIT;
    struct medsec_error e;
    assert_int_equal(rd(old, &d, &w, &e), MEDSEC_OK);
    assert_int_equal(d.n, 2);
    assert_string_equal(d.v[0].vuln, "CVE-2023-9");
    assert_null(d.v[1].product);
    assert_at(warning(&w, "no @id or identifiers"), 3, 75, "statements[0].products[1]");
    assert_string_equal(d.v[0].product, "pkg:x/y@1");
    assert_int_equal(d.v[0].state, MEDSEC_VEX_IN_TRIAGE);
    assert_string_equal(d.v[0].timestamp, "2023-01-01");
    assert_int_equal(w.n, 1);
    medsec_diags_release(&w);
    medsec_vex_doc_release(&d);
}

/* ---- CSAF ---- */

static const char csaf[] =
    "{\"document\": {\"category\": \"csaf_vex\", \"publisher\": {\"name\": \"Vendor CERT\"},\n"
    "  \"tracking\": {\"id\": \"V-1\", \"current_release_date\": \"2025-04-01T00:00:00Z\"}},\n"
    " \"product_tree\": {\"branches\": [{\"category\": \"vendor\", \"name\": \"V\", \"branches\": [\n"
    "   {\"category\": \"product_name\", \"name\": \"Box\", \"branches\": [\n" /* 4 */
    "     {\"category\": \"product_version\", \"name\": \"1.0\", \"product\": {\"name\": \"V Box "
    "1.0\", \"product_id\": \"P1\",\n" /* 5 */
    "       \"product_identification_helper\": {\"purl\": \"pkg:generic/v/box@1.0\"}}},\n"
    "     {\"category\": \"product_version\", \"name\": \"1.1\", \"product\": {\"name\": \"V Box "
    "1.1\", \"product_id\": \"P2\"}},\n" /* 7 */
    "     {\"category\": \"product_version_range\", \"name\": \"vers:generic/<1.0\", \"product\": "
    "{\"name\": \"old\", \"product_id\": \"P3\"}}]}]}],\n" /* 8 */
    "  \"full_product_names\": [{\"name\": \"lib 2\", \"product_id\": \"L2\",\n"
    "     \"product_identification_helper\": {\"cpe\": \"cpe:2.3:a:x:lib:2:*:*:*:*:*:*:*\"}}],\n"
    "  \"relationships\": [{\"category\": \"default_component_of\", \"product_reference\": "
    "\"L2\",\n" /* 11 */
    "     \"relates_to_product_reference\": \"P2\", \"full_product_name\": {\"name\": \"lib 2 in "
    "Box 1.1\", \"product_id\": \"P2-L2\"}}],\n" /* 12 */
    "  \"product_groups\": [{\"group_id\": \"G\", \"product_ids\": [\"P2\", \"P2-L2\"]}]},\n"
    " \"vulnerabilities\": [\n" /* 14 */
    "  {\"cve\": \"CVE-2025-10\", \"ids\": [{\"system_name\": \"V\", \"text\": \"V-SA-7\"}],\n"
    "   \"product_status\": {\"known_affected\": [\"P1\"], \"fixed\": [\"P2\"],\n"
    "     \"known_not_affected\": [\"P2-L2\", \"P3\"], \"recommended\": [\"P2\"], "
    "\"under_investigation\": [\"Q9\"]},\n" /* 17 */
    "   \"flags\": [{\"label\": \"vulnerable_code_not_present\", \"group_ids\": [\"G\"]},\n"
    "     {\"label\": \"too_old\", \"product_ids\": [\"P3\"]}],\n" /* 19 */
    "   \"threats\": [{\"category\": \"impact\", \"details\": \"the code is gone\", "
    "\"product_ids\": [\"P2-L2\"]}],\n" /* 20 */
    "   \"remediations\": [{\"category\": \"vendor_fix\", \"details\": \"install 1.1\", "
    "\"product_ids\": [\"P1\"]},\n" /* 21 */
    "     {\"category\": \"workaround\", \"details\": \"close port\", \"product_ids\": "
    "[\"P1\"]},\n"                                                   /* 22 */
    "     {\"category\": \"magic\", \"product_ids\": [\"P1\"]}]},\n" /* 23 */
    "  {\"ids\": [{\"system_name\": \"V\", \"text\": \"V-SA-8\"}],\n"
    "   \"product_status\": {\"known_affected\": [\"P2\"], \"first_affected\": [\"P1\"]},\n"
    "   \"remediations\": [{\"category\": \"no_fix_planned\", \"product_ids\": [\"P2\"]},\n"
    "     {\"category\": \"none_available\", \"group_ids\": [\"G\"]}]},\n"        /* 27 */
    "  {\"notes\": [], \"product_status\": {\"fixed\": [\"P1\"]}},\n"             /* 28 */
    "  {\"cve\": \"CVE-2025-11\", \"product_status\": {\"unfixed\": [\"P1\"]}}\n" /* 29 */
    " ]}\n";

static void test_csaf(void **state)
{
    (void)state;
    struct medsec_vex_doc d;
    struct medsec_diags w = MEDSEC_DIAGS_INIT;
    struct medsec_error e;
    assert_int_equal(rd(csaf, &d, &w, &e), MEDSEC_OK);
    assert_int_equal(d.format, MEDSEC_VEX_CSAF);
    assert_string_equal(d.id, "V-1");
    assert_string_equal(d.author, "Vendor CERT");
    assert_string_equal(d.timestamp, "2025-04-01T00:00:00Z");
    /* CVE-2025-10: P1, P2, P2-L2, (P3 skipped), Q9; V-SA-8: P2, P1 */
    assert_int_equal(d.n, 6);
    const struct medsec_vex_statement *s = &d.v[0];
    assert_string_equal(s->vuln, "CVE-2025-10");
    assert_int_equal(s->naliases, 1);
    assert_string_equal(s->aliases[0], "V-SA-7");
    assert_int_equal(s->state, MEDSEC_VEX_EXPLOITABLE);
    assert_string_equal(s->product, "pkg:generic/v/box@1.0");
    assert_string_equal(s->product_name, "Box");
    assert_string_equal(s->product_version, "1.0");
    assert_int_equal(s->responses, MEDSEC_VEX_RESP_UPDATE | MEDSEC_VEX_RESP_WORKAROUND);
    assert_string_equal(s->action, "install 1.1");
    assert_string_equal(s->fixed_in, "1.1"); /* P2, fixed, same product */
    assert_string_equal(s->author, "Vendor CERT");
    assert_int_equal(s->line, 16);
    assert_int_equal(s->column, 42);
    s = &d.v[1];
    assert_int_equal(s->state, MEDSEC_VEX_RESOLVED);
    assert_string_equal(s->product_version, "1.1");
    assert_null(s->product);
    s = &d.v[2]; /* the relationship: the component lib 2 in Box */
    assert_int_equal(s->state, MEDSEC_VEX_NOT_AFFECTED);
    assert_string_equal(s->product, "cpe:2.3:a:x:lib:2:*:*:*:*:*:*:*");
    assert_string_equal(s->product_name, "lib 2");
    assert_string_equal(s->parent, "V Box 1.1");
    assert_int_equal(s->justification, MEDSEC_VEX_CODE_NOT_PRESENT); /* via group G */
    assert_string_equal(s->detail, "the code is gone");
    s = &d.v[3]; /* not in the tree */
    assert_int_equal(s->state, MEDSEC_VEX_IN_TRIAGE);
    assert_string_equal(s->product_name, "Q9");
    assert_at(warning(&w, "'Q9' is not in the product_tree"), 17, 92,
              "vulnerabilities[0].product_status");
    assert_at(warning(&w, "'too_old' is not a CSAF flag label"), 19, 16,
              "vulnerabilities[0].flags[1].label");
    assert_at(warning(&w, "'magic' is not a CSAF remediation category"), 23, 19,
              "vulnerabilities[0].remediations[2].category");
    s = &d.v[4];
    assert_string_equal(s->vuln, "V-SA-8");
    assert_int_equal(s->naliases, 0);
    assert_int_equal(s->responses, MEDSEC_VEX_RESP_WILL_NOT_FIX | MEDSEC_VEX_RESP_CAN_NOT_FIX);
    assert_int_equal(d.v[5].state, MEDSEC_VEX_EXPLOITABLE); /* first_affected */
    assert_null(d.v[5].product_range);
    assert_at(warning(&w, "no cve and no ids"), 28, 3, "vulnerabilities[2]");
    assert_at(warning(&w, "not a CSAF product status"), 29, 56,
              "vulnerabilities[3].product_status.unfixed");
    assert_int_equal(w.n, 5);
    medsec_diags_release(&w);
    medsec_vex_doc_release(&d);
}

static void test_csaf_advisory_and_range(void **state)
{
    (void)state;
    static const char adv[] =
        "{\"document\": {\"category\": \"csaf_security_advisory\", \"tracking\": {\"id\": \"A\"}},"
        " \"product_tree\": {\"branches\": [{\"category\": \"product_version_range\", \"name\": "
        "\"vers:generic/<2\", \"product\": {\"name\": \"X\", \"product_id\": \"X\"}}]},"
        " \"vulnerabilities\": [{\"cve\": \"CVE-1\", \"product_status\": {\"known_affected\": "
        "[\"X\"]}, \"threats\": [{\"category\": \"exploit_status\", \"details\": \"none\"},"
        " {\"category\": \"impact\", \"details\": \"all of them\"}]}]}";
    struct medsec_vex_doc d;
    struct medsec_error e;
    assert_int_equal(rd(adv, &d, NULL, &e), MEDSEC_OK);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.v[0].product_range, "vers:generic/<2");
    assert_string_equal(d.v[0].product_name, "X");
    assert_string_equal(d.v[0].detail, "all of them"); /* an impact threat naming no product */
    medsec_vex_doc_release(&d);
}

/* Product groups expanded by many flags: refused past the cap instead of taking quadratic time. */
static void test_csaf_expansion_cap(void **state)
{
    (void)state;
    struct medsec_buf b = MEDSEC_BUF_INIT;
    assert_int_equal(medsec_buf_adds(&b, "{\"document\": {\"category\": \"csaf_vex\"}, "
                                         "\"product_tree\": {\"product_groups\": [{\"group_id\": "
                                         "\"G\", \"product_ids\": ["),
                     MEDSEC_OK);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(medsec_buf_addf(&b, "%s\"P%d\"", i ? "," : "", i), MEDSEC_OK);
    assert_int_equal(medsec_buf_adds(&b, "]}]}, \"vulnerabilities\": [{\"cve\": \"CVE-1\", "
                                         "\"product_status\": {\"fixed\": [\"P1\"]}, \"flags\": ["),
                     MEDSEC_OK);
    for (int i = 0; i < 4001; i++)
        assert_int_equal(
            medsec_buf_addf(&b, "%s{\"label\": \"component_not_present\", \"group_ids\": [\"G\"]}",
                            i ? "," : ""),
            MEDSEC_OK);
    assert_int_equal(medsec_buf_adds(&b, "]}]}"), MEDSEC_OK);
    struct medsec_vex_doc d;
    struct medsec_error e;
    assert_int_equal(medsec_vex_read("t.json", b.data, b.len, &d, NULL, &e), MEDSEC_ETOOBIG);
    assert_non_null(strstr(e.msg, "name more than 4000000 products"));
    assert_int_equal(d.n, 0);
    medsec_vex_doc_release(&d);
    medsec_buf_release(&b);
}

/* ---- shapes that are not what the formats say: a warning each, at the value ---- */

static const char odd_cdx[] =
    "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\",\n"
    " \"vulnerabilities\": [\n"
    "  {\"id\": \"CVE-1\", \"analysis\": \"not_affected\"},\n"
    "  {\"id\": 7, \"analysis\": {\"state\": \"exploitable\"}},\n"
    "  {\"id\": \"CVE-3\", \"analysis\": {\"state\": \"exploitable\", \"detail\": [\"x\"], \"response\": \"update\"},\n"
    "   \"affects\": [{\"versions\": 1.0}, {\"ref\": \"a\", \"versions\": \"1.0\"}]}\n"
    " ]}\n";

static const char odd_ov[] =
    "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"author\": \"A\",\n"
    " \"statements\": [\n"
    "  {\"vulnerability\": {\"name\": \"CVE-1\"}, \"products\": [{\"@id\": \"pkg:a/b@1\"}]},\n"
    "  {\"vulnerability\": {\"name\": \"CVE-2\"}, \"status\": \"fixed\"},\n"
    "  {\"vulnerability\": {\"name\": \"CVE-3\"}, \"status\": \"fixed\", \"products\": {\"@id\": \"pkg:a/b@1\"}, \"impact_statement\": 3}\n"
    " ]}\n";

static const char odd_csaf[] =
    "{\"document\": {\"category\": \"csaf_vex\"},\n"
    " \"vulnerabilities\": [\n"
    "  {\"cve\": \"CVE-1\", \"product_status\": [\"P1\"]},\n"
    "  {\"cve\": \"CVE-2\", \"product_status\": {\"fixed\": \"P1\", \"known_affected\": [\"P1\", 2]}}\n"
    " ]}\n";

static void test_odd_shapes(void **state)
{
    (void)state;
    struct medsec_vex_doc d;
    struct medsec_diags w = MEDSEC_DIAGS_INIT;
    struct medsec_error e;
    assert_int_equal(rd(odd_cdx, &d, &w, &e), MEDSEC_OK);
    assert_int_equal(d.n, 2); /* CVE-3 twice */
    assert_null(d.v[0].product);
    assert_null(d.v[0].detail);
    assert_int_equal(d.v[0].responses, 0);
    assert_string_equal(d.v[1].product, "a");
    assert_at(warning(&w, "analysis: expected an object"), 3, 31, "vulnerabilities[0].analysis");
    assert_at(warning(&w, "id: expected a string, found number"), 4, 10, "vulnerabilities[1].id");
    assert_at(warning(&w, "response: expected a list, found string"), 5, 85,
              "vulnerabilities[2].analysis.response");
    assert_at(warning(&w, "detail: expected a string, found array"), 5, 66,
              "vulnerabilities[2].analysis.detail");
    assert_at(warning(&w, "no reference"), 6, 16, "vulnerabilities[2].affects[0].ref");
    assert_at(warning(&w, "versions: expected a list, found number"), 6, 29,
              "vulnerabilities[2].affects[0].versions");
    assert_at(warning(&w, "versions: expected a list, found string"), 6, 60,
              "vulnerabilities[2].affects[1].versions");
    medsec_diags_release(&w);
    medsec_vex_doc_release(&d);

    assert_int_equal(rd(odd_ov, &d, &w, &e), MEDSEC_OK);
    assert_int_equal(d.n, 2); /* CVE-2 and CVE-3, without product */
    assert_null(d.v[0].product);
    assert_null(d.v[1].detail);
    assert_at(warning(&w, "status: missing"), 3, 3, "statements[0].status");
    assert_at(warning(&w, "impact_statement: expected a string, found number"), 5, 113,
              "statements[2].impact_statement");
    assert_at(warning(&w, "products: expected a list, found object"), 5, 71,
              "statements[2].products");
    medsec_diags_release(&w);
    medsec_vex_doc_release(&d);

    assert_int_equal(rd(odd_csaf, &d, &w, &e), MEDSEC_OK);
    assert_int_equal(d.n, 1); /* CVE-2 known_affected P1 */
    assert_string_equal(d.v[0].product_name, "P1");
    assert_at(warning(&w, "product_status: expected an object"), 3, 38,
              "vulnerabilities[0].product_status");
    assert_at(warning(&w, "expected a list of product ids"), 4, 48,
              "vulnerabilities[1].product_status.fixed");
    assert_at(warning(&w, "a product id must be a string"), 4, 79,
              "vulnerabilities[1].product_status.known_affected");
    medsec_diags_release(&w);
    medsec_vex_doc_release(&d);
}

/* ---- errors ---- */

static void expect_error(const char *text, medsec_err code, unsigned line, unsigned col,
                         const char *sub)
{
    struct medsec_vex_doc d;
    struct medsec_diags w = MEDSEC_DIAGS_INIT;
    struct medsec_error e;
    assert_int_equal(rd(text, &d, &w, &e), code);
    assert_string_equal(e.file, "t.json");
    assert_int_equal(e.line, line);
    assert_int_equal(e.column, col);
    if (!strstr(e.msg, sub))
        fail_msg("'%s' not in '%s'", sub, e.msg);
    assert_int_equal(d.n, 0);
    assert_null(d.v);
    medsec_diags_release(&w);
    medsec_vex_doc_release(&d);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("{\"bomFormat\": \"CycloneDX\",\n \"vulnerabilities\": [}", MEDSEC_EPARSE, 2, 22,
                 "");
    expect_error("{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"@context\": \"x\"}",
                 MEDSEC_EPARSE, 1, 47, "");
    expect_error(
        "{\"bomFormat\": \"CycloneDX\", \"vulnerabilities\": [{\"id\": \"CVE-1\\u0000x\"}]}",
        MEDSEC_EPARSE, 1, 61, "NUL character");
    expect_error("[1]", MEDSEC_EUNSUPPORTED, 1, 1, "expected a JSON object");
    expect_error("{\"bomFormat\": \"SPDX\"}", MEDSEC_EUNSUPPORTED, 1, 1, "not a VEX document");
    expect_error("{\"document\": {\"category\": \"csaf_base\"}}", MEDSEC_EUNSUPPORTED, 1, 27,
                 "csaf_base");
    expect_error("{\"bomFormat\": \"CycloneDX\",\n \"vulnerabilities\": {}}", MEDSEC_EINVAL, 2, 21,
                 "vulnerabilities: expected a list");
    expect_error("{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": 3}",
                 MEDSEC_EINVAL, 1, 61, "statements: expected a list");
    expect_error("{\"document\": {\"category\": \"csaf_vex\"}, \"vulnerabilities\": \"x\"}",
                 MEDSEC_EINVAL, 1, 59, "vulnerabilities: expected a list");
    /* the size cap is checked before parsing */
    struct medsec_vex_doc d;
    struct medsec_error e;
    assert_int_equal(medsec_vex_read("big", "{}", MEDSEC_VEX_MAX_BYTES + 1, &d, NULL, &e),
                     MEDSEC_ETOOBIG);
    assert_non_null(strstr(e.msg, "exceeds the cap"));
    medsec_vex_doc_release(&d);
}

/* Every allocation failing in turn: MEDSEC_ENOMEM or success, never a leak (ASan) or crash. */
static void test_failing_allocations(void **state)
{
    (void)state;
    const char *docs[] = {cdx, openvex, csaf};
    for (size_t k = 0; k < 3; k++) {
        for (long n = 0;; n++) {
            struct medsec_vex_doc d;
            struct medsec_diags w = MEDSEC_DIAGS_INIT;
            struct medsec_error e;
            failalloc_arm(n);
            medsec_err rc = rd(docs[k], &d, &w, &e);
            failalloc_disarm();
            medsec_diags_release(&w);
            medsec_vex_doc_release(&d);
            if (rc == MEDSEC_OK)
                break;
            assert_int_equal(rc, MEDSEC_ENOMEM);
        }
    }
}

static void test_load(void **state)
{
    (void)state;
    struct medsec_vex_doc d;
    struct medsec_error e;
    assert_int_equal(medsec_vex_load("/nonexistent/vex.json", &d, NULL, &e), MEDSEC_ENOTFOUND);
    assert_string_equal(e.file, "/nonexistent/vex.json");
    assert_int_equal(d.n, 0);
    medsec_vex_doc_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cyclonedx),
        cmocka_unit_test(test_openvex),
        cmocka_unit_test(test_openvex_old),
        cmocka_unit_test(test_csaf),
        cmocka_unit_test(test_csaf_advisory_and_range),
        cmocka_unit_test(test_csaf_expansion_cap),
        cmocka_unit_test(test_odd_shapes),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_failing_allocations),
        cmocka_unit_test(test_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
