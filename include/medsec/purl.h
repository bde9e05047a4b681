/* medsec/purl.h: package URLs (purl, ECMA-427): parse, normalise per type, build, canonical form.
 */
#ifndef MEDSEC_PURL_H
#define MEDSEC_PURL_H

#include <stdbool.h>
#include <stddef.h>

#include "medsec/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Caps: longer input is rejected with MEDSEC_ETOOBIG. */
#define MEDSEC_PURL_MAX_LEN 8192
#define MEDSEC_PURL_MAX_QUALIFIERS 64

/* Parse flags. */
enum {
    /*
     * Reject input that breaks a "shall" rule even where it could be normalised: qualifier keys
     * that are not lowercase. Without it (the default, used for SBOM input) such keys are
     * lowercased.
     */
    MEDSEC_PURL_STRICT = 1u << 0,
};

struct medsec_purl_qualifier {
    char *key;   /* lowercase, [a-z0-9._-] */
    char *value; /* decoded, never empty */
};

/*
 * A purl in normalised form: all strings are decoded (no percent escapes) and owned by the struct;
 * NULL means "absent". Qualifiers are sorted by key, keys unique.
 */
struct medsec_purl {
    char *type;    /* lowercase, never NULL after a successful parse/build */
    char *ns;      /* namespace, segments joined by '/', or NULL */
    char *name;    /* never NULL after a successful parse/build */
    char *version; /* or NULL */
    struct medsec_purl_qualifier *qualifiers;
    size_t n_qualifiers;
    char *subpath; /* segments joined by '/', no empty, "." or ".." segments, or NULL */
};

/* Decoded components for medsec_purl_build; every field may be NULL. Borrowed, not freed. */
struct medsec_purl_parts {
    const char *type;
    const char *ns;
    const char *name;
    const char *version;
    const char *const *qualifier_keys;   /* n_qualifiers entries each */
    const char *const *qualifier_values; /* NULL or "" values are dropped */
    size_t n_qualifiers;
    const char *subpath;
};

/*
 * Parse @len bytes at @s (a purl string) into @out, applying the per-type rules of the purl-spec
 * type definitions (case folding, pypi '_' -> '-', required/prohibited namespace, ...). On success
 * the caller owns @out and frees it with medsec_purl_release. On failure @out is zeroed and @err
 * says why (MEDSEC_EPARSE: not a purl; MEDSEC_EINVAL: breaks a type rule; MEDSEC_ETOOBIG;
 * MEDSEC_ENOMEM).
 */
medsec_err medsec_purl_parse(const char *s, size_t len, unsigned flags, struct medsec_purl *out,
                             struct medsec_error *err) __attribute__((warn_unused_result));

/* Build a normalised purl from decoded components; same rules, ownership and errors as parse. */
medsec_err medsec_purl_build(const struct medsec_purl_parts *parts, struct medsec_purl *out,
                             struct medsec_error *err) __attribute__((warn_unused_result));

/* Free the strings of @p and zero it. NULL and zeroed structs are fine. */
void medsec_purl_release(struct medsec_purl *p);

/*
 * The canonical string of @p (which must come from parse or build): *out is NUL-terminated, owned
 * by the caller, freed with medsec_free. Only A-Z a-z 0-9 . - _ ~ : are left unencoded in
 * components.
 */
medsec_err medsec_purl_format(const struct medsec_purl *p, char **out)
    __attribute__((warn_unused_result));

/* Parse (default flags) and format in one go: *out is the canonical form of @s, freed with
 * medsec_free. */
medsec_err medsec_purl_canonicalize(const char *s, char **out, struct medsec_error *err)
    __attribute__((warn_unused_result));

/* True when @a and @b name the same package: equal type, namespace and name (both normalised). */
bool medsec_purl_same_package(const struct medsec_purl *a, const struct medsec_purl *b);

/* Value of qualifier @key (lowercase) or NULL. */
const char *medsec_purl_qualifier(const struct medsec_purl *p, const char *key);

/* True when @type has a compiled-in type definition (from the purl-spec types folder). */
bool medsec_purl_type_known(const char *type);

#ifdef __cplusplus
}
#endif
#endif
