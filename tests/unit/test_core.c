/* test_core.c: buffers, arrays, arenas, contexts and clocks, dates, diagnostics, files and errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "failalloc.h"
#include "medsec/alloc.h"
#include "medsec/arena.h"
#include "medsec/buf.h"
#include "medsec/csv.h"
#include "medsec/ctx.h"
#include "medsec/date.h"
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
    assert_non_null(b.data); /* never NULL: the empty text again */
    assert_string_equal(b.data, "");
    assert_int_equal(b.len, 0);
    medsec_free(s);
    medsec_buf_release(&b);
    assert_string_equal(b.data, "");
    struct medsec_buf fresh = MEDSEC_BUF_INIT;
    assert_string_equal(fresh.data, "");
    medsec_buf_reset(&fresh);
    s = medsec_buf_detach(&fresh, &len); /* an empty buffer detaches as an owned "" */
    assert_non_null(s);
    assert_string_equal(s, "");
    medsec_free(s);
}

static void test_array_reserve(void **state)
{
    (void)state;
    struct {
        long *v;
        size_t n, cap;
    } a = {NULL, 0, 0};
    failalloc_arm(-1); /* the array belongs to the test's allocator, which can fail it below */
    for (long i = 0; i < 1000; i++) {
        assert_int_equal(MEDSEC_ARRAY_GROW(a.v, a.n, a.cap), MEDSEC_OK);
        a.v[a.n++] = i;
    }
    assert_true(a.cap >= 1000 && a.cap < 2048);
    for (long i = 0; i < 1000; i++)
        assert_int_equal(a.v[i], i);
    /* a byte count that would overflow fails and leaves the array as it was */
    long *before = a.v;
    size_t cap = a.cap;
    assert_int_equal(medsec_array_reserve(&a.v, &a.cap, SIZE_MAX / 4, sizeof *a.v), MEDSEC_ENOMEM);
    assert_ptr_equal(a.v, before);
    assert_int_equal(a.cap, cap);
    /* out of memory leaves it as it was too */
    failalloc_countdown = 0;
    assert_int_equal(medsec_array_reserve(&a.v, &a.cap, a.cap + 1, sizeof *a.v), MEDSEC_ENOMEM);
    failalloc_disarm();
    assert_ptr_equal(a.v, before);
    assert_int_equal(a.v[999], 999);
    medsec_free(a.v);
}

static void test_arena_cap(void **state)
{
    (void)state;
    struct medsec_arena a = MEDSEC_ARENA_INIT;
    a.max = 1000;
    assert_non_null(medsec_arena_alloc(&a, 500));
    assert_int_equal(a.toobig, 0);
    assert_null(medsec_arena_alloc(&a, 600)); /* 512 + 608 > 1000 */
    assert_int_equal(a.toobig, 1);
    assert_null(medsec_arena_alloc(&a, SIZE_MAX)); /* no wrap-around when rounding up */
    assert_null(medsec_arena_alloc(&a, SIZE_MAX - 3));
    medsec_arena_release(&a);
    assert_int_equal(a.max, 1000);
    assert_int_equal(a.toobig, 0);
    /* the default cap holds even when the caller set none */
    struct medsec_arena d = MEDSEC_ARENA_INIT;
    assert_null(medsec_arena_alloc(&d, MEDSEC_ARENA_DEFAULT_MAX + 1));
    assert_int_equal(d.toobig, 1);
    assert_non_null(medsec_arena_alloc(&d, 64));
    medsec_arena_release(&d);
}

/* The hook learns the real old size of every block it resizes or frees, and blocks go back to the
 * allocator that made them even when another context is in force. */
static void test_ctx_alloc(void **state)
{
    (void)state;
    struct medsec_ctx *c = failalloc_ctx_arm(-1);
    size_t live0 = failalloc_live;
    const struct medsec_ctx *prev = medsec_ctx_enter(c);
    char *p = medsec_malloc(100);
    assert_non_null(p);
    size_t live1 = failalloc_live;
    assert_true(live1 - live0 >= 100);
    p = medsec_realloc(p, 5000);
    assert_non_null(p);
    assert_int_equal(failalloc_live - live1, 4900);
    medsec_ctx_leave(prev);
    assert_ptr_equal(medsec_ctx_current(), prev ? prev : medsec_ctx_current());
    char *q = medsec_malloc(10); /* the default allocator */
    assert_int_equal(failalloc_live - live1, 4900);
    medsec_free(p); /* made under @c: freed through it, with its real size */
    assert_int_equal(failalloc_live, live0);
    medsec_free(q);
    /* a failing context fails only the calls run under it */
    c = failalloc_ctx_arm(0);
    prev = medsec_ctx_enter(c);
    assert_null(medsec_strdup("x"));
    medsec_ctx_leave(prev);
    char *r = medsec_strdup("x");
    assert_non_null(r);
    medsec_free(r);
}

static void test_clock(void **state)
{
    (void)state;
    struct medsec_ctx c;
    medsec_ctx_init(&c);
    int64_t at;
    assert_int_equal(medsec_ctx_fix_clock(&c, "2026-11-28", &at), MEDSEC_OK);
    char day[11], ts[21];
    medsec_ctx_today(&c, day);
    medsec_ctx_timestamp(&c, ts);
    assert_string_equal(day, "2026-11-28");
    assert_string_equal(ts, "2026-11-28T00:00:00Z");
    assert_int_equal(medsec_ctx_fix_clock(&c, "2024-02-29T23:59:07Z", &at), MEDSEC_OK);
    medsec_ctx_timestamp(&c, ts);
    assert_string_equal(ts, "2024-02-29T23:59:07Z");
    assert_int_equal(medsec_ctx_now(&c), 1709251147);
    assert_int_equal(medsec_ctx_fix_clock(&c, "2023-02-29", &at), MEDSEC_EINVAL);
    assert_int_equal(medsec_ctx_fix_clock(&c, "2026-11-28T24:00:00Z", &at), MEDSEC_EINVAL);
    assert_int_equal(medsec_ctx_fix_clock(&c, "2026-11-28 10:00:00", &at), MEDSEC_EINVAL);
    assert_int_equal(medsec_ctx_fix_clock(&c, "", &at), MEDSEC_EINVAL);
    /* the default clock is the system's */
    medsec_ctx_init(&c);
    int64_t now = medsec_ctx_now(&c);
    assert_true(now > 1700000000);
    /* dates round-trip over four centuries */
    for (int64_t d = -25567; d < 146097; d += 97) {
        char s[11];
        long back;
        medsec_date_format(d * 86400, s);
        assert_true(medsec_date_parse(s, &back));
        assert_int_equal(back, d);
    }
    assert_false(medsec_date_parse("1899-12-31", NULL));
    assert_false(medsec_date_parse("2026-13-01", NULL));
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

/* A temporary folder for the file tests (issue 9: file types, -o targets, paths out of a folder).
 */
static char *tmpdir_make(void)
{
    char tmpl[] = "/tmp/medsec-test-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    char *dir = medsec_strdup(tmpl);
    assert_non_null(dir);
    return dir;
}

static char *in(const char *dir, const char *rel)
{
    char *p = medsec_path_join(dir, rel);
    assert_non_null(p);
    return p;
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Only regular files are read: a FIFO is refused at once (it would block forever), a folder too. */
static void test_file_read_types(void **state)
{
    (void)state;
    char *dir = tmpdir_make(), *fifo = in(dir, "fifo"), *sub = in(dir, "sub");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(mkdir(sub, 0700), 0);
    struct medsec_error err;
    char *data = NULL;
    size_t len;
    assert_int_equal(medsec_file_read(fifo, 100, &data, &len, &err), MEDSEC_EIO);
    assert_null(data);
    assert_string_equal(err.file, fifo);
    assert_non_null(strstr(err.msg, "not a regular file"));
    assert_int_equal(medsec_file_read(sub, 100, &data, &len, &err), MEDSEC_EIO);
    assert_null(data);
    unlink(fifo);
    rmdir(sub);
    rmdir(dir);
    medsec_free(fifo);
    medsec_free(sub);
    medsec_free(dir);
}

/* An atomic write replaces only a regular file, and keeps its mode; a link, a FIFO and a folder
 * stay as they are. */
static void test_file_write_targets(void **state)
{
    (void)state;
    char *dir = tmpdir_make(), *target = in(dir, "target"), *link = in(dir, "link"),
         *fifo = in(dir, "fifo"), *sub = in(dir, "sub"), *priv = in(dir, "private"),
         *fresh = in(dir, "fresh");
    put(target, "precious\n");
    assert_int_equal(symlink("target", link), 0);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(mkdir(sub, 0700), 0);
    put(priv, "old\n");
    assert_int_equal(chmod(priv, 0600), 0);
    struct medsec_error err;
    struct stat st;
    const char *const refused[] = {link, fifo, sub};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(medsec_file_write_atomic(refused[i], "new\n", 4, &err), MEDSEC_EIO);
        assert_string_equal(err.file, refused[i]);
        assert_non_null(strstr(err.msg, "not a regular file"));
    }
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(lstat(fifo, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    char *data;
    size_t len;
    assert_int_equal(medsec_file_read(target, 100, &data, &len, &err), MEDSEC_OK);
    assert_string_equal(data, "precious\n");
    medsec_free(data);
    assert_int_equal(medsec_file_write_atomic(priv, "new\n", 4, &err), MEDSEC_OK);
    assert_int_equal(stat(priv, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(medsec_file_write_atomic(fresh, "new\n", 4, &err), MEDSEC_OK);
    assert_int_equal(stat(fresh, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0644);
    /* nothing but the files made here is left in the folder: no temporary file */
    const char *const all[] = {target, link, fifo, priv, fresh};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(unlink(all[i]), 0);
    assert_int_equal(rmdir(sub), 0);
    assert_int_equal(rmdir(dir), 0);
    char *const owned[] = {target, link, fifo, sub, priv, fresh, dir};
    for (size_t i = 0; i < 7; i++)
        medsec_free(owned[i]);
}

/* A path named inside a folder resolves inside it, or is refused without being opened. */
static void test_path_resolve_in(void **state)
{
    (void)state;
    char *top = tmpdir_make(), *dev = in(top, "dev"), *sub = in(top, "dev/sub"),
         *secret = in(top, "secret.txt"), *file = in(top, "dev/sub/file.txt"),
         *out_link = in(top, "dev/out.txt"), *in_link = in(top, "dev/in.txt"),
         *fifo = in(top, "dev/fifo"), *loop = in(top, "dev/loop");
    assert_int_equal(mkdir(dev, 0700), 0);
    assert_int_equal(mkdir(sub, 0700), 0);
    put(secret, "SECRET\n");
    put(file, "inside\n");
    assert_int_equal(symlink("../secret.txt", out_link), 0);
    assert_int_equal(symlink("sub/file.txt", in_link), 0);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(symlink("loop", loop), 0);
    struct medsec_error err;
    char *real = NULL, *data = NULL;
    size_t len = 0;

    /* inside: a plain path, a link that stays in, ".." that comes back */
    const char *const ok[] = {"sub/file.txt", "in.txt", "sub/../sub/file.txt", "./sub/file.txt"};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(medsec_path_resolve_in(dev, ok[i], &real, &err), MEDSEC_OK);
        assert_non_null(strstr(real, "/dev/sub/file.txt"));
        medsec_free(real);
        assert_int_equal(medsec_file_read_in(dev, ok[i], 100, &data, &len, &err), MEDSEC_OK);
        assert_string_equal(data, "inside\n");
        medsec_free(data);
    }
    /* outside: "..", a link out, an absolute path; never read */
    const char *const out[] = {"../secret.txt", "out.txt", "sub/../../secret.txt", secret};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(medsec_path_resolve_in(dev, out[i], &real, &err), MEDSEC_EINVAL);
        assert_null(real);
        assert_null(strstr(err.msg, "SECRET"));
        assert_int_equal(medsec_file_read_in(dev, out[i], 100, &data, &len, &err), MEDSEC_EINVAL);
        assert_null(data);
    }
    assert_string_equal(err.file, secret); /* the absolute path, as named */
    assert_int_equal(medsec_path_resolve_in(dev, "out.txt", NULL, &err), MEDSEC_EINVAL);
    assert_non_null(strstr(err.file, "/dev/out.txt"));
    assert_non_null(strstr(err.msg, "outside"));
    /* missing, a loop of links, a FIFO (resolves, but is not read) */
    assert_int_equal(medsec_path_resolve_in(dev, "nope.txt", &real, &err), MEDSEC_ENOTFOUND);
    assert_int_equal(medsec_path_resolve_in(dev, "loop", &real, &err), MEDSEC_EIO);
    assert_non_null(strstr(err.msg, "loop"));
    assert_int_equal(medsec_path_resolve_in(dev, "fifo", &real, &err), MEDSEC_OK);
    medsec_free(real);
    assert_int_equal(medsec_file_read_in(dev, "fifo", 100, &data, &len, &err), MEDSEC_EIO);
    assert_non_null(strstr(err.file, "/dev/fifo"));
    assert_non_null(strstr(err.msg, "not a regular file"));

    /* every allocation failing in turn: ENOMEM, nothing leaked */
    for (int n = 0;; n++) {
        size_t live = failalloc_live;
        const struct medsec_ctx *prev = medsec_ctx_enter(failalloc_ctx_arm(n));
        medsec_err rc = medsec_file_read_in(dev, "in.txt", 100, &data, &len, &err);
        medsec_ctx_leave(prev);
        if (rc == MEDSEC_OK) {
            medsec_free(data);
            break;
        }
        assert_int_equal(rc, MEDSEC_ENOMEM);
        assert_null(data);
        assert_int_equal(failalloc_live, live);
    }

    unlink(loop);
    unlink(fifo);
    unlink(in_link);
    unlink(out_link);
    unlink(file);
    unlink(secret);
    rmdir(sub);
    rmdir(dev);
    rmdir(top);
    char *const owned[] = {top, dev, sub, secret, file, out_link, in_link, fifo, loop};
    for (size_t i = 0; i < 9; i++)
        medsec_free(owned[i]);
}

static void csv_is(const char *field, const char *want)
{
    struct medsec_buf b = MEDSEC_BUF_INIT;
    assert_int_equal(medsec_csv_field(&b, field, true), MEDSEC_OK);
    assert_string_equal(b.data, want);
    medsec_buf_release(&b);
}

/* OWASP CSV injection: a cell a spreadsheet would run as a formula starts with a quote inside a
 * quoted field; other cells are as RFC 4180 has them. */
static void test_csv_formula(void **state)
{
    (void)state;
    csv_is("plain", "plain\r\n");
    csv_is("a,b", "\"a,b\"\r\n");
    csv_is("say \"hi\"", "\"say \"\"hi\"\"\"\r\n");
    csv_is(NULL, "\r\n");
    csv_is("=1+1", "\"'=1+1\"\r\n");
    csv_is("+1", "\"'+1\"\r\n");
    csv_is("-2+3", "\"'-2+3\"\r\n");
    csv_is("@SUM(A1)", "\"'@SUM(A1)\"\r\n");
    csv_is("\tx", "\"'\tx\"\r\n");
    csv_is("\rx", "\"'\rx\"\r\n");
    csv_is("=HYPERLINK(\"u\",\"x\")", "\"'=HYPERLINK(\"\"u\"\",\"\"x\"\")\"\r\n");
    csv_is("a=b", "a=b\r\n");
    csv_is("x-y", "x-y\r\n");
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
        cmocka_unit_test(test_buf_cap),         cmocka_unit_test(test_array_reserve),
        cmocka_unit_test(test_arena_cap),       cmocka_unit_test(test_ctx_alloc),
        cmocka_unit_test(test_clock),           cmocka_unit_test(test_diags_sorted),
        cmocka_unit_test(test_file_roundtrip),  cmocka_unit_test(test_strerror),
        cmocka_unit_test(test_file_read_types), cmocka_unit_test(test_file_write_targets),
        cmocka_unit_test(test_csv_formula),     cmocka_unit_test(test_path_resolve_in),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
