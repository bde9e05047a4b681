/* test_yaml.c: the YAML front every loader reads through (lib/yaml): one document per text, no
 * tags, no NUL written as an escape; positions of what it refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "yamlsrc.h"

static void expect_ok(const char *text)
{
    struct medsec_yaml_failure why;
    struct fy_document *doc = medsec_yaml_parse(text, strlen(text), &why);
    if (!doc) {
        char msg[320];
        fail_msg("%s: refused at %u:%u: %s", text, why.line, why.column,
                 medsec_yaml_failure_text(&why, msg, sizeof msg));
    }
    fy_document_destroy(doc);
}

static void expect_refused(const char *text, enum medsec_yaml_problem problem, unsigned line,
                           unsigned column, const char *msg)
{
    struct medsec_yaml_failure why;
    struct fy_document *doc = medsec_yaml_parse(text, strlen(text), &why);
    if (doc) {
        fy_document_destroy(doc);
        fail_msg("%s: accepted", text);
    }
    char got[320];
    medsec_yaml_failure_text(&why, got, sizeof got);
    assert_int_equal(why.problem, problem);
    assert_int_equal(why.line, line);
    assert_int_equal(why.column, column);
    if (msg)
        assert_string_equal(got, msg);
}

#define SECOND_DOC                                                                                 \
    "YAML: a second document; a file holds one document (nothing after '---' or '...')"

/* The docs say one document; libfyaml's document builder read the first and ignored the rest,
 * syntax errors included. */
static void test_one_document(void **state)
{
    (void)state;
    expect_ok("a: 1\n");
    expect_ok("---\na: 1\n");
    expect_ok("%YAML 1.2\n---\na: 1\n...\n");
    expect_ok("a: 1\n...\n# a comment after the end\n\n");
    expect_refused("a: 1\n---\nb: 2\n", MEDSEC_YAML_MORE_DOCS, 2, 1, SECOND_DOC);
    expect_refused("---\na: 1\n---\n", MEDSEC_YAML_MORE_DOCS, 3, 1, SECOND_DOC);
    expect_refused("a: 1\n...\nb: 2\n", MEDSEC_YAML_MORE_DOCS, 3, 1, SECOND_DOC);
    expect_refused("a: 1\n...\n--- [x]\n", MEDSEC_YAML_MORE_DOCS, 3, 1, SECOND_DOC);
    /* a syntax error after the first document is one */
    expect_refused("a: 1\n...\n]]\n", MEDSEC_YAML_SYNTAX, 3, 1,
                   "YAML: flow sequence with invalid extra closing bracket");
    /* and one inside the first stays what it was */
    expect_refused("a: [1\n", MEDSEC_YAML_SYNTAX, 2, 1, NULL);
    expect_refused("# only a comment\n", MEDSEC_YAML_EMPTY, 0, 0, NULL);
}

/* Tags ask for a type or a constructor medsec does not have: refused where they stand. */
static void test_tags(void **state)
{
    (void)state;
    expect_refused("name: !!str 1.0\n", MEDSEC_YAML_TAG, 1, 7,
                   "YAML tag '!!str': tags are not read; write the value without it");
    expect_refused("a:\n  - x\n  - !foo y\n", MEDSEC_YAML_TAG, 3, 5,
                   "YAML tag '!foo': tags are not read; write the value without it");
    expect_refused("a: !<tag:yaml.org,2002:int> 3\n", MEDSEC_YAML_TAG, 1, 4, NULL);
    expect_refused("a: !!map {b: 1}\n", MEDSEC_YAML_TAG, 1, 4, NULL);
    expect_refused("a: !!seq\n  - 1\n", MEDSEC_YAML_TAG, 1, 4, NULL);
    expect_refused("! a: 1\n", MEDSEC_YAML_TAG, 1, 1, NULL);
    /* a long tag is quoted by its first 64 bytes (a tag is ASCII: non-ASCII is a syntax error) */
    expect_refused(
        "a: !abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz x\n",
        MEDSEC_YAML_TAG, 1, 4,
        "YAML tag '!abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk': tags "
        "are not read; write the value without it");
    expect_refused("a: !x\xc3\xa9 y\n", MEDSEC_YAML_SYNTAX, 1, 6, NULL);
    expect_refused("a: 1\n---\nb: !!str 2\n", MEDSEC_YAML_MORE_DOCS, 2, 1, NULL);
    /* '!' inside a scalar is text */
    expect_ok("a: hello!\nb: \"!!str\"\nc: '!x'\nd: x !y\n");
}

/* A NUL written as an escape in a double-quoted scalar would cut every C string made from it. */
static void test_nul_escape(void **state)
{
    (void)state;
    const char *msg = "'\\0' (a NUL character) in a quoted scalar; not accepted";
    expect_refused("a: \"x\\0y\"\n", MEDSEC_YAML_NUL_ESCAPE, 1, 6, msg);
    expect_refused("a:\n  - ok\n  - \"\\x00\"\n", MEDSEC_YAML_NUL_ESCAPE, 3, 6,
                   "'\\x00' (a NUL character) in a quoted scalar; not accepted");
    expect_refused("\"k\\u0000\": 1\n", MEDSEC_YAML_NUL_ESCAPE, 1, 3, NULL);
    expect_refused("a: \"long\n  line \\U00000000\"\n", MEDSEC_YAML_NUL_ESCAPE, 2, 8, NULL);
    /* not NUL: an escaped backslash before a 0, other escapes, single quotes, plain text */
    expect_ok("a: \"\\\\0\"\nb: \"\\x01\\u0030\\U00000031\"\nc: '\\0'\nd: x\\0\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_document),
        cmocka_unit_test(test_tags),
        cmocka_unit_test(test_nul_escape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
