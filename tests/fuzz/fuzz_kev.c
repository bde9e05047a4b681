/* fuzz_kev.c: libFuzzer harness for the CISA KEV catalog: medsec_kev_from_json on each entry, and
 * the same bytes through the reader as the JSON catalog and as the CSV download (read as KEV when
 * its header names cveID, as EPSS when it looks like EPSS, else ignored; never a crash). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/advisory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct count {
    size_t kev, other;
};

static void check_entry(const struct medsec_kev_entry *k)
{
    /* the id is required; every other field is absent or readable */
    if (!k->cve || strncmp(k->cve, "CVE-", 4) != 0)
        abort();
    const char *f[] = {k->vendor,   k->product,    k->name,   k->description, k->date_added,
                       k->due_date, k->ransomware, k->action, k->notes};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (f[i])
            (void)strlen(f[i]);
}

static medsec_err sink_kev(void *ud, const struct medsec_kev_entry *e, const char *origin,
                           uint64_t hash)
{
    (void)hash;
    if (!origin)
        abort();
    check_entry(e);
    ((struct count *)ud)->kev++;
    return MEDSEC_OK;
}

static medsec_err sink_advisory(void *ud, const struct medsec_advisory *adv)
{
    (void)adv;
    ((struct count *)ud)->other++;
    return MEDSEC_OK;
}

static medsec_err sink_epss(void *ud, const struct medsec_epss_entry *e, const char *origin)
{
    (void)e;
    (void)origin;
    ((struct count *)ud)->other++;
    return MEDSEC_OK;
}

static void read_as(const char *name, const uint8_t *data, size_t size)
{
    struct count n = {0};
    struct medsec_adv_sink sink = {
        .ud = &n, .advisory = sink_advisory, .kev = sink_kev, .epss = sink_epss};
    struct medsec_adv_read_stats st = {0};
    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    struct medsec_error err;
    medsec_err rc = medsec_adv_read_buffer(name, data, size, &sink, &st, &d, &err);
    /* bad input is skipped with a warning, never an error: only the sink or memory may stop a read;
     * every record reached the sink; every skipped one says why */
    if (rc != MEDSEC_OK && rc != MEDSEC_ENOMEM)
        abort();
    if (rc == MEDSEC_OK && (st.records[MEDSEC_ADV_KEV] != n.kev || st.malformed != d.warnings))
        abort();
    medsec_diags_release(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct medsec_json_doc *doc = NULL;
    struct medsec_error err;
    struct medsec_json_limits lim = {.max_bytes = 1 << 20, .max_depth = 64};
    if (medsec_json_parse((const char *)data, size, &lim, "fuzz", &doc, &err) == MEDSEC_OK) {
        const struct medsec_json *vulns = medsec_json_get(doc->root, "vulnerabilities");
        struct medsec_kev_entry k;
        for (size_t i = 0; medsec_json_is(vulns, MEDSEC_JSON_ARRAY) && i < vulns->len; i++)
            if (medsec_kev_from_json(medsec_json_at(vulns, i), &k, &err) == MEDSEC_OK)
                check_entry(&k);
            else if (!err.msg[0])
                abort();
        /* the root itself as an entry (not an object of the catalog: must fail cleanly or parse) */
        if (medsec_kev_from_json(doc->root, &k, &err) == MEDSEC_OK)
            check_entry(&k);
        medsec_json_doc_free(doc);
    }
    read_as("known_exploited_vulnerabilities.json", data, size);
    read_as("known_exploited_vulnerabilities.csv", data, size);
    return 0;
}
