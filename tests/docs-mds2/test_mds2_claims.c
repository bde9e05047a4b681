/* test_mds2_claims.c: medsec_model_control_claims, the test the MDS2 form counts a control by: a
 * control claims a capability code only for what the code covers in HN 1-2019 (its fits against
 * the classes of what the control applies to). On the infusion pump's security file, as written and
 * with codes added against their meaning. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "medsec/alloc.h"
#include "medsec/file.h"
#include "medsec/model.h"

#define PUMP MEDSEC_SOURCE_DIR "/examples/infusion-pump/device.yaml"

/* The pump's device.yaml with @from replaced by @to (once; it must be there), parsed. */
static struct medsec_model *pump(const char *from, const char *to)
{
    char *text = NULL;
    size_t len = 0;
    struct medsec_error err;
    assert_int_equal(medsec_file_read(PUMP, 1 << 22, &text, &len, &err), MEDSEC_OK);
    char *at = strstr(text, from);
    assert_non_null(at);
    size_t n = len - strlen(from) + strlen(to);
    char *edited = medsec_malloc(n + 1);
    assert_non_null(edited);
    size_t head = (size_t)(at - text);
    memcpy(edited, text, head);
    memcpy(edited + head, to, strlen(to));
    strcpy(edited + head + strlen(to), at + strlen(from));
    struct medsec_model *m = NULL;
    assert_int_equal(medsec_model_parse(edited, n, "device.yaml", NULL, NULL, &m, NULL, &err),
                     MEDSEC_OK);
    medsec_free(edited);
    medsec_free(text);
    return m;
}

static bool claims(const struct medsec_model *m, const char *control, enum medsec_capability c)
{
    const struct medsec_model_control *ctl = medsec_model_find_control(m, control);
    assert_non_null(ctl);
    return medsec_model_control_claims(m, ctl, c);
}

/* What the file claims in the code's meaning counts. */
static void test_claims_in_meaning(void **state)
{
    (void)state;
    struct medsec_model *m = pump("medsec: 1", "medsec: 1");
    assert_true(claims(m, "c-encrypted-db", MEDSEC_CAP_STCF));   /* a store holding phi */
    assert_true(claims(m, "c-signed-updates", MEDSEC_CAP_CSUP)); /* the update agent */
    assert_true(claims(m, "c-debug-lock", MEDSEC_CAP_PLOK));     /* debug ports */
    assert_true(claims(m, "c-mutual-tls", MEDSEC_CAP_TXCF));     /* flows */
    assert_true(claims(m, "c-user-pin", MEDSEC_CAP_ALOF));       /* the touchscreen, a user */
    /* a code the control does not list never counts */
    assert_false(claims(m, "c-encrypted-db", MEDSEC_CAP_TXCF));
    assert_false(claims(m, "c-signed-updates", MEDSEC_CAP_IGAU));
    medsec_model_free(m);
}

/* A code listed against its meaning does not count (the loader only warns about it). */
static void test_claims_against_meaning(void **state)
{
    (void)state;
    /* IGAU is health-data integrity, not firmware signing; EMRG is break-glass access to health
     * data, not an update mechanism */
    struct medsec_model *m = pump("capabilities: [CSUP, SAHD]\n    applies_to: [update-agent",
                                  "capabilities: [CSUP, SAHD, IGAU, EMRG]\n"
                                  "    applies_to: [update-agent");
    assert_true(claims(m, "c-signed-updates", MEDSEC_CAP_CSUP));
    assert_false(claims(m, "c-signed-updates", MEDSEC_CAP_IGAU));
    assert_false(claims(m, "c-signed-updates", MEDSEC_CAP_EMRG));
    medsec_model_free(m);
    /* TXCF is data in transit, not a database at rest */
    m = pump("capabilities: [STCF]", "capabilities: [STCF, TXCF]");
    assert_true(claims(m, "c-encrypted-db", MEDSEC_CAP_STCF));
    assert_false(claims(m, "c-encrypted-db", MEDSEC_CAP_TXCF));
    medsec_model_free(m);
    /* PAUT authenticates people: not a debug port */
    m = pump("capabilities: [SAHD, PLOK]", "capabilities: [SAHD, PLOK, PAUT]");
    assert_false(claims(m, "c-debug-lock", MEDSEC_CAP_PAUT));
    assert_true(claims(m, "c-debug-lock", MEDSEC_CAP_PLOK));
    medsec_model_free(m);
}

/* The classes behind the decision. */
static void test_fit_classes(void **state)
{
    (void)state;
    struct medsec_model *m = pump("medsec: 1", "medsec: 1");
    assert_true(medsec_model_fit_classes(m, "pump-db") & MEDSEC_FIT_HEALTH_DATA);
    assert_true(medsec_model_fit_classes(m, "f-update-download") & MEDSEC_FIT_UPDATE);
    assert_false(medsec_model_fit_classes(m, "f-update-download") & MEDSEC_FIT_HEALTH_DATA);
    assert_true(medsec_model_fit_classes(m, "clinician") & MEDSEC_FIT_PERSON);
    assert_int_equal(medsec_model_fit_classes(m, "no-such-element"), 0);
    medsec_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_claims_in_meaning),
        cmocka_unit_test(test_claims_against_meaning),
        cmocka_unit_test(test_fit_classes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
