/* medsec/file.h: capped whole-file reads and atomic (temporary file + rename) writes. */
#ifndef MEDSEC_FILE_H
#define MEDSEC_FILE_H

#include <stddef.h>

#include "medsec/error.h"

/*
 * Read all of @path into a new NUL-terminated buffer (*out, caller frees with medsec_free).
 * Only a regular file is read: anything else (a folder, a FIFO, a device, a socket) fails with
 * MEDSEC_EIO at once, without blocking. A file larger than @max bytes fails with MEDSEC_ETOOBIG;
 * @err names the file.
 */
medsec_err medsec_file_read(const char *path, size_t max, char **out, size_t *len,
                            struct medsec_error *err) __attribute__((warn_unused_result));

/*
 * Write @len bytes to @path through a temporary file in the same folder, then rename: a reader
 * sees the old file or the whole new one, never half of it. Only a regular file is replaced, and it
 * keeps its permission bits (a new file is 0644); anything else at @path (a symbolic link, a FIFO,
 * a device, a folder) is left alone and the call fails with MEDSEC_EIO.
 */
medsec_err medsec_file_write_atomic(const char *path, const void *data, size_t len,
                                    struct medsec_error *err) __attribute__((warn_unused_result));

/*
 * Resolve @rel, a path named inside the folder @dir (device.yaml's SBOMs, rubric answers, rule
 * catalogs, evidence), without opening anything: the real path (every symbolic link and ".."
 * resolved) must lie inside the real path of @dir. *@out (when @out is not NULL; caller frees) gets
 * it. MEDSEC_EINVAL when @rel is absolute or leads outside @dir, MEDSEC_ENOTFOUND when it does not
 * exist, MEDSEC_EIO otherwise (a loop of links); @err names DIR/REL, never the resolved path.
 */
medsec_err medsec_path_resolve_in(const char *dir, const char *rel, char **out,
                                  struct medsec_error *err) __attribute__((warn_unused_result));

/* medsec_file_read of @rel inside the folder @dir: resolved first (medsec_path_resolve_in), so a
 * path that leaves @dir is never opened; @err names DIR/REL. */
medsec_err medsec_file_read_in(const char *dir, const char *rel, size_t max, char **out,
                               size_t *len, struct medsec_error *err)
    __attribute__((warn_unused_result));

/* What a file of st_mode @mode is, for messages: "a regular file", "a folder", "a symbolic link",
 * "a FIFO", "a device", "a socket". */
const char *medsec_file_kind(unsigned mode);

/* Where @path (as the caller names it) lies inside folder @dir, both resolved (links followed): its
 * path relative to @dir (caller frees), or NULL when it is not inside, does not exist, or memory
 * ran out. */
char *medsec_path_relative_in(const char *dir, const char *path);

/* Join a folder and a relative path into a new string (caller frees); absolute @rel is copied. */
char *medsec_path_join(const char *dir, const char *rel);

#endif
