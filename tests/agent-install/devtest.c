/* devtest.c: devtest.h. */
#define _DEFAULT_SOURCE
#include "devtest.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int dt_tmpdir(char *out, size_t cap)
{
    const char *base = getenv("TMPDIR");
    if ((size_t)snprintf(out, cap, "%s/msa-test-XXXXXX", base && *base ? base : "/tmp") >= cap)
        return -1;
    return mkdtemp(out) ? 0 : -1;
}

void dt_rmdir(const char *dir)
{
    DIR *d = opendir(dir);
    char path[512];
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < sizeof path)
                unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

int dt_create(struct dt_dev *d, const char *parent, const char *name, int keys)
{
    memset(d, 0, sizeof *d);
    if ((size_t)snprintf(d->dir, sizeof d->dir, "%s/%s", parent, name) >= sizeof d->dir)
        return -1;
    if (msa_posix_create(d->dir, DT_SLOT_BYTES, DT_LOG_BYTES, keys))
        return -1;
    if (msa_posix_open(&d->px, d->dir, &d->port))
        return -1;
    d->px.now = 1700000000;
    return msa_agent_init(&d->a, &d->port) ? -1 : 0;
}

int dt_reboot(struct dt_dev *d)
{
    msa_posix_close(&d->px);
    if (msa_posix_open(&d->px, d->dir, &d->port))
        return -1;
    d->px.now = 1700000000;
    return msa_agent_init(&d->a, &d->port) ? -1 : 0;
}

void dt_close(struct dt_dev *d)
{
    msa_posix_close(&d->px);
}

void dt_image(unsigned v, unsigned char *buf, size_t n)
{
    uint32_t x = 0x9E3779B9u * (v + 1);
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (unsigned char)(x >> 24);
    }
}
