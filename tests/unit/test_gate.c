/* test_gate.c: the release gate (medsec/gate.h): the policy reader, and each rule on the resolved
 * variant (tests/gate/resolved, where every rule passes) and on a copy changed in one place to
 * break only what the rule checks; the decision lookup; every allocation failure. */
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

#include "failalloc.h"
#include "medsec/alloc.h"
#include "medsec/device.h"
#include "medsec/file.h"
#include "medsec/gate.h"

#define RESOLVED MEDSEC_SOURCE_DIR "/tests/gate/resolved"
#define MONITOR MEDSEC_SOURCE_DIR "/tests/scan/data/monitor"
#define ADVISORIES MEDSEC_SOURCE_DIR "/tests/scan/data/advisories"
#define KEV MEDSEC_SOURCE_DIR "/tests/gate/data/kev.json"
#define TODAY "2026-11-28"
/* the manufacturer's score an open vulnerability of the security file needs */
#define CVSS "    cvss: CVSS:3.1/AV:N/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:L\n"

/* ---- helpers ---- */

static char *slurp(const char *path)
{
    char *text = NULL;
    size_t len;
    struct medsec_error err;
    assert_int_equal(medsec_file_read(path, 1 << 20, &text, &len, &err), MEDSEC_OK);
    return text;
}

static void spill(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    fclose(f);
}

/* A copy of the resolved variant in a new folder @dir with the first @from of its device.yaml
 * replaced by @to (NULL: unchanged). */
static void variant(char dir[64], const char *from, const char *to)
{
    snprintf(dir, 64, "/tmp/medsec-test-gate-XXXXXX");
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/sbom", dir);
    assert_int_equal(mkdir(path, 0755), 0);
    char *sbom = slurp(RESOLVED "/sbom/monitor-app.cdx.json");
    snprintf(path, sizeof path, "%s/sbom/monitor-app.cdx.json", dir);
    spill(path, sbom);
    medsec_free(sbom);
    char *yaml = slurp(RESOLVED "/device.yaml");
    char *at = from ? strstr(yaml, from) : NULL;
    if (from)
        assert_non_null(at);
    size_t n = strlen(yaml) + (to ? strlen(to) : 0) + 1;
    char *out = malloc(n);
    assert_non_null(out);
    if (at)
        snprintf(out, n, "%.*s%s%s", (int)(at - yaml), yaml, to, at + strlen(from));
    else
        snprintf(out, n, "%s", yaml);
    snprintf(path, sizeof path, "%s/device.yaml", dir);
    spill(path, out);
    free(out);
    medsec_free(yaml);
}

static void drop_variant(const char *dir)
{
    char path[128];
    snprintf(path, sizeof path, "%s/sbom/monitor-app.cdx.json", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/sbom", dir);
    rmdir(path);
    snprintf(path, sizeof path, "%s/device.yaml", dir);
    unlink(path);
    rmdir(dir);
}

/* The scan tests' advisories plus the KEV catalog in a temporary database. */
static struct medsec_db *fixture_db(char path[64])
{
    snprintf(path, 64, "/tmp/medsec-test-gate-db-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    struct medsec_db *db = NULL;
    struct medsec_error err;
    assert_int_equal(medsec_db_open(NULL, path, 0, &db, &err), MEDSEC_OK);
    const char *paths[] = {ADVISORIES, KEV};
    struct medsec_db_import_stats st;
    assert_int_equal(medsec_db_import(db, paths, 2, NULL, &st, NULL, &err), MEDSEC_OK);
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

/* A policy with only rule @r on. */
static void only(struct medsec_gate_policy *p, enum medsec_gate_rule r, long days)
{
    medsec_gate_policy_default(p);
    for (size_t i = 0; i < MEDSEC_GATE_RULE_COUNT; i++)
        p->enabled[i] = i == (size_t)r;
    p->max_days = days;
}

/* Run @p on the folder @dir and return the report's failed count; *@items gets the failing items
 * joined by '|' (at most @cap bytes). */
static size_t gate(const char *dir, const struct medsec_gate_policy *p, struct medsec_db *db,
                   const char *version, const char *today, medsec_gate_decide_fn decide,
                   char *items, size_t cap, size_t *skipped)
{
    struct medsec_device *d = NULL;
    struct medsec_error err;
    assert_int_equal(medsec_device_open(NULL, dir, NULL, &d, NULL, &err), MEDSEC_OK);
    struct medsec_gate_opts o = {.today = today, .version = version, .db = db, .decide = decide};
    struct medsec_gate_report r;
    medsec_err rc = medsec_gate_run(d, p, &o, &r, &err);
    if (rc)
        fprintf(stderr, "gate: %s\n", err.msg);
    assert_int_equal(rc, MEDSEC_OK);
    items[0] = 0;
    size_t nfail = 0;
    for (size_t i = 0; i < r.n; i++) {
        const struct medsec_gate_result *res = &r.results[i];
        assert_true(res->outcome != MEDSEC_GATE_FAIL || res->nfailures > 0);
        assert_true(res->outcome == MEDSEC_GATE_FAIL || res->nfailures == 0);
        assert_true(p->enabled[res->rule]);
        assert_non_null(res->note);
        for (size_t k = 0; k < res->nfailures; k++) {
            size_t len = strlen(items);
            snprintf(items + len, cap - len, "%s%s", len ? "|" : "", res->failures[k].item);
            assert_non_null(res->failures[k].reason);
        }
        nfail += res->outcome == MEDSEC_GATE_FAIL;
    }
    assert_int_equal(nfail, r.failed);
    if (skipped)
        *skipped = r.skipped;
    medsec_gate_report_release(&r);
    medsec_device_close(d);
    return nfail;
}

/* ---- the policy ---- */

static void test_policy(void **state)
{
    (void)state;
    struct medsec_gate_policy p;
    struct medsec_error err;
    medsec_gate_policy_default(&p);
    for (size_t i = 0; i < MEDSEC_GATE_RULE_COUNT; i++) {
        assert_true(p.enabled[i]);
        assert_string_not_equal(medsec_gate_rule_name((enum medsec_gate_rule)i), "?");
    }
    assert_int_equal(p.max_days, MEDSEC_GATE_DEFAULT_MAX_DAYS);
    medsec_gate_policy_release(&p);

    const char *good = "gate: 1\nname: ci\nrules:\n  untriaged_max_days: 14\n"
                       "  kev_needs_response: {enabled: false}\n  requirements_verified: true\n";
    assert_int_equal(medsec_gate_policy_parse(good, strlen(good), "p.yaml", &p, &err), MEDSEC_OK);
    assert_string_equal(p.name, "ci");
    assert_true(p.enabled[MEDSEC_GATE_UNTRIAGED_MAX_DAYS]);
    assert_int_equal(p.max_days, 14);
    assert_int_equal(p.line[MEDSEC_GATE_UNTRIAGED_MAX_DAYS], 4);
    assert_false(p.enabled[MEDSEC_GATE_KEV_NEEDS_RESPONSE]);
    assert_true(p.enabled[MEDSEC_GATE_REQUIREMENTS_VERIFIED]);
    assert_false(p.enabled[MEDSEC_GATE_NO_COMPONENT_PAST_EOS]); /* not named: off */
    medsec_gate_policy_release(&p);
    const char *stale = "gate: 1\nrules:\n  no_stale_decisions: true\n";
    assert_int_equal(medsec_gate_policy_parse(stale, strlen(stale), "p.yaml", &p, &err), MEDSEC_OK);
    assert_true(p.enabled[MEDSEC_GATE_NO_STALE_DECISIONS]);
    assert_int_equal(p.line[MEDSEC_GATE_NO_STALE_DECISIONS], 3);
    medsec_gate_policy_release(&p);

    static const struct {
        const char *text;
        medsec_err rc;
        unsigned line, column;
        const char *msg;
    } bad[] = {
        {"gate: 1\nrules:\n  kev_need_response: true\n", MEDSEC_EINVAL, 3, 3, "did you mean"},
        {"gate: 1\nrules:\n  kev_needs_response: true\n  kev_needs_response: false\n",
         MEDSEC_EPARSE, 0, 0, ""}, /* a duplicate key is refused by the YAML reader */
        {"gate: 1\nrules:\n  untriaged_max_days: {days: 1e3}\n", MEDSEC_EINVAL, 3, 30, "days"},
        {"gate: 1\nrules:\n  untriaged_max_days: {days: 99999999}\n", MEDSEC_EINVAL, 3, 30, "days"},
        {"gate: 1\nrules: [a]\n", MEDSEC_EINVAL, 2, 9, "mapping"},
        {"gate: 1\n", MEDSEC_EINVAL, 1, 1, "rules"},
        {"gate: 1\nrules:\n  kev_needs_response: false\n", MEDSEC_EINVAL, 2, 1, "no rule"},
        {"- gate\n", MEDSEC_EINVAL, 1, 3, "mapping"},
        {"gate: 1\nrules: {a: [}\n", MEDSEC_EPARSE, 0, 0, ""},
        {"gate: 1\nrules:\n  requirements_verified: *x\n", MEDSEC_EINVAL, 3, 27, "plain value"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        medsec_err rc =
            medsec_gate_policy_parse(bad[i].text, strlen(bad[i].text), "p.yaml", &p, &err);
        if (rc != bad[i].rc)
            fail_msg("case %zu: %d (%s)", i, rc, err.msg);
        if (bad[i].line) {
            assert_int_equal(err.line, bad[i].line);
            assert_int_equal(err.column, bad[i].column);
            assert_non_null(strstr(err.msg, bad[i].msg));
        }
        assert_string_equal(err.file, "p.yaml");
        medsec_gate_policy_release(&p);
    }
    char *big = malloc(MEDSEC_GATE_POLICY_MAX_BYTES + 2);
    assert_non_null(big);
    memset(big, '#', MEDSEC_GATE_POLICY_MAX_BYTES + 1);
    big[MEDSEC_GATE_POLICY_MAX_BYTES + 1] = 0;
    assert_int_equal(medsec_gate_policy_parse(big, strlen(big), "p.yaml", &p, &err),
                     MEDSEC_ETOOBIG);
    medsec_gate_policy_release(&p);
    free(big);
}

static void test_policy_nomem(void **state)
{
    (void)state;
    const char *text = "gate: 1\nname: \"quoted name\"\nrules:\n  untriaged_max_days: {days: 7}\n"
                       "  no_component_past_eos: true\n";
    for (long n = 0;; n++) {
        size_t live = failalloc_live;
        const struct medsec_ctx *prev = medsec_ctx_enter(failalloc_ctx_arm(n));
        struct medsec_gate_policy p;
        struct medsec_error err;
        medsec_err rc = medsec_gate_policy_parse(text, strlen(text), "p.yaml", &p, &err);
        medsec_gate_policy_release(&p);
        medsec_ctx_leave(prev);
        assert_int_equal(failalloc_live, live);
        if (rc == MEDSEC_OK)
            break;
        assert_int_equal(rc, MEDSEC_ENOMEM);
    }
    failalloc_ctx_arm(-1);
}

/* ---- the rules ---- */

static void test_resolved_passes(void **state)
{
    (void)state;
    struct medsec_gate_policy p;
    char items[4096], path[64];
    size_t skipped;
    medsec_gate_policy_default(&p);
    assert_int_equal(gate(RESOLVED, &p, NULL, NULL, TODAY, NULL, items, sizeof items, &skipped), 0);
    /* the two rules on findings, no_stale_decisions and no_unchecked_components, on two releases in
     * the field */
    assert_int_equal(skipped, 8);
    struct medsec_db *db = fixture_db(path);
    assert_int_equal(gate(RESOLVED, &p, db, NULL, TODAY, NULL, items, sizeof items, &skipped), 0);
    assert_int_equal(skipped, 2); /* no_stale_decisions: no triage file was read */
    drop_db(db, path);
}

/* Property: each rule alone passes on the resolved variant, and fails on a copy that has just the
 * condition it checks. */
static void test_rule_risk(void **state)
{
    (void)state;
    struct medsec_gate_policy p;
    char dir[64], items[4096];
    only(&p, MEDSEC_GATE_NO_UNJUSTIFIED_RESIDUAL_RISK, 30);
    assert_int_equal(gate(RESOLVED, &p, NULL, NULL, TODAY, NULL, items, sizeof items, NULL), 0);
    /* the justification holds for another release only */
    variant(dir, "  - risk: R-1ae85476\n", "  - risk: R-1ae85476\n    version: 0.9.0\n");
    assert_int_equal(gate(dir, &p, NULL, NULL, TODAY, NULL, items, sizeof items, NULL), 1);
    assert_string_equal(items, "R-1ae85476");
    /* on release 0.9.0 it is justified (and the register of 0.9.0 is the one gated) */
    assert_int_equal(gate(dir, &p, NULL, "0.9.0", TODAY, NULL, items, sizeof items, NULL), 0);
    drop_variant(dir);
}

static bool decide_respond(void *ud, const char *version, const struct medsec_sbom_component *c,
                           const char *id, struct medsec_gate_decision *out)
{
    (void)ud, (void)version, (void)c;
    if (strcmp(id, "CVE-2099-1000"))
        return false;
    *out = (struct medsec_gate_decision){MEDSEC_VULN_AFFECTED, true, "test"};
    return true;
}

static bool decide_no_response(void *ud, const char *version, const struct medsec_sbom_component *c,
                               const char *id, struct medsec_gate_decision *out)
{
    (void)ud, (void)version, (void)c, (void)id;
    *out = (struct medsec_gate_decision){MEDSEC_VULN_AFFECTED, false, "test"};
    return true;
}

static void test_rule_kev(void **state)
{
    (void)state;
    struct medsec_gate_policy p;
    char dir[64], items[4096], path[64];
    struct medsec_db *db = fixture_db(path);
    only(&p, MEDSEC_GATE_KEV_NEEDS_RESPONSE, 30);
    assert_int_equal(gate(RESOLVED, &p, db, NULL, TODAY, NULL, items, sizeof items, NULL), 0);
    /* the scan monitor ships widgetlib twice and assesses neither */
    assert_int_equal(gate(MONITOR, &p, db, NULL, TODAY, NULL, items, sizeof items, NULL), 1);
    assert_string_equal(items,
                        "CVE-2099-1000 in widgetlib 1.0.2j|CVE-2099-1000 in widgetlib 1.0.1");
    /* a decision with a response from the lookup counts; one without does not */
    assert_int_equal(gate(MONITOR, &p, db, NULL, TODAY, decide_respond, items, sizeof items, NULL),
                     0);
    assert_int_equal(
        gate(MONITOR, &p, db, NULL, TODAY, decide_no_response, items, sizeof items, NULL), 1);
    /* affected with a rationale is a response */
    variant(dir, "    status: fixed\n", "    status: affected\n" CVSS);
    assert_int_equal(gate(dir, &p, db, NULL, TODAY, NULL, items, sizeof items, NULL), 0);
    drop_variant(dir);
    /* under investigation is not */
    variant(dir, "    status: fixed\n", "    status: under_investigation\n" CVSS);
    assert_int_equal(gate(dir, &p, db, NULL, TODAY, NULL, items, sizeof items, NULL), 1);
    assert_string_equal(items, "CVE-2099-1000 in widgetlib 1.0.2j");
    drop_variant(dir);
    /* without a database the rule is skipped, never passed silently */
    size_t skipped;
    assert_int_equal(gate(MONITOR, &p, NULL, NULL, TODAY, NULL, items, sizeof items, &skipped), 0);
    assert_int_equal(skipped, 3);
    drop_db(db, path);
}

static void test_rule_untriaged(void **state)
{
    (void)state;
    struct medsec_gate_policy p;
    char dir[64], items[4096], path[64];
    struct medsec_db *db = fixture_db(path);
    only(&p, MEDSEC_GATE_UNTRIAGED_MAX_DAYS, 30);
    assert_int_equal(gate(RESOLVED, &p, db, NULL, TODAY, NULL, items, sizeof items, NULL), 0);
    /* unassessed since release 1.0.0 of 2026-10-15: 44 days on 2026-11-28 */
    variant(dir, "  - id: CVE-2099-1000\n", "  - id: CVE-2099-9999\n");
    assert_int_equal(gate(dir, &p, db, NULL, TODAY, NULL, items, sizeof items, NULL), 1);
    assert_string_equal(items, "CVE-2099-1000 in widgetlib 1.0.2j");
    assert_int_equal(gate(dir, &p, db, NULL, "2026-11-14", NULL, items, sizeof items, NULL), 0);
    p.max_days = 44;
    assert_int_equal(gate(dir, &p, db, NULL, TODAY, NULL, items, sizeof items, NULL), 0);
    p.max_days = 43;
    assert_int_equal(gate(dir, &p, db, NULL, TODAY, NULL, items, sizeof items, NULL), 1);
    assert_int_equal(gate(dir, &p, db, NULL, TODAY, decide_respond, items, sizeof items, NULL), 0);
    drop_variant(dir);
    /* first seen is the earliest release that ships the component: pumpfw 2.5 since 0.9.0 */
    p.max_days = 1001;
    assert_int_equal(gate(MONITOR, &p, db, NULL, TODAY, NULL, items, sizeof items, NULL), 1);
    assert_string_equal(items, "CVE-2099-1001 in pumpfw 2.5");
    drop_db(db, path);
}

/* no_stale_decisions fails on each stale decision of a release in scope, in that release only;
 * it is skipped without a database or without a triage file. */
static void test_rule_stale(void **state)
{
    (void)state;
    struct medsec_gate_policy p;
    char path[64];
    struct medsec_db *db = fixture_db(path);
    only(&p, MEDSEC_GATE_NO_STALE_DECISIONS, 30);
    struct medsec_device *d = NULL;
    struct medsec_error err;
    assert_int_equal(medsec_device_open(NULL, RESOLVED, NULL, &d, NULL, &err), MEDSEC_OK);
    const struct medsec_model *m = medsec_device_model(d);
    const char *v0 = m->versions[0].version;
    const struct medsec_gate_stale st[] = {
        {v0, "CVE-2099-1000 in widgetlib 1.0.2j", "the advisory changed since"},
        {"9.9.9", "CVE-2099-2000 in other 1.0", "a release the gate does not look at"},
    };
    struct {
        struct medsec_db *db;
        bool read;
        size_t nstale;
        size_t failed, skipped, failures;
    } runs[] = {
        {NULL, true, 2, 0, 0, 0}, /* no database: skipped */
        {db, false, 2, 0, 0, 0},  /* no triage file: skipped */
        {db, true, 0, 0, 0, 0},   /* a triage file, nothing stale: passes */
        {db, true, 2, 1, 0, 1},   /* one stale decision in a release in the field */
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        struct medsec_gate_opts o = {.today = TODAY,
                                     .db = runs[i].db,
                                     .triage_read = runs[i].read,
                                     .stale = st,
                                     .nstale = runs[i].nstale};
        struct medsec_gate_report r;
        assert_int_equal(medsec_gate_run(d, &p, &o, &r, &err), MEDSEC_OK);
        assert_true(r.n >= 1);
        assert_int_equal(r.failed, runs[i].failed);
        size_t failures = 0;
        for (size_t k = 0; k < r.n; k++) {
            assert_int_equal(r.results[k].rule, MEDSEC_GATE_NO_STALE_DECISIONS);
            failures += r.results[k].nfailures;
            if (r.results[k].nfailures) {
                assert_string_equal(r.results[k].version, v0);
                assert_string_equal(r.results[k].failures[0].item, st[0].item);
            }
        }
        assert_int_equal(failures, runs[i].failures);
        if (!runs[i].db || !runs[i].read)
            assert_int_equal(r.skipped, r.n);
        medsec_gate_report_release(&r);
    }
    medsec_device_close(d);
    drop_db(db, path);
}

static void test_rule_eos_plan(void **state)
{
    (void)state;
    struct medsec_gate_policy p;
    char dir[64], items[4096];
    only(&p, MEDSEC_GATE_FIELDED_VERSION_PAST_EOS_NEEDS_PLAN, 30);
    assert_int_equal(gate(RESOLVED, &p, NULL, NULL, TODAY, NULL, items, sizeof items, NULL), 0);
    /* no notes: no plan */
    variant(dir,
            "    notes: Customers are told to update to 1.0.0 (field safety notice FSN-2025-03); "
            "the update is free.\n",
            "");
    assert_int_equal(gate(dir, &p, NULL, NULL, TODAY, NULL, items, sizeof items, NULL), 1);
    assert_string_equal(items, "version 0.9.0");
    /* before its end of support it needs no plan */
    assert_int_equal(gate(dir, &p, NULL, NULL, "2025-06-01", NULL, items, sizeof items, NULL), 0);
    drop_variant(dir);
    /* support that still promises fixes past the end is no plan */
    variant(dir, "    support: none\n    end_of_support: 2025-12-31\n",
            "    support: security_only\n    end_of_support: 2025-12-31\n");
    assert_int_equal(gate(dir, &p, NULL, NULL, TODAY, NULL, items, sizeof items, NULL), 1);
    drop_variant(dir);
    /* a release no longer in the field needs none */
    variant(dir,
            "    notes: Customers are told to update to 1.0.0 (field safety notice FSN-2025-03); "
            "the update is free.\n",
            "    in_field: false\n");
    assert_int_equal(gate(dir, &p, NULL, NULL, TODAY, NULL, items, sizeof items, NULL), 0);
    drop_variant(dir);
}

static void test_rule_component_eos(void **state)
{
    (void)state;
    struct medsec_gate_policy p;
    char dir[64], items[4096];
    only(&p, MEDSEC_GATE_NO_COMPONENT_PAST_EOS, 30);
    assert_int_equal(gate(RESOLVED, &p, NULL, NULL, TODAY, NULL, items, sizeof items, NULL), 0);
    variant(dir, "end_of_support: 2029-12-31", "end_of_support: 2026-01-31");
    assert_int_equal(gate(dir, &p, NULL, NULL, TODAY, NULL, items, sizeof items, NULL), 1);
    assert_string_equal(items, "widgetlib 1.0.2j (wl-j in sbom/monitor-app.cdx.json)");
    assert_int_equal(gate(dir, &p, NULL, NULL, "2026-01-30", NULL, items, sizeof items, NULL), 0);
    /* only the release that ships it is gated */
    assert_int_equal(gate(dir, &p, NULL, "0.9.0", TODAY, NULL, items, sizeof items, NULL), 0);
    drop_variant(dir);
}

/* The resolved variant with its pypi component's purl replaced by @purl. */
static void variant_purl(char dir[64], const char *purl)
{
    variant(dir, NULL, NULL);
    char path[128], sbom[8192];
    snprintf(path, sizeof path, "%s/sbom/monitor-app.cdx.json", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t len = fread(sbom, 1, sizeof sbom - 1, f);
    fclose(f);
    assert_true(len < sizeof sbom - 1);
    sbom[len] = '\0';
    const char *old = "pkg:pypi/example-pkg@2.1.4";
    const char *at = strstr(sbom, old);
    assert_non_null(at);
    size_t off = (size_t)(at - sbom), n = len + strlen(purl) + 1;
    char *out = malloc(n);
    assert_non_null(out);
    snprintf(out, n, "%.*s%s%s", (int)off, sbom, purl, sbom + off + strlen(old));
    spill(path, out);
    free(out);
}

static void test_rule_unchecked(void **state)
{
    (void)state;
    struct medsec_gate_policy p;
    char dir[64], items[4096], path[64];
    size_t skipped;
    only(&p, MEDSEC_GATE_NO_UNCHECKED_COMPONENTS, 30);
    struct medsec_db *db = fixture_db(path);
    assert_int_equal(gate(RESOLVED, &p, db, NULL, TODAY, NULL, items, sizeof items, NULL), 0);
    /* the test database holds no Maven advisories; the purl specification defines no "nosuch" */
    static const char *const purls[] = {"pkg:maven/org.example/example-pkg@2.1.4",
                                        "pkg:nosuch/example-pkg@2.1.4"};
    for (size_t i = 0; i < 2; i++) {
        variant_purl(dir, purls[i]);
        assert_int_equal(gate(dir, &p, db, NULL, TODAY, NULL, items, sizeof items, NULL), 1);
        assert_string_equal(items, "example-pkg 2.1.4 (py-214 in sbom/monitor-app.cdx.json)");
        /* without a database nobody knows: skipped, not passed */
        assert_int_equal(gate(dir, &p, NULL, NULL, TODAY, NULL, items, sizeof items, &skipped), 0);
        assert_int_equal(skipped, 2);
        drop_variant(dir);
    }
    drop_db(db, path);
}

static void test_rule_requirements(void **state)
{
    (void)state;
    struct medsec_gate_policy p;
    char dir[64], items[4096];
    only(&p, MEDSEC_GATE_REQUIREMENTS_VERIFIED, 30);
    assert_int_equal(gate(RESOLVED, &p, NULL, NULL, TODAY, NULL, items, sizeof items, NULL), 0);
    static const char *const breaks[][2] = {
        {"    result: pass\n    date: 2026-10-05\n", "    result: fail\n    date: 2026-10-05\n"},
        {"    result: pass\n    date: 2026-10-05\n", "    result: open\n    date: 2026-10-05\n"},
        {"    verifies: [SR-1]\n", "    verifies: [c-tls]\n"},
    };
    for (size_t i = 0; i < 3; i++) {
        variant(dir, breaks[i][0], breaks[i][1]);
        assert_int_equal(gate(dir, &p, NULL, NULL, TODAY, NULL, items, sizeof items, NULL), 1);
        assert_string_equal(items, "SR-1");
        drop_variant(dir);
    }
}

static void test_scope(void **state)
{
    (void)state;
    struct medsec_gate_policy p;
    medsec_gate_policy_default(&p);
    struct medsec_device *d = NULL;
    struct medsec_error err;
    assert_int_equal(medsec_device_open(NULL, RESOLVED, NULL, &d, NULL, &err), MEDSEC_OK);
    struct medsec_gate_report r;
    struct medsec_gate_opts o = {.today = TODAY};
    assert_int_equal(medsec_gate_run(d, &p, &o, &r, &err), MEDSEC_OK);
    /* risk on the current version; per release on 1.0.0 and 0.9.0 (0.8.0 is out of the field);
     * requirements once */
    /* six rules per release since no_stale_decisions and no_unchecked_components */
    assert_int_equal(r.n, 1 + 6 * 2 + 1);
    assert_string_equal(r.results[0].version, "1.0.0");
    assert_null(r.results[r.n - 1].version);
    medsec_gate_report_release(&r);
    o.version = "0.8.0";
    assert_int_equal(medsec_gate_run(d, &p, &o, &r, &err), MEDSEC_OK);
    assert_int_equal(r.n, 1 + 6 + 1);
    for (size_t i = 0; i + 1 < r.n; i++)
        assert_string_equal(r.results[i].version, "0.8.0");
    medsec_gate_report_release(&r);
    o.version = "7.0";
    assert_int_equal(medsec_gate_run(d, &p, &o, &r, &err), MEDSEC_ENOTFOUND);
    medsec_gate_report_release(&r);
    o.version = NULL;
    o.today = "2026-02-30";
    assert_int_equal(medsec_gate_run(d, &p, &o, &r, &err), MEDSEC_EINVAL);
    medsec_gate_report_release(&r);
    medsec_device_close(d);
}

static void test_run_nomem(void **state)
{
    (void)state;
    struct medsec_gate_policy p;
    medsec_gate_policy_default(&p);
    char path[64];
    struct medsec_db *db = fixture_db(path);
    struct medsec_device *d = NULL;
    struct medsec_error err;
    failalloc_ctx_arm(-1);
    assert_int_equal(medsec_device_open(&failalloc_ctx, MONITOR, NULL, &d, NULL, &err), MEDSEC_OK);
    struct medsec_gate_opts o = {.today = TODAY, .db = db};
    /* a first run, for what the device keeps once made (its threats) */
    struct medsec_gate_report first;
    assert_int_equal(medsec_gate_run(d, &p, &o, &first, &err), MEDSEC_OK);
    medsec_gate_report_release(&first);
    long n;
    for (n = 0;; n++) {
        size_t live = failalloc_live;
        failalloc_ctx_arm(n);
        struct medsec_gate_report r;
        medsec_err rc = medsec_gate_run(d, &p, &o, &r, &err);
        failalloc_ctx_arm(-1);
        medsec_gate_report_release(&r);
        assert_int_equal(failalloc_live, live);
        if (rc == MEDSEC_OK)
            break;
        if (rc != MEDSEC_ENOMEM)
            fail_msg("allocation %ld: %d (%s)", n, rc, err.msg);
    }
    assert_true(n > 10);
    medsec_device_close(d);
    drop_db(db, path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy),
        cmocka_unit_test(test_policy_nomem),
        cmocka_unit_test(test_resolved_passes),
        cmocka_unit_test(test_rule_risk),
        cmocka_unit_test(test_rule_kev),
        cmocka_unit_test(test_rule_untriaged),
        cmocka_unit_test(test_rule_stale),
        cmocka_unit_test(test_rule_eos_plan),
        cmocka_unit_test(test_rule_component_eos),
        cmocka_unit_test(test_rule_unchecked),
        cmocka_unit_test(test_rule_requirements),
        cmocka_unit_test(test_scope),
        cmocka_unit_test(test_run_nomem),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
