/* test_devlog.c: lib/devlog, the manufacturer's side: key files (raw or hexadecimal), and that its
 * verification is the agent's (an export the agent wrote verifies; a changed one names the record).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "devtest.h"
#include "medsec/devlog.h"

static void test_key_files(void **state)
{
    (void)state;
    struct medsec_error err;
    unsigned char key[32], want[32];
    char raw[32], hex[80];
    for (int i = 0; i < 32; i++)
        want[i] = (unsigned char)(i * 37 + 11);
    memcpy(raw, want, 32);
    assert_int_equal(medsec_devlog_key(raw, 32, "k", key, &err), MEDSEC_OK);
    assert_memory_equal(key, want, 32);
    char *p = hex;
    p += sprintf(p, "  \n");
    for (int i = 0; i < 32; i++)
        p += sprintf(p, i % 2 ? "%02X" : "%02x", want[i]);
    sprintf(p, "\n");
    memset(key, 0, sizeof key);
    assert_int_equal(medsec_devlog_key(hex, strlen(hex), "k", key, &err), MEDSEC_OK);
    assert_memory_equal(key, want, 32);
    /* one digit short, a letter that is not a digit, a 33-byte file */
    assert_int_equal(medsec_devlog_key(hex + 4, 63, "short.key", key, &err), MEDSEC_EPARSE);
    assert_string_equal(err.file, "short.key");
    hex[10] = 'g';
    assert_int_equal(medsec_devlog_key(hex, strlen(hex), "k", key, &err), MEDSEC_EPARSE);
    assert_int_equal(medsec_devlog_key(raw, 31, "k", key, &err), MEDSEC_EPARSE);
}

static void test_verify(void **state)
{
    (void)state;
    char tmp[256];
    struct dt_dev d;
    struct medsec_error err;
    struct msa_log_report rep;
    assert_int_equal(dt_tmpdir(tmp, sizeof tmp), 0);
    assert_int_equal(dt_create(&d, tmp, "dev", 1), 0);
    for (int i = 0; i < 5; i++)
        assert_int_equal(msa_log_append(&d.a.log, &d.port, MSA_EV_CONFIG, 0, (uint64_t)i, NULL),
                         MSA_OK);
    size_t n = msa_log_export_size(&d.a.log), len = 0;
    unsigned char *exp = malloc(n), key[32];
    assert_non_null(exp);
    assert_int_equal(msa_log_export(&d.a.log, &d.port, 0, exp, n, &len), MSA_OK);
    assert_int_equal(d.port.key_get(d.port.ctx, MSA_KEY_LOG, key, 32), 0);
    assert_int_equal(medsec_devlog_verify(exp, len, "x.log", key, NULL, &rep, &err), MEDSEC_OK);
    assert_int_equal(rep.records, 5);
    assert_true(rep.macs_checked);
    struct msa_log_record r;
    assert_int_equal(medsec_devlog_record(exp, len, 4, &r), MEDSEC_OK);
    assert_int_equal(r.value, 4);
    assert_int_equal(medsec_devlog_record(exp, len, 5, &r), MEDSEC_EINVAL);
    exp[MSA_LOG_HEADER_BYTES + 2 * MSA_LOG_RECORD_BYTES + 24] ^= 1; /* record 3's value */
    assert_int_equal(medsec_devlog_verify(exp, len, "x.log", key, NULL, &rep, &err),
                     MEDSEC_EVERIFY);
    assert_string_equal(err.file, "x.log");
    assert_non_null(strstr(err.msg, "record 3 of 5"));
    free(exp);
    dt_close(&d);
    dt_rmdir(d.dir);
    dt_rmdir(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_files),
        cmocka_unit_test(test_verify),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
