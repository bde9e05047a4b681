/* cpedict.h: the CPE dictionary reader and importer (cpedict.c) as the db module's files use them.
 */
#ifndef MEDSEC_DB_CPEDICT_H
#define MEDSEC_DB_CPEDICT_H

#include <stdbool.h>

#include "internal.h"

/* The schema that has table cpe_ref (schema.c, migration 5). */
#define DB_SCHEMA_CPE_REF 5

/* A streaming dictionary reader: fed in pieces, calling @cb per cpe-item. */
struct dict_reader;
medsec_err dict_reader_init(struct dict_reader **out, const char *origin,
                            int (*cb)(void *ud, const struct medsec_cpedict_item *it), void *ud)
    __attribute__((warn_unused_result));
medsec_err dict_reader_feed(struct dict_reader *R, const char *buf, size_t len, bool final,
                            struct medsec_error *err) __attribute__((warn_unused_result));
void dict_reader_free(struct dict_reader *R);

/* Import @path when it is a CPE dictionary (*handled: nothing else to read in it), or the
 * dictionaries in the folder @path (the advisory walk reads the rest of it). */
medsec_err db_cpedict_import_path(struct importer *im, const char *path, bool *handled)
    __attribute__((warn_unused_result));

#endif
