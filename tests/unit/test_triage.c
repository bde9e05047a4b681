/* test_triage.c: the triage file loader (errors with positions, caps, aliases and tags refused),
 * the advisory fingerprint, rule scopes, staleness, decisions across releases, the writer's round
 * trip and the VEX statements. Findings are built by hand: no database needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "failalloc.h"
#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/device.h"
#include "medsec/scan.h"
#include "medsec/triage.h"

/* ---- loader ---- */

static medsec_err parse(const char *text, struct medsec_triage **t, struct medsec_error *err)
{
    assert_int_equal(medsec_triage_new(t, err), MEDSEC_OK);
    return medsec_triage_parse(*t, text, strlen(text), "t.yaml", err);
}

/* @text fails at @line:@col with a message holding @words. */
static void refused(const char *text, unsigned line, unsigned col, const char *words)
{
    struct medsec_triage *t;
    struct medsec_error err;
    medsec_err rc = parse(text, &t, &err);
    if (rc == MEDSEC_OK || err.line != line || err.column != col || !strstr(err.msg, words))
        fail_msg("expected %u:%u \"%s\", got rc %d at %u:%u: %s", line, col, words, rc, err.line,
                 err.column, err.msg);
    assert_string_equal(err.file, "t.yaml");
    assert_int_equal(t->ndecisions, 0);
    medsec_triage_free(t);
}

static void test_load_ok(void **state)
{
    (void)state;
    const char *text = "medsec_triage: 1\n"
                       "policy:\n  due_days: {critical: 10, kev: 3}\n"
                       "rules:\n"
                       "  - id: r1\n    kind: local_attacker\n    items: [main-os]\n"
                       "    justification: requires_environment\n    detail: no users\n"
                       "decisions:\n"
                       "  - vuln: CVE-1\n    component: a/b\n    versions: vers:generic/<2\n"
                       "    state: affected\n    response: [update, will_not_fix]\n"
                       "    fixed_in: '3.0'\n    by: me\n    at: 2026-01-02\n"
                       "  - vuln: CVE-2\n    component: pkg:generic/x\n    state: not_affected\n"
                       "    justification: vulnerable_code_not_in_execute_path\n    by: me\n";
    struct medsec_triage *t;
    struct medsec_error err;
    assert_int_equal(parse(text, &t, &err), MEDSEC_OK);
    assert_int_equal(t->nrules, 1);
    assert_int_equal(t->rules[0].kind, MEDSEC_TRIAGE_RULE_LOCAL);
    assert_int_equal(t->rules[0].state, MEDSEC_VEX_NOT_AFFECTED);
    assert_int_equal(t->rules[0].justification, MEDSEC_VEX_CODE_CANNOT_BE_CONTROLLED);
    assert_int_equal(t->ndecisions, 2);
    assert_int_equal(t->decisions[0].state, MEDSEC_VEX_EXPLOITABLE); /* OpenVEX word mapped */
    assert_int_equal(t->decisions[0].responses,
                     MEDSEC_VEX_RESP_UPDATE | MEDSEC_VEX_RESP_WILL_NOT_FIX);
    assert_int_equal(t->decisions[0].line, 11);
    assert_int_equal(t->decisions[1].justification, MEDSEC_VEX_CODE_NOT_IN_EXECUTE_PATH);
    assert_int_equal(t->decisions[1].cdx_justification, MEDSEC_CDX_UNSTATED);
    assert_int_equal(t->policy.days[MEDSEC_CVSS_SEV_CRITICAL], 10);
    assert_int_equal(t->policy.days[MEDSEC_CVSS_SEV_HIGH], 30); /* default kept */
    assert_int_equal(t->policy.kev_days, 3);
    medsec_triage_free(t);
}

static void test_load_errors(void **state)
{
    (void)state;
    refused("decisions: []\n", 1, 1, "medsec_triage: 1");
    refused("medsec_triage: 2\n", 1, 16, "not supported");
    refused("medsec_triage: 1\nfoo: 1\n", 2, 1, "unknown key \"foo\"");
    refused("medsec_triage: 1\ndecisions:\n  - vuln: CVE-1\n    component: a\n    state: nope\n"
            "    by: x\n",
            5, 12, "\"nope\" is not one of");
    refused("medsec_triage: 1\ndecisions:\n  - vuln: CVE-1\n    component: a\n"
            "    state: not_affected\n    by: x\n",
            5, 12, "needs a justification");
    refused("medsec_triage: 1\ndecisions:\n  - vuln: CVE-1\n    component: a\n"
            "    state: exploitable\n    justification: code_not_present\n    by: x\n",
            6, 20, "only a not_affected state");
    refused("medsec_triage: 1\ndecisions:\n  - vuln: CVE-1\n    component: a\n"
            "    state: exploitable\n",
            3, 5, "without `by`");
    refused("medsec_triage: 1\ndecisions:\n  - vuln: CVE-1\n    component: a\n"
            "    versions: '1.0 to 2.0'\n    state: exploitable\n    by: x\n",
            5, 16, "versions:");
    refused("medsec_triage: 1\ndecisions:\n  - vuln: CVE-1\n    component: a\n"
            "    state: exploitable\n    by: x\n    at: 2026-02-30\n",
            7, 9, "not a date");
    refused("medsec_triage: 1\nrules:\n  - id: k\n    kind: kernel_subsystem\n"
            "    justification: code_not_present\n    detail: d\n",
            3, 5, "needs `component` and `built`");
    refused("medsec_triage: 1\nrules:\n  - id: c\n    kind: cwe\n    component: a\n    cwe: 79\n"
            "    justification: code_not_present\n    detail: d\n",
            6, 10, "not a CWE id");
    refused("medsec_triage: 1\nrules:\n  - id: l\n    kind: local_attacker\n    items: [x]\n"
            "    state: exploitable\n    detail: d\n",
            6, 12, "can only say not_affected");
    refused("medsec_triage: 1\npolicy:\n  due_days: {high: -3}\n", 3, 20, "number of days");
    /* aliases and tags: refused like in the security file */
    refused("medsec_triage: 1\nx: &a CVE-1\ndecisions:\n  - vuln: *a\n    component: a\n"
            "    state: exploitable\n    by: x\n",
            2, 1, "unknown key");
    refused("medsec_triage: 1\ndecisions:\n  - vuln: &a CVE-1\n    component: *a\n"
            "    state: exploitable\n    by: x\n",
            4, 17, "aliases are not allowed");
    refused("medsec_triage: 1\ndecisions:\n  - vuln: !!str CVE-1\n", 3, 11, "tag");
}

static void test_load_caps(void **state)
{
    (void)state;
    size_t n = MEDSEC_TRIAGE_MAX_BYTES + 1;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, '#', n);
    struct medsec_triage *t;
    struct medsec_error err;
    assert_int_equal(medsec_triage_new(&t, &err), MEDSEC_OK);
    assert_int_equal(medsec_triage_parse(t, big, n, "big.yaml", &err), MEDSEC_ETOOBIG);
    medsec_triage_free(t);
    /* one value longer than MEDSEC_TRIAGE_MAX_TEXT */
    size_t dl = MEDSEC_TRIAGE_MAX_TEXT + 10;
    const char *head = "medsec_triage: 1\ndecisions:\n  - vuln: CVE-1\n    component: a\n"
                       "    state: exploitable\n    by: x\n    detail: ";
    char *doc = malloc(strlen(head) + dl + 2);
    assert_non_null(doc);
    strcpy(doc, head);
    memset(doc + strlen(head), 'x', dl);
    strcpy(doc + strlen(head) + dl, "\n");
    assert_int_equal(parse(doc, &t, &err), MEDSEC_EINVAL);
    assert_int_equal(err.line, 7);
    assert_non_null(strstr(err.msg, "longer than"));
    medsec_triage_free(t);
    free(doc);
    free(big);
}

static void test_load_nomem(void **state)
{
    (void)state;
    const char *text = "medsec_triage: 1\nrules:\n  - id: r\n    kind: cwe\n    component: a\n"
                       "    cwe: CWE-79\n    justification: code_not_present\n    detail: d\n"
                       "decisions:\n  - vuln: CVE-1\n    component: a\n    state: exploitable\n"
                       "    by: x\n    detail: \"quoted \\\" text\"\n";
    for (long n = 0;; n++) {
        size_t live = failalloc_live;
        const struct medsec_ctx *prev = medsec_ctx_enter(failalloc_ctx_arm(n));
        struct medsec_triage *t = NULL;
        struct medsec_error err;
        medsec_err rc = medsec_triage_new(&t, &err);
        if (!rc)
            rc = medsec_triage_parse(t, text, strlen(text), "t.yaml", &err);
        bool done = rc == MEDSEC_OK;
        if (!done)
            assert_int_equal(rc, MEDSEC_ENOMEM);
        medsec_triage_free(t);
        medsec_ctx_leave(prev);
        failalloc_countdown = -1;
        assert_int_equal(failalloc_live, live);
        if (done)
            break;
        assert_true(n < 10000);
    }
}

/* ---- hand-made findings ---- */

struct fixture {
    struct medsec_sbom sbom;
    struct medsec_sbom_component comp[3];
    struct medsec_scan_vuln vuln[4];
    struct medsec_scan_match match[4][2];
    struct medsec_scan_finding find[4];
    struct medsec_scan_target target;
    char reasons[4][64];
};

/* Three components (linux, openssl @ @ossl, ncurses) and four findings on them. */
static void fixture_init(struct fixture *x, const char *version, const char *ossl)
{
    memset(x, 0, sizeof *x);
    static const char *const cpes_linux[] = {"cpe:2.3:o:linux:linux_kernel:4.9.30:*:*:*:*:*:*:*"};
    x->comp[0] = (struct medsec_sbom_component){
        .ref = "mb/linux", .name = "linux", .version = "4.9.30", .cpes = cpes_linux, .ncpes = 1};
    x->comp[1] = (struct medsec_sbom_component){
        .ref = "mb/openssl", .name = "openssl", .version = ossl, .purl = NULL};
    x->comp[2] = (struct medsec_sbom_component){.ref = "mb/ncurses",
                                                .name = "ncurses",
                                                .version = "6.0",
                                                .purl = "pkg:generic/ncurses@6.0"};
    x->sbom.components = x->comp;
    x->sbom.ncomponents = 3;
    static const char *const summaries[] = {
        "drivers/media/usb/foo.c in the Linux kernel before 4.9.40 overflows.",
        "net/ipv4/tcp_input.c in the Linux kernel mishandles SACK.",
        "A flaw in OpenSSL lets a peer crash it.",
        "ncurses overflows a heap buffer in its terminfo reader.",
    };
    static const char *const vectors[] = {"CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                                          "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
                                          "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
                                          "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H"};
    static const char *const ids[] = {"CVE-2099-1", "CVE-2099-2", "CVE-2099-3", "CVE-2099-4"};
    static const size_t comps[] = {0, 0, 1, 2};
    for (int i = 0; i < 4; i++) {
        x->vuln[i] = (struct medsec_scan_vuln){.id = ids[i],
                                               .summary = summaries[i],
                                               .cvss_vector = vectors[i],
                                               .cvss_score = 7.5,
                                               .severity = MEDSEC_CVSS_SEV_HIGH};
        const char *cv = x->comp[comps[i]].version;
        snprintf(x->reasons[i], sizeof x->reasons[i], "%s is < 9.9", cv);
        x->match[i][0] = (struct medsec_scan_match){
            MEDSEC_SCAN_BY_CPE, "nvd", ids[i], ids[i], "cpe:2.3:a:v:p:*:*:*:*:*:*:*:*",
            x->reasons[i],      false, NULL,   NULL};
        x->find[i] = (struct medsec_scan_finding){
            .component = comps[i], .vuln = &x->vuln[i], .matches = x->match[i], .nmatches = 1};
    }
    x->target.version = version;
    x->target.sbom = &x->sbom;
    x->target.result.findings = x->find;
    x->target.result.nfindings = 4;
}

static void test_fingerprint(void **state)
{
    (void)state;
    struct fixture a, b;
    fixture_init(&a, "1", "1.0.2j");
    fixture_init(&b, "2", "1.0.2h");
    char fa[17], fb[17], fc[17];
    medsec_triage_fingerprint(&a.find[2], "1.0.2j", fa);
    assert_int_equal(strlen(fa), 16);
    /* the component's own version is not part of it */
    medsec_triage_fingerprint(&b.find[2], "1.0.2h", fb);
    assert_string_equal(fa, fb);
    /* nor the order of the matches */
    struct medsec_scan_match two[2] = {a.match[2][0], a.match[3][0]};
    struct medsec_scan_match owt[2] = {a.match[3][0], a.match[2][0]};
    a.find[2].matches = two;
    a.find[2].nmatches = 2;
    medsec_triage_fingerprint(&a.find[2], "1.0.2j", fa);
    a.find[2].matches = owt;
    medsec_triage_fingerprint(&a.find[2], "1.0.2j", fb);
    assert_string_equal(fa, fb);
    /* but the score, the vector, KEV and the range are */
    fixture_init(&a, "1", "1.0.2j");
    medsec_triage_fingerprint(&a.find[2], "1.0.2j", fa);
    a.vuln[2].cvss_score = 9.1;
    medsec_triage_fingerprint(&a.find[2], "1.0.2j", fb);
    assert_string_not_equal(fa, fb);
    a.vuln[2].cvss_score = 7.5;
    a.vuln[2].kev = true;
    medsec_triage_fingerprint(&a.find[2], "1.0.2j", fb);
    assert_string_not_equal(fa, fb);
    a.vuln[2].kev = false;
    a.match[2][0].reason = "1.0.2j is < 9.9.1";
    medsec_triage_fingerprint(&a.find[2], "1.0.2j", fc);
    assert_string_not_equal(fa, fc);
    /* and the value is stable: it is written into triage files */
    fixture_init(&a, "1", "1.0.2j");
    medsec_triage_fingerprint(&a.find[2], "1.0.2j", fa);
    medsec_triage_fingerprint(&a.find[2], "1.0.2j", fb);
    assert_string_equal(fa, fb);
    assert_string_equal(fa, "d5fbb2d6598041a2");
}

static struct medsec_triage *load(const char *text)
{
    struct medsec_triage *t;
    struct medsec_error err;
    if (parse(text, &t, &err))
        fail_msg("%u:%u: %s", err.line, err.column, err.msg);
    return t;
}

static const struct medsec_triage_item *item(const struct medsec_triage_report *r,
                                             const char *version, const char *vuln)
{
    for (size_t i = 0; i < r->nitems; i++)
        if (!strcmp(r->items[i].vuln, vuln) && !strcmp(r->items[i].target->version, version))
            return &r->items[i];
    fail_msg("no item %s %s", version, vuln);
    return NULL;
}

static void test_rules(void **state)
{
    (void)state;
    struct fixture x;
    fixture_init(&x, "1", "1.0.2j");
    struct medsec_triage *t =
        load("medsec_triage: 1\nrules:\n"
             "  - id: k\n    kind: kernel_subsystem\n    component: mb/linux\n"
             "    built: [net/ipv4, drivers/usb]\n    justification: code_not_present\n"
             "    detail: d\n");
    const struct medsec_scan_target *tg[] = {&x.target};
    struct medsec_triage_report r;
    struct medsec_error err;
    assert_int_equal(medsec_triage_assess_targets(t, NULL, tg, 1, NULL, &r, &err), MEDSEC_OK);
    /* drivers/media is not built; net/ipv4 is */
    assert_int_equal(item(&r, "1", "CVE-2099-1")->status, MEDSEC_TRIAGE_BY_RULE);
    assert_non_null(strstr(item(&r, "1", "CVE-2099-1")->rule_reason, "drivers/media/usb/foo.c"));
    assert_int_equal(item(&r, "1", "CVE-2099-2")->status, MEDSEC_TRIAGE_UNTRIAGED);
    /* a component that is not the rule's never matches, even with a kernel path */
    x.vuln[2].summary = x.vuln[0].summary;
    medsec_triage_report_release(&r);
    assert_int_equal(medsec_triage_assess_targets(t, NULL, tg, 1, NULL, &r, &err), MEDSEC_OK);
    assert_int_equal(item(&r, "1", "CVE-2099-3")->status, MEDSEC_TRIAGE_UNTRIAGED);
    medsec_triage_report_release(&r);
    /* a built folder that holds the named one, a core folder, or no path at all: no match */
    static const char *const unsure[] = {
        "drivers/usb/core/hub.c is wrong", "mm/mmap.c in the Linux kernel",
        "include/linux/foo.h in the kernel", "A flaw in the Linux kernel's media subsystem",
        "drivers/media/x.c and net/ipv4/y.c together"};
    for (size_t i = 0; i < sizeof unsure / sizeof *unsure; i++) {
        x.vuln[0].summary = unsure[i];
        assert_int_equal(medsec_triage_assess_targets(t, NULL, tg, 1, NULL, &r, &err), MEDSEC_OK);
        if (item(&r, "1", "CVE-2099-1")->status != MEDSEC_TRIAGE_UNTRIAGED)
            fail_msg("kernel rule matched \"%s\"", unsure[i]);
        medsec_triage_report_release(&r);
    }
    medsec_triage_free(t);
}

/* The local-attacker rule never fires on a vector that does not need a local or physical
 * attacker, whatever the rest of the vector says; and only on the items it lists. */
static void test_local_rule_scope(void **state)
{
    (void)state;
    struct fixture x;
    fixture_init(&x, "1", "1.0.2j");
    struct medsec_model model;
    memset(&model, 0, sizeof model);
    struct medsec_model_item items[2];
    memset(items, 0, sizeof items);
    static const char *os_comps[] = {"mb/linux"}, *app_comps[] = {"mb/ncurses"};
    items[0].id = "main-os";
    items[0].sbom = "sbom/main-board.cdx.json";
    items[0].components = (struct medsec_strlist){os_comps, 1};
    items[1].id = "app";
    items[1].sbom = "sbom/main-board.cdx.json";
    items[1].components = (struct medsec_strlist){app_comps, 1};
    model.items = items;
    model.nitems = 2;
    x.target.model = &model;
    x.target.model_sbom = "sbom/1/main-board.cdx.json"; /* an older release's copy */
    struct medsec_triage *t =
        load("medsec_triage: 1\nrules:\n  - id: l\n    kind: local_attacker\n"
             "    items: [main-os]\n    justification: requires_environment\n    detail: d\n");
    const struct medsec_scan_target *tg[] = {&x.target};
    static const char av[] = "NALP";
    static const char *const rest[] = {"/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                                       "/AC:H/PR:H/UI:R/S:C/C:N/I:N/A:N", ""};
    static const char *const prefix[] = {"CVSS:3.1/", "CVSS:3.0/", "CVSS:4.0/", ""};
    for (size_t a = 0; a < 4; a++)
        for (size_t k = 0; k < 3; k++)
            for (size_t p = 0; p < 4; p++) {
                char vec[128];
                snprintf(vec, sizeof vec, "%sAV:%c%s", prefix[p], av[a], rest[k]);
                x.vuln[0].cvss_vector = vec;
                x.vuln[3].cvss_vector = vec;
                struct medsec_triage_report r;
                struct medsec_error err;
                assert_int_equal(medsec_triage_assess_targets(t, NULL, tg, 1, NULL, &r, &err),
                                 MEDSEC_OK);
                bool local = av[a] == 'L' || av[a] == 'P';
                if ((item(&r, "1", "CVE-2099-1")->status == MEDSEC_TRIAGE_BY_RULE) != local)
                    fail_msg("local rule on %s: %d", vec, item(&r, "1", "CVE-2099-1")->status);
                /* ncurses belongs to an item the rule does not list */
                assert_int_equal(item(&r, "1", "CVE-2099-4")->status, MEDSEC_TRIAGE_UNTRIAGED);
                medsec_triage_report_release(&r);
            }
    medsec_triage_free(t);
}

static void test_stale_and_releases(void **state)
{
    (void)state;
    struct fixture a, b, c;
    fixture_init(&a, "3.2", "1.0.2j");
    fixture_init(&b, "3.1", "1.0.2h");
    fixture_init(&c, "2.8", "1.0.1u");
    char fp[17];
    medsec_triage_fingerprint(&a.find[2], "1.0.2j", fp);
    char text[1024];
    snprintf(text, sizeof text,
             "medsec_triage: 1\ndecisions:\n"
             "  - vuln: CVE-2099-3\n    component: mb/openssl\n"
             "    versions: vers:generic/>=1.0.2|<1.0.2k\n    state: not_affected\n"
             "    justification: code_not_reachable\n    by: me\n    fingerprint: %s\n"
             "  - vuln: CVE-2099-4\n    component: pkg:generic/ncurses\n    version: '6.0'\n"
             "    state: in_triage\n    by: me\n    due: 2026-01-01\n"
             "  - vuln: CVE-2099-3\n    component: mb/openssl\n    version: 0.9.8\n"
             "    state: not_affected\n    justification: code_not_present\n    by: me\n",
             fp);
    struct medsec_triage *t = load(text);
    const struct medsec_scan_target *tg[] = {&a.target, &b.target, &c.target};
    struct medsec_triage_assess_opts o = {"2026-06-01", NULL, false};
    struct medsec_triage_report r;
    struct medsec_error err;
    assert_int_equal(medsec_triage_assess_targets(t, NULL, tg, 3, &o, &r, &err), MEDSEC_OK);
    /* made on 3.2, holds on 3.1 (1.0.2h is in the range), not on 2.8 (1.0.1u is not) */
    assert_int_equal(item(&r, "3.2", "CVE-2099-3")->status, MEDSEC_TRIAGE_BY_HAND);
    assert_int_equal(item(&r, "3.1", "CVE-2099-3")->status, MEDSEC_TRIAGE_BY_HAND);
    assert_int_equal(item(&r, "2.8", "CVE-2099-3")->status, MEDSEC_TRIAGE_UNTRIAGED);
    /* in_triage with a due date: past due */
    assert_int_equal(item(&r, "3.2", "CVE-2099-4")->status, MEDSEC_TRIAGE_BY_HAND);
    assert_true(item(&r, "3.2", "CVE-2099-4")->past_due);
    assert_string_equal(item(&r, "3.2", "CVE-2099-4")->due, "2026-01-01");
    /* the 0.9.8 decision matches nothing and no release ships 0.9.8 */
    assert_int_equal(r.nunused, 1);
    assert_false(r.unused[0].shipped);
    struct medsec_triage_counts cnt;
    medsec_triage_summary(&r, "3.2", &cnt);
    assert_int_equal(cnt.findings, 4);
    assert_int_equal(cnt.by_status[MEDSEC_TRIAGE_BY_HAND], 2);
    medsec_triage_report_release(&r);
    /* the advisory's score changes: stale in every release the decision covers */
    a.vuln[2].cvss_score = 9.8;
    b.vuln[2].cvss_score = 9.8;
    assert_int_equal(medsec_triage_assess_targets(t, NULL, tg, 3, &o, &r, &err), MEDSEC_OK);
    assert_int_equal(item(&r, "3.2", "CVE-2099-3")->status, MEDSEC_TRIAGE_STALE);
    assert_int_equal(item(&r, "3.1", "CVE-2099-3")->status, MEDSEC_TRIAGE_STALE);
    medsec_triage_report_release(&r);
    /* only one release */
    o.release = "3.1";
    assert_int_equal(medsec_triage_assess_targets(t, NULL, tg, 3, &o, &r, &err), MEDSEC_OK);
    assert_int_equal(r.nitems, 4);
    /* VEX statements: the decision's state, author and justification, in_triage otherwise */
    struct medsec_vex_doc doc;
    medsec_vex_doc_init(&doc);
    assert_int_equal(medsec_triage_statements(&r, NULL, &doc, &err), MEDSEC_OK);
    assert_int_equal(doc.n, 4);
    size_t decided = 0;
    for (size_t i = 0; i < doc.n; i++) {
        const struct medsec_vex_statement *s = &doc.v[i];
        assert_string_equal(s->release, "3.1");
        if (!strcmp(s->vuln, "CVE-2099-3")) {
            decided++;
            assert_int_equal(s->state, MEDSEC_VEX_NOT_AFFECTED);
            assert_int_equal(s->justification, MEDSEC_VEX_CODE_NOT_IN_EXECUTE_PATH);
            assert_string_equal(s->author, "me");
            assert_string_equal(s->product_version, "1.0.2h");
        } else if (strcmp(s->vuln, "CVE-2099-4"))
            assert_int_equal(s->state, MEDSEC_VEX_IN_TRIAGE);
    }
    assert_int_equal(decided, 1);
    medsec_vex_doc_release(&doc);
    medsec_triage_report_release(&r);
    medsec_triage_free(t);
}

/* Due dates: first seen plus the policy's days for the severity, the KEV days when shorter. */
static void test_due(void **state)
{
    (void)state;
    struct fixture x;
    fixture_init(&x, "1", "1.0.2j");
    struct medsec_triage *t =
        load("medsec_triage: 1\npolicy:\n  due_days: {high: 30, kev: 7}\n"
             "seen:\n  - vuln: CVE-2099-2\n    component: mb/linux\n    version: 4.9.30\n"
             "    first_seen: 2026-01-01\n");
    const struct medsec_scan_target *tg[] = {&x.target};
    struct medsec_triage_assess_opts o = {"2026-01-20", NULL, false};
    struct medsec_triage_report r;
    struct medsec_error err;
    assert_int_equal(medsec_triage_assess_targets(t, NULL, tg, 1, &o, &r, &err), MEDSEC_OK);
    const struct medsec_triage_item *it = item(&r, "1", "CVE-2099-2");
    assert_string_equal(it->first_seen, "2026-01-01");
    assert_true(it->seen_recorded);
    assert_string_equal(it->due, "2026-01-31");
    assert_false(it->past_due);
    /* no seen record and no release date: no due date */
    assert_null(item(&r, "1", "CVE-2099-3")->due);
    medsec_triage_report_release(&r);
    x.vuln[1].kev = true;
    assert_int_equal(medsec_triage_assess_targets(t, NULL, tg, 1, &o, &r, &err), MEDSEC_OK);
    it = item(&r, "1", "CVE-2099-2");
    assert_string_equal(it->due, "2026-01-08");
    assert_true(it->past_due);
    medsec_triage_report_release(&r);
    medsec_triage_free(t);
}

static void test_format_round_trip(void **state)
{
    (void)state;
    const char *text =
        "medsec_triage: 1\npolicy:\n  due_days: {high: 20}\n"
        "rules:\n  - id: c\n    kind: cwe\n    component: mb/ncurses\n    cwe: CWE-787\n"
        "    justification: code_not_reachable\n    detail: 'no terminfo: ever'\n"
        "decisions:\n  - vuln: CVE-1\n    component: 'cpe:2.3:a:x:y:*:*:*:*:*:*:*:*'\n"
        "    versions: vers:generic/>=1|<2\n    state: exploitable\n"
        "    detail: \"two\\nlines, a \\\"quote\\\" and # hash\"\n    response: [rollback]\n"
        "    fixed_in: '1.10'\n    by: 'yes'\n    at: 2026-01-01\n    fingerprint: '0123456789012345'\n"
        "seen:\n  - vuln: CVE-1\n    component: a\n    version: '2.0'\n    first_seen: 2026-01-01\n";
    struct medsec_triage *t = load(text);
    struct medsec_buf b = MEDSEC_BUF_INIT;
    assert_int_equal(medsec_triage_format(t, &b), MEDSEC_OK);
    struct medsec_triage *u = load(b.data);
    assert_int_equal(u->ndecisions, 1);
    assert_int_equal(u->nrules, 1);
    assert_int_equal(u->nseen, 1);
    assert_int_equal(u->policy.days[MEDSEC_CVSS_SEV_HIGH], 20);
    const struct medsec_triage_decision *d = &u->decisions[0], *o = &t->decisions[0];
    assert_string_equal(d->detail, o->detail);
    assert_string_equal(d->component, o->component);
    assert_string_equal(d->versions, o->versions);
    assert_string_equal(d->fixed_in, "1.10");
    assert_string_equal(d->by, "yes");
    assert_string_equal(d->fingerprint, "0123456789012345");
    assert_int_equal(d->responses, MEDSEC_VEX_RESP_ROLLBACK);
    assert_string_equal(u->rules[0].detail, "no terminfo: ever");
    assert_string_equal(u->seen[0].version, "2.0");
    /* set: a new decision is added, the same one replaced */
    struct medsec_triage_decision n = *o;
    n.state = MEDSEC_VEX_RESOLVED;
    struct medsec_error err;
    assert_int_equal(medsec_triage_put(u, &n, &err), MEDSEC_OK);
    assert_int_equal(u->ndecisions, 1);
    assert_int_equal(u->decisions[0].state, MEDSEC_VEX_RESOLVED);
    n.vuln = "CVE-2";
    assert_int_equal(medsec_triage_put(u, &n, &err), MEDSEC_OK);
    assert_int_equal(u->ndecisions, 2);
    assert_int_equal(medsec_triage_mark_seen(u, "CVE-1", "a", "2.0", "2027-01-01", &err),
                     MEDSEC_OK);
    assert_int_equal(u->nseen, 1);
    medsec_buf_release(&b);
    medsec_triage_free(u);
    medsec_triage_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_ok),           cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_load_caps),         cmocka_unit_test(test_load_nomem),
        cmocka_unit_test(test_fingerprint),       cmocka_unit_test(test_rules),
        cmocka_unit_test(test_local_rule_scope),  cmocka_unit_test(test_stale_and_releases),
        cmocka_unit_test(test_format_round_trip), cmocka_unit_test(test_due),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
