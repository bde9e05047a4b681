/* sbom_corpus.c: load every JSON SBOM of the shared-data corpora (read straight from the tar.gz /
 * .gz files) and check: no crash, known component counts, the expected set of rejected files, and
 * that every error and warning names its file and position.
 *
 * usage: sbom_corpus SHARED_DATA_DIR [--lab]   (exit 77 when the data is absent; --lab adds the
 * 40 largest in-the-lab SPDX files) */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "medsec/alloc.h"
#include "medsec/sbom.h"

#define MEMBER_MAX ((size_t)64 << 20)

static int failures;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                                            \
            printf(__VA_ARGS__);                                                                   \
            putchar('\n');                                                                         \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

/* Counts that were verified independently (with Python's json module over the same files):
 * components excluding the CycloneDX metadata.component, and dependency edges between kept
 * components (duplicates and self-edges removed). deps < 0: not checked. */
struct expect {
    const char *suffix;
    long components;
    long deps;
};
static const struct expect expected[] = {
#include "corpus_expected.inc"
};

/* Files that must be rejected (not JSON, not an SBOM, or an unsupported format version). */
static const char *const expected_failures[] = {
#include "corpus_failures.inc"
};

struct stats {
    const char *group;
    size_t files, loaded, failed, warned, components, warnings;
};

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

static int in_failures(const char *name)
{
    for (size_t i = 0; i < sizeof expected_failures / sizeof *expected_failures; i++)
        if (ends_with(name, expected_failures[i]))
            return 1;
    return 0;
}

static size_t seen_expect[sizeof expected / sizeof *expected];

static void check_one(struct stats *st, const char *name, const char *data, size_t len)
{
    struct medsec_diags warn = MEDSEC_DIAGS_INIT;
    struct medsec_error err = {0};
    struct medsec_sbom *s = NULL;
    st->files++;
    medsec_err rc = medsec_sbom_parse(data, len, name, NULL, &s, &warn, &err);
    int want_fail = in_failures(name);
    if (rc) {
        st->failed++;
        printf("  rejected %s:%u:%u: %s\n", err.file, err.line, err.column, err.msg);
        CHECK(want_fail, "%s: unexpected failure: %s", name, err.msg);
        CHECK(strcmp(err.file, name) == 0, "%s: error names file '%s'", name, err.file);
        CHECK(err.line >= 1 && err.column >= 1, "%s: error without a position", name);
        CHECK(err.msg[0] != '\0', "%s: error without a message", name);
        CHECK(s == NULL, "%s: result set on failure", name);
        goto out_release;
    }
    CHECK(!want_fail, "%s: loaded but expected to be rejected", name);
    st->loaded++;
    st->warnings += warn.warnings;
    CHECK(warn.warnings == s->nwarnings, "%s: %zu warnings recorded, %zu counted", name,
          warn.warnings, s->nwarnings);
    if (warn.warnings)
        st->warned++;
    for (size_t i = 0; i < warn.n; i++) {
        const struct medsec_diag *g = &warn.v[i];
        CHECK(strcmp(g->file, name) == 0 && g->line >= 1 && g->column >= 1 && g->msg[0],
              "%s: warning without file/position: %s", name, g->msg);
    }
    size_t plain = 0;
    for (size_t i = 0; i < s->ncomponents; i++) {
        const struct medsec_sbom_component *c = &s->components[i];
        CHECK(c->name && c->name[0] && c->ref && c->line >= 1, "%s: component %zu incomplete", name,
              i);
        CHECK(medsec_sbom_find(s, c->ref) == c, "%s: ref %s not found", name, c->ref);
        CHECK(c->parent == MEDSEC_SBOM_NO_PARENT || c->parent < i, "%s: bad parent", name);
        if (!(s->format == MEDSEC_SBOM_CYCLONEDX && c->is_subject))
            plain++;
    }
    for (size_t i = 0; i < s->ndeps; i++)
        CHECK(s->deps[i].from < s->ncomponents && s->deps[i].to < s->ncomponents &&
                  (i == 0 || s->deps[i - 1].from < s->deps[i].from ||
                   (s->deps[i - 1].from == s->deps[i].from && s->deps[i - 1].to < s->deps[i].to)),
              "%s: dependency %zu out of order or range", name, i);
    st->components += plain;
    for (size_t k = 0; k < sizeof expected / sizeof *expected; k++) {
        if (!ends_with(name, expected[k].suffix))
            continue;
        seen_expect[k]++;
        CHECK((long)plain == expected[k].components, "%s: %zu components, expected %ld", name,
              plain, expected[k].components);
        CHECK(expected[k].deps < 0 || (long)s->ndeps == expected[k].deps,
              "%s: %zu dependencies, expected %ld", name, s->ndeps, expected[k].deps);
    }
    if (warn.warnings)
        printf("  loaded   %s: %zu components, %zu warnings (first: %u:%u: %s)\n", name, plain,
               warn.warnings, warn.n ? warn.v[0].line : 0, warn.n ? warn.v[0].column : 0,
               warn.n ? warn.v[0].msg : "");
    medsec_sbom_free(s);
out_release:
    medsec_diags_release(&warn);
}

/* ---- reading .gz and .tar.gz with zlib ---- */

static int gz_read_all(gzFile gz, char *dst, size_t n)
{
    while (n) {
        unsigned chunk = n > (1u << 30) ? (1u << 30) : (unsigned)n;
        int r = gzread(gz, dst, chunk);
        if (r <= 0)
            return -1;
        dst += r;
        n -= (size_t)r;
    }
    return 0;
}

static size_t octal(const char *p, size_t n)
{
    size_t v = 0;
    for (size_t i = 0; i < n && p[i]; i++)
        if (p[i] >= '0' && p[i] <= '7')
            v = v * 8 + (size_t)(p[i] - '0');
    return v;
}

/* pax "len key=value\n" records: return the path value, if any, into @out. */
static void pax_path(const char *d, size_t n, char *out, size_t cap)
{
    size_t i = 0;
    while (i < n) {
        size_t len = 0, j = i;
        while (j < n && d[j] >= '0' && d[j] <= '9')
            len = len * 10 + (size_t)(d[j++] - '0');
        if (!len || i + len > n)
            return;
        const char *kv = d + j + 1, *end = d + i + len - 1;
        if (end - kv > 5 && memcmp(kv, "path=", 5) == 0) {
            size_t l = (size_t)(end - kv - 5);
            if (l >= cap)
                l = cap - 1;
            memcpy(out, kv + 5, l);
            out[l] = '\0';
        }
        i += len;
    }
}

static int tar_each(const char *path, struct stats *st)
{
    gzFile gz = gzopen(path, "rb");
    if (!gz) {
        CHECK(0, "cannot open %s", path);
        return -1;
    }
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    char hdr[512], longname[1024] = "", name[1700];
    int rc = 0;
    for (;;) {
        if (gz_read_all(gz, hdr, sizeof hdr) != 0) {
            CHECK(0, "%s: truncated tar", path);
            rc = -1;
            break;
        }
        int zero = 1;
        for (size_t i = 0; i < sizeof hdr; i++)
            zero &= hdr[i] == 0;
        if (zero)
            break;
        size_t size = octal(hdr + 124, 12), padded = (size + 511) / 512 * 512;
        char type = hdr[156];
        if (padded > MEMBER_MAX) {
            CHECK(0, "%s: member too big", path);
            rc = -1;
            break;
        }
        char *data = malloc(padded + 1);
        if (!data || gz_read_all(gz, data, padded) != 0) {
            free(data);
            CHECK(0, "%s: truncated member", path);
            rc = -1;
            break;
        }
        data[size] = '\0';
        if (type == 'L') {
            snprintf(longname, sizeof longname, "%s", data);
        } else if (type == 'x') {
            pax_path(data, size, longname, sizeof longname);
        } else if (type == '0' || type == '\0') {
            char member[1200];
            if (longname[0])
                snprintf(member, sizeof member, "%s", longname);
            else if (hdr[345])
                snprintf(member, sizeof member, "%.155s/%.100s", hdr + 345, hdr);
            else
                snprintf(member, sizeof member, "%.100s", hdr);
            longname[0] = '\0';
            const char *leaf = strrchr(member, '/') ? strrchr(member, '/') + 1 : member;
            if (ends_with(member, ".json") && leaf[0] != '.') {
                snprintf(name, sizeof name, "%s:%s", base, member);
                check_one(st, name, data, size);
            }
        } else {
            longname[0] = '\0';
        }
        free(data);
    }
    gzclose(gz);
    return rc;
}

static void gz_file(const char *path, struct stats *st)
{
    gzFile gz = gzopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0;
    if (!gz) {
        CHECK(0, "cannot open %s", path);
        return;
    }
    for (;;) {
        if (len + 65536 + 1 > cap) {
            cap = cap ? cap * 2 : 1 << 20;
            char *n = cap <= MEMBER_MAX ? realloc(buf, cap) : NULL;
            if (!n) {
                CHECK(0, "%s: too big", path);
                goto out_free;
            }
            buf = n;
        }
        int r = gzread(gz, buf + len, 65536);
        if (r < 0) {
            CHECK(0, "%s: gzip error", path);
            goto out_free;
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    buf[len] = '\0';
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    check_one(st, base, buf, len);
out_free:
    free(buf);
    gzclose(gz);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every file in @dir ending in @suffix, in name order. */
static void dir_each(const char *dir, const char *suffix, struct stats *st)
{
    DIR *d = opendir(dir);
    char *names[256];
    size_t n = 0;
    if (!d) {
        CHECK(0, "cannot open %s", dir);
        return;
    }
    for (struct dirent *e; (e = readdir(d)) != NULL && n < 256;)
        if (ends_with(e->d_name, suffix))
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (ends_with(path, ".gz")) {
            gz_file(path, st);
        } else {
            FILE *f = fopen(path, "rb");
            char *buf = NULL;
            long sz = -1;
            if (f && fseek(f, 0, SEEK_END) == 0 && (sz = ftell(f)) >= 0 &&
                fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)sz + 1)) &&
                fread(buf, 1, (size_t)sz, f) == (size_t)sz)
                check_one(st, names[i], buf, (size_t)sz);
            else
                CHECK(0, "cannot read %s", path);
            free(buf);
            if (f)
                fclose(f);
        }
        free(names[i]);
    }
}

static void report(const struct stats *st)
{
    printf(
        "%-28s files %4zu  loaded %4zu  failed %3zu  warned %3zu  components %7zu  warnings %6zu\n",
        st->group, st->files, st->loaded, st->failed, st->warned, st->components, st->warnings);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: sbom_corpus SHARED_DATA_DIR [--lab]\n");
        return 2;
    }
    const char *data = argv[1];
    int lab = argc > 2 && strcmp(argv[2], "--lab") == 0;
    char p[2048];
    snprintf(p, sizeof p, "%s/sbom/cyclonedx-bom-examples-json.tar.gz", data);
    FILE *probe = fopen(p, "rb");
    if (!probe) {
        printf("SKIP: %s not found (../shared/data is absent)\n", p);
        return 77;
    }
    fclose(probe);

    struct stats groups[] = {
        {.group = "cyclonedx-bom-examples"},  {.group = "peer-samples"},
        {.group = "medical-adjacent"},        {.group = "cve-bin-tool"},
        {.group = "bom-shelter-in-the-wild"}, {.group = "bom-shelter-40-largest"}};
    tar_each(p, &groups[0]);
    snprintf(p, sizeof p, "%s/sbom/peer-samples", data);
    dir_each(p, ".json", &groups[1]);
    snprintf(p, sizeof p, "%s/sbom/medical-adjacent", data);
    dir_each(p, ".json.gz", &groups[2]);
    snprintf(p, sizeof p, "%s/sbom/cve-bin-tool-test-sbom-vex.tar.gz", data);
    tar_each(p, &groups[3]);
    snprintf(p, sizeof p, "%s/sbom/bom-shelter-in-the-wild.tar.gz", data);
    tar_each(p, &groups[4]);
    size_t ngroups = 5;
    if (lab) {
        snprintf(p, sizeof p, "%s/sbom/bom-shelter-in-the-lab-40-largest.tar.gz", data);
        tar_each(p, &groups[5]);
        CHECK(groups[5].files == 40 && groups[5].loaded == 40, "40-largest: %zu of %zu loaded",
              groups[5].loaded, groups[5].files);
        CHECK(groups[5].components == 17641, "40-largest: %zu packages, README says 17,641",
              groups[5].components);
        ngroups = 6;
    }
    for (size_t k = 0; k < sizeof expected / sizeof *expected; k++)
        CHECK(seen_expect[k] || (!lab && strstr(expected[k].suffix, "in-the-lab")),
              "expected file %s not in the corpus", expected[k].suffix);
    /* three nightscout SBOMs and the package-lock.json they were made from (not an SBOM) */
    CHECK(groups[2].files == 4 && groups[2].loaded == 3, "nightscout: %zu of 3 loaded",
          groups[2].loaded);
    struct stats total = {.group = "total"};
    for (size_t g = 0; g < ngroups; g++) {
        report(&groups[g]);
        total.files += groups[g].files;
        total.loaded += groups[g].loaded;
        total.failed += groups[g].failed;
        total.warned += groups[g].warned;
        total.components += groups[g].components;
        total.warnings += groups[g].warnings;
    }
    report(&total);
    printf("%s (%d check failures)\n", failures ? "FAILED" : "ok", failures);
    return failures ? 1 : 0;
}
