/* medsec/dfd.h: the data-flow diagram of an element graph, as DOT text or laid out by Graphviz. */
#ifndef MEDSEC_DFD_H
#define MEDSEC_DFD_H

#include "medsec/buf.h"
#include "medsec/error.h"
#include "medsec/threat.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Write the diagram of @g as DOT to @out (appended): trust zones as dashed clusters, processes as
 * ellipses, data stores as open-ended boxes, external entities as rectangles, interfaces as small
 * port shapes joined to the element they expose (attribute `exposes`), data flows as labelled edges
 * (name, protocol, "(enc.)" when encrypted, red and dashed "(clear)" when not). Zone crossings are
 * drawn by their flows. Deterministic: zones and elements in id order, no dates, no positions.
 * @title may be NULL.
 */
medsec_err medsec_dfd_dot(const struct medsec_tm_graph *g, const char *title,
                          struct medsec_buf *out, struct medsec_error *err)
    __attribute__((warn_unused_result));

/*
 * Lay the diagram out with Graphviz's dot engine (libgvc/libcgraph) and render it in @format
 * ("svg", "png", "dot" with positions, ...) into @out (appended). EUNSUPPORTED when Graphviz has no
 * renderer for @format, EINTERNAL when layout fails.
 */
medsec_err medsec_dfd_render(const struct medsec_tm_graph *g, const char *title, const char *format,
                             struct medsec_buf *out, struct medsec_error *err)
    __attribute__((warn_unused_result));

/* Append @s to @b as a DOT double-quoted string (quotes, backslashes and newlines escaped). */
medsec_err medsec_dot_quoted(struct medsec_buf *b, const char *s)
    __attribute__((warn_unused_result));
/* Append @s to @b as text inside a Graphviz HTML-like label (&, <, >, " escaped). */
medsec_err medsec_dot_html(struct medsec_buf *b, const char *s) __attribute__((warn_unused_result));

/*
 * Lay out the DOT text @dot (@len bytes) with the dot engine and render it in @format into @out
 * (appended), as medsec_dfd_render does: object ids follow the order of the text, so the same text
 * gives the same drawing. Other diagrams built from the model (the FDA architecture views) use it.
 */
medsec_err medsec_dot_render(const char *dot, size_t len, const char *format,
                             struct medsec_buf *out, struct medsec_error *err)
    __attribute__((warn_unused_result));

#ifdef __cplusplus
}
#endif
#endif
