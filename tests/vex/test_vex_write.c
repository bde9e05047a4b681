/* test_vex_write.c: the VEX writers (same statements in any order give the same bytes; each
 * format's words for each state), the Ed25519 signatures, and the device builder with a decision
 * hook. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../unit/failalloc.h"
#include "medsec/alloc.h"
#include "medsec/device_vex.h"
#include "medsec/vex.h"
#include "medsec/vex_sign.h"

static const char *const aliases[] = {"GHSA-aaaa-bbbb-cccc"};

static void fill(struct medsec_vex_doc *d)
{
    medsec_vex_doc_init(d);
    d->product = "Test Pump";
    d->vendor = "ACME Medical";
    d->author = "ACME Medical";
    d->product_version = "3.2.0";
    d->timestamp = "2026-11-28T00:00:00Z";
    struct medsec_vex_statement s[4];
    memset(s, 0, sizeof s);
    s[0] = (struct medsec_vex_statement){.vuln = "CVE-2024-0002",
                                         .product = "pkg:generic/acme/libx@1.0",
                                         .product_name = "libx",
                                         .product_version = "1.0",
                                         .state = MEDSEC_VEX_NOT_AFFECTED,
                                         .cdx_justification = MEDSEC_CDX_PROTECTED_AT_RUNTIME,
                                         .detail = "ASLR and stack canaries stop it."};
    s[1] =
        (struct medsec_vex_statement){.vuln = "CVE-2024-0001",
                                      .aliases = aliases,
                                      .naliases = 1,
                                      .product = "pkg:generic/acme/libx@1.0",
                                      .product_name = "libx",
                                      .product_version = "1.0",
                                      .state = MEDSEC_VEX_EXPLOITABLE,
                                      .responses = MEDSEC_VEX_RESP_UPDATE,
                                      .fixed_in = "3.3.0",
                                      .cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                                      .cvss_version = "3.1",
                                      .cvss_score = 9.8};
    s[2] = (struct medsec_vex_statement){.vuln = "CVE-2024-0001",
                                         .product = "cpe:2.3:o:acme:rtos:5:*:*:*:*:*:*:*",
                                         .product_name = "rtos",
                                         .product_version = "5",
                                         .state = MEDSEC_VEX_RESOLVED};
    s[3] = (struct medsec_vex_statement){.vuln = "OSV-2024-77",
                                         .product_name = "blob",
                                         .state = MEDSEC_VEX_IN_TRIAGE,
                                         .timestamp = "2026-11-01"};
    for (int i = 0; i < 4; i++)
        assert_int_equal(medsec_vex_doc_add(d, &s[i]), MEDSEC_OK);
}

static char *write_doc(const struct medsec_vex_doc *d, enum medsec_vex_format f)
{
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_error err;
    assert_int_equal(medsec_vex_write(d, f, &b, &err), MEDSEC_OK);
    return medsec_buf_detach(&b, NULL);
}

static void test_order_does_not_matter(void **state)
{
    (void)state;
    struct medsec_vex_doc d;
    fill(&d);
    for (int f = 0; f < MEDSEC_VEX_FORMAT_COUNT; f++) {
        char *a = write_doc(&d, (enum medsec_vex_format)f);
        /* reverse the statements: the output is sorted, so it must not change */
        for (size_t i = 0; i < d.n / 2; i++) {
            struct medsec_vex_statement t = d.v[i];
            d.v[i] = d.v[d.n - 1 - i];
            d.v[d.n - 1 - i] = t;
        }
        char *b = write_doc(&d, (enum medsec_vex_format)f);
        assert_string_equal(a, b);
        /* a changed statement changes the content-derived id */
        d.v[0].detail = "changed";
        char *c = write_doc(&d, (enum medsec_vex_format)f);
        if (f != MEDSEC_VEX_CSAF)
            assert_memory_not_equal(a, c, 120);
        medsec_free(a);
        medsec_free(b);
        medsec_free(c);
        medsec_vex_doc_release(&d);
        fill(&d);
    }
    medsec_vex_doc_release(&d);
}

static void test_words(void **state)
{
    (void)state;
    struct medsec_vex_doc d;
    fill(&d);
    char *cdx = write_doc(&d, MEDSEC_VEX_CYCLONEDX);
    assert_non_null(strstr(cdx, "\"specVersion\": \"1.6\""));
    assert_non_null(strstr(cdx, "\"serialNumber\": \"urn:uuid:"));
    assert_non_null(strstr(cdx, "\"justification\": \"protected_at_runtime\""));
    assert_non_null(strstr(cdx, "\"state\": \"exploitable\""));
    assert_non_null(strstr(cdx, "\"method\": \"CVSSv31\""));
    assert_non_null(strstr(cdx, "\"severity\": \"critical\""));
    assert_non_null(strstr(cdx, "\"response\": [\n          \"update\""));
    /* the first vulnerability written is the smallest id: sorted */
    assert_true(strstr(cdx, "CVE-2024-0001") < strstr(cdx, "CVE-2024-0002"));
    char *ovx = write_doc(&d, MEDSEC_VEX_OPENVEX);
    assert_non_null(strstr(ovx, "\"@context\": \"https://openvex.dev/ns/v0.2.0\""));
    /* CycloneDX's protected_at_runtime is OpenVEX's inline_mitigations_already_exist */
    assert_non_null(strstr(ovx, "\"justification\": \"inline_mitigations_already_exist\""));
    assert_non_null(strstr(ovx, "\"action_statement\": \"Update the device to release 3.3.0"));
    assert_non_null(strstr(ovx, "\"status\": \"under_investigation\""));
    assert_non_null(strstr(ovx, "\"@id\": \"pkg:generic/blob\""));
    char *csaf = write_doc(&d, MEDSEC_VEX_CSAF);
    assert_non_null(strstr(csaf, "\"category\": \"csaf_vex\""));
    assert_non_null(strstr(csaf, "\"known_affected\": [\n"));
    assert_non_null(strstr(csaf, "\"fixed\": [\n"));
    assert_non_null(strstr(csaf, "\"category\": \"vendor_fix\""));
    assert_non_null(strstr(csaf, "\"label\": \"inline_mitigations_already_exist\""));
    assert_non_null(strstr(csaf, "\"category\": \"impact\""));
    assert_non_null(strstr(csaf, "\"system_name\": \"OSV\""));
    /* one vulnerability entry per CVE (6.1.23): CVE-2024-0001 appears once as "cve" */
    const char *first = strstr(csaf, "\"cve\": \"CVE-2024-0001\"");
    assert_non_null(first);
    assert_null(strstr(first + 1, "\"cve\": \"CVE-2024-0001\""));
    medsec_free(cdx);
    medsec_free(ovx);
    medsec_free(csaf);
    medsec_vex_doc_release(&d);
}

/* Two entries that share a CVE alias, and one whose alias is another entry's id: each CVE is the
 * "cve" of one entry only (CSAF 6.1.23), the others keep it in "ids". */
static void test_csaf_cve_once(void **state)
{
    (void)state;
    static const char *const a1[] = {"CVE-2024-1111"};
    struct medsec_vex_doc d;
    medsec_vex_doc_init(&d);
    struct medsec_vex_statement s[3] = {
        {.vuln = "GHSA-0000-0000-0001", .aliases = a1, .naliases = 1, .product_name = "x"},
        {.vuln = "GHSA-0000-0000-0002", .aliases = a1, .naliases = 1, .product_name = "y"},
        {.vuln = "OSV-1", .aliases = a1, .naliases = 1, .product_name = "z"}};
    for (int i = 0; i < 3; i++)
        assert_int_equal(medsec_vex_doc_add(&d, &s[i]), MEDSEC_OK);
    char *csaf = write_doc(&d, MEDSEC_VEX_CSAF);
    const char *first = strstr(csaf, "\"cve\": \"CVE-2024-1111\"");
    assert_non_null(first);
    assert_null(strstr(first + 1, "\"cve\": \"CVE-2024-1111\""));
    assert_non_null(strstr(csaf, "\"text\": \"CVE-2024-1111\""));
    medsec_free(csaf);
    /* now one entry is the CVE itself: no alias may take it */
    s[2].vuln = "CVE-2024-1111";
    s[2].naliases = 0;
    d.v[2] = s[2];
    csaf = write_doc(&d, MEDSEC_VEX_CSAF);
    first = strstr(csaf, "\"cve\": \"CVE-2024-1111\"");
    assert_non_null(first);
    assert_null(strstr(first + 1, "\"cve\": \"CVE-2024-1111\""));
    medsec_free(csaf);
    medsec_vex_doc_release(&d);
}

static void test_empty_and_invalid(void **state)
{
    (void)state;
    struct medsec_vex_doc d;
    medsec_vex_doc_init(&d);
    for (int f = 0; f < MEDSEC_VEX_FORMAT_COUNT; f++) {
        char *t = write_doc(&d, (enum medsec_vex_format)f);
        assert_non_null(t);
        medsec_free(t);
    }
    struct medsec_vex_statement s = {.product = "pkg:generic/x@1"};
    assert_int_equal(medsec_vex_doc_add(&d, &s), MEDSEC_OK);
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_error err;
    assert_int_equal(medsec_vex_write(&d, MEDSEC_VEX_OPENVEX, &b, &err), MEDSEC_EINVAL);
    assert_non_null(strstr(err.msg, "no vulnerability id"));
    medsec_buf_release(&b);
    medsec_vex_doc_release(&d);
}

static void test_sign_verify(void **state)
{
    (void)state;
    char *sec, *pub, *pub2, *sig;
    struct medsec_error err;
    assert_int_equal(medsec_vex_keygen(&sec, &pub, &err), MEDSEC_OK);
    assert_int_equal(medsec_vex_key_public(sec, strlen(sec), "k", &pub2, &err), MEDSEC_OK);
    assert_string_equal(pub, pub2);
    medsec_free(pub2);
    char doc[] = "{\"a\": 1}\n";
    assert_int_equal(medsec_vex_sign(doc, strlen(doc), sec, strlen(sec), "k", &sig, &err),
                     MEDSEC_OK);
    assert_int_equal(
        medsec_vex_verify(doc, strlen(doc), sig, strlen(sig), "s", pub, strlen(pub), "p", &err),
        MEDSEC_OK);
    doc[2] = 'b';
    assert_int_equal(
        medsec_vex_verify(doc, strlen(doc), sig, strlen(sig), "s", pub, strlen(pub), "p", &err),
        MEDSEC_EVERIFY);
    assert_int_equal(
        medsec_vex_verify(doc, strlen(doc), "# c\nAAAA\n", 10, "s", pub, strlen(pub), "p", &err),
        MEDSEC_EPARSE);
    assert_int_equal(err.line, 2);
    char *big = medsec_malloc(MEDSEC_VEX_KEY_MAX + 2);
    memset(big, 'A', MEDSEC_VEX_KEY_MAX + 1);
    big[MEDSEC_VEX_KEY_MAX + 1] = 0;
    assert_int_equal(medsec_vex_sign(doc, strlen(doc), big, strlen(big), "big", &pub2, &err),
                     MEDSEC_ETOOBIG);
    assert_null(pub2);
    assert_int_equal(medsec_vex_sign(doc, strlen(doc), "# only\n", 7, "k", &pub2, &err),
                     MEDSEC_EPARSE);
    medsec_free(big);
    medsec_free(sec);
    medsec_free(pub);
    medsec_free(sig);
}

/* The triage decision the hook gives: CVE-2018-18074 in requests is affected after all. */
static const struct medsec_vex_statement decision = {.state = MEDSEC_VEX_EXPLOITABLE,
                                                     .responses = MEDSEC_VEX_RESP_WORKAROUND,
                                                     .action =
                                                         "Block outbound http at the gateway.",
                                                     .author = "J. Reviewer",
                                                     .timestamp = "2026-11-20"};

static const struct medsec_vex_statement *decide(void *ud, const char *vuln, const char *purl,
                                                 const char *version)
{
    (*(int *)ud)++;
    assert_string_equal(version, "1.4.0");
    if (!strcmp(vuln, "CVE-2018-18074") && purl && !strcmp(purl, "pkg:pypi/requests@2.19.1"))
        return &decision;
    return NULL;
}

static void test_device_builder(void **state)
{
    (void)state;
    struct medsec_device *dev;
    struct medsec_error err;
    assert_int_equal(medsec_device_open(NULL, MEDSEC_SOURCE_DIR "/examples/glucose-cloud", NULL,
                                        &dev, NULL, &err),
                     MEDSEC_OK);
    struct medsec_vex_doc d;
    int calls = 0;
    assert_int_equal(medsec_device_vex(dev, NULL, NULL, decide, &calls, &d, &err), MEDSEC_OK);
    assert_int_equal(calls, (int)d.n);
    assert_true(d.n >= 5);
    assert_string_equal(d.product_version, "1.4.0");
    bool found = false;
    for (size_t i = 0; i < d.n; i++) {
        if (strcmp(d.v[i].vuln, "CVE-2018-18074"))
            continue;
        found = true;
        assert_int_equal(d.v[i].state, MEDSEC_VEX_EXPLOITABLE);
        assert_string_equal(d.v[i].author, "J. Reviewer");
        assert_string_equal(d.v[i].action, "Block outbound http at the gateway.");
    }
    assert_true(found);
    char *csaf = write_doc(&d, MEDSEC_VEX_CSAF);
    assert_non_null(strstr(csaf, "\"category\": \"workaround\""));
    medsec_free(csaf);
    medsec_vex_doc_release(&d);
    assert_int_equal(medsec_device_vex(dev, NULL, "9.9", NULL, NULL, &d, &err), MEDSEC_ENOTFOUND);
    assert_non_null(strstr(err.msg, "'9.9'"));
    medsec_vex_doc_release(&d);
    medsec_device_close(dev);
}

/* KRACK is resolved in the pump's 3.2.0 (by decision), still affected in 3.1.4. */
static const struct medsec_vex_statement krack_fixed = {.state = MEDSEC_VEX_RESOLVED};

static const struct medsec_vex_statement *decide_krack(void *ud, const char *vuln, const char *purl,
                                                       const char *version)
{
    (void)ud;
    (void)purl;
    return !strcmp(vuln, "CVE-2017-13077") && !strcmp(version, "3.2.0") ? &krack_fixed : NULL;
}

static void test_fixing_release(void **state)
{
    (void)state;
    struct medsec_device *dev;
    struct medsec_error err;
    assert_int_equal(medsec_device_open(NULL, MEDSEC_SOURCE_DIR "/examples/infusion-pump", NULL,
                                        &dev, NULL, &err),
                     MEDSEC_OK);
    const char *want[] = {"2.8.7", "3.1.4"};
    for (int k = 0; k < 2; k++) {
        struct medsec_vex_doc d;
        assert_int_equal(medsec_device_vex(dev, NULL, want[k], decide_krack, NULL, &d, &err),
                         MEDSEC_OK);
        bool found = false;
        for (size_t i = 0; i < d.n; i++)
            if (!strcmp(d.v[i].vuln, "CVE-2017-13077")) {
                found = true;
                assert_int_equal(d.v[i].state, MEDSEC_VEX_EXPLOITABLE);
                assert_non_null(d.v[i].fixed_in);
                assert_string_equal(d.v[i].fixed_in, "3.2.0");
            }
        assert_true(found);
        char *csaf = write_doc(&d, MEDSEC_VEX_CSAF);
        assert_non_null(strstr(csaf, "\"category\": \"vendor_fix\""));
        assert_non_null(strstr(csaf, "Update the device to release 3.2.0"));
        medsec_free(csaf);
        medsec_vex_doc_release(&d);
    }
    /* without the decision, no later release fixes it */
    struct medsec_vex_doc d;
    assert_int_equal(medsec_device_vex(dev, NULL, "2.8.7", NULL, NULL, &d, &err), MEDSEC_OK);
    for (size_t i = 0; i < d.n; i++)
        if (!strcmp(d.v[i].vuln, "CVE-2017-13077"))
            assert_null(d.v[i].fixed_in);
    medsec_vex_doc_release(&d);
    medsec_device_close(dev);
}

/* Every allocation of the writers and the builder may fail: ENOMEM, never a crash or a leak. */
static void test_out_of_memory(void **state)
{
    (void)state;
    struct medsec_vex_doc d;
    fill(&d);
    for (int f = 0; f < MEDSEC_VEX_FORMAT_COUNT; f++) {
        long n = 0;
        for (;; n++) {
            struct medsec_buf b = MEDSEC_BUF_INIT;
            struct medsec_error err;
            size_t live = failalloc_live;
            failalloc_arm(n);
            medsec_err rc = medsec_vex_write(&d, (enum medsec_vex_format)f, &b, &err);
            failalloc_disarm();
            medsec_buf_release(&b);
            assert_int_equal(failalloc_live, live);
            if (rc == MEDSEC_OK)
                break;
            assert_int_equal(rc, MEDSEC_ENOMEM);
        }
        assert_true(n > 0);
    }
    medsec_vex_doc_release(&d);

    struct medsec_device *dev;
    struct medsec_error err;
    assert_int_equal(medsec_device_open(NULL, MEDSEC_SOURCE_DIR "/examples/glucose-cloud", NULL,
                                        &dev, NULL, &err),
                     MEDSEC_OK);
    long n = 0;
    for (;; n++) {
        size_t live = failalloc_live;
        failalloc_arm(n);
        medsec_err rc = medsec_device_vex(dev, NULL, NULL, NULL, NULL, &d, &err);
        medsec_vex_doc_release(&d);
        failalloc_disarm();
        assert_int_equal(failalloc_live, live);
        if (rc == MEDSEC_OK)
            break;
        assert_int_equal(rc, MEDSEC_ENOMEM);
    }
    assert_true(n > 0);
    medsec_device_close(dev);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_does_not_matter), cmocka_unit_test(test_words),
        cmocka_unit_test(test_empty_and_invalid),     cmocka_unit_test(test_sign_verify),
        cmocka_unit_test(test_device_builder),        cmocka_unit_test(test_fixing_release),
        cmocka_unit_test(test_out_of_memory),         cmocka_unit_test(test_csaf_cve_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
