/* test_advisory.c: unit tests of the advisory importers (OSV, NVD 1.1 / 2.0, CSAF, KEV, EPSS) and
 * the reader (folders, gzip, tarballs), on small real records extracted from ../shared/data
 * (tests/db/data). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "failalloc.h"
#include "medsec/advisory.h"
#include "medsec/file.h"

#define DATA MEDSEC_SOURCE_DIR "/tests/db/data"

struct parsed {
    char *text;
    size_t len;
    struct medsec_json_doc *doc;
    struct medsec_arena arena;
    struct medsec_advisory adv;
};

static void load(struct parsed *p, const char *rel)
{
    struct medsec_error err;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", DATA, rel);
    memset(p, 0, sizeof *p);
    assert_int_equal(medsec_file_read(path, 1 << 24, &p->text, &p->len, &err), MEDSEC_OK);
    assert_int_equal(medsec_json_parse(p->text, p->len, NULL, path, &p->doc, &err), MEDSEC_OK);
}

static void unload(struct parsed *p)
{
    medsec_json_doc_free(p->doc);
    medsec_arena_release(&p->arena);
    medsec_free(p->text);
}

static void test_osv_go(void **state)
{
    (void)state;
    struct parsed p;
    struct medsec_error err;
    load(&p, "osv/GO-2022-0229.json");
    assert_int_equal(medsec_osv_from_json(p.doc, p.doc->root, &p.arena, &p.adv, &err), MEDSEC_OK);
    assert_int_equal(p.adv.source, MEDSEC_ADV_OSV);
    assert_string_equal(p.adv.id, "GO-2022-0229");
    assert_string_equal(p.adv.published, "2022-07-06T18:23:48Z");
    assert_int_equal(p.adv.n_vulns, 1);
    const struct medsec_adv_vuln *v = &p.adv.vulns[0];
    assert_int_equal(v->n_aliases, 2);
    assert_string_equal(v->aliases[0], "CVE-2020-7919");
    assert_string_equal(v->aliases[1], "GHSA-cjjc-xp8v-855w");
    assert_int_equal(v->n_affected, 2);
    assert_string_equal(v->affected[0].purl_type, "golang");
    assert_string_equal(v->affected[0].purl_ns, "");
    assert_string_equal(v->affected[0].purl_name, "stdlib");
    assert_string_equal(v->affected[0].ranges, "SEMVER\ti=0\tf=1.12.16\ti=1.13.0-0\tf=1.13.7");
    assert_string_equal(v->affected[0].fixed, "1.12.16\n1.13.7");
    assert_string_equal(v->affected[0].status, "affected");
    assert_string_equal(v->affected[1].purl_ns, "golang.org/x");
    assert_string_equal(v->affected[1].purl_name, "crypto");
    assert_string_equal(v->affected[1].ranges, "SEMVER\ti=0\tf=0.0.0-20200124225646-8b5121be2f68");
    assert_null(v->affected[1].versions);
    assert_non_null(v->refs);
    unload(&p);
}

static void test_osv_versions_and_last_affected(void **state)
{
    (void)state;
    struct parsed p;
    struct medsec_error err;
    load(&p, "osv/PYSEC-2005-1.json");
    assert_int_equal(medsec_osv_from_json(p.doc, p.doc->root, &p.arena, &p.adv, &err), MEDSEC_OK);
    const struct medsec_adv_affected *a = &p.adv.vulns[0].affected[0];
    assert_string_equal(a->purl_type, "pypi");
    assert_string_equal(a->purl_name, "trac");
    assert_string_equal(a->purl, "pkg:pypi/trac");
    assert_string_equal(a->scheme, "pypi");
    assert_string_equal(a->ranges, "ECOSYSTEM\ti=0\tf=0.10");
    assert_string_equal(a->versions, "0.8.4\n0.9");
    unload(&p);

    load(&p, "osv/BIT-activemq-2020-1941.json");
    assert_int_equal(medsec_osv_from_json(p.doc, p.doc->root, &p.arena, &p.adv, &err), MEDSEC_OK);
    a = &p.adv.vulns[0].affected[0];
    assert_string_equal(a->purl_type, "bitnami");
    assert_string_equal(a->ranges, "SEMVER\ti=5.0.0\tla=5.15.11");
    assert_null(a->fixed);
    unload(&p);
}

static void test_osv_git_and_errors(void **state)
{
    (void)state;
    const char *git =
        "{\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"package\":"
        "{\"ecosystem\":\"npm\",\"name\":\"@scope/pkg\"},\"ranges\":[{\"type\":\"GIT\",\"repo\":"
        "\"https://x\",\"events\":[{\"introduced\":\"abc\"},{\"limit\":\"def\"}]}]}]}";
    struct medsec_json_doc *doc = NULL;
    struct medsec_error err;
    struct medsec_arena a = MEDSEC_ARENA_INIT;
    struct medsec_advisory adv;
    assert_int_equal(medsec_json_parse(git, strlen(git), NULL, "git", &doc, &err), MEDSEC_OK);
    assert_int_equal(medsec_osv_from_json(doc, doc->root, &a, &adv, &err), MEDSEC_OK);
    const struct medsec_adv_affected *af = &adv.vulns[0].affected[0];
    assert_string_equal(af->purl_type, "npm");
    assert_string_equal(af->purl_ns, "@scope");
    assert_string_equal(af->purl_name, "pkg");
    assert_string_equal(af->ranges, "GIT\ti=abc\tl=def");
    assert_true(af->flags & MEDSEC_ADV_GIT_ONLY);
    assert_null(af->fixed); /* GIT commits are not fixed versions */
    medsec_json_doc_free(doc);
    medsec_arena_release(&a);

    const char *bad =
        "{\"id\":\"X-2\",\"modified\":\"x\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\","
        "\"name\":\"a\"},\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"broken\":\"1\"}]}]}]}";
    assert_int_equal(medsec_json_parse(bad, strlen(bad), NULL, "bad", &doc, &err), MEDSEC_OK);
    assert_int_equal(medsec_osv_from_json(doc, doc->root, &a, &adv, &err), MEDSEC_EPARSE);
    assert_int_equal(err.line, 1);
    assert_true(err.column > 1);
    assert_non_null(strstr(err.msg, "broken"));
    medsec_json_doc_free(doc);
    medsec_arena_release(&a);

    const char *noid = "{\"modified\":\"x\"}";
    assert_int_equal(medsec_json_parse(noid, strlen(noid), NULL, "noid", &doc, &err), MEDSEC_OK);
    assert_int_equal(medsec_osv_from_json(doc, doc->root, &a, &adv, &err), MEDSEC_EPARSE);
    medsec_json_doc_free(doc);
    medsec_arena_release(&a);
}

static void test_nvd_11_and_config(void **state)
{
    (void)state;
    struct parsed p;
    struct medsec_error err;
    load(&p, "nvd/nvdcve-1.1-sample.json");
    const struct medsec_json *items = medsec_json_get(p.doc->root, "CVE_Items");
    assert_int_equal(items->len, 2);
    assert_int_equal(medsec_nvd_from_json(p.doc, medsec_json_at(items, 1), &p.arena, &p.adv, &err),
                     MEDSEC_OK);
    assert_string_equal(p.adv.id, "CVE-2016-0189");
    const struct medsec_adv_vuln *v = &p.adv.vulns[0];
    assert_string_equal(v->cwes, "CWE-787");
    assert_int_equal(v->n_scores, 2);
    assert_string_equal(v->scores[0].type, "CVSS_V3");
    assert_string_equal(v->scores[1].type, "CVSS_V2");
    /* node 0 is the AND, nodes 1 and 2 its OR children: vulnerable scripting engines on a platform
     */
    assert_true(v->n_nodes >= 3);
    assert_int_equal(v->nodes[0].parent, -1);
    assert_true(v->nodes[0].and_op);
    assert_int_equal(v->nodes[1].parent, 0);
    assert_false(v->nodes[1].and_op);
    assert_int_equal(v->nodes[2].parent, 0);
    assert_string_equal(v->cpes[0].criteria, "cpe:2.3:a:microsoft:jscript:5.8:*:*:*:*:*:*:*");
    assert_string_equal(v->cpes[0].key, "microsoft:jscript");
    assert_true(v->cpes[0].vulnerable);
    assert_int_equal(v->cpes[0].node, 1);
    bool platform = false;
    for (size_t i = 0; i < v->n_cpes; i++)
        if (v->cpes[i].node == 2 && !v->cpes[i].vulnerable &&
            strcmp(v->cpes[i].key, "microsoft:windows_server_2008") == 0)
            platform = true;
    assert_true(platform);
    medsec_arena_release(&p.arena);

    assert_int_equal(medsec_nvd_from_json(p.doc, medsec_json_at(items, 0), &p.arena, &p.adv, &err),
                     MEDSEC_OK);
    assert_string_equal(p.adv.id, "CVE-2005-4644");
    assert_string_equal(p.adv.vulns[0].cpes[0].key, "edgewall_software:trac");
    unload(&p);
}

static void test_nvd_20(void **state)
{
    (void)state;
    struct parsed p;
    struct medsec_error err;
    load(&p, "nvd/CVE-2022-0090.json");
    const struct medsec_json *item =
        medsec_json_at(medsec_json_get(p.doc->root, "vulnerabilities"), 0);
    assert_int_equal(medsec_nvd_from_json(p.doc, item, &p.arena, &p.adv, &err), MEDSEC_OK);
    const struct medsec_adv_vuln *v = &p.adv.vulns[0];
    assert_string_equal(p.adv.id, "CVE-2022-0090");
    assert_string_equal(p.adv.modified, "2022-01-25T14:49:33.973");
    assert_string_equal(v->cwes, "CWE-269");
    assert_string_equal(v->scores[0].vector, "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:N/I:H/A:N");
    assert_true(v->scores[0].score > 6.49 && v->scores[0].score < 6.51);
    assert_string_equal(v->scores[0].source, "nvd@nist.gov");
    assert_string_equal(v->cpes[0].key, "gitlab:gitlab");
    assert_string_equal(v->cpes[0].vee, "14.4.5");
    assert_null(v->cpes[0].vsi);
    assert_string_equal(v->cpes[2].vsi, "14.5.0");
    unload(&p);
}

static void test_csaf_icsma(void **state)
{
    (void)state;
    struct parsed p;
    struct medsec_error err;
    load(&p, "csaf/icsma-17-082-01.json");
    assert_int_equal(medsec_csaf_from_json(p.doc, p.doc->root, &p.arena, &p.adv, &err), MEDSEC_OK);
    assert_string_equal(p.adv.id, "ICSMA-17-082-01");
    assert_int_equal(p.adv.n_vulns, 1);
    const struct medsec_adv_vuln *v = &p.adv.vulns[0];
    assert_string_equal(v->name, "CVE-2017-6022");
    assert_string_equal(v->cwes, "CWE-259");
    assert_int_equal(v->n_affected, 2);
    assert_string_equal(v->affected[0].vendor, "Becton, Dickinson and Company (BD)");
    assert_string_equal(v->affected[0].product, "PerformA");
    assert_string_equal(v->affected[0].product_id, "CSAFPID-0001");
    assert_string_equal(v->affected[0].ranges, "VERS\tvers:generic/<=2.0.14.0");
    assert_string_equal(v->affected[0].status, "affected");
    assert_false(v->affected[0].flags & MEDSEC_ADV_NEEDS_REVIEW);
    assert_string_equal(v->affected[1].product, "KLA Journal Service");
    assert_string_equal(v->affected[1].ranges, "VERS\tvers:generic/<=1.0.51");
    assert_int_equal(v->n_scores, 1);
    assert_string_equal(v->scores[0].vector, "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:L");
    assert_true(v->scores[0].score > 7.29 && v->scores[0].score < 7.31);
    assert_true(v->n_remediations >= 1);
    assert_string_equal(v->remediations[0].category, "mitigation");
    unload(&p);
}

static void test_csaf_ranges(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out; /* out NULL: needs review */
    } cases[] = {
        {"<= 3.4", "vers:generic/<=3.4"},
        {"<=3.0.0.0", "vers:generic/<=3.0.0.0"},
        {"versions prior to 2.1", "vers:generic/<2.1"},
        {"Version 4.2 and prior", "vers:generic/<=4.2"},
        {"all versions", "vers:generic/*"},
        {"vers:all/*", "vers:generic/*"},
        {"vers:all/<V4.3.8", "vers:generic/<4.3.8"},
        {">= 1.3.4 | < 1.5.3", "vers:generic/>=1.3.4|<1.5.3"},
        {">= V2.0 < V2.2.28", "vers:generic/>=2.0|<2.2.28"},
        {">= V2.3 and < V6.30.016", "vers:generic/>=2.3|<6.30.016"},
        {"All versions < V2.14.0", "vers:generic/<2.14.0"},
        {"5.0|5.1", "vers:generic/5.0|5.1"},
        {"<= 15.2(6)E0a", "vers:generic/<=15.2(6)E0a"},
        {"< august 28", NULL},
        {"<=N", NULL},
        {"<= 12.2.x.x", NULL},
        {"distributed  < april 1, 2018", NULL},
        {"", NULL},
    };
    struct medsec_arena a = MEDSEC_ARENA_INIT;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = medsec_csaf_range_to_vers(cases[i].in, &a);
        if (cases[i].out) {
            if (!got || strcmp(got, cases[i].out) != 0)
                fail_msg("'%s': got '%s', want '%s'", cases[i].in, got ? got : "(null)",
                         cases[i].out);
        } else if (got) {
            fail_msg("'%s' should need review, got '%s'", cases[i].in, got);
        }
    }
    medsec_arena_release(&a);
}

/* ---- reader ---- */

struct counts {
    size_t adv[MEDSEC_ADV_NSOURCES], kev, epss, vulns;
    char last_kev[32];
    double epss_first;
};

static medsec_err count_adv(void *ud, const struct medsec_advisory *adv)
{
    struct counts *c = ud;
    c->adv[adv->source]++;
    c->vulns += adv->n_vulns;
    return MEDSEC_OK;
}

static medsec_err count_kev(void *ud, const struct medsec_kev_entry *e, const char *origin,
                            uint64_t hash)
{
    struct counts *c = ud;
    (void)origin;
    (void)hash;
    c->kev++;
    snprintf(c->last_kev, sizeof c->last_kev, "%s", e->cve);
    return MEDSEC_OK;
}

static medsec_err count_epss(void *ud, const struct medsec_epss_entry *e, const char *origin)
{
    struct counts *c = ud;
    (void)origin;
    if (c->epss++ == 0)
        c->epss_first = e->score;
    assert_string_equal(e->date, "2026-09-29");
    return MEDSEC_OK;
}

static void test_reader_folder(void **state)
{
    (void)state;
    struct counts c = {0};
    struct medsec_adv_sink sink = {
        .ud = &c, .advisory = count_adv, .kev = count_kev, .epss = count_epss};
    struct medsec_adv_read_stats st = {0};
    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    struct medsec_error err;
    assert_int_equal(medsec_adv_read_path(DATA, &sink, &st, &d, &err), MEDSEC_OK);
    assert_int_equal(c.adv[MEDSEC_ADV_OSV], 3);
    assert_int_equal(c.adv[MEDSEC_ADV_NVD], 3); /* 2 in the 1.1 sample, 1 API 2.0 */
    assert_int_equal(c.adv[MEDSEC_ADV_CSAF], 1);
    assert_int_equal(c.kev, 2);
    assert_string_equal(c.last_kev, "CVE-2016-0189");
    assert_int_equal(c.epss, 10);
    assert_true(c.epss_first > 0.0335 && c.epss_first < 0.0336);
    assert_int_equal(st.malformed, 0);
    assert_int_equal(d.n, 0);
    medsec_diags_release(&d);
}

static void test_reader_malformed(void **state)
{
    (void)state;
    struct counts c = {0};
    struct medsec_adv_sink sink = {
        .ud = &c, .advisory = count_adv, .kev = count_kev, .epss = count_epss};
    struct medsec_adv_read_stats st = {0};
    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    struct medsec_error err;
    /* an NVD feed whose second item lacks its id: the first is kept, the second skipped with its
     * line */
    const char *feed =
        "{\n \"CVE_Items\" : [ {\n  \"cve\" : { \"CVE_data_meta\" : { \"ID\" : \"CVE-1\" } }\n },"
        " {\n  \"cve\" : { \"CVE_data_meta\" : { } }\n } ]\n}\n";
    assert_int_equal(medsec_adv_read_buffer("feed.json", feed, strlen(feed), &sink, &st, &d, &err),
                     MEDSEC_OK);
    assert_int_equal(c.adv[MEDSEC_ADV_NVD], 1);
    assert_int_equal(st.malformed, 1);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.v[0].file, "feed.json");
    assert_int_equal(d.v[0].line, 5);
    medsec_diags_release(&d);

    /* broken JSON: a warning with line and column, nothing delivered */
    memset(&st, 0, sizeof st);
    struct medsec_diags d2 = MEDSEC_DIAGS_INIT;
    const char *broken = "{\"id\": \"X\",\n \"modified\": }";
    assert_int_equal(
        medsec_adv_read_buffer("x.json", broken, strlen(broken), &sink, &st, &d2, &err), MEDSEC_OK);
    assert_int_equal(st.malformed, 1);
    assert_int_equal(d2.v[0].line, 2);
    assert_true(d2.v[0].column > 1);
    medsec_diags_release(&d2);

    /* EPSS rows out of range */
    memset(&st, 0, sizeof st);
    struct medsec_diags d3 = MEDSEC_DIAGS_INIT;
    const char *csv = "cve,epss,percentile\nCVE-1-1,0.5,0.5\nCVE-1-2,2,0.5\nnot-a-cve,0.1,0.1\n";
    c.epss = 0;
    sink.epss = NULL;
    assert_int_equal(medsec_adv_read_buffer("e.csv", csv, strlen(csv), &sink, &st, &d3, &err),
                     MEDSEC_OK);
    assert_int_equal(st.records[MEDSEC_ADV_EPSS], 1);
    assert_int_equal(st.malformed, 2);
    assert_int_equal(d3.v[0].line, 3);
    medsec_diags_release(&d3);

    /* files that are no advisories are counted, not imported */
    memset(&st, 0, sizeof st);
    const char *schema = "{\"$schema\": \"x\", \"title\": \"y\"}";
    assert_int_equal(
        medsec_adv_read_buffer("s.json", schema, strlen(schema), &sink, &st, NULL, &err),
        MEDSEC_OK);
    assert_int_equal(st.ignored, 1);
}

/* KEV entries as the sink sees them, kept for the CSV test */
struct kev_rows {
    size_t n;
    char cve[4][32], vendor[4][64], notes[4][128];
    bool no_ransomware[4];
    uint64_t hash[4];
};

static medsec_err keep_kev(void *ud, const struct medsec_kev_entry *e, const char *origin,
                           uint64_t hash)
{
    struct kev_rows *k = ud;
    (void)origin;
    if (k->n < 4) {
        snprintf(k->cve[k->n], sizeof k->cve[0], "%s", e->cve);
        snprintf(k->vendor[k->n], sizeof k->vendor[0], "%s", e->vendor ? e->vendor : "(null)");
        snprintf(k->notes[k->n], sizeof k->notes[0], "%s", e->notes ? e->notes : "(null)");
        k->no_ransomware[k->n] = e->ransomware == NULL;
        k->hash[k->n] = hash;
    }
    k->n++;
    return MEDSEC_OK;
}

static void test_reader_kev_csv(void **state)
{
    (void)state;
    /* a BOM, CRLF line ends, columns in another order than CISA's, quoted fields with commas, ""
     * and a line break, an empty field, a row without a CVE id, and a quote that never ends */
    const char *csv = "\xEF\xBB\xBF"
                      "vendorProject,cveID,product,notes,knownRansomwareCampaignUse\r\n"
                      "\"Acme, Inc.\",CVE-2020-0001,Pump,\"say \"\"hi\"\"\nsecond line\",Known\r\n"
                      "Acme,CVE-2020-0002,Pump,,\r\n"
                      "\r\n"
                      "Acme,not-a-cve,Pump,x,Unknown\r\n"
                      "Acme,CVE-2020-0003,Pump,\"never closed\n";
    struct kev_rows k = {0};
    struct medsec_adv_sink sink = {.ud = &k, .kev = keep_kev};
    struct medsec_adv_read_stats st = {0};
    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    struct medsec_error err;
    assert_int_equal(medsec_adv_read_buffer("kev.csv", csv, strlen(csv), &sink, &st, &d, &err),
                     MEDSEC_OK);
    assert_int_equal(k.n, 2);
    assert_int_equal(st.records[MEDSEC_ADV_KEV], 2);
    assert_string_equal(k.cve[0], "CVE-2020-0001");
    assert_string_equal(k.vendor[0], "Acme, Inc.");
    assert_string_equal(k.notes[0], "say \"hi\"\nsecond line");
    assert_false(k.no_ransomware[0]);
    assert_string_equal(k.cve[1], "CVE-2020-0002");
    assert_string_equal(k.notes[1], "(null)");
    assert_true(k.no_ransomware[1]);
    assert_int_equal(st.malformed, 2);
    assert_int_equal(d.n, 2);
    assert_int_equal(d.v[0].line, 6); /* the first row spans lines 2 and 3 */
    assert_non_null(strstr(d.v[0].msg, "no CVE id"));
    assert_int_equal(d.v[1].line, 7);
    assert_non_null(strstr(d.v[1].msg, "never ends"));
    medsec_diags_release(&d);

    /* the same entry as JSON hashes alike, so importing the catalog in both forms stores it once */
    const char *json =
        "{\"catalogVersion\": \"1\", \"vulnerabilities\": [{\"cveID\": \"CVE-2020-0002\", "
        "\"vendorProject\": \"Acme\", \"product\": \"Pump\"}]}";
    struct kev_rows kj = {0};
    sink.ud = &kj;
    assert_int_equal(
        medsec_adv_read_buffer("kev.json", json, strlen(json), &sink, NULL, NULL, &err), MEDSEC_OK);
    assert_int_equal(kj.n, 1);
    assert_true(kj.hash[0] == k.hash[1]);
}

static bool known_all(void *ud, uint64_t hash)
{
    (void)ud;
    (void)hash;
    return true;
}

/* Run a shell command (gzip and tar make the archives of the archive tests). */
static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    if (system(cmd) != 0)
        fail_msg("%s failed", cmd);
}

/* Read @path with a fresh sink; the counts in @c, the warnings in @d (released by the caller). */
static medsec_err read_counted(const char *path, struct counts *c, struct medsec_adv_read_stats *st,
                               struct medsec_diags *d)
{
    struct medsec_adv_sink sink = {
        .ud = c, .advisory = count_adv, .kev = count_kev, .epss = count_epss};
    struct medsec_error err;
    memset(c, 0, sizeof *c);
    memset(st, 0, sizeof *st);
    *d = (struct medsec_diags)MEDSEC_DIAGS_INIT;
    return medsec_adv_read_path(path, &sink, st, d, &err);
}

/* gzip, tar.gz: an NVD feed of 3,000 items (one of them 300 KB) streamed through the buffer, an
 * EPSS file inflated whole, a tarball's members; truncated archives keep what was read and warn
 * once. */
static void test_reader_archives(void **state)
{
    (void)state;
    char dir[64] = "/tmp/medsec-test-adv-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/nvdcve-1.1-big.json", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("{\"CVE_data_type\" : \"CVE\",\n\"CVE_Items\" : [\n", fp);
    for (int i = 0; i < 3000; i++) {
        fprintf(fp,
                "%s{\"cve\" : {\"CVE_data_meta\" : {\"ID\" : \"CVE-2000-%04d\"}, \"description\" : "
                "{\"description_data\" : [{\"lang\" : \"en\", \"value\" : \"",
                i ? ",\n" : "", i);
        for (int k = 0; k < (i == 1500 ? 300000 : 10); k++)
            fputc('a' + k % 26, fp);
        fputs("\"}]}}}", fp);
    }
    fputs("\n]}\n", fp);
    assert_int_equal(fclose(fp), 0);
    sh("cd '%s' && mkdir nvd epss tar cut && gzip -c nvdcve-1.1-big.json > nvd/nvdcve-1.1-big.json.gz"
       " && gzip -c '%s/epss/epss_scores-head-sample.csv' > epss/e.csv.gz && tar -C '%s' -czf tar/bundle.tar.gz osv kev"
       " && head -c $(($(wc -c < nvd/nvdcve-1.1-big.json.gz) / 2)) nvd/nvdcve-1.1-big.json.gz"
       " > cut/nvdcve-1.1-cut.json.gz && head -c 700 tar/bundle.tar.gz > cut/bundle-cut.tar.gz && rm nvdcve-1.1-big.json",
       dir, DATA, DATA);

    struct counts c;
    struct medsec_adv_read_stats st;
    struct medsec_diags d;
    snprintf(path, sizeof path, "%s/nvd", dir);
    assert_int_equal(read_counted(path, &c, &st, &d), MEDSEC_OK);
    assert_int_equal(c.adv[MEDSEC_ADV_NVD], 3000);
    assert_int_equal(st.malformed, 0);
    assert_int_equal(d.n, 0);
    medsec_diags_release(&d);

    snprintf(path, sizeof path, "%s/epss", dir);
    assert_int_equal(read_counted(path, &c, &st, &d), MEDSEC_OK);
    assert_int_equal(c.epss, 10);
    assert_int_equal(d.n, 0);
    medsec_diags_release(&d);

    snprintf(path, sizeof path, "%s/tar", dir);
    assert_int_equal(read_counted(path, &c, &st, &d), MEDSEC_OK);
    assert_int_equal(c.adv[MEDSEC_ADV_OSV], 3);
    assert_int_equal(c.kev, 2);
    assert_int_equal(d.n, 0);
    medsec_diags_release(&d);

    /* the cut tarball ends inside its first member; the cut feed in the middle of its items */
    snprintf(path, sizeof path, "%s/cut", dir);
    assert_int_equal(read_counted(path, &c, &st, &d), MEDSEC_OK);
    assert_true(c.adv[MEDSEC_ADV_NVD] > 100 && c.adv[MEDSEC_ADV_NVD] < 3000);
    assert_int_equal(c.adv[MEDSEC_ADV_OSV], 0);
    assert_int_equal(st.malformed, 2);
    assert_int_equal(d.n, 2);
    assert_non_null(strstr(d.v[0].file, "bundle-cut.tar.gz"));
    assert_non_null(strstr(d.v[0].msg, "rest of the archive skipped"));
    assert_non_null(strstr(d.v[1].file, "nvdcve-1.1-cut.json.gz"));
    assert_non_null(strstr(d.v[1].msg, "truncated gzip data; skipped"));
    medsec_diags_release(&d);
    sh("rm -rf '%s'", dir);
}

/* An EPSS CSV saved with a UTF-8 byte order mark (as spreadsheet tools write it) is still EPSS. */
static void test_reader_epss_bom(void **state)
{
    (void)state;
    struct counts c = {0};
    struct medsec_adv_sink sink = {.ud = &c, .epss = count_epss};
    struct medsec_error err;
    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    const char *with_comment =
        "\xEF\xBB\xBF#model_version:v2026.06.15,score_date:2026-09-29T12:00:22Z\n"
        "cve,epss,percentile\nCVE-1999-0001,0.03351,0.88255\n";
    struct medsec_adv_read_stats st = {0};
    assert_int_equal(
        medsec_adv_read_buffer("bom.csv", with_comment, strlen(with_comment), &sink, &st, &d, &err),
        MEDSEC_OK);
    assert_int_equal(c.epss, 1); /* count_epss checks the score date */
    assert_int_equal(st.ignored, 0);
    const char *header_first = "\xEF\xBB\xBF"
                               "cve,epss,percentile\r\nCVE-1999-0001,0.03351,0.88255\r\n";
    memset(&st, 0, sizeof st);
    sink.epss = NULL;
    assert_int_equal(medsec_adv_read_buffer("bom2.csv", header_first, strlen(header_first), &sink,
                                            &st, &d, &err),
                     MEDSEC_OK);
    assert_int_equal(st.records[MEDSEC_ADV_EPSS], 1);
    assert_int_equal(st.ignored, 0);
    assert_int_equal(st.malformed, 0);
    assert_int_equal(d.n, 0);
    medsec_diags_release(&d);
}

/* @n bytes at @data as one gzip member (RFC 1952) appended to @fp. */
static void put_gzip_member(FILE *fp, const void *data, size_t n)
{
    z_stream z = {0};
    unsigned char out[1 << 16];
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (unsigned char *)(uintptr_t)data;
    z.avail_in = (uInt)n;
    int zr;
    do {
        z.next_out = out;
        z.avail_out = sizeof out;
        zr = deflate(&z, Z_FINISH);
        assert_int_equal(fwrite(out, 1, sizeof out - z.avail_out, fp), sizeof out - z.avail_out);
    } while (zr == Z_OK);
    assert_int_equal(zr, Z_STREAM_END);
    deflateEnd(&z);
}

/*
 * What follows a gzip member: another member is read on (a gzip file is a series of members, RFC
 * 1952 2.2, as gzip -d and zcat read it); anything else (zero padding, garbage, even a zlib stream)
 * is ignored with a warning, and what was read before it is kept.
 */
static void test_reader_gzip_tail(void **state)
{
    (void)state;
    char dir[64] = "/tmp/medsec-test-gz-XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *head = "#model_version:v2026.06.15,score_date:2026-09-29T12:00:22Z\n"
                       "cve,epss,percentile\nCVE-1999-0001,0.03351,0.88255\n";
    const char *more = "CVE-1999-0002,0.5,0.9\nCVE-1999-0003,0.25,0.5\n";
    static const struct {
        const char *name;
        int tail; /* 0 a second member, 1 garbage, 2 zeros, 3 a zlib stream of more rows */
        size_t rows, warnings;
    } cases[] = {{"members.csv.gz", 0, 3, 0},
                 {"garbage.csv.gz", 1, 1, 1},
                 {"zeros.csv.gz", 2, 1, 1},
                 {"zlib.csv.gz", 3, 1, 1}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char path[128];
        snprintf(path, sizeof path, "%s/%s", dir, cases[i].name);
        FILE *fp = fopen(path, "wb");
        assert_non_null(fp);
        put_gzip_member(fp, head, strlen(head));
        static const char zeros[1024];
        unsigned char z[256];
        uLongf zn = sizeof z;
        switch (cases[i].tail) {
        case 0: put_gzip_member(fp, more, strlen(more)); break;
        case 1: fputs("this is not gzip\n", fp); break;
        case 2: fwrite(zeros, 1, sizeof zeros, fp); break;
        default:
            assert_int_equal(compress(z, &zn, (const unsigned char *)more, strlen(more)), Z_OK);
            fwrite(z, 1, zn, fp);
        }
        assert_int_equal(fclose(fp), 0);
        struct counts c;
        struct medsec_adv_read_stats st;
        struct medsec_diags d;
        assert_int_equal(read_counted(path, &c, &st, &d), MEDSEC_OK);
        assert_int_equal(c.epss, cases[i].rows);
        assert_int_equal(st.malformed, 0);
        assert_int_equal(d.n, cases[i].warnings);
        if (d.n) {
            assert_string_equal(d.v[0].file, path);
            assert_non_null(strstr(d.v[0].msg, "bytes after the gzip data are not gzip; ignored"));
        }
        medsec_diags_release(&d);
    }
    /* an NVD feed streamed item by item keeps its items too */
    char path[128];
    snprintf(path, sizeof path, "%s/nvdcve-1.1-tail.json.gz", dir);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    const char *feed =
        "{\"CVE_Items\" : [ {\"cve\" : { \"CVE_data_meta\" : { \"ID\" : \"CVE-1\" } }},\n"
        " {\"cve\" : { \"CVE_data_meta\" : { \"ID\" : \"CVE-2\" } }} ]}\n";
    put_gzip_member(fp, feed, strlen(feed));
    fputs("\r\n", fp);
    assert_int_equal(fclose(fp), 0);
    struct counts c;
    struct medsec_adv_read_stats st;
    struct medsec_diags d;
    assert_int_equal(read_counted(path, &c, &st, &d), MEDSEC_OK);
    assert_int_equal(c.adv[MEDSEC_ADV_NVD], 2);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.v[0].msg, "2 bytes after the gzip data are not gzip; ignored");
    medsec_diags_release(&d);
    sh("rm -rf '%s'", dir);
}

static void test_reader_known_skips(void **state)
{
    (void)state;
    struct counts c = {0};
    struct medsec_adv_sink sink = {.ud = &c, .known = known_all, .advisory = count_adv};
    struct medsec_adv_read_stats st = {0};
    struct medsec_error err;
    assert_int_equal(medsec_adv_read_path(DATA "/nvd", &sink, &st, NULL, &err), MEDSEC_OK);
    assert_int_equal(c.adv[MEDSEC_ADV_NVD], 0);
    assert_int_equal(st.known, 3);
    assert_int_equal(st.records[MEDSEC_ADV_NVD], 3);
    assert_int_equal(medsec_adv_read_path(DATA "/nope", &sink, &st, NULL, &err), MEDSEC_ENOTFOUND);
}

static void test_hash(void **state)
{
    (void)state;
    assert_true(medsec_adv_hash("abc", 3) == medsec_adv_hash("abc", 3));
    assert_true(medsec_adv_hash("abc", 3) != medsec_adv_hash("abd", 3));
    assert_true(medsec_adv_hash("abcdefgh1", 9) != medsec_adv_hash("abcdefgh2", 9));
    assert_true(medsec_adv_hash("", 0) != medsec_adv_hash("\0", 1));
}

static void test_alloc_failures(void **state)
{
    (void)state;
    /* every allocation of the CSAF and OSV parsers may fail: the result is ENOMEM, never a crash */
    static const char *const files[] = {"csaf/icsma-17-082-01.json", "osv/GO-2022-0229.json"};
    for (size_t f = 0; f < 2; f++) {
        struct parsed p;
        load(&p, files[f]);
        bool done = false;
        for (long n = 0; !done && n < 5000; n++) {
            struct medsec_error err;
            struct medsec_arena a = MEDSEC_ARENA_INIT;
            struct medsec_advisory adv;
            failalloc_arm(n);
            medsec_err rc = f == 0 ? medsec_csaf_from_json(p.doc, p.doc->root, &a, &adv, &err)
                                   : medsec_osv_from_json(p.doc, p.doc->root, &a, &adv, &err);
            failalloc_disarm();
            if (rc == MEDSEC_OK && f == 0) /* a failed allocation never turns into "needs review" */
                assert_string_equal(adv.vulns[0].affected[0].ranges,
                                    "VERS\tvers:generic/<=2.0.14.0");
            medsec_arena_release(&a);
            if (rc == MEDSEC_OK)
                done = true;
            else
                assert_true(rc == MEDSEC_ENOMEM || rc == MEDSEC_ETOOBIG);
        }
        assert_true(done);
        unload(&p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_osv_go),
        cmocka_unit_test(test_osv_versions_and_last_affected),
        cmocka_unit_test(test_osv_git_and_errors),
        cmocka_unit_test(test_nvd_11_and_config),
        cmocka_unit_test(test_nvd_20),
        cmocka_unit_test(test_csaf_icsma),
        cmocka_unit_test(test_csaf_ranges),
        cmocka_unit_test(test_reader_folder),
        cmocka_unit_test(test_reader_malformed),
        cmocka_unit_test(test_reader_kev_csv),
        cmocka_unit_test(test_reader_archives),
        cmocka_unit_test(test_reader_epss_bom),
        cmocka_unit_test(test_reader_gzip_tail),
        cmocka_unit_test(test_reader_known_skips),
        cmocka_unit_test(test_hash),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
