/* scalar.h (private): the text of quoted YAML scalars, decoded from the source by medsec. */
#ifndef MEDSEC_MODEL_SCALAR_H
#define MEDSEC_MODEL_SCALAR_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Decode the content of a quoted scalar, the source bytes [@s, @e) between its quotes, as YAML 1.2
 * reads it (7.3.1 double-quoted, 7.3.2 single-quoted): escapes ('' in single quotes; \t, \", \x41,
 * \u00e9 ... in double quotes; an unknown escape stays as written), line folding (a line break
 * between text is one space, n empty lines are n line feeds, white space around line breaks goes,
 * white space before an escaped line break stays), CR LF as one line break. The source must be what
 * a YAML parser accepted as such a scalar. @out needs 2 * (e - s) + 1 bytes; the result is
 * NUL-terminated, its length returned. libfyaml 0.7.12 garbles and leaks some of these (runs of
 * escapes, CR LF before the closing quote), so the loader does not ask it.
 */
size_t medsec_yaml_unquote(const char *s, const char *e, bool double_quoted, char *out);

#endif
