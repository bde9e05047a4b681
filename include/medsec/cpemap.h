/*
 * medsec/cpemap.h: maps from C/C++ package names, and from URL prefixes, to the CPE vendor:product
 * names NVD gives the same project. The scanner derives a CPE for a component that carries none
 * from them (medsec/scan.h, "cpe-derived"); docs/scan.md describes the file format:
 *
 *   # comment
 *   KIND  NAME  [PART:]VENDOR:PRODUCT...      (fields separated by tabs or spaces)
 *
 * KIND is conan, generic, yocto (a Yocto/OpenEmbedded recipe in an SPDX file), `*` (all three) or
 * url (NAME is a URL: its host and path, medsec_cpe_url_key, are a prefix the component's download,
 * website or VCS URL must start with). `-` as the only CPE: derive nothing for that name. Names are
 * compared without case. medsec's built-in map is rules/cpe-map.tsv, compiled in.
 */
#ifndef MEDSEC_CPEMAP_H
#define MEDSEC_CPEMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "medsec/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MEDSEC_CPEMAP_MAX_BYTES ((size_t)8 << 20) /* a map file */
#define MEDSEC_CPEMAP_MAX_LINE 4096               /* one line */
#define MEDSEC_CPEMAP_MAX_CPES 8                  /* CPEs of one line */

enum medsec_cpemap_kind {
    MEDSEC_CPEMAP_CONAN,
    MEDSEC_CPEMAP_GENERIC,
    MEDSEC_CPEMAP_YOCTO,
    MEDSEC_CPEMAP_URL,
};
/* "conan", "generic", "yocto", "url". */
const char *medsec_cpemap_kind_name(enum medsec_cpemap_kind k);

/* One line of a map. Strings live in the map. */
struct medsec_cpemap_entry {
    enum medsec_cpemap_kind kind;
    const char *name;        /* lowercase; for url: the URL as written */
    const char *host, *path; /* url only: medsec_cpe_url_key of the name */
    const char *const
        *cpes;        /* CPE 2.3 formatted strings with version ANY ("cpe:2.3:a:zlib:zlib:*:...") */
    size_t ncpes;     /* 0: the line says `-` (derive nothing) */
    const char *file; /* where it was written: the file name given to the parser */
    unsigned line;
};

struct medsec_cpemap;

/*
 * Parse the map @text (@len bytes, at most MEDSEC_CPEMAP_MAX_BYTES) read from @filename (used in
 * messages and entries). The first problem fails the parse with file:line:column in @err: an
 * unknown kind, a missing field, a CPE that is not VENDOR:PRODUCT (or has wildcards), a URL medsec
 * cannot compare, a name given twice for one kind. The caller frees *out with medsec_cpemap_free.
 */
medsec_err medsec_cpemap_parse(const char *text, size_t len, const char *filename,
                               struct medsec_cpemap **out, struct medsec_error *err)
    __attribute__((warn_unused_result));
/* The same, from the file @path. */
medsec_err medsec_cpemap_load(const char *path, struct medsec_cpemap **out,
                              struct medsec_error *err) __attribute__((warn_unused_result));
/* medsec's built-in map (rules/cpe-map.tsv); its entries name the file "built-in". */
medsec_err medsec_cpemap_builtin(struct medsec_cpemap **out, struct medsec_error *err)
    __attribute__((warn_unused_result));
void medsec_cpemap_free(struct medsec_cpemap *m);

size_t medsec_cpemap_count(const struct medsec_cpemap *m);
const struct medsec_cpemap_entry *medsec_cpemap_at(const struct medsec_cpemap *m, size_t i);
/* The entry for package @name of @kind (not url), or NULL. */
const struct medsec_cpemap_entry *
medsec_cpemap_find(const struct medsec_cpemap *m, enum medsec_cpemap_kind kind, const char *name);
/* The url entry whose host equals @host and whose path is the longest segment-wise prefix of
 * @path (both as medsec_cpe_url_key gives them), or NULL. */
const struct medsec_cpemap_entry *medsec_cpemap_find_url(const struct medsec_cpemap *m,
                                                         const char *host, const char *path);

/* Is the path @prefix a segment-wise prefix of @path ("" is a prefix of every path)? */
bool medsec_cpemap_path_prefix(const char *prefix, const char *path);

#ifdef __cplusplus
}
#endif

#endif
