/* test_scan.c: the matcher on a database imported from tests/scan/data/advisories (OSV, NVD 1.1,
 * CSAF records written for these cases) and the SBOMs in tests/scan/data/sbom (the OSV range
 * semantics it uses are tested in test_version.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "medsec/db.h"
#include "medsec/scan.h"
#include "medsec/version.h"

#include "failalloc.h"

#define DATA MEDSEC_SOURCE_DIR "/tests/scan/data"

struct fixture {
    char dir[64];
    char path[128];
    struct medsec_db *db;
    struct medsec_sbom *device, *fw_only;
};

static struct medsec_sbom *load(const char *path)
{
    struct medsec_sbom *s = NULL;
    struct medsec_error err;
    if (medsec_sbom_load(path, NULL, &s, NULL, &err) != MEDSEC_OK)
        fail_msg("%s: %s", path, err.msg);
    return s;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/medsec-test-scan-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/v.sqlite", f->dir);
    struct medsec_error err;
    struct medsec_db *w;
    if (medsec_db_open(NULL, f->path, 0, &w, &err) != MEDSEC_OK)
        return -1;
    const char *paths[] = {DATA "/advisories"};
    struct medsec_db_import_stats st;
    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    medsec_err rc = medsec_db_import(w, paths, 1, NULL, &st, &d, &err);
    medsec_diags_release(&d);
    medsec_db_close(w);
    if (rc || medsec_db_open(NULL, f->path, MEDSEC_DB_READONLY, &f->db, &err) != MEDSEC_OK)
        return -1;
    f->device = load(DATA "/sbom/device.cdx.json");
    f->fw_only = load(DATA "/sbom/fw-only.cdx.json");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    medsec_db_close(f->db);
    medsec_sbom_free(f->device);
    medsec_sbom_free(f->fw_only);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    int rc = system(cmd);
    free(f);
    return rc == 0 ? 0 : -1;
}

/* The finding of @id on the component whose ref is @ref, or NULL. */
static const struct medsec_scan_finding *find(const struct medsec_scan_result *r, const char *ref,
                                              const char *id)
{
    for (size_t i = 0; i < r->nfindings; i++)
        if (strcmp(r->sbom->components[r->findings[i].component].ref, ref) == 0 &&
            strcmp(r->findings[i].vuln->id, id) == 0)
            return &r->findings[i];
    return NULL;
}

static size_t findings_of(const struct medsec_scan_result *r, const char *ref)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nfindings; i++)
        n += strcmp(r->sbom->components[r->findings[i].component].ref, ref) == 0;
    return n;
}

static void scan(struct fixture *f, const struct medsec_sbom *s, unsigned flags,
                 struct medsec_scan_result *r, struct medsec_diags *notes)
{
    struct medsec_scan_opts o = {.flags = flags};
    struct medsec_error err;
    if (medsec_scan_sbom(f->db, s, &o, r, notes, &err) != MEDSEC_OK)
        fail_msg("scan: %s", err.msg);
}

static void test_purl_path(void **state)
{
    struct fixture *f = *state;
    struct medsec_scan_result r;
    scan(f, f->device, 0, &r, NULL);
    /* OSV ECOSYSTEM ranges under PEP 440, names normalised (Example_Pkg == example-pkg) */
    const struct medsec_scan_finding *x = find(&r, "py-10", "CVE-2099-0001");
    assert_non_null(x);
    assert_int_equal(x->nmatches, 1);
    assert_int_equal(x->matches[0].method, MEDSEC_SCAN_BY_PURL);
    assert_string_equal(x->matches[0].source, "osv");
    assert_string_equal(x->matches[0].record_id, "PYSEC-0000-1");
    assert_string_equal(x->matches[0].key, "pkg:pypi/example-pkg");
    assert_int_equal(x->nfixed, 1);
    assert_string_equal(x->fixed[0], "1.4");
    assert_false(x->review);
    /* the alias list carries the OSV id */
    assert_int_equal(x->vuln->naliases, 1);
    assert_string_equal(x->vuln->aliases[0], "PYSEC-0000-1");
    assert_null(find(&r, "py-14", "CVE-2099-0001"));      /* fixed */
    assert_non_null(find(&r, "py-213", "CVE-2099-0001")); /* last_affected is inclusive */
    /* findings of one vulnerability on two components share its one record */
    assert_ptr_equal(find(&r, "py-213", "CVE-2099-0001")->vuln, x->vuln);
    assert_null(find(&r, "py-214", "CVE-2099-0001"));
    assert_non_null(find(&r, "py-09", "CVE-2099-0001")); /* versions list */
    /* the npm advisory for the same name never reaches a PyPI package; withdrawn records stay out
     */
    assert_int_equal(findings_of(&r, "py-30"), 0);
    for (size_t i = 0; i < r.nfindings; i++) {
        assert_string_not_equal(r.findings[i].vuln->id, "GHSA-0000-npm3");
        assert_string_not_equal(r.findings[i].vuln->id, "GHSA-0000-wd4");
    }
    /* Go SEMVER, events out of order, "v" prefix on the purl version; OSV's CVSS vector scored */
    x = find(&r, "go-11", "GO-0000-2");
    assert_non_null(x);
    assert_int_equal(x->vuln->severity, MEDSEC_CVSS_SEV_HIGH);
    assert_true(x->vuln->cvss_score > 7.49 && x->vuln->cvss_score < 7.51);
    assert_null(find(&r, "go-12", "GO-0000-2"));
    medsec_scan_result_release(&r);
}

static void test_cpe_path(void **state)
{
    struct fixture *f = *state;
    struct medsec_scan_result r;
    scan(f, f->device, 0, &r, NULL);
    const struct medsec_scan_finding *x = find(&r, "wl-j", "CVE-2099-1000");
    assert_non_null(x); /* 1.0.2j < 1.0.2k under the generic scheme */
    assert_int_equal(x->matches[0].method, MEDSEC_SCAN_BY_CPE);
    assert_string_equal(x->matches[0].source, "nvd");
    assert_string_equal(x->matches[0].key, "cpe:2.3:a:acme:widgetlib:*:*:*:*:*:*:*:*");
    assert_int_equal(x->vuln->severity, MEDSEC_CVSS_SEV_CRITICAL);
    assert_string_equal(x->vuln->cvss_version, "3.1");
    assert_int_equal(x->nfixed, 1);
    assert_string_equal(x->fixed[0], "1.0.2k");
    /* a CPE with an open version takes the component's version: 1.0.2k is the fix */
    assert_int_equal(findings_of(&r, "wl-k"), 0);
    /* exact version criteria */
    assert_non_null(find(&r, "wl-1", "CVE-2099-1002"));
    assert_null(find(&r, "wl-j", "CVE-2099-1002"));
    /* rejected CVEs are not reported */
    assert_null(find(&r, "wl-j", "CVE-2099-1003"));
    /* AND configuration: the firmware matches because the SBOM lists the hardware platform */
    assert_non_null(find(&r, "fw", "CVE-2099-1001"));
    assert_int_equal(findings_of(&r, "hw"), 0); /* the platform itself is not vulnerable */
    medsec_scan_result_release(&r);

    scan(f, f->fw_only, 0, &r, NULL);
    assert_int_equal(r.nfindings, 0);
    assert_int_equal(r.platform_unmet, 1);
    medsec_scan_result_release(&r);
    scan(f, f->fw_only, MEDSEC_SCAN_ANY_PLATFORM, &r, NULL);
    assert_int_equal(r.nfindings, 1);
    assert_string_equal(r.findings[0].vuln->id, "CVE-2099-1001");
    medsec_scan_result_release(&r);
    scan(f, f->device, MEDSEC_SCAN_WITHDRAWN, &r, NULL);
    x = find(&r, "wl-j", "CVE-2099-1003");
    assert_non_null(x);
    assert_true(x->withdrawn);
    medsec_scan_result_release(&r);
}

static void test_product_path(void **state)
{
    struct fixture *f = *state;
    struct medsec_scan_result r;
    struct medsec_diags notes = MEDSEC_DIAGS_INIT;
    scan(f, f->device, 0, &r, &notes);
    /* name equal, vendor "Acme Medical" inside "Acme Medical, and Others", 3.2 <= 4.0 */
    const struct medsec_scan_finding *x = find(&r, "stack", "CVE-2099-2000");
    assert_non_null(x);
    assert_int_equal(x->matches[0].method, MEDSEC_SCAN_BY_PRODUCT);
    assert_string_equal(x->matches[0].record_id, "TEST-CSAF-0001");
    assert_false(x->review);
    assert_int_equal(x->vuln->severity, MEDSEC_CVSS_SEV_HIGH);
    assert_null(find(&r, "stack5", "CVE-2099-2000")); /* 5.0 is fixed, not in <= 4.0 */
    assert_int_equal(findings_of(&r, "other"), 0);    /* same name, another vendor: never */
    /* free-text range: reported, marked for review */
    x = find(&r, "legacy", "CVE-2099-2000");
    assert_non_null(x);
    assert_true(x->review);
    assert_true(x->matches[0].review);
    /* components with neither purl nor CPE are counted and warned about, with their position */
    assert_int_equal(r.unidentified, 2);
    size_t warned = 0;
    for (size_t i = 0; i < notes.n; i++)
        if (strstr(notes.v[i].msg, "'mystery'") && notes.v[i].line > 0)
            warned++;
    assert_int_equal(warned, 1);
    medsec_diags_release(&notes);
    /* each path can be switched off */
    medsec_scan_result_release(&r);
    scan(f, f->device, MEDSEC_SCAN_NO_PRODUCT | MEDSEC_SCAN_NO_CPE, &r, NULL);
    assert_null(find(&r, "stack", "CVE-2099-2000"));
    assert_null(find(&r, "wl-j", "CVE-2099-1000"));
    assert_non_null(find(&r, "py-10", "CVE-2099-0001"));
    medsec_scan_result_release(&r);
}

static void test_order(void **state)
{
    struct fixture *f = *state;
    struct medsec_scan_result r;
    scan(f, f->device, 0, &r, NULL);
    for (size_t i = 1; i < r.nfindings; i++) {
        const struct medsec_scan_finding *a = &r.findings[i - 1], *b = &r.findings[i];
        assert_true(a->component <= b->component);
        if (a->component == b->component && a->review == b->review)
            assert_true(a->vuln->cvss_score >= b->vuln->cvss_score);
    }
    assert_int_equal(r.components, f->device->ncomponents);
    medsec_scan_result_release(&r);
}

/* Any allocation of a scan may fail: the scan then says MEDSEC_ENOMEM and leaks nothing, or it
 * succeeds with every finding (a failure is never read as "not affected"). */
static void test_out_of_memory(void **state)
{
    struct fixture *f = *state;
    struct medsec_scan_result r;
    scan(f, f->device, 0, &r, NULL);
    size_t want = r.nfindings;
    medsec_scan_result_release(&r);
    bool failed = true;
    for (long n = 0; failed; n++) {
        struct medsec_diags notes = MEDSEC_DIAGS_INIT;
        struct medsec_error err;
        size_t live = failalloc_live;
        failalloc_arm(n);
        medsec_err rc = medsec_scan_sbom(f->db, f->device, NULL, &r, &notes, &err);
        failed = failalloc_countdown < 0; /* the n-th allocation was asked for, and failed */
        size_t got = r.nfindings;
        medsec_scan_result_release(&r);
        medsec_diags_release(&notes);
        failalloc_disarm();
        assert_int_equal(failalloc_live, live);
        if (rc != MEDSEC_OK)
            assert_int_equal(rc, MEDSEC_ENOMEM);
        else
            assert_int_equal(got, want);
    }
}

static const struct medsec_scan_cover *cover_of(const struct medsec_scan_result *r, const char *ref)
{
    for (size_t i = 0; i < r->components; i++)
        if (r->sbom->components[i].ref && strcmp(r->sbom->components[i].ref, ref) == 0)
            return &r->cover[i];
    fail_msg("no component %s", ref);
    return NULL;
}

/* Coverage: what each component was checked against, or why not (medsec/scan.h). The test
 * database has OSV golang, npm and pypi advisories, NVD CPE criteria and one CSAF document. */
static void test_coverage(void **state)
{
    struct fixture *f = *state;
    struct medsec_sbom *s = load(DATA "/sbom/unchecked.cdx.json");
    struct medsec_scan_result r;
    /* without derived CPEs first: conan has no advisories of its own */
    scan(f, s, MEDSEC_SCAN_NO_DERIVED_CPE, &r, NULL);
    const unsigned osv_purl = MEDSEC_SCAN_COVER_BIT(MEDSEC_SCAN_BY_PURL, MEDSEC_ADV_OSV);
    assert_int_equal(cover_of(&r, "jackson")->status, MEDSEC_SCAN_UNCHECKED_NO_DATA);
    assert_string_equal(cover_of(&r, "jackson")->ecosystem, "maven");
    assert_int_equal(cover_of(&r, "guava")->status, MEDSEC_SCAN_UNCHECKED_NO_DATA);
    assert_int_equal(cover_of(&r, "zlib")->status, MEDSEC_SCAN_UNCHECKED_NO_DATA);
    assert_int_equal(cover_of(&r, "odd")->status, MEDSEC_SCAN_UNCHECKED_UNKNOWN_TYPE);
    assert_int_equal(cover_of(&r, "blob")->status, MEDSEC_SCAN_UNCHECKED_NO_ID);
    assert_null(cover_of(&r, "blob")->ecosystem);
    assert_int_equal(cover_of(&r, "requests")->status, MEDSEC_SCAN_CHECKED);
    assert_true(cover_of(&r, "requests")->sources & osv_purl);
    assert_int_equal(cover_of(&r, "subject")->status, MEDSEC_SCAN_COVER_SUBJECT);
    assert_int_equal(r.checked, 1);
    assert_int_equal(r.unchecked, 5);
    assert_int_equal(r.by_status[MEDSEC_SCAN_UNCHECKED_NO_DATA], 3);
    assert_int_equal(r.by_source[MEDSEC_SCAN_BY_PURL * MEDSEC_ADV_NSOURCES + MEDSEC_ADV_OSV], 1);
    /* the SBOM's ecosystems, sorted, with what the database holds for each */
    static const char *const names[] = {"conan", "maven", "nosuchtype", "pypi"};
    assert_int_equal(r.necosystems, 4);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(r.ecosystems[i].name, names[i]);
    assert_int_equal(r.ecosystems[1].components, 2);
    assert_int_equal(r.ecosystems[1].unchecked, 2);
    assert_int_equal(r.ecosystems[1].entries, 0);
    assert_false(r.ecosystems[2].known);
    assert_int_equal(r.ecosystems[3].checked, 1);
    assert_true(r.ecosystems[3].entries > 0);
    char line[1024];
    medsec_scan_coverage_text(&r, 10, line, sizeof line);
    assert_non_null(strstr(line, "1 of 6 components checked (osv by purl 1)"));
    assert_non_null(strstr(line, "maven 2 (no advisory data for the ecosystem in this database)"));
    assert_non_null(strstr(line, "nosuchtype 1 (unknown purl type)"));
    assert_non_null(strstr(line, "[jackson-databind 2.9.10, guava 24.1-jre, zlib"));
    medsec_scan_result_release(&r);
    /* by default the conan zlib gets zlib:zlib from the built-in map: checked by derived CPE */
    scan(f, s, 0, &r, NULL);
    assert_int_equal(cover_of(&r, "zlib")->status, MEDSEC_SCAN_CHECKED);
    assert_true(cover_of(&r, "zlib")->sources &
                MEDSEC_SCAN_COVER_BIT(MEDSEC_SCAN_BY_DERIVED_CPE, MEDSEC_ADV_NVD));
    assert_int_equal(r.by_derived_cpe, 1);
    assert_int_equal(r.checked, 2);
    medsec_scan_coverage_text(&r, 10, line, sizeof line);
    assert_non_null(
        strstr(line, "2 of 6 components checked (osv by purl 1, nvd by derived CPE 1)"));
    medsec_scan_result_release(&r);
    /* with the purl path off, the pypi component is left out by the paths, not clean (and with
     * derived CPEs off, nothing is checked) */
    scan(f, s, MEDSEC_SCAN_NO_PURL | MEDSEC_SCAN_NO_DERIVED_CPE, &r, NULL);
    assert_int_equal(cover_of(&r, "requests")->status, MEDSEC_SCAN_UNCHECKED_PATH_OFF);
    assert_int_equal(r.checked, 0);
    medsec_scan_result_release(&r);
    medsec_sbom_free(s);
    /* CPEs are checked against NVD's criteria; "generic" purls alone have no data here */
    scan(f, f->fw_only, 0, &r, NULL);
    assert_int_equal(cover_of(&r, "fw")->status, MEDSEC_SCAN_CHECKED);
    assert_true(cover_of(&r, "fw")->sources &
                MEDSEC_SCAN_COVER_BIT(MEDSEC_SCAN_BY_CPE, MEDSEC_ADV_NVD));
    medsec_scan_result_release(&r);
}

/* Reading the database's coverage fails cleanly at every allocation and leaves nothing behind. */
static void test_coverage_out_of_memory(void **state)
{
    struct fixture *f = *state;
    bool failed = true;
    size_t tried = 0;
    for (long n = 0; failed; n++) {
        struct medsec_db *db = NULL;
        struct medsec_error err;
        /* the handle's context is the failing one: its reads allocate there */
        struct medsec_ctx *ctx = failalloc_ctx_arm(-1);
        assert_int_equal(medsec_db_open(ctx, f->path, MEDSEC_DB_READONLY, &db, &err), MEDSEC_OK);
        size_t live = failalloc_live;
        failalloc_ctx_arm(n);
        const struct medsec_db_coverage *c = NULL;
        medsec_err rc = medsec_db_coverage(db, &c, &err);
        failed = failalloc_countdown < 0;
        failalloc_ctx_arm(-1);
        if (rc != MEDSEC_OK) {
            assert_int_equal(rc, MEDSEC_ENOMEM);
            assert_int_equal(failalloc_live, live);
        } else {
            assert_true(
                medsec_db_coverage_entries(c, MEDSEC_DB_COVER_PURL, MEDSEC_ADV_OSV, "pypi") > 0);
            assert_int_equal(medsec_db_coverage_entries(c, MEDSEC_DB_COVER_PURL, -1, "maven"), 0);
        }
        tried++;
        medsec_db_close(db);
    }
    assert_true(tried > 1); /* the counts were read through the hook, which failed them */
    assert_int_equal(failalloc_live, 0);
}

/* ---- on the database of all of ../shared/data/advisories (`test_scan shared`) ---- */

static int setup_shared(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct medsec_error err;
    if (!f || medsec_db_open(NULL, MEDSEC_SHARED_DB, MEDSEC_DB_READONLY, &f->db, &err) != MEDSEC_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown_shared(void **state)
{
    struct fixture *f = *state;
    medsec_db_close(f->db);
    free(f);
    return 0;
}

/* Real NVD configurations whose running-on platform names no version (linux_kernel:-), next to
 * ranged platforms and `-` on the vulnerable side. */
static void test_shared_running_on(void **state)
{
    struct fixture *f = *state;
    struct medsec_sbom *sb = load(DATA "/sbom/running-on.cdx.json");
    struct medsec_scan_result r;
    scan(f, sb, MEDSEC_SCAN_NO_PURL | MEDSEC_SCAN_NO_PRODUCT, &r, NULL);
    /* CVE-2017-18269: glibc 2.21-2.27 AND running on cpe:2.3:o:linux:linux_kernel:-: the SBOM
     * lists the kernel (6.12.0), which meets a platform given without a version */
    const struct medsec_scan_finding *x = find(&r, "glibc", "CVE-2017-18269");
    assert_non_null(x);
    assert_int_equal(x->matches[0].method, MEDSEC_SCAN_BY_CPE);
    assert_string_equal(x->matches[0].record_id, "CVE-2017-18269");
    assert_int_equal(findings_of(&r, "glibc"), 10);
    /* the platform itself is not vulnerable through that configuration */
    assert_null(find(&r, "kernel", "CVE-2017-18269"));
    /* CVE-2008-0731: apparmor (every version) AND (linux_kernel up to 2.6.18.8 OR open_suse 10.2):
     * a ranged platform still needs its range; 6.12.0 is outside */
    assert_null(find(&r, "apparmor", "CVE-2008-0731"));
    /* CVE-2017-0309: gpu_driver:- (vulnerable) AND linux_kernel:-: on the vulnerable side `-` is
     * still NA, so driver 375.66 is not that criterion; CVE-2017-6253..6256 (gpu_driver:* on
     * windows:*) stay out: no Windows in the SBOM */
    assert_int_equal(findings_of(&r, "gpu-driver"), 0);
    assert_int_equal(findings_of(&r, "apparmor"), 0);
    assert_int_equal(r.platform_unmet, 5);
    medsec_scan_result_release(&r);
    /* --any-platform counts the missing platforms: apparmor and the four driver CVEs */
    scan(f, sb, MEDSEC_SCAN_NO_PURL | MEDSEC_SCAN_NO_PRODUCT | MEDSEC_SCAN_ANY_PLATFORM, &r, NULL);
    assert_non_null(find(&r, "apparmor", "CVE-2008-0731"));
    assert_non_null(find(&r, "gpu-driver", "CVE-2017-6253"));
    assert_null(find(&r, "gpu-driver", "CVE-2017-0309"));
    assert_int_equal(r.platform_unmet, 0);
    medsec_scan_result_release(&r);
    medsec_sbom_free(sb);

    /* without the kernel the glibc CVE is left out and counted as an unmet platform */
    sb = load(DATA "/sbom/glibc-only.cdx.json");
    scan(f, sb, 0, &r, NULL);
    assert_null(find(&r, "glibc", "CVE-2017-18269"));
    assert_int_equal(findings_of(&r, "glibc"), 9);
    assert_int_equal(r.platform_unmet, 1);
    medsec_scan_result_release(&r);
    medsec_sbom_free(sb);
}

/* A PyPA record carries no score; the Bitnami record merged with it (same CVE) carries one in its
 * affected package's severity: the finding takes it and names that record. */
static void test_shared_alias_scores(void **state)
{
    struct fixture *f = *state;
    struct medsec_sbom *sb = load(DATA "/sbom/pypi-alias-scores.cdx.json");
    struct medsec_scan_result r;
    scan(f, sb, 0, &r, NULL);
    const struct medsec_scan_finding *x = find(&r, "django", "CVE-2020-13254");
    assert_non_null(x);
    assert_string_equal(x->matches[0].record_id, "PYSEC-2020-31");
    assert_int_equal(x->vuln->severity, MEDSEC_CVSS_SEV_MEDIUM);
    assert_string_equal(x->vuln->cvss_vector, "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N");
    assert_true(x->vuln->cvss_score > 5.89 && x->vuln->cvss_score < 5.91);
    assert_string_equal(x->vuln->cvss_record_source, "osv");
    assert_string_equal(x->vuln->cvss_record, "BIT-django-2020-13254");
    assert_true(medsec_scan_score_from_alias(x));
    /* a matched record with its own score keeps it, and it is not an alias's */
    x = find(&r, "urllib3", "CVE-2023-43804");
    assert_non_null(x);
    assert_string_equal(x->vuln->cvss_record, "PYSEC-2023-192");
    assert_false(medsec_scan_score_from_alias(x));
    assert_int_equal(x->vuln->severity, MEDSEC_CVSS_SEV_HIGH);
    medsec_scan_result_release(&r);
    medsec_sbom_free(sb);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "shared") == 0) {
        if (access(MEDSEC_SHARED_DB, R_OK) != 0) {
            printf("skip: no database at %s (../shared/data is absent or db_shared_data failed)\n",
                   MEDSEC_SHARED_DB);
            return 77;
        }
        const struct CMUnitTest shared[] = {
            cmocka_unit_test_setup_teardown(test_shared_running_on, setup_shared, teardown_shared),
            cmocka_unit_test_setup_teardown(test_shared_alias_scores, setup_shared,
                                            teardown_shared),
        };
        return cmocka_run_group_tests(shared, NULL, NULL);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_purl_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cpe_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_product_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_coverage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_coverage_out_of_memory, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
