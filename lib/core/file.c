/* file.c: capped whole-file reads, atomic writes, path joining. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "medsec/alloc.h"
#include "medsec/file.h"

medsec_err medsec_file_read(const char *path, size_t max, char **out, size_t *len,
                            struct medsec_error *err)
{
    *out = NULL;
    if (len)
        *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return medsec_error_set(err, errno == ENOENT ? MEDSEC_ENOTFOUND : MEDSEC_EIO, path, 0, 0,
                                "cannot open: %s", strerror(errno));
    struct stat st;
    medsec_err rc = MEDSEC_OK;
    if (fstat(fd, &st) != 0) {
        rc = medsec_error_set(err, MEDSEC_EIO, path, 0, 0, "cannot stat: %s", strerror(errno));
        goto out_close;
    }
    if (S_ISDIR(st.st_mode)) {
        rc = medsec_error_set(err, MEDSEC_EIO, path, 0, 0, "is a directory, expected a file");
        goto out_close;
    }
    if (S_ISREG(st.st_mode) && (size_t)st.st_size > max) {
        rc = medsec_error_set(err, MEDSEC_ETOOBIG, path, 0, 0,
                              "file is %lld bytes, larger than the limit of %zu bytes",
                              (long long)st.st_size, max);
        goto out_close;
    }
    size_t cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536;
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
    fchmod(fd, 0644);
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
