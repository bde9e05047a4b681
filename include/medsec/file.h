/* medsec/file.h: capped whole-file reads and atomic (temporary file + rename) writes. */
#ifndef MEDSEC_FILE_H
#define MEDSEC_FILE_H

#include <stddef.h>

#include "medsec/error.h"

/*
 * Read all of @path into a new NUL-terminated buffer (*out, caller frees with medsec_free).
 * A file larger than @max bytes fails with MEDSEC_ETOOBIG; @err names the file.
 */
medsec_err medsec_file_read(const char *path, size_t max, char **out, size_t *len,
                            struct medsec_error *err) __attribute__((warn_unused_result));

/* Write @len bytes to @path through a temporary file in the same folder, then rename: a reader
 * sees the old file or the whole new one, never half of it. */
medsec_err medsec_file_write_atomic(const char *path, const void *data, size_t len,
                                    struct medsec_error *err) __attribute__((warn_unused_result));

/* Join a folder and a relative path into a new string (caller frees); absolute @rel is copied. */
char *medsec_path_join(const char *dir, const char *rel);

#endif
