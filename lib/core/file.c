/* file.c: capped whole-file reads of regular files only, atomic writes that replace only a regular
 * file, path joining, and resolving a path named inside a folder without leaving it (issue 9). */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "medsec/alloc.h"
#include "medsec/file.h"

const char *medsec_file_kind(unsigned mode)
{
    if (S_ISREG(mode))
        return "a regular file";
    if (S_ISDIR(mode))
        return "a folder";
    if (S_ISLNK(mode))
        return "a symbolic link";
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "a device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a file";
}

medsec_err medsec_file_read(const char *path, size_t max, char **out, size_t *len,
                            struct medsec_error *err)
{
    *out = NULL;
    if (len)
        *len = 0;
    /* O_NONBLOCK: opening a FIFO for reading waits for a writer; the type is checked right after.
     * O_NOCTTY: a terminal named here never becomes ours. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return medsec_error_set(err, errno == ENOENT ? MEDSEC_ENOTFOUND : MEDSEC_EIO, path, 0, 0,
                                "cannot open: %s", strerror(errno));
    struct stat st;
    medsec_err rc = MEDSEC_OK;
    if (fstat(fd, &st) != 0) {
        rc = medsec_error_set(err, MEDSEC_EIO, path, 0, 0, "cannot stat: %s", strerror(errno));
        goto out_close;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = medsec_error_set(err, MEDSEC_EIO, path, 0, 0, "%s, not a regular file",
                              medsec_file_kind((unsigned)st.st_mode));
        goto out_close;
    }
    if ((size_t)st.st_size > max) {
        rc = medsec_error_set(err, MEDSEC_ETOOBIG, path, 0, 0,
                              "file is %lld bytes, larger than the limit of %zu bytes",
                              (long long)st.st_size, max);
        goto out_close;
    }
    size_t cap = (size_t)st.st_size + 1;
    size_t n = 0;
    char *buf = medsec_malloc(cap);
    if (!buf) {
        rc = medsec_error_set(err, MEDSEC_ENOMEM, path, 0, 0, "out of memory reading file");
        goto out_close;
    }
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > max + 1) {
                rc = medsec_error_set(err, MEDSEC_ETOOBIG, path, 0, 0,
                                      "file is larger than the limit of %zu bytes", max);
                goto out_free;
            }
            char *nb = medsec_realloc(buf, cap * 2);
            if (!nb) {
                rc = medsec_error_set(err, MEDSEC_ENOMEM, path, 0, 0, "out of memory reading file");
                goto out_free;
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - n - 1);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            rc = medsec_error_set(err, MEDSEC_EIO, path, 0, 0, "read failed: %s", strerror(errno));
            goto out_free;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n > max) {
            rc = medsec_error_set(err, MEDSEC_ETOOBIG, path, 0, 0,
                                  "file is larger than the limit of %zu bytes", max);
            goto out_free;
        }
    }
    buf[n] = '\0';
    *out = buf;
    if (len)
        *len = n;
    close(fd);
    return MEDSEC_OK;
out_free:
    medsec_free(buf);
out_close:
    close(fd);
    return rc;
}

medsec_err medsec_file_write_atomic(const char *path, const void *data, size_t len,
                                    struct medsec_error *err)
{
    /* The rename would put a regular file in place of whatever is at @path: a link (not written
     * through, but gone), a FIFO, a device node (as root). Only a regular file is replaced, and it
     * keeps its permission bits (setuid, setgid and sticky are not carried over); a new file is
     * 0644. */
    mode_t mode = 0644;
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (!S_ISREG(st.st_mode))
            return medsec_error_set(err, MEDSEC_EIO, path, 0, 0,
                                    "%s, not a regular file: not replaced",
                                    medsec_file_kind((unsigned)st.st_mode));
        mode = st.st_mode & 0777;
    } else if (errno != ENOENT) {
        return medsec_error_set(err, MEDSEC_EIO, path, 0, 0, "cannot stat: %s", strerror(errno));
    }
    size_t plen = strlen(path);
    char *tmp = medsec_malloc(plen + 16);
    if (!tmp)
        return medsec_error_set(err, MEDSEC_ENOMEM, path, 0, 0, "out of memory");
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp.XXXXXX", 12);
    medsec_err rc = MEDSEC_OK;
    int fd = mkstemp(tmp);
    if (fd < 0) {
        rc = medsec_error_set(err, MEDSEC_EIO, path, 0, 0, "cannot create temporary file: %s",
                              strerror(errno));
        goto out_free_tmp;
    }
    if (fchmod(fd, mode) != 0) {
        rc = medsec_error_set(err, MEDSEC_EIO, path, 0, 0, "cannot set the mode: %s",
                              strerror(errno));
        close(fd);
        goto out_unlink;
    }
    const char *p = data;
    size_t left = len;
    while (left) {
        ssize_t w = write(fd, p, left);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            rc = medsec_error_set(err, MEDSEC_EIO, path, 0, 0, "write failed: %s", strerror(errno));
            close(fd);
            goto out_unlink;
        }
        p += w;
        left -= (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        rc = medsec_error_set(err, MEDSEC_EIO, path, 0, 0, "write failed: %s", strerror(errno));
        goto out_unlink;
    }
    if (rename(tmp, path) != 0) {
        rc = medsec_error_set(err, MEDSEC_EIO, path, 0, 0, "cannot rename into place: %s",
                              strerror(errno));
        goto out_unlink;
    }
    goto out_free_tmp;
out_unlink:
    unlink(tmp);
out_free_tmp:
    medsec_free(tmp);
    return rc;
}

char *medsec_path_join(const char *dir, const char *rel)
{
    if (!dir || !*dir || rel[0] == '/')
        return medsec_strdup(rel);
    size_t dl = strlen(dir), rl = strlen(rel);
    while (dl > 1 && dir[dl - 1] == '/')
        dl--;
    char *p = medsec_malloc(dl + 1 + rl + 1);
    if (!p)
        return NULL;
    memcpy(p, dir, dl);
    p[dl] = '/';
    memcpy(p + dl + 1, rel, rl + 1);
    return p;
}

medsec_err medsec_path_resolve_in(const char *dir, const char *rel, char **out,
                                  struct medsec_error *err)
{
    if (out)
        *out = NULL;
    char *shown = medsec_path_join(dir, rel);
    if (!shown)
        return medsec_error_set(err, MEDSEC_ENOMEM, rel, 0, 0, "out of memory");
    medsec_err rc = MEDSEC_OK;
    if (rel[0] == '/') {
        rc = medsec_error_set(err, MEDSEC_EINVAL, shown, 0, 0,
                              "an absolute path, not one relative to the folder");
        goto out_free_shown;
    }
    /* realpath looks at each component (lstat, readlink) and opens nothing */
    char top[PATH_MAX], real[PATH_MAX];
    if (!realpath(dir && *dir ? dir : ".", top)) {
        rc = medsec_error_set(err, errno == ENOENT ? MEDSEC_ENOTFOUND : MEDSEC_EIO, dir, 0, 0,
                              "cannot resolve the folder: %s", strerror(errno));
        goto out_free_shown;
    }
    if (!realpath(shown, real)) {
        int e = errno;
        rc = medsec_error_set(err,
                              e == ENOENT || e == ENOTDIR ? MEDSEC_ENOTFOUND
                              : e == ENOMEM               ? MEDSEC_ENOMEM
                                                          : MEDSEC_EIO,
                              shown, 0, 0, "%s",
                              e == ELOOP ? "a loop of symbolic links" : strerror(e));
        goto out_free_shown;
    }
    size_t n = strlen(top);
    bool inside = strcmp(top, "/") == 0 ||
                  (strncmp(real, top, n) == 0 && (real[n] == '/' || real[n] == '\0'));
    if (!inside) {
        rc = medsec_error_set(err, MEDSEC_EINVAL, shown, 0, 0, "leads outside the folder");
        goto out_free_shown;
    }
    if (out && !(*out = medsec_strdup(real)))
        rc = medsec_error_set(err, MEDSEC_ENOMEM, shown, 0, 0, "out of memory");
out_free_shown:
    medsec_free(shown);
    return rc;
}

medsec_err medsec_file_read_in(const char *dir, const char *rel, size_t max, char **out,
                               size_t *len, struct medsec_error *err)
{
    *out = NULL;
    if (len)
        *len = 0;
    char *real = NULL;
    medsec_err rc = medsec_path_resolve_in(dir, rel, &real, err);
    if (rc)
        return rc;
    rc = medsec_file_read(real, max, out, len, err);
    medsec_free(real);
    if (rc && rc != MEDSEC_ENOMEM && err) {
        /* name the file as the caller did, not by its resolved path */
        char *shown = medsec_path_join(dir, rel);
        if (!shown)
            return medsec_error_set(err, MEDSEC_ENOMEM, rel, 0, 0, "out of memory");
        snprintf(err->file, sizeof err->file, "%s", shown);
        medsec_free(shown);
    }
    return rc;
}

char *medsec_path_relative_in(const char *dir, const char *path)
{
    char top[PATH_MAX], real[PATH_MAX];
    if (!realpath(dir && *dir ? dir : ".", top) || !realpath(path, real))
        return NULL;
    size_t n = strlen(top);
    if (strcmp(top, "/") == 0)
        return real[1] ? medsec_strdup(real + 1) : NULL;
    if (strncmp(real, top, n) != 0 || real[n] != '/' || !real[n + 1])
        return NULL;
    return medsec_strdup(real + n + 1);
}
