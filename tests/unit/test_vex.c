/* test_vex.c: the VEX vocabulary: every word parses back to its value, the CycloneDX
 * justifications map onto the OpenVEX / CSAF ones, states onto statuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "medsec/vex.h"

static void test_round_trips(void **state)
{
    (void)state;
    for (int f = 0; f < MEDSEC_VEX_FORMAT_COUNT; f++) {
        enum medsec_vex_format back;
        assert_true(
            medsec_vex_format_parse(medsec_vex_format_name((enum medsec_vex_format)f), &back));
        assert_int_equal(back, f);
    }
    for (int s = 0; s < MEDSEC_VEX_STATE_COUNT; s++) {
        enum medsec_vex_state back;
        assert_true(medsec_vex_state_parse(medsec_vex_state_name((enum medsec_vex_state)s), &back));
        assert_int_equal(back, s);
    }
    assert_null(medsec_vex_cdx_justification_name(MEDSEC_CDX_UNSTATED));
    for (int j = 1; j < MEDSEC_CDX_COUNT; j++) {
        enum medsec_vex_cdx_justification back;
        const char *n = medsec_vex_cdx_justification_name((enum medsec_vex_cdx_justification)j);
        assert_non_null(n);
        assert_true(medsec_vex_cdx_justification_parse(n, &back));
        assert_int_equal(back, j);
        /* every CycloneDX justification says one of the five coarser ones */
        assert_int_not_equal(medsec_vex_cdx_to_justification(back), MEDSEC_VEX_UNSTATED);
    }
    for (unsigned bit = 1; bit <= MEDSEC_VEX_RESP_WORKAROUND; bit <<= 1) {
        unsigned back = 0;
        assert_true(medsec_vex_response_parse(medsec_vex_response_name(bit), &back));
        assert_int_equal(back, bit);
    }
    enum medsec_vex_format f;
    enum medsec_vex_state s;
    enum medsec_vex_cdx_justification j;
    unsigned r;
    assert_false(medsec_vex_format_parse("spdx", &f));
    assert_false(medsec_vex_state_parse("affected", &s)); /* OpenVEX's word, not CycloneDX's */
    assert_false(medsec_vex_cdx_justification_parse("component_not_present", &j));
    assert_false(medsec_vex_response_parse("patch", &r));
    assert_false(medsec_vex_state_parse(NULL, &s));
    assert_null(medsec_vex_response_name(MEDSEC_VEX_RESP_UPDATE | MEDSEC_VEX_RESP_ROLLBACK));
}

static void test_mappings(void **state)
{
    (void)state;
    assert_int_equal(medsec_vex_state_status(MEDSEC_VEX_IN_TRIAGE),
                     MEDSEC_VULN_UNDER_INVESTIGATION);
    assert_int_equal(medsec_vex_state_status(MEDSEC_VEX_EXPLOITABLE), MEDSEC_VULN_AFFECTED);
    assert_int_equal(medsec_vex_state_status(MEDSEC_VEX_NOT_AFFECTED), MEDSEC_VULN_NOT_AFFECTED);
    assert_int_equal(medsec_vex_state_status(MEDSEC_VEX_FALSE_POSITIVE), MEDSEC_VULN_NOT_AFFECTED);
    assert_int_equal(medsec_vex_state_status(MEDSEC_VEX_RESOLVED), MEDSEC_VULN_FIXED);
    assert_int_equal(medsec_vex_state_status(MEDSEC_VEX_RESOLVED_PEDIGREE), MEDSEC_VULN_FIXED);
    assert_int_equal(medsec_vex_cdx_to_justification(MEDSEC_CDX_CODE_NOT_PRESENT),
                     MEDSEC_VEX_CODE_NOT_PRESENT);
    assert_int_equal(medsec_vex_cdx_to_justification(MEDSEC_CDX_CODE_NOT_REACHABLE),
                     MEDSEC_VEX_CODE_NOT_IN_EXECUTE_PATH);
    assert_int_equal(medsec_vex_cdx_to_justification(MEDSEC_CDX_REQUIRES_ENVIRONMENT),
                     MEDSEC_VEX_CODE_CANNOT_BE_CONTROLLED);
    assert_int_equal(medsec_vex_cdx_to_justification(MEDSEC_CDX_PROTECTED_BY_MITIGATING_CONTROL),
                     MEDSEC_VEX_INLINE_MITIGATIONS);
    assert_int_equal(medsec_vex_cdx_to_justification(MEDSEC_CDX_UNSTATED), MEDSEC_VEX_UNSTATED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_mappings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
