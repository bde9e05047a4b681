/* sbom_bench.c: time medsec_sbom_load per file (best of N runs) and report the peak RSS; used by
 * bench/sbom_load.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "medsec/sbom.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    int runs = 5, first = 1;
    if (argc > 2 && strcmp(argv[1], "-n") == 0) {
        runs = atoi(argv[2]);
        first = 3;
    }
    if (first >= argc || runs < 1) {
        fprintf(stderr, "usage: sbom_bench [-n RUNS] FILE...\n");
        return 2;
    }
    double total = 0, worst = 0;
    size_t files = 0, comps = 0;
    int status = 0;
    for (int i = first; i < argc; i++) {
        double best = 1e18;
        size_t n = 0, deps = 0;
        for (int r = 0; r < runs; r++) {
            struct medsec_sbom *s = NULL;
            struct medsec_error err;
            double t0 = now_ms();
            medsec_err rc = medsec_sbom_load(argv[i], NULL, &s, NULL, &err);
            double t = now_ms() - t0;
            if (rc) {
                fprintf(stderr, "%s:%u:%u: %s\n", err.file, err.line, err.column, err.msg);
                status = 1;
                break;
            }
            n = s->ncomponents;
            deps = s->ndeps;
            medsec_sbom_free(s);
            if (t < best)
                best = t;
        }
        if (best > 1e17)
            continue;
        const char *base = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
        printf("%8.2f ms  %6zu components  %6zu deps  %.70s\n", best, n, deps, base);
        total += best;
        worst = best > worst ? best : worst;
        files++;
        comps += n;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf(
        "files %zu, components %zu, mean %.2f ms, max %.2f ms (best of %d runs each), peak RSS %ld KiB\n",
        files, comps, files ? total / (double)files : 0.0, worst, runs, ru.ru_maxrss);
    return status;
}
