/* internal.h: helpers the advisory importers share (JSON access, arena strings, error positions).
 */
#ifndef MEDSEC_ADVISORY_INTERNAL_H
#define MEDSEC_ADVISORY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "medsec/advisory.h"
#include "medsec/buf.h"

/* Number of elements of array @v (0 when @v is not an array). */
size_t adv_arrlen(const struct medsec_json *v);
/* Member @key of @obj when it is a string, else NULL. Same as medsec_json_get_str. */
const char *adv_str(const struct medsec_json *obj, const char *key);
/* Fill @err with the position of @v in @doc. Returns @code. */
medsec_err adv_fail(const struct medsec_json_doc *doc, const struct medsec_json *v, medsec_err code,
                    struct medsec_error *err, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Copy @b's text into the arena (NULL when @b is empty or memory ran out: check
 * arena->toobig/NULL). */
const char *adv_sb_take(struct medsec_buf *b, struct medsec_arena *a);
/* Append @s then @sep to @b when @s is non-empty; ENOMEM/ETOOBIG on failure. */
medsec_err adv_sb_item(struct medsec_buf *b, const char *s, char sep);
/* The strings of JSON array @arr, or with @key the string member @key of each of its elements,
 * joined by
 * @sep into @a (empty ones left out); *@out is NULL when there are none. @sb is scratch.
 * ENOMEM/ETOOBIG. */
medsec_err adv_join(struct medsec_buf *sb, struct medsec_arena *a, const struct medsec_json *arr,
                    const char *key, char sep, const char **out);
/* Arena array of @n zeroed elements of @size (NULL for n == 0 is fine: returns a non-NULL dummy).
 */
void *adv_alloc_array(struct medsec_arena *a, size_t n, size_t size);
/* Fill a package key from an OSV ecosystem + name, or a purl string; strings go to @a. */
medsec_err adv_purl_key(struct medsec_arena *a, const char *ecosystem, const char *name,
                        const char *purl, struct medsec_adv_affected *out);
/* A CVSS vector's type "CVSS_V2"/"CVSS_V3"/"CVSS_V4" from its prefix. */
const char *adv_cvss_type(const char *vector);

#endif
