/* reader.c: walks advisory inputs (folders, .gz, OSV zips, tarballs, plain files), recognises each
 * format by content, streams large NVD feeds item by item, and hands records to the caller's sink. */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zip.h>
#include <zlib.h>

#include "reader.h"
#include "medsec/alloc.h"
#include "medsec/file.h"

#define MAX_FILE ((size_t)256 << 20)   /* a whole JSON document */
#define MAX_RECORD ((size_t)64 << 20)  /* one NVD item, one archive member */
#define MAX_DEPTH 64                   /* folder nesting */
#define PEEK 65536

void adv_warn(struct adv_reader *r, const char *origin, unsigned line, unsigned col, const char *fmt, ...)
{
    if (!r->diags)
        return;
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    (void)medsec_diags_add(r->diags, MEDSEC_SEV_WARNING, origin, line, col, NULL, "%s", msg);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static const char *find_in(const char *text, size_t len, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= len; i++) {
        const char *p = memchr(text + i, needle[0], len - i - m + 1);
        if (!p)
            return NULL;
        if (memcmp(p, needle, m) == 0)
            return p;
        i = (size_t)(p - text);
    }
    return NULL;
}

static void progress(struct adv_reader *r, uint64_t done)
{
    if (r->sink->progress && r->progress_path)
        r->sink->progress(r->sink->ud, r->progress_path, done, r->progress_total);
}

static void file_seen(struct adv_reader *r, const char *origin, enum medsec_adv_source s)
{
    if (r->sink->file)
        r->sink->file(r->sink->ud, origin, s);
}

/* ---- records ---- */

static size_t count_review(const struct medsec_advisory *adv)
{
    size_t n = 0;
    for (size_t i = 0; i < adv->n_vulns; i++)
        for (size_t j = 0; j < adv->vulns[i].n_affected; j++)
            n += (adv->vulns[i].affected[j].flags & MEDSEC_ADV_NEEDS_REVIEW) != 0;
    return n;
}

static medsec_err deliver(struct adv_reader *r, struct medsec_advisory *adv, const char *origin, uint64_t hash)
{
    adv->origin = origin;
    adv->hash = hash;
    r->stats->records[adv->source]++;
    r->stats->needs_review += count_review(adv);
    medsec_err rc = r->sink->advisory ? r->sink->advisory(r->sink->ud, adv) : MEDSEC_OK;
    if (rc)
        return medsec_error_set(r->err, rc, origin, 0, 0, "storing %s record %s failed", medsec_adv_source_name(adv->source),
                                adv->id);
    return MEDSEC_OK;
}

/* Report a record-level failure as a warning (input problems) or return it (everything else). */
static medsec_err record_failed(struct adv_reader *r, const char *origin, unsigned line_base, medsec_err rc,
                                const struct medsec_error *e)
{
    if (rc == MEDSEC_ENOMEM || rc == MEDSEC_EINTERNAL) {
        *r->err = *e;
        r->err->code = rc;
        return rc;
    }
    unsigned line = e->line ? e->line + line_base : line_base;
    adv_warn(r, origin, line, e->line ? e->column : 0, "%s; record skipped", e->msg[0] ? e->msg : medsec_strerror(rc));
    r->stats->malformed++;
    return MEDSEC_OK;
}

/* One NVD item (1.1 CVE_Items[] or 2.0 vulnerabilities[] element) at source line @line. */
static medsec_err nvd_item(struct adv_reader *r, const char *origin, const char *text, size_t len, unsigned line)
{
    uint64_t h = medsec_adv_hash(text, len);
    if (r->sink->known && r->sink->known(r->sink->ud, h)) {
        r->stats->records[MEDSEC_ADV_NVD]++;
        r->stats->known++;
        return MEDSEC_OK;
    }
    struct medsec_json_doc *doc = NULL;
    struct medsec_error e;
    medsec_error_clear(&e);
    struct medsec_json_limits lim = {.max_bytes = MAX_RECORD};
    medsec_err rc = medsec_json_parse(text, len, &lim, origin, &doc, &e);
    if (rc == MEDSEC_OK) {
        struct medsec_advisory adv;
        rc = medsec_nvd_from_json(doc, doc->root, &r->arena, &adv, &e);
        if (rc == MEDSEC_OK)
            rc = deliver(r, &adv, origin, h);
        else
            rc = record_failed(r, origin, line - 1, rc, &e);
    } else {
        rc = record_failed(r, origin, line - 1, rc, &e);
    }
    medsec_json_doc_free(doc);
    medsec_arena_release(&r->arena);
    return rc;
}

/* ---- streaming scanner for NVD feeds: finds the elements of the top-level "CVE_Items" or
 * "vulnerabilities" array without building a tree of the whole feed ---- */

struct scanner {
    int depth;
    bool in_str, esc, key_capture, in_target, in_item;
    char key[20];
    size_t keylen;
    size_t item_start;
    unsigned line, item_line;
    size_t items;
    const char *broken; /* why the feed cannot be read further (unbalanced, nested too deeply), or NULL */
};

static bool target_key(const struct scanner *s)
{
    return (s->keylen == 9 && memcmp(s->key, "CVE_Items", 9) == 0) ||
           (s->keylen == 15 && memcmp(s->key, "vulnerabilities", 15) == 0);
}

/* Scan data[*pos..len); emit complete items. *pos is where scanning stopped (== len). A damaged feed
 * sets s->broken and stops: that is bad input, reported as a warning by the caller, not an error. */
static medsec_err scan(struct adv_reader *r, struct scanner *s, const char *origin, const char *data, size_t *pos,
                       size_t len)
{
    size_t i = *pos;
    while (i < len) {
        char c = data[i];
        if (s->in_str) {
            if (!s->key_capture && !s->esc) {
                /* fast path through string bodies */
                while (i < len && data[i] != '"' && data[i] != '\\')
                    i++;
                if (i == len)
                    break;
                c = data[i];
            }
            if (s->esc)
                s->esc = false;
            else if (c == '\\')
                s->esc = true;
            else if (c == '"')
                s->in_str = s->key_capture = false;
            else if (s->key_capture && s->keylen < sizeof s->key)
                s->key[s->keylen++] = c;
            i++;
            continue;
        }
        switch (c) {
        case '"':
            s->in_str = true;
            if (s->depth == 1) {
                s->key_capture = true;
                s->keylen = 0;
            }
            break;
        case '{':
        case '[':
            if (c == '[' && s->depth == 1 && target_key(s))
                s->in_target = true;
            if (s->in_target && s->depth == 2 && c == '{' && !s->in_item) {
                s->in_item = true;
                s->item_start = i;
                s->item_line = s->line + 1;
            }
            if (++s->depth > 512) {
                s->broken = "JSON nested too deeply";
                *pos = len;
                return MEDSEC_OK;
            }
            break;
        case '}':
        case ']':
            if (--s->depth < 0) {
                s->broken = c == '}' ? "unbalanced '}'" : "unbalanced ']'";
                *pos = len;
                return MEDSEC_OK;
            }
            if (s->in_item && s->depth == 2) {
                s->in_item = false;
                s->items++;
                medsec_err rc = nvd_item(r, origin, data + s->item_start, i + 1 - s->item_start, s->item_line);
                if (rc)
                    return rc;
            } else if (s->in_target && s->depth == 1) {
                s->in_target = false;
            }
            break;
        case '\n':
            s->line++;
            break;
        default:
            break;
        }
        i++;
    }
    *pos = i;
    return MEDSEC_OK;
}

static medsec_err scan_memory(struct adv_reader *r, const char *origin, const char *text, size_t len)
{
    struct scanner s = {0};
    size_t pos = 0;
    file_seen(r, origin, MEDSEC_ADV_NVD);
    medsec_err rc = scan(r, &s, origin, text, &pos, len);
    if (!rc && s.broken) {
        adv_warn(r, origin, s.line + 1, 0, "%s; rest of the NVD feed skipped", s.broken);
        r->stats->malformed++;
    } else if (!rc && (s.in_item || s.depth != 0)) {
        adv_warn(r, origin, s.line + 1, 0, "NVD feed ends inside a record; last record skipped");
        r->stats->malformed++;
    }
    return rc;
}

/* ---- gzip input ---- */

struct gz {
    FILE *f;
    z_stream z;
    unsigned char in[1 << 16];
    bool eof, done, init;
};

static medsec_err gz_open(struct gz *g, const char *path, struct medsec_error *err)
{
    memset(g, 0, sizeof *g);
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

static void gz_close(struct gz *g)
{
    if (g->init)
        inflateEnd(&g->z);
    if (g->f)
        fclose(g->f);
    memset(g, 0, sizeof *g);
}

/* Inflate up to @cap bytes into @out; *got == 0 at the end. EPARSE on corrupt data. */
static medsec_err gz_read(struct gz *g, char *out, size_t cap, size_t *got, const char *path,
                          struct medsec_error *err)
{
    *got = 0;
    if (cap > UINT32_MAX)
        cap = UINT32_MAX;
    g->z.next_out = (unsigned char *)out;
    g->z.avail_out = (uInt)cap;
    while (g->z.avail_out && !g->done) {
        if (g->z.avail_in == 0 && !g->eof) {
            size_t n = fread(g->in, 1, sizeof g->in, g->f);
            if (n == 0) {
                if (ferror(g->f))
                    return medsec_error_set(err, MEDSEC_EIO, path, 0, 0, "read error");
                g->eof = true;
            }
            g->z.next_in = g->in;
            g->z.avail_in = (uInt)n;
        }
        if (g->z.avail_in == 0 && g->eof) {
            return medsec_error_set(err, MEDSEC_EPARSE, path, 0, 0, "truncated gzip data");
        }
        int zr = inflate(&g->z, Z_NO_FLUSH);
        if (zr == Z_STREAM_END) {
            /* another gzip member may follow */
            if (g->z.avail_in == 0) {
                int ch = fgetc(g->f);
                if (ch == EOF) {
                    g->done = true;
                    break;
                }
                ungetc(ch, g->f);
            }
            if (inflateReset(&g->z) != Z_OK)
                return medsec_error_set(err, MEDSEC_EPARSE, path, 0, 0, "corrupt gzip data");
        } else if (zr != Z_OK && zr != Z_BUF_ERROR) {
            return medsec_error_set(err, MEDSEC_EPARSE, path, 0, 0, "corrupt gzip data (%s)",
                                    g->z.msg ? g->z.msg : "inflate failed");
        }
    }
    *got = cap - g->z.avail_out;
    return MEDSEC_OK;
}

static uint64_t gz_pos(const struct gz *g)
{
    long p = ftell(g->f);
    return p > 0 ? (uint64_t)p : 0;
}

/* Read exactly @n bytes (or fewer at the end: *got tells). */
static medsec_err gz_read_full(struct gz *g, char *out, size_t n, size_t *got, const char *path,
                               struct medsec_error *err)
{
    *got = 0;
    while (*got < n) {
        size_t k;
        medsec_err rc = gz_read(g, out + *got, n - *got, &k, path, err);
        if (rc)
            return rc;
        if (k == 0)
            break;
        *got += k;
    }
    return MEDSEC_OK;
}

/* ---- one JSON document ---- */

static medsec_err handle_json(struct adv_reader *r, const char *origin, const char *text, size_t len);

static bool looks_nvd(const char *text, size_t len)
{
    size_t n = len < PEEK ? len : PEEK;
    return find_in(text, n, "\"CVE_Items\"") || find_in(text, n, "\"NVD_CVE\"");
}

static medsec_err handle_json(struct adv_reader *r, const char *origin, const char *text, size_t len)
{
    if (looks_nvd(text, len))
        return scan_memory(r, origin, text, len);
    uint64_t h = medsec_adv_hash(text, len);
    if (r->sink->known && r->sink->known(r->sink->ud, h)) {
        enum medsec_adv_source s = find_in(text, len < PEEK ? len : PEEK, "\"csaf_version\"") ? MEDSEC_ADV_CSAF
                                                                                            : MEDSEC_ADV_OSV;
        r->stats->records[s]++;
        r->stats->known++;
        return MEDSEC_OK;
    }
    struct medsec_json_doc *doc = NULL;
    struct medsec_error e;
    medsec_error_clear(&e);
    struct medsec_json_limits lim = {.max_bytes = MAX_FILE};
    medsec_err rc = medsec_json_parse(text, len, &lim, origin, &doc, &e);
    if (rc)
        return record_failed(r, origin, 0, rc, &e);
    const struct medsec_json *root = doc->root;
    struct medsec_advisory adv;
    const struct medsec_json *vulns = medsec_json_get(root, "vulnerabilities");
    if (medsec_json_get(root, "document") && medsec_json_get(medsec_json_get(root, "document"), "csaf_version")) {
        file_seen(r, origin, MEDSEC_ADV_CSAF);
        rc = medsec_csaf_from_json(doc, root, &r->arena, &adv, &e);
        rc = rc ? record_failed(r, origin, 0, rc, &e) : deliver(r, &adv, origin, h);
    } else if (medsec_json_get(root, "catalogVersion") && medsec_json_is(vulns, MEDSEC_JSON_ARRAY)) {
        file_seen(r, origin, MEDSEC_ADV_KEV);
        for (size_t i = 0; !rc && i < vulns->len; i++) {
            const struct medsec_json *item = medsec_json_at(vulns, i);
            struct medsec_kev_entry k;
            rc = medsec_kev_from_json(item, &k, &e);
            if (rc) {
                unsigned line, col;
                medsec_json_position(doc, item, &line, &col);
                adv_warn(r, origin, line, col, "%s; entry skipped", e.msg);
                r->stats->malformed++;
                rc = MEDSEC_OK;
                continue;
            }
            r->stats->records[MEDSEC_ADV_KEV]++;
            rc = r->sink->kev ? r->sink->kev(r->sink->ud, &k, origin, adv_kev_hash(&k)) : MEDSEC_OK;
            if (rc)
                rc = medsec_error_set(r->err, rc, origin, 0, 0, "storing KEV entry %s failed", k.cve);
        }
    } else if (medsec_json_is(vulns, MEDSEC_JSON_ARRAY) && vulns->len &&
               medsec_json_get(medsec_json_at(vulns, 0), "cve")) {
        medsec_json_doc_free(doc);
        medsec_arena_release(&r->arena);
        return scan_memory(r, origin, text, len);
    } else if (adv_str(root, "id") && (medsec_json_get(root, "modified") || medsec_json_get(root, "affected"))) {
        file_seen(r, origin, MEDSEC_ADV_OSV);
        rc = medsec_osv_from_json(doc, root, &r->arena, &adv, &e);
        rc = rc ? record_failed(r, origin, 0, rc, &e) : deliver(r, &adv, origin, h);
    } else {
        r->stats->ignored++;
    }
    medsec_json_doc_free(doc);
    medsec_arena_release(&r->arena);
    return rc;
}

/* A file's contents by name: JSON, CSV; anything else is ignored. */
static medsec_err handle_content(struct adv_reader *r, const char *origin, const char *text, size_t len)
{
    if (ends_with(origin, ".json"))
        return handle_json(r, origin, text, len);
    if (ends_with(origin, ".csv") && adv_epss_detect(text, len)) {
        file_seen(r, origin, MEDSEC_ADV_EPSS);
        return adv_epss_read(r, origin, text, len);
    }
    if (ends_with(origin, ".csv") && adv_kev_csv_detect(text, len)) {
        file_seen(r, origin, MEDSEC_ADV_KEV);
        return adv_kev_csv_read(r, origin, text, len);
    }
    r->stats->ignored++;
    return MEDSEC_OK;
}

/* ---- archives ---- */

static medsec_err read_zip(struct adv_reader *r, const char *path)
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
        if (zip_stat_index(z, (zip_uint64_t)i, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) || !st.name)
            continue;
        medsec_buf_reset(&origin);
        if (medsec_buf_addf(&origin, "%s:%s", path, st.name)) {
            rc = medsec_error_set(r->err, MEDSEC_ENOMEM, path, 0, 0, "out of memory");
            break;
        }
        if (!ends_with(st.name, ".json")) {
            r->stats->ignored++;
            continue;
        }
        if (st.size > MAX_RECORD) {
            adv_warn(r, origin.data, 0, 0, "member larger than %zu bytes; skipped", MAX_RECORD);
            r->stats->malformed++;
            continue;
        }
        if (st.size + 1 > cap) {
            char *nb = medsec_realloc(buf, (size_t)st.size + 1);
            if (!nb) {
                rc = medsec_error_set(r->err, MEDSEC_ENOMEM, path, 0, 0, "out of memory");
                break;
            }
            buf = nb;
            cap = (size_t)st.size + 1;
        }
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
        rc = handle_json(r, origin.data, buf, (size_t)got);
        progress(r, (uint64_t)i + 1);
    }
    medsec_buf_release(&origin);
    medsec_free(buf);
    zip_discard(z);
    return rc;
}

static unsigned long long octal(const char *p, size_t n)
{
    unsigned long long v = 0;
    size_t i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\0'))
        i++;
    for (; i < n && p[i] >= '0' && p[i] <= '7'; i++)
        v = v * 8 + (unsigned long long)(p[i] - '0');
    return v;
}

/* Skip @n bytes of the stream. */
static medsec_err gz_skip(struct gz *g, unsigned long long n, const char *path, struct medsec_error *err)
{
    char tmp[8192];
    while (n) {
        size_t want = n < sizeof tmp ? (size_t)n : sizeof tmp, got;
        medsec_err rc = gz_read_full(g, tmp, want, &got, path, err);
        if (rc)
            return rc;
        if (got < want)
            return medsec_error_set(err, MEDSEC_EPARSE, path, 0, 0, "truncated tar archive");
        n -= got;
    }
    return MEDSEC_OK;
}

static medsec_err read_tar_gz(struct adv_reader *r, const char *path)
{
    struct gz g;
    struct medsec_error e;
    medsec_err rc = gz_open(&g, path, r->err);
    if (rc)
        return rc;
    char hdr[512];
    char longname[4096] = "";
    char *buf = NULL;
    size_t cap = 0;
    struct medsec_buf origin = MEDSEC_BUF_INIT;
    for (;;) {
        size_t got;
        rc = gz_read_full(&g, hdr, sizeof hdr, &got, path, &e);
        if (rc || got < sizeof hdr)
            break;
        bool zero = true;
        for (size_t i = 0; i < sizeof hdr && zero; i++)
            zero = hdr[i] == 0;
        if (zero)
            break;
        unsigned long long size = octal(hdr + 124, 12);
        unsigned long long padded = (size + 511) / 512 * 512;
        char type = hdr[156];
        char name[4096];
        if (longname[0]) {
            snprintf(name, sizeof name, "%s", longname);
            longname[0] = '\0';
        } else if (memcmp(hdr + 257, "ustar", 5) == 0 && hdr[345]) {
            snprintf(name, sizeof name, "%.155s/%.100s", hdr + 345, hdr);
        } else {
            snprintf(name, sizeof name, "%.100s", hdr);
        }
        if ((type == 'L' || type == 'x') && size < sizeof longname) {
            char meta[4096];
            rc = gz_read_full(&g, meta, (size_t)size, &got, path, &e);
            if (rc || got < size)
                break;
            meta[size] = '\0';
            if (type == 'L') {
                snprintf(longname, sizeof longname, "%s", meta);
            } else {
                const char *pp = strstr(meta, " path=");
                if (pp) {
                    size_t l = strcspn(pp + 6, "\n");
                    snprintf(longname, sizeof longname, "%.*s", (int)l, pp + 6);
                }
            }
            rc = gz_skip(&g, padded - size, path, &e);
            if (rc)
                break;
            continue;
        }
        bool regular = type == '0' || type == '\0';
        bool wanted = regular && (ends_with(name, ".json") || ends_with(name, ".csv"));
        if (!wanted || size > MAX_RECORD) {
            if (regular && !wanted)
                r->stats->ignored++;
            if (wanted) {
                adv_warn(r, path, 0, 0, "member %s larger than %zu bytes; skipped", name, MAX_RECORD);
                r->stats->malformed++;
            }
            rc = gz_skip(&g, padded, path, &e);
            if (rc)
                break;
            continue;
        }
        if (size + 1 > cap) {
            char *nb = medsec_realloc(buf, (size_t)size + 1);
            if (!nb) {
                gz_close(&g);
                medsec_free(buf);
                medsec_buf_release(&origin);
                return medsec_error_set(r->err, MEDSEC_ENOMEM, path, 0, 0, "out of memory");
            }
            buf = nb;
            cap = (size_t)size + 1;
        }
        rc = gz_read_full(&g, buf, (size_t)size, &got, path, &e);
        if (rc || got < size) {
            if (!rc)
                medsec_error_set(&e, MEDSEC_EPARSE, path, 0, 0, "truncated tar archive");
            rc = MEDSEC_EPARSE;
            break;
        }
        buf[size] = '\0';
        rc = gz_skip(&g, padded - size, path, &e);
        if (rc)
            break;
        medsec_buf_reset(&origin);
        if (medsec_buf_addf(&origin, "%s:%s", path, name)) {
            rc = medsec_error_set(r->err, MEDSEC_ENOMEM, path, 0, 0, "out of memory");
            goto out_free;
        }
        rc = handle_content(r, origin.data, buf, (size_t)size);
        progress(r, gz_pos(&g));
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
    gz_close(&g);
    return rc;
}

/* A .gz file: NVD feeds are streamed; anything else is inflated whole and handled by name. */
static medsec_err read_gz(struct adv_reader *r, const char *path)
{
    struct gz g;
    struct medsec_error e;
    medsec_err rc = gz_open(&g, path, r->err);
    if (rc)
        return rc;
    size_t cap = PEEK * 4, len = 0;
    char *buf = medsec_malloc(cap + 1);
    if (!buf) {
        gz_close(&g);
        return medsec_error_set(r->err, MEDSEC_ENOMEM, path, 0, 0, "out of memory");
    }
    size_t got;
    rc = gz_read_full(&g, buf, PEEK, &len, path, &e);
    char inner[4096];
    snprintf(inner, sizeof inner, "%.*s", (int)(strlen(path) - 3), path);
    if (!rc && ends_with(inner, ".json") && looks_nvd(buf, len)) {
        /* stream: scan what we have, keep the unfinished item, refill */
        struct scanner s = {0};
        size_t pos = 0;
        file_seen(r, path, MEDSEC_ADV_NVD);
        for (;;) {
            rc = scan(r, &s, path, buf, &pos, len);
            if (rc)
                goto out_free_buf;
            if (s.broken) {
                adv_warn(r, path, s.line + 1, 0, "%s; rest of the NVD feed skipped", s.broken);
                r->stats->malformed++;
                goto out_free_buf;
            }
            size_t keep = s.in_item ? s.item_start : pos;
            memmove(buf, buf + keep, len - keep);
            len -= keep;
            pos -= keep;
            s.item_start = s.in_item ? 0 : s.item_start;
            if (cap - len < PEEK) {
                if (cap >= MAX_RECORD) {
                    adv_warn(r, path, s.item_line, 0, "NVD item larger than %zu bytes; rest of feed skipped",
                             MAX_RECORD);
                    r->stats->malformed++;
                    goto out_free_buf;
                }
                char *nb = medsec_realloc(buf, cap * 2 + 1);
                if (!nb) {
                    rc = medsec_error_set(r->err, MEDSEC_ENOMEM, path, 0, 0, "out of memory");
                    goto out_free_buf;
                }
                buf = nb;
                cap *= 2;
            }
            rc = gz_read(&g, buf + len, cap - len, &got, path, &e);
            if (rc)
                break;
            progress(r, gz_pos(&g));
            if (got == 0)
                break;
            len += got;
        }
        if (!rc && (s.in_item || s.depth != 0)) {
            adv_warn(r, path, s.line + 1, 0, "NVD feed ends inside a record; last record skipped");
            r->stats->malformed++;
        }
    } else if (!rc) {
        /* whole file: grow to the cap */
        for (;;) {
            if (len == cap) {
                if (cap >= MAX_FILE) {
                    adv_warn(r, path, 0, 0, "uncompressed size over %zu bytes; skipped", MAX_FILE);
                    r->stats->malformed++;
                    goto out_free_buf;
                }
                char *nb = medsec_realloc(buf, cap * 2 + 1);
                if (!nb) {
                    rc = medsec_error_set(r->err, MEDSEC_ENOMEM, path, 0, 0, "out of memory");
                    goto out_free_buf;
                }
                buf = nb;
                cap *= 2;
            }
            rc = gz_read(&g, buf + len, cap - len, &got, path, &e);
            if (rc || got == 0)
                break;
            len += got;
        }
        if (!rc) {
            buf[len] = '\0';
            rc = handle_content(r, inner, buf, len);
            progress(r, r->progress_total);
            goto out_free_buf;
        }
    }
    if (rc) {
        adv_warn(r, path, 0, 0, "%s; skipped", e.msg);
        r->stats->malformed++;
        rc = MEDSEC_OK;
    }
out_free_buf:
    medsec_free(buf);
    gz_close(&g);
    return rc;
}

static medsec_err read_file(struct adv_reader *r, const char *path, uint64_t size)
{
    r->progress_path = path;
    r->progress_total = size;
    progress(r, 0);
    medsec_err rc;
    if (ends_with(path, ".zip")) {
        rc = read_zip(r, path);
    } else if (ends_with(path, ".tar.gz") || ends_with(path, ".tgz")) {
        rc = read_tar_gz(r, path);
    } else if (ends_with(path, ".json.gz") || ends_with(path, ".csv.gz")) {
        rc = read_gz(r, path);
    } else if (ends_with(path, ".json") || ends_with(path, ".csv")) {
        char *text = NULL;
        size_t len = 0;
        rc = medsec_file_read(path, MAX_FILE, &text, &len, r->err);
        if (rc == MEDSEC_ETOOBIG) {
            adv_warn(r, path, 0, 0, "larger than %zu bytes; skipped", MAX_FILE);
            r->stats->malformed++;
            rc = MEDSEC_OK;
        } else if (!rc) {
            rc = handle_content(r, path, text, len);
        }
        medsec_free(text);
    } else {
        r->stats->ignored++;
        rc = MEDSEC_OK;
    }
    if (!rc)
        progress(r, r->progress_total);
    r->progress_path = NULL;
    return rc;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static medsec_err read_path(struct adv_reader *r, const char *path, unsigned depth)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return medsec_error_set(r->err, MEDSEC_ENOTFOUND, path, 0, 0, "no such file or folder");
    if (!S_ISDIR(st.st_mode))
        return read_file(r, path, (uint64_t)st.st_size);
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
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 32;
            char **nn = medsec_realloc(names, nc * sizeof *names);
            if (!nn) {
                rc = MEDSEC_ENOMEM;
                break;
            }
            names = nn;
            cap = nc;
        }
        if (!(names[n] = medsec_path_join(path, de->d_name))) {
            rc = MEDSEC_ENOMEM;
            break;
        }
        n++;
    }
    closedir(d);
    if (rc)
        medsec_error_set(r->err, rc, path, 0, 0, "out of memory");
    else
        qsort(names, n, sizeof *names, name_cmp);
    for (size_t i = 0; !rc && i < n; i++)
        rc = read_path(r, names[i], depth + 1);
    for (size_t i = 0; i < n; i++)
        medsec_free(names[i]);
    medsec_free(names);
    return rc;
}

medsec_err medsec_adv_read_path(const char *path, const struct medsec_adv_sink *sink,
                                struct medsec_adv_read_stats *stats, struct medsec_diags *diags,
                                struct medsec_error *err)
{
    struct medsec_adv_read_stats dummy;
    struct medsec_error e2;
    struct adv_reader r = {.sink = sink, .stats = stats ? stats : &dummy, .diags = diags, .err = err ? err : &e2};
    if (!stats)
        memset(&dummy, 0, sizeof dummy);
    medsec_error_clear(r.err);
    medsec_err rc = read_path(&r, path, 0);
    medsec_arena_release(&r.arena);
    return rc;
}

medsec_err medsec_adv_read_buffer(const char *name, const void *data, size_t len,
                                  const struct medsec_adv_sink *sink, struct medsec_adv_read_stats *stats,
                                  struct medsec_diags *diags, struct medsec_error *err)
{
    struct medsec_adv_read_stats dummy;
    struct medsec_error e2;
    struct adv_reader r = {.sink = sink, .stats = stats ? stats : &dummy, .diags = diags, .err = err ? err : &e2};
    if (!stats)
        memset(&dummy, 0, sizeof dummy);
    medsec_error_clear(r.err);
    medsec_err rc = handle_content(&r, name, data, len);
    medsec_arena_release(&r.arena);
    return rc;
}
