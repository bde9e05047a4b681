/* test_device.c: the device pipeline (medsec/device.h) on the example devices: threats, risks, the
 * hazard links, the register's writers, the scan plan's targets, and every allocation failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "failalloc.h"
#include "medsec/buf.h"
#include "medsec/device.h"
#include "medsec/json.h"

#define PUMP MEDSEC_SOURCE_DIR "/examples/infusion-pump"
#define CLOUD MEDSEC_SOURCE_DIR "/examples/glucose-cloud"
#define MONITOR MEDSEC_SOURCE_DIR "/tests/scan/data/monitor"
#define ADVISORIES MEDSEC_SOURCE_DIR "/tests/scan/data/advisories"

/* A database of the scan tests' advisories in a temporary file; the caller removes @path. */
static struct medsec_db *fixture_db(char path[64])
{
    snprintf(path, 64, "/tmp/medsec-test-device-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    struct medsec_db *db = NULL;
    struct medsec_error err;
    assert_int_equal(medsec_db_open(NULL, path, 0, &db, &err), MEDSEC_OK);
    const char *paths[] = {ADVISORIES};
    struct medsec_db_import_stats st;
    assert_int_equal(medsec_db_import(db, paths, 1, NULL, &st, NULL, &err), MEDSEC_OK);
    return db;
}

static void drop_db(struct medsec_db *db, const char *path)
{
    medsec_db_close(db);
    char side[80];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

static void test_open_and_ask(void **state)
{
    (void)state;
    struct medsec_device *d = NULL;
    struct medsec_error err;
    struct medsec_diags diags = MEDSEC_DIAGS_INIT;
    assert_int_equal(medsec_device_open(NULL, PUMP, NULL, &d, &diags, &err), MEDSEC_OK);
    assert_int_equal(diags.errors, 0);
    medsec_diags_release(&diags);
    const struct medsec_model *m = medsec_device_model(d);
    assert_string_equal(medsec_device_name(d), m->device.name);
    assert_true(medsec_device_graph(d)->n > m->nitems);

    const struct medsec_threat_list *t1, *t2;
    assert_int_equal(medsec_device_threats(d, &t1, &err), MEDSEC_OK);
    assert_int_equal(medsec_device_threats(d, &t2, &err), MEDSEC_OK);
    assert_ptr_equal(t1, t2); /* generated once */
    assert_true(t1->n > 0);
    size_t ncat;
    const char *const *cat = medsec_device_catalog_names(d, &ncat);
    assert_true(ncat >= 1);
    assert_string_equal(cat[0], "rules/threats.yaml");

    struct medsec_risk_register reg;
    assert_int_equal(medsec_device_risks(d, NULL, NULL, &reg, NULL, NULL, &err), MEDSEC_OK);
    /* one risk per open known vulnerability, and per threat: every threat the rules did not
     * silence, and also those a control silences (the register credits controls itself) */
    size_t open_vulns = 0, vuln_risks = 0;
    for (size_t i = 0; i < m->nvulnerabilities; i++)
        open_vulns += medsec_vuln_status_open(m->vulnerabilities[i].status);
    for (size_t i = 0; i < reg.n; i++)
        vuln_risks += reg.items[i].spec.vulnerability_id != NULL;
    assert_int_equal(vuln_risks, open_vulns);
    assert_true(reg.n - vuln_risks >= t1->n);
    for (size_t i = 0; i < t1->n; i++) {
        bool found = false;
        for (size_t k = 0; k < reg.n && !found; k++)
            found =
                reg.items[k].spec.threat_id && !strcmp(reg.items[k].spec.threat_id, t1->v[i].id);
        assert_true(found);
    }
    for (size_t i = 0; i < reg.n; i++)
        for (size_t k = i + 1; k < reg.n; k++)
            assert_string_not_equal(reg.items[i].spec.id, reg.items[k].spec.id);

    /* every link names a hazard of the file and a risk of the register, and no link is missed */
    struct medsec_risk_links links;
    assert_int_equal(medsec_risk_links_build(&links, &reg, m, &err), MEDSEC_OK);
    assert_int_equal(links.n, m->nhazards);
    size_t named = 0, linked = 0;
    for (size_t i = 0; i < reg.n; i++)
        named += reg.items[i].spec.nsafety_hazards;
    for (size_t h = 0; h < links.n; h++) {
        assert_string_equal(links.v[h].id, m->hazards[h].id);
        linked += links.v[h].nrisks;
        for (size_t k = 0; k < links.v[h].nrisks; k++) {
            bool found = false;
            for (size_t i = 0; i < reg.n && !found; i++)
                found = strcmp(reg.items[i].spec.id, links.v[h].risks[k]) == 0;
            assert_true(found);
        }
    }
    assert_int_equal(named, linked);
    assert_true(linked > 0);

    /* the writers: CSV has a header and one row per risk; JSON parses and counts the same */
    struct medsec_buf csv = MEDSEC_BUF_INIT;
    assert_int_equal(medsec_risk_register_csv(&csv, &reg), MEDSEC_OK);
    size_t rows = 0;
    for (const char *p = csv.data; (p = strstr(p, "\r\nR-")); p += 2)
        rows++;
    assert_int_equal(rows, reg.n);
    assert_true(strncmp(csv.data, "id,threat,vulnerability,", 24) == 0);
    medsec_buf_release(&csv);
    struct medsec_buf js = MEDSEC_BUF_INIT;
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &js, 0);
    medsec_risk_register_json(&w, medsec_device_name(d), &reg, &links, NULL, 0);
    assert_int_equal(medsec_jsonw_finish(&w), MEDSEC_OK);
    struct medsec_json_doc *doc = NULL;
    assert_int_equal(medsec_json_parse(js.data, js.len, NULL, "register", &doc, &err), MEDSEC_OK);
    const struct medsec_json *risks = medsec_json_get(doc->root, "risks");
    assert_non_null(risks);
    assert_non_null(medsec_json_at(risks, reg.n - 1));
    assert_null(medsec_json_at(risks, reg.n));
    medsec_json_doc_free(doc);
    medsec_buf_release(&js);
    medsec_risk_links_release(&links);
    medsec_risk_register_release(&reg);
    medsec_device_close(d);
}

static void test_bad_folder(void **state)
{
    (void)state;
    struct medsec_device *d = (struct medsec_device *)&d;
    struct medsec_error err;
    struct medsec_diags diags = MEDSEC_DIAGS_INIT;
    assert_int_not_equal(
        medsec_device_open(NULL, MEDSEC_SOURCE_DIR "/no/such/device", NULL, &d, &diags, &err),
        MEDSEC_OK);
    assert_null(d);
    medsec_diags_release(&diags);
    /* a file with errors: the errors are in the diagnostics, nothing is opened */
    assert_int_equal(medsec_device_open(NULL,
                                        MEDSEC_SOURCE_DIR "/tests/model/broken/dangling-reference",
                                        NULL, &d, &diags, &err),
                     MEDSEC_EINVAL);
    assert_null(d);
    assert_true(diags.errors > 0);
    medsec_diags_release(&diags);
    /* a rule catalog that does not exist fails the threats, and the handle stays usable */
    const char *rules[] = {MEDSEC_SOURCE_DIR "/no/such/rules.yaml"};
    struct medsec_device_opts o = {.rules = rules, .nrules = 1};
    assert_int_equal(medsec_device_open(NULL, CLOUD, &o, &d, NULL, &err), MEDSEC_OK);
    const struct medsec_threat_list *l = (const struct medsec_threat_list *)&l;
    assert_int_not_equal(medsec_device_threats(d, &l, &err), MEDSEC_OK);
    assert_null(l);
    assert_int_not_equal(medsec_device_threats(d, &l, &err), MEDSEC_OK);
    medsec_device_close(d);
}

static void test_scan_targets(void **state)
{
    (void)state;
    struct medsec_scan_plan *p = NULL;
    struct medsec_error err;
    struct medsec_diags diags = MEDSEC_DIAGS_INIT;
    assert_int_equal(medsec_scan_plan_new(NULL, &p, &err), MEDSEC_OK);
    assert_int_equal(medsec_scan_plan_add(p, PUMP, &diags, &err), MEDSEC_OK);
    assert_int_equal(medsec_scan_plan_add(p, PUMP "/sbom/main-board.cdx.json", &diags, &err),
                     MEDSEC_OK);
    size_t n = medsec_scan_plan_count(p);
    assert_true(n >= 4);
    /* targets of one release are next to each other, each release once, the bare SBOM last */
    const struct medsec_scan_target *last = medsec_scan_plan_target(p, n - 1);
    assert_null(last->version);
    assert_null(last->device);
    size_t releases = 0, current = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        const struct medsec_scan_target *t = medsec_scan_plan_target(p, i);
        assert_non_null(t->version);
        assert_non_null(t->sbom);
        if (i == 0 || !medsec_scan_target_same_release(medsec_scan_plan_target(p, i - 1), t)) {
            releases++;
            current += t->current;
            for (size_t k = 0; k < i; k++)
                assert_false(medsec_scan_target_same_release(medsec_scan_plan_target(p, k), t));
        }
    }
    assert_int_equal(current, 1);
    assert_true(releases >= 2);
    assert_null(medsec_scan_plan_target(p, n));
    medsec_scan_plan_free(p);
    medsec_diags_release(&diags);

    /* a device whose file names no SBOM at all cannot be scanned */
    assert_int_equal(medsec_scan_plan_new(NULL, &p, &err), MEDSEC_OK);
    assert_int_equal(medsec_scan_plan_add(p, MEDSEC_SOURCE_DIR "/tests/model/minimal", NULL, &err),
                     MEDSEC_EINVAL);
    assert_non_null(strstr(err.msg, "names no SBOM"));
    assert_int_equal(medsec_scan_plan_count(p), 0);
    medsec_scan_plan_free(p);
}

/* Every allocation of open, threats and risks fails once: each run fails cleanly with ENOMEM or
 * succeeds, and gives back all it took (ASan checks the rest). */
static void test_fault_injection(void **state)
{
    (void)state;
    size_t base = failalloc_live;
    bool done = false;
    for (long n = 0; !done && n < 200000; n++) {
        struct medsec_ctx *ctx = failalloc_ctx_arm(n);
        struct medsec_device *d = NULL;
        struct medsec_error err;
        struct medsec_risk_register reg;
        medsec_err rc = medsec_device_open(ctx, CLOUD, NULL, &d, NULL, &err);
        if (!rc) {
            rc = medsec_device_risks(d, NULL, NULL, &reg, NULL, NULL, &err);
            medsec_risk_register_release(&reg);
        }
        if (rc)
            assert_int_equal(rc, MEDSEC_ENOMEM);
        else
            done = true;
        medsec_device_close(d);
        assert_int_equal(failalloc_live, base);
    }
    assert_true(done);
}

/* With the database: the current version's findings become risks, except those the file assesses.
 */
static void test_risks_with_db(void **state)
{
    (void)state;
    char path[64];
    struct medsec_db *db = fixture_db(path);
    struct medsec_device *d = NULL;
    struct medsec_error err;
    assert_int_equal(medsec_device_open(NULL, MONITOR, NULL, &d, NULL, &err), MEDSEC_OK);
    struct medsec_risk_register without, with;
    struct medsec_device_risk_stats st;
    assert_int_equal(medsec_device_risks(d, NULL, NULL, &without, &st, NULL, &err), MEDSEC_OK);
    assert_int_equal(medsec_device_risks(d, db, NULL, &with, &st, NULL, &err), MEDSEC_OK);
    assert_string_equal(st.version, "1.0.0");
    assert_true(st.sboms >= 1);
    assert_true(st.findings > 0);
    assert_int_equal(with.n, without.n + st.added);
    assert_true(st.added + st.assessed <= st.findings);
    size_t vuln_risks = 0;
    for (size_t i = 0; i < with.n; i++)
        vuln_risks += with.items[i].spec.vulnerability_id != NULL && !with.items[i].spec.threat_id;
    assert_true(vuln_risks >= st.added);
    size_t expect = with.n;
    medsec_risk_register_release(&without);
    medsec_risk_register_release(&with);

    /* every allocation of risks with the database fails once: ENOMEM, nothing kept, or the same
     * register */
    size_t base = failalloc_live, want = 0;
    bool done = false;
    for (long n = 0; !done && n < 200000; n++) {
        struct medsec_ctx *ctx = failalloc_ctx_arm(n);
        struct medsec_device *fd = NULL;
        struct medsec_risk_register reg;
        medsec_err rc = medsec_device_open(ctx, MONITOR, NULL, &fd, NULL, &err);
        if (!rc) {
            rc = medsec_device_risks(fd, db, NULL, &reg, NULL, NULL, &err);
            if (!rc)
                want = reg.n;
            medsec_risk_register_release(&reg);
        }
        if (rc)
            assert_int_equal(rc, MEDSEC_ENOMEM);
        else
            done = true;
        medsec_device_close(fd);
        assert_int_equal(failalloc_live, base);
    }
    assert_true(done);
    assert_int_equal(want, expect);

    /* the same for a whole scan plan over the device's releases */
    done = false;
    for (long n = 0; !done && n < 200000; n++) {
        struct medsec_ctx *ctx = failalloc_ctx_arm(n);
        struct medsec_scan_plan *p = NULL;
        medsec_err rc = medsec_scan_plan_new(ctx, &p, &err);
        if (!rc)
            rc = medsec_scan_plan_add(p, MONITOR, NULL, &err);
        if (!rc)
            rc = medsec_scan_plan_run(p, db, NULL, NULL, NULL, NULL, &err);
        if (rc)
            assert_int_equal(rc, MEDSEC_ENOMEM);
        else
            done = medsec_scan_plan_count(p) > 0;
        medsec_scan_plan_free(p);
        assert_int_equal(failalloc_live, base);
    }
    assert_true(done);
    medsec_device_close(d);
    drop_db(db, path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_and_ask),  cmocka_unit_test(test_bad_folder),
        cmocka_unit_test(test_scan_targets),  cmocka_unit_test(test_fault_injection),
        cmocka_unit_test(test_risks_with_db),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
