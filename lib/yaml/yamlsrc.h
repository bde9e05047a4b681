/* yamlsrc.h (private): what the YAML loaders of medsec (device.yaml, threat rule catalogs, MITRE
 * rubric answers) share on top of libfyaml 0.7.12: a parse that checks the text first, the position
 * of a node, and the text of a scalar decoded by medsec where libfyaml gets it wrong. */
#ifndef MEDSEC_YAML_YAMLSRC_H
#define MEDSEC_YAML_YAMLSRC_H

#include <libfyaml.h>
#include <stdbool.h>
#include <stddef.h>

#include "medsec/arena.h"
#include "medsec/buf.h"
#include "medsec/error.h"

/* Why medsec_yaml_parse built no document. */
enum medsec_yaml_problem {
    MEDSEC_YAML_FINE = 0,
    MEDSEC_YAML_NOT_UTF8, /* `byte` at line:column is not UTF-8 */
    MEDSEC_YAML_NUL,      /* a NUL byte at line:column */
    MEDSEC_YAML_SYNTAX,   /* libfyaml's message `msg` at line:column (0 when unknown) */
    MEDSEC_YAML_EMPTY,    /* no document: only blanks and comments */
    MEDSEC_YAML_NOMEM,
    MEDSEC_YAML_MORE_DOCS,  /* a second document starts at line:column */
    MEDSEC_YAML_TAG,        /* the tag `msg` (as written) at line:column */
    MEDSEC_YAML_NUL_ESCAPE, /* the escape `msg` (\0, \x00, \u0000, \U00000000) at line:column */
};

struct medsec_yaml_failure {
    enum medsec_yaml_problem problem;
    unsigned line, column; /* 1-based */
    unsigned char byte;
    char msg[256];
};

/*
 * Parse YAML 1.2 text into a document, or NULL with @why filled. The text is checked to be UTF-8
 * without NUL bytes before libfyaml sees it: libfyaml 0.7.12 loops forever on some malformed
 * sequences (found by fuzz_model and fuzz_rules). Then the whole stream is read, not only its first
 * document, and refused, at the position of the first such thing, when it holds a syntax error
 * anywhere, a second document (after "---" or "..."), a tag ("!!str", "!foo", "!<...>": medsec
 * gives no meaning to one) or a NUL written as an escape in a double-quoted scalar. So every
 * scalar of the document is a C string with no NUL inside. Free the document with
 * fy_document_destroy.
 */
struct fy_document *medsec_yaml_parse(const char *text, size_t len,
                                      struct medsec_yaml_failure *why);

/* What went wrong, in words, into @buf (`not UTF-8 text: byte 0xe9 (save the file as UTF-8)`,
 * `YAML: did not find expected node content` ...); returns @buf. */
const char *medsec_yaml_failure_text(const struct medsec_yaml_failure *why, char *buf, size_t size);

/* The failure as an error of @name at its line and column: MEDSEC_ENOMEM or MEDSEC_EPARSE. */
medsec_err medsec_yaml_failure_error(const struct medsec_yaml_failure *why, const char *name,
                                     struct medsec_error *err);

/* Where @n starts (1-based): a scalar by its token, a collection by the first node below it that
 * has a position (an empty key, `? : x`, has none). 0, 0 when nothing has one. */
void medsec_yaml_pos(struct fy_node *n, unsigned *line, unsigned *column);

/*
 * The text of scalar @n of the document parsed from @src/@srclen, and its length in @len. Quoted
 * scalars are decoded by medsec_yaml_unquote into @arena: libfyaml 0.7.12's fy_node_get_scalar()
 * garbles some of them and leaks a buffer (its atom iterator's chunk growth; libfyaml issue 233).
 * Literal and folded block scalars are decoded by medsec_yaml_unblock when the document was parsed
 * (medsec_yaml_parse keeps them with the document's root): libfyaml 0.7.12 drops blank lines and
 * puts a NUL byte or stray bytes at the end of some of them (blank lines before the text, tabs,
 * more-indented lines; found by fuzz_triage). Plain scalars are libfyaml's (not NUL-terminated: use
 * @len). "" for a non-scalar; NULL only when the arena is out of memory.
 */
const char *medsec_yaml_text(struct fy_node *n, const char *src, size_t srclen,
                             struct medsec_arena *arena, size_t *len);

/*
 * Decode the content of a quoted scalar, the source bytes [@s, @e) between its quotes, as YAML 1.2
 * reads it (7.3.1 double-quoted, 7.3.2 single-quoted): escapes ('' in single quotes; \t, \", \x41,
 * \u00e9 ... in double quotes; an unknown escape stays as written), line folding (a line break
 * between text is one space, n empty lines are n line feeds, white space around line breaks goes,
 * white space before an escaped line break stays), CR LF as one line break. The source must be what
 * a YAML parser accepted as such a scalar. @out needs 2 * (e - s) + 1 bytes; the result is
 * NUL-terminated, its length returned.
 */
size_t medsec_yaml_unquote(const char *s, const char *e, bool double_quoted, char *out);

/*
 * The first escape in the content [@s, @e) of a double-quoted scalar that medsec_yaml_unquote
 * decodes to a NUL character (\0, \x00, \u0000, \U00000000), or NULL; *@len is its length.
 */
const char *medsec_yaml_nul_escape(const char *s, const char *e, size_t *len);

/* The header of a block scalar (8.1.1): '|' or '>', chomping and indentation indicators. */
struct medsec_yaml_block_header {
    bool folded;
    char chomp;      /* '-' strip, '+' keep, 0 clip */
    unsigned indent; /* the indentation indicator, 0 when none */
};

/*
 * Find and read the header of the block scalar whose content starts at byte @content of @text (the
 * start of the line after the header, as libfyaml marks it). Returns the offset of its '|' or '>',
 * or SIZE_MAX when the line before @content holds none.
 */
size_t medsec_yaml_block_header(const char *text, size_t content,
                                struct medsec_yaml_block_header *h);

/*
 * Decode the content of a block scalar, the source bytes [@a, @b) that libfyaml marks (@srclen is
 * the whole text's length), as YAML 1.2.2 reads it: the content indentation from the indicator
 * (@parent, the indentation of the enclosing block collection or -1, plus the indicator) or from
 * the first line of text; literal lines as written, folded lines joined by a space unless blank or
 * more-indented lines stand between them; the final line break and trailing blank lines as the
 * chomping says; CR LF as one line feed. Appends to @out. MEDSEC_EPARSE with @bad (the offset)
 * and @why (in words) for text that no YAML reader should accept there: a line indented less than
 * the content, a leading blank line with more spaces than the first line of text.
 */
medsec_err medsec_yaml_unblock(const char *text, size_t srclen, size_t a, size_t b,
                               const struct medsec_yaml_block_header *h, long parent,
                               struct medsec_buf *out, size_t *bad, const char **why);

#endif
