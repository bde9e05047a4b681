/* walk.c: medsec_adv_read_path: folders walked recursively in name order, and each file sent by its
 * name to the archive readers or read whole as text. Inside a folder, what is neither a regular
 * file nor a folder (a FIFO, a device, a socket), a dangling link, a loop of links and a link back
 * to a folder above are skipped with a warning; named at the top, they are an error. */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "reader.h"
#include "medsec/alloc.h"
#include "medsec/file.h"

#define MAX_DEPTH 64 /* folder nesting */

static medsec_err read_file(struct adv_reader *r, const char *path, uint64_t size)
{
    r->progress_path = path;
    r->progress_total = size;
    adv_progress(r, 0);
    medsec_err rc;
    if (adv_ends_with(path, ".zip")) {
        rc = adv_read_zip(r, path);
    } else if (adv_ends_with(path, ".tar.gz") || adv_ends_with(path, ".tgz")) {
        rc = adv_read_tar_gz(r, path);
    } else if (adv_ends_with(path, ".json.gz") || adv_ends_with(path, ".csv.gz")) {
        rc = adv_read_gz(r, path);
    } else if (adv_ends_with(path, ".json") || adv_ends_with(path, ".csv")) {
        char *text = NULL;
        size_t len = 0;
        rc = medsec_file_read(path, ADV_MAX_FILE, &text, &len, r->err);
        if (rc == MEDSEC_ETOOBIG) {
            adv_warn(r, path, 0, 0, "larger than %zu bytes; skipped", ADV_MAX_FILE);
            r->stats->malformed++;
            rc = MEDSEC_OK;
        } else if (!rc) {
            rc = adv_read_content(r, path, text, len);
        }
        medsec_free(text);
    } else {
        r->stats->ignored++;
        rc = MEDSEC_OK;
    }
    if (!rc)
        adv_progress(r, r->progress_total);
    r->progress_path = NULL;
    return rc;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The folders from the top of the walk down to the one being read, to see a link back up. */
struct walk_up {
    dev_t dev;
    ino_t ino;
    const struct walk_up *up;
};

/* An entry of a folder that cannot be read as a file or walked as a folder: a warning, and the
 * walk goes on (the top path itself is an error, in read_path). */
static medsec_err skip(struct adv_reader *r, const char *path, const char *why)
{
    adv_warn(r, path, 0, 0, "%s; skipped", why);
    r->stats->ignored++;
    return MEDSEC_OK;
}

static medsec_err read_path(struct adv_reader *r, const char *path, unsigned depth,
                            const struct walk_up *up)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        int e = errno;
        struct stat lst;
        bool link = lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode);
        const char *why = e == ELOOP                    ? "a loop of symbolic links"
                          : link && e == ENOENT         ? "a dangling symbolic link"
                          : e == ENOENT || e == ENOTDIR ? "no such file or folder"
                                                        : strerror(e);
        if (depth == 0)
            return medsec_error_set(r->err, e == ENOENT ? MEDSEC_ENOTFOUND : MEDSEC_EIO, path, 0, 0,
                                    "%s", why);
        return skip(r, path, why);
    }
    if (S_ISREG(st.st_mode))
        return read_file(r, path, (uint64_t)st.st_size);
    if (!S_ISDIR(st.st_mode)) {
        /* a FIFO would block the read for ever, a device has no end */
        char why[64];
        snprintf(why, sizeof why, "%s, not a regular file or folder",
                 medsec_file_kind((unsigned)st.st_mode));
        if (depth == 0)
            return medsec_error_set(r->err, MEDSEC_EIO, path, 0, 0, "%s", why);
        return skip(r, path, why);
    }
    for (const struct walk_up *u = up; u; u = u->up)
        if (u->dev == st.st_dev && u->ino == st.st_ino)
            return skip(r, path, "a link to a folder above it (a loop)");
    if (depth > MAX_DEPTH)
        return medsec_error_set(r->err, MEDSEC_ETOOBIG, path, 0, 0, "folders nested too deeply");
    DIR *d = opendir(path);
    if (!d)
        return medsec_error_set(r->err, MEDSEC_EIO, path, 0, 0, "cannot open folder");
    char **names = NULL;
    size_t n = 0, cap = 0;
    medsec_err rc = MEDSEC_OK;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        if (MEDSEC_ARRAY_GROW(names, n, cap) || !(names[n] = medsec_path_join(path, de->d_name))) {
            rc = MEDSEC_ENOMEM;
            break;
        }
        n++;
    }
    closedir(d);
    if (rc)
        medsec_error_set(r->err, rc, path, 0, 0, "out of memory");
    else if (n > 1) /* an empty folder has no array at all */
        qsort(names, n, sizeof *names, name_cmp);
    struct walk_up here = {st.st_dev, st.st_ino, up};
    for (size_t i = 0; !rc && i < n; i++)
        rc = read_path(r, names[i], depth + 1, &here);
    for (size_t i = 0; i < n; i++)
        medsec_free(names[i]);
    medsec_free(names);
    return rc;
}

medsec_err medsec_adv_read_path(const char *path, const struct medsec_adv_sink *sink,
                                struct medsec_adv_read_stats *stats, struct medsec_diags *diags,
                                struct medsec_error *err)
{
    struct adv_reader r;
    adv_reader_init(&r, sink, stats, diags, err);
    medsec_err rc = read_path(&r, path, 0, NULL);
    adv_reader_release(&r);
    return rc;
}
