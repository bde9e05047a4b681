/* gzip.c: a gzip file read as a stream (several members in a row, as gzip -d reads them; bytes
 * after them that are not gzip ignored with a warning), and inflated text gathered in a buffer that
 * grows up to a cap. */
#include <string.h>
#include <sys/stat.h>

#include "reader.h"
#include "medsec/alloc.h"

medsec_err adv_gz_open(struct adv_gz *g, struct adv_reader *r, const char *path)
{
    struct medsec_error *err = r->err;
    memset(g, 0, sizeof *g);
    g->r = r;
    g->f = fopen(path, "rb");
    if (!g->f)
        return medsec_error_set(err, MEDSEC_EIO, path, 0, 0, "cannot open");
    if (inflateInit2(&g->z, 15 + 32) != Z_OK) {
        fclose(g->f);
        return medsec_error_set(err, MEDSEC_ENOMEM, path, 0, 0, "zlib init failed");
    }
    g->init = true;
    return MEDSEC_OK;
}

void adv_gz_close(struct adv_gz *g)
{
    if (g->init)
        inflateEnd(&g->z);
    if (g->f)
        fclose(g->f);
    memset(g, 0, sizeof *g);
}

/* At least @n bytes of input before zlib, unless the file ends first: what is left is moved to the
 * front of the buffer and the rest filled from the file. */
static medsec_err gz_input(struct adv_gz *g, size_t n, const char *path, struct medsec_error *err)
{
    if (g->z.avail_in >= n || g->eof)
        return MEDSEC_OK;
    if (g->z.avail_in)
        memmove(g->in, g->z.next_in, g->z.avail_in);
    g->z.next_in = g->in;
    while (g->z.avail_in < n && !g->eof) {
        size_t k = fread(g->in + g->z.avail_in, 1, sizeof g->in - g->z.avail_in, g->f);
        if (k == 0) {
            if (ferror(g->f))
                return medsec_error_set(err, MEDSEC_EIO, path, 0, 0, "read error");
            g->eof = true;
        }
        g->z.avail_in += (uInt)k;
    }
    return MEDSEC_OK;
}

/* After a member: another one (its magic bytes 1f 8b) is read on; the end of the file ends the
 * data; anything else ends it too, counted and (when a reader is set) warned about. */
static medsec_err gz_member_end(struct adv_gz *g, const char *path, struct medsec_error *err)
{
    medsec_err rc = gz_input(g, 2, path, err);
    if (rc)
        return rc;
    if (g->z.avail_in >= 2 && g->z.next_in[0] == 0x1f && g->z.next_in[1] == 0x8b) {
        if (inflateReset(&g->z) != Z_OK)
            return medsec_error_set(err, MEDSEC_EPARSE, path, 0, 0, "corrupt gzip data");
        return MEDSEC_OK;
    }
    g->done = true;
    g->trailing = g->z.avail_in;
    struct stat st;
    long at = ftell(g->f);
    if (g->trailing && at >= 0 && fstat(fileno(g->f), &st) == 0 && S_ISREG(st.st_mode) &&
        st.st_size > at)
        g->trailing += (uint64_t)(st.st_size - at);
    if (g->trailing)
        adv_warn(g->r, path, 0, 0, "%llu bytes after the gzip data are not gzip; ignored",
                 (unsigned long long)g->trailing);
    return MEDSEC_OK;
}

medsec_err adv_gz_read(struct adv_gz *g, char *out, size_t cap, size_t *got, const char *path,
                       struct medsec_error *err)
{
    *got = 0;
    if (cap > UINT32_MAX)
        cap = UINT32_MAX;
    g->z.next_out = (unsigned char *)out;
    g->z.avail_out = (uInt)cap;
    while (g->z.avail_out && !g->done) {
        medsec_err rc = gz_input(g, 1, path, err);
        if (rc)
            return rc;
        if (g->z.avail_in == 0 && g->eof) {
            return medsec_error_set(err, MEDSEC_EPARSE, path, 0, 0, "truncated gzip data");
        }
        int zr = inflate(&g->z, Z_NO_FLUSH);
        if (zr == Z_STREAM_END) {
            if ((rc = gz_member_end(g, path, err)))
                return rc;
        } else if (zr != Z_OK && zr != Z_BUF_ERROR) {
            return medsec_error_set(err, MEDSEC_EPARSE, path, 0, 0, "corrupt gzip data (%s)",
                                    g->z.msg ? g->z.msg : "inflate failed");
        }
    }
    *got = cap - g->z.avail_out;
    return MEDSEC_OK;
}

uint64_t adv_gz_pos(const struct adv_gz *g)
{
    long p = ftell(g->f);
    return p > 0 ? (uint64_t)p : 0;
}

medsec_err adv_gz_read_full(struct adv_gz *g, char *out, size_t n, size_t *got, const char *path,
                            struct medsec_error *err)
{
    *got = 0;
    while (*got < n) {
        size_t k;
        medsec_err rc = adv_gz_read(g, out + *got, n - *got, &k, path, err);
        if (rc)
            return rc;
        if (k == 0)
            break;
        *got += k;
    }
    return MEDSEC_OK;
}

medsec_err adv_gz_skip(struct adv_gz *g, unsigned long long n, const char *path,
                       struct medsec_error *err)
{
    char tmp[8192];
    while (n) {
        size_t want = n < sizeof tmp ? (size_t)n : sizeof tmp, got;
        medsec_err rc = adv_gz_read_full(g, tmp, want, &got, path, err);
        if (rc)
            return rc;
        if (got < want)
            return medsec_error_set(err, MEDSEC_EPARSE, path, 0, 0, "truncated tar archive");
        n -= got;
    }
    return MEDSEC_OK;
}

medsec_err adv_gz_fill(struct adv_gz *g, struct adv_text *t, size_t room, size_t max, size_t *got,
                       const char *path, struct medsec_error *err)
{
    *got = 0;
    if (t->cap - t->len < room + 1) {
        if (t->cap >= max)
            return MEDSEC_ETOOBIG;
        if (medsec_array_reserve(&t->data, &t->cap, t->len + room + 1, 1))
            return medsec_error_set(err, MEDSEC_ENOMEM, path, 0, 0, "out of memory");
    }
    medsec_err rc = adv_gz_read(g, t->data + t->len, t->cap - t->len - 1, got, path, err);
    t->len += *got;
    return rc;
}
