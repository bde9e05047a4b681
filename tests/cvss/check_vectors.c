/* check_vectors.c: scores every vector in the Red Hat CVSS test files
 * (../shared/data/vectors/cvss/redhat) and compares base / temporal / environmental with the
 * expected values, printing counts per file. Exit 0 when all match, 1 on any mismatch, 77 (skip)
 * when the shared data is absent. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/cvss.h"

#define MAX_FILES 64
#define MAX_SHOWN 10

/* One expected value: -1 for None (not computed); 'neg_zero' counts the "-0.0" of v2. */
static int parse_expected(char *s, double out[3], int *n, int *neg_zero)
{
    /* "(2.3, None, None)", "(9.2,)" or "7.3" */
    *n = 0;
    char *p = s;
    while (*p == ' ' || *p == '(')
        p++;
    while (*p && *p != ')' && *p != '\n' && *n < 3) {
        while (*p == ' ')
            p++;
        if (strncmp(p, "None", 4) == 0) {
            out[(*n)++] = -1;
            p += 4;
        } else {
            char *end;
            errno = 0;
            double v = strtod(p, &end);
            if (end == p || errno)
                return -1;
            if (v == 0 && signbit(v))
                (*neg_zero)++;
            out[(*n)++] = v;
            p = end;
        }
        while (*p == ' ')
            p++;
        if (*p == ',')
            p++;
    }
    return *n > 0 ? 0 : -1;
}

static int same(double want, double got)
{
    if (want < 0 || got < 0)
        return want < 0 && got < 0;
    return llround(want * 10) == llround(got * 10);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Check one file; returns the number of mismatches (and malformed lines). */
static long check_file(const char *dir, const char *name, long *total)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return 1;
    }
    char line[1024];
    long lines = 0, ok = 0, bad = 0, shown = 0;
    int neg_zero = 0, none = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '\n' || line[0] == '#')
            continue;
        lines++;
        char *sep = strstr(line, " - ");
        double want[3];
        int n = 0;
        if (!sep || parse_expected(sep + 3, want, &n, &neg_zero) != 0) {
            fprintf(stderr, "%s:%ld: cannot read the expected scores\n", name, lines);
            bad++;
            continue;
        }
        *sep = '\0';
        for (int i = 0; i < n; i++)
            none += want[i] < 0;
        struct medsec_cvss c;
        struct medsec_error err;
        struct medsec_cvss_scores s;
        if (medsec_cvss_parse(line, &c, &err) != MEDSEC_OK) {
            if (shown++ < MAX_SHOWN)
                fprintf(stderr, "%s: %s:%u: error: %s\n", name, line, err.column, err.msg);
            bad++;
            continue;
        }
        medsec_cvss_score(&c, &s);
        int match;
        double got[3] = {-1, -1, -1};
        if (c.version == MEDSEC_CVSS_V40) {
            got[0] = s.overall;
            match = n == 1 && same(want[0], s.overall);
        } else {
            got[0] = s.base, got[1] = s.temporal, got[2] = s.environmental;
            match =
                n == 3 && same(want[0], got[0]) && same(want[1], got[1]) && same(want[2], got[2]);
        }
        if (match) {
            ok++;
        } else {
            bad++;
            if (shown++ < MAX_SHOWN)
                fprintf(stderr, "%s: %s: want %s, got (%.1f, %.1f, %.1f) macrovector %s\n", name,
                        line, sep + 3, got[0], got[1], got[2], s.macrovector);
        }
    }
    fclose(f);
    printf("%-22s %5ld vectors, %5ld match, %ld differ (None expected %d times, -0.0 %d times)\n",
           name, lines, ok, bad, none, neg_zero);
    *total += lines;
    return bad;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: check_vectors DIR\n");
        return 2;
    }
    DIR *d = opendir(argv[1]);
    if (!d) {
        printf("SKIP: CVSS test vectors not found at %s (../shared/data is absent)\n", argv[1]);
        return 77;
    }
    char *names[MAX_FILES];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < MAX_FILES)
        if (strncmp(e->d_name, "vectors_", 8) == 0)
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof names[0], cmp_names);
    long bad = 0, total = 0;
    for (size_t i = 0; i < n; i++) {
        if (names[i])
            bad += check_file(argv[1], names[i], &total);
        free(names[i]);
    }
    printf("total: %ld vectors in %zu files, %ld differ\n", total, n, bad);
    if (n == 0) {
        fprintf(stderr, "no vectors_* files in %s\n", argv[1]);
        return 1;
    }
    return bad ? 1 : 0;
}
