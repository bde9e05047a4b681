/* archive.c: the members of OSV zips and of tarballs (.tar.gz, .tgz: ustar, GNU long names,
 * base-256 sizes and old sparse maps, pax path and size), and gzip-compressed files (an NVD feed
 * streamed, anything else inflated whole), each handed on as text by its name. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <zip.h>

#include "reader.h"
#include "medsec/alloc.h"

/* Room for @n bytes and a NUL in the member buffer *@buf. */
static medsec_err member_room(struct adv_reader *r, char **buf, size_t *cap, size_t n,
                              const char *path)
{
    if (medsec_array_reserve(buf, cap, n + 1, 1))
        return medsec_error_set(r->err, MEDSEC_ENOMEM, path, 0, 0, "out of memory");
    return MEDSEC_OK;
}

medsec_err adv_read_zip(struct adv_reader *r, const char *path)
{
    int zerr = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
    if (!z) {
        adv_warn(r, path, 0, 0, "not a readable zip archive (libzip error %d); skipped", zerr);
        r->stats->malformed++;
        return MEDSEC_OK;
    }
    medsec_err rc = MEDSEC_OK;
    zip_int64_t n = zip_get_num_entries(z, 0);
    char *buf = NULL;
    size_t cap = 0;
    struct medsec_buf origin = MEDSEC_BUF_INIT;
    r->progress_total = n > 0 ? (uint64_t)n : 0;
    for (zip_int64_t i = 0; !rc && i < n; i++) {
        zip_stat_t st;
        if (zip_stat_index(z, (zip_uint64_t)i, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) ||
            !st.name)
            continue;
        medsec_buf_reset(&origin);
        if (medsec_buf_addf(&origin, "%s:%s", path, st.name)) {
            rc = medsec_error_set(r->err, MEDSEC_ENOMEM, path, 0, 0, "out of memory");
            break;
        }
        if (!adv_ends_with(st.name, ".json")) {
            r->stats->ignored++;
            continue;
        }
        if (st.size > ADV_MAX_RECORD) {
            adv_warn(r, origin.data, 0, 0, "member larger than %zu bytes; skipped", ADV_MAX_RECORD);
            r->stats->malformed++;
            continue;
        }
        if ((rc = member_room(r, &buf, &cap, (size_t)st.size, path)))
            break;
        zip_file_t *zf = zip_fopen_index(z, (zip_uint64_t)i, 0);
        zip_int64_t got = zf ? zip_fread(zf, buf, st.size) : -1;
        if (zf)
            zip_fclose(zf);
        if (got < 0 || (zip_uint64_t)got != st.size) {
            adv_warn(r, origin.data, 0, 0, "cannot read zip member; skipped");
            r->stats->malformed++;
            continue;
        }
        buf[got] = '\0';
        rc = adv_read_json(r, origin.data, buf, (size_t)got);
        adv_progress(r, (uint64_t)i + 1);
    }
    medsec_buf_release(&origin);
    medsec_free(buf);
    zip_discard(z);
    return rc;
}

/* ---- tar ---------------------------------------------------------------------------------------
 * A member's size says where the next header is: read wrong, payload bytes become headers and a
 * member hidden in another member's data is imported. So the size field is read as POSIX and GNU
 * write it, a pax `size` record wins over it, every header's checksum is checked, and the archive
 * stops at the first header that cannot be read that way. */

#define TAR_MAX_PAX ((size_t)1 << 20) /* one pax extended header */

/* A number field of a tar header (@n bytes at @p): POSIX octal digits (after optional spaces, then
 * spaces or NULs to the end of the field; digits may fill it), or GNU base-256 for values too large
 * for that (the first byte's top bit set, then the value big-endian). False when it is neither,
 * negative, or 2^63 or more. */
static bool tar_number(const unsigned char *p, size_t n, unsigned long long *out)
{
    unsigned long long v = 0;
    size_t i = 0;
    if (p[0] & 0x80) {
        if (p[0] & 0x40) /* negative */
            return false;
        v = p[0] & 0x3F;
        for (i = 1; i < n; i++) {
            if (v >> 55)
                return false;
            v = v << 8 | p[i];
        }
        *out = v;
        return true;
    }
    while (i < n && p[i] == ' ')
        i++;
    size_t first = i;
    for (; i < n && p[i] >= '0' && p[i] <= '7'; i++) {
        if (v >> 60)
            return false;
        v = v * 8 + (unsigned)(p[i] - '0');
    }
    if (i == first)
        return false;
    for (; i < n; i++)
        if (p[i] != ' ' && p[i] != '\0')
            return false;
    *out = v;
    return true;
}

/* POSIX: the sum of the header's bytes with the checksum field taken as spaces (old tars summed
 * them as signed chars; both are accepted). */
static bool tar_checksum_ok(const unsigned char *h)
{
    unsigned long long want;
    if (!tar_number(h + 148, 8, &want))
        return false;
    unsigned long long sum = 0;
    long long ssum = 0;
    for (size_t i = 0; i < 512; i++) {
        unsigned char c = i >= 148 && i < 156 ? ' ' : h[i];
        sum += c;
        ssum += (signed char)c;
    }
    return want == sum || (long long)want == ssum;
}

/* The records ("LEN key=value\n") of a pax extended header of @len bytes: `path` into @path (a
 * label only) and `size` into *@size (*@has_size set). False when a record is malformed. */
static bool pax_records(const char *p, size_t len, char *path, size_t pathcap, bool *has_size,
                        unsigned long long *size)
{
    for (size_t off = 0; off < len;) {
        size_t rl = 0, i = off;
        for (; i < len && p[i] >= '0' && p[i] <= '9' && rl <= len; i++)
            rl = rl * 10 + (size_t)(p[i] - '0');
        if (i == off || i >= len || p[i] != ' ' || rl > len - off || rl < i - off + 3 ||
            p[off + rl - 1] != '\n')
            return false;
        const char *kv = p + i + 1, *end = p + off + rl - 1;
        const char *eq = memchr(kv, '=', (size_t)(end - kv));
        if (!eq)
            return false;
        size_t klen = (size_t)(eq - kv), vlen = (size_t)(end - eq - 1);
        if (klen == 4 && memcmp(kv, "path", 4) == 0) {
            snprintf(path, pathcap, "%.*s", (int)(vlen < pathcap ? vlen : pathcap - 1), eq + 1);
        } else if (klen == 4 && memcmp(kv, "size", 4) == 0) {
            unsigned long long v = 0;
            if (!vlen)
                return false;
            for (size_t k = 0; k < vlen; k++) {
                if (eq[1 + k] < '0' || eq[1 + k] > '9' || v >> 59)
                    return false;
                v = v * 10 + (unsigned)(eq[1 + k] - '0');
            }
            *size = v;
            *has_size = true;
        }
        off += rl;
    }
    return true;
}

medsec_err adv_read_tar_gz(struct adv_reader *r, const char *path)
{
    struct adv_gz g;
    struct medsec_error e;
    medsec_err rc = adv_gz_open(&g, r, path);
    if (rc)
        return rc;
    unsigned char hdr[512];
    char longname[4096] = "";
    bool pax_has_size = false; /* a pax header gave the next member's size */
    unsigned long long pax_size = 0, at = 0;
    char *buf = NULL;
    size_t cap = 0;
    struct medsec_buf origin = MEDSEC_BUF_INIT;
    for (;; at += 512) {
        size_t got;
        rc = adv_gz_read_full(&g, (char *)hdr, sizeof hdr, &got, path, &e);
        if (rc || got < sizeof hdr)
            break;
        bool zero = true;
        for (size_t i = 0; i < sizeof hdr && zero; i++)
            zero = hdr[i] == 0;
        if (zero)
            break;
        /* a long name and a pax size belong to the next member that is not itself one of the
         * headers that carry them */
        char type = (char)hdr[156];
        bool meta = type == 'x' || type == 'g' || type == 'L' || type == 'K';
        char name[4096];
        if (longname[0] && !meta) {
            snprintf(name, sizeof name, "%s", longname);
            longname[0] = '\0';
        } else if (memcmp(hdr + 257, "ustar", 5) == 0 && hdr[345]) {
            snprintf(name, sizeof name, "%.155s/%.100s", (const char *)hdr + 345,
                     (const char *)hdr);
        } else {
            snprintf(name, sizeof name, "%.100s", (const char *)hdr);
        }
        unsigned long long size;
        if (!tar_checksum_ok(hdr)) {
            rc = medsec_error_set(&e, MEDSEC_EPARSE, path, 0, 0,
                                  "the tar header at byte %llu has a wrong checksum", at);
            break;
        }
        if (pax_has_size && !meta) {
            size = pax_size;
            pax_has_size = false;
        } else if (!tar_number(hdr + 124, 12, &size)) {
            rc = medsec_error_set(&e, MEDSEC_EPARSE, path, 0, 0,
                                  "member %s: the size field is not a number", name);
            break;
        }
        unsigned long long padded = (size + 511) / 512 * 512;
        if (type == 'S' && hdr[482]) {
            /* an old GNU sparse file: more maps follow in blocks of their own, each saying whether
             * another comes, before the data */
            unsigned char ext[512];
            do {
                rc = adv_gz_read_full(&g, (char *)ext, sizeof ext, &got, path, &e);
                at += 512;
            } while (!rc && got == sizeof ext && ext[504]);
            if (rc || got < sizeof ext) {
                if (!rc)
                    rc = medsec_error_set(&e, MEDSEC_EPARSE, path, 0, 0, "truncated tar archive");
                break;
            }
        }
        if (type == 'x' && size > TAR_MAX_PAX) {
            /* its size record could not be honoured: nothing after it can be trusted */
            rc = medsec_error_set(&e, MEDSEC_EPARSE, path, 0, 0,
                                  "member %s: pax header larger than %zu bytes", name, TAR_MAX_PAX);
            break;
        }
        if ((type == 'L' && size < sizeof longname) || type == 'x') {
            if ((rc = member_room(r, &buf, &cap, (size_t)size, path)))
                goto out_free;
            rc = adv_gz_read_full(&g, buf, (size_t)size, &got, path, &e);
            if (rc || got < size) {
                if (!rc)
                    rc = medsec_error_set(&e, MEDSEC_EPARSE, path, 0, 0, "truncated tar archive");
                break;
            }
            buf[size] = '\0';
            if (type == 'L') {
                snprintf(longname, sizeof longname, "%s", buf);
            } else if (!pax_records(buf, (size_t)size, longname, sizeof longname, &pax_has_size,
                                    &pax_size)) {
                rc = medsec_error_set(&e, MEDSEC_EPARSE, path, 0, 0,
                                      "member %s: malformed pax header", name);
                break;
            }
            rc = adv_gz_skip(&g, padded - size, path, &e);
            if (rc)
                break;
            at += padded;
            continue;
        }
        bool regular = type == '0' || type == '\0';
        bool wanted = regular && (adv_ends_with(name, ".json") || adv_ends_with(name, ".csv"));
        if (!wanted || size > ADV_MAX_RECORD) {
            if (regular && !wanted)
                r->stats->ignored++;
            if (wanted) {
                adv_warn(r, path, 0, 0, "member %s larger than %zu bytes; skipped", name,
                         ADV_MAX_RECORD);
                r->stats->malformed++;
            }
            rc = adv_gz_skip(&g, padded, path, &e);
            if (rc)
                break;
            at += padded;
            continue;
        }
        if ((rc = member_room(r, &buf, &cap, (size_t)size, path)))
            goto out_free;
        rc = adv_gz_read_full(&g, buf, (size_t)size, &got, path, &e);
        if (rc || got < size) {
            if (!rc)
                medsec_error_set(&e, MEDSEC_EPARSE, path, 0, 0, "truncated tar archive");
            rc = MEDSEC_EPARSE;
            break;
        }
        buf[size] = '\0';
        rc = adv_gz_skip(&g, padded - size, path, &e);
        if (rc)
            break;
        at += padded;
        medsec_buf_reset(&origin);
        if (medsec_buf_addf(&origin, "%s:%s", path, name)) {
            rc = medsec_error_set(r->err, MEDSEC_ENOMEM, path, 0, 0, "out of memory");
            goto out_free;
        }
        rc = adv_read_content(r, origin.data, buf, (size_t)size);
        adv_progress(r, adv_gz_pos(&g));
        if (rc)
            goto out_free;
    }
    if (rc) {
        /* a damaged archive: keep what was read, warn, go on with the next file */
        adv_warn(r, path, 0, 0, "%s; rest of the archive skipped", e.msg);
        r->stats->malformed++;
        rc = MEDSEC_OK;
    }
out_free:
    medsec_buf_release(&origin);
    medsec_free(buf);
    adv_gz_close(&g);
    return rc;
}

medsec_err adv_read_gz(struct adv_reader *r, const char *path)
{
    struct adv_gz g;
    struct medsec_error e;
    medsec_err rc = adv_gz_open(&g, r, path);
    if (rc)
        return rc;
    struct adv_text t = {0};
    struct adv_nvd_feed f = {0};
    medsec_err rd; /* reading the stream: damaged data, a text over its cap, out of memory */
    if (medsec_array_reserve(&t.data, &t.cap, 4 * ADV_PEEK, 1))
        rd = medsec_error_set(&e, MEDSEC_ENOMEM, path, 0, 0, "out of memory");
    else
        rd = adv_gz_read_full(&g, t.data, ADV_PEEK, &t.len, path, &e);
    /* the name without ".gz" says what the text is */
    char inner[4096];
    snprintf(inner, sizeof inner, "%.*s", (int)(strlen(path) - 3), path);
    bool nvd = !rd && adv_ends_with(inner, ".json") && adv_looks_nvd(t.data, t.len);
    if (nvd) {
        /* stream: hand over the complete items, keep the unfinished one, read on */
        adv_file_seen(r, path, MEDSEC_ADV_NVD);
        while (!(rc = adv_nvd_feed_push(r, &f, path, &t)) && !f.broken) {
            size_t got;
            if ((rd = adv_gz_fill(&g, &t, ADV_PEEK, ADV_MAX_RECORD, &got, path, &e)))
                break;
            adv_progress(r, adv_gz_pos(&g));
            if (got == 0)
                break;
        }
        if (!rc && !rd)
            adv_nvd_feed_end(r, &f, path);
    } else if (!rd) {
        size_t got;
        do
            rd = adv_gz_fill(&g, &t, 1, ADV_MAX_FILE, &got, path, &e);
        while (!rd && got);
        if (!rd) {
            t.data[t.len] = '\0';
            rc = adv_read_content(r, inner, t.data, t.len);
            adv_progress(r, r->progress_total);
        }
    }
    if (rc || !rd)
        goto out_free;
    if (rd == MEDSEC_ENOMEM) {
        *r->err = e;
        rc = MEDSEC_ENOMEM;
        goto out_free;
    }
    if (rd == MEDSEC_ETOOBIG && nvd)
        adv_warn(r, path, f.item_line, 0, "NVD item larger than %zu bytes; rest of feed skipped",
                 ADV_MAX_RECORD);
    else if (rd == MEDSEC_ETOOBIG)
        adv_warn(r, path, 0, 0, "uncompressed size over %zu bytes; skipped", ADV_MAX_FILE);
    else
        adv_warn(r, path, 0, 0, "%s; skipped", e.msg);
    r->stats->malformed++;
out_free:
    medsec_free(t.data);
    adv_gz_close(&g);
    return rc;
}
