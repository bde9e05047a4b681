/* test_psirt.c: the security advisory builder (statuses, fixing release, end of support, the
 * CSAF file name), the TLP words, the provider folder, and every allocation failing in turn. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../unit/failalloc.h"
#include "medsec/alloc.h"
#include "medsec/file.h"
#include "medsec/psirt.h"

/* The manufacturer says 3.2.0 fixed KRACK (the security file says affected everywhere). */
static const struct medsec_vex_statement fixed_krack = {.vuln = "CVE-2017-13077",
                                                        .state = MEDSEC_VEX_RESOLVED,
                                                        .author = "J. Meier",
                                                        .timestamp = "2026-11-20"};

static const struct medsec_vex_statement *decide_krack(void *ud, const char *vuln, const char *purl,
                                                       const char *version)
{
    (void)ud;
    (void)purl;
    return !strcmp(vuln, "CVE-2017-13077") && !strcmp(version, "3.2.0") ? &fixed_krack : NULL;
}

static struct medsec_device *open_dev(const char *name)
{
    struct medsec_device *dev;
    struct medsec_error err;
    char path[1024];
    snprintf(path, sizeof path, "%s/examples/%s", MEDSEC_SOURCE_DIR, name);
    assert_int_equal(medsec_device_open(NULL, path, NULL, &dev, NULL, &err), MEDSEC_OK);
    return dev;
}

static const struct medsec_psirt_opts opts = {.today = "2026-11-28"};

static void test_fixed_in_later_release(void **state)
{
    (void)state;
    struct medsec_device *dev = open_dev("infusion-pump");
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_psirt_written w;
    struct medsec_error err;
    assert_int_equal(medsec_psirt_advisory(dev, NULL, NULL, "CVE-2017-13077", decide_krack, NULL,
                                           &opts, &b, &w, &err),
                     MEDSEC_OK);
    assert_string_equal(w.tracking_id, "VolumeFlow-LVP-3-CVE-2017-13077");
    assert_string_equal(w.file_name, "volumeflow-lvp-3-cve-2017-13077.json");
    assert_string_equal(w.year, "2026");
    assert_int_equal(w.affected, 2);
    assert_int_equal(w.fixed, 1);
    /* 3.2.0 first fixed and recommended; 3.1.4 updates to it; 2.8.7 is past end of support */
    assert_non_null(strstr(b.data, "\"first_fixed\": [\n          \"DEVICE-3.2.0\""));
    assert_non_null(strstr(b.data, "\"recommended\": [\n          \"DEVICE-3.2.0\""));
    assert_non_null(strstr(b.data, "\"category\": \"vendor_fix\",\n          \"details\": \"Update "
                                   "the device to release 3.2.0, which fixes CVE-2017-13077.\""));
    assert_non_null(strstr(b.data, "\"category\": \"no_fix_planned\",\n          \"details\": "
                                   "\"Release 2.8.7 is past its end of support"));
    /* the decision's date is the document's */
    assert_non_null(strstr(b.data, "\"current_release_date\": \"2026-11-20T00:00:00Z\""));
    medsec_psirt_written_release(&w);

    /* written again over itself: the same bytes; with the decision gone: revision 2 */
    struct medsec_psirt_opts up = opts;
    up.previous = b.data;
    up.previous_len = b.len;
    up.previous_name = "previous.json";
    struct medsec_buf again = MEDSEC_BUF_INIT;
    assert_int_equal(medsec_psirt_advisory(dev, NULL, NULL, "CVE-2017-13077", decide_krack, NULL,
                                           &up, &again, &w, &err),
                     MEDSEC_OK);
    assert_int_equal(again.len, b.len);
    assert_memory_equal(again.data, b.data, b.len);
    medsec_psirt_written_release(&w);
    medsec_buf_release(&again);
    assert_int_equal(
        medsec_psirt_advisory(dev, NULL, NULL, "CVE-2017-13077", NULL, NULL, &up, &again, &w, &err),
        MEDSEC_OK);
    assert_non_null(strstr(again.data, "\"initial_release_date\": \"2026-11-20T00:00:00Z\""));
    assert_non_null(strstr(again.data, "\"current_release_date\": \"2026-11-28T00:00:00Z\""));
    assert_non_null(strstr(again.data, "\"number\": \"2\""));
    assert_non_null(strstr(again.data, "\"version\": \"2\""));
    medsec_psirt_written_release(&w);
    medsec_buf_release(&again);
    /* a document without a revision history to continue is refused */
    up.previous = "{}";
    up.previous_len = 2;
    assert_int_equal(
        medsec_psirt_advisory(dev, NULL, NULL, "CVE-2017-13077", NULL, NULL, &up, &again, &w, &err),
        MEDSEC_EINVAL);
    assert_non_null(strstr(err.msg, "no revision history"));
    assert_null(w.tracking_id);
    medsec_buf_release(&again);
    medsec_buf_release(&b);

    /* an unknown vulnerability is named, nothing is written */
    assert_int_equal(
        medsec_psirt_advisory(dev, NULL, NULL, "CVE-2000-0001", NULL, NULL, &opts, &b, &w, &err),
        MEDSEC_ENOTFOUND);
    assert_non_null(strstr(err.msg, "CVE-2000-0001 is not a finding of any release"));
    assert_null(w.tracking_id);
    medsec_buf_release(&b);
    medsec_device_close(dev);
}

static void test_tlp_words(void **state)
{
    (void)state;
    enum medsec_tlp t;
    assert_true(medsec_tlp_parse("clear", &t));
    assert_int_equal(t, MEDSEC_TLP_WHITE);
    assert_true(medsec_tlp_parse("Amber", &t));
    assert_string_equal(medsec_tlp_name(t), "AMBER");
    assert_false(medsec_tlp_parse("pink", &t));
    assert_false(medsec_tlp_parse(NULL, &t));
}

/* An advisory written into a provider folder, published: hash, feed and metadata files. */
static void test_publish(void **state)
{
    (void)state;
    char dir[] = "/tmp/medsec-psirt-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char sub[256], path[512];
    snprintf(sub, sizeof sub, "%s/green", dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    snprintf(sub, sizeof sub, "%s/green/2026", dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    struct medsec_device *dev = open_dev("glucose-cloud");
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_psirt_written w;
    struct medsec_error err;
    struct medsec_psirt_opts o = opts;
    o.tlp = MEDSEC_TLP_GREEN;
    o.base_url = "https://psirt.example.com/csaf";
    assert_int_equal(
        medsec_psirt_advisory(dev, NULL, NULL, "CVE-2018-3721", NULL, NULL, &o, &b, &w, &err),
        MEDSEC_OK);
    snprintf(path, sizeof path, "%s/%s", sub, w.file_name);
    assert_int_equal(medsec_file_write_atomic(path, b.data, b.len, &err), MEDSEC_OK);
    struct medsec_psirt_provider p = {o.base_url, "Example", "https://psirt.example.com", true, 0};
    assert_int_equal(medsec_psirt_publish(dir, &p, &err), MEDSEC_OK);
    assert_int_equal(p.advisories, 1);
    char *text = NULL;
    size_t len = 0;
    snprintf(path, sizeof path, "%s/green/feed-tlp-green.json", dir);
    assert_int_equal(medsec_file_read(path, 1 << 20, &text, &len, &err), MEDSEC_OK);
    assert_non_null(strstr(text, "https://psirt.example.com/csaf/green/2026/glucolink-cve-2018-"
                                 "3721.json.sha512"));
    medsec_free(text);
    snprintf(path, sizeof path, "%s/provider-metadata.json", dir);
    assert_int_equal(medsec_file_read(path, 1 << 20, &text, &len, &err), MEDSEC_OK);
    assert_non_null(strstr(text, "\"tlp_label\": \"GREEN\""));
    medsec_free(text);
    /* every allocation of publishing may fail: ENOMEM, never a crash, a leak or a short file */
    for (long n = 0;; n++) {
        size_t live = failalloc_live;
        failalloc_arm(n);
        medsec_err rc = medsec_psirt_publish(dir, &p, &err);
        failalloc_disarm();
        assert_int_equal(failalloc_live, live);
        if (rc == MEDSEC_OK)
            break;
        assert_int_equal(rc, MEDSEC_ENOMEM);
    }
    /* a file that is no CSAF document is named */
    snprintf(path, sizeof path, "%s/green/2026/zz.json", dir);
    assert_int_equal(medsec_file_write_atomic(path, "{}", 2, &err), MEDSEC_OK);
    assert_int_equal(medsec_psirt_publish(dir, &p, &err), MEDSEC_EINVAL);
    assert_non_null(strstr(err.msg, "not a CSAF 2.0 document"));
    medsec_psirt_written_release(&w);
    medsec_buf_release(&b);
    medsec_device_close(dev);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* Every allocation of the builder may fail: ENOMEM, never a crash or a leak. */
static void test_out_of_memory(void **state)
{
    (void)state;
    struct medsec_device *dev = open_dev("infusion-pump");
    long n = 0;
    for (;; n++) {
        struct medsec_buf b = MEDSEC_BUF_INIT;
        struct medsec_psirt_written w;
        struct medsec_error err;
        size_t live = failalloc_live;
        failalloc_arm(n);
        medsec_err rc = medsec_psirt_advisory(dev, NULL, NULL, "CVE-2017-13077", decide_krack, NULL,
                                              &opts, &b, &w, &err);
        medsec_psirt_written_release(&w);
        medsec_buf_release(&b);
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
        cmocka_unit_test(test_fixed_in_later_release),
        cmocka_unit_test(test_tlp_words),
        cmocka_unit_test(test_publish),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
