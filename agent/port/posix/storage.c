/* storage.c: the host port's device in a folder: file-backed flash slots and log, the two state
 * copies, the monotonic counter, device keys and patient data, with a write budget that simulates
 * a power cut (posix.h). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "posix.h"

const char *msa_posix_path(const struct msa_posix *dev, const char *name)
{
    static char path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dev->dir, name) >= sizeof path)
        path[0] = 0;
    return path;
}

/* Every write goes through here: 1 = go ahead, 0 = the power just went and this write is torn,
 * -1 = no power. */
static int power(struct msa_posix *dev)
{
    if (dev->lost)
        return -1;
    dev->writes++;
    if (dev->budget && dev->writes >= dev->budget) {
        dev->lost = 1;
        return 0;
    }
    return 1;
}

static int pread_all(int fd, void *buf, size_t n, off_t off)
{
    unsigned char *p = buf;
    while (n) {
        ssize_t r = pread(fd, p, n, off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        p += r;
        n -= (size_t)r;
        off += r;
    }
    return 0;
}

static int pwrite_all(int fd, const void *buf, size_t n, off_t off)
{
    const unsigned char *p = buf;
    while (n) {
        ssize_t r = pwrite(fd, p, n, off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        p += r;
        n -= (size_t)r;
        off += r;
    }
    return 0;
}

static off_t file_size(int fd)
{
    struct stat st;
    return fstat(fd, &st) ? -1 : st.st_size;
}

/* Flash program: bits only go from 1 to 0, as NOR flash does; @tear writes the first half. */
static int flash_write(struct msa_posix *dev, int fd, uint32_t off, const void *buf, size_t n)
{
    unsigned char tmp[512];
    const unsigned char *src = buf;
    int pw = power(dev);
    if (pw < 0)
        return -1;
    if (off > file_size(fd) || n > (size_t)(file_size(fd) - off))
        return -1;
    size_t todo = pw ? n : n / 2;
    for (size_t done = 0; done < todo;) {
        size_t k = todo - done < sizeof tmp ? todo - done : sizeof tmp;
        if (pread_all(fd, tmp, k, (off_t)(off + done)))
            return -1;
        for (size_t i = 0; i < k; i++)
            tmp[i] &= src[done + i];
        if (pwrite_all(fd, tmp, k, (off_t)(off + done)))
            return -1;
        done += k;
    }
    return pw ? 0 : -1;
}

static int flash_erase(struct msa_posix *dev, int fd, uint32_t off, size_t n)
{
    unsigned char ff[512];
    int pw = power(dev);
    if (pw < 0)
        return -1;
    if (off > file_size(fd) || n > (size_t)(file_size(fd) - off))
        return -1;
    memset(ff, 0xFF, sizeof ff);
    size_t todo = pw ? n : n / 2;
    for (size_t done = 0; done < todo;) {
        size_t k = todo - done < sizeof ff ? todo - done : sizeof ff;
        if (pwrite_all(fd, ff, k, (off_t)(off + done)))
            return -1;
        done += k;
    }
    return pw ? 0 : -1;
}

static uint32_t p_slot_size(void *ctx, unsigned slot)
{
    struct msa_posix *dev = ctx;
    off_t n = slot < 2 ? file_size(dev->fd_slot[slot]) : -1;
    return n < 0 || n > UINT32_MAX ? 0 : (uint32_t)n;
}

static int p_slot_read(void *ctx, unsigned slot, uint32_t off, void *buf, size_t n)
{
    struct msa_posix *dev = ctx;
    return slot < 2 ? pread_all(dev->fd_slot[slot], buf, n, off) : -1;
}

static int p_slot_write(void *ctx, unsigned slot, uint32_t off, const void *buf, size_t n)
{
    struct msa_posix *dev = ctx;
    return slot < 2 ? flash_write(dev, dev->fd_slot[slot], off, buf, n) : -1;
}

static int p_slot_erase(void *ctx, unsigned slot, uint32_t off, size_t n)
{
    struct msa_posix *dev = ctx;
    return slot < 2 ? flash_erase(dev, dev->fd_slot[slot], off, n) : -1;
}

static int p_state_read(void *ctx, unsigned copy, void *buf, size_t n)
{
    struct msa_posix *dev = ctx;
    if (copy > 1)
        return -1;
    /* a copy never written reads as zeros */
    memset(buf, 0, n);
    off_t have = file_size(dev->fd_state[copy]);
    if (have < 0)
        return -1;
    size_t k = (size_t)have < n ? (size_t)have : n;
    return k ? pread_all(dev->fd_state[copy], buf, k, 0) : 0;
}

static int p_state_write(void *ctx, unsigned copy, const void *buf, size_t n)
{
    struct msa_posix *dev = ctx;
    if (copy > 1)
        return -1;
    int pw = power(dev);
    if (pw < 0)
        return -1;
    if (pwrite_all(dev->fd_state[copy], buf, pw ? n : n / 2, 0))
        return -1;
    return pw ? 0 : -1;
}

static int p_counter_read(void *ctx, uint64_t *value)
{
    struct msa_posix *dev = ctx;
    unsigned char b[8];
    if (pread_all(dev->fd_counter, b, 8, 0))
        return -1;
    *value = 0;
    for (int i = 7; i >= 0; i--)
        *value = (*value << 8) | b[i];
    return 0;
}

static int p_counter_advance(void *ctx, uint64_t value)
{
    struct msa_posix *dev = ctx;
    uint64_t cur;
    unsigned char b[8];
    if (p_counter_read(ctx, &cur) || value < cur)
        return -1;
    int pw = power(dev);
    if (pw <= 0)
        return -1; /* a counter moves whole or not at all (fuses, a secure element) */
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(value >> (8 * i));
    return pwrite_all(dev->fd_counter, b, 8, 0);
}

static uint32_t p_log_size(void *ctx)
{
    struct msa_posix *dev = ctx;
    off_t n = file_size(dev->fd_log);
    return n < 0 || n > UINT32_MAX ? 0 : (uint32_t)n;
}

static int p_log_read(void *ctx, uint32_t off, void *buf, size_t n)
{
    struct msa_posix *dev = ctx;
    return pread_all(dev->fd_log, buf, n, off);
}

static int p_log_write(void *ctx, uint32_t off, const void *buf, size_t n)
{
    struct msa_posix *dev = ctx;
    return flash_write(dev, dev->fd_log, off, buf, n);
}

static int p_log_erase(void *ctx, uint32_t off, size_t n)
{
    struct msa_posix *dev = ctx;
    return flash_erase(dev, dev->fd_log, off, n);
}

static uint64_t p_now(void *ctx)
{
    struct msa_posix *dev = ctx;
    return dev->now ? dev->now : (uint64_t)time(NULL);
}

static const char *key_file(unsigned id)
{
    switch (id) {
    case MSA_KEY_DEVICE: return "device.key";
    case MSA_KEY_LOG: return "log.key";
    case MSA_KEY_DATA: return "data.key";
    default: return NULL;
    }
}

/* Read all @n bytes of the file @name of the folder; 0 on success. */
static int read_file(const struct msa_posix *dev, const char *name, void *buf, size_t n)
{
    int fd = open(msa_posix_path(dev, name), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = file_size(fd) == (off_t)n ? pread_all(fd, buf, n, 0) : -1;
    close(fd);
    return rc;
}

static int p_key_get(void *ctx, unsigned id, unsigned char *buf, size_t n)
{
    const char *name = key_file(id);
    return name ? read_file(ctx, name, buf, n) : -1;
}

static int p_sign(void *ctx, const void *msg, size_t n, unsigned char sig[64])
{
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    int rc = read_file(ctx, "device.key", sk, sizeof sk);
    if (!rc)
        rc = crypto_sign_detached(sig, NULL, msg, n, sk);
    sodium_memzero(sk, sizeof sk);
    return rc;
}

/* Overwrite the file @name with zeros, then remove it (a file that is not there is erased). */
static int wipe_file(struct msa_posix *dev, const char *name)
{
    const char *path = msa_posix_path(dev, name);
    int pw = power(dev);
    if (pw < 0)
        return -1;
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT && pw ? 0 : -1;
    static const unsigned char zero[512];
    off_t n = file_size(fd);
    if (!pw)
        n /= 2;
    int rc = n < 0 ? -1 : 0;
    for (off_t off = 0; !rc && off < n; off += (off_t)sizeof zero)
        rc = pwrite_all(fd, zero, n - off < (off_t)sizeof zero ? (size_t)(n - off) : sizeof zero,
                        off);
    if (!rc)
        rc = fsync(fd);
    close(fd);
    if (!rc && pw)
        rc = unlink(msa_posix_path(dev, name));
    return pw ? rc : -1;
}

static int p_key_erase(void *ctx, unsigned id)
{
    const char *name = key_file(id);
    return name ? wipe_file(ctx, name) : -1;
}

static int p_data_erase(void *ctx)
{
    return wipe_file(ctx, "data.bin");
}

/* Write a new file @name of @n bytes (@buf, or @fill bytes when NULL) with mode @mode. */
static int new_file(const char *dir, const char *name, const void *buf, size_t n, int fill,
                    mode_t mode)
{
    char path[PATH_MAX];
    unsigned char chunk[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
        return errno = ENAMETOOLONG, -1;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        return -1;
    int rc = 0;
    if (buf)
        rc = pwrite_all(fd, buf, n, 0);
    else {
        memset(chunk, fill, sizeof chunk);
        for (size_t off = 0; !rc && off < n; off += sizeof chunk)
            rc = pwrite_all(fd, chunk, n - off < sizeof chunk ? n - off : sizeof chunk, (off_t)off);
    }
    if (close(fd))
        rc = -1;
    return rc;
}

int msa_posix_create(const char *dir, unsigned slot_bytes, unsigned log_bytes, int keys)
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES], k[32];
    if (sodium_init() < 0)
        return errno = EIO, -1;
    if (mkdir(dir, 0700))
        return -1;
    int rc = new_file(dir, "slotA.bin", NULL, slot_bytes, 0xFF, 0600) ||
             new_file(dir, "slotB.bin", NULL, slot_bytes, 0xFF, 0600) ||
             new_file(dir, "state0", NULL, 0, 0, 0600) ||
             new_file(dir, "state1", NULL, 0, 0, 0600) ||
             new_file(dir, "counter", NULL, 8, 0, 0600) ||
             new_file(dir, "log.bin", NULL, log_bytes, 0xFF, 0600);
    if (!rc) {
        crypto_sign_keypair(pk, sk);
        rc = new_file(dir, "device.key", sk, sizeof sk, 0, 0600) ||
             new_file(dir, "device.pub", pk, sizeof pk, 0, 0644);
    }
    if (!rc && keys) {
        randombytes_buf(k, sizeof k);
        rc = new_file(dir, "log.key", k, sizeof k, 0, 0600);
    }
    if (!rc) {
        /* patient data, encrypted under the data key in a real device: here random bytes */
        randombytes_buf(k, sizeof k);
        rc = new_file(dir, "data.key", k, sizeof k, 0, 0600);
        randombytes_buf(k, sizeof k);
        rc = rc || new_file(dir, "data.bin", k, sizeof k, 0, 0600);
    }
    sodium_memzero(sk, sizeof sk);
    sodium_memzero(k, sizeof k);
    return rc ? -1 : 0;
}

static int open_rw(const struct msa_posix *dev, const char *name)
{
    return open(msa_posix_path(dev, name), O_RDWR | O_CLOEXEC);
}

int msa_posix_open(struct msa_posix *dev, const char *dir, struct msa_port *port)
{
    memset(dev, 0, sizeof *dev);
    dev->fd_slot[0] = dev->fd_slot[1] = dev->fd_state[0] = dev->fd_state[1] = -1;
    dev->fd_log = dev->fd_counter = -1;
    if (sodium_init() < 0)
        return errno = EIO, -1;
    if (!(dev->dir = strdup(dir)))
        return -1;
    dev->fd_slot[0] = open_rw(dev, "slotA.bin");
    dev->fd_slot[1] = open_rw(dev, "slotB.bin");
    dev->fd_state[0] = open_rw(dev, "state0");
    dev->fd_state[1] = open_rw(dev, "state1");
    dev->fd_log = open_rw(dev, "log.bin");
    dev->fd_counter = open_rw(dev, "counter");
    if (dev->fd_slot[0] < 0 || dev->fd_slot[1] < 0 || dev->fd_state[0] < 0 ||
        dev->fd_state[1] < 0 || dev->fd_log < 0 || dev->fd_counter < 0) {
        int e = errno;
        msa_posix_close(dev);
        return errno = e, -1;
    }
    memset(port, 0, sizeof *port);
    port->ctx = dev;
    port->slot_size = p_slot_size;
    port->slot_read = p_slot_read;
    port->slot_write = p_slot_write;
    port->slot_erase = p_slot_erase;
    port->state_read = p_state_read;
    port->state_write = p_state_write;
    port->counter_read = p_counter_read;
    port->counter_advance = p_counter_advance;
    port->log_size = p_log_size;
    port->log_read = p_log_read;
    port->log_write = p_log_write;
    port->log_erase = p_log_erase;
    port->now = p_now;
    port->key_get = p_key_get;
    port->sign = p_sign;
    port->key_erase = p_key_erase;
    port->data_erase = p_data_erase;
    msa_posix_crypto(port);
    return 0;
}

void msa_posix_close(struct msa_posix *dev)
{
    int *fds[] = {&dev->fd_slot[0],  &dev->fd_slot[1], &dev->fd_state[0],
                  &dev->fd_state[1], &dev->fd_log,     &dev->fd_counter};
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) {
        if (*fds[i] >= 0)
            close(*fds[i]);
        *fds[i] = -1;
    }
    free(dev->dir);
    dev->dir = NULL;
}

void msa_posix_cut_after(struct msa_posix *dev, long n)
{
    dev->budget = n ? dev->writes + n : 0;
}
