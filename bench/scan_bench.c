/* scan_bench.c: time medsec_scan_sbom in-process, after the database is open and the SBOM loaded.
 * usage: scan_bench --db PATH [-n RUNS] SBOM...
 * Prints per SBOM: components, findings, the first scan (cold statements and pages) and the median
 * and minimum of RUNS further scans, in milliseconds. Used by bench/scan.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "medsec/db.h"
#include "medsec/scan.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    const char *dbpath = NULL;
    int runs = 20, first = 1;
    for (; first < argc; first++) {
        if (!strcmp(argv[first], "--db") && first + 1 < argc)
            dbpath = argv[++first];
        else if (!strcmp(argv[first], "-n") && first + 1 < argc)
            runs = atoi(argv[++first]);
        else
            break;
    }
    if (!dbpath || first >= argc || runs < 1 || runs > 10000) {
        fputs("usage: scan_bench --db PATH [-n RUNS] SBOM...\n", stderr);
        return 2;
    }
    struct medsec_error err;
    struct medsec_db *db;
    double t0 = now_ms();
    if (medsec_db_open(NULL, dbpath, MEDSEC_DB_READONLY, &db, &err) != MEDSEC_OK) {
        fprintf(stderr, "scan_bench: %s: %s\n", dbpath, err.msg);
        return 2;
    }
    printf("database open: %.2f ms\n", now_ms() - t0);
    printf("%-60s %6s %8s %9s %9s %9s\n", "SBOM", "COMPS", "FINDINGS", "FIRST ms", "MEDIAN ms",
           "MIN ms");
    double *t = malloc(sizeof *t * (size_t)runs);
    int status = 0;
    for (int i = first; i < argc && t; i++) {
        struct medsec_sbom *s = NULL;
        if (medsec_sbom_load(argv[i], NULL, &s, NULL, &err) != MEDSEC_OK) {
            fprintf(stderr, "scan_bench: %s: %s\n", argv[i], err.msg);
            status = 2;
            continue;
        }
        struct medsec_scan_result r;
        double a = now_ms();
        medsec_err rc = medsec_scan_sbom(db, s, NULL, &r, NULL, &err);
        double cold = now_ms() - a;
        size_t nf = r.nfindings;
        medsec_scan_result_release(&r);
        for (int k = 0; k < runs && rc == MEDSEC_OK; k++) {
            a = now_ms();
            rc = medsec_scan_sbom(db, s, NULL, &r, NULL, &err);
            t[k] = now_ms() - a;
            medsec_scan_result_release(&r);
        }
        if (rc) {
            fprintf(stderr, "scan_bench: %s: %s\n", argv[i], err.msg);
            status = 3;
        } else {
            qsort(t, (size_t)runs, sizeof *t, cmp_double);
            const char *base = strrchr(argv[i], '/');
            printf("%-60.60s %6zu %8zu %9.2f %9.2f %9.2f\n", base ? base + 1 : argv[i],
                   s->ncomponents, nf, cold, t[runs / 2], t[0]);
        }
        medsec_sbom_free(s);
    }
    free(t);
    medsec_db_close(db);
    return status;
}
