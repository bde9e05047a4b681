/* fuzz_rules.c: libFuzzer harness for the threat rule catalog parser and its conditions. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "medsec/threat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A fixed graph every loaded rule runs against, so conditions and mitigations are evaluated too. */
static struct medsec_tm_graph graph;
static int graph_ready;

static void build_graph(void)
{
    size_t p, f, i;
    medsec_tm_graph_init(&graph);
    if (medsec_tm_add_zone(&graph, "dev", "Device", 2, MEDSEC_ACCESS_INTERNAL) ||
        medsec_tm_add_zone(&graph, "net", "Network", 0, MEDSEC_ACCESS_NETWORK) ||
        medsec_tm_add_element(&graph, MEDSEC_ELEMENT_PROCESS, "p", NULL, "dev", NULL, NULL, &p) ||
        medsec_tm_add_item(&graph, p, "clinical_functions", "therapy_delivery") ||
        medsec_tm_add_element(&graph, MEDSEC_ELEMENT_EXTERNAL_ENTITY, "e", NULL, "net", NULL, NULL,
                              NULL) ||
        medsec_tm_add_element(&graph, MEDSEC_ELEMENT_DATA_STORE, "s", NULL, "dev", NULL, NULL,
                              NULL) ||
        medsec_tm_add_element(&graph, MEDSEC_ELEMENT_INTERFACE, "i", NULL, "dev", NULL, NULL, &i) ||
        medsec_tm_set_str(&graph, i, "type", "ble") ||
        medsec_tm_add_element(&graph, MEDSEC_ELEMENT_DATA_FLOW, "f", NULL, NULL, "e", "p", &f) ||
        medsec_tm_set_str(&graph, f, "protocol", "mqtt") ||
        medsec_tm_add_item(&graph, f, "capabilities", "TXCF") ||
        medsec_tm_graph_derive(&graph, NULL))
        abort();
    graph_ready = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!graph_ready)
        build_graph();
    struct medsec_tm_catalog c;
    struct medsec_error err;
    medsec_tm_catalog_init(&c);
    if (medsec_tm_catalog_load(&c, (const char *)data, size, "fuzz", &err) == MEDSEC_OK) {
        struct medsec_threat_list l;
        medsec_threat_list_init(&l);
        medsec_err rc = medsec_threats_generate(&graph, &c, MEDSEC_TM_WITH_MITIGATED, &l, &err);
        if (rc != MEDSEC_OK && rc != MEDSEC_EINVAL && rc != MEDSEC_ETOOBIG)
            abort(); /* only id collisions and over-long titles may fail */
        medsec_threat_list_release(&l);
    } else if (c.n != 0) {
        abort(); /* a failed load adds nothing */
    }
    medsec_tm_catalog_release(&c);
    return 0;
}
