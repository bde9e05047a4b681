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

/* The text medsec reads for the scalar at @path of @text must be @want (and hold no NUL byte). */
static void expect_text(const char *text, const char *path, const char *want)
{
    struct medsec_yaml_failure why;
    struct fy_document *doc = medsec_yaml_parse(text, strlen(text), &why);
    if (!doc) {
        char msg[320];
        fail_msg("%s: refused at %u:%u: %s", text, why.line, why.column,
                 medsec_yaml_failure_text(&why, msg, sizeof msg));
    }
    struct fy_node *n = fy_node_by_path(fy_document_root(doc), path, (size_t)-1, FYNWF_DONT_FOLLOW);
    assert_non_null(n);
    struct medsec_arena arena = MEDSEC_ARENA_INIT;
    size_t len = 0;
    const char *got = medsec_yaml_text(n, text, strlen(text), &arena, &len);
    assert_non_null(got);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(got, want, len);
    assert_null(memchr(got, '\0', len));
    medsec_arena_release(&arena);
    fy_document_destroy(doc);
}

/* Literal and folded scalars are decoded by medsec (YAML 1.2.2, 8.1): libfyaml 0.7.12 drops blank
 * lines and ends some of them with a NUL or stray bytes (found by fuzz_triage). The expected texts
 * are the specification's examples and what PyYAML reads. */
static void test_block_scalars(void **state)
{
    (void)state;
    /* what fuzz_triage found: a tab line, a blank line before a more-indented line */
    expect_text("detail: >-\n     \t  w\n     h Te  w\n\n      advisory  w\n", "/detail",
                "\t  w\nh Te  w\n\n advisory  w");
    expect_text("detail: |-\n  \n      \t\n", "/detail", "\n\t");
    expect_text("detail: >\n       \n        \t\n", "/detail", "\n\t\n");
    expect_text("detail: |\n  \n     \n     \t\n", "/detail", "\n\n\t\n");
    /* YAML 1.2.2 example 8.2: indentation from the first line of text or from the indicator */
    const char *ex82 = "- |\n detected\n- >\n \n  \n  # detected\n- |1\n  explicit\n- >\n \t\n "
                       "detected\n";
    expect_text(ex82, "/0", "detected\n");
    expect_text(ex82, "/1", "\n\n# detected\n");
    expect_text(ex82, "/2", " explicit\n");
    expect_text(ex82, "/3", "\t\ndetected\n");
    /* example 8.5: chomping with trailing comments */
    const char *ex85 = " # Strip\n  # Comments:\nstrip: |-\n  # text\n  \n # Clip\n  # comments:\n"
                       "\nclip: |\n  # text\n \n # Keep\n  # comments:\n\nkeep: |+\n  # text\n\n # "
                       "Trail\n  # comments.\n";
    expect_text(ex85, "/strip", "# text");
    expect_text(ex85, "/clip", "# text\n");
    expect_text(ex85, "/keep", "# text\n\n");
    /* examples 8.10 to 8.13: folding around blank and more-indented lines */
    expect_text("a: >\n\n folded\n line\n\n next\n line\n   * bullet\n\n   * list\n   * lines\n\n "
                "last\n line\n\n# Comment\n",
                "/a", "\nfolded line\nnext line\n  * bullet\n\n  * list\n  * lines\n\nlast line\n");
    /* nested, with the indicator counted from the enclosing collection, header comments, CR LF */
    expect_text("a:\n  b: |2\n     x\n    y\n", "/a/b", " x\ny\n");
    expect_text("l:\n- |1\n  x\n", "/l/0", " x\n");
    expect_text("\"k | #\": >-  # a '|' in the key and the comment\n  a\n  b\n", "/\"k | #\"",
                "a b");
    expect_text("a: |\r\n  x\r\n\r\n  y\r\n", "/a", "x\n\ny\n");
    expect_text("a: >+\n  x\n\n\nb: 1\n", "/a", "x\n\n\n");
    expect_text("a: |\n  x", "/a", "x");
    expect_text("a: |\n\nb: 1\n", "/a", "");
    /* text no reader should take: a blank line before the text with more spaces than it */
    expect_refused("a: |\n    \n  x\n", MEDSEC_YAML_SYNTAX, 2, 1, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_document),
        cmocka_unit_test(test_tags),
        cmocka_unit_test(test_nul_escape),
        cmocka_unit_test(test_block_scalars),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
