/* test_dfd.c: DOT structure of the data-flow diagram, determinism, Graphviz rendering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "medsec/alloc.h"
#include "medsec/dfd.h"

/* Build the same device in element order @order (0 forward, 1 reversed). */
static void build(struct medsec_tm_graph *g, int order)
{
    medsec_tm_graph_init(g);
    const char *zones[2][2] = {{"device", "Pump \"core\""}, {"hospital", "Hospital network"}};
    for (int i = 0; i < 2; i++) {
        int z = order ? 1 - i : i;
        assert_int_equal(
            medsec_tm_add_zone(g, zones[z][0], zones[z][1], z == 0 ? 2 : 1, MEDSEC_ACCESS_NETWORK),
            MEDSEC_OK);
    }
    for (int i = 0; i < 6; i++) {
        int k = order ? 5 - i : i;
        size_t x;
        switch (k) {
        case 0:
            assert_int_equal(medsec_tm_add_element(g, MEDSEC_ELEMENT_PROCESS, "ctl",
                                                   "Therapy control", "device", NULL, NULL, &x),
                             MEDSEC_OK);
            break;
        case 1:
            assert_int_equal(medsec_tm_add_element(g, MEDSEC_ELEMENT_DATA_STORE, "lib",
                                                   "Drug library <v3>", "device", NULL, NULL, &x),
                             MEDSEC_OK);
            break;
        case 2:
            assert_int_equal(medsec_tm_add_element(g, MEDSEC_ELEMENT_EXTERNAL_ENTITY, "pms",
                                                   "Pump server", "hospital", NULL, NULL, &x),
                             MEDSEC_OK);
            break;
        case 3:
            assert_int_equal(medsec_tm_add_element(g, MEDSEC_ELEMENT_INTERFACE, "jtag", "J1",
                                                   "device", NULL, NULL, &x),
                             MEDSEC_OK);
            assert_int_equal(medsec_tm_set_str(g, x, "type", "jtag"), MEDSEC_OK);
            assert_int_equal(medsec_tm_set_bool(g, x, "debug", true), MEDSEC_OK);
            assert_int_equal(medsec_tm_set_str(g, x, "exposes", "ctl"), MEDSEC_OK);
            break;
        case 4:
            assert_int_equal(medsec_tm_add_element(g, MEDSEC_ELEMENT_DATA_FLOW, "f-lib",
                                                   "Library update", NULL, "pms", "lib", &x),
                             MEDSEC_OK);
            assert_int_equal(medsec_tm_set_str(g, x, "protocol", "HTTPS"), MEDSEC_OK);
            assert_int_equal(medsec_tm_set_bool(g, x, "encrypted", true), MEDSEC_OK);
            assert_int_equal(medsec_tm_set_bool(g, x, "authenticated", true), MEDSEC_OK);
            break;
        case 5:
            assert_int_equal(medsec_tm_add_element(g, MEDSEC_ELEMENT_DATA_FLOW, "f-status",
                                                   "Status", NULL, "ctl", "pms", &x),
                             MEDSEC_OK);
            assert_int_equal(medsec_tm_set_str(g, x, "protocol", "HL7"), MEDSEC_OK);
            break;
        }
    }
}

static char *dot_of(int order)
{
    struct medsec_tm_graph g;
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_error err;
    build(&g, order);
    assert_int_equal(medsec_dfd_dot(&g, "Pump DFD", &b, &err), MEDSEC_OK);
    medsec_tm_graph_release(&g);
    return medsec_buf_detach(&b, NULL);
}

static void test_dot_structure(void **state)
{
    (void)state;
    char *d = dot_of(0);
    assert_true(strncmp(d, "digraph dfd {\n", 14) == 0);
    assert_non_null(strstr(d, "label=\"Pump DFD\""));
    /* zones are dashed clusters, names escaped */
    assert_non_null(strstr(d, "subgraph \"cluster_device\" {\n    label=\"Pump \\\"core\\\"\";\n"
                              "    style=\"dashed,rounded\";"));
    assert_non_null(strstr(d, "subgraph \"cluster_hospital\""));
    /* shapes per kind */
    assert_non_null(strstr(d, "\"ctl\" [shape=ellipse"));
    assert_non_null(strstr(d, "\"pms\" [shape=box"));
    assert_non_null(strstr(d, "\"lib\" [shape=plain, label=<<TABLE"));
    assert_non_null(strstr(d, "SIDES=\"TB\""));
    assert_non_null(strstr(d, "Drug library &lt;v3&gt;")); /* HTML label escaped */
    assert_non_null(strstr(d, "\"jtag\" [shape=cds"));
    assert_non_null(strstr(d, "label=\"J1\\n(jtag)\""));
    assert_non_null(strstr(d, "\"jtag\" -> \"ctl\" [dir=none"));
    /* flows: protocol, lock when encrypted, red dashed in clear text */
    assert_non_null(
        strstr(d, "\"pms\" -> \"lib\" [id=\"f-lib\", label=\"Library update\\nHTTPS (enc.)\"];"));
    assert_non_null(
        strstr(d, "\"ctl\" -> \"pms\" [id=\"f-status\", label=\"Status\\nHL7 (clear) (unauth.)\", "
                  "color=\"#b00020\""));
    /* elements sit inside their zone's cluster */
    const char *dev = strstr(d, "cluster_device"), *hosp = strstr(d, "cluster_hospital");
    const char *ctl = strstr(d, "\"ctl\" [");
    assert_true(dev < ctl && ctl < hosp);
    medsec_free(d);
}

static void test_dot_deterministic(void **state)
{
    (void)state;
    char *a = dot_of(0), *b = dot_of(1);
    assert_string_equal(a, b);
    medsec_free(a);
    medsec_free(b);
}

static void test_unknown_endpoint(void **state)
{
    (void)state;
    struct medsec_tm_graph g;
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_error err;
    build(&g, 0);
    assert_int_equal(medsec_tm_add_element(&g, MEDSEC_ELEMENT_DATA_FLOW, "f-x", NULL, NULL, "ctl",
                                           "ghost", NULL),
                     MEDSEC_OK);
    assert_int_equal(medsec_dfd_dot(&g, NULL, &b, &err), MEDSEC_EINVAL);
    assert_non_null(strstr(err.msg, "f-x"));
    medsec_buf_release(&b);
    medsec_tm_graph_release(&g);
}

static void test_render_svg(void **state)
{
    (void)state;
    struct medsec_tm_graph g;
    struct medsec_buf a = MEDSEC_BUF_INIT, b = MEDSEC_BUF_INIT;
    struct medsec_error err;
    build(&g, 0);
    assert_int_equal(medsec_dfd_render(&g, "Pump DFD", "svg", &a, &err), MEDSEC_OK);
    assert_int_equal(medsec_dfd_render(&g, "Pump DFD", "svg", &b, &err), MEDSEC_OK);
    assert_non_null(strstr(a.data, "<svg"));
    assert_non_null(strstr(a.data, "</svg>"));
    assert_non_null(strstr(a.data, "<title>cluster_device</title>"));
    assert_non_null(strstr(a.data, "Hospital network"));
    assert_non_null(
        strstr(a.data, "stroke-dasharray")); /* dashed cluster borders / cleartext flows */
    assert_string_equal(a.data, b.data);     /* same input, same picture */
    medsec_buf_reset(&b);
    assert_int_equal(medsec_dfd_render(&g, NULL, "no-such-format", &b, &err), MEDSEC_EUNSUPPORTED);
    medsec_buf_release(&a);
    medsec_buf_release(&b);
    medsec_tm_graph_release(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dot_structure),
        cmocka_unit_test(test_dot_deterministic),
        cmocka_unit_test(test_unknown_endpoint),
        cmocka_unit_test(test_render_svg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
