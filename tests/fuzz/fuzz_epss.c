/* fuzz_epss.c: libFuzzer harness for the FIRST EPSS scores CSV reader: every row it hands out is a
 * CVE with a score and a percentile in 0..1, every row it drops is a warning, and bad input never
 * stops a read. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/advisory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static medsec_err sink_epss(void *ud, const struct medsec_epss_entry *e, const char *origin)
{
    if (!origin || !e->cve || strncmp(e->cve, "CVE-", 4) != 0 || strchr(e->cve, ','))
        abort();
    /* written this way round so that NaN fails too */
    if (!(e->score >= 0 && e->score <= 1) || !(e->percentile >= 0 && e->percentile <= 1))
        abort();
    if (e->date && (!e->date[0] || strlen(e->date) >= 32))
        abort();
    (*(size_t *)ud)++;
    return MEDSEC_OK;
}

static void read_as(const char *name, const void *data, size_t size)
{
    size_t rows = 0;
    struct medsec_adv_sink sink = {.ud = &rows, .epss = sink_epss};
    struct medsec_adv_read_stats st = {0};
    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    struct medsec_error err;
    medsec_err rc = medsec_adv_read_buffer(name, data, size, &sink, &st, &d, &err);
    if (rc != MEDSEC_OK && rc != MEDSEC_ENOMEM)
        abort();
    if (rc == MEDSEC_OK && (st.records[MEDSEC_ADV_EPSS] != rows || st.malformed != d.warnings))
        abort();
    medsec_diags_release(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char header[] = "cve,epss,percentile\n";
    if (size > (1u << 20))
        return 0;
    read_as("epss_scores-current.csv", data, size);
    /* the same bytes as rows under a header, so that every input reaches the row parser */
    char *buf = malloc(sizeof header - 1 + size);
    if (!buf)
        return 0;
    memcpy(buf, header, sizeof header - 1);
    if (size)
        memcpy(buf + sizeof header - 1, data, size);
    read_as("epss.csv", buf, sizeof header - 1 + size);
    free(buf);
    return 0;
}
