/* test_json.c: the JSON parser and writer: well-formed, malformed, positions, caps, allocation
 * failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "failalloc.h"
#include "medsec/json.h"

static struct medsec_json_doc *parse_ok(const char *text)
{
    struct medsec_json_doc *doc = NULL;
    struct medsec_error err;
    medsec_error_clear(&err);
    medsec_err rc = medsec_json_parse(text, strlen(text), NULL, "t.json", &doc, &err);
    if (rc)
        print_error("unexpected parse error: %s\n", err.msg);
    assert_int_equal(rc, MEDSEC_OK);
    return doc;
}

static void test_values(void **state)
{
    (void)state;
    struct medsec_json_doc *doc = parse_ok(
        " {\"a\": [1, -2.5e3, true, false, null], \"b\": \"x\\n\\u00e9\\ud83d\\ude00\", \"c\": {}}");
    const struct medsec_json *a = medsec_json_get(doc->root, "a");
    assert_non_null(a);
    assert_int_equal(a->type, MEDSEC_JSON_ARRAY);
    assert_int_equal(a->len, 5);
    double d;
    assert_true(medsec_json_number(medsec_json_at(a, 1), &d));
    assert_true(d == -2500.0);
    assert_int_equal(medsec_json_at(a, 2)->type, MEDSEC_JSON_TRUE);
    assert_int_equal(medsec_json_at(a, 4)->type, MEDSEC_JSON_NULL);
    assert_null(medsec_json_at(a, 5));
    assert_string_equal(medsec_json_get_str(doc->root, "b"), "x\n\xc3\xa9\xf0\x9f\x98\x80");
    assert_int_equal(medsec_json_get(doc->root, "c")->len, 0);
    assert_null(medsec_json_get(doc->root, "zz"));
    medsec_json_doc_free(doc);
}

static void expect_error(const char *text, unsigned line, unsigned col, const char *msg)
{
    struct medsec_json_doc *doc = NULL;
    struct medsec_error err;
    medsec_error_clear(&err);
    medsec_err rc = medsec_json_parse(text, strlen(text), NULL, "bad.json", &doc, &err);
    assert_int_equal(rc, MEDSEC_EPARSE);
    assert_null(doc);
    assert_string_equal(err.file, "bad.json");
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, col);
    assert_string_equal(err.msg, msg);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("{\"a\": 1,\n \"b\" 2}", 2, 6, "expected ':' after object key");
    expect_error("[1, 2", 1, 6, "unexpected end of input in array");
    expect_error("[01]", 1, 3, "expected ',' or ']' in array");
    expect_error("\"abc", 1, 1, "unterminated string");
    expect_error("{\"a\":tru}", 1, 6, "unexpected character (expected a value)");
    expect_error("[1] 2", 1, 5, "unexpected data after the JSON value");
    expect_error("\"\\x\"", 1, 2, "invalid escape in string");
    expect_error("[1.]", 1, 2, "invalid number (digit expected after '.')");
    expect_error("\"a\tb\"", 1, 3, "control character in string (must be escaped)");
    expect_error("", 1, 1, "unexpected end of input (expected a value)");
    expect_error("{,}", 1, 2, "expected a string key in object");
}

/* RFC 8259 leaves an object with a key twice undefined (parsers keep the first, the last or both):
 * medsec refuses it, at the second occurrence, in every object. */
static void test_duplicate_keys(void **state)
{
    (void)state;
    expect_error("{\"a\": 1,\n \"a\": 2}", 2, 2,
                 "duplicate key \"a\" in object (first at line 1, column 2)");
    expect_error("{\"components\": [],\n  \"x\": {\"components\": 1},\n  \"components\": [{}]}", 3,
                 3, "duplicate key \"components\" in object (first at line 1, column 2)");
    /* keys are compared decoded */
    expect_error("{\"ab\": 1, \"\\u0061b\": 2}", 1, 11,
                 "duplicate key \"ab\" in object (first at line 1, column 2)");
    expect_error("[{}, {\"k\": {\"a\": 1}, \"k\": 2}]", 1, 22,
                 "duplicate key \"k\" in object (first at line 1, column 7)");
    /* the same key in different objects, keys that are prefixes of others, empty keys */
    struct medsec_json_doc *doc =
        parse_ok("{\"a\": {\"a\": 1}, \"ab\": [{\"a\": 2}], \"\": 3, \"b\": {\"\": 4}}");
    assert_int_equal(doc->root->len, 4);
    medsec_json_doc_free(doc);
    /* a large object: 300 keys, then the 117th again */
    struct medsec_buf b = MEDSEC_BUF_INIT;
    assert_int_equal(medsec_buf_addc(&b, '{'), MEDSEC_OK);
    for (int i = 0; i < 300; i++)
        assert_int_equal(medsec_buf_addf(&b, "\"key%d\": %d,\n", i, i), MEDSEC_OK);
    assert_int_equal(medsec_buf_adds(&b, "\"last\": 0}"), MEDSEC_OK);
    doc = parse_ok(b.data);
    assert_int_equal(doc->root->len, 301);
    assert_int_equal(medsec_json_get(doc->root, "key299")->u.str[0], '2');
    medsec_json_doc_free(doc);
    b.len -= 1;
    assert_int_equal(medsec_buf_adds(&b, ",\n\"key116\": 1}"), MEDSEC_OK);
    expect_error(b.data, 302, 1,
                 "duplicate key \"key116\" in object (first at line 117, column 1)");
    medsec_buf_release(&b);
}

/* Keys are compared as they are written back: the writer turns bytes that are not UTF-8 into
 * U+FFFD, so "x\xff" and "x\xef" would become one key twice (found by fuzz_json). A key must be
 * UTF-8; a value may hold other bytes (written back as U+FFFD). */
static void test_key_utf8(void **state)
{
    (void)state;
    expect_error("{\"a\xff\": 1}", 1, 4, "object key is not UTF-8 (byte 0xff)");
    expect_error("{\"ok\": 1,\n \"x\xc3\": 2, \"x\xef\": 3}", 2, 4,
                 "object key is not UTF-8 (byte 0xc3)");
    struct medsec_json_doc *doc = parse_ok("{\"caf\xc3\xa9\": \"\xff\"}");
    assert_string_equal(medsec_json_get_str(doc->root, "caf\xc3\xa9"), "\xff");
    medsec_json_doc_free(doc);
}

/* A \u0000 escape would cut every C string made from the value short: refused in keys and values.
 */
static void test_nul_escape(void **state)
{
    (void)state;
    expect_error("[\"a\\u0000b\"]", 1, 4, "\\u0000 (a NUL character) in a string; not accepted");
    expect_error("{\"name\": \"ok\",\n \"id\\u0000\": 1}", 2, 5,
                 "\\u0000 (a NUL character) in a string; not accepted");
    /* other control characters, escaped, stay */
    struct medsec_json_doc *doc = parse_ok("[\"\\u0001\\u001f\"]");
    assert_int_equal(medsec_json_at(doc->root, 0)->len, 2);
    medsec_json_doc_free(doc);
}

static void test_caps(void **state)
{
    (void)state;
    char deep[300];
    memset(deep, '[', sizeof deep - 1);
    deep[sizeof deep - 1] = '\0';
    struct medsec_json_doc *doc = NULL;
    struct medsec_error err;
    assert_int_equal(medsec_json_parse(deep, strlen(deep), NULL, "d", &doc, &err), MEDSEC_ETOOBIG);
    assert_string_equal(err.msg, "nesting too deep");
    struct medsec_json_limits lim = {.max_bytes = 4};
    assert_int_equal(medsec_json_parse("[1,2]", 5, &lim, "d", &doc, &err), MEDSEC_ETOOBIG);
    struct medsec_json_limits lim2 = {.max_nodes = 2};
    assert_int_equal(medsec_json_parse("[1,2]", 5, &lim2, "d", &doc, &err), MEDSEC_ETOOBIG);
    assert_null(doc);
}

static void test_position(void **state)
{
    (void)state;
    const char *text = "{\n  \"k\": [\n    \"v\"\n  ]\n}";
    struct medsec_json_doc *doc = parse_ok(text);
    const struct medsec_json *v = medsec_json_at(medsec_json_get(doc->root, "k"), 0);
    unsigned line, col;
    medsec_json_position(doc, v, &line, &col);
    assert_int_equal(line, 3);
    assert_int_equal(col, 5);
    medsec_json_doc_free(doc);
}

static void test_alloc_failure(void **state)
{
    (void)state;
    /* "e" is large enough for the duplicate check's hash table */
    const char *text =
        "{\"a\": [1, 2, {\"b\": \"c\\u00e9\"}], \"d\": [[], {}], \"e\": {\"k0\": 0, "
        "\"k1\": 1, \"k2\": 2, \"k3\": 3, \"k4\": 4, \"k5\": 5, \"k6\": 6, \"k7\": 7, "
        "\"k8\": 8, \"k9\": 9, \"k10\": 10, \"k11\": 11, \"k12\": 12, \"k13\": 13}}";
    /* fail every allocation in turn: each must give ENOMEM with nothing leaked */
    for (long n = 0;; n++) {
        failalloc_arm(n);
        struct medsec_json_doc *doc = NULL;
        struct medsec_error err;
        medsec_err rc = medsec_json_parse(text, strlen(text), NULL, "f", &doc, &err);
        failalloc_disarm();
        if (rc == MEDSEC_OK) {
            medsec_json_doc_free(doc);
            assert_true(n > 0);
            break;
        }
        assert_int_equal(rc, MEDSEC_ENOMEM);
        assert_null(doc);
    }
}

static void test_writer(void **state)
{
    (void)state;
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &b, 1);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_string(&w, "name", "a\"b\x01\xff");
    medsec_jsonw_key(&w, "list");
    medsec_jsonw_array_begin(&w);
    medsec_jsonw_int(&w, -3);
    medsec_jsonw_fixed(&w, 9.75, 1);
    medsec_jsonw_double(&w, 0.1);
    medsec_jsonw_array_end(&w);
    medsec_jsonw_key(&w, "empty");
    medsec_jsonw_array_begin(&w);
    medsec_jsonw_array_end(&w);
    medsec_jsonw_object_end(&w);
    assert_int_equal(medsec_jsonw_finish(&w), MEDSEC_OK);
    assert_string_equal(b.data,
                        "{\n  \"name\": \"a\\\"b\\u0001\xef\xbf\xbd\",\n  \"list\": [\n    -3,\n"
                        "    9.8,\n    0.1\n  ],\n  \"empty\": []\n}\n");
    /* round trip through the parser */
    struct medsec_json_doc *doc = parse_ok(b.data);
    assert_int_equal(medsec_json_get(doc->root, "list")->len, 3);
    medsec_json_doc_free(doc);
    medsec_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),         cmocka_unit_test(test_errors),
        cmocka_unit_test(test_caps),           cmocka_unit_test(test_position),
        cmocka_unit_test(test_alloc_failure),  cmocka_unit_test(test_writer),
        cmocka_unit_test(test_duplicate_keys), cmocka_unit_test(test_nul_escape),
        cmocka_unit_test(test_key_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
