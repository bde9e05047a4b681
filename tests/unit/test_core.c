/* test_core.c: buffers, diagnostics, files and errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/diag.h"
#include "medsec/file.h"

static void test_buf_cap(void **state)
{
    (void)state;
    struct medsec_buf b;
    medsec_buf_init(&b, 8);
    assert_int_equal(medsec_buf_adds(&b, "12345"), MEDSEC_OK);
    assert_int_equal(medsec_buf_addf(&b, "%d", 678), MEDSEC_OK);
    assert_string_equal(b.data, "12345678");
    assert_int_equal(medsec_buf_addc(&b, '9'), MEDSEC_ETOOBIG);
    assert_string_equal(b.data, "12345678");
    size_t len;
    char *s = medsec_buf_detach(&b, &len);
    assert_int_equal(len, 8);
    assert_null(b.data);
    medsec_free(s);
    medsec_buf_release(&b);
}

static void test_diags_sorted(void **state)
{
    (void)state;
    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    medsec_diags_add(&d, MEDSEC_SEV_ERROR, "b.yaml", 1, 1, NULL, "third");
    medsec_diags_add(&d, MEDSEC_SEV_WARNING, "a.yaml", 9, 2, "x.y", "second");
    medsec_diags_add(&d, MEDSEC_SEV_ERROR, "a.yaml", 3, 7, NULL, "first %d", 1);
    medsec_diags_sort(&d);
    assert_string_equal(d.v[0].msg, "first 1");
    assert_string_equal(d.v[1].msg, "second");
    assert_string_equal(d.v[1].path, "x.y");
    assert_string_equal(d.v[2].msg, "third");
    assert_int_equal(d.errors, 2);
    assert_int_equal(d.warnings, 1);
    medsec_diags_release(&d);
}

static void test_file_roundtrip(void **state)
{
    (void)state;
    char dir[] = "/tmp/medsec-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = medsec_path_join(dir, "out.txt");
    struct medsec_error err;
    assert_int_equal(medsec_file_write_atomic(path, "hello\n", 6, &err), MEDSEC_OK);
    char *data;
    size_t len;
    assert_int_equal(medsec_file_read(path, 100, &data, &len, &err), MEDSEC_OK);
    assert_int_equal(len, 6);
    assert_string_equal(data, "hello\n");
    medsec_free(data);
    assert_int_equal(medsec_file_read(path, 3, &data, &len, &err), MEDSEC_ETOOBIG);
    assert_string_equal(err.file, path);
    char *missing = medsec_path_join(dir, "nope");
    assert_int_equal(medsec_file_read(missing, 3, &data, &len, &err), MEDSEC_ENOTFOUND);
    unlink(path);
    rmdir(dir);
    medsec_free(path);
    medsec_free(missing);
}

static void test_strerror(void **state)
{
    (void)state;
    assert_string_equal(medsec_strerror(MEDSEC_OK), "success");
    assert_string_equal(medsec_strerror(MEDSEC_ETOOBIG), "input exceeds a limit");
    assert_string_equal(medsec_strerror((medsec_err)999), "unknown error");
    char *p = medsec_path_join("dir/", "f");
    assert_string_equal(p, "dir/f");
    medsec_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_cap),
        cmocka_unit_test(test_diags_sorted),
        cmocka_unit_test(test_file_roundtrip),
        cmocka_unit_test(test_strerror),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
