/* fuzz_advfile.c: libFuzzer harness for the advisory reader on files: .json.gz / .csv.gz (whole and
 * streamed NVD feeds), .tar.gz tarballs and OSV .zip archives. The harness gzips the input itself
 * so that the fuzzer mutates the tar or feed text, not the compressed bytes. Bad input is skipped
 * with a warning, never an error; nothing leaks or crashes. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "medsec/advisory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

static void remove_dir(void)
{
    static const char *const names[] = {"in.json.gz", "in.csv.gz", "in.tar.gz", "in.zip"};
    char path[128];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* Write @n bytes to @path, gzip-compressed when @gz. False on any failure. */
static bool write_file(const char *path, const void *p, size_t n, bool gz)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = true;
    if (!gz) {
        ok = fwrite(p, 1, n, f) == n;
    } else {
        z_stream z;
        memset(&z, 0, sizeof z);
        unsigned char out[16384];
        if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
            fclose(f);
            return false;
        }
        z.next_in = (unsigned char *)(uintptr_t)p;
        z.avail_in = (uInt)n;
        int zr;
        do {
            z.next_out = out;
            z.avail_out = sizeof out;
            zr = deflate(&z, Z_FINISH);
            size_t got = sizeof out - z.avail_out;
            if (fwrite(out, 1, got, f) != got)
                ok = false;
        } while (zr == Z_OK);
        ok = ok && zr == Z_STREAM_END;
        deflateEnd(&z);
    }
    return fclose(f) == 0 && ok;
}

static medsec_err sink_advisory(void *ud, const struct medsec_advisory *adv)
{
    (void)ud;
    if (!adv->origin)
        abort();
    for (size_t i = 0; i < adv->n_vulns; i++) {
        const struct medsec_adv_vuln *v = &adv->vulns[i];
        if (!v->name || !strlen(v->name))
            abort();
        for (size_t j = 0; j < v->n_affected; j++)
            if (!v->affected[j].ranges)
                abort();
    }
    return MEDSEC_OK;
}

static medsec_err sink_kev(void *ud, const struct medsec_kev_entry *e, const char *origin,
                           uint64_t hash)
{
    (void)ud;
    (void)hash;
    if (!origin || !e->cve || strncmp(e->cve, "CVE-", 4) != 0)
        abort();
    return MEDSEC_OK;
}

static medsec_err sink_epss(void *ud, const struct medsec_epss_entry *e, const char *origin)
{
    (void)ud;
    if (!origin || !(e->score >= 0 && e->score <= 1) || !(e->percentile >= 0 && e->percentile <= 1))
        abort();
    return MEDSEC_OK;
}

/* "known" answers yes for odd hashes, so that the skip paths run too */
static bool known_odd(void *ud, uint64_t hash)
{
    (void)ud;
    return hash & 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/medsec-fuzz-advfile-XXXXXX");
        if (!mkdtemp(dir))
            abort();
        atexit(remove_dir);
    }
    if (size < 2)
        return 0;
    /*
     * Byte 0: low 3 bits the container (0 .json.gz, 1 .csv.gz, 2 .tar.gz, 3 raw .zip, 4 raw
     * .json.gz, 5 an NVD feed made of the input repeated byte 1 times, gzipped), bit 7 turns
     * "known" on.
     */
    unsigned mode = data[0] & 7, reps = data[1] % 32 + 1;
    bool known = data[0] & 0x80;
    const uint8_t *body = data + 1;
    size_t n = size - 1;
    char path[128];
    static const char *const names[] = {"in.json.gz", "in.csv.gz",  "in.tar.gz",  "in.zip",
                                        "in.json.gz", "in.json.gz", "in.json.gz", "in.json.gz"};
    snprintf(path, sizeof path, "%s/%s", dir, names[mode]);
    bool ok;
    if (mode == 5) {
        /* many items crossing the streaming reader's refill boundaries */
        static const char head[] = "{\"CVE_Items\":[", tail[] = "{}]}";
        body = data + 2;
        n = size - 2;
        size_t total = sizeof head - 1 + reps * (n + 1) + sizeof tail - 1;
        char *feed = malloc(total), *p = feed;
        if (!feed)
            return 0;
        memcpy(p, head, sizeof head - 1);
        p += sizeof head - 1;
        for (unsigned i = 0; i < reps; i++) {
            memcpy(p, body, n);
            p += n;
            *p++ = ',';
        }
        memcpy(p, tail, sizeof tail - 1);
        ok = write_file(path, feed, total, true);
        free(feed);
    } else {
        ok = write_file(path, body, n, mode != 3 && mode != 4);
    }
    if (!ok)
        abort();
    struct medsec_adv_sink sink = {.advisory = sink_advisory,
                                   .kev = sink_kev,
                                   .epss = sink_epss,
                                   .known = known ? known_odd : NULL};
    struct medsec_adv_read_stats st = {0};
    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    struct medsec_error err;
    medsec_err rc = medsec_adv_read_path(path, &sink, &st, &d, &err);
    if (rc != MEDSEC_OK && rc != MEDSEC_ENOMEM)
        abort();
    if (rc == MEDSEC_OK && st.malformed != d.warnings)
        abort();
    medsec_diags_release(&d);
    unlink(path);
    return 0;
}
